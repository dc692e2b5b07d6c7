"""Fixtures that run the store suite against every backend.

``backend`` is parametrized over SQLite (a file in ``tmp_path``) and PostgreSQL (a fresh schema per test
in the database ``LRS_TEST_POSTGRES_URL``, default ``postgresql://postgres@127.0.0.1:5432/test``). The
PostgreSQL case is skipped, with the reason, when the server cannot be reached, except under CI (``CI``
set) or with ``LRS_TEST_POSTGRES_REQUIRED=1``, where it fails instead: CI has the server.
"""

from __future__ import annotations

import contextlib
import sqlite3
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from lrserve.store import SQLiteStore, Store, _postgres, _sqlite

from .._postgres import POSTGRES_URL, need_postgres


class Backend:
    """One database; :meth:`open` gives another store object on it (another process or replica)."""

    kind: str
    schema_version_known: int

    def __init__(self) -> None:
        self._opened: list[Store] = []

    def open(self) -> Store:
        store = self._open()
        self._opened.append(store)
        return store

    def _open(self) -> Store:
        raise NotImplementedError

    def schema_version(self) -> int:
        raise NotImplementedError

    def set_schema_version(self, version: int) -> None:
        raise NotImplementedError

    def close_all(self) -> None:
        for store in self._opened:
            with contextlib.suppress(Exception):  # closed by the test already
                store.close()
        self._opened.clear()


class SQLiteBackend(Backend):
    kind = "sqlite"
    schema_version_known = _sqlite.SCHEMA_VERSION

    def __init__(self, path: Path) -> None:
        super().__init__()
        self.path = path

    def _open(self) -> Store:
        return SQLiteStore(self.path)

    def schema_version(self) -> int:
        db = sqlite3.connect(self.path)
        try:
            return int(db.execute("PRAGMA user_version").fetchone()[0])
        finally:
            db.close()

    def set_schema_version(self, version: int) -> None:
        db = sqlite3.connect(self.path)
        try:
            db.execute(f"PRAGMA user_version = {int(version)}")
            db.commit()
        finally:
            db.close()


class PostgresBackend(Backend):
    kind = "postgresql"
    schema_version_known = _postgres.SCHEMA_VERSION

    def __init__(self, url: str) -> None:
        super().__init__()
        self.url = url
        self.schema = f"lrs_test_{uuid.uuid4().hex[:16]}"

    def _open(self) -> Store:
        return _postgres.PostgresStore(self.url, schema=self.schema, pool_size=8)

    def schema_version(self) -> int:
        import psycopg
        from psycopg import sql

        with psycopg.connect(self.url, autocommit=True) as conn:
            row = conn.execute(
                sql.SQL("SELECT value FROM {}.lrs_meta WHERE key = 'schema_version'").format(
                    sql.Identifier(self.schema)
                )
            ).fetchone()
        assert row is not None
        return int(row[0])

    def set_schema_version(self, version: int) -> None:
        import psycopg
        from psycopg import sql

        with psycopg.connect(self.url, autocommit=True) as conn:
            conn.execute(
                sql.SQL("UPDATE {}.lrs_meta SET value = %s WHERE key = 'schema_version'").format(
                    sql.Identifier(self.schema)
                ),
                (version,),
            )

    def drop(self) -> None:
        import psycopg
        from psycopg import sql

        with psycopg.connect(self.url, autocommit=True) as conn:
            conn.execute(sql.SQL("DROP SCHEMA IF EXISTS {} CASCADE").format(sql.Identifier(self.schema)))


@pytest.fixture(params=["sqlite", "postgresql"])
def backend(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Backend]:
    if request.param == "sqlite":
        sqlite_backend = SQLiteBackend(tmp_path / "lrs.sqlite3")
        yield sqlite_backend
        sqlite_backend.close_all()
        return
    need_postgres()
    pg_backend = PostgresBackend(POSTGRES_URL)
    try:
        yield pg_backend
    finally:
        pg_backend.close_all()
        pg_backend.drop()


@pytest.fixture
def store(backend: Backend) -> Store:
    return backend.open()


def guard_violations(
    promises: list[tuple[int, int, int]], accepted: list[tuple[int, int]]
) -> list[tuple[tuple[int, int, int], tuple[int, int]]]:
    """Pairs that break the promise guard.

    ``promises``: ``(step asked, version, promised)`` as promise() returned them; ``accepted``:
    ``(effective_from_step, version)`` of the unforced revisions add_revision() accepted. Versions of one
    schedule grow with every change in commit order, so a revision whose version is above the version a
    promise returned was committed after that promise; it must then start after what that promise had
    promised, or a reader who got the LR of that step would now get another one.
    """
    return [
        (promised, revision)
        for promised in promises
        for revision in accepted
        if revision[1] > promised[1] and revision[0] <= promised[2]
    ]


@pytest.fixture
def postgres_backend() -> Iterator[PostgresBackend]:
    need_postgres()
    pg_backend = PostgresBackend(POSTGRES_URL)
    try:
        yield pg_backend
    finally:
        pg_backend.close_all()
        pg_backend.drop()
