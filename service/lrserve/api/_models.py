"""Request and response bodies of the HTTP API (the spec itself is :data:`lrserve.Spec`)."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator
from typing_extensions import TypeAliasType

from .._engine import Spec, check_depth
from ..core import MAX_STEP
from ..limits import MAX_TEXT, NAME_PATTERN
from ..specs import native

__all__ = [
    "NAME_PATTERN",
    "CurveOut",
    "CurveRequest",
    "LrOut",
    "LrRequest",
    "NamedCurveOut",
    "NamedLrOut",
    "NativeOut",
    "PieceOut",
    "PlotRequest",
    "RevisionIn",
    "RevisionOut",
    "ScheduleIn",
    "ScheduleList",
    "ScheduleOut",
    "ScheduleSummaryOut",
    "SpecRequest",
    "Status",
    "TableOut",
    "TableRequest",
]

Step = Annotated[int, Field(ge=0, le=MAX_STEP)]
#: A spec in the native language (what a dialect's spec translates to), named once in OpenAPI.
NativeSpec = TypeAliasType("NativeSpec", native.NativeSpec)
Text = Annotated[str, Field(max_length=MAX_TEXT, pattern=r"^[^\x00]*$")]  # no NUL: PostgreSQL refuses it


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


class SpecRequest(_In):
    schedule: Spec


class LrRequest(_In):
    schedule: Spec
    step: Step


Points = Annotated[int, Field(ge=2, le=10_000, description="Buckets to draw (at most 2 samples each).")]
Stop = Annotated[int, Field(ge=1, le=MAX_STEP + 1)]


class CurveRequest(_In):
    """The points to draw a spec over ``range(start, stop)`` (``stop``: its natural extent if omitted)."""

    schedule: Spec
    start: Step = 0
    stop: Stop | None = None
    points: Points = 1000


class PlotRequest(_In):
    """A chart of one spec, or of up to four on one chart (``schedules``, with optional ``labels``)."""

    schedule: Spec | None = None
    schedules: Annotated[list[Spec], Field(min_length=1, max_length=4)] | None = None
    labels: Annotated[list[Annotated[str, Field(max_length=200)]], Field(max_length=4)] | None = None
    start: Step = 0
    stop: Stop | None = None
    log: bool = False
    title: Annotated[str, Field(max_length=200)] = ""
    width: Annotated[int, Field(ge=200, le=4000)] = 800
    height: Annotated[int, Field(ge=150, le=4000)] = 400

    @field_validator("schedules", mode="before")
    @classmethod
    def _not_too_deep_each(cls, value: Any) -> Any:
        check_depth(value)
        return value

    @model_validator(mode="after")
    def _one_way(self) -> PlotRequest:
        if (self.schedule is None) == (self.schedules is None):
            raise ValueError("give either schedule or schedules (up to four), not both")
        if self.labels is not None and len(self.labels) != len(self.specs):
            raise ValueError(f"labels needs one entry per schedule ({len(self.specs)})")
        return self

    @property
    def specs(self) -> list[Any]:
        return [self.schedule] if self.schedules is None else list(self.schedules)


class ScheduleIn(_In):
    """Create or replace a named schedule."""

    schedule: Spec
    description: Text = ""
    force: bool = Field(
        False,
        description="Replace even if steps of the current spec have been served (or create again a name "
        "deleted after serving steps, with other LRs for them).",
    )


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


class PieceOut(_Out):
    from_step: int
    revision: int


class NativeOut(_Out):
    schedule: NativeSpec = Field(description="The native translation, every default filled in.")
    translated: bool = Field(description="Whether the spec was a library dialect's (else: it was native).")


class CurveOut(_Out):
    """Exact samples to draw: ``lr[i]`` is the LR at ``steps[i]`` (in each bucket, its lowest and highest)."""

    start: int
    stop: int
    steps: list[int]
    lr: list[float]


class NamedCurveOut(CurveOut):
    name: str
    etag: str
    timeline: list[PieceOut] = Field(description="Which revision is in force from which step.")
    promised_step: int = Field(description="The highest step served so far (-1: none).")


class TableOut(_Out):
    steps: list[int]
    lr: list[float]


class RevisionOut(_Out):
    revision: int
    effective_from_step: int
    schedule: Spec = Field(description="The spec, as it was sent.")
    native: NativeSpec = Field(
        description="Its native translation with every default filled in: what the engine evaluates "
        "(the Python client compiles it with numpy alone)."
    )
    created_at: str
    comment: str
    forced: bool


class ScheduleOut(_Out):
    name: str
    description: str
    etag: str
    revision: int = Field(description="The latest revision's number.")
    schedule: Spec = Field(description="The latest revision's spec, as it was sent.")
    native: NativeSpec | None = Field(description="Its translation to the native language (null if native).")
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
