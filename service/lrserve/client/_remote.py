"""A named schedule fetched once and evaluated locally: training never waits on the network.

:class:`RemoteSchedule` fetches the schedule with its whole revision history and a *horizon*: the server
promises every step up to ``promised_until`` and refuses any revision effective at or before it. The
client fetches again in the background when the trainer passes half of the horizon (and every
``refresh_seconds``, jittered, with ``If-None-Match``), so a revision reaches the job before its step.
When the server cannot be reached it keeps the last good copy (optionally persisted to ``cache_path``),
runs on past the horizon on it, and reports ``status`` STALE; ``lr(step)`` never raises for a valid step.
"""

from __future__ import annotations

import dataclasses
import enum
import json
import logging
import os
import random
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import numpy as np

from .. import core
from ._http import APIError, Client
from ._types import ScheduleDocument, _Reader

__all__ = ["RemoteSchedule", "ScheduleCopy", "Status"]

log = logging.getLogger("lrs.client")


class Status(enum.Enum):
    READY = "ready"  # a copy fetched or confirmed recently, and the step is within its promised horizon
    STALE = "stale"  # the last refresh failed, or the step is past the horizon: running on the last copy
    ERROR = "error"  # no copy at all (only before the first successful fetch)


@dataclass(frozen=True)
class ScheduleCopy:
    """One fetched state of a named schedule; evaluates exactly as the server does, with no network."""

    name: str
    etag: str
    promised_until: int | None
    fetched_at: float
    document: ScheduleDocument
    compiled: core.History

    @classmethod
    def from_document(
        cls, document: ScheduleDocument, promised_until: int | None, fetched_at: float
    ) -> ScheduleCopy:
        """From the server's answer: each piece of the timeline is its revision's native translation
        (plain data, compiled by the numpy core; no spec validation needed here)."""
        natives = {r.revision: r.native for r in document.revisions}
        pieces = [(p.from_step, p.revision, natives[p.revision]) for p in document.timeline]
        compiled = core.build_history(pieces)
        return cls(document.name, document.etag, promised_until, fetched_at, document, compiled)

    @classmethod
    def from_dict(cls, data: object) -> ScheduleCopy:
        """From :meth:`to_dict`'s data (a checkpoint, a cache file); :class:`MalformedResponseError` (a
        ``ValueError``) names what is wrong with it."""
        r = _Reader(data, "schedule copy")
        document = ScheduleDocument.from_json(r.get("schedule", dict))
        return cls.from_document(document, r.maybe("promised_until", int), r.get("fetched_at", float))

    def to_dict(self) -> dict[str, Any]:
        """JSON-able: for a checkpoint, a cache file, or a broadcast to other ranks."""
        return {
            "name": self.name,
            "etag": self.etag,
            "promised_until": self.promised_until,
            "fetched_at": self.fetched_at,
            "schedule": self.document.to_json(),
        }

    def lr(self, step: int) -> float:
        return core.evaluate_one(self.compiled.schedule, step)

    def revision_at(self, step: int) -> int:
        return self.compiled.revision_at(step)

    def table(self, steps: Any) -> core.FloatArray:
        return core.evaluate(self.compiled.schedule, np.asarray(steps))


class RemoteSchedule:
    """``RemoteSchedule("http://lrs:8000", "resnet50")``: ``lr(step)`` in about a microsecond.

    The first fetch happens here (falling back to ``cache_path``); it raises if neither gives a copy, so a
    job fails before training, not inside it. Later fetches run on a background thread.
    """

    def __init__(
        self,
        url: str,
        name: str,
        *,
        token: str | None = None,
        horizon: int = 1000,
        refresh_seconds: float = 15.0,
        cache_path: str | os.PathLike[str] | None = None,
        start_step: int = 0,
        timeout: float = 5.0,
        background: bool = True,
        client: Client | None = None,
    ) -> None:
        if horizon < 2:
            raise ValueError("horizon must be at least 2 steps")
        self.name, self.horizon, self.refresh_seconds = name, horizon, refresh_seconds
        self.cache_path = Path(cache_path) if cache_path is not None else None
        self.client = client or Client(url, token, timeout=timeout, retries=1)
        self._copy: ScheduleCopy | None = None
        self._last_error: str | None = None
        self._last_ok = 0.0
        self._step = start_step
        self._refetch_at = start_step  # half way through the horizon the server granted
        self._granted = horizon
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._closed = threading.Event()
        if not self.refresh(start_step):
            self._load_cache()
        if self._copy is None:
            if client is None:
                self.client.close()
            raise ConnectionError(f"could not fetch schedule {name!r} from {url}: {self._last_error}")
        self._thread: threading.Thread | None = None
        if background:
            self._thread = threading.Thread(target=self._run, name=f"lrs-refresh-{name}", daemon=True)
            self._thread.start()

    # -- reading --------------------------------------------------------------------------------------

    @property
    def copy(self) -> ScheduleCopy:
        """The latest good copy."""
        assert self._copy is not None
        return self._copy

    def lr(self, step: int) -> float:
        """The LR at ``step`` from the local copy; asks the background thread to refetch when the step
        passes half of the horizon."""
        self.observe(step)
        return self.copy.lr(step)

    def observe(self, step: int) -> None:
        """Tell the schedule the trainer's step (as ``lr`` does) without evaluating it: the background
        thread refetches once the step passes half of the horizon."""
        self._step = step
        if step >= self._refetch_at and not self._wake.is_set():
            self._wake.set()

    def revision_at(self, step: int) -> int:
        return self.copy.revision_at(step)

    @property
    def status(self) -> Status:
        if self._copy is None:
            return Status.ERROR
        until = self._copy.promised_until
        if self._last_error is not None or (until is not None and self._step > until):
            return Status.STALE
        return Status.READY

    @property
    def age(self) -> float:
        """Seconds since the server last confirmed the copy."""
        return time.time() - self._last_ok if self._last_ok else float("inf")

    @property
    def last_error(self) -> str | None:
        return self._last_error

    # -- fetching -------------------------------------------------------------------------------------

    def refresh(self, step: int | None = None) -> bool:
        """Fetch now (with ``If-None-Match``), promising ``horizon`` steps past ``step``; True on success."""
        step = self._step if step is None else step
        with self._lock:
            old = self._copy
            try:
                document = self.client.get_schedule(
                    self.name, step=step, horizon=self.horizon, etag=old.etag if old else None
                )
            except (APIError, httpx.HTTPError, ValueError) as exc:  # ValueError: a malformed answer
                self._last_error = f"{type(exc).__name__}: {exc}"
                log.warning("lrs: keeping the last copy of %r: %s", self.name, self._last_error)
                return False
            now = time.time()
            # the horizon the server granted last (it may cap what we ask for): a 304 carries no body
            until = min(step + min(self.horizon, self._granted), core.MAX_STEP)
            if document is None:  # 304: unchanged; the server has promised the new horizon
                assert old is not None
                self._copy = dataclasses.replace(old, promised_until=until, fetched_at=now)
            else:
                until = document.promised_until or until  # the server may cap the horizon
                try:
                    copy = ScheduleCopy.from_document(document, until, now)
                except (KeyError, TypeError, ValueError) as exc:  # a native spec this core cannot build
                    self._last_error = f"cannot evaluate the server's copy: {type(exc).__name__}: {exc}"
                    log.warning("lrs: keeping the last copy of %r: %s", self.name, self._last_error)
                    return False
                self._granted = until - step
                self._copy = copy
            self._refetch_at = step + max((until - step) // 2, 1)
            self._last_error, self._last_ok = None, now
        self._save_cache()
        return True

    def _run(self) -> None:
        failures = 0
        while not self._closed.is_set():
            # wake at the horizon's midpoint, or every refresh_seconds (jittered so ranks of many jobs
            # do not all arrive at once)
            self._wake.wait(self.refresh_seconds * random.uniform(0.8, 1.2))
            self._wake.clear()
            if self._closed.is_set():
                return
            if self.refresh():
                failures = 0
            else:  # back off while the server is away (the step keeps waking us past the midpoint)
                failures += 1
                self._closed.wait(min(self.refresh_seconds, 0.1 * 2**failures) * random.uniform(0.5, 1.0))

    # -- persistence ----------------------------------------------------------------------------------

    def state_dict(self) -> dict[str, Any]:
        return self.copy.to_dict()

    def load_state_dict(self, data: Mapping[str, Any]) -> None:
        self._copy = ScheduleCopy.from_dict(data)

    def _save_cache(self) -> None:
        if self.cache_path is None or self._copy is None:
            return
        tmp = self.cache_path.with_suffix(self.cache_path.suffix + ".tmp")
        tmp.write_text(json.dumps(self._copy.to_dict()))
        os.replace(tmp, self.cache_path)  # atomic: a crash never leaves half a file

    def _load_cache(self) -> None:
        if self.cache_path is None or not self.cache_path.exists():
            return
        try:
            self._copy = ScheduleCopy.from_dict(json.loads(self.cache_path.read_text()))
            log.warning(
                "lrs: server unreachable; using the cached copy of %r from %s", self.name, self.cache_path
            )
        except (ValueError, KeyError, TypeError) as exc:
            log.warning("lrs: ignoring an unreadable cache file %s: %s", self.cache_path, exc)

    def close(self) -> None:
        self._closed.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout=10)
        self.client.close()

    def __enter__(self) -> RemoteSchedule:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
