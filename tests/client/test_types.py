"""The client's typed answers: each ``from_json`` reads what a real server sends (every field, and back to
the same JSON), and a malformed body is a :class:`MalformedResponseError` naming the field, not a
``KeyError`` from deep inside a caller."""

from __future__ import annotations

import copy
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import numpy as np
import pytest
from lrserve import evaluate
from lrserve.client import (
    AsyncClient,
    BadRequestError,
    Client,
    ConflictError,
    Curve,
    FieldError,
    Health,
    MalformedResponseError,
    NamedCurve,
    NamedLR,
    NativeTranslation,
    NotFoundError,
    Problem,
    Revision,
    ScheduleDocument,
    SchedulePage,
    ScheduleSummary,
    SpecLR,
    Table,
    TimelinePiece,
    UnavailableError,
)

from .._server import ADMIN, Server

STEP_LR = {"kind": "torch", "name": "StepLR", "base_lr": 0.1, "args": {"step_size": 10, "gamma": 0.5}}
CONSTANT = {"kind": "constant", "lr": 0.5}


@pytest.fixture(scope="module")
def raw(server: Server) -> Iterator[httpx.Client]:
    """Plain httpx against the real server: the bodies exactly as it sends them."""
    with httpx.Client(base_url=server.url, headers={"Authorization": f"Bearer {ADMIN}"}) as http:
        yield http


@pytest.fixture(scope="module")
def name(raw: httpx.Client) -> str:
    """A dialect schedule with a revision, whose first 20 steps were served."""
    name = f"t-{uuid.uuid4().hex[:10]}"
    raw.put(f"/v1/schedules/{name}", json={"schedule": STEP_LR, "description": "typed"}).raise_for_status()
    raw.get(f"/v1/schedules/{name}/lr", params={"step": 20}).raise_for_status()
    body = {"schedule": CONSTANT, "effective_from_step": 30, "comment": "hold"}
    raw.post(f"/v1/schedules/{name}/revisions", json=body).raise_for_status()
    return name


def ok(response: httpx.Response) -> Any:
    assert response.status_code == 200, response.text
    return response.json()


# -- every type reads a real server's answer -----------------------------------------------------------


def test_a_schedule_document_reads_every_field_and_gives_back_the_same_json(
    raw: httpx.Client, name: str
) -> None:
    body = ok(raw.get(f"/v1/schedules/{name}", params={"step": 25, "horizon": 3}))
    doc = ScheduleDocument.from_json(body)
    assert doc.to_json() == body
    assert list(doc.to_json()) == list(body)  # the server's field order, for `lrs get --json`
    assert (doc.name, doc.description, doc.revision, doc.promised_step) == (name, "typed", 2, 28)
    assert doc.promised_until == 28 and doc.etag == body["etag"]
    assert doc.schedule == CONSTANT and doc.native is None  # the latest revision is native
    assert doc.timeline == (TimelinePiece(0, 1), TimelinePiece(30, 2))
    first = doc.revisions[0]
    assert isinstance(first, Revision)
    assert (first.revision, first.effective_from_step, first.schedule, first.forced) == (1, 0, STEP_LR, False)
    assert first.native["kind"] == "step"  # the translation the numpy core compiles
    assert doc.revisions[1].comment == "hold"
    assert (doc.created_at, doc.updated_at) == (body["created_at"], body["updated_at"])


def test_a_schedule_list_page(raw: httpx.Client, name: str) -> None:
    body = ok(raw.get("/v1/schedules", params={"limit": 1000}))
    page = SchedulePage.from_json(body)
    assert page.to_json() == body
    summary = next(s for s in page.items if s.name == name)
    assert isinstance(summary, ScheduleSummary)
    assert (summary.revisions, summary.description) == (2, "typed")
    assert page.next_after is None


@pytest.mark.parametrize(
    ("method", "path", "json", "parse", "expected"),
    [
        ("GET", "/v1/schedules/{name}/lr?step=15", None, NamedLR.from_json, NamedLR("{name}", 15, 0.05, 1)),
        ("POST", "/v1/lr", {"schedule": STEP_LR, "step": 10}, SpecLR.from_json, SpecLR(10, 0.05)),
        (
            "POST",
            "/v1/native",
            {"schedule": STEP_LR},
            NativeTranslation.from_json,
            NativeTranslation({"kind": "step", "base_lr": 0.1, "step_size": 10, "factor": 0.5}, True),
        ),
        ("GET", "/livez", None, Health.from_json, Health("ok")),
        ("GET", "/readyz", None, Health.from_json, Health("ok")),
    ],
    ids=["named-lr", "spec-lr", "native", "livez", "readyz"],
)
def test_small_answers(
    raw: httpx.Client,
    name: str,
    method: str,
    path: str,
    json: Any,
    parse: Callable[[object], Any],
    expected: Any,
) -> None:
    body = ok(raw.request(method, path.format(name=name), json=json))
    parsed = parse(body)
    if isinstance(expected, NamedLR):
        expected = NamedLR(name, expected.step, expected.lr, expected.revision)
    if isinstance(expected, NativeTranslation):  # every default filled in: compare what the test names
        assert parsed.translated and {k: parsed.schedule[k] for k in expected.schedule} == expected.schedule
    else:
        assert parsed == expected
    assert parsed.to_json() == body


def test_tables_are_read_only_numpy_arrays(raw: httpx.Client, name: str) -> None:
    for body in (
        ok(raw.post("/v1/table", json={"schedule": STEP_LR, "start": 5, "stop": 40, "stride": 5})),
        ok(raw.get(f"/v1/schedules/{name}/table", params={"start": 5, "stop": 30, "stride": 5})),
    ):
        table = Table.from_json(body)
        assert table.steps.dtype == np.int64 and table.lr.dtype == np.float64
        assert table.steps.tolist() == body["steps"] and table.lr.tolist() == body["lr"]
        np.testing.assert_array_equal(table.lr, evaluate(STEP_LR, table.steps))
        with pytest.raises(ValueError, match="read-only"):
            table.lr[0] = 1.0


def test_curves(raw: httpx.Client, name: str) -> None:
    body = ok(raw.post("/v1/curve", json={"schedule": STEP_LR, "stop": 50, "points": 10}))
    curve = Curve.from_json(body)
    assert (curve.start, curve.stop, curve.steps.tolist(), curve.lr.tolist()) == (
        0,
        50,
        body["steps"],
        body["lr"],
    )
    body = ok(raw.get(f"/v1/schedules/{name}/curve", params={"stop": 60, "points": 10}))
    named = NamedCurve.from_json(body)
    assert isinstance(named, Curve)
    assert (named.name, named.etag, named.promised_step) == (name, body["etag"], body["promised_step"])
    assert named.timeline == (TimelinePiece(0, 1), TimelinePiece(30, 2))
    np.testing.assert_array_equal(named.lr, np.where(named.steps < 30, evaluate(STEP_LR, named.steps), 0.5))


def test_problems_of_a_real_server(raw: httpx.Client, name: str) -> None:
    response = raw.post(
        f"/v1/schedules/{name}/revisions", json={"schedule": CONSTANT, "effective_from_step": 5}
    )
    assert response.status_code == 409
    problem = Problem.from_json(response.json())
    assert (problem.status, problem.type, problem.title) == (
        409,
        "urn:lrs:problem:promise-broken",
        "Conflict",
    )
    assert problem.instance == f"/v1/schedules/{name}/revisions"
    assert problem.extensions["smallest_allowed_step"] == 29 and problem.errors == ()
    response = raw.post("/v1/lr", json={"schedule": {"kind": "constant", "lr": -1}, "step": 0})
    assert response.status_code == 422
    problem = Problem.from_json(response.json())
    assert problem.errors and all(isinstance(e, FieldError) for e in problem.errors)
    assert problem.errors[0].loc[:3] == ("body", "schedule", "lr")
    assert problem.errors[0].msg and problem.errors[0].type
    assert problem.errors[0].to_json() == response.json()["errors"][0]


def test_the_client_raises_errors_that_carry_the_typed_problem(server: Server, name: str) -> None:
    with Client(server.url, ADMIN) as client:
        with pytest.raises(ConflictError) as conflict:
            client.add_revision(name, CONSTANT, 5)
        assert conflict.value.smallest_allowed_step == 29
        assert isinstance(conflict.value.problem, Problem)
        with pytest.raises(NotFoundError) as missing:
            client.get_schedule("no-such-schedule")
        assert missing.value.problem.status == 404 and "no-such-schedule" in missing.value.problem.detail


# -- a malformed body is a clear error ------------------------------------------------------------------

DOCUMENT: dict[str, Any] = {
    "name": "x",
    "description": "",
    "etag": '"7"',
    "revision": 1,
    "schedule": CONSTANT,
    "native": None,
    "revisions": [
        {
            "revision": 1,
            "effective_from_step": 0,
            "schedule": CONSTANT,
            "native": CONSTANT,
            "created_at": "2026-01-01T00:00:00Z",
            "comment": "",
            "forced": False,
        }
    ],
    "timeline": [{"from_step": 0, "revision": 1}],
    "promised_step": -1,
    "promised_until": None,
    "created_at": "2026-01-01T00:00:00Z",
    "updated_at": "2026-01-01T00:00:00Z",
}


def changed(body: dict[str, Any], change: Callable[[dict[str, Any]], object]) -> dict[str, Any]:
    out = copy.deepcopy(body)
    change(out)
    return out


def mock(body: Any, status: int = 200) -> Client:
    """A client whose server answers every request with ``body`` (bytes: as they are; else JSON)."""

    def handler(request: httpx.Request) -> httpx.Response:
        if isinstance(body, bytes):
            return httpx.Response(status, content=body)
        return httpx.Response(status, json=body)

    return Client("http://lrs.test", transport=httpx.MockTransport(handler), retries=0)


def test_a_well_formed_document_parses_and_unknown_fields_are_ignored() -> None:
    with mock({**DOCUMENT, "a_field_of_a_newer_server": 1}) as client:
        doc = client.get_schedule("x")
    assert doc is not None and doc.to_json() == DOCUMENT


MALFORMED: list[tuple[str, Callable[[Client], object], Any, str]] = [
    (
        "missing field",
        lambda c: c.get_schedule("x"),
        changed(DOCUMENT, lambda d: d.pop("etag")),
        "malformed schedule: etag is missing",
    ),
    (
        "nested missing field",
        lambda c: c.get_schedule("x"),
        changed(DOCUMENT, lambda d: d["revisions"][0].pop("native")),
        "malformed schedule: revisions[0].native is missing",
    ),
    (
        "wrong type",
        lambda c: c.put_schedule("x", CONSTANT),
        changed(DOCUMENT, lambda d: d.update(promised_step="12")),
        "malformed schedule: promised_step is a string, not an integer",
    ),
    (
        "object expected",
        lambda c: c.add_revision("x", CONSTANT, 3),
        changed(DOCUMENT, lambda d: d["revisions"][0].update(native=[1])),
        "malformed schedule: revisions[0].native is an array, not an object",
    ),
    (
        "timeline names an unknown revision",
        lambda c: c.get_schedule("x"),
        changed(DOCUMENT, lambda d: d["timeline"].append({"from_step": 9, "revision": 4})),
        "malformed schedule: timeline[1].revision is 4, which is not among the revisions",
    ),
    (
        "a boolean is not an integer",
        lambda c: c.lr("x", 1),
        {"name": "x", "step": True, "lr": 0.1, "revision": 1},
        "malformed named LR: step is a boolean, not an integer",
    ),
    (
        "a string is not a number",
        lambda c: c.spec_lr(CONSTANT, 1),
        {"step": 1, "lr": "0.1"},
        "lr is a string",
    ),
    (
        "list item",
        lambda c: c.list_schedules(),
        {"items": [{"name": "x"}], "next_after": None},
        "malformed schedule list: items[0].description is missing",
    ),
    (
        "table of unequal lengths",
        lambda c: c.table(CONSTANT, stop=3),
        {"steps": [0, 1, 2], "lr": [0.5, 0.5]},
        "malformed table: lr has 2 values for 3 steps",
    ),
    (
        "steps that are not integers",
        lambda c: c.schedule_table("x", stop=2),
        {"steps": [0, 1.5], "lr": [0.5, 0.5]},
        "malformed table: steps is not an array of integers",
    ),
    (
        "LRs that are not numbers",
        lambda c: c.curve(CONSTANT),
        {"start": 0, "stop": 2, "steps": [0, 1], "lr": [0.5, None]},
        "malformed curve: lr is not an array of numbers",
    ),
    (
        "named curve",
        lambda c: c.schedule_curve("x"),
        {"start": 0, "stop": 1, "steps": [0], "lr": [0.5], "name": "x", "etag": '"1"', "promised_step": -1},
        "malformed named curve: timeline is missing",
    ),
    (
        "native translation",
        lambda c: c.native(CONSTANT),
        {"schedule": CONSTANT, "translated": "no"},
        "malformed native translation: translated is a string, not a boolean",
    ),
    ("health", lambda c: c.livez(), {"status": None}, "malformed health: status is null, not a string"),
    ("not an object", lambda c: c.get_schedule("x"), [DOCUMENT], "malformed schedule: the body is an array"),
    (
        "not JSON",
        lambda c: c.lr("x", 1),
        b"<html>hello</html>",
        "the body of GET /v1/schedules/x/lr is not JSON",
    ),
]


@pytest.mark.parametrize(
    ("call", "body", "message"), [m[1:] for m in MALFORMED], ids=[m[0] for m in MALFORMED]
)
def test_a_malformed_body_names_the_field(call: Callable[[Client], object], body: Any, message: str) -> None:
    with (
        mock(body) as client,
        pytest.raises(MalformedResponseError, match=message.replace("[", r"\[")) as exc,
    ):
        call(client)
    assert isinstance(exc.value, ValueError)  # what callers that tolerate a bad answer already catch


def test_the_async_client_reads_the_same_way() -> None:
    import asyncio

    def handler(request: httpx.Request) -> httpx.Response:
        body = DOCUMENT if request.url.path == "/v1/schedules/x" else {"name": "x", "step": 1, "lr": 0.1}
        return httpx.Response(200, json=body)

    async def run() -> None:
        async with AsyncClient("http://lrs.test", transport=httpx.MockTransport(handler), retries=0) as c:
            doc = await c.get_schedule("x")
            assert doc is not None and doc.to_json() == DOCUMENT
            with pytest.raises(MalformedResponseError, match="named LR: revision is missing"):
                await c.lr("x", 1)

    asyncio.run(run())


@pytest.mark.parametrize(
    ("status", "body", "cls", "problem"),
    [
        (
            502,
            b"<html>bad gateway</html>",
            UnavailableError,
            Problem("about:blank", "Bad Gateway", 502, "<html>bad gateway</html>"),
        ),
        (
            422,
            {"detail": "no type"},
            BadRequestError,
            Problem("about:blank", "Unprocessable Entity", 422, '{"detail":"no type"}'),
        ),
        (
            422,
            {
                "type": "urn:x",
                "title": "Bad",
                "status": 422,
                "detail": "d",
                "errors": [{"loc": ["body"], "msg": "m", "type": "t"}],
            },
            BadRequestError,
            Problem("urn:x", "Bad", 422, "d", (FieldError(("body",), "m", "t"),)),
        ),
    ],
    ids=["proxy-page", "not-a-problem", "problem"],
)
def test_an_error_answer_is_always_a_typed_api_error(
    status: int, body: Any, cls: type[Exception], problem: Problem
) -> None:
    """A body that is not a problem (a proxy's page) still gives the error of its status, its text kept."""
    with mock(body, status) as client, pytest.raises(cls) as exc:
        client.lr("x", 1)
    assert exc.value.problem == problem  # type: ignore[attr-defined]
