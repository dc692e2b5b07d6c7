"""The PostgreSQL store, for several replicas sharing one database (psycopg 3, a small connection pool).

Every write is one transaction that first locks the schedule's row (``SELECT ... FOR UPDATE``), so writes
to one schedule are serialised across connections, processes and replicas, and each reads ``promised``
only once it holds the lock: a concurrent :meth:`~PostgresStore.promise` (an ``UPDATE`` of the same row)
is ordered strictly before or after it. The version counter is a ``SEQUENCE`` (never reused; a rolled
back transaction leaves a gap, which is fine). The schema is versioned in the ``lrs_meta`` table and
created or migrated at open under an advisory lock, so replicas starting together do not race.

Specs are stored as the JSON text the store was given (not ``jsonb``, which would reorder keys), and
names sort bytewise (``COLLATE "C"``), as in SQLite, so paging is the same on both backends.

psycopg is imported when a store is opened, not when :mod:`lrserve.store` is.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, LiteralString

from ._base import AlreadyExists, NotFound, Revision, ScheduleRecord, ScheduleSummary, SQLStore, Unavailable

if TYPE_CHECKING:
    from psycopg import Connection
    from psycopg.rows import TupleRow
    from psycopg_pool import ConnectionPool

__all__ = ["MIGRATIONS", "SCHEMA_VERSION", "PostgresStore"]

#: Each entry moves the schema from version i to i + 1 (a list of statements, run in one transaction).
MIGRATIONS: list[list[LiteralString]] = [
    [
        "CREATE SEQUENCE lrs_version_seq AS bigint",
        """
        CREATE TABLE lrs_schedules (
            name text COLLATE "C" PRIMARY KEY,
            description text NOT NULL,
            version bigint NOT NULL,
            promised bigint NOT NULL DEFAULT -1,
            created_at text NOT NULL,
            updated_at text NOT NULL
        )
        """,
        """
        CREATE TABLE lrs_revisions (
            name text COLLATE "C" NOT NULL REFERENCES lrs_schedules(name) ON DELETE CASCADE,
            number integer NOT NULL,
            effective_from_step bigint NOT NULL,
            spec text NOT NULL,
            comment text NOT NULL,
            forced boolean NOT NULL,
            created_at text NOT NULL,
            PRIMARY KEY (name, number)
        )
        """,
    ],
    [
        """
        CREATE TABLE lrs_idempotency (
            key text COLLATE "C" PRIMARY KEY,
            request text NOT NULL,
            result text NOT NULL,
            created_at text NOT NULL
        )
        """,
        "CREATE INDEX lrs_idempotency_created_at ON lrs_idempotency (created_at)",
    ],
    [
        """
        CREATE TABLE lrs_tombstones (
            name text COLLATE "C" PRIMARY KEY,
            promised bigint NOT NULL,
            pieces text NOT NULL
        )
        """,
    ],
]
SCHEMA_VERSION = len(MIGRATIONS)

#: pg_advisory_xact_lock key held while the schema is created or migrated ("lrs" in ASCII).
_MIGRATION_LOCK = 0x6C7273
#: pg_advisory_xact_lock(key1, key2) space of idempotency keys (key2: the hash of the key).
_KEY_LOCK = 0x6C72

_INSTALL_HINT = (
    "PostgreSQL support needs psycopg 3 and psycopg-pool: pip install 'psycopg[binary]' psycopg-pool"
)

_LOAD = (
    "SELECT s.description, s.version, s.promised, s.created_at, s.updated_at, "
    "r.number, r.effective_from_step, r.spec, r.comment, r.forced, r.created_at "
    "FROM lrs_schedules s JOIN lrs_revisions r ON r.name = s.name WHERE s.name = %s ORDER BY r.number"
)


class PostgresStore(SQLStore["Connection[TupleRow]"]):
    """``PostgresStore("postgresql://user@host:5432/db")``.

    ``schema``: keep the tables in this schema (created if missing) instead of the connection's default
    search path; tests give each test its own. ``pool_size``: at most this many connections. ``timeout``
    (seconds) bounds every wait on the server: a connection (libpq's ``connect_timeout``, whole seconds,
    at least 2; a free connection of the pool), a statement (``statement_timeout``), and unacknowledged
    data on a connection whose server went away (``tcp_user_timeout``). A failed reconnection is not
    retried with a growing backoff: the next request tries again, so service resumes as soon as the
    server answers.
    """

    def __init__(
        self,
        conninfo: str,
        *,
        schema: str | None = None,
        pool_size: int = 8,
        timeout: float = 10.0,
    ) -> None:
        try:
            import psycopg
            import psycopg_pool
        except ImportError as exc:
            raise ImportError(_INSTALL_HINT) from exc
        from psycopg import sql

        self.schema = schema
        params: dict[str, Any] = psycopg.conninfo.conninfo_to_dict(conninfo)
        params.setdefault("connect_timeout", max(2, round(timeout)))
        params.setdefault("tcp_user_timeout", round(timeout * 1000))
        self._statement_timeout = round(timeout * 1000)
        self._conninfo = psycopg.conninfo.make_conninfo(**params)
        self._search_path = (
            None if schema is None else sql.SQL("SET search_path TO {}").format(sql.Identifier(schema))
        )

        # Create or migrate the schema on a connection of its own: an unreachable server fails here at
        # once, with libpq's message, instead of after the pool's timeout.
        with psycopg.connect(self._conninfo, autocommit=True) as conn:
            self._migrate(conn)

        self._pool: ConnectionPool[Connection[TupleRow]] = psycopg_pool.ConnectionPool(
            self._conninfo,
            kwargs={"autocommit": True},
            min_size=1,
            max_size=max(1, pool_size),
            open=True,
            configure=self._configure,
            name="lrs-store",
            timeout=timeout,
            reconnect_timeout=timeout,
        )

    # -- connections ---------------------------------------------------------------------------------

    def _configure(self, conn: Connection[TupleRow]) -> None:
        conn.execute("SELECT set_config('statement_timeout', %s, false)", (str(self._statement_timeout),))
        if self._search_path is not None:
            conn.execute(self._search_path)

    def _migrate(self, conn: Connection[TupleRow]) -> None:
        from psycopg import sql

        with conn.transaction():
            conn.execute("SELECT pg_advisory_xact_lock(%s)", (_MIGRATION_LOCK,))
            if self.schema is not None:
                conn.execute(sql.SQL("CREATE SCHEMA IF NOT EXISTS {}").format(sql.Identifier(self.schema)))
                conn.execute(
                    sql.SQL("SET LOCAL search_path TO {}").format(sql.Identifier(self.schema)),
                )
            conn.execute("CREATE TABLE IF NOT EXISTS lrs_meta (key text PRIMARY KEY, value bigint NOT NULL)")
            row = conn.execute("SELECT value FROM lrs_meta WHERE key = 'schema_version'").fetchone()
            current = 0 if row is None else int(row[0])
            if current > SCHEMA_VERSION:
                where = f"schema {self.schema!r}" if self.schema is not None else "the database"
                raise RuntimeError(
                    f"{where} has lrs schema version {current}, newer than this lrs knows ({SCHEMA_VERSION})"
                )
            for statements in MIGRATIONS[current:]:
                for statement in statements:
                    conn.execute(statement)
            conn.execute(
                "INSERT INTO lrs_meta VALUES ('schema_version', %s) "
                "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                (SCHEMA_VERSION,),
            )

    @contextmanager
    def _write(self) -> Iterator[Connection[TupleRow]]:
        with self._unavailable(), self._pool.connection() as conn, conn.transaction():
            yield conn

    @contextmanager
    def _read(self) -> Iterator[Connection[TupleRow]]:
        """An autocommit connection: each statement sees one snapshot, so reads are single statements."""
        with self._unavailable(), self._pool.connection() as conn:
            yield conn

    @contextmanager
    def _unavailable(self) -> Iterator[None]:
        import psycopg
        import psycopg_pool

        try:
            yield
        except (psycopg.OperationalError, psycopg_pool.PoolTimeout) as exc:
            raise Unavailable(f"PostgreSQL did not answer: {str(exc).strip()}") from exc

    # -- the statements of the store's transactions (SQLStore) -----------------------------------------

    def _insert_schedule(
        self, db: Connection[TupleRow], name: str, description: str, at: str, promised: int
    ) -> None:
        row = db.execute(
            "INSERT INTO lrs_schedules (name, description, version, promised, created_at, updated_at) "
            "VALUES (%s, %s, nextval('lrs_version_seq'), %s, %s, %s) "
            "ON CONFLICT (name) DO NOTHING RETURNING version",
            (name, description, promised, at, at),
        ).fetchone()
        if row is None:
            raise AlreadyExists(name)

    def _tombstone(self, db: Connection[TupleRow], name: str) -> tuple[int, str] | None:
        row = db.execute(
            "SELECT promised, pieces FROM lrs_tombstones WHERE name = %s FOR UPDATE", (name,)
        ).fetchone()
        return None if row is None else (int(row[0]), row[1])

    def _set_tombstone(self, db: Connection[TupleRow], name: str, stone: tuple[int, str] | None) -> None:
        db.execute("DELETE FROM lrs_tombstones WHERE name = %s", (name,))
        if stone is not None:
            db.execute("INSERT INTO lrs_tombstones VALUES (%s, %s, %s)", (name, *stone))

    def _lock_row(self, db: Connection[TupleRow], name: str) -> tuple[int, int]:
        row = db.execute(
            "SELECT version, promised FROM lrs_schedules WHERE name = %s FOR UPDATE", (name,)
        ).fetchone()
        if row is None:
            raise NotFound(name)
        return int(row[0]), int(row[1])

    def _lock_key(self, db: Connection[TupleRow], key: str) -> None:
        # the same key's requests wait for each other; the lock's own key space, by the text's hash
        db.execute("SELECT pg_advisory_xact_lock(%s, hashtext(%s))", (_KEY_LOCK, key))

    def _find_key(self, db: Connection[TupleRow], key: str) -> tuple[str, str] | None:
        row = db.execute("SELECT request, result FROM lrs_idempotency WHERE key = %s", (key,)).fetchone()
        return None if row is None else (row[0], row[1])

    def _save_key(
        self, db: Connection[TupleRow], key: str, request: str, result: str, at: str, before: str
    ) -> None:
        db.execute("DELETE FROM lrs_idempotency WHERE created_at < %s", (before,))
        db.execute("INSERT INTO lrs_idempotency VALUES (%s, %s, %s, %s)", (key, request, result, at))

    def _last_revision(self, db: Connection[TupleRow], name: str) -> tuple[int, dict[str, Any]]:
        # a statement of its own, so that it runs after the lock
        row = db.execute(
            "SELECT number, spec FROM lrs_revisions WHERE name = %s ORDER BY number DESC LIMIT 1", (name,)
        ).fetchone()
        assert row is not None, f"schedule {name!r} has no revision"
        spec: dict[str, Any] = json.loads(row[1])
        return int(row[0]), spec

    def _insert_revision(
        self,
        db: Connection[TupleRow],
        name: str,
        number: int,
        start: int,
        spec: dict[str, Any],
        comment: str,
        forced: bool,
        at: str,
    ) -> None:
        db.execute(
            "INSERT INTO lrs_revisions (name, number, effective_from_step, spec, comment, forced, "
            "created_at) VALUES (%s, %s, %s, %s, %s, %s, %s)",
            (name, number, start, json.dumps(spec, allow_nan=False), comment, forced, at),
        )

    def _touch(self, db: Connection[TupleRow], name: str, description: str | None, at: str) -> None:
        db.execute(
            "UPDATE lrs_schedules SET description = coalesce(%s, description), "
            "version = nextval('lrs_version_seq'), updated_at = %s WHERE name = %s",
            (description, at, name),
        )

    def _delete_schedule(self, db: Connection[TupleRow], name: str) -> None:
        db.execute("DELETE FROM lrs_schedules WHERE name = %s", (name,))

    def _load(self, db: Connection[TupleRow], name: str) -> ScheduleRecord:
        rows = db.execute(_LOAD, (name,)).fetchall()
        if not rows:
            raise NotFound(name)
        head = rows[0]
        return ScheduleRecord(
            name=name,
            description=head[0],
            version=int(head[1]),
            promised=int(head[2]),
            revisions=tuple(
                Revision(
                    number=int(r[5]),
                    effective_from_step=int(r[6]),
                    spec=json.loads(r[7]),
                    comment=r[8],
                    forced=bool(r[9]),
                    created_at=r[10],
                )
                for r in rows
            ),
            created_at=head[3],
            updated_at=head[4],
        )

    # -- reads ------------------------------------------------------------------------------------------

    def get(self, name: str) -> ScheduleRecord:
        with self._read() as conn:
            return self._load(conn, name)

    def list(self, *, after: str | None, limit: int) -> list[ScheduleSummary]:
        with self._read() as conn:
            rows = conn.execute(
                "SELECT s.name, s.description, s.version, "
                "(SELECT count(*) FROM lrs_revisions r WHERE r.name = s.name), s.promised, s.created_at, "
                "s.updated_at FROM lrs_schedules s WHERE s.name > %s ORDER BY s.name LIMIT %s",
                (after or "", limit),
            ).fetchall()
        return [
            ScheduleSummary(
                name=r[0],
                description=r[1],
                version=int(r[2]),
                revisions=int(r[3]),
                promised=int(r[4]),
                created_at=r[5],
                updated_at=r[6],
            )
            for r in rows
        ]

    def promise(self, name: str, step: int) -> tuple[int, int]:
        with self._read() as conn:
            # Fast path, no write: the step is already promised (every rank after the first asking for
            # it). One statement, so version and promised come from one snapshot, and promised >= step
            # is committed, so no later unforced revision can change the step.
            row = conn.execute(
                "SELECT version, promised FROM lrs_schedules WHERE name = %s", (name,)
            ).fetchone()
            if row is None:
                raise NotFound(name)
            if int(row[1]) >= step:
                return int(row[0]), int(row[1])
            # The UPDATE waits for any writer holding the row and then applies to its result, so it is
            # ordered against add_revision's locked check; it commits on return (autocommit).
            row = conn.execute(
                "UPDATE lrs_schedules SET promised = GREATEST(promised, %s) WHERE name = %s "
                "RETURNING version, promised",
                (step, name),
            ).fetchone()
            if row is None:
                raise NotFound(name)
            return int(row[0]), int(row[1])

    def versions(self) -> dict[str, int]:
        with self._read() as conn:
            return {str(r[0]): int(r[1]) for r in conn.execute("SELECT name, version FROM lrs_schedules")}

    def count(self) -> int:
        with self._read() as conn:
            row = conn.execute("SELECT count(*) FROM lrs_schedules").fetchone()
            assert row is not None
            return int(row[0])

    def ping(self) -> None:
        with self._read() as conn:
            conn.execute("SELECT count(*) FROM lrs_meta").fetchone()

    def close(self) -> None:
        self._pool.close()
