"""Keras 3: a named schedule as a ``LearningRateSchedule`` that saves with the model.

The schedule is prefetched as a table of ``total_steps`` steps onto the device (Keras evaluates the
schedule inside its compiled train step); ``get_config`` carries the fetched copy, so a saved model loads
and trains on with the same LRs without the server::

    from lrserve.client.keras import RemoteLearningRateSchedule

    lr = RemoteLearningRateSchedule("http://lrs:8000", "resnet50", total_steps=100_000)
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=lr), loss="mse")

Steps past ``total_steps`` keep the last value. A revision made later reaches the model when the schedule
is built again (e.g. at the next ``fit`` after ``reload()``).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .._extras import missing_extra

try:
    import keras
except ModuleNotFoundError as exc:
    raise missing_extra(exc, "keras", "lrserve.client.keras") from exc

from ._remote import RemoteSchedule, ScheduleCopy

__all__ = ["RemoteLearningRateSchedule"]


@keras.saving.register_keras_serializable(package="lrs")
class RemoteLearningRateSchedule(keras.optimizers.schedules.LearningRateSchedule):
    def __init__(
        self,
        url: str | None = None,
        name: str | None = None,
        total_steps: int = 100_000,
        *,
        token: str | None = None,
        copy: dict[str, Any] | None = None,
    ) -> None:
        super().__init__()
        if copy is None:
            if url is None or name is None:
                raise ValueError("give url and name (or a fetched copy)")
            remote = RemoteSchedule(url, name, token=token, horizon=max(total_steps, 2), background=False)
            try:
                fetched = remote.copy
            finally:
                remote.close()
        else:
            fetched = ScheduleCopy.from_dict(copy)
        self.url, self.schedule_name, self.total_steps = url, fetched.name, total_steps
        self.copy = fetched
        self.table = keras.ops.convert_to_tensor(fetched.table(np.arange(total_steps)), dtype="float32")

    def reload(self, token: str | None = None) -> RemoteLearningRateSchedule:
        """A new schedule with the server's current copy."""
        return RemoteLearningRateSchedule(self.url, self.schedule_name, self.total_steps, token=token)

    def __call__(self, step: Any) -> Any:
        index = keras.ops.clip(keras.ops.cast(step, "int32"), 0, self.total_steps - 1)
        return keras.ops.take(self.table, index)

    def get_config(self) -> dict[str, Any]:
        return {
            "url": self.url,
            "name": self.schedule_name,
            "total_steps": self.total_steps,
            "copy": self.copy.to_dict(),
        }
