"""Stateless evaluation over HTTP: POST /v1/table and /v1/lr, in-process and against a real server."""

from __future__ import annotations

import io
import json
from typing import Any

import numpy as np
import pytest
from lrserve import compile_spec, evaluate

COSINE = {"kind": "cosine_annealing", "base_lr": 0.1, "min_lr": 0.001, "t_max": 10}
TORCH_STEP = {"kind": "torch", "name": "StepLR", "base_lr": 0.1, "args": {"step_size": 3, "gamma": 0.5}}
WARMUP = {
    "kind": "warmup_cosine",
    "base_lr": 3e-4,
    "warmup_steps": 100,
    "decay_steps": 900,
    "min_lr": 1e-7,
}


def test_cosine_annealing_numbers_of_the_issue(http: Any) -> None:
    r = http.post("/v1/table", json={"schedule": COSINE, "steps": [0, 5, 10]})
    assert r.status_code == 200, r.text
    assert r.headers["content-type"] == "application/json"
    assert r.json()["steps"] == [0, 5, 10]
    assert r.json()["lr"] == pytest.approx([0.1, 0.0505, 0.001], abs=1e-15)


@pytest.mark.parametrize("spec", [COSINE, TORCH_STEP, WARMUP], ids=["cosine", "torch", "warmup"])
def test_table_json_is_the_engine_bit_for_bit(http: Any, spec: dict[str, Any]) -> None:
    r = http.post("/v1/table", json={"schedule": spec, "start": 3, "stop": 1500, "stride": 7})
    assert r.status_code == 200, r.text
    steps = np.arange(3, 1500, 7)
    body = json.loads(r.content)
    assert body["steps"] == steps.tolist()
    # floats are written in their shortest round-trip form: parsing gives back the same doubles
    np.testing.assert_array_equal(np.array(body["lr"]), evaluate(spec, steps))
    assert r.headers["x-lrs-rows"] == str(steps.size)
    assert r.headers["server-timing"].startswith("app;dur=")


def test_table_npy_and_csv_carry_the_same_doubles(http: Any) -> None:
    body = {"schedule": WARMUP, "stop": 1000}
    expected = evaluate(WARMUP, np.arange(1000))
    npy = http.post("/v1/table", json=body, headers={"Accept": "application/x-npy"})
    assert npy.status_code == 200
    assert npy.headers["content-type"] == "application/x-npy"
    arr = np.load(io.BytesIO(npy.content), allow_pickle=False)
    assert arr.dtype == np.float64
    np.testing.assert_array_equal(arr, expected)
    csv = http.post("/v1/table", json=body, headers={"Accept": "text/csv"})
    assert csv.status_code == 200
    assert csv.headers["content-type"].startswith("text/csv")
    lines = csv.text.splitlines()
    assert lines[0] == "step,lr"
    assert len(lines) == 1001
    rows = [line.split(",") for line in lines[1:]]
    assert [int(s) for s, _ in rows] == list(range(1000))
    np.testing.assert_array_equal(np.array([float(v) for _, v in rows]), expected)


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        ("*/*", "application/json"),
        ("text/csv;q=0.5, application/x-npy", "application/x-npy"),
        ("text/*", "text/csv"),
        ("application/json;q=0.1, text/csv;q=0.9", "text/csv"),
    ],
)
def test_accept_negotiation(http: Any, accept: str, expected: str) -> None:
    r = http.post("/v1/table", json={"schedule": COSINE, "stop": 3}, headers={"Accept": accept})
    assert r.status_code == 200
    assert r.headers["content-type"].split(";")[0] == expected


def test_unacceptable_type_is_406(http: Any) -> None:
    r = http.post("/v1/table", json={"schedule": COSINE, "stop": 3}, headers={"Accept": "image/png"})
    assert r.status_code == 406
    assert r.headers["content-type"] == "application/problem+json"


def test_too_many_rows_is_413_with_paging_advice(http: Any) -> None:
    r = http.post("/v1/table", json={"schedule": COSINE, "stop": 1_000_001})
    assert r.status_code == 413
    problem = r.json()
    assert r.headers["content-type"] == "application/problem+json"
    assert problem["max_rows"] == 1_000_000
    assert problem["rows"] == 1_000_001
    assert "start" in problem["detail"]
    assert "stop" in problem["detail"]
    # a stride makes the same range small enough
    ok = http.post("/v1/table", json={"schedule": COSINE, "stop": 1_000_001, "stride": 2})
    assert ok.status_code == 200
    assert len(ok.json()["lr"]) == 500_001


def test_lr_at_one_step(http: Any) -> None:
    r = http.post("/v1/lr", json={"schedule": COSINE, "step": 5})
    assert r.status_code == 200
    assert r.json() == {"step": 5, "lr": pytest.approx(0.0505, abs=1e-15)}
    assert r.json()["lr"] == evaluate(COSINE, 5)


def test_step_past_the_end_of_a_schedule_is_422(http: Any) -> None:
    spec = {"kind": "one_cycle", "max_lr": 0.1, "total_steps": 100}
    last = compile_spec(spec).last_step
    assert last is not None
    assert http.post("/v1/lr", json={"schedule": spec, "step": last}).status_code == 200
    r = http.post("/v1/lr", json={"schedule": spec, "step": last + 1})
    assert r.status_code == 422, r.text
    assert r.json()["last_step"] == last
    assert r.json()["step"] == last + 1
    assert r.json()["type"] == "urn:lrs:problem:invalid-step"


@pytest.mark.parametrize(
    ("body", "loc"),
    [
        ({"schedule": {**COSINE, "base_lr": "a"}, "stop": 3}, ["body", "schedule", "base_lr"]),
        ({"schedule": {**COSINE, "t_max": -1}, "stop": 3}, ["body", "schedule", "t_max"]),
        ({"schedule": {"kind": "cosine"}, "stop": 3}, ["body", "schedule", "kind"]),
        ({"schedule": {**COSINE, "extra": 1}, "stop": 3}, ["body", "schedule", "extra"]),
        (
            {"schedule": {**TORCH_STEP, "args": {"gamma": 0.5}}, "stop": 3},
            ["body", "schedule", "args", "step_size"],
        ),
        ({"schedule": COSINE, "stop": -1}, ["body", "stop"]),
        ({"schedule": COSINE, "stop": 5, "stride": 0}, ["body", "stride"]),
        ({"schedule": COSINE, "steps": [1, -2]}, ["body", "steps", 1]),
        ({"schedule": COSINE, "steps": [2**60]}, ["body", "steps", 0]),
        ({"schedule": COSINE}, ["body"]),
        ({"schedule": COSINE, "stop": 3, "steps": [1]}, ["body"]),
        ({"stop": 3}, ["body", "schedule"]),
    ],
)
def test_invalid_requests_name_the_field(http: Any, body: dict[str, Any], loc: list[Any]) -> None:
    r = http.post("/v1/table", json=body)
    assert r.status_code == 422, r.text
    assert r.headers["content-type"] == "application/problem+json"
    problem = r.json()
    assert problem["status"] == 422
    assert any(e["loc"] == loc for e in problem["errors"]), problem["errors"]


@pytest.mark.parametrize("literal", ["NaN", "Infinity", "-Infinity", "1e999"])
def test_non_finite_numbers_are_refused(http: Any, literal: str) -> None:
    text = json.dumps({"schedule": COSINE, "stop": 3}).replace("0.1", literal)
    r = http.post("/v1/table", content=text, headers={"Content-Type": "application/json"})
    assert r.status_code == 422, r.text
    assert any(e["loc"][:3] == ["body", "schedule", "base_lr"] for e in r.json()["errors"]), r.json()


def test_not_json_is_422(http: Any) -> None:
    r = http.post("/v1/table", content=b"{not json", headers={"Content-Type": "application/json"})
    assert r.status_code == 422
    assert r.json()["errors"][0]["loc"] == ["body"]
