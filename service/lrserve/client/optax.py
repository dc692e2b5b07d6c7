"""optax / JAX: a named schedule as a ``count -> lr`` function usable inside ``jit``.

JAX traces a schedule once, so the function is backed by a table of the schedule prefetched onto the
device for ``total_steps`` steps (``table[min(count, total_steps - 1)]``)::

    from lrserve.client import RemoteSchedule
    from lrserve.client.optax import schedule_fn

    remote = RemoteSchedule("http://lrs:8000", "resnet50")
    tx = optax.sgd(learning_rate=schedule_fn(remote, total_steps=100_000))

The table is the schedule as fetched; a revision made later reaches a jitted step function only when it
is traced again. To follow revisions live, feed the LR from the host each step instead:
``optax.inject_hyperparams(optax.sgd)(learning_rate=remote.lr(0))`` and set
``opt_state.hyperparams["learning_rate"] = remote.lr(step)`` before each update.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from .._extras import missing_extra
from ._remote import RemoteSchedule, ScheduleCopy

__all__ = ["schedule_fn"]


def schedule_fn(
    source: RemoteSchedule | ScheduleCopy, total_steps: int, dtype: Any = None
) -> Callable[[Any], Any]:
    """A jittable ``count -> lr`` of ``source``'s current copy over ``total_steps`` steps (steps past the
    end keep the last value). ``dtype``: the table's (default float32, JAX's default float)."""
    try:
        import jax.numpy as jnp
    except ModuleNotFoundError as exc:
        raise missing_extra(exc, "jax", "lrserve.client.optax") from exc
    if total_steps < 1:
        raise ValueError("total_steps must be at least 1")
    copy = source.copy if isinstance(source, RemoteSchedule) else source
    table = jnp.asarray(copy.table(np.arange(total_steps)), dtype=dtype or jnp.float32)
    last = total_steps - 1

    def schedule(count: Any) -> Any:
        return table[jnp.clip(count, 0, last)]

    return schedule
