"""The limits every layer shares, each defined here once: the core, the spec models, the dialects, the
store, the server, the client and the command line import them from this module.

It imports nothing but the standard library, so that any of them can (``lrserve.core`` needs numpy alone,
the client no Pydantic).
"""

from __future__ import annotations

import re

__all__ = [
    "MAX_BODY_BYTES",
    "MAX_CACHED_SCHEDULES",
    "MAX_DEPTH",
    "MAX_ETAG_DIGITS",
    "MAX_ITEMS",
    "MAX_PAGE_SIZE",
    "MAX_STEP",
    "MAX_TABLE_ROWS",
    "MAX_TEXT",
    "NAME_PATTERN",
    "etag_version",
    "is_name",
]

#: The largest step: every integer up to ``2**53`` is exact in float64, so a step, a count of steps and
#: a boundary are at most this.
MAX_STEP = 2**53

#: The deepest nesting of schedules inside schedules (sequence, product, SequentialLR, join_schedules).
MAX_DEPTH = 8

#: The most phases, milestones, boundaries or knots one spec may list.
MAX_ITEMS = 256

#: A schedule's name: 1 to 64 of ``a-z 0-9 . _ -``, starting with a letter or a digit.
NAME_PATTERN = r"^[a-z0-9][a-z0-9._-]{0,63}$"

#: The longest description or revision comment, in characters.
MAX_TEXT = 2000

#: The default of the server's ``max_body_bytes``: the largest request body, so the largest spec.
MAX_BODY_BYTES = 65_536

#: The default of the server's ``max_table_rows``: the largest table one request may ask for.
MAX_TABLE_ROWS = 1_000_000

#: The default of the server's ``max_page_size``: the most schedules one list page returns.
MAX_PAGE_SIZE = 1_000

#: The most compiled schedules one server process keeps in memory (a schedule dropped is read again).
MAX_CACHED_SCHEDULES = 10_000

#: The most digits an ETag's number may have: versions count changes, so 18 digits (< 2**63, what the
#: databases store) is plenty, and ``int()`` is never given thousands of digits (Python refuses those).
MAX_ETAG_DIGITS = 18

_NAME = re.compile(NAME_PATTERN.removeprefix("^").removesuffix("$"))


def is_name(name: object) -> bool:
    """Whether ``name`` is a schedule name (the whole string: ``$`` would let a final newline by)."""
    return isinstance(name, str) and _NAME.fullmatch(name) is not None


def etag_version(tag: str) -> int:
    """The version an entity tag names (``"12"``, ``W/"12"`` or ``12``), or -1 for a tag that names none.

    A version is the store-wide counter of changes (larger is newer); a tag that is not one (empty, not
    digits, over :data:`MAX_ETAG_DIGITS` digits) matches no version.

    >>> etag_version('W/"12"'), etag_version('"x"'), etag_version('"' + "9" * 5000 + '"')
    (12, -1, -1)
    """
    value = tag.strip().removeprefix("W/").strip('"')
    if not value.isascii() or not value.isdigit() or len(value) > MAX_ETAG_DIGITS:
        return -1
    return int(value)
