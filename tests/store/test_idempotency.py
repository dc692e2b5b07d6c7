"""Idempotent writes, on every backend: a write sent again with its idempotency key (a retry whose answer
was lost) returns the first result and applies nothing twice; the key is stored in the write's own
transaction, names one request, and is forgotten after a day."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from typing import Any

import pytest
from lrserve.store import KeyReused, NotFound, Store, _base

from .conftest import Backend

CONSTANT = {"kind": "constant", "lr": 0.01}
LATER = {"kind": "constant", "lr": 0.002}


def test_each_write_applies_once_for_its_key(store: Store) -> None:
    first = store.create("a", CONSTANT, "d", idempotency_key="k-create")
    assert store.create("a", CONSTANT, "d", idempotency_key="k-create") == first  # no AlreadyExists
    revised = store.add_revision("a", LATER, 100, "c", if_match=None, force=False, idempotency_key="k-rev")
    again = store.add_revision("a", LATER, 100, "c", if_match=None, force=False, idempotency_key="k-rev")
    assert again == revised and len(store.get("a").revisions) == 2
    replaced = store.replace(
        "a", CONSTANT, "e", if_match=revised.version, force=True, idempotency_key="k-put"
    )
    # the If-Match it was sent with no longer matches: only a replay answers it
    assert (
        store.replace("a", CONSTANT, "e", if_match=revised.version, force=True, idempotency_key="k-put")
        == replaced
    )
    assert len(store.get("a").revisions) == 3
    store.delete("a", if_match=replaced.version, idempotency_key="k-del")
    store.delete("a", if_match=replaced.version, idempotency_key="k-del")  # no NotFound
    with pytest.raises(NotFound):
        store.get("a")


def test_a_replay_gives_the_first_result_even_after_later_changes(store: Store) -> None:
    store.create("b", CONSTANT, "", idempotency_key=None)
    first = store.add_revision("b", LATER, 10, "", if_match=None, force=False, idempotency_key="k1")
    store.add_revision("b", CONSTANT, 20, "", if_match=None, force=False)
    replay = store.add_revision("b", LATER, 10, "", if_match=None, force=False, idempotency_key="k1")
    assert replay == first and len(replay.revisions) == 2
    assert len(store.get("b").revisions) == 3


@pytest.mark.parametrize(
    "other",
    [
        lambda s: s.add_revision("c", LATER, 11, "", if_match=None, force=False, idempotency_key="k"),
        lambda s: s.add_revision("c", CONSTANT, 10, "", if_match=None, force=False, idempotency_key="k"),
        lambda s: s.create("d", CONSTANT, "", idempotency_key="k"),
        lambda s: s.delete("c", if_match=None, idempotency_key="k"),
    ],
    ids=["another-step", "another-spec", "another-write", "a-delete"],
)
def test_a_key_names_one_request(store: Store, other: Any) -> None:
    store.create("c", CONSTANT, "")
    store.add_revision("c", LATER, 10, "", if_match=None, force=False, idempotency_key="k")
    with pytest.raises(KeyReused, match="'k' was used for another request"):
        other(store)
    assert len(store.get("c").revisions) == 2  # nothing applied


def test_a_failed_write_stores_no_key(store: Store) -> None:
    store.create("e", CONSTANT, "")
    store.promise("e", 50)
    with pytest.raises(Exception, match="already been served"):
        store.add_revision("e", LATER, 10, "", if_match=None, force=False, idempotency_key="k-fail")
    # the same key may carry the write once it can be applied (forced): the failure was not remembered
    done = store.add_revision("e", LATER, 10, "", if_match=None, force=True, idempotency_key="k-fail2")
    assert done.revisions[-1].forced


def test_keys_are_forgotten_after_their_lifetime(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    store.create("f", CONSTANT, "")
    store.add_revision("f", LATER, 10, "", if_match=None, force=False, idempotency_key="old")
    monkeypatch.setattr(_base, "KEY_LIFETIME", timedelta(seconds=-60))  # every key is past its day now
    store.add_revision("f", LATER, 20, "", if_match=None, force=False, idempotency_key="new")  # purges
    store.add_revision("f", LATER, 10, "", if_match=None, force=True, idempotency_key="old")
    assert len(store.get("f").revisions) == 4  # "old" was forgotten: applied as a new write


def test_concurrent_writes_with_one_key_apply_once(backend: Backend) -> None:
    stores = [backend.open() for _ in range(4)]
    stores[0].create("g", CONSTANT, "")

    def revise(s: Store) -> Any:
        return s.add_revision("g", LATER, 10, "", if_match=None, force=False, idempotency_key="same")

    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(revise, stores * 4))
    assert all(r == results[0] for r in results)
    assert len(stores[0].get("g").revisions) == 2
