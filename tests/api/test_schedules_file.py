"""The schedules file: one reader with one set of rules for the server (``LRS_SCHEDULES_FILE``) and
``lrs apply``; YAML 1.2 floats; the server applies ``effective_from_step`` as a revision, as ``lrs apply``
does."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from lrserve._schedules_file import Entry, SchedulesFileError, load, plan, read_entries
from lrserve.api import apply_schedules_file
from lrserve.store import SQLiteStore

from .._server import ADMIN, Server

CONSTANT = {"kind": "constant", "lr": 0.1}
LOWER = {"kind": "constant", "lr": 0.01}


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("1e-5", 1e-5),
        ("1E-5", 1e-5),
        ("+1e-5", 1e-5),
        ("-1e-5", -1e-5),
        ("1e5", 1e5),
        ("1.0e+3", 1000.0),
        (".5", 0.5),
        ("1.", 1.0),
        ("0.1", 0.1),
        (".inf", float("inf")),
        ("10", 10),  # an integer stays an integer
        ("-3", -3),
        ('"1e-5"', "1e-5"),  # quoted: text
        ("1e", "1e"),
    ],
)
def test_yaml_floats_follow_yaml_1_2(text: str, value: Any) -> None:
    read = load(f"x: {text}\n", "f.yaml")["x"]
    assert read == value and type(read) is type(value)


def test_the_loader_leaves_pyyamls_own_safe_loader_alone() -> None:
    load("x: 1e-5\n", "f.yaml")
    assert yaml.safe_load("x: 1e-5\n") == {"x": "1e-5"}  # YAML 1.1, as PyYAML reads it elsewhere


def test_a_json_file_must_be_json() -> None:
    with pytest.raises(SchedulesFileError, match=r"f\.json is not valid JSON"):
        load("x: 1\n", "f.json")
    assert load("x: 1\n", "f.yml") == {"x": 1}


def _read(data: Any) -> list[Entry]:
    return read_entries(data, "f.yaml", comment="default comment")


def test_an_entry_with_every_field() -> None:
    [entry] = _read(
        {
            "schedules": {
                "a": {
                    "schedule": CONSTANT,
                    "description": "d",
                    "force": True,
                    "effective_from_step": 10,
                    "comment": "c",
                }
            }
        }
    )
    assert entry == Entry("a", CONSTANT, "d", True, 10, "c")
    [bare] = _read({"a": {"schedule": CONSTANT}})
    assert bare == Entry("a", CONSTANT, "", False, None, "default comment")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ([1, 2], "f.yaml: expected a mapping of schedule names to entries"),
        ({"schedules": [1]}, "f.yaml: expected a mapping of schedule names to entries"),
        ({"Bad": {"schedule": CONSTANT}}, "f.yaml: schedule 'Bad': a name must match ^[a-z0-9]"),
        ({"a\n": {"schedule": CONSTANT}}, "schedule 'a\\n': a name must match"),
        ({3: {"schedule": CONSTANT}}, "schedule 3: a name must match"),
        ({"a": {"description": "no spec"}}, "schedule 'a': expected {schedule: SPEC, description: TEXT}"),
        ({"a": {"schedule": CONSTANT, "colour": 1, 2: 3}}, "schedule 'a': unknown fields ['2', 'colour']"),
        ({"a": {"schedule": "constant"}}, "schedule 'a': schedule is a spec, a mapping with a kind"),
        ({"a": {"schedule": {"kind": "nope"}}}, "schedule 'a': invalid spec:\n  kind: "),
        ({"a": {"schedule": CONSTANT, "description": 5}}, "schedule 'a': description is text, got int 5"),
        ({"a": {"schedule": CONSTANT, "description": "x" * 2001}}, "description is at most 2000 characters"),
        ({"a": {"schedule": CONSTANT, "comment": ["x"]}}, "schedule 'a': comment is text"),
        ({"a": {"schedule": CONSTANT, "force": "yes"}}, "schedule 'a': force is true or false, got 'yes'"),
        (
            {"a": {"schedule": CONSTANT, "effective_from_step": -1}},
            "effective_from_step is a step, an integer",
        ),
        ({"a": {"schedule": CONSTANT, "effective_from_step": True}}, "effective_from_step is a step"),
        ({"a": {"schedule": CONSTANT, "effective_from_step": 1.0}}, "effective_from_step is a step"),
        ({"a": {"schedule": CONSTANT, "effective_from_step": 2**53 + 1}}, "effective_from_step is a step"),
    ],
)
def test_a_bad_entry_is_named_with_its_file_and_field(data: Any, message: str) -> None:
    with pytest.raises(SchedulesFileError) as caught:
        _read(data)
    assert message in str(caught.value)


def _entry(**fields: Any) -> Entry:
    values: dict[str, Any] = {
        "name": "a",
        "schedule": LOWER,
        "description": "",
        "force": False,
        "effective_from_step": None,
        "comment": "",
        **fields,
    }
    return Entry(**values)


@pytest.mark.parametrize(
    ("entry", "current", "action", "refused"),
    [
        (_entry(), None, "create", False),
        (_entry(), (LOWER, "", 99), "unchanged", False),
        (_entry(description="new"), (LOWER, "", 99), "describe", False),
        (_entry(), (CONSTANT, "", -1), "replace", False),
        (_entry(), (CONSTANT, "", 0), "replace", True),
        (_entry(force=True), (CONSTANT, "", 0), "replace", False),
        (_entry(effective_from_step=100), (CONSTANT, "", 99), "revise", False),
        (_entry(effective_from_step=99), (CONSTANT, "", 99), "revise", True),
        (_entry(effective_from_step=99, force=True), (CONSTANT, "", 99), "revise", False),
    ],
)
def test_plan(entry: Entry, current: Any, action: str, refused: bool) -> None:
    got, refusal = plan(entry, current)
    assert (got, refusal is not None) == (action, refused)
    if refusal is not None:
        assert f"Set `effective_from_step: {current[2] + 1}` (or later)" in refusal


@pytest.fixture
def store(tmp_path: Path) -> Iterator[SQLiteStore]:
    s = SQLiteStore(tmp_path / "lrs.sqlite3")
    yield s
    s.close()


def test_the_server_applies_effective_from_step_as_a_revision(store: SQLiteStore, tmp_path: Path) -> None:
    path = tmp_path / "schedules.yaml"
    path.write_text("a:\n  schedule: {kind: constant, lr: 0.1}\n  description: d\n")
    assert apply_schedules_file(store, path) == ["created a"]
    store.promise("a", 500)
    path.write_text(
        "a:\n  schedule: {kind: constant, lr: 1e-2}\n  description: d2\n  effective_from_step: 1000\n"
    )
    assert apply_schedules_file(store, path) == ["revised a: revision from step 1000"]
    record = store.get("a")
    assert [(r.effective_from_step, r.spec, r.comment, r.forced) for r in record.revisions] == [
        (0, CONSTANT, "created", False),
        (1000, LOWER, "schedules file schedules.yaml", False),
    ]
    assert record.description == "d2"
    version = record.version
    assert apply_schedules_file(store, path) == ["unchanged a"]  # idempotent
    assert store.get("a").version == version


def test_a_revision_over_served_steps_is_refused_unless_forced(store: SQLiteStore, tmp_path: Path) -> None:
    path = tmp_path / "schedules.yaml"
    path.write_text("a:\n  schedule: {kind: constant, lr: 0.1}\n")
    apply_schedules_file(store, path)
    store.promise("a", 500)
    path.write_text("a:\n  schedule: {kind: constant, lr: 0.01}\n  effective_from_step: 500\n")
    with pytest.raises(SchedulesFileError, match=r"a revision from step 500 .* `effective_from_step: 501`"):
        apply_schedules_file(store, path)
    assert len(store.get("a").revisions) == 1
    path.write_text("a:\n  schedule: {kind: constant, lr: 0.01}\n  effective_from_step: 500\n  force: true\n")
    assert apply_schedules_file(store, path) == ["revised a: revision from step 500"]
    assert store.get("a").revisions[-1].forced


def test_a_server_started_with_the_file_revises_from_the_step(tmp_path: Path) -> None:
    path = tmp_path / "schedules.yaml"
    path.write_text("lin:\n  schedule: {kind: constant, lr: 1e-5}\n")  # YAML 1.2: a number
    env = {"LRS_ADMIN_TOKEN": ADMIN, "LRS_SCHEDULES_FILE": str(path)}
    server = Server(tmp_path / "data", env=env).start()
    try:
        with server.client() as http:
            assert http.get("/v1/schedules/lin/lr", params={"step": 300}).json()["lr"] == 1e-5
    finally:
        assert server.stop() == 0
    path.write_text(
        "lin:\n  schedule: {kind: constant, lr: 2E-5}\n  effective_from_step: 301\n  comment: raise it\n"
    )
    server = Server(tmp_path / "data", env=env).start()
    try:
        with server.client() as http:
            body = http.get("/v1/schedules/lin").json()
            assert body["timeline"] == [{"from_step": 0, "revision": 1}, {"from_step": 301, "revision": 2}]
            assert body["revisions"][1]["comment"] == "raise it"
            lr = http.get("/v1/schedules/lin/lr", params={"step": 300}).json()["lr"]
            assert (lr, http.get("/v1/schedules/lin/lr", params={"step": 301}).json()["lr"]) == (1e-5, 2e-5)
    finally:
        assert server.stop() == 0
    # a revision from a step already served stops the start, with the step to use instead
    path.write_text("lin:\n  schedule: {kind: constant, lr: 3e-5}\n  effective_from_step: 301\n")
    with pytest.raises(RuntimeError, match="effective_from_step: 302"):
        Server(tmp_path / "data", env=env).start()


def test_a_replica_that_loses_a_race_reads_again(tmp_path: Path) -> None:
    class Racing(SQLiteStore):
        """Another replica applies the same file just before this one's first replace."""

        raced = False

        def replace(self, name: str, *args: Any, **kwargs: Any) -> Any:
            if not self.raced:
                self.raced = True
                super().replace(name, LOWER, "", if_match=None, force=False)
            return super().replace(name, *args, **kwargs)

    store = Racing(tmp_path / "lrs.sqlite3")
    try:
        store.create("a", CONSTANT, "")
        path = tmp_path / "schedules.yaml"
        path.write_text("a:\n  schedule: {kind: constant, lr: 0.01}\n")
        assert apply_schedules_file(store, path) == ["unchanged a"]  # Stale, then read again: as declared
        assert store.raced and len(store.get("a").revisions) == 2
    finally:
        store.close()
