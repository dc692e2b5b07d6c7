"""Compiled named schedules, cached per worker, and the promises that make revisions safe.

A read at step ``t`` is answered from memory when ``t`` is at or below the promise this worker knows
of: no later revision can change such a step (the store refuses revisions effective at or before the
promise). A read past it first raises the promise in the store, in the same transaction that reports
the current version, so the LR served is always that of the version the promise was made against.
Changes made through this worker replace its cache entry at once; changes made by other workers are
picked up by :meth:`Registry.refresh` (run every ``cache_refresh_seconds``) or at the next promise.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from starlette.concurrency import run_in_threadpool

from ..core import History
from ..store import ScheduleRecord, Store, compile_history

__all__ = ["Entry", "Registry"]


@dataclass(slots=True)
class Entry:
    record: ScheduleRecord
    compiled: History
    promised: int


class Registry:
    """The cache of compiled schedules in front of a :class:`Store`."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self._entries: dict[str, Entry] = {}
        self._locks: dict[str, asyncio.Lock] = {}
        self.hits = 0
        self.misses = 0

    def put(self, record: ScheduleRecord) -> Entry:
        """Cache a record this worker just wrote or read."""
        entry = Entry(record, compile_history(record.revisions), record.promised)
        old = self._entries.get(record.name)
        if old is not None and old.record.version == record.version:
            entry.promised = max(entry.promised, old.promised)
        self._entries[record.name] = entry
        return entry

    def forget(self, name: str) -> None:
        self._entries.pop(name, None)

    async def promised(self, name: str, step: int) -> Entry:
        """The entry to answer a read of steps up to ``step``, after promising them."""
        entry = self._entries.get(name)
        if entry is not None and step <= entry.promised:
            self.hits += 1
            return entry
        self.misses += 1
        lock = self._locks.setdefault(name, asyncio.Lock())
        async with lock:
            entry = self._entries.get(name)
            if entry is not None and step <= entry.promised:
                return entry
            version, promised = await run_in_threadpool(self.store.promise, name, step)
            if entry is None or entry.record.version != version:
                record = await run_in_threadpool(self.store.get, name)
                entry = self.put(record)
            entry.promised = max(entry.promised, promised)
            return entry

    async def refresh(self) -> None:
        """Drop entries that another worker has changed or deleted."""
        versions = await run_in_threadpool(self.store.versions)
        for name, entry in list(self._entries.items()):
            if versions.get(name) != entry.record.version:
                self._entries.pop(name, None)
