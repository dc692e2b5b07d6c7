"""The server's memory does not grow with the names people ask for: no lock or cache entry is kept for a
name that does not exist, and the cache of compiled schedules has a bound."""

from __future__ import annotations

import gc
import tracemalloc
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from lrserve.api import create_app
from lrserve.api._serving import Registry
from lrserve.store import open_store

from .._server import admin, make_settings

CONSTANT = {"kind": "constant", "lr": 0.1}


def test_reads_of_made_up_names_leave_nothing_behind(tmp_path: Path) -> None:
    with TestClient(create_app(make_settings(tmp_path / "data")), raise_server_exceptions=False) as client:
        registry: Registry = client.app.state.lrs.registry  # type: ignore[attr-defined]

        def read(first: int, count: int) -> None:
            for i in range(first, first + count):
                assert client.get(f"/v1/schedules/x{i}/lr", params={"step": 1}).status_code == 404

        read(0, 300)  # warm up: the metrics' labels, the client's pools, the code paths
        gc.collect()
        tracemalloc.start()
        before = tracemalloc.take_snapshot()
        read(300, 3000)
        gc.collect()
        after = tracemalloc.take_snapshot()
        tracemalloc.stop()
        grown = sum(s.size_diff for s in after.compare_to(before, "filename") if s.size_diff > 0)
        assert len(registry) == 0
        # a lock per name, as before, kept ~260 bytes each: 3,000 names would be ~780 kB
        assert grown < 200_000, f"{grown} bytes more after 3,000 reads of names that do not exist"


def test_the_cache_of_compiled_schedules_is_bounded(tmp_path: Path) -> None:
    store = open_store(f"sqlite:///{tmp_path / 'lrs.sqlite3'}")
    try:
        registry = Registry(store, max_entries=3)
        for i in range(5):
            registry.put(store.create(f"s{i}", CONSTANT, ""))
        assert len(registry) == 3
        assert sorted(registry.names()) == ["s2", "s3", "s4"]  # the oldest went first
    finally:
        store.close()


@pytest.mark.parametrize("readers", [1, 50])
def test_a_schedule_dropped_from_the_cache_is_read_again(tmp_path: Path, readers: int) -> None:
    settings = make_settings(tmp_path / "data")
    with TestClient(create_app(settings), raise_server_exceptions=False) as client:
        registry: Registry = client.app.state.lrs.registry  # type: ignore[attr-defined]
        registry.max_entries = 2
        for name in ("a", "b", "c"):
            assert (
                client.put(f"/v1/schedules/{name}", json={"schedule": CONSTANT}, headers=admin()).status_code
                == 201
            )
        for _ in range(readers):
            for name in ("a", "b", "c"):
                r = client.get(f"/v1/schedules/{name}/lr", params={"step": 5})
                assert r.status_code == 200 and r.json()["lr"] == 0.1
        assert len(registry) == 2
