"""The default store: one SQLite file (WAL, ``synchronous=FULL``), safe for several worker processes.

Every write runs in ``BEGIN IMMEDIATE`` (one writer at a time across processes, others wait up to the
busy timeout) and is on disk when the call returns, so an acknowledged write survives ``kill -9``.
The schema is versioned with ``PRAGMA user_version`` and migrated at open.
"""

from __future__ import annotations

import json
import logging
import os
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from ._base import AlreadyExists, NotFound, Revision, ScheduleRecord, ScheduleSummary, SQLStore, Unavailable

log = logging.getLogger("lrs")

__all__ = ["SQLiteStore"]

#: Each entry moves the schema from version i to i + 1.
MIGRATIONS: list[str] = [
    """
    CREATE TABLE meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL) STRICT;
    INSERT INTO meta VALUES ('version_counter', 0);
    CREATE TABLE schedules (
        name TEXT PRIMARY KEY,
        description TEXT NOT NULL,
        version INTEGER NOT NULL,
        promised INTEGER NOT NULL DEFAULT -1,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
    ) STRICT;
    CREATE TABLE revisions (
        name TEXT NOT NULL REFERENCES schedules(name) ON DELETE CASCADE,
        number INTEGER NOT NULL,
        effective_from_step INTEGER NOT NULL,
        spec TEXT NOT NULL,
        comment TEXT NOT NULL,
        forced INTEGER NOT NULL,
        created_at TEXT NOT NULL,
        PRIMARY KEY (name, number)
    ) STRICT;
    """,
    """
    CREATE TABLE idempotency (
        key TEXT PRIMARY KEY,
        request TEXT NOT NULL,
        result TEXT NOT NULL,
        created_at TEXT NOT NULL
    ) STRICT;
    CREATE INDEX idempotency_created_at ON idempotency (created_at);
    """,
    """
    CREATE TABLE tombstones (
        name TEXT PRIMARY KEY,
        promised INTEGER NOT NULL,
        pieces TEXT NOT NULL
    ) STRICT;
    """,
]
SCHEMA_VERSION = len(MIGRATIONS)


def _next_version(db: sqlite3.Connection) -> int:
    """Take the next value of the store-wide version counter."""
    row = db.execute(
        "UPDATE meta SET value = value + 1 WHERE key = 'version_counter' RETURNING value"
    ).fetchone()
    return int(row[0])


@contextmanager
def _unavailable() -> Iterator[None]:
    try:
        yield
    except sqlite3.OperationalError as exc:  # locked past the busy timeout, disk I/O, file gone
        raise Unavailable(f"SQLite did not answer: {exc}") from exc
    except sqlite3.ProgrammingError as exc:  # the store was closed (the server is stopping)
        raise Unavailable(f"the store is closed: {exc}") from exc


def _private(path: Path) -> None:
    """Make the database file readable by its owner alone: created 0600 (SQLite gives its -wal and -shm
    files the same mode), or an existing one's group and other bits cleared."""
    try:
        os.close(os.open(path, os.O_RDWR | os.O_CREAT, 0o600))
        for file in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
            if file.exists() and file.stat().st_mode & 0o077:
                file.chmod(file.stat().st_mode & 0o700)
    except PermissionError as exc:  # a file of another user's: say so, SQLite will open it if it can
        log.warning("cannot make %s private (mode 0600): %s", path, exc)


class SQLiteStore(SQLStore[sqlite3.Connection]):
    """``SQLiteStore(path)``; the file (mode 0600) and its directory (0700) are created if missing."""

    def __init__(self, path: str | Path, *, busy_timeout: float = 10.0) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        _private(self.path)
        self._lock = threading.Lock()
        self._db = sqlite3.connect(
            self.path, timeout=busy_timeout, isolation_level=None, check_same_thread=False
        )
        try:
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=FULL")
            self._db.execute("PRAGMA foreign_keys=ON")
            self._migrate()
        except BaseException:
            self._db.close()
            raise

    def _migrate(self) -> None:
        with self._write() as db:
            current = db.execute("PRAGMA user_version").fetchone()[0]
            if current > SCHEMA_VERSION:
                raise RuntimeError(
                    f"{self.path} has schema version {current}, newer than this lrs knows ({SCHEMA_VERSION})"
                )
            for script in MIGRATIONS[current:]:
                for statement in script.split(";"):
                    if statement.strip():
                        db.execute(statement)
            db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        with _unavailable(), self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                yield self._db
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")

    @contextmanager
    def _read(self) -> Iterator[sqlite3.Connection]:
        with _unavailable(), self._lock:
            self._db.execute("BEGIN")
            try:
                yield self._db
            finally:
                self._db.execute("COMMIT")

    # -- the statements of the store's transactions (SQLStore) -----------------------------------------

    def _insert_schedule(
        self, db: sqlite3.Connection, name: str, description: str, at: str, promised: int
    ) -> None:
        if db.execute("SELECT 1 FROM schedules WHERE name = ?", (name,)).fetchone():
            raise AlreadyExists(name)
        version = _next_version(db)
        db.execute(
            "INSERT INTO schedules VALUES (?, ?, ?, ?, ?, ?)", (name, description, version, promised, at, at)
        )

    def _tombstone(self, db: sqlite3.Connection, name: str) -> tuple[int, str] | None:
        row = db.execute("SELECT promised, pieces FROM tombstones WHERE name = ?", (name,)).fetchone()
        return None if row is None else (int(row[0]), row[1])

    def _set_tombstone(self, db: sqlite3.Connection, name: str, stone: tuple[int, str] | None) -> None:
        db.execute("DELETE FROM tombstones WHERE name = ?", (name,))
        if stone is not None:
            db.execute("INSERT INTO tombstones VALUES (?, ?, ?)", (name, *stone))

    def _lock_row(self, db: sqlite3.Connection, name: str) -> tuple[int, int]:
        # BEGIN IMMEDIATE already holds the database's one write lock
        row = db.execute("SELECT version, promised FROM schedules WHERE name = ?", (name,)).fetchone()
        if row is None:
            raise NotFound(name)
        return int(row[0]), int(row[1])

    def _last_revision(self, db: sqlite3.Connection, name: str) -> tuple[int, dict[str, Any]]:
        row = db.execute(
            "SELECT number, spec FROM revisions WHERE name = ? ORDER BY number DESC LIMIT 1", (name,)
        ).fetchone()
        assert row is not None, f"schedule {name!r} has no revision"
        spec: dict[str, Any] = json.loads(row[1])
        return int(row[0]), spec

    def _insert_revision(
        self,
        db: sqlite3.Connection,
        name: str,
        number: int,
        start: int,
        spec: dict[str, Any],
        comment: str,
        forced: bool,
        at: str,
    ) -> None:
        db.execute(
            "INSERT INTO revisions VALUES (?, ?, ?, ?, ?, ?, ?)",
            (name, number, start, json.dumps(spec, allow_nan=False), comment, int(forced), at),
        )

    def _touch(self, db: sqlite3.Connection, name: str, description: str | None, at: str) -> None:
        db.execute(
            "UPDATE schedules SET description = coalesce(?, description), version = ?, updated_at = ? "
            "WHERE name = ?",
            (description, _next_version(db), at, name),
        )

    def _lock_key(self, db: sqlite3.Connection, key: str) -> None:
        pass  # BEGIN IMMEDIATE already holds the database's one write lock

    def _find_key(self, db: sqlite3.Connection, key: str) -> tuple[str, str] | None:
        row = db.execute("SELECT request, result FROM idempotency WHERE key = ?", (key,)).fetchone()
        return None if row is None else (row[0], row[1])

    def _save_key(
        self, db: sqlite3.Connection, key: str, request: str, result: str, at: str, before: str
    ) -> None:
        db.execute("DELETE FROM idempotency WHERE created_at < ?", (before,))
        db.execute("INSERT INTO idempotency VALUES (?, ?, ?, ?)", (key, request, result, at))

    def _delete_schedule(self, db: sqlite3.Connection, name: str) -> None:
        db.execute("DELETE FROM schedules WHERE name = ?", (name,))

    def _load(self, db: sqlite3.Connection, name: str) -> ScheduleRecord:
        row = db.execute(
            "SELECT description, version, promised, created_at, updated_at FROM schedules WHERE name = ?",
            (name,),
        ).fetchone()
        if row is None:
            raise NotFound(name)
        revisions = tuple(
            Revision(
                number=r[0],
                effective_from_step=r[1],
                spec=json.loads(r[2]),
                comment=r[3],
                forced=bool(r[4]),
                created_at=r[5],
            )
            for r in db.execute(
                "SELECT number, effective_from_step, spec, comment, forced, created_at "
                "FROM revisions WHERE name = ? ORDER BY number",
                (name,),
            )
        )
        return ScheduleRecord(
            name=name,
            description=row[0],
            version=row[1],
            promised=row[2],
            revisions=revisions,
            created_at=row[3],
            updated_at=row[4],
        )

    # -- reads ------------------------------------------------------------------------------------------

    def get(self, name: str) -> ScheduleRecord:
        with self._read() as db:
            return self._load(db, name)

    def list(self, *, after: str | None, limit: int) -> list[ScheduleSummary]:
        with self._read() as db:
            rows = db.execute(
                "SELECT s.name, s.description, s.version, "
                "(SELECT count(*) FROM revisions r WHERE r.name = s.name), s.promised, s.created_at, "
                "s.updated_at FROM schedules s WHERE s.name > ? ORDER BY s.name LIMIT ?",
                (after or "", limit),
            ).fetchall()
        return [ScheduleSummary(*row) for row in rows]

    def promise(self, name: str, step: int) -> tuple[int, int]:
        # Read first: once one rank has been promised a step, the others asking for it need no write
        # (and no turn at the one write lock every worker shares).
        with self._read() as db:
            row = db.execute("SELECT version, promised FROM schedules WHERE name = ?", (name,)).fetchone()
        if row is None:
            raise NotFound(name)
        if int(row[1]) >= step:
            return int(row[0]), int(row[1])
        with self._write() as db:
            row = db.execute(
                "UPDATE schedules SET promised = max(promised, ?) WHERE name = ? RETURNING version, promised",
                (step, name),
            ).fetchone()
            if row is None:
                raise NotFound(name)
            return int(row[0]), int(row[1])

    def versions(self) -> dict[str, int]:
        with self._read() as db:
            return dict(db.execute("SELECT name, version FROM schedules").fetchall())

    def count(self) -> int:
        with self._read() as db:
            return int(db.execute("SELECT count(*) FROM schedules").fetchone()[0])

    def ping(self) -> None:
        with self._read() as db:
            db.execute("SELECT count(*) FROM meta").fetchone()

    def close(self) -> None:
        with self._lock:
            self._db.close()
