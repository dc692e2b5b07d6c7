"""A delete keeps the promise: a schedule deleted after steps were served leaves a tombstone, so the name
cannot come back with other LRs for those steps unless forced (and the history says so); with the same
LRs, or when nothing was served, it comes back freely. Every backend."""

from __future__ import annotations

import pytest
from lrserve.store import PromiseBroken, Store

COSINE = {"kind": "cosine_annealing", "base_lr": 0.1, "min_lr": 0.001, "t_max": 10}
CONSTANT = {"kind": "constant", "lr": 0.01}
LATER = {"kind": "constant", "lr": 0.5}


def test_a_name_deleted_after_serving_cannot_come_back_with_other_lrs(store: Store) -> None:
    store.create("t", COSINE, "")
    store.promise("t", 100)
    store.delete("t", if_match=None)
    with pytest.raises(PromiseBroken) as info:
        store.create("t", CONSTANT, "")
    assert (info.value.promised, info.value.smallest_allowed_step) == (100, 101)
    with pytest.raises(LookupError):
        store.get("t")  # nothing was created


def test_a_forced_re_creation_is_recorded_and_keeps_the_promise(store: Store) -> None:
    store.create("t", COSINE, "")
    store.promise("t", 100)
    store.delete("t", if_match=None)
    again = store.create("t", CONSTANT, "", force=True)
    first = again.revisions[0]
    assert first.forced and "served before a delete" in first.comment
    assert again.promised == 100
    with pytest.raises(PromiseBroken):  # the promise still guards revisions
        store.add_revision("t", LATER, 50, "", if_match=None, force=False)
    store.add_revision("t", LATER, 101, "", if_match=None, force=False)


def test_the_same_lrs_come_back_freely(store: Store) -> None:
    store.create("t", COSINE, "")
    store.add_revision("t", LATER, 500, "", if_match=None, force=False)
    store.promise("t", 100)  # served steps are under COSINE only: the revision starts later
    store.delete("t", if_match=None)
    again = store.create("t", COSINE, "d")
    assert not again.revisions[0].forced and again.promised == 100
    store.delete("t", if_match=None)
    # the tombstone is the re-created schedule's now: its one piece from step 0 is COSINE
    assert not store.create("t", COSINE, "").revisions[0].forced


def test_a_revision_over_the_served_steps_counts_too(store: Store) -> None:
    store.create("t", COSINE, "")
    store.add_revision("t", LATER, 50, "", if_match=None, force=False)
    store.promise("t", 100)  # steps 50..100 were served from LATER
    store.delete("t", if_match=None)
    with pytest.raises(PromiseBroken):
        store.create("t", COSINE, "")


def test_a_name_never_served_comes_back_freely(store: Store) -> None:
    store.create("t", COSINE, "")
    store.delete("t", if_match=None)
    again = store.create("t", CONSTANT, "")
    assert not again.revisions[0].forced and again.promised == -1
