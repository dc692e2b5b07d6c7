"""SQLite across real processes: acknowledged writes survive SIGKILL, and a process promising steps while
another adds revisions cannot break the promise guard. The other process is ``_worker.py``."""

from __future__ import annotations

import contextlib
import os
import queue
import random
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from lrserve.store import PromiseBroken, SQLiteStore

from .conftest import guard_violations

WORKER = Path(__file__).with_name("_worker.py")
ROOT = Path(__file__).resolve().parents[2]
#: No test here waits longer than this for the worker, whatever happens.
PATIENCE = 30.0


class Worker:
    """``_worker.py`` in a subprocess, its stdout read line by line on a thread."""

    def __init__(self, tmp_path: Path, mode: str, db: Path, count: int) -> None:
        self._stderr = (tmp_path / f"worker-{mode}.stderr").open("w+")
        self.proc = subprocess.Popen(
            [sys.executable, str(WORKER), mode, str(db), str(count), str(PATIENCE)],
            cwd=ROOT,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self._stderr,
            text=True,
        )
        self._err_text = ""
        self.lines: queue.Queue[str | None] = queue.Queue()
        self.complete: list[str] = []  # every whole line printed, in order
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            if line.endswith("\n"):  # a line cut by the kill was never acknowledged
                self.complete.append(line.rstrip("\n"))
                self.lines.put(line.rstrip("\n"))
        self.lines.put(None)

    def next_line(self, deadline: float) -> str | None:
        """The next line, or None at the end of the output; fails the test past the deadline."""
        try:
            return self.lines.get(timeout=max(0.0, deadline - time.monotonic()))
        except queue.Empty:
            pytest.fail(f"the worker printed nothing in time; stderr:\n{self.stderr()}")

    def go(self) -> None:
        """Let the worker take its next step (``promise`` mode waits for a line on stdin before each)."""
        assert self.proc.stdin is not None
        self.proc.stdin.write("go\n")
        self.proc.stdin.flush()

    def stderr(self) -> str:
        if self._stderr.closed:
            return self._err_text
        self._stderr.seek(0)
        return self._stderr.read()

    def finish(self, *, kill: bool) -> int:
        """Kill (SIGKILL) or wait for the worker; then all its output has been read. Its return code."""
        assert self.proc.stdin is not None
        with contextlib.suppress(BrokenPipeError):
            self.proc.stdin.close()  # end of its go-aheads: a worker still waiting for one stops
        if kill:
            os.kill(self.proc.pid, signal.SIGKILL)
        try:
            code = self.proc.wait(timeout=PATIENCE)
        finally:
            if self.proc.poll() is None:
                self.proc.kill()
                self.proc.wait()
            self._reader.join(timeout=PATIENCE)
            assert self.proc.stdout is not None
            self.proc.stdout.close()
            self._err_text = self.stderr()
            self._stderr.close()
        return code


@pytest.mark.parametrize("kill_after", [1, 20, 60])
def test_acknowledged_writes_survive_sigkill(tmp_path: Path, kill_after: int) -> None:
    db = tmp_path / "lrs.sqlite3"
    worker = Worker(tmp_path, "write", db, count=100_000)
    deadline = time.monotonic() + PATIENCE
    revisions = 0
    try:
        while revisions < kill_after:
            line = worker.next_line(deadline)
            if line is None:
                pytest.fail(f"the worker ended early; stderr:\n{worker.stderr()}")
            revisions += line.startswith("revision ")
    finally:
        code = worker.finish(kill=True)
    assert code == -signal.SIGKILL, worker.stderr()  # killed mid-loop, not finished

    acked_revisions: dict[int, int] = {}
    acked_promise = -1
    acked_version = 0
    for line in worker.complete:
        words = line.split()
        if words[0] == "create":
            acked_version = max(acked_version, int(words[1]))
        elif words[0] == "revision":
            acked_revisions[int(words[1])] = int(words[2])
            acked_version = max(acked_version, int(words[2]))
        elif words[0] == "promise":
            acked_promise = max(acked_promise, int(words[3]))
    assert len(acked_revisions) >= kill_after
    assert sorted(acked_revisions) == list(range(len(acked_revisions)))

    check = sqlite3.connect(db)
    try:
        assert check.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    finally:
        check.close()

    store = SQLiteStore(db)
    try:
        record = store.get("d")
        # Every acknowledged write is there; at most the one in flight at the kill is there besides.
        assert len(record.revisions) - 1 in (len(acked_revisions), len(acked_revisions) + 1)
        for i, version in acked_revisions.items():
            revision = record.revisions[i + 1]
            assert (revision.number, revision.effective_from_step, revision.comment) == (
                i + 2,
                i + 1,
                f"w{i}",
            )
            assert revision.spec == {"kind": "constant", "lr": i / 1000}
            assert version <= record.version
        assert record.version >= acked_version
        assert record.promised >= acked_promise
        with pytest.raises(PromiseBroken):
            store.add_revision(
                "d", {"kind": "constant", "lr": 1.0}, acked_promise, "", if_match=None, force=False
            )
        # And the file takes new writes.
        after = store.add_revision(
            "d", {"kind": "constant", "lr": 1.0}, record.promised + 1, "after", if_match=None, force=False
        )
        assert after.version > record.version
    finally:
        store.close()


def test_a_promising_process_and_a_revising_process_keep_the_guard(tmp_path: Path) -> None:
    """In lockstep: each round, the worker promises the next step while this process adds a revision at
    or just past the last step it saw promised, so the two writes race for the same steps; the round ends
    when the worker's promise is acknowledged (a handshake, so neither process starves the other)."""
    db = tmp_path / "lrs.sqlite3"
    store = SQLiteStore(db)
    try:
        store.create("c", {"kind": "constant", "lr": 0.1}, "")
        steps = 100
        worker = Worker(tmp_path, "promise", db, count=steps)
        promises: list[tuple[int, int, int]] = []
        rng = random.Random(7)
        accepted: list[tuple[int, int]] = []
        claimed: list[tuple[int, int]] = []
        refused = 0
        deadline = time.monotonic() + PATIENCE
        finished = False
        try:
            assert worker.next_line(deadline) == "ready", worker.stderr()
            for _ in range(steps):
                frontier = promises[-1][0] if promises else 0
                worker.go()  # the worker promises frontier + 1 ...
                start = frontier + rng.randint(0, 3)  # ... while this adds a revision from about there
                try:
                    record = store.add_revision(
                        "c", {"kind": "constant", "lr": 0.2}, start, "", if_match=None, force=False
                    )
                except PromiseBroken:
                    refused += 1
                else:
                    accepted.append((start, record.version))
                    claimed.append((record.promised, start))
                line = worker.next_line(deadline)
                assert line is not None and line.startswith("promise "), (line, worker.stderr())
                words = line.split()
                promises.append((int(words[1]), int(words[2]), int(words[3])))
            assert worker.next_line(deadline) == "done", worker.stderr()
            assert worker.next_line(deadline) is None, worker.stderr()
            finished = True
        finally:
            code = worker.finish(kill=not finished)
        assert code == 0, worker.stderr()

        assert [step for step, _, _ in promises] == list(range(1, steps + 1))
        assert guard_violations(promises, accepted) == []
        assert all(promised < start for promised, start in claimed)
        assert accepted  # a revision past the last promise (start > frontier + 1) always gets in
        assert refused  # one at the last promise (start == frontier) never does
        final = store.get("c")
        assert final.promised == steps
        assert len(final.revisions) == len(accepted) + 1
        assert [r.effective_from_step for r in final.revisions[1:]] == [start for start, _ in accepted]
    finally:
        store.close()
