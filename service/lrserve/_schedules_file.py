"""The schedules file: one reader and one set of rules for the server (``LRS_SCHEDULES_FILE``, applied at
start) and ``lrs apply -f FILE`` (applied through the API, after showing the diff).

The file maps names to entries, optionally under a top-level ``schedules:`` key, in YAML or JSON::

    schedules:
      resnet50:
        schedule: {kind: warmup_cosine, base_lr: 0.4, warmup_steps: 500, decay_steps: 9500, min_lr: 1e-5}
        description: ResNet-50, 90 epochs     # optional
        force: false                          # optional: may change steps already served
        effective_from_step: 20000            # optional: a changed spec takes effect from this step on
        comment: lower the peak               # optional: the revision's comment

YAML floats follow YAML 1.2 (``1e-5``, ``1E-5`` and ``+1e-5`` are numbers; YAML 1.1, which PyYAML follows,
reads them as text). Applying an entry to the schedule of that name (:func:`plan`)::

    create       no such schedule: create it
    unchanged    same spec (the latest revision) and description: nothing to do
    describe     same spec, another description: set the description (no new revision)
    replace      another spec: a revision from step 0 (refused once steps were served, unless force)
    revise       another spec and effective_from_step N: a revision from step N (refused if N was
                 served, unless force), then the description if it changed too

Nothing here needs Pydantic at import; :func:`read_entries` validates each spec with the engine.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from .limits import MAX_STEP, MAX_TEXT, NAME_PATTERN, is_name

__all__ = [
    "FIELDS",
    "Action",
    "Entry",
    "SchedulesFileError",
    "load",
    "plan",
    "promise_refusal",
    "read_entries",
    "yaml_loader",
]

#: The fields of an entry.
FIELDS = ("schedule", "description", "force", "effective_from_step", "comment")

Action = Literal["create", "unchanged", "describe", "replace", "revise"]


class SchedulesFileError(ValueError):
    """A schedules file that cannot be applied: ``message`` names the file, the entry and the field;
    ``errors`` are a spec's problems (``{"loc", "msg", "type"}``), about ``spec``."""

    def __init__(
        self, message: str, errors: Sequence[dict[str, Any]] = (), spec: dict[str, Any] | None = None
    ) -> None:
        self.message, self.errors, self.spec = message, list(errors), spec
        lines = [f"  {'.'.join(str(p) for p in e['loc']) or '(spec)'}: {e['msg']}" for e in self.errors]
        super().__init__("\n".join([message, *lines]))


@dataclass(frozen=True, slots=True)
class Entry:
    """One named schedule as the file declares it (its spec validated)."""

    name: str
    schedule: dict[str, Any]
    description: str
    force: bool
    effective_from_step: int | None
    comment: str


# -- reading --------------------------------------------------------------------------------------------

#: YAML 1.2's floats (core schema), without its integers (which the int resolver reads): a dot or an
#: exponent, whose sign is optional; ``.inf`` and ``.nan``.
_FLOAT_1_2 = re.compile(
    r"""^(?![-+]?[0-9]+$)
    (?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?
    |[-+]?\.(?:inf|Inf|INF)
    |\.(?:nan|NaN|NAN))$""",
    re.VERBOSE,
)
_FLOAT_TAG = "tag:yaml.org,2002:float"
_LOADER: Any = None


def yaml_loader() -> Any:
    """PyYAML's ``SafeLoader``, with floats as YAML 1.2 reads them (``1e-5`` is a number)."""
    global _LOADER
    if _LOADER is None:
        import yaml

        class Loader(yaml.SafeLoader):
            pass

        Loader.yaml_implicit_resolvers = {  # a copy without YAML 1.1's floats
            first: [(tag, regex) for tag, regex in resolvers if tag != _FLOAT_TAG]
            for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
        }
        Loader.add_implicit_resolver(_FLOAT_TAG, _FLOAT_1_2, list("-+0123456789."))
        _LOADER = Loader
    return _LOADER


def load(text: str, label: str) -> Any:
    """The data of a schedules file: JSON if it parses as JSON (a ``.json`` file must), else YAML."""
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        if label.endswith(".json"):
            raise SchedulesFileError(f"{label} is not valid JSON: {exc}") from None
        json_error = exc
    import yaml

    try:
        return yaml.load(text, Loader=yaml_loader())  # a SafeLoader
    except yaml.YAMLError as exc:
        raise SchedulesFileError(
            f"{label} is not valid YAML or JSON: {exc} (as JSON: {json_error})"
        ) from None


def _text(where: str, entry: dict[Any, Any], field: str, default: str) -> str:
    value = entry.get(field)
    if value is None:
        return default
    if not isinstance(value, str):
        raise SchedulesFileError(f"{where}: {field} is text, got {type(value).__name__} {value!r}")
    if len(value) > MAX_TEXT or "\x00" in value:
        raise SchedulesFileError(f"{where}: {field} is at most {MAX_TEXT} characters, with no NUL")
    return value


def read_entries(data: Any, label: str, *, comment: str) -> list[Entry]:
    """The entries of a schedules file's ``data`` (see :func:`load`), each checked and its spec validated;
    ``label`` names the file in messages, ``comment`` is the revision comment of entries without one.

    Raises :class:`SchedulesFileError`; ``ModuleNotFoundError`` without the spec layer (Pydantic).
    """
    from ._engine import SpecError, parse_spec

    entries = data.get("schedules", data) if isinstance(data, dict) else None
    if not isinstance(entries, dict):
        raise SchedulesFileError(f"{label}: expected a mapping of schedule names to entries")
    out = []
    for name, entry in entries.items():
        where = f"{label}: schedule {name!r}"
        if not is_name(name):
            raise SchedulesFileError(f"{where}: a name must match {NAME_PATTERN}")
        if not isinstance(entry, dict) or "schedule" not in entry:
            raise SchedulesFileError(f"{where}: expected {{schedule: SPEC, description: TEXT}}")
        unknown = sorted(str(key) for key in set(entry) - set(FIELDS))
        if unknown:
            raise SchedulesFileError(f"{where}: unknown fields {unknown} (an entry has {', '.join(FIELDS)})")
        spec = entry["schedule"]
        if not isinstance(spec, dict):
            raise SchedulesFileError(f"{where}: schedule is a spec, a mapping with a kind")
        try:
            parse_spec(spec)
        except SpecError as exc:
            raise SchedulesFileError(f"{where}: invalid spec:", exc.errors, spec) from None
        force = entry.get("force")
        if force is not None and not isinstance(force, bool):
            raise SchedulesFileError(f"{where}: force is true or false, got {force!r}")
        start = entry.get("effective_from_step")
        if start is not None and (type(start) is not int or not 0 <= start <= MAX_STEP):
            raise SchedulesFileError(
                f"{where}: effective_from_step is a step, an integer from 0 to 2**53, got {start!r}"
            )
        out.append(
            Entry(
                name=name,
                schedule=spec,
                description=_text(where, entry, "description", ""),
                force=bool(force),
                effective_from_step=start,
                comment=_text(where, entry, "comment", comment),
            )
        )
    return out


# -- applying -------------------------------------------------------------------------------------------


def promise_refusal(name: str, promised: int, what: str) -> str:
    """Why a change is refused: ``what`` (e.g. "a revision from step 300") changes steps served."""
    return (
        f"{name}: steps up to {promised} have already been served, and {what} would change their LR. "
        f"Set `effective_from_step: {promised + 1}` (or later) in its entry to change it from there on, "
        f"or `force: true` to change served steps anyway"
    )


def plan(entry: Entry, current: tuple[Mapping[str, Any], str, int] | None) -> tuple[Action, str | None]:
    """What applying ``entry`` does to the schedule ``current`` (its latest spec, description and promised
    step; None: no such schedule), and why the store would refuse it (None: it would not)."""
    if current is None:
        return "create", None
    spec, description, promised = current
    if spec == entry.schedule:
        return ("unchanged" if description == entry.description else "describe"), None
    start = entry.effective_from_step
    if start is None:
        refused = promised >= 0 and not entry.force
        what = "replacing its spec (from step 0)"
        return "replace", promise_refusal(entry.name, promised, what) if refused else None
    refused = start <= promised and not entry.force
    what = f"a revision from step {start}"
    return "revise", promise_refusal(entry.name, promised, what) if refused else None
