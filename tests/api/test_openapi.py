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

from .conftest import REPO

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


def test_writes_and_reads_declare_bearer_auth(doc: dict[str, Any]) -> None:
    schemes = doc["components"]["securitySchemes"]
    bearer = [name for name, s in schemes.items() if s["type"] == "http" and s["scheme"].lower() == "bearer"]
    assert bearer, schemes
    for method, path in OPERATIONS:
        if path.startswith("/v1/"):
            security = doc["paths"][path][method].get("security", [])
            assert any(set(s) & set(bearer) for s in security), f"{method.upper()} {path}: {security}"


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
        if kind in DIALECT_KINDS:  # a union of its own, on the library's class name
            assert member["discriminator"]["propertyName"] == "name", member
            for inner in member["discriminator"]["mapping"].values():
                assert resolve(doc, inner)["properties"]["kind"]["const"] == kind
        else:
            assert member["properties"]["kind"]["const"] == kind, member


def test_the_discriminator_tags_match_the_members(doc: dict[str, Any]) -> None:
    """Every oneOf member of the union is reachable from the mapping (no member a client cannot name)."""
    schedule = resolve(doc, "#/components/schemas/LrRequest")["properties"]["schedule"]
    mapped = set(schedule["discriminator"]["mapping"].values())
    assert {member["$ref"] for member in schedule["oneOf"]} == mapped
