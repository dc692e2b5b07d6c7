"""The Store interface, run against every backend (the ``store`` and ``backend`` fixtures, conftest.py)."""

from __future__ import annotations

import copy
import functools
import json
import random
import subprocess
import sys
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from lrserve.store import (
    AlreadyExists,
    NotFound,
    PostgresStore,
    PromiseBroken,
    Revision,
    ScheduleRecord,
    SQLiteStore,
    Stale,
    Store,
    StoreError,
    open_store,
    timeline,
)

from .conftest import POSTGRES_URL, Backend, PostgresBackend, guard_violations

COSINE = {"kind": "cosine_annealing", "base_lr": 0.1, "min_lr": 0.001, "t_max": 10}
CONSTANT = {"kind": "constant", "lr": 0.01}

SPECS: dict[str, dict[str, Any]] = {
    "native": COSINE,
    "dialect": {"kind": "torch", "name": "StepLR", "base_lr": 0.1, "args": {"step_size": 3, "gamma": 0.5}},
    "tiny float": {"kind": "constant", "lr": 1e-300},
    # Key order (not sorted, not by length), floats that must keep their exact value and their type
    # (1.0 stays a float, -0.0 keeps its sign), the extremes of float64, nested values and non-ASCII.
    "exact json": {
        "z": 1,
        "kind": "sequence",
        "a": [0.1, 0.2, 1.0, -0.0, 1e-300, 5e-324, 1.7976931348623157e308, 2**53 + 1, 123456789.123456789],
        "nested": {"y": None, "b": True, "a": False, "": "empty key"},
        "text": 'é ✓ \u0000 "quoted" \\ \n',
    },
}


def _exact(spec: dict[str, Any]) -> str:
    """The JSON text of a spec, which differs whenever order, a float's bits or a type differ."""
    return json.dumps(spec, ensure_ascii=False)


def _revise(store: Store, name: str, start: int, *, force: bool = False, lr: float = 0.02) -> ScheduleRecord:
    return store.add_revision(
        name, {"kind": "constant", "lr": lr}, start, f"from {start}", if_match=None, force=force
    )


# -- create / get ------------------------------------------------------------------------------------


@pytest.mark.parametrize("spec", SPECS.values(), ids=SPECS.keys())
def test_create_and_get_keep_the_spec_exactly(store: Store, spec: dict[str, Any]) -> None:
    sent = copy.deepcopy(spec)
    created = store.create("s", sent, "a description")
    assert sent == spec  # the store did not change the caller's dict
    assert created.name == "s"
    assert created.description == "a description"
    assert created.promised == -1
    assert created.version > 0
    assert len(created.revisions) == 1
    first = created.current
    assert (first.number, first.effective_from_step, first.forced) == (1, 0, False)
    assert created.created_at == created.updated_at == first.created_at
    assert created.created_at.endswith("Z")
    for record in (created, store.get("s")):
        assert record.current.spec == spec
        assert _exact(record.current.spec) == _exact(spec)
    assert store.get("s") == created


def test_create_of_an_existing_name_raises_already_exists(store: Store) -> None:
    before = store.create("s", COSINE, "first")
    with pytest.raises(AlreadyExists) as caught:
        store.create("s", CONSTANT, "second")
    assert caught.value.name == "s"
    assert isinstance(caught.value, StoreError)
    assert store.get("s") == before
    assert store.count() == 1


_MISSING_OPS: dict[str, Callable[[Store], object]] = {
    "get": lambda s: s.get("nope"),
    "replace": lambda s: s.replace("nope", COSINE, "", if_match=None, force=False),
    "replace forced": lambda s: s.replace("nope", COSINE, "", if_match=1, force=True),
    "add_revision": lambda s: s.add_revision("nope", COSINE, 5, "", if_match=None, force=False),
    "delete": lambda s: s.delete("nope", if_match=None),
    "promise": lambda s: s.promise("nope", 3),
}


@pytest.mark.parametrize("op", _MISSING_OPS.values(), ids=_MISSING_OPS.keys())
def test_a_missing_name_raises_not_found(store: Store, op: Callable[[Store], object]) -> None:
    store.create("other", COSINE, "")
    with pytest.raises(NotFound) as caught:
        op(store)
    assert caught.value.name == "nope"
    assert isinstance(caught.value, LookupError)
    assert store.count() == 1
    assert store.versions().keys() == {"other"}


def test_a_deleted_name_is_gone(store: Store) -> None:
    store.create("s", COSINE, "")
    store.delete("s", if_match=None)
    with pytest.raises(NotFound):
        store.get("s")
    with pytest.raises(NotFound):
        store.delete("s", if_match=None)
    assert store.count() == 0
    assert store.list(after=None, limit=10) == []


# -- versions ------------------------------------------------------------------------------------------


def test_versions_strictly_increase_and_are_never_reused(store: Store) -> None:
    seen: list[int] = []

    def note(version: int) -> None:
        assert all(version > old for old in seen), (version, seen)
        seen.append(version)

    note(store.create("a", COSINE, "").version)
    note(store.replace("a", COSINE, "new description", if_match=None, force=False).version)
    note(store.replace("a", CONSTANT, "new spec", if_match=None, force=False).version)
    note(_revise(store, "a", 10).version)
    note(store.create("b", COSINE, "").version)
    # A promise is not a change of the schedule: it keeps the version (the ETag).
    assert store.promise("a", 3) == (seen[-2], 3)
    assert store.get("a").version == seen[-2]
    store.delete("a", if_match=None)
    recreated = store.create("a", COSINE, "", force=True)  # other LRs for the served steps 0..3
    note(recreated.version)
    assert recreated.revisions[0].number == 1  # a new history, not the old one
    assert len(recreated.revisions) == 1
    assert recreated.promised == 3  # the promise outlives the delete (test_tombstones.py)
    assert store.versions() == {"a": recreated.version, "b": seen[-2]}


def test_if_match_with_an_older_version_is_stale(store: Store) -> None:
    v1 = store.create("s", COSINE, "d").version
    v2 = _revise(store, "s", 5).version
    before = store.get("s")
    writes: list[Callable[[], object]] = [
        lambda: store.replace("s", CONSTANT, "x", if_match=v1, force=True),
        lambda: store.add_revision("s", CONSTANT, 9, "", if_match=v1, force=True),
        lambda: store.delete("s", if_match=v1),
        lambda: store.delete("s", if_match=v2 + 1000),
    ]
    for write in writes:
        with pytest.raises(Stale) as caught:
            write()
        assert (caught.value.name, caught.value.current) == ("s", v2)
        assert f'"{v2}"' in str(caught.value)
    assert store.get("s") == before
    # The current version matches.
    v3 = store.add_revision("s", CONSTANT, 9, "", if_match=v2, force=False).version
    v4 = store.replace("s", CONSTANT, "y", if_match=v3, force=False).version
    assert v4 > v3 > v2
    store.delete("s", if_match=v4)
    assert store.count() == 0


# -- replace --------------------------------------------------------------------------------------------


def test_replace_with_the_same_spec_changes_only_the_description(store: Store) -> None:
    created = store.create("s", SPECS["dialect"], "old")
    store.promise("s", 100)
    same = json.loads(json.dumps(SPECS["dialect"]))  # equal, not the same object
    replaced = store.replace("s", same, "new", if_match=created.version, force=False)
    assert replaced.description == "new"
    assert replaced.revisions == created.revisions
    assert replaced.version > created.version
    assert replaced.promised == 100
    assert replaced.created_at == created.created_at
    assert store.get("s") == replaced


def test_replace_with_another_spec_adds_a_revision_from_step_0(store: Store) -> None:
    store.create("s", COSINE, "old")
    replaced = store.replace("s", CONSTANT, "new", if_match=None, force=False)
    assert [r.number for r in replaced.revisions] == [1, 2]
    second = replaced.current
    assert (second.effective_from_step, second.spec, second.forced) == (0, CONSTANT, False)
    assert replaced.description == "new"
    assert timeline(replaced.revisions) == [(0, second)]


def test_replace_with_another_spec_after_a_promise_breaks_it_unless_forced(store: Store) -> None:
    store.create("s", COSINE, "old")
    store.promise("s", 7)
    before = store.get("s")
    with pytest.raises(PromiseBroken) as caught:
        store.replace("s", CONSTANT, "new", if_match=before.version, force=False)
    error = caught.value
    assert (error.name, error.promised, error.effective_from_step, error.smallest_allowed_step) == (
        "s",
        7,
        0,
        8,
    )
    assert store.get("s") == before
    forced = store.replace("s", CONSTANT, "new", if_match=before.version, force=True)
    assert forced.current.spec == CONSTANT
    assert (forced.current.number, forced.current.effective_from_step, forced.current.forced) == (2, 0, True)
    assert forced.promised == 7
    assert forced.description == "new"


# -- add_revision and the promise guard ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("promised", "start", "force", "accepted"),
    [
        (-1, 0, False, True),  # nothing promised: any step
        (-1, 1, False, True),
        (9, 0, False, False),
        (9, 5, False, False),
        (9, 9, False, False),  # the promised step itself is refused
        (9, 10, False, True),  # the first step after it is fine
        (9, 1000, False, True),
        (9, 9, True, True),  # forced: accepted, recorded as forced
        (9, 0, True, True),
        (9, 10, True, True),  # forced but breaking nothing: recorded as not forced
        (0, 0, False, False),
        (0, 1, False, True),
    ],
)
def test_add_revision_is_refused_at_or_before_the_promised_step(
    store: Store, promised: int, start: int, force: bool, accepted: bool
) -> None:
    store.create("s", COSINE, "")
    if promised >= 0:
        store.promise("s", promised)
    before = store.get("s")
    assert before.promised == promised
    spec = {"kind": "constant", "lr": 0.5}
    if not accepted:
        with pytest.raises(PromiseBroken) as caught:
            store.add_revision("s", spec, start, "late", if_match=before.version, force=force)
        error = caught.value
        assert error.promised == promised
        assert error.smallest_allowed_step == promised + 1
        assert error.effective_from_step == start
        assert str(promised + 1) in str(error)
        assert store.get("s") == before
        return
    record = store.add_revision("s", spec, start, "on time", if_match=before.version, force=force)
    assert record.revisions[:-1] == before.revisions
    new = record.current
    assert (new.number, new.effective_from_step, new.spec, new.comment) == (2, start, spec, "on time")
    assert new.forced is (start <= promised)
    assert record.version > before.version
    assert record.promised == promised
    assert store.get("s") == record


def test_revisions_accumulate_in_order(store: Store) -> None:
    store.create("s", COSINE, "")
    for k, start in enumerate([10, 20, 15, 40], start=2):
        record = _revise(store, "s", start, lr=k / 100)
        assert record.current.number == k
    record = store.get("s")
    assert [(r.number, r.effective_from_step) for r in record.revisions] == [
        (1, 0),
        (2, 10),
        (3, 20),
        (4, 15),
        (5, 40),
    ]
    assert [r.spec["lr"] for r in record.revisions[1:]] == [0.02, 0.03, 0.04, 0.05]
    assert [r.comment for r in record.revisions[1:]] == ["from 10", "from 20", "from 15", "from 40"]


# -- promise -------------------------------------------------------------------------------------------


def test_promise_is_monotonic_and_returns_the_version(store: Store) -> None:
    v = store.create("s", COSINE, "").version
    assert store.promise("s", 5) == (v, 5)
    assert store.promise("s", 3) == (v, 5)  # a lower step never lowers it
    assert store.promise("s", 0) == (v, 5)
    assert store.promise("s", 5) == (v, 5)
    assert store.get("s").promised == 5
    assert store.promise("s", 6) == (v, 6)
    v2 = _revise(store, "s", 50).version
    assert store.promise("s", 2) == (v2, 6)
    assert store.promise("s", 10**12) == (v2, 10**12)
    assert store.get("s").promised == 10**12
    assert store.list(after=None, limit=1)[0].promised == 10**12


def test_promises_are_per_schedule(store: Store) -> None:
    store.create("a", COSINE, "")
    store.create("b", COSINE, "")
    store.promise("a", 40)
    assert store.get("b").promised == -1
    _revise(store, "b", 1)  # b promised nothing
    with pytest.raises(PromiseBroken):
        _revise(store, "a", 40)


# -- list / count / versions / ping ---------------------------------------------------------------------

# Mixed case, punctuation and non-ASCII: a backend that sorted by a locale's collation (PostgreSQL's
# default) instead of code points would page these in another order.
NAMES = ["b", "B", "a", "A-1", "a_b", "a-b", "a.b", "ab", "Z", "z9", "10", "9", "é", "e", "zz", "~", "Ω"]


@pytest.mark.parametrize("limit", [1, 3, 100])
def test_list_pages_in_name_order(store: Store, limit: int) -> None:
    rng = random.Random(limit)
    for name in rng.sample(NAMES, len(NAMES)):
        store.create(name, COSINE, f"about {name}")
    _revise(store, "B", 10)
    store.promise("ab", 12)
    pages: list[list[str]] = []
    after: str | None = None
    while True:
        page = store.list(after=after, limit=limit)
        if not page:
            break
        assert len(page) <= limit
        pages.append([s.name for s in page])
        after = page[-1].name
        assert len(pages) <= len(NAMES)  # no endless paging
    assert [n for page in pages for n in page] == sorted(NAMES)
    assert all(len(page) == limit for page in pages[:-1])
    summaries = {s.name: s for s in store.list(after=None, limit=1000)}
    versions = store.versions()
    assert versions.keys() == set(NAMES)
    for name, summary in summaries.items():
        record = store.get(name)
        assert summary.description == f"about {name}"
        assert summary.version == versions[name] == record.version
        assert summary.revisions == len(record.revisions)
        assert summary.promised == record.promised
        assert (summary.created_at, summary.updated_at) == (record.created_at, record.updated_at)
    assert summaries["B"].revisions == 2
    assert summaries["ab"].promised == 12
    assert [s.name for s in store.list(after="a", limit=3)] == sorted(n for n in NAMES if n > "a")[:3]
    assert store.list(after="\U0010ffff", limit=10) == []


def test_count_and_versions(store: Store) -> None:
    assert store.count() == 0
    assert store.versions() == {}
    va = store.create("a", COSINE, "").version
    vb = store.create("b", COSINE, "").version
    assert store.count() == 2
    assert store.versions() == {"a": va, "b": vb}
    vb2 = _revise(store, "b", 3).version
    assert store.versions() == {"a": va, "b": vb2}
    store.delete("a", if_match=va)
    assert store.count() == 1
    assert store.versions() == {"b": vb2}


def test_ping_works_on_an_open_store_and_raises_on_a_closed_one(backend: Backend) -> None:
    store = backend.open()
    store.ping()
    store.close()
    with pytest.raises(Exception):  # noqa: B017 - each backend's driver raises its own type
        store.ping()


# -- reopening and the schema version -------------------------------------------------------------------


def test_reopening_keeps_everything(backend: Backend) -> None:
    store = backend.open()
    store.create("s", SPECS["exact json"], "kept")
    store.promise("s", 30)
    _revise(store, "s", 31)
    store.add_revision("s", SPECS["dialect"], 5, "forced", if_match=None, force=True)
    store.create("gone", COSINE, "")
    store.delete("gone", if_match=None)
    before = store.get("s")
    listed = store.list(after=None, limit=10)
    store.close()

    reopened = backend.open()
    after = reopened.get("s")
    assert after == before
    assert [_exact(r.spec) for r in after.revisions] == [_exact(r.spec) for r in before.revisions]
    assert after.revisions[-1].forced
    assert reopened.list(after=None, limit=10) == listed
    assert reopened.count() == 1
    # The version counter survives too: a new write takes a version never used before.
    assert reopened.create("gone", COSINE, "").version > before.version
    with pytest.raises(PromiseBroken):
        _revise(reopened, "s", 30)


def test_the_schema_version_is_recorded(backend: Backend) -> None:
    backend.open()
    assert backend.schema_version() == backend.schema_version_known >= 1


def test_a_newer_schema_version_is_refused(backend: Backend) -> None:
    store = backend.open()
    store.create("s", COSINE, "")
    store.close()
    newer = backend.schema_version_known + 1
    backend.set_schema_version(newer)
    with pytest.raises(RuntimeError, match=rf"schema version {newer}, newer than this lrs knows"):
        backend.open()
    assert backend.schema_version() == newer  # left as it was, not "migrated" down
    backend.set_schema_version(backend.schema_version_known)
    assert backend.open().get("s").current.spec == COSINE


def test_a_new_sqlite_file_gets_its_directory(tmp_path: Path) -> None:
    path = tmp_path / "new" / "dir" / "lrs.sqlite3"
    store = SQLiteStore(path)
    try:
        store.create("s", COSINE, "")
        assert path.is_file()
    finally:
        store.close()


# -- timeline (pure) ------------------------------------------------------------------------------------


def _revisions(starts: list[int]) -> list[Revision]:
    return [
        Revision(number=k, effective_from_step=s, spec={"r": k}, created_at="", comment="", forced=False)
        for k, s in enumerate(starts, start=1)
    ]


@pytest.mark.parametrize(
    ("starts", "pieces"),
    [
        ([0], [(0, 1)]),
        ([0, 10], [(0, 1), (10, 2)]),
        ([0, 10, 20], [(0, 1), (10, 2), (20, 3)]),
        ([0, 0], [(0, 2)]),  # a replace
        ([0, 10, 10], [(0, 1), (10, 3)]),  # the same start: the later one wins
        ([0, 10, 5], [(0, 1), (5, 3)]),  # a forced earlier start truncates the later piece
        ([0, 10, 20, 15], [(0, 1), (10, 2), (15, 4)]),
        ([0, 10, 20, 5], [(0, 1), (5, 4)]),
        ([0, 10, 20, 0], [(0, 4)]),
        ([0, 10, 5, 7], [(0, 1), (5, 3), (7, 4)]),
        ([0, 10, 5, 30], [(0, 1), (5, 3), (30, 4)]),
        ([0, 1, 2, 3, 1], [(0, 1), (1, 5)]),
    ],
)
def test_timeline(starts: list[int], pieces: list[tuple[int, int]]) -> None:
    revisions = _revisions(starts)
    got = timeline(revisions)
    assert [(start, rev.number) for start, rev in got] == pieces
    assert timeline(tuple(revisions)) == got
    # The meaning: at each step the revision in force is the newest one that starts at or before it.
    for step in range(max(starts) + 3):
        newest = max(r.number for r in revisions if r.effective_from_step <= step)
        in_force = [rev.number for start, rev in got if start <= step][-1]
        assert in_force == newest, step


def test_timeline_of_a_stored_history(store: Store) -> None:
    store.create("s", COSINE, "")
    store.promise("s", 9)
    _revise(store, "s", 20)
    _revise(store, "s", 10)
    record = store.add_revision("s", CONSTANT, 5, "rollback", if_match=None, force=True)
    got = timeline(record.revisions)
    assert [(start, rev.number) for start, rev in got] == [(0, 1), (5, 4)]
    assert got[-1][1].spec == CONSTANT


# -- concurrency ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("promises", "accepted", "bad"),
    [
        ([(10, 3, 10)], [(11, 4)], 0),
        ([(10, 3, 10)], [(10, 4)], 1),  # accepted after the promise, at the promised step
        ([(10, 3, 12)], [(11, 4)], 1),  # below what the promise reported, even above the step asked
        ([(10, 4, 10)], [(5, 4)], 0),  # the promise saw the revision (its version): no broken promise
        ([(10, 3, 10), (20, 5, 20)], [(11, 4), (21, 6), (15, 6)], 1),
    ],
)
def test_the_guard_check_can_fail(
    promises: list[tuple[int, int, int]], accepted: list[tuple[int, int]], bad: int
) -> None:
    assert len(guard_violations(promises, accepted)) == bad


def _hammer(stores: list[Store], *, promisers: int, revisers: int, rounds: int, seed: int) -> None:
    """Threads promising ever later steps and adding revisions right at the promise frontier, spread over
    several store objects on one database; then the guard must hold."""
    stores[0].create("c", COSINE, "")
    lock = threading.Lock()
    frontier = [0]  # the last step any promiser asked for
    promises: list[tuple[int, int, int]] = []
    accepted: list[tuple[int, int, str]] = []
    refused = [0]
    claimed: list[tuple[int, int]] = []  # (promised, start) as each accepted revision's record says

    def promiser(store: Store) -> None:
        for _ in range(rounds):
            with lock:
                frontier[0] += 1
                step = frontier[0]
            version, promised = store.promise("c", step)
            assert promised >= step
            with lock:
                promises.append((step, version, promised))

    def reviser(store: Store, k: int) -> None:
        rng = random.Random(seed * 1000 + k)
        for i in range(rounds):
            with lock:
                start = frontier[0] + rng.randint(0, 3)  # right where the promisers are
            tag = f"{k}.{i}"
            try:
                spec = {"kind": "constant", "lr": 0.5, "tag": tag}
                record = store.add_revision("c", spec, start, tag, if_match=None, force=False)
            except PromiseBroken as error:
                assert start <= error.promised
                assert error.smallest_allowed_step == error.promised + 1
                with lock:
                    refused[0] += 1
            else:
                assert record.current.comment == tag
                assert record.current.effective_from_step == start
                with lock:
                    accepted.append((start, record.version, tag))
                    claimed.append((record.promised, start))

    jobs: list[Callable[[], None]] = []
    for k in range(max(promisers, revisers)):
        store = stores[k % len(stores)]
        if k < promisers:
            jobs.append(functools.partial(promiser, store))
        if k < revisers:
            jobs.append(functools.partial(reviser, store, k))
    with ThreadPoolExecutor(len(jobs)) as pool:
        for future in [pool.submit(job) for job in jobs]:
            future.result()

    assert guard_violations(promises, [(start, version) for start, version, _ in accepted]) == []
    assert all(promised < start for promised, start in claimed)
    assert refused[0] > 0
    assert len(accepted) > 0
    assert len(accepted) + refused[0] == revisers * rounds
    final = stores[-1].get("c")
    assert final.promised == frontier[0] == promisers * rounds
    assert [r.number for r in final.revisions] == list(range(1, len(accepted) + 2))
    assert not any(r.forced for r in final.revisions)
    by_tag = {r.comment: r for r in final.revisions[1:]}
    assert {tag: by_tag[tag].effective_from_step for _, _, tag in accepted} == {
        tag: start for start, _, tag in accepted
    }
    assert final.version == max(version for _, version, _ in accepted)


def test_concurrent_promises_and_revisions_keep_the_guard(backend: Backend) -> None:
    _hammer([backend.open()], promisers=2, revisers=2, rounds=40, seed=1)


def test_concurrent_promises_and_revisions_from_two_stores_keep_the_guard(backend: Backend) -> None:
    """Two store objects on one database: two processes on one SQLite file, or two replicas."""
    _hammer([backend.open(), backend.open()], promisers=3, revisers=3, rounds=30, seed=2)


def test_concurrent_creates_of_one_name_let_exactly_one_win(backend: Backend) -> None:
    stores = [backend.open(), backend.open()]
    barrier = threading.Barrier(6)

    def attempt(k: int) -> int | None:
        barrier.wait()
        try:
            return stores[k % 2].create("race", {"kind": "constant", "lr": k}, str(k)).version
        except AlreadyExists:
            return None

    with ThreadPoolExecutor(6) as pool:
        results = list(pool.map(attempt, range(6)))
    winners = [k for k, version in enumerate(results) if version is not None]
    assert len(winners) == 1
    record = stores[0].get("race")
    assert record.description == str(winners[0])
    assert record.version == results[winners[0]]
    assert len(record.revisions) == 1


# -- open_store -------------------------------------------------------------------------------------------


def test_open_store_opens_sqlite_urls(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    absolute = open_store(f"sqlite:///{tmp_path / 'abs.sqlite3'}")
    try:
        assert isinstance(absolute, SQLiteStore)
        assert absolute.path == tmp_path / "abs.sqlite3"
    finally:
        absolute.close()
    monkeypatch.chdir(tmp_path)
    relative = open_store("sqlite:///rel/lrs.sqlite3")
    try:
        relative.create("s", COSINE, "")
        assert (tmp_path / "rel" / "lrs.sqlite3").is_file()
    finally:
        relative.close()


@pytest.mark.parametrize(
    "url",
    ["", "lrs.sqlite3", "sqlite://", "sqlite:///", "sqlite://relative", "mysql://root@localhost/test"],
)
def test_open_store_refuses_other_urls(url: str) -> None:
    with pytest.raises(ValueError, match="URL"):
        open_store(url)


@pytest.mark.parametrize("scheme", ["postgresql", "postgres"])
def test_open_store_opens_postgresql_urls(scheme: str, postgres_backend: PostgresBackend) -> None:
    import psycopg
    from psycopg import sql

    with psycopg.connect(POSTGRES_URL, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE SCHEMA {}").format(sql.Identifier(postgres_backend.schema)))
    # The URL is libpq's own: its options (here, the search path) apply.
    url = scheme + POSTGRES_URL[POSTGRES_URL.index("://") :]
    url += ("&" if "?" in url else "?") + f"options=-csearch_path%3D{postgres_backend.schema}"
    store = open_store(url)
    try:
        assert isinstance(store, PostgresStore)
        store.ping()
        store.create("s", COSINE, "")
        assert postgres_backend.schema_version() == postgres_backend.schema_version_known
    finally:
        store.close()
    assert postgres_backend.open().get("s").current.spec == COSINE


def test_a_missing_psycopg_names_the_packages_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "psycopg", None)  # import psycopg now raises ImportError
    with pytest.raises(ImportError, match=r"pip install 'psycopg\[binary\]' psycopg-pool"):
        open_store("postgresql://postgres@127.0.0.1:5432/test")


def test_importing_the_store_package_does_not_import_psycopg() -> None:
    code = "import sys, lrserve.store; print('psycopg' in sys.modules, 'psycopg_pool' in sys.modules)"
    root = Path(__file__).resolve().parents[2]
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=root, capture_output=True, text=True, check=True, timeout=60
    )
    assert out.stdout.split() == ["False", "False"]


# -- PostgreSQL specifics ---------------------------------------------------------------------------------


def test_postgres_names_sort_by_code_point_whatever_the_database_collation(
    postgres_backend: PostgresBackend,
) -> None:
    """The list test cannot tell on a database whose default collation is already C; this can."""
    import psycopg

    postgres_backend.open()
    with psycopg.connect(POSTGRES_URL, autocommit=True) as conn:
        rows = conn.execute(
            "SELECT table_name, collation_name FROM information_schema.columns "
            "WHERE table_schema = %s AND column_name = 'name' ORDER BY table_name",
            (postgres_backend.schema,),
        ).fetchall()
    assert rows == [("lrs_revisions", "C"), ("lrs_schedules", "C"), ("lrs_tombstones", "C")]


def test_postgres_replicas_opening_a_new_schema_together_agree(postgres_backend: PostgresBackend) -> None:
    """Several replicas starting at once on an empty schema: one creates it, none fails."""
    barrier = threading.Barrier(4)

    def start(_: int) -> Store:
        barrier.wait()
        return postgres_backend.open()

    with ThreadPoolExecutor(4) as pool:
        stores = list(pool.map(start, range(4)))
    stores[0].create("s", COSINE, "")
    assert all(s.get("s").current.spec == COSINE for s in stores)
    assert postgres_backend.schema_version() == postgres_backend.schema_version_known
