"""Named schedules and their revisions, behind one small interface (:class:`Store`).

Backends: SQLite (default, one file) — ``open_store("sqlite:///path/to/lrs.sqlite3")``; PostgreSQL, for
several replicas — ``open_store("postgresql://user:password@host:5432/database")`` (needs the packages
``psycopg[binary]`` and ``psycopg-pool``, imported only when such a store is opened).
"""

from __future__ import annotations

from pathlib import Path

from ._base import (
    AlreadyExists,
    NotFound,
    PromiseBroken,
    Revision,
    ScheduleRecord,
    ScheduleSummary,
    SQLStore,
    Stale,
    Store,
    StoreError,
    Unavailable,
    timeline,
)
from ._postgres import PostgresStore
from ._sqlite import SQLiteStore

__all__ = [
    "AlreadyExists",
    "NotFound",
    "PostgresStore",
    "PromiseBroken",
    "Revision",
    "SQLStore",
    "SQLiteStore",
    "ScheduleRecord",
    "ScheduleSummary",
    "Stale",
    "Store",
    "StoreError",
    "Unavailable",
    "open_store",
    "timeline",
]


def open_store(url: str) -> Store:
    """Open the store a database URL names.

    - ``sqlite:///relative/path`` or ``sqlite:////absolute/path``: a :class:`SQLiteStore`;
    - ``postgresql://...`` or ``postgres://...`` (a libpq URI, passed on as it is): a
      :class:`PostgresStore`.
    """
    scheme, sep, rest = url.partition("://")
    scheme = scheme.lower()
    if sep and scheme == "sqlite":
        if not rest.startswith("/") or rest == "/":
            raise ValueError(f"a SQLite URL is sqlite:///PATH; got {url!r}")
        return SQLiteStore(Path(rest[1:]))
    if sep and scheme in ("postgresql", "postgres"):
        return PostgresStore(url)
    raise ValueError(
        f"unsupported database URL {url!r}: expected sqlite:///PATH or postgresql://USER@HOST:PORT/DATABASE"
    )
