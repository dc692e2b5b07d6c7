"""Named schedules and their revisions: the records, the errors, and the interface every backend implements.

Errors (all :class:`~lrserve.core.LRSError`, mapped to HTTP in one place, ``lrserve/api/_errors.py``)::

    StoreError
    ├── NotFound            no schedule of that name (404)
    ├── AlreadyExists       create of a name that exists (409)
    ├── Stale               If-Match names an older version (412)
    ├── PromiseBroken       a revision would change a step already promised (409)
    ├── KeyReused           an idempotency key sent again with another request (422)
    └── Unavailable         the database cannot be reached or is busy past its timeout (503)

A schedule's history is a list of revisions. Revision 1 is effective from step 0; revision ``k`` is
effective from its ``effective_from_step`` on, evaluated at the absolute step, until a later revision
takes over (:func:`timeline`). The store also keeps, per schedule, the highest step it has *promised*
(``promised``; -1 before any): a revision effective at or before it is refused unless forced, so every
rank that was given the LR of a step keeps getting the same LR for it.

A deleted schedule leaves a *tombstone*: its promise and the specs in force up to it. Creating the name
again with other LRs for those steps is refused (:class:`PromiseBroken`) unless forced, and the new
schedule keeps the promise, so a step once served keeps its LR across a delete.

Every write takes an optional *idempotency key*: the key, the request and its result are stored in the
write's own transaction, so the same key sent again (a client's retry of a write whose answer was lost)
returns the first result and applies nothing twice. Keys are kept for :data:`KEY_LIFETIME`.
"""

from __future__ import annotations

import abc
import json
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Generic, TypeVar

from ..core import LRSError

__all__ = [
    "KEY_LIFETIME",
    "AlreadyExists",
    "KeyReused",
    "NotFound",
    "PromiseBroken",
    "Revision",
    "SQLStore",
    "ScheduleRecord",
    "ScheduleSummary",
    "Stale",
    "Store",
    "StoreError",
    "Unavailable",
    "breaks_promise",
    "now",
    "timeline",
]

#: A backend's connection, as its write transactions hand it out.
Conn = TypeVar("Conn")

#: How long an idempotency key is remembered after its write.
KEY_LIFETIME = timedelta(days=1)


class StoreError(LRSError):
    """Base class of the store's errors."""


class NotFound(StoreError, LookupError):
    def __init__(self, name: str) -> None:
        self.name = name
        super().__init__(f"no schedule named {name!r}")


class AlreadyExists(StoreError):
    def __init__(self, name: str) -> None:
        self.name = name
        super().__init__(f"a schedule named {name!r} already exists")


class Stale(StoreError):
    """The caller's If-Match does not name the current version."""

    def __init__(self, name: str, current: int) -> None:
        self.name, self.current = name, current
        super().__init__(f'schedule {name!r} has changed: its current ETag is "{current}"')


class KeyReused(StoreError):
    """An idempotency key already used for another request (another write, schedule or content)."""

    def __init__(self, key: str) -> None:
        self.key = key
        super().__init__(
            f"the Idempotency-Key {key!r} was used for another request: a key names one write (send a new "
            "key for a new write)"
        )


class Unavailable(StoreError):
    """The database did not answer (connection lost, locked past the busy timeout, pool exhausted)."""


class PromiseBroken(StoreError):
    """A change would alter the LR of a step the server has already promised to some rank."""

    def __init__(self, name: str, promised: int, effective_from_step: int) -> None:
        self.name, self.promised, self.effective_from_step = name, promised, effective_from_step
        self.smallest_allowed_step = promised + 1
        super().__init__(
            f"steps up to {promised} of schedule {name!r} have already been served; a revision must take "
            f"effect at step {promised + 1} or later (got {effective_from_step}), or be forced"
        )


@dataclass(frozen=True, slots=True)
class Revision:
    number: int
    effective_from_step: int
    spec: dict[str, Any]
    created_at: str
    comment: str
    forced: bool


@dataclass(frozen=True, slots=True)
class ScheduleSummary:
    name: str
    description: str
    version: int
    revisions: int
    promised: int
    created_at: str
    updated_at: str


@dataclass(frozen=True, slots=True)
class ScheduleRecord:
    name: str
    description: str
    #: The ETag: a store-wide counter taken by every change, so never reused, even by a name deleted
    #: and created again.
    version: int
    #: The highest step promised to any reader; -1 before any.
    promised: int
    revisions: tuple[Revision, ...]
    created_at: str
    updated_at: str

    @property
    def current(self) -> Revision:
        return self.revisions[-1]


def breaks_promise(name: str, promised: int, from_step: int, force: bool) -> bool:
    """Whether a revision from ``from_step`` changes a step already promised (``<= promised``): refused
    with :class:`PromiseBroken` unless ``force``; the answer is recorded as the revision's ``forced``."""
    breaks = from_step <= promised
    if breaks and not force:
        raise PromiseBroken(name, promised, from_step)
    return breaks


def timeline(revisions: tuple[Revision, ...] | list[Revision]) -> list[tuple[int, Revision]]:
    """The effective pieces of a history, as ``(from_step, revision)`` sorted by step.

    Each revision replaces, from its ``effective_from_step`` on, whatever earlier revisions said there
    (a forced revision may start before a later one did; it then overrides that one too).
    """
    pieces: list[tuple[int, Revision]] = []
    for rev in revisions:
        start = rev.effective_from_step
        while pieces and pieces[-1][0] >= start:
            pieces.pop()
        pieces.append((start, rev))
    return pieces


def now() -> str:
    """The time of a change: UTC, ISO 8601 with microseconds and ``Z``."""
    return datetime.now(UTC).isoformat(timespec="microseconds").replace("+00:00", "Z")


class Store(abc.ABC):
    """What the service needs from a database. Every method is atomic; writes are durable on return.

    ``if_match`` is the version the caller last saw (None: no precondition); a mismatch raises
    :class:`Stale`. Specs are stored as the JSON the user sent (a dialect spec stays a dialect spec).
    """

    @abc.abstractmethod
    def create(
        self,
        name: str,
        spec: dict[str, Any],
        description: str,
        *,
        force: bool = False,
        idempotency_key: str | None = None,
    ) -> ScheduleRecord:
        """A new schedule whose revision 1 is ``spec`` from step 0. Raises AlreadyExists; over a deleted
        schedule's promised steps with other LRs, PromiseBroken unless ``force`` (recorded as forced)."""

    @abc.abstractmethod
    def replace(
        self,
        name: str,
        spec: dict[str, Any],
        description: str,
        *,
        if_match: int | None,
        force: bool,
        idempotency_key: str | None = None,
    ) -> ScheduleRecord:
        """Set the description, and when ``spec`` differs from the current one, add a revision effective
        from step 0 (which breaks any promise: refused unless ``force``)."""

    @abc.abstractmethod
    def add_revision(
        self,
        name: str,
        spec: dict[str, Any],
        effective_from_step: int,
        comment: str,
        *,
        if_match: int | None,
        force: bool,
        idempotency_key: str | None = None,
    ) -> ScheduleRecord:
        """Append a revision; refused with PromiseBroken if ``effective_from_step <= promised``, unless
        ``force`` (then recorded as forced)."""

    @abc.abstractmethod
    def get(self, name: str) -> ScheduleRecord:
        """The schedule with its whole history. Raises NotFound."""

    @abc.abstractmethod
    def list(self, *, after: str | None, limit: int) -> list[ScheduleSummary]:
        """Schedules in name order, starting after ``after`` (keyset paging)."""

    @abc.abstractmethod
    def delete(self, name: str, *, if_match: int | None, idempotency_key: str | None = None) -> None:
        """Remove a schedule and its history. Raises NotFound / Stale."""

    @abc.abstractmethod
    def promise(self, name: str, step: int) -> tuple[int, int]:
        """Record that steps up to ``step`` have been served; returns ``(version, promised)`` as of the
        same transaction, so a reader can tell whether its cached copy is current. Raises NotFound."""

    @abc.abstractmethod
    def versions(self) -> dict[str, int]:
        """Every schedule's current version (for keeping caches of other processes in step)."""

    @abc.abstractmethod
    def count(self) -> int:
        """How many schedules there are."""

    @abc.abstractmethod
    def ping(self) -> None:
        """Raise if the database cannot be reached."""

    @abc.abstractmethod
    def close(self) -> None:
        """Release connections."""


class SQLStore(Store, Generic[Conn]):
    """The store's transactions, written once: each write takes the steps below in one transaction of a
    backend (:meth:`_write`), whose statements each backend supplies in its own SQL.

    A write first locks the schedule (:meth:`_lock_row`), so it reads the version and the promise no
    concurrent write or promise can change before it commits; the precondition (``if_match``) and the
    promise rule (:func:`breaks_promise`) are then checked here, the same for every backend.
    """

    # -- what a backend supplies (each runs inside a transaction of _write) -----------------------------

    @abc.abstractmethod
    def _write(self) -> AbstractContextManager[Conn]:
        """A write transaction: committed when the block ends, rolled back if it raises."""

    @abc.abstractmethod
    def _insert_schedule(self, db: Conn, name: str, description: str, at: str, promised: int) -> None:
        """Add the schedule's row with a new version and the promise ``promised``. Raises AlreadyExists."""

    @abc.abstractmethod
    def _tombstone(self, db: Conn, name: str) -> tuple[int, str] | None:
        """The deleted schedule's ``(promised, pieces)`` (locked for the transaction), or None."""

    @abc.abstractmethod
    def _set_tombstone(self, db: Conn, name: str, stone: tuple[int, str] | None) -> None:
        """Leave (or, with None, remove) the tombstone of ``name``."""

    @abc.abstractmethod
    def _lock_row(self, db: Conn, name: str) -> tuple[int, int]:
        """Lock the schedule's row for the rest of the transaction; its ``(version, promised)``. Raises
        NotFound."""

    @abc.abstractmethod
    def _last_revision(self, db: Conn, name: str) -> tuple[int, dict[str, Any]]:
        """``(number, spec)`` of the schedule's latest revision (read after :meth:`_lock_row`)."""

    @abc.abstractmethod
    def _insert_revision(
        self,
        db: Conn,
        name: str,
        number: int,
        start: int,
        spec: dict[str, Any],
        comment: str,
        forced: bool,
        at: str,
    ) -> None:
        """Add a revision."""

    @abc.abstractmethod
    def _touch(self, db: Conn, name: str, description: str | None, at: str) -> None:
        """Give the schedule a new version and ``updated_at`` (and ``description``, unless None)."""

    @abc.abstractmethod
    def _delete_schedule(self, db: Conn, name: str) -> None:
        """Remove the schedule's row and its revisions."""

    @abc.abstractmethod
    def _load(self, db: Conn, name: str) -> ScheduleRecord:
        """The schedule with its whole history. Raises NotFound."""

    @abc.abstractmethod
    def _lock_key(self, db: Conn, key: str) -> None:
        """Make other writes with the same idempotency key wait for this transaction."""

    @abc.abstractmethod
    def _find_key(self, db: Conn, key: str) -> tuple[str, str] | None:
        """The ``(request, result)`` stored with an idempotency key, or None."""

    @abc.abstractmethod
    def _save_key(self, db: Conn, key: str, request: str, result: str, at: str, before: str) -> None:
        """Store an idempotency key with its request and result; forget keys stored before ``before``."""

    # -- the transactions -----------------------------------------------------------------------------

    def _locked(self, db: Conn, name: str, if_match: int | None) -> int:
        """Lock the schedule and check the caller's precondition; the promise, as of the lock."""
        version, promised = self._lock_row(db, name)
        if if_match is not None and if_match != version:
            raise Stale(name, version)
        return promised

    def _once(
        self, key: str | None, request: list[Any], write: Callable[[Conn, str], ScheduleRecord | None]
    ) -> ScheduleRecord | None:
        """``write(db, at)`` in one transaction; with an idempotency ``key``, at most once for that key: a
        key seen before returns the result stored with it (the same ``request``; another one raises
        :class:`KeyReused`), and a new key is stored with the result in the write's own transaction."""
        at = now()
        with self._write() as db:
            if key is None:
                return write(db, at)
            self._lock_key(db, key)
            sent = json.dumps(request, sort_keys=True, separators=(",", ":"))
            found = self._find_key(db, key)
            if found is not None:
                if found[0] != sent:
                    raise KeyReused(key)
                return _decode(found[1])
            result = write(db, at)
            before = (datetime.now(UTC) - KEY_LIFETIME).isoformat(timespec="microseconds")
            self._save_key(db, key, sent, _encode(result), at, before.replace("+00:00", "Z"))
            return result

    def create(
        self,
        name: str,
        spec: dict[str, Any],
        description: str,
        *,
        force: bool = False,
        idempotency_key: str | None = None,
    ) -> ScheduleRecord:
        def write(db: Conn, at: str) -> ScheduleRecord:
            promised, forced, comment = -1, False, "created"
            stone = self._tombstone(db, name)
            if stone is not None:
                promised = stone[0]
                pieces = json.loads(stone[1])
                # the LRs of the promised steps are the same only where every piece in force there is spec
                if any(start <= promised and piece != spec for start, piece in pieces):
                    forced = breaks_promise(name, promised, 0, force)
                    comment = f"created again over steps up to {promised} served before a delete"
            self._insert_schedule(db, name, description, at, promised)
            self._insert_revision(db, name, 1, 0, spec, comment, forced, at)
            if stone is not None:
                self._set_tombstone(db, name, None)
            return self._load(db, name)

        return _written(self._once(idempotency_key, ["create", name, spec, description, force], write))

    def replace(
        self,
        name: str,
        spec: dict[str, Any],
        description: str,
        *,
        if_match: int | None,
        force: bool,
        idempotency_key: str | None = None,
    ) -> ScheduleRecord:
        def write(db: Conn, at: str) -> ScheduleRecord:
            promised = self._locked(db, name, if_match)
            last, current = self._last_revision(db, name)
            if current != spec:
                forced = breaks_promise(name, promised, 0, force)
                self._insert_revision(db, name, last + 1, 0, spec, "replaced", forced, at)
            self._touch(db, name, description, at)
            return self._load(db, name)

        request = ["replace", name, spec, description, if_match, force]
        return _written(self._once(idempotency_key, request, write))

    def add_revision(
        self,
        name: str,
        spec: dict[str, Any],
        effective_from_step: int,
        comment: str,
        *,
        if_match: int | None,
        force: bool,
        idempotency_key: str | None = None,
    ) -> ScheduleRecord:
        def write(db: Conn, at: str) -> ScheduleRecord:
            promised = self._locked(db, name, if_match)
            forced = breaks_promise(name, promised, effective_from_step, force)
            last, _ = self._last_revision(db, name)
            self._insert_revision(db, name, last + 1, effective_from_step, spec, comment, forced, at)
            self._touch(db, name, None, at)
            return self._load(db, name)

        request = ["revise", name, spec, effective_from_step, comment, if_match, force]
        return _written(self._once(idempotency_key, request, write))

    def delete(self, name: str, *, if_match: int | None, idempotency_key: str | None = None) -> None:
        def write(db: Conn, at: str) -> None:
            promised = self._locked(db, name, if_match)
            if promised >= 0:  # keep the promise: the name cannot come back with other LRs for those steps
                pieces = [[start, r.spec] for start, r in timeline(self._load(db, name).revisions)]
                self._set_tombstone(db, name, (promised, json.dumps(pieces, allow_nan=False)))
            self._delete_schedule(db, name)

        self._once(idempotency_key, ["delete", name, if_match], write)


def _written(record: ScheduleRecord | None) -> ScheduleRecord:
    assert record is not None, "a write of a schedule returns it"
    return record


def _encode(result: ScheduleRecord | None) -> str:
    """A write's result as stored with its idempotency key."""
    return json.dumps(None if result is None else asdict(result), allow_nan=False)


def _decode(text: str) -> ScheduleRecord | None:
    data = json.loads(text)
    if data is None:
        return None
    revisions = tuple(Revision(**r) for r in data.pop("revisions"))
    return ScheduleRecord(**data, revisions=revisions)
