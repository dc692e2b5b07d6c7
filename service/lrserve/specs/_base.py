"""Shared field types and the base model of every spec."""

from __future__ import annotations

from typing import Annotated, TypeAlias

from pydantic import BaseModel, ConfigDict, Field

from ..limits import MAX_ITEMS, MAX_STEP

__all__ = ["LR", "MAX_ITEMS", "Factor", "Positive", "SpecModel", "StepCount", "StepIndex"]

#: A learning rate: finite and >= 0.
LR: TypeAlias = Annotated[float, Field(ge=0.0, allow_inf_nan=False)]
#: A multiplier: finite and >= 0.
Factor: TypeAlias = Annotated[float, Field(ge=0.0, allow_inf_nan=False)]
#: A finite number > 0.
Positive: TypeAlias = Annotated[float, Field(gt=0.0, allow_inf_nan=False)]
#: A number of steps >= 1.
StepCount: TypeAlias = Annotated[int, Field(ge=1, le=MAX_STEP)]
#: A step index >= 0.
StepIndex: TypeAlias = Annotated[int, Field(ge=0, le=MAX_STEP)]


#: How each library's name is spelt at the front of its models' titles.
_LIBRARIES = {"deepspeed": "DeepSpeed"}


def schema_title(cls: type) -> str:
    """A spec model's title in JSON Schema and OpenAPI: its class name, prefixed by its library's for a
    dialect's (``KerasExponentialDecay``, ``OptaxExponentialDecay``), so that no two models share one
    (client generators name their classes by title)."""
    name = cls.__name__.lstrip("_")
    package, _, module = cls.__module__.rpartition(".")
    if package.endswith(".dialects") and not module.startswith("_"):
        return _LIBRARIES.get(module, module.capitalize()) + name
    return name


class SpecModel(BaseModel):
    """Base of every spec: unknown fields are refused, values are immutable, floats are finite,
    and no silent coercion (``"10"`` is not a number, ``10.5`` is not a step count)."""

    model_config = ConfigDict(
        extra="forbid", frozen=True, strict=True, allow_inf_nan=False, model_title_generator=schema_title
    )
