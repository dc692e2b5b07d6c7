"""A separate process writing to a SQLite store, for test_processes.py.

    python _worker.py write PATH COUNT SECONDS     create "d", then per i: add a revision from step i + 1 and
                                                  promise step i + 1, printing each acknowledged write
    python _worker.py promise PATH COUNT SECONDS   promise steps 1..COUNT of the existing "c", each one
                                                  when a line arrives on stdin (the test's go-ahead)

Each acknowledged write is printed (and flushed) only after the store returned. The loop stops by itself
after COUNT writes or SECONDS, whichever comes first (or, in ``promise`` mode, at the end of stdin).
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from lrserve.store import SQLiteStore


def main() -> None:
    mode, path, count, seconds = sys.argv[1], sys.argv[2], int(sys.argv[3]), float(sys.argv[4])
    deadline = time.monotonic() + seconds
    store = SQLiteStore(path)
    print("ready", flush=True)
    try:
        if mode == "write":
            record = store.create("d", {"kind": "constant", "lr": 0.0}, "durability")
            print(f"create {record.version}", flush=True)
            for i in range(count):
                if time.monotonic() > deadline:
                    break
                spec = {"kind": "constant", "lr": i / 1000}
                record = store.add_revision("d", spec, i + 1, f"w{i}", if_match=None, force=False)
                print(f"revision {i} {record.version}", flush=True)
                version, promised = store.promise("d", i + 1)
                print(f"promise {i + 1} {version} {promised}", flush=True)
        elif mode == "promise":
            for step in range(1, count + 1):
                if time.monotonic() > deadline or not sys.stdin.readline():
                    break
                version, promised = store.promise("c", step)
                print(f"promise {step} {version} {promised}", flush=True)
        else:
            raise SystemExit(f"unknown mode {mode!r}")
    finally:
        store.close()
    print("done", flush=True)


if __name__ == "__main__":
    main()
