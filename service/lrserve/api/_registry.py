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
import functools
from dataclasses import dataclass
from typing import Any

import orjson
from starlette.concurrency import run_in_threadpool

from .._engine import parse_spec
from ..core import History
from ..dialects._base import DialectSpec
from ..store import ScheduleRecord, Store, compile_history

__all__ = ["Entry", "Registry", "translate"]


@functools.lru_cache(maxsize=4096)
def _translate(spec_json: bytes) -> tuple[bool, dict[str, Any]]:
    parsed = parse_spec(spec_json)
    native = parsed.native() if isinstance(parsed, DialectSpec) else parsed
    return isinstance(parsed, DialectSpec), native.model_dump(mode="json")


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
