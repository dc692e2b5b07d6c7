"""The app against its own OpenAPI document (schemathesis, in-process), and the hostile bodies a
schema-driven fuzzer does not think of: NaN, over 64 KiB, 1000-deep nesting, 2**70, bad names.

Every answer must be documented: its status code, its content type and its body's schema; a 5xx is
always a failure. Errors are ``application/problem+json`` with type, title, status and detail."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from fastapi import FastAPI
from hypothesis import HealthCheck, settings
from lrserve.api import create_app
from lrserve.cli import openapi_document
from schemathesis.checks import not_a_server_error
from schemathesis.python.asgi import get_client, shutdown_lifespans
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from .._server import admin, make_settings

COSINE = {"kind": "cosine_annealing", "base_lr": 0.1, "min_lr": 0.001, "t_max": 10}
KNOWN = "known-schedule"

# -- schemathesis ------------------------------------------------------------------------------------

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
# Valid and invalid data; our own Authorization header (the admin token, so writes are exercised);
# nothing written to .hypothesis/. No coverage phase: over the spec union (dozens of kinds, nested) it
# builds tens of thousands of cases per operation at collection, minutes before the first request.
CONFIG = schemathesis.Config.from_dict(
    {
        "phases": {"coverage": {"enabled": False}, "stateful": {"enabled": False}},
        "generation": {"mode": "all", "database": "none", "with-security-parameters": False},
    }
)
BOUNDED = settings(
    max_examples=25,
    deadline=None,
    database=None,
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.filter_too_much,
        HealthCheck.data_too_large,
        HealthCheck.function_scoped_fixture,  # one app per operation, shared by its examples: on purpose
    ],
)

# The document the app serves (test_openapi.py pins that it is this one, and that it is committed),
# loaded at import so that each operation is its own test.
schema = schemathesis.openapi.from_file(openapi_document(), config=CONFIG)


@pytest.fixture
def fuzzed_app(tmp_path: Path) -> Iterator[FastAPI]:
    """A fresh app per operation (small tables, so that fuzzed ranges stay fast); schemathesis runs its
    lifespan on the first request and stops it when the test ends."""
    yield create_app(make_settings(tmp_path / "data", max_table_rows=1000))
    shutdown_lifespans()


def call(case: Any, app: FastAPI) -> None:
    case.operation.app = app  # through schemathesis's in-process ASGI transport
    case.call_and_validate(headers=admin(), checks=CHECKS)


@schema.parametrize()
@BOUNDED
def test_every_operation_conforms_to_the_document(case: Any, fuzzed_app: FastAPI) -> None:
    """Generated requests with the admin token: no 5xx, and every answer is as documented."""
    call(case, fuzzed_app)


@schema.include(path_regex=r"\{name\}").parametrize()
@BOUNDED
def test_operations_on_an_existing_schedule_conform(case: Any, fuzzed_app: FastAPI) -> None:
    """The same on a schedule that exists, so that reads, replaces, revisions and deletes get past 404."""
    with get_client(fuzzed_app) as client:
        r = client.put(f"/v1/schedules/{KNOWN}", json={"schedule": COSINE}, headers=admin())
        assert r.status_code in (201, 428), r.text  # 428: made by an earlier example (it needs If-Match)
    case.path_parameters = {**(case.path_parameters or {}), "name": KNOWN}
    call(case, fuzzed_app)


# -- what a fuzzer does not send ---------------------------------------------------------------------


def fresh() -> str:
    return f"t-{uuid.uuid4().hex[:10]}"


def assert_problem(r: Any, status: int) -> dict[str, Any]:
    assert r.status_code == status, r.text
    assert r.headers["content-type"] == "application/problem+json", r.headers
    body: dict[str, Any] = r.json()
    assert {"type", "title", "status", "detail"} <= body.keys(), body
    assert body["status"] == status
    assert body["type"] and body["title"] and body["detail"], body
    return body


def locs(body: dict[str, Any]) -> list[list[Any]]:
    return [e["loc"] for e in body.get("errors", [])]


def send(http: Any, method: str, path: str, text: str | bytes) -> Any:
    headers = admin(**{"Content-Type": "application/json"})
    return http.request(method, path, content=text, headers=headers)


def spec_endpoints() -> list[tuple[str, str, dict[str, Any]]]:
    """Every endpoint that takes a spec: method, path, the rest of a valid body."""
    return [
        ("POST", "/v1/lr", {"step": 1}),
        ("POST", "/v1/table", {"stop": 3}),
        ("PUT", "/v1/schedules/{fresh}", {}),
        ("POST", "/v1/schedules/{known}/revisions", {"effective_from_step": 10_000}),
    ]


@pytest.fixture
def known(http: Any) -> str:
    name = fresh()
    assert http.put(f"/v1/schedules/{name}", json={"schedule": COSINE}, headers=admin()).status_code == 201
    return name


def body_text(spec: str, rest: dict[str, Any]) -> str:
    extra = "".join(f", {json.dumps(k)}: {json.dumps(v)}" for k, v in rest.items())
    return f'{{"schedule": {spec}{extra}}}'


ENDPOINT_IDS = ["lr", "table", "put", "revision"]


@pytest.mark.parametrize(("method", "path", "rest"), spec_endpoints(), ids=ENDPOINT_IDS)
@pytest.mark.parametrize(
    ("spec", "field"),
    [
        ('{"kind": "cosine_annealing", "base_lr": NaN, "min_lr": 0.001, "t_max": 10}', "base_lr"),
        ('{"kind": "cosine_annealing", "base_lr": 0.1, "min_lr": Infinity, "t_max": 10}', "min_lr"),
        ('{"kind": "linear", "start_lr": -Infinity, "end_lr": 0, "steps": 10}', "start_lr"),
    ],
    ids=["NaN", "Infinity", "-Infinity"],
)
def test_non_finite_numbers_in_a_spec_are_422_naming_the_field(
    http: Any, known: str, method: str, path: str, rest: dict[str, Any], spec: str, field: str
) -> None:
    path = path.format(fresh=fresh(), known=known)
    body = assert_problem(send(http, method, path, body_text(spec, rest)), 422)
    assert ["body", "schedule", field] in locs(body), body
    assert field in body["detail"]


@pytest.mark.parametrize("literal", ["NaN", "Infinity", "1e999", "1.5"])
def test_a_step_that_is_not_an_integer_is_422(http: Any, literal: str) -> None:
    text = f'{{"schedule": {json.dumps(COSINE)}, "step": {literal}}}'
    body = assert_problem(send(http, "POST", "/v1/lr", text), 422)
    assert ["body", "step"] in locs(body), body


@pytest.mark.parametrize("chunked", [False, True], ids=["content-length", "chunked"])
@pytest.mark.parametrize(("method", "path", "rest"), spec_endpoints(), ids=ENDPOINT_IDS)
def test_a_body_over_64_kib_is_413(
    http: Any, known: str, method: str, path: str, rest: dict[str, Any], chunked: bool
) -> None:
    """Refused before parsing, whether the client says how long it is or streams it."""
    path = path.format(fresh=fresh(), known=known)
    description = "x" * (64 * 1024)
    text = json.dumps({"schedule": COSINE, "description": description, **rest}).encode()
    content: Any = iter([text[i : i + 4096] for i in range(0, len(text), 4096)]) if chunked else text
    r = http.request(method, path, content=content, headers=admin(**{"Content-Type": "application/json"}))
    body = assert_problem(r, 413)
    assert "65536" in body["detail"]


def test_a_body_just_under_the_limit_is_parsed(http: Any) -> None:
    """The control: the same kind of body, under 64 KiB, gets to validation (422: description too long)."""
    text = json.dumps({"schedule": COSINE, "description": "x" * 60_000})
    body = assert_problem(send(http, "PUT", f"/v1/schedules/{fresh()}", text), 422)
    assert ["body", "description"] in locs(body), body


def nested(levels: int) -> str:
    """A spec of ``levels`` sequences, each holding the next: 2 JSON levels (object, array) per spec."""
    head = '{"kind": "sequence", "boundaries": [], "schedules": ['
    return head * levels + '{"kind": "constant", "lr": 0.1}' + "]}" * levels


@pytest.mark.parametrize("levels", [9, 100, 1000])
@pytest.mark.parametrize(("method", "path", "rest"), spec_endpoints(), ids=ENDPOINT_IDS)
def test_deeply_nested_specs_are_422_not_500(
    http: Any, known: str, method: str, path: str, rest: dict[str, Any], levels: int
) -> None:
    text = body_text(nested(levels), rest)
    assert len(text) < 64 * 1024  # about the nesting, not the size
    body = assert_problem(send(http, method, path.format(fresh=fresh(), known=known), text), 422)
    assert any(loc[:2] in (["body"], ["body", "schedule"]) for loc in locs(body)), body


def test_eight_levels_of_nesting_are_fine(http: Any) -> None:
    """The control: the deepest nesting allowed evaluates."""
    r = send(http, "POST", "/v1/lr", body_text(nested(7), {"step": 0}))
    assert r.status_code == 200, r.text
    assert r.json()["lr"] == 0.1


def test_json_nested_past_the_parser_is_422(http: Any) -> None:
    text = '{"schedule": ' + "[" * 5000 + "]" * 5000 + ', "step": 0}'
    body = assert_problem(send(http, "POST", "/v1/lr", text), 422)
    assert locs(body)[0][0] == "body", body


@pytest.mark.parametrize("text", ["[1, 2]", '"text"', "null", "42", "true", "[]"])
@pytest.mark.parametrize(("method", "path", "rest"), spec_endpoints(), ids=ENDPOINT_IDS)
def test_a_body_that_is_not_an_object_is_422(
    http: Any, known: str, method: str, path: str, rest: dict[str, Any], text: str
) -> None:
    body = assert_problem(send(http, method, path.format(fresh=fresh(), known=known), text), 422)
    assert ["body"] in locs(body), body


@pytest.mark.parametrize("text", [b"\x80\x81", b'{"schedule": "\xff"}'], ids=["bytes", "in-a-string"])
def test_a_body_that_is_not_utf8_is_422(http: Any, text: bytes) -> None:
    body = assert_problem(send(http, "POST", "/v1/lr", text), 422)
    assert locs(body)[0][0] == "body", body


@pytest.mark.parametrize(
    ("spec", "loc"),
    [
        ({"kind": "warmup_cosine_annealing", "base_lr": 0.1}, ["body", "schedule", "kind"]),
        ({"base_lr": 0.1, "t_max": 10}, ["body", "schedule", "kind"]),
        ({"kind": 7}, ["body", "schedule", "kind"]),
        ([COSINE], ["body", "schedule"]),
        (
            {"kind": "sequence", "boundaries": [5], "schedules": [COSINE, {"kind": "nope"}]},
            ["body", "schedule", "schedules", 1, "kind"],
        ),
    ],
    ids=["unknown-kind", "no-kind", "kind-not-a-string", "spec-not-an-object", "nested-unknown-kind"],
)
@pytest.mark.parametrize(("method", "path", "rest"), spec_endpoints(), ids=ENDPOINT_IDS)
def test_an_unknown_kind_is_422_naming_kind(
    http: Any, known: str, method: str, path: str, rest: dict[str, Any], spec: Any, loc: list[Any]
) -> None:
    text = json.dumps({"schedule": spec, **rest})
    body = assert_problem(send(http, method, path.format(fresh=fresh(), known=known), text), 422)
    assert loc in locs(body), body


HUGE = 2**70


@pytest.mark.parametrize(
    ("path", "body", "loc"),
    [
        ("/v1/lr", {"schedule": COSINE, "step": HUGE}, ["body", "step"]),
        ("/v1/lr", {"schedule": COSINE, "step": -HUGE}, ["body", "step"]),
        ("/v1/table", {"schedule": COSINE, "stop": HUGE}, ["body", "stop"]),
        ("/v1/table", {"schedule": COSINE, "start": HUGE, "stop": 3}, ["body", "start"]),
        ("/v1/table", {"schedule": COSINE, "stop": 3, "stride": HUGE}, ["body", "stride"]),
        ("/v1/table", {"schedule": COSINE, "steps": [0, HUGE]}, ["body", "steps", 1]),
        ("/v1/lr", {"schedule": {**COSINE, "t_max": HUGE}, "step": 0}, ["body", "schedule", "t_max"]),
    ],
    ids=["lr-step", "lr-negative-step", "table-stop", "table-start", "table-stride", "table-steps", "t_max"],
)
def test_a_huge_integer_in_a_body_is_422(http: Any, path: str, body: dict[str, Any], loc: list[Any]) -> None:
    problem = assert_problem(http.post(path, json=body), 422)
    assert loc in locs(problem), problem


@pytest.mark.parametrize(
    ("path", "params", "loc"),
    [
        ("/v1/schedules/{name}/lr", {"step": HUGE}, ["query", "step"]),
        ("/v1/schedules/{name}/table", {"stop": HUGE}, ["query", "stop"]),
        ("/v1/schedules/{name}/table", {"stop": 3, "stride": HUGE}, ["query", "stride"]),
        ("/v1/schedules/{name}", {"step": HUGE}, ["query", "step"]),
        ("/v1/schedules/{name}", {"step": 0, "horizon": HUGE}, ["query", "horizon"]),
        ("/v1/schedules", {"limit": HUGE}, ["query", "limit"]),
    ],
    ids=["lr", "table-stop", "table-stride", "schedule-step", "schedule-horizon", "list-limit"],
)
def test_a_huge_integer_in_a_query_is_422(
    http: Any, known: str, path: str, params: dict[str, Any], loc: list[Any]
) -> None:
    problem = assert_problem(http.get(path.format(name=known), params=params), 422)
    assert loc in locs(problem), problem


BAD_NAMES = ["Upper", "a" * 65, ".hidden", "-dash", "_under", "sp ace", "caf\u00e9"]


def name_requests(name: str) -> list[tuple[str, str, dict[str, Any]]]:
    """Every operation on a named schedule, with an otherwise valid request."""
    base = f"/v1/schedules/{name}"
    spec = {"schedule": COSINE}
    return [
        ("GET", base, {}),
        ("GET", base + "/lr", {"params": {"step": 1}}),
        ("GET", base + "/table", {"params": {"stop": 3}}),
        ("PUT", base, {"json": spec, "headers": admin()}),
        ("DELETE", base, {"headers": admin(**{"If-Match": '"1"'})}),
        ("POST", base + "/revisions", {"json": {**spec, "effective_from_step": 5}, "headers": admin()}),
    ]


@pytest.mark.parametrize(
    "name",
    BAD_NAMES,
    ids=["uppercase", "65-chars", "leading-dot", "dash", "underscore", "space", "non-ascii"],
)
def test_names_outside_the_pattern_are_422_at_path_name(http: Any, name: str) -> None:
    for method, path, kwargs in name_requests(name):
        problem = assert_problem(http.request(method, path, **kwargs), 422)
        assert ["path", "name"] in locs(problem), (method, path, problem)


@pytest.mark.parametrize(
    "name",
    [lambda: uuid.uuid4().hex * 2, lambda: f"0{uuid.uuid4().hex}", lambda: f"a.b_c-{uuid.uuid4().hex}"],
    ids=["64-chars", "leading-digit", "punctuation"],
)
def test_names_inside_the_pattern_get_past_validation(http: Any, name: Any) -> None:
    """The control: a well-formed name that does not exist yet is 404, then can be created."""
    name = name()
    assert_problem(http.get(f"/v1/schedules/{name}"), 404)
    r = http.put(f"/v1/schedules/{name}", json={"schedule": COSINE}, headers=admin())
    assert r.status_code == 201, r.text
