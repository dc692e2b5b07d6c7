"""``lrs apply -f FILE``: make named schedules on a server what a file declares, after showing the diff.

The file is the server's ``LRS_SCHEDULES_FILE``, read by the same reader with the same rules
(``lrserve._schedules_file``): a mapping of names to ``{schedule, description, force,
effective_from_step, comment}``, optionally under a top-level ``schedules:`` key; YAML or JSON. With
``effective_from_step: N`` a changed spec is added as a revision in force from step N on, keeping the
steps before N as they were, instead of replacing the spec from step 0.

Each entry is planned against what the server holds (:func:`lrserve._schedules_file.plan`)::

    create       no schedule of that name: PUT it
    unchanged    same spec (the latest revision) and description: nothing to send, so a second apply
                 of the same file changes nothing
    describe     same spec, another description: PUT with If-Match (no new revision)
    replace      another spec: PUT with If-Match, a revision from step 0 (refused once steps were
                 served, unless ``force: true``)
    revise       another spec and ``effective_from_step: N``: POST a revision from step N with If-Match
                 (then PUT the description if it changed too)

Every change sends the ETag read while planning, so a schedule someone changed in the meantime is a
clear 412 and is never overwritten. A change the server would refuse because it alters steps already
served is found while planning: then nothing is changed at all.
"""

from __future__ import annotations

import argparse
import difflib
import sys
from dataclasses import dataclass
from pathlib import PurePath
from typing import TYPE_CHECKING

from .._extras import missing_extra
from .._schedules_file import Action, Entry, SchedulesFileError, load, plan, promise_refusal, read_entries
from . import files
from .errors import SERVER, USAGE, Failure, explain, field_lines, talking_to
from .schedules import connect, server_options
from .term import Progress, ask, colour, is_tty, pretty

if TYPE_CHECKING:
    from ..client import APIError, Client
    from ..client._types import ScheduleDocument
    from . import Commands

__all__ = ["Change", "add_parser", "plan_changes", "read_file"]

#: From this many entries on, planning and applying show a progress bar (on a terminal).
PROGRESS_FROM = 10


@dataclass(frozen=True)
class Change:
    """What applying ``entry`` does, given ``current`` (the server's body; None: no such schedule)."""

    entry: Entry
    action: Action
    current: ScheduleDocument | None
    #: Why the server would refuse it (it changes steps already served), found while planning.
    refusal: str | None = None


def add_parser(sub: Commands) -> None:
    cmd = sub.add_parser(
        "apply",
        parents=[server_options()],
        help="create or update named schedules from a file, after showing the diff",
        description="Create or update the named schedules a YAML or JSON file declares (the format of "
        "LRS_SCHEDULES_FILE, plus an optional effective_from_step per entry), after showing what would "
        "change and asking. Applying the same file again changes nothing.",
    )
    cmd.add_argument("-f", "--file", required=True, metavar="FILE", help="the schedules file; - reads stdin")
    cmd.add_argument("--yes", "-y", action="store_true", help="apply without asking (for scripts)")
    cmd.add_argument("--dry-run", action="store_true", help="show the plan and change nothing")
    cmd.set_defaults(run=run)


# -- the file -------------------------------------------------------------------------------------------


def read_file(path: str) -> tuple[list[Entry], str]:
    """The entries of the schedules file ``path`` (``-``: standard input), each checked (the spec
    validated), and the file's name for messages: :class:`Failure` otherwise."""
    text, label = files.read_text(path)
    try:
        return read_entries(load(text, label), label, comment=f"lrs apply {PurePath(label).name}"), label
    except ModuleNotFoundError as exc:
        raise missing_extra(exc, "cli", "lrs apply") from exc
    except SchedulesFileError as exc:
        raise Failure(exc.message, USAGE, field_lines(exc.errors, exc.spec)) from None


# -- the plan -------------------------------------------------------------------------------------------


def _change(entry: Entry, current: ScheduleDocument | None) -> Change:
    state = None if current is None else (current.schedule, current.description, current.promised_step)
    action, refusal = plan(entry, state)
    return Change(entry, action, current, refusal)


def plan_changes(client: Client, entries: list[Entry], progress: Progress) -> list[Change]:
    """Read each schedule (never with ``?step=``: that would promise steps) and decide what to do."""
    from ..client import NotFoundError

    changes = []
    for entry in entries:
        try:
            current = client.get_schedule(entry.name)
        except NotFoundError:
            current = None
        changes.append(_change(entry, current))
        progress.advance()
    return changes


def _summary(change: Change) -> str:
    entry, current = change.entry, change.current
    name = colour(entry.name, "bold")
    if change.action == "create":
        return colour("+ create   ", "green") + name
    if change.action == "unchanged":
        return "= unchanged " + name
    assert current is not None
    described = current.description != entry.description
    if change.action == "describe":
        return colour("~ describe ", "yellow") + f"{name}: description"
    promised, start = current.promised_step, entry.effective_from_step or 0
    breaks = start <= promised  # a replacement is from step 0
    what = f"spec from step {start} on, as revision {len(current.revisions) + 1}"
    if breaks and entry.force:
        what += f" (forced: steps up to {promised} were served)"
    return colour("~ " + f"{change.action:9}", "yellow") + f"{name}: {what}" + (", description" * described)


def _diff(change: Change, label: str) -> list[str]:
    entry, current = change.entry, change.current
    new = pretty({"description": entry.description, "schedule": entry.schedule}, sort_keys=True).splitlines()
    old: list[str] = []
    before = f"{entry.name} (not on the server)"
    if current is not None:
        was = {"description": current.description, "schedule": dict(current.schedule)}
        old = pretty(was, sort_keys=True).splitlines()
        before = f"{entry.name} (on the server: revision {current.revision})"
    paint = {"+": "green", "-": "red", "@": "cyan"}
    lines = []
    for line in difflib.unified_diff(old, new, before, f"{entry.name} ({label})", lineterm=""):
        kind = "@" if line.startswith("@@") else line[:1]
        lines.append(
            colour(line, paint[kind]) if kind in paint and not line.startswith(("---", "+++")) else line
        )
    return ["    " + line for line in lines]


# -- applying -------------------------------------------------------------------------------------------


def _apply(client: Client, change: Change) -> str:
    """Make one change; what it did, in words."""
    entry, current = change.entry, change.current
    if current is None:
        body = client.put_schedule(entry.name, entry.schedule, entry.description)
        return f"created {entry.name} (revision {body.revision})"
    etag = current.etag
    if change.action == "describe":
        client.put_schedule(entry.name, entry.schedule, entry.description, if_match=etag)
        return f"updated {entry.name}: description"
    if change.action == "replace":
        body = client.put_schedule(
            entry.name, entry.schedule, entry.description, if_match=etag, force=entry.force
        )
        return f"replaced {entry.name}: revision {body.revision} from step 0"
    assert entry.effective_from_step is not None
    body = client.add_revision(
        entry.name, entry.schedule, entry.effective_from_step, entry.comment, force=entry.force, if_match=etag
    )
    done = f"revised {entry.name}: revision {body.revision} from step {entry.effective_from_step}"
    if body.description != entry.description:
        client.put_schedule(entry.name, entry.schedule, entry.description, if_match=body.etag)
        done += ", and its description"
    return done


def _refused(exc: APIError, change: Change) -> Failure:
    from ..client import ConflictError, PreconditionError

    name = change.entry.name
    smallest = exc.smallest_allowed_step if isinstance(exc, ConflictError) else None
    if smallest is not None:
        what = (
            "replacing its spec (from step 0)"
            if change.action == "replace"
            else f"a revision from step {change.entry.effective_from_step}"
        )
        return Failure(f"the server refused: {promise_refusal(name, smallest - 1, what)}")
    if isinstance(exc, PreconditionError):
        happened = "created" if change.current is None else "changed"
        return Failure(
            f"{name} was {happened} by someone else since this plan was made, so it was left as it is: "
            "run lrs apply again to see the new plan"
        )
    return explain(exc, name)


def _execute(client: Client, changes: list[Change], progress: Progress) -> None:
    from ..client import APIError

    done: list[str] = []
    for change in changes:
        try:
            with talking_to(client.url, change.entry.name):
                try:
                    line = _apply(client, change)
                except APIError as exc:
                    raise _refused(exc, change) from None
        except Failure as failure:
            applied = f"applied {len(done)} of {len(changes)} changes before this one"
            failure.lines.append(f"  {applied}; the rest were not made" if done else "  nothing was changed")
            raise
        done.append(line)
        progress.echo(line)
        progress.advance()


def _show(changes: list[Change], label: str) -> list[Change]:
    """Print the plan and the diff of each change; the changes to make. Refused ones stop it here."""
    todo = [c for c in changes if c.action != "unchanged"]
    for change in changes:
        print(_summary(change))
    for change in todo:
        print("\n".join(["", *_diff(change, label)]))
    refusals = [f"  {c.refusal}" for c in changes if c.refusal]
    if refusals:
        refused = f"the server would refuse {len(refusals)} of these changes; nothing was changed:"
        raise Failure(refused, SERVER, refusals)
    return todo


def _confirm(todo: list[Change], url: str) -> None:
    """Ask before changing anything; without a terminal to ask on, refuse (``--yes`` is for scripts)."""
    changing = "this change" if len(todo) == 1 else f"these {len(todo)} changes"
    if not is_tty(sys.stdin):
        raise Failure(
            f"not applying: standard input is not a terminal, so nobody can confirm {changing}; "
            "pass --yes to apply without asking (or --dry-run to only see the plan)",
            USAGE,
        )
    if not ask(f"Apply {changing} to {url}?"):
        raise Failure("cancelled: nothing was changed", SERVER)


def run(args: argparse.Namespace) -> int:
    entries, label = read_file(args.file)
    with connect(args) as client:
        show = is_tty(sys.stderr) and len(entries) >= PROGRESS_FROM
        reading = Progress(len(entries), "schedule", show=show, desc="reading", leave=False)
        with talking_to(client.url), reading:
            changes = plan_changes(client, entries, reading)
        todo = _show(changes, label)
        if not todo:
            print(f"\nnothing to do: {client.url} has the {len(changes)} schedule(s) of {label} as declared")
            return 0
        print(f"\n{len(todo)} to change, {len(changes) - len(todo)} unchanged")
        if args.dry_run:
            print("dry run: nothing was changed")
            return 0
        if not args.yes:
            _confirm(todo, client.url)
        show = is_tty(sys.stderr) and len(todo) >= PROGRESS_FROM
        with Progress(len(todo), "change", show=show, desc="applying", leave=False) as bar:
            _execute(client, todo, bar)
    return 0
