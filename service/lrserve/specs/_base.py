"""Shared field types and the base model of every spec."""

from __future__ import annotations

from typing import Annotated, TypeAlias

from pydantic import BaseModel, ConfigDict, Field

__all__ = ["LR", "MAX_ITEMS", "Factor", "Positive", "SpecModel", "StepCount", "StepIndex"]

#: The most phases, milestones, boundaries or knots one spec may list.
MAX_ITEMS = 256

#: A learning rate: finite and >= 0.
LR: TypeAlias = Annotated[float, Field(ge=0.0, allow_inf_nan=False)]
#: A multiplier: finite and >= 0.
Factor: TypeAlias = Annotated[float, Field(ge=0.0, allow_inf_nan=False)]
#: A finite number > 0.
Positive: TypeAlias = Annotated[float, Field(gt=0.0, allow_inf_nan=False)]
#: A number of steps >= 1.
StepCount: TypeAlias = Annotated[int, Field(ge=1, le=2**53)]
#: A step index >= 0.
StepIndex: TypeAlias = Annotated[int, Field(ge=0, le=2**53)]


class SpecModel(BaseModel):
    """Base of every spec: unknown fields are refused, values are immutable, floats are finite,
    and no silent coercion (``"10"`` is not a number, ``10.5`` is not a step count)."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True, allow_inf_nan=False)
