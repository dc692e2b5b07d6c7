"""Request and response bodies of the HTTP API (the spec itself is :data:`service.Spec`)."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from .._engine import Spec, check_depth
from ..core import MAX_STEP

__all__ = [
    "NAME_PATTERN",
    "LrOut",
    "LrRequest",
    "NamedLrOut",
    "PieceOut",
    "RevisionIn",
    "RevisionOut",
    "ScheduleIn",
    "ScheduleList",
    "ScheduleOut",
    "ScheduleSummaryOut",
    "Status",
    "TableOut",
    "TableRequest",
]

NAME_PATTERN = r"^[a-z0-9][a-z0-9._-]{0,63}$"
Step = Annotated[int, Field(ge=0, le=MAX_STEP)]
Text = Annotated[str, Field(max_length=2000, pattern=r"^[^\x00]*$")]  # no NUL: PostgreSQL refuses it


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)

    @field_validator("schedule", mode="before", check_fields=False)
    @classmethod
    def _not_too_deep(cls, value: Any) -> Any:
        check_depth(value)  # before the union is tried, so deep nesting is one short error
        return value


class TableRequest(_In):
    """A table of a spec over ``range(start, stop, stride)`` or at the listed ``steps``."""

    schedule: Spec
    start: Step = 0
    stop: Annotated[int, Field(ge=0, le=MAX_STEP + 1)] | None = None
    stride: Annotated[int, Field(ge=1, le=MAX_STEP)] = 1
    steps: Annotated[list[Step], Field(max_length=100_000)] | None = None

    @model_validator(mode="after")
    def _one_way(self) -> TableRequest:
        if (self.stop is None) == (self.steps is None):
            raise ValueError("give either stop (with optional start and stride) or steps, not both")
        if self.steps is not None and (self.start != 0 or self.stride != 1):
            raise ValueError("start and stride go with stop, not with steps")
        return self


class LrRequest(_In):
    schedule: Spec
    step: Step


class ScheduleIn(_In):
    """Create or replace a named schedule."""

    schedule: Spec
    description: Text = ""
    force: bool = Field(False, description="Replace even if steps of the current spec have been served.")


class RevisionIn(_In):
    """Change a schedule from ``effective_from_step`` on."""

    schedule: Spec
    effective_from_step: Step
    comment: Text = ""
    force: bool = Field(
        False, description="Accept even if a step at or after effective_from_step was served."
    )


class _Out(BaseModel):
    model_config = ConfigDict(frozen=True)


class Status(_Out):
    status: str


class LrOut(_Out):
    step: int
    lr: float


class NamedLrOut(_Out):
    name: str
    step: int
    lr: float
    revision: int


class TableOut(_Out):
    steps: list[int]
    lr: list[float]


class RevisionOut(_Out):
    revision: int
    effective_from_step: int
    schedule: dict[str, Any] = Field(description="The spec, as it was sent.")
    native: dict[str, Any] = Field(
        description="Its native translation with every default filled in: what the engine evaluates "
        "(the Python client compiles it with numpy alone)."
    )
    created_at: str
    comment: str
    forced: bool


class PieceOut(_Out):
    from_step: int
    revision: int


class ScheduleOut(_Out):
    name: str
    description: str
    etag: str
    revision: int = Field(description="The latest revision's number.")
    schedule: dict[str, Any] = Field(description="The latest revision's spec, as it was sent.")
    native: dict[str, Any] | None = Field(
        description="Its translation to the native language (null if native)."
    )
    revisions: list[RevisionOut]
    timeline: list[PieceOut] = Field(description="Which revision is in force from which step.")
    promised_step: int = Field(description="The highest step served so far (-1: none).")
    promised_until: int | None = Field(
        None, description="With ?step=: the step up to which the caller may evaluate this copy locally."
    )
    created_at: str
    updated_at: str


class ScheduleSummaryOut(_Out):
    name: str
    description: str
    etag: str
    revisions: int
    promised_step: int
    created_at: str
    updated_at: str


class ScheduleList(_Out):
    items: list[ScheduleSummaryOut]
    next_after: str | None = Field(description="Pass as ?after= for the next page; null on the last page.")
