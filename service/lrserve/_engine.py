"""The engine's entry points: parse a spec (native or any library dialect), translate, evaluate."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Annotated, Any, TypeAlias, Union, cast

from pydantic import Field, TypeAdapter, ValidationError

from . import core
from .core import FloatArray, LRSError
from .dialects import DIALECT_MEMBERS
from .dialects._base import DialectSpec
from .limits import MAX_DEPTH
from .specs.native import NATIVE_MEMBERS, NativeSpec

__all__ = [
    "Spec",
    "SpecError",
    "check_depth",
    "clean_errors",
    "compile_spec",
    "evaluate",
    "evaluate_one",
    "native_data",
    "parse_spec",
    "to_native",
]

#: Every spec: one tagged union on ``kind``, the native kinds (``NativeSpec``'s members, flattened into
#: this union) and each library's dialect (itself a union on ``name``).
if TYPE_CHECKING:  # each dialect entry is a DialectSpec; the runtime union is the precise one
    Spec: TypeAlias = NativeSpec | DialectSpec
else:
    Spec: TypeAlias = Annotated[
        Union[(*NATIVE_MEMBERS, *DIALECT_MEMBERS)],
        Field(discriminator="kind"),
    ]
_ADAPTER: TypeAdapter[Spec] = TypeAdapter(Spec)
#: What :func:`parse_spec` takes as already parsed.
_PARSED: tuple[type, ...] = (*NATIVE_MEMBERS, DialectSpec)


class SpecError(LRSError, ValueError):
    """An invalid spec. ``errors`` lists each problem as ``{"loc": [...], "msg": ..., "type": ...}``,
    ``loc`` being the path of the field inside the spec."""

    def __init__(self, errors: list[dict[str, Any]]) -> None:
        self.errors = errors
        parts = [f"{'.'.join(str(x) for x in e['loc']) or '(spec)'}: {e['msg']}" for e in errors[:5]]
        more = f" (and {len(errors) - 5} more)" if len(errors) > 5 else ""
        super().__init__("invalid schedule spec: " + "; ".join(parts) + more)


def _depth(data: Any) -> int:
    """How deeply schedule objects nest in raw data (a dict with "kind" or "name" is a schedule)."""
    best, stack = 0, [(data, 0)]
    while stack:
        node, d = stack.pop()
        if isinstance(node, Mapping):
            if "kind" in node or "name" in node:
                d += 1
                best = max(best, d)
                if best > MAX_DEPTH:
                    return best
            stack.extend((v, d) for v in node.values())
        elif isinstance(node, list | tuple):
            stack.extend((v, d) for v in node)
    return best


def _json_path(data: Any, loc: tuple[int | str, ...]) -> list[int | str]:
    """Pydantic's error location without the labels it inserts for unions (the ``kind``/``name`` tag,
    a member's type name below a scalar), i.e. the path of the field in the JSON the user wrote."""
    path: list[int | str] = []
    node = data
    for part in loc:
        if isinstance(node, Mapping):
            if part not in node and part in (node.get("kind"), node.get("name")):
                continue
            node = node.get(part)
        elif isinstance(node, list | tuple) and isinstance(part, int) and 0 <= part < len(node):
            node = node[part]
        elif isinstance(part, str) and node is not None:
            continue  # a union member's label (e.g. "constrained-int") below a scalar: not a path
        else:
            node = None
        path.append(part)
    return path


def _tag_field(error: Any) -> list[int | str]:
    """A missing or unknown ``kind``/``name`` is reported at that field, not at the object."""
    if error["type"] in ("union_tag_invalid", "union_tag_not_found"):
        return [str(error.get("ctx", {}).get("discriminator", "")).strip("'\"")]
    return []


def clean_errors(data: Any, errors: list[Any]) -> list[dict[str, Any]]:
    """Pydantic's errors for the spec ``data`` as ``{"loc", "msg", "type"}``, each ``loc`` the path of the
    field in ``data`` (see :class:`SpecError`)."""
    return [
        {"loc": _json_path(data, e["loc"]) + _tag_field(e), "msg": e["msg"], "type": e["type"]}
        for e in errors
    ]


def check_depth(data: Any) -> None:
    """Raise :class:`SpecError` if schedules nest deeper than :data:`MAX_DEPTH` in raw data."""
    if _depth(data) > MAX_DEPTH:
        raise SpecError(
            [{"loc": [], "msg": f"schedules nest more than {MAX_DEPTH} levels deep", "type": "too_deep"}]
        )


def parse_spec(data: Any) -> Spec:
    """Validate a spec given as a dict, JSON text/bytes, or an already parsed spec model.

    Raises :class:`SpecError` naming every invalid field.
    """
    if isinstance(data, _PARSED):
        return cast("Spec", data)
    try:
        if isinstance(data, str | bytes | bytearray):
            import json

            data = json.loads(data)
        check_depth(data)
        return _ADAPTER.validate_python(data)
    except ValidationError as exc:
        raise SpecError(clean_errors(data, exc.errors(include_url=False))) from None
    except ValueError as exc:  # JSON syntax
        if isinstance(exc, SpecError):
            raise
        raise SpecError([{"loc": [], "msg": f"not valid JSON: {exc}", "type": "json_invalid"}]) from None


def to_native(spec: Any) -> NativeSpec:
    """The spec in the native language (a dialect entry's translation; a native spec unchanged)."""
    parsed = parse_spec(spec)
    return parsed.native() if isinstance(parsed, DialectSpec) else parsed


def native_data(spec: Any) -> dict[str, Any]:
    """The spec's native translation as plain data, every default filled in: what ``core.build`` takes,
    and what the server gives trainers to evaluate without this (Pydantic) layer."""
    data: dict[str, Any] = to_native(spec).model_dump()
    return data


def compile_spec(spec: Any) -> core.Schedule:
    """Compile a spec (dict, JSON or model) into a core schedule, ready for repeated evaluation."""
    return core.build(native_data(spec))


def evaluate(spec: Any, steps: Any, threads: int = 1) -> FloatArray:
    """The learning rate at ``steps`` (any integer array-like, or one int) as a float64 array.

    ``spec`` is a dict, JSON text, a parsed spec, or a compiled schedule. Steps must be integers in
    ``[0, 2**53]``; a step past the end of a schedule that has one (OneCycleLR) raises ``StepError``.
    ``threads > 1`` fills parts of a large table in parallel (the same numbers).
    """
    schedule = spec if isinstance(spec, core.Schedule) else compile_spec(spec)
    return core.evaluate(schedule, steps, threads)


def evaluate_one(spec: Any, step: int) -> float:
    """The learning rate at one step as a Python float, through the scalar path (about a microsecond
    for a compiled schedule)."""
    schedule = spec if isinstance(spec, core.Schedule) else compile_spec(spec)
    return core.evaluate_one(schedule, step)
