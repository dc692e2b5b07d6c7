"""What the server answers, as typed values: each ``from_json`` checks the shape of a parsed JSON body.

Each type mirrors one response model of the HTTP API (``lrserve.api._models``; the client does not import
it, as it needs no Pydantic). ``from_json`` reads only the fields the client knows, checks that each one is
there with the right JSON type, and raises :class:`MalformedResponseError` naming the first field that is
not (``revisions[0].native is missing``), never a bare ``KeyError`` from deep inside a caller::

    ScheduleDocument     GET/PUT /v1/schedules/{name}, POST .../revisions   (its Revision, TimelinePiece)
    SchedulePage         GET /v1/schedules                                  (its ScheduleSummary)
    NamedLR              GET /v1/schedules/{name}/lr
    SpecLR               POST /v1/lr
    Table                POST /v1/table, GET /v1/schedules/{name}/table     (numpy arrays)
    NativeTranslation    POST /v1/native
    Curve, NamedCurve    POST /v1/curve, GET /v1/schedules/{name}/curve     (numpy arrays)
    Health               GET /livez, /readyz
    Problem, FieldError  any error answer (RFC 9457), carried by ``APIError.problem``

A spec stays a JSON mapping (``Mapping[str, Any]``): the client does not validate specs, the server does.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields, is_dataclass
from typing import Any, NoReturn, TypeVar, cast

import numpy as np

from .. import core

__all__ = [
    "Curve",
    "FieldError",
    "Health",
    "MalformedResponseError",
    "NamedCurve",
    "NamedLR",
    "NativeTranslation",
    "Problem",
    "Revision",
    "ScheduleDocument",
    "SchedulePage",
    "ScheduleSummary",
    "SpecLR",
    "Table",
    "TimelinePiece",
]

T = TypeVar("T")


class MalformedResponseError(ValueError):
    """The server's answer is not the shape this client expects: not JSON, a field missing or of the wrong
    type (a proxy's error page, or a server of another version). ``what`` is the type being read and
    ``where`` the path of the field (``revisions[0].native``)."""

    def __init__(self, what: str, where: str, problem: str) -> None:
        self.what, self.where = what, where
        super().__init__(f"malformed {what}: {where} {problem}")


_JSON_NAMES: dict[type, str] = {
    str: "a string",
    int: "an integer",
    float: "a number",
    bool: "a boolean",
    dict: "an object",
    list: "an array",
}


def _kind(value: object) -> str:
    """The JSON name of a value's type, for messages."""
    return "null" if value is None else _JSON_NAMES.get(type(value), type(value).__name__)


class _Reader:
    """Reads the fields of one JSON object, naming the path of a missing or mistyped one."""

    __slots__ = ("data", "path", "what")

    def __init__(self, data: object, what: str, path: str = "") -> None:
        if not isinstance(data, dict):
            raise MalformedResponseError(what, path or "the body", f"is {_kind(data)}, not an object")
        self.data: dict[str, Any] = data
        self.what, self.path = what, path

    def where(self, key: str) -> str:
        return f"{self.path}.{key}" if self.path else key

    def fail(self, key: str, problem: str) -> NoReturn:
        raise MalformedResponseError(self.what, self.where(key), problem)

    def get(self, key: str, kind: type[T]) -> T:
        """The field ``key``, of JSON type ``kind`` (an integer is a number too; a boolean is neither)."""
        if key not in self.data:
            self.fail(key, "is missing")
        value = self.data[key]
        if isinstance(value, bool) and kind is not bool:
            self.fail(key, f"is a boolean, not {_JSON_NAMES[kind]}")
        if kind is float and isinstance(value, int):
            return cast(T, float(value))
        if not isinstance(value, kind):
            self.fail(key, f"is {_kind(value)}, not {_JSON_NAMES[kind]}")
        return value

    def maybe(self, key: str, kind: type[T]) -> T | None:
        """The field ``key``, or None when it is null or absent."""
        return None if self.data.get(key) is None else self.get(key, kind)

    def each(self, key: str) -> list[_Reader]:
        """A reader for each object of the array ``key``."""
        items = self.get(key, list)
        return [_Reader(item, self.what, f"{self.where(key)}[{i}]") for i, item in enumerate(items)]

    def array(self, key: str, kinds: str) -> np.ndarray[Any, Any]:
        """The array ``key`` of numbers as a read-only 1-D numpy array (dtype kinds ``"i"`` or ``"if"``)."""
        items = self.get(key, list)
        try:
            values = np.array(items) if items else np.array([], dtype=np.int64 if kinds == "i" else None)
        except (ValueError, OverflowError):  # ragged nesting, an integer past int64
            self.fail(key, "is not an array of numbers")
        if values.ndim != 1 or values.dtype.kind not in kinds:
            self.fail(key, f"is not an array of {'integers' if kinds == 'i' else 'numbers'}")
        values = values.astype(np.int64 if kinds == "i" else np.float64, copy=False)
        values.flags.writeable = False
        return values

    def samples(self) -> tuple[core.IntArray, core.FloatArray]:
        """The arrays ``steps`` and ``lr``, of one length: ``lr[i]`` is the LR at ``steps[i]``."""
        steps, lr = self.array("steps", "i"), self.array("lr", "if")
        if steps.shape != lr.shape:
            self.fail("lr", f"has {lr.size} values for {steps.size} steps")
        return steps, lr


def _plain(value: Any) -> Any:
    """JSON data of a typed value: dataclasses as objects, tuples as arrays, mappings copied."""
    if is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in fields(value)}
    if isinstance(value, Mapping):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


class _JSON:
    """``to_json()``: the value as the JSON data the server sent (the fields the client knows)."""

    __slots__ = ()

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = _plain(self)
        return data


# -- errors -------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class FieldError(_JSON):
    """One invalid part of a request: ``loc`` is its path (``("body", "schedule", "t_max")``)."""

    loc: tuple[str | int, ...]
    msg: str
    type: str

    @classmethod
    def from_json(cls, data: object, path: str = "errors[0]") -> FieldError:
        r = _Reader(data, "problem", path)
        loc = r.get("loc", list)
        if not all(isinstance(part, str | int) and not isinstance(part, bool) for part in loc):
            r.fail("loc", "is not an array of names and indexes")
        return cls(tuple(loc), r.get("msg", str), r.get("type", str))


#: The members of a problem that :class:`Problem` has a field for; the others are its ``extensions``.
_PROBLEM_FIELDS = frozenset({"type", "title", "status", "detail", "instance", "errors"})


@dataclass(frozen=True, slots=True)
class Problem:
    """An error answer's RFC 9457 body. ``extensions`` holds the other members, e.g. a broken promise's
    ``smallest_allowed_step`` and ``promised_step``, or a stale ETag's ``current_etag``."""

    type: str
    title: str
    status: int
    detail: str
    errors: tuple[FieldError, ...] = ()
    instance: str | None = None
    extensions: Mapping[str, Any] = field(default_factory=dict)

    @classmethod
    def from_json(cls, data: object) -> Problem:
        r = _Reader(data, "problem")
        errors: tuple[FieldError, ...] = ()
        if r.maybe("errors", list) is not None:
            errors = tuple(FieldError.from_json(e.data, e.path) for e in r.each("errors"))
        return cls(
            type=r.get("type", str),
            title=r.get("title", str),
            status=r.get("status", int),
            detail=r.get("detail", str),
            errors=errors,
            instance=r.maybe("instance", str),
            extensions={k: v for k, v in r.data.items() if k not in _PROBLEM_FIELDS},
        )

    @classmethod
    def unparsed(cls, status: int, title: str, detail: str) -> Problem:
        """For an error answer that is not a problem body (a proxy's page): its status and text."""
        return cls(type="about:blank", title=title, status=status, detail=detail)


# -- named schedules ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class TimelinePiece(_JSON):
    """Revision ``revision`` is in force from ``from_step`` on (until the next piece's)."""

    from_step: int
    revision: int

    @classmethod
    def from_json(cls, data: object, what: str = "timeline piece", path: str = "") -> TimelinePiece:
        r = _Reader(data, what, path)
        return cls(r.get("from_step", int), r.get("revision", int))


def _timeline(r: _Reader) -> tuple[TimelinePiece, ...]:
    return tuple(TimelinePiece.from_json(p.data, r.what, p.path) for p in r.each("timeline"))


@dataclass(frozen=True, slots=True)
class Revision(_JSON):
    """One revision of a named schedule: its spec as sent, and the native translation the engine runs."""

    revision: int
    effective_from_step: int
    schedule: Mapping[str, Any]
    native: Mapping[str, Any]
    created_at: str
    comment: str
    forced: bool

    @classmethod
    def from_json(cls, data: object, what: str = "revision", path: str = "") -> Revision:
        r = _Reader(data, what, path)
        return cls(
            revision=r.get("revision", int),
            effective_from_step=r.get("effective_from_step", int),
            schedule=r.get("schedule", dict),
            native=r.get("native", dict),
            created_at=r.get("created_at", str),
            comment=r.get("comment", str),
            forced=r.get("forced", bool),
        )


@dataclass(frozen=True, slots=True)
class ScheduleDocument(_JSON):
    """A named schedule with its whole history (``GET /v1/schedules/{name}``, and what a write returns).

    ``schedule`` and ``native`` are the latest revision's spec and, for a library dialect, its native
    translation (None for a native spec). ``timeline``: which revision is in force from which step.
    ``promised_step``: the highest step served so far (-1: none). ``promised_until``: with ``?step=``, the
    step up to which the caller may evaluate this copy locally.
    """

    name: str
    description: str
    etag: str
    revision: int
    schedule: Mapping[str, Any]
    native: Mapping[str, Any] | None
    revisions: tuple[Revision, ...]
    timeline: tuple[TimelinePiece, ...]
    promised_step: int
    promised_until: int | None
    created_at: str
    updated_at: str

    @classmethod
    def from_json(cls, data: object) -> ScheduleDocument:
        r = _Reader(data, "schedule")
        revisions = tuple(Revision.from_json(x.data, r.what, x.path) for x in r.each("revisions"))
        timeline = _timeline(r)
        known = {x.revision for x in revisions}
        for i, piece in enumerate(timeline):
            if piece.revision not in known:
                r.fail(f"timeline[{i}].revision", f"is {piece.revision}, which is not among the revisions")
        return cls(
            name=r.get("name", str),
            description=r.get("description", str),
            etag=r.get("etag", str),
            revision=r.get("revision", int),
            schedule=r.get("schedule", dict),
            native=r.maybe("native", dict),
            revisions=revisions,
            timeline=timeline,
            promised_step=r.get("promised_step", int),
            promised_until=r.maybe("promised_until", int),
            created_at=r.get("created_at", str),
            updated_at=r.get("updated_at", str),
        )


@dataclass(frozen=True, slots=True)
class ScheduleSummary(_JSON):
    """A named schedule in a list: ``revisions`` is how many it has."""

    name: str
    description: str
    etag: str
    revisions: int
    promised_step: int
    created_at: str
    updated_at: str

    @classmethod
    def from_json(cls, data: object, path: str = "") -> ScheduleSummary:
        r = _Reader(data, "schedule list", path)
        return cls(
            name=r.get("name", str),
            description=r.get("description", str),
            etag=r.get("etag", str),
            revisions=r.get("revisions", int),
            promised_step=r.get("promised_step", int),
            created_at=r.get("created_at", str),
            updated_at=r.get("updated_at", str),
        )


@dataclass(frozen=True, slots=True)
class SchedulePage(_JSON):
    """One page of ``GET /v1/schedules``; pass ``next_after`` as ``after=`` for the next (None: the last)."""

    items: tuple[ScheduleSummary, ...]
    next_after: str | None

    @classmethod
    def from_json(cls, data: object) -> SchedulePage:
        r = _Reader(data, "schedule list")
        items = tuple(ScheduleSummary.from_json(x.data, x.path) for x in r.each("items"))
        return cls(items, r.maybe("next_after", str))


# -- evaluation ---------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class NamedLR(_JSON):
    """The LR of a named schedule at ``step``, and the revision in force there."""

    name: str
    step: int
    lr: float
    revision: int

    @classmethod
    def from_json(cls, data: object) -> NamedLR:
        r = _Reader(data, "named LR")
        return cls(r.get("name", str), r.get("step", int), r.get("lr", float), r.get("revision", int))


@dataclass(frozen=True, slots=True)
class SpecLR(_JSON):
    """The LR of a spec (not stored) at ``step``."""

    step: int
    lr: float

    @classmethod
    def from_json(cls, data: object) -> SpecLR:
        r = _Reader(data, "LR")
        return cls(r.get("step", int), r.get("lr", float))


@dataclass(frozen=True, slots=True, eq=False)
class Table:
    """``lr[i]`` is the LR at ``steps[i]`` (read-only numpy arrays, int64 and float64; no ``==``: compare
    the arrays)."""

    steps: core.IntArray
    lr: core.FloatArray

    @classmethod
    def from_json(cls, data: object) -> Table:
        return cls(*_Reader(data, "table").samples())


@dataclass(frozen=True, slots=True)
class NativeTranslation(_JSON):
    """A spec in the native language, every default filled in; ``translated``: the spec was a library
    dialect's (else it was native already)."""

    schedule: Mapping[str, Any]
    translated: bool

    @classmethod
    def from_json(cls, data: object) -> NativeTranslation:
        r = _Reader(data, "native translation")
        return cls(r.get("schedule", dict), r.get("translated", bool))


@dataclass(frozen=True, slots=True, eq=False)
class Curve:
    """Exact samples to draw a schedule over ``range(start, stop)``: ``lr[i]`` is the LR at ``steps[i]``
    (in each bucket, its lowest and highest); read-only numpy arrays."""

    start: int
    stop: int
    steps: core.IntArray
    lr: core.FloatArray

    @staticmethod
    def _read(r: _Reader) -> tuple[int, int, core.IntArray, core.FloatArray]:
        steps, lr = r.samples()
        return r.get("start", int), r.get("stop", int), steps, lr

    @classmethod
    def from_json(cls, data: object) -> Curve:
        return cls(*cls._read(_Reader(data, "curve")))


@dataclass(frozen=True, slots=True, eq=False)
class NamedCurve(Curve):
    """A named schedule's :class:`Curve`, with its ETag, timeline and the highest step served."""

    name: str
    etag: str
    timeline: tuple[TimelinePiece, ...]
    promised_step: int

    @classmethod
    def from_json(cls, data: object) -> NamedCurve:
        r = _Reader(data, "named curve")
        return cls(
            *cls._read(r),
            name=r.get("name", str),
            etag=r.get("etag", str),
            timeline=_timeline(r),
            promised_step=r.get("promised_step", int),
        )


@dataclass(frozen=True, slots=True)
class Health(_JSON):
    """``GET /livez`` (the process serves) or ``/readyz`` (and its store answers): ``status`` is ``ok``."""

    status: str

    @classmethod
    def from_json(cls, data: object) -> Health:
        return cls(_Reader(data, "health").get("status", str))
