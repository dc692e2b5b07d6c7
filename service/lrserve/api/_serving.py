"""Serving a named schedule: its stored history compiled and cached per worker, the promises that make
revisions safe, the native translation of its specs, and the schedules file applied at start.

The store keeps specs as the user wrote them and knows nothing of the spec layer; this module turns a
history into one compiled schedule (:func:`compile_history`) and a spec into its native translation
(:func:`translate`).

A read at step ``t`` is answered from memory when ``t`` is at or below the promise this worker knows
of: no later revision can change such a step (the store refuses revisions effective at or before the
promise). A read past it first raises the promise in the store, in the same transaction that reports
the current version, so the LR served is always that of the version the promise was made against.
Changes made through this worker replace its cache entry at once; changes made by other workers are
picked up by :meth:`Registry.refresh` (run every ``cache_refresh_seconds``) or at the next promise.
"""

from __future__ import annotations

import asyncio
import functools
from dataclasses import dataclass
from pathlib import Path, PurePath
from typing import Any

import orjson
from starlette.concurrency import run_in_threadpool

from .._engine import compile_spec, parse_spec, to_native
from .._schedules_file import Entry as FileEntry
from .._schedules_file import SchedulesFileError, load, plan, promise_refusal, read_entries
from ..core import History, join_history
from ..dialects._base import DialectSpec
from ..limits import MAX_CACHED_SCHEDULES
from ..store import AlreadyExists, PromiseBroken, Revision, ScheduleRecord, Stale, Store, timeline

__all__ = ["Entry", "Registry", "apply_schedules_file", "compile_history", "translate"]


def compile_history(revisions: tuple[Revision, ...] | list[Revision]) -> History:
    """Compile a history as one schedule over absolute steps (see :func:`~lrserve.core.join_history`)."""
    return join_history([(start, rev.number, compile_spec(rev.spec)) for start, rev in timeline(revisions)])


@functools.lru_cache(maxsize=4096)
def _translate(spec_json: bytes) -> tuple[bool, dict[str, Any]]:
    parsed = parse_spec(spec_json)
    return isinstance(parsed, DialectSpec), to_native(parsed).model_dump(mode="json")


def translate(spec: dict[str, Any]) -> tuple[bool, dict[str, Any]]:
    """Whether a stored spec is a library dialect's, and its native translation with every default filled
    in (what the engine evaluates; trainers compile it with the numpy core alone). Cached: revisions never
    change, and a schedule's history is sent whole."""
    return _translate(orjson.dumps(spec, option=orjson.OPT_SORT_KEYS))


@dataclass(slots=True)
class Entry:
    record: ScheduleRecord
    compiled: History
    promised: int


class Registry:
    """The cache of compiled schedules in front of a :class:`Store`.

    Its state is bounded whatever names are asked for: entries exist only for schedules the store has,
    at most ``max_entries`` of them (the oldest is dropped first: it is read again when asked for), and
    the reads that go to the store take one of a fixed set of locks, chosen by the name, so that many
    readers of one new step cost one promise.
    """

    def __init__(self, store: Store, max_entries: int = MAX_CACHED_SCHEDULES, locks: int = 64) -> None:
        self.store = store
        self.max_entries = max_entries
        self._entries: dict[str, Entry] = {}
        self._locks = tuple(asyncio.Lock() for _ in range(locks))
        self.hits = 0
        self.misses = 0

    def put(self, record: ScheduleRecord) -> Entry:
        """Cache a record this worker just wrote or read (not one older than the cached: a write replayed
        for its idempotency key gives the record as it was then)."""
        old = self._entries.get(record.name)
        if old is not None and old.record.version > record.version:
            return old
        entry = Entry(record, compile_history(record.revisions), record.promised)
        old = self._entries.pop(record.name, None)
        if old is not None and old.record.version == record.version:
            entry.promised = max(entry.promised, old.promised)
        while len(self._entries) >= self.max_entries:
            del self._entries[next(iter(self._entries))]  # the oldest put
        self._entries[record.name] = entry
        return entry

    def __len__(self) -> int:
        return len(self._entries)

    def names(self) -> list[str]:
        """The schedules cached, the oldest first."""
        return list(self._entries)

    def forget(self, name: str) -> None:
        self._entries.pop(name, None)

    async def promised(self, name: str, step: int) -> Entry:
        """The entry to answer a read of steps up to ``step``, after promising them."""
        entry = self._entries.get(name)
        if entry is not None and step <= entry.promised:
            self.hits += 1
            return entry
        self.misses += 1
        async with self._locks[hash(name) % len(self._locks)]:
            entry = self._entries.get(name)
            if entry is not None and step <= entry.promised:
                return entry
            version, promised = await run_in_threadpool(self.store.promise, name, step)
            if entry is None or entry.record.version != version:
                record = await run_in_threadpool(self.store.get, name)
                entry = self.put(record)
            entry.promised = max(entry.promised, promised)
            return entry

    async def view(self, name: str) -> Entry:
        """The current entry, to look at without promising anything (plots, the web page): the store's
        latest version and promise, compiled once per version."""
        record = await run_in_threadpool(self.store.get, name)
        entry = self._entries.get(name)
        if entry is None or entry.record.version != record.version:
            entry = self.put(record)
        entry.promised = max(entry.promised, record.promised)
        return entry

    async def refresh(self) -> None:
        """Drop entries that another worker has changed or deleted."""
        versions = await run_in_threadpool(self.store.versions)
        for name, entry in list(self._entries.items()):
            if versions.get(name) != entry.record.version:
                self._entries.pop(name, None)


# -- the schedules file (LRS_SCHEDULES_FILE) ------------------------------------------------------------


def apply_schedules_file(store: Store, path: Path) -> list[str]:
    """Make the named schedules what a YAML/JSON file declares (see :mod:`lrserve._schedules_file`, the
    rules ``lrs apply`` follows too); returns what it did, one line each.

    A changed spec replaces the current one from step 0, or with ``effective_from_step: N`` is added as a
    revision from step N; either is refused (and the server does not start) when it would change steps
    already served, unless that entry says ``force: true``. Raises ``ValueError`` naming the file, the
    entry and the field.
    """
    label = str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ValueError(f"cannot read the schedules file {label}: {exc}") from None
    entries = read_entries(load(text, label), label, comment=f"schedules file {PurePath(label).name}")
    return [_apply(store, entry, label) for entry in entries]


def _apply(store: Store, entry: FileEntry, label: str) -> str:
    # Replicas starting together apply the same file: one that loses a race reads the schedule again,
    # and then finds it as declared.
    for _ in range(3):
        try:
            return _apply_once(store, entry, label)
        except Stale:
            continue
    raise SchedulesFileError(
        f"{label}: schedule {entry.name!r} kept changing while the file was applied; start again"
    )


def _apply_once(store: Store, entry: FileEntry, label: str) -> str:
    name, spec, description = entry.name, entry.schedule, entry.description
    try:
        store.create(name, spec, description, force=entry.force)
        return f"created {name}"
    except AlreadyExists:
        pass
    except PromiseBroken as exc:  # a schedule of that name was deleted after serving steps
        what = "creating it again (a schedule of that name was deleted) with other LRs for them"
        raise SchedulesFileError(f"{label}: {promise_refusal(name, exc.promised, what)}") from None
    record = store.get(name)
    action, refusal = plan(entry, (record.current.spec, record.description, record.promised))
    if refusal is not None:
        raise SchedulesFileError(f"{label}: {refusal}")
    if action == "unchanged":
        return f"unchanged {name}"
    try:
        if action in ("describe", "replace"):
            store.replace(name, spec, description, if_match=record.version, force=entry.force)
            return f"updated {name}" + (": description" if action == "describe" else ": revision from step 0")
        assert entry.effective_from_step is not None
        start = entry.effective_from_step
        revised = store.add_revision(
            name, spec, start, entry.comment, if_match=record.version, force=entry.force
        )
        if revised.description != description:
            store.replace(name, spec, description, if_match=revised.version, force=False)
        return f"revised {name}: revision from step {start}"
    except PromiseBroken as exc:  # another replica served more steps since this was planned
        what = (
            "replacing its spec (from step 0)"
            if action == "replace"
            else f"a revision from step {exc.effective_from_step}"
        )
        raise SchedulesFileError(f"{label}: {promise_refusal(name, exc.promised, what)}") from None
