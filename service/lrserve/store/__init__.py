"""Named schedules and their revisions, behind one small interface (:class:`Store`).

Backends: SQLite (default, one file) — ``open_store("sqlite:///path/to/lrs.sqlite3")``; PostgreSQL, for
several replicas — ``open_store("postgresql://user:password@host:5432/database")`` (needs the packages
``psycopg[binary]`` and ``psycopg-pool``, imported only when such a store is opened).
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from ._base import (
    AlreadyExists,
    KeyReused,
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
    "KeyReused",
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
    "redacted",
    "timeline",
]


def open_store(url: str, *, timeout: float = 2.0) -> Store:
    """Open the store a database URL names; ``timeout`` (seconds) bounds each wait on the database (a
    connection, a lock, a statement), after which the operation fails with :class:`Unavailable`.

    - ``sqlite:///relative/path`` or ``sqlite:////absolute/path``: a :class:`SQLiteStore`;
    - ``postgresql://...`` or ``postgres://...`` (a libpq URI, passed on as it is): a
      :class:`PostgresStore`.
    """
    scheme, sep, rest = url.partition("://")
    scheme = scheme.lower()
    if sep and scheme == "sqlite":
        if not rest.startswith("/") or rest == "/":
            raise ValueError(f"a SQLite URL is sqlite:///PATH; got {url!r}")
        return SQLiteStore(Path(rest[1:]), busy_timeout=timeout)
    if sep and scheme in ("postgresql", "postgres"):
        return PostgresStore(url, timeout=timeout)
    raise ValueError(
        f"unsupported database URL {redacted(url)!r}: expected sqlite:///PATH or "
        "postgresql://USER@HOST:PORT/DATABASE"
    )


def redacted(url: str) -> str:
    """``url`` with its password, if it has one, shown as ``***``: what may be printed or logged.

    >>> redacted("postgresql://lrs:secret@db:5432/lrs")
    'postgresql://lrs:***@db:5432/lrs'
    """
    parts = urlsplit(url)
    if parts.password is None:
        return url
    user = parts.username or ""
    host = parts.netloc.rpartition("@")[2]
    return urlunsplit(parts._replace(netloc=f"{user}:***@{host}"))
