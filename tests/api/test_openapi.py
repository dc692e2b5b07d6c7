"""The OpenAPI document: committed and current (``lrs openapi [--check]``), served by the app, complete
(every path of the issue, every error status documented as a problem), and the spec a tagged union."""

from __future__ import annotations

import difflib
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from lrserve.cli import openapi_document

from .._server import REPO

COMMITTED = REPO / "openapi" / "openapi.json"
PROBLEM = "application/problem+json"

#: Every operation of the issue, and the error statuses it must document (besides 2xx).
OPERATIONS: dict[tuple[str, str], set[int]] = {
    ("post", "/v1/table"): {401, 403, 406, 413, 422},
    ("post", "/v1/lr"): {401, 403, 413, 422},
    ("get", "/v1/schedules"): {401, 403, 422},
    ("put", "/v1/schedules/{name}"): {401, 403, 404, 409, 412, 413, 422, 428, 503},
    ("get", "/v1/schedules/{name}"): {401, 403, 404, 422, 503},
    ("delete", "/v1/schedules/{name}"): {401, 403, 404, 412, 422, 428, 503},
    ("get", "/v1/schedules/{name}/lr"): {401, 403, 404, 422, 503},
    ("get", "/v1/schedules/{name}/table"): {401, 403, 404, 406, 413, 422, 503},
    ("post", "/v1/schedules/{name}/revisions"): {401, 403, 404, 409, 412, 413, 422, 503},
    ("get", "/livez"): set(),
    ("get", "/readyz"): {503},
    ("get", "/metrics"): set(),
}
NATIVE_KINDS = {"constant", "cosine_annealing", "warmup_cosine", "sequence", "product", "one_cycle"}
DIALECT_KINDS = {"torch", "transformers", "timm", "optax", "keras", "deepspeed"}


@pytest.fixture(scope="module")
def text() -> str:
    return openapi_document()


@pytest.fixture(scope="module")
def doc(text: str) -> dict[str, Any]:
    document: dict[str, Any] = json.loads(text)
    return document


def resolve(doc: dict[str, Any], ref: str) -> dict[str, Any]:
    assert ref.startswith("#/"), ref
    node: Any = doc
    for part in ref[2:].split("/"):
        assert part in node, f"{ref} does not resolve"
        node = node[part]
    assert isinstance(node, dict)
    return node


def lrs_openapi(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "lrserve", "openapi", *args],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
    )


# -- committed, current, served ---------------------------------------------------------------------


def test_the_committed_document_is_the_apps(text: str) -> None:
    if not COMMITTED.exists():
        pytest.fail("openapi/openapi.json is missing: run `lrs openapi` and commit it", pytrace=False)
    committed = COMMITTED.read_text()
    if committed != text:
        diff = difflib.unified_diff(
            committed.splitlines(), text.splitlines(), "committed", "app", lineterm="", n=1
        )
        shown = "\n".join(list(diff)[:40])
        pytest.fail(f"openapi/openapi.json is out of date: run `lrs openapi`\n{shown}", pytrace=False)


def test_openapi_check_passes_on_the_committed_file() -> None:
    r = lrs_openapi("--check")
    assert r.returncode == 0, r.stderr


def test_openapi_check_fails_on_a_changed_or_missing_file(tmp_path: Path, text: str) -> None:
    tampered = tmp_path / "openapi.json"
    tampered.write_text(text.replace('"title": "lrs"', '"title": "not lrs"', 1))
    assert tampered.read_text() != text
    r = lrs_openapi("--check", "--output", str(tampered))
    assert r.returncode == 1, (r.stdout, r.stderr)
    assert "lrs openapi" in r.stderr  # says what to run
    assert lrs_openapi("--check", "--output", str(tmp_path / "missing.json")).returncode == 1


def test_openapi_writes_the_document_and_check_then_passes(tmp_path: Path, text: str) -> None:
    out = tmp_path / "sub" / "openapi.json"
    r = lrs_openapi("--output", str(out))
    assert r.returncode == 0, r.stderr
    assert out.read_text() == text
    assert lrs_openapi("--check", "--output", str(out)).returncode == 0


def test_the_app_serves_the_same_document(app_client: TestClient, doc: dict[str, Any]) -> None:
    r = app_client.get("/openapi.json")
    assert r.status_code == 200
    assert r.json() == doc


# -- complete ----------------------------------------------------------------------------------------


def test_every_path_of_the_issue_is_documented(doc: dict[str, Any]) -> None:
    assert doc["openapi"].startswith("3.")
    documented = {(method, path) for path, item in doc["paths"].items() for method in item}
    missing = set(OPERATIONS) - documented
    assert not missing, f"not in the document: {sorted(missing)}"


@pytest.mark.parametrize(
    ("method", "path"), sorted(OPERATIONS), ids=[f"{m} {p}" for m, p in sorted(OPERATIONS)]
)
def test_error_statuses_are_documented_as_problems(doc: dict[str, Any], method: str, path: str) -> None:
    responses = doc["paths"][path][method]["responses"]
    documented = {int(code) for code in responses if code.isdigit()}
    missing = OPERATIONS[method, path] - documented
    assert not missing, f"{method.upper()} {path} does not document {sorted(missing)}"
    for code, response in responses.items():
        if code.isdigit() and int(code) >= 400:
            content = response.get("content", {})
            assert set(content) == {PROBLEM}, f"{method.upper()} {path} {code}: {sorted(content)}"
            schema = content[PROBLEM]["schema"]
            problem = resolve(doc, schema["$ref"]) if "$ref" in schema else schema
            assert {"type", "title", "status", "detail"} <= set(problem["required"]), problem


def test_the_validation_error_schema_is_not_fastapis(doc: dict[str, Any]) -> None:
    """422s are problems with ``errors``, not FastAPI's ``{"detail": [...]}``."""
    assert "HTTPValidationError" not in doc["components"]["schemas"]


#: The operations that change data: the bearer (admin) token is required. Every other /v1/ operation is a
#: read, which a server without a read token answers without one.
WRITES = {
    ("put", "/v1/schedules/{name}"),
    ("delete", "/v1/schedules/{name}"),
    ("post", "/v1/schedules/{name}/revisions"),
}


def v1_operations(doc: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (method, path, op)
        for path, item in doc["paths"].items()
        if path.startswith("/v1/")
        for method, op in item.items()
    ]


def test_writes_require_the_bearer_token_and_reads_make_it_optional(doc: dict[str, Any]) -> None:
    schemes = doc["components"]["securitySchemes"]
    bearer = [name for name, s in schemes.items() if s["type"] == "http" and s["scheme"].lower() == "bearer"]
    assert bearer, schemes
    assert {(m, p) for m, p, _ in v1_operations(doc)} >= WRITES
    for method, path, op in v1_operations(doc):
        security = op.get("security", [])
        assert any(set(s) & set(bearer) for s in security), f"{method.upper()} {path}: {security}"
        anonymous = {} in security  # an empty requirement: no token at all is fine
        assert anonymous == ((method, path) not in WRITES), f"{method.upper()} {path}: {security}"


def test_reads_are_answered_without_a_token(app_client: TestClient) -> None:
    """The control for the optional security of reads: the server does answer them without a token."""
    spec = {"kind": "constant", "lr": 0.1}
    assert app_client.post("/v1/lr", json={"schedule": spec, "step": 3}).status_code == 200
    assert app_client.get("/v1/schedules").status_code == 200
    assert app_client.put("/v1/schedules/x", json={"schedule": spec}).status_code == 401


# -- names, validity, typed outputs, declared headers and media types --------------------------------


def test_the_document_is_valid_openapi(doc: dict[str, Any]) -> None:
    from openapi_spec_validator import validate

    validate(doc)


def test_no_two_schemas_share_a_title(doc: dict[str, Any]) -> None:
    """Client generators name their classes by title: two alike and one of them is dropped."""
    schemas = doc["components"]["schemas"]
    titles = [s["title"] for s in schemas.values() if "title" in s]
    assert sorted(t for t in set(titles) if titles.count(t) > 1) == []
    assert {"KerasExponentialDecay", "OptaxExponentialDecay", "OptaxExponentialDecayArgs"} <= set(titles)


def test_every_schema_is_named_by_its_title(doc: dict[str, Any]) -> None:
    schemas = doc["components"]["schemas"]
    assert [(k, s["title"]) for k, s in schemas.items() if s.get("title", k) != k] == []
    assert not [k for k in schemas if "__" in k or k.startswith("_") or k.endswith(("-Input", "-Output"))]


def test_operation_ids_are_the_endpoint_names(doc: dict[str, Any]) -> None:
    ids = {(m, p): op["operationId"] for p, item in doc["paths"].items() for m, op in item.items()}
    assert ids["put", "/v1/schedules/{name}"] == "put_schedule"
    assert ids["get", "/v1/schedules/{name}/lr"] == "read_lr"
    assert len(set(ids.values())) == len(ids)


@pytest.mark.parametrize(
    ("model", "field", "target"),
    [
        ("ScheduleOut", "schedule", "spec"),
        ("ScheduleOut", "native", "NativeSpec"),
        ("RevisionOut", "schedule", "spec"),
        ("RevisionOut", "native", "NativeSpec"),
        ("NativeOut", "schedule", "NativeSpec"),
    ],
)
def test_outputs_that_echo_a_spec_are_typed(doc: dict[str, Any], model: str, field: str, target: str) -> None:
    schema = resolve(doc, f"#/components/schemas/{model}")["properties"][field]
    refs = [schema.get("$ref")] + [s.get("$ref") for s in schema.get("anyOf", [])]  # anyOf: nullable
    if target == "spec":
        assert schema["discriminator"]["propertyName"] == "kind", schema
        assert set(schema["discriminator"]["mapping"]) >= NATIVE_KINDS | DIALECT_KINDS
    else:
        assert f"#/components/schemas/{target}" in refs, schema
        native = resolve(doc, f"#/components/schemas/{target}")
        assert set(native["discriminator"]["mapping"]) >= NATIVE_KINDS
        assert not set(native["discriminator"]["mapping"]) & DIALECT_KINDS


def test_problem_errors_and_extension_members_are_typed(doc: dict[str, Any]) -> None:
    problem = resolve(doc, "#/components/schemas/Problem")
    errors = problem["properties"]["errors"]
    items = [s["items"] for s in errors.get("anyOf", [errors]) if s.get("type") == "array"]
    assert items and "$ref" in items[0], errors
    error = resolve(doc, items[0]["$ref"])
    assert set(error["required"]) == {"loc", "msg", "type"}, error
    for member in ("promised_step", "smallest_allowed_step", "current_etag"):
        assert member in problem["properties"], member
        assert member not in problem["required"]


@pytest.mark.parametrize(
    ("method", "path", "statuses", "headers"),
    [
        ("put", "/v1/schedules/{name}", ["200", "201"], {"ETag"}),
        ("get", "/v1/schedules/{name}", ["200", "304"], {"ETag", "X-LRS-Promised-Until"}),
        ("post", "/v1/schedules/{name}/revisions", ["201"], {"ETag"}),
    ],
)
def test_response_headers_are_declared(
    doc: dict[str, Any], method: str, path: str, statuses: list[str], headers: set[str]
) -> None:
    for status in statuses:
        declared = doc["paths"][path][method]["responses"][status].get("headers", {})
        assert set(declared) == headers, (status, declared)


def test_no_operation_declares_accept_as_a_parameter(doc: dict[str, Any]) -> None:
    """Content negotiation is the responses' media types; an ``accept`` parameter makes generated code
    send its own Accept and parse whatever comes back as JSON."""
    declared = [
        (m, p)
        for p, item in doc["paths"].items()
        for m, op in item.items()
        for param in op.get("parameters", [])
        if param["in"] == "header" and param["name"].lower() == "accept"
    ]
    assert declared == []


@pytest.mark.parametrize(
    ("method", "path", "media_types"),
    [
        ("post", "/v1/table", {"application/json", "text/csv", "application/x-npy"}),
        ("get", "/v1/schedules/{name}/table", {"application/json", "text/csv", "application/x-npy"}),
        ("post", "/v1/plot", {"image/svg+xml", "image/png"}),
        ("get", "/v1/schedules/{name}/plot.svg", {"image/svg+xml"}),
        ("get", "/v1/schedules/{name}/plot.png", {"image/png"}),
    ],
)
def test_negotiated_media_types_are_declared(
    doc: dict[str, Any], method: str, path: str, media_types: set[str]
) -> None:
    assert set(doc["paths"][path][method]["responses"]["200"]["content"]) == media_types


@pytest.mark.parametrize(
    ("path", "accept", "media_type"),
    [
        ("/v1/table", None, "application/json"),
        ("/v1/table", "text/csv", "text/csv; charset=utf-8"),
        ("/v1/table", "application/x-npy", "application/x-npy"),
        ("/v1/plot", None, "image/svg+xml"),
    ],
)
def test_the_accept_header_still_chooses_the_media_type(
    app_client: TestClient, path: str, accept: str | None, media_type: str
) -> None:
    body = {"schedule": {"kind": "constant", "lr": 0.1}, **({"stop": 3} if path == "/v1/table" else {})}
    r = app_client.post(path, json=body, headers={"Accept": accept} if accept else {})
    assert r.status_code == 200, r.text
    assert r.headers["content-type"] == media_type


def test_an_unservable_accept_is_still_406(app_client: TestClient) -> None:
    r = app_client.post(
        "/v1/table",
        json={"schedule": {"kind": "constant", "lr": 0.1}, "stop": 3},
        headers={"Accept": "image/gif"},
    )
    assert r.status_code == 406, r.text


# -- the spec union ----------------------------------------------------------------------------------

SPEC_BODIES = ["TableRequest", "LrRequest", "ScheduleIn", "RevisionIn"]


@pytest.mark.parametrize("model", SPEC_BODIES)
def test_the_spec_is_a_union_discriminated_on_kind(doc: dict[str, Any], model: str) -> None:
    schedule = resolve(doc, f"#/components/schemas/{model}")["properties"]["schedule"]
    if "$ref" in schedule:
        schedule = resolve(doc, schedule["$ref"])
    assert schedule["discriminator"]["propertyName"] == "kind"
    mapping = schedule["discriminator"]["mapping"]
    assert set(mapping) >= NATIVE_KINDS | DIALECT_KINDS, sorted(mapping)
    refs = {member["$ref"] for member in schedule["oneOf"]}
    for kind, ref in mapping.items():
        assert isinstance(ref, str), f"mapping[{kind!r}] is not a reference: OpenAPI wants a string"
        assert ref in refs, f"mapping[{kind!r}] = {ref} is not one of the oneOf members"
        member = resolve(doc, ref)
        # OpenAPI (and openapi-typescript): a mapping target is an object with the tag as a required property
        assert member["type"] == "object" and "kind" in member["required"], member
        assert member["properties"]["kind"]["const"] == kind, member
        if kind in DIALECT_KINDS:  # a union of its own, on the library's class name
            assert member["discriminator"]["propertyName"] == "name", member
            for inner in member["discriminator"]["mapping"].values():
                assert resolve(doc, inner)["properties"]["kind"]["const"] == kind


def test_the_discriminator_tags_match_the_members(doc: dict[str, Any]) -> None:
    """Every oneOf member of the union is reachable from the mapping (no member a client cannot name)."""
    schedule = resolve(doc, "#/components/schemas/LrRequest")["properties"]["schedule"]
    mapped = set(schedule["discriminator"]["mapping"].values())
    assert {member["$ref"] for member in schedule["oneOf"]} == mapped
