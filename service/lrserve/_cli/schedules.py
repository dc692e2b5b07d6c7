"""``lrs get NAME``, ``lrs history NAME`` and ``lrs list``: named schedules on a server, for people.

Reads only: nothing here asks the server for an LR or a horizon, which would promise steps to trainers
and so restrict later revisions.
"""

from __future__ import annotations

import argparse
import json
import os
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from .._extras import missing_extra
from ..limits import NAME_PATTERN, is_name
from .errors import USAGE, Failure, talking_to
from .term import colour, pretty, table

if TYPE_CHECKING:
    from ..client import Client, ScheduleDocument, ScheduleSummary
    from . import Commands

__all__ = [
    "DEFAULT_URL",
    "NAME_PATTERN",
    "add_parsers",
    "connect",
    "is_name",
    "served",
    "server_options",
    "spec_label",
]

DEFAULT_URL = "http://127.0.0.1:8000"


def _name(text: str) -> str:
    if not is_name(text):
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a schedule name: 1 to 64 of a-z 0-9 . _ -, starting with a letter or digit"
        )
    return text


def server_options() -> argparse.ArgumentParser:
    """``--url`` and ``--token``, shared by every command that talks to a server."""
    options = argparse.ArgumentParser(add_help=False)
    group = options.add_argument_group("server")
    group.add_argument("--url", default=None, help=f"the server (default: $LRS_URL, else {DEFAULT_URL})")
    group.add_argument(
        "--token", default=None, help="a bearer token: the admin token for writes (default: $LRS_TOKEN)"
    )
    return options


def connect(args: argparse.Namespace) -> Client:
    """A client for ``--url``/``LRS_URL`` with ``--token``/``LRS_TOKEN``."""
    try:
        from ..client import Client
    except ModuleNotFoundError as exc:
        raise missing_extra(exc, "cli", f"lrs {args.command}") from exc
    url = args.url or os.environ.get("LRS_URL") or DEFAULT_URL
    if not url.startswith(("http://", "https://")):
        raise Failure(f"--url (or LRS_URL) is an http:// or https:// URL, got {url!r}", USAGE)
    token = args.token or os.environ.get("LRS_TOKEN") or None
    # A person is waiting: retry a failed connection or a 5xx twice, briefly, then say what happened.
    return Client(url, token, timeout=30.0, retries=2, backoff=0.2)


def add_parsers(sub: Commands) -> None:
    options = server_options()
    get = sub.add_parser(
        "get",
        parents=[options],
        help="show a named schedule",
        description="A named schedule: description, latest revision, ETag, the highest step served, "
        "the current spec and, for a library dialect, its native translation.",
    )
    get.add_argument("name", metavar="NAME", type=_name)
    get.add_argument("--json", action="store_true", help="print the server's JSON as it is")
    get.set_defaults(run=_get)
    history = sub.add_parser(
        "history",
        parents=[options],
        help="show a named schedule's revisions and which is in force from which step",
    )
    history.add_argument("name", metavar="NAME", type=_name)
    history.add_argument("--json", action="store_true", help="print the revisions and timeline as JSON")
    history.set_defaults(run=_history)
    listing = sub.add_parser("list", parents=[options], help="list the named schedules")
    listing.add_argument("--json", action="store_true", help="print the list as JSON")
    listing.set_defaults(run=_list)


def _read(args: argparse.Namespace) -> ScheduleDocument:
    with connect(args) as client, talking_to(client.url, args.name):
        body = client.get_schedule(args.name)
    assert body is not None  # only an If-None-Match gets a 304
    return body


def spec_label(spec: Any) -> str:
    """``cosine_annealing``, or for a library dialect ``torch CosineAnnealingLR``."""
    if not isinstance(spec, Mapping):
        return "?"
    name = spec.get("name")
    return f"{spec.get('kind')} {name}" if isinstance(name, str) else str(spec.get("kind"))


def served(promised: int) -> str:
    """The highest step the server has promised (served) to any trainer, in words."""
    return "none yet" if promised < 0 else str(promised)


def _indent(text: str) -> str:
    return "".join(f"  {line}\n" for line in text.splitlines())


def _get(args: argparse.Namespace) -> int:
    body = _read(args)
    if args.json:
        print(json.dumps(body.to_json(), indent=2, ensure_ascii=False))
        return 0
    revision = body.revision
    start = next((r.effective_from_step for r in body.revisions if r.revision == revision), 0)
    print(colour(body.name, "bold") + (f" — {body.description}" if body.description else ""))
    rows = [
        ("revision", f"{revision} of {len(body.revisions)} (ETag {body.etag})"),
        ("highest step served", served(body.promised_step)),
        ("created", body.created_at),
        ("updated", body.updated_at),
    ]
    print(_indent(table(rows)), end="")
    print(f"\nschedule (revision {revision}, from step {start}): {spec_label(body.schedule)}")
    print(_indent(pretty(body.schedule)), end="")
    if body.native is not None:
        print("\nnative translation:")
        print(_indent(pretty(body.native)), end="")
    return 0


def _history(args: argparse.Namespace) -> int:
    body = _read(args)
    if args.json:
        data = body.to_json()
        print(
            json.dumps({k: data[k] for k in ("name", "revisions", "timeline")}, indent=2, ensure_ascii=False)
        )
        return 0
    revisions = body.revisions
    count = f"{len(revisions)} revision{'s' * (len(revisions) != 1)}"
    print(f"{body.name}: {count}; highest step served: {served(body.promised_step)}")
    rows = [
        (
            r.revision,
            r.effective_from_step,
            r.created_at,
            "forced" if r.forced else "",
            spec_label(r.schedule),
            r.comment,
        )
        for r in revisions
    ]
    print(
        _indent(table(rows, ("REV", "FROM STEP", "CREATED", "FORCED", "SPEC", "COMMENT"), right=(0, 1))),
        end="",
    )
    print("timeline:")
    pieces = body.timeline
    spans = []
    for i, piece in enumerate(pieces):
        end = f"to {pieces[i + 1].from_step - 1}" if i + 1 < len(pieces) else "on"
        spans.append((f"steps {piece.from_step} {end}", f"revision {piece.revision}"))
    print(_indent(table(spans)), end="")
    return 0


def _list(args: argparse.Namespace) -> int:
    items: list[ScheduleSummary] = []
    with connect(args) as client, talking_to(client.url):
        after = None
        while True:
            page = client.list_schedules(limit=1000, after=after)
            items.extend(page.items)
            after = page.next_after
            if not after:
                break
    if args.json:
        print(json.dumps([s.to_json() for s in items], indent=2, ensure_ascii=False))
        return 0
    rows = [(s.name, s.revisions, s.description) for s in items]
    print(table(rows, ("NAME", "REVISION", "DESCRIPTION"), right=(1,)), end="")
    return 0
