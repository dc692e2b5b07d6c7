"""What to draw of a schedule: how far (``extent``) and which points (``curve``).

A curve of many steps is drawn from at most ``2 * points`` of its real samples: in each of ``points``
equal buckets of steps, the step with the lowest LR and the step with the highest, so every jump,
spike and cycle keeps its full height, and every point drawn is an exact (step, LR) of the schedule.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from .. import core

__all__ = ["MAX_SAMPLED", "curve", "extent"]

#: The most steps a curve evaluates; a longer range is sampled with a stride first.
MAX_SAMPLED = 4_000_000

_STEP_KEYS = ("step", "t_max", "period", "timescale", "boundaries", "milestones")


def _ints(value: Any) -> list[int]:
    items = value if isinstance(value, list) else [value]
    return [v for v in items if isinstance(v, int) and not isinstance(v, bool)]


def _natural(native: Mapping[str, Any]) -> int:
    """The step where a native spec's shape has played out (its last change, roughly)."""
    kind = native.get("kind")
    if kind == "sequence":
        bounds = list(native["boundaries"])
        tail = _natural(native["schedules"][-1])
        last = bounds[-1] if bounds else 0
        return last + tail if native.get("local_steps", True) else max(last, tail)
    if kind == "product":
        return max((_natural(s) for s in native["schedules"]), default=0)
    if kind == "cosine_restarts":
        period, mult = native["period"], native.get("period_mult", 1.0)
        cycles = native.get("cycle_limit") or 3
        cycles = min(cycles, 3)
        span, length = 0.0, float(period)
        for _ in range(cycles):  # multiplied, not mult**i: a huge period_mult gives inf, not an error
            span += length
            length *= mult
        return int(min(span, core.MAX_STEP))
    if kind == "cyclic":
        up = native["step_size_up"]
        down = native.get("step_size_down") or up
        return 3 * (int(up) + int(down))
    found = [0]
    for key, value in native.items():
        if isinstance(value, Mapping):
            found.append(_natural(value))
        elif any(k in key for k in _STEP_KEYS):
            found.extend(_ints(value))
    if kind == "warmup_cosine":
        found.append(native["warmup_steps"] + native["hold_steps"] + native["decay_steps"])
    if kind == "warmup_stable_decay":
        found.append(native["warmup_steps"] + native["stable_steps"] + native["decay_steps"])
    return max(found)


def extent(natives: Sequence[Mapping[str, Any]], starts: Sequence[int] | None = None, floor: int = 0) -> int:
    """A step range that shows a schedule whole: past the natural end of each piece (a revision history's
    pieces start at ``starts``) and past ``floor`` (e.g. the highest step served), with a margin; at most
    every valid step."""
    starts = starts or [0] * len(natives)
    ends = [start + _natural(native) for start, native in zip(starts, natives, strict=True)]
    end = max([*ends, *starts, floor, 0])
    return min(max(100, math.ceil(end * 1.1) + 1), core.MAX_STEP + 1)


def curve(
    schedule: core.Schedule, start: int, stop: int, points: int
) -> tuple[core.IntArray, core.FloatArray]:
    """Exact samples of ``schedule`` over ``range(start, stop)`` to draw it with ``points`` buckets.

    A schedule that ends (``last_step``) is drawn up to its end. Raises ``ValueError`` for an empty range.
    """
    if schedule.last_step is not None:
        stop = min(stop, schedule.last_step + 1)
    if stop <= start:
        raise ValueError(f"nothing to draw: the range {start}..{stop} is empty")
    stride = max(1, -(-(stop - start) // MAX_SAMPLED))
    steps = np.arange(start, stop, stride, dtype=np.int64)
    if steps[-1] != stop - 1:
        steps = np.append(steps, np.int64(stop - 1))
    lr = core.evaluate(schedule, steps)
    if steps.size <= 2 * points:
        return steps, lr
    size = -(-steps.size // points)  # bucket size; the last bucket may be shorter
    full = (steps.size // size) * size
    blocks = lr[:full].reshape(-1, size)
    base = np.arange(0, full, size)
    picks = [base + blocks.argmin(axis=1), base + blocks.argmax(axis=1), np.array([0, steps.size - 1])]
    if full < steps.size:
        tail = lr[full:]
        picks.append(np.array([full + int(tail.argmin()), full + int(tail.argmax())]))
    index = np.unique(np.concatenate(picks))
    return steps[index], lr[index]
