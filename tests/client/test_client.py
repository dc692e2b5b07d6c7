"""The client against a real server process: every method, typed errors, retries, and RemoteSchedule's
local evaluation, horizon refresh, 304s, outage and cache file."""

from __future__ import annotations

import asyncio
import json
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import numpy as np
import pytest
from lrserve import evaluate
from lrserve.client import (
    APIError,
    AsyncClient,
    AuthError,
    BadRequestError,
    Client,
    ConflictError,
    Health,
    MalformedResponseError,
    NamedLR,
    NativeTranslation,
    NotFoundError,
    PreconditionError,
    RemoteSchedule,
    ScheduleCopy,
    ScheduleDocument,
    SpecLR,
    Status,
    TimelinePiece,
    UnavailableError,
)

from .._server import ADMIN, Server

LINEAR = {"kind": "linear", "start_lr": 0.2, "end_lr": 0.0, "steps": 1000}
CONSTANT = {"kind": "constant", "lr": 0.5}


@pytest.fixture
def client(server: Server) -> Iterator[Client]:
    with Client(server.url, ADMIN) as c:
        yield c


def fresh() -> str:
    return f"c-{uuid.uuid4().hex[:10]}"


def test_every_method_round_trips(client: Client) -> None:
    name = fresh()
    created = client.put_schedule(name, LINEAR, "from the client")
    assert isinstance(created, ScheduleDocument)
    assert created.schedule == LINEAR
    got = client.get_schedule(name)
    assert got is not None
    assert got.etag == created.etag
    assert client.get_schedule(name, etag=created.etag) is None  # 304
    assert client.lr(name, 10) == NamedLR(name, 10, evaluate(LINEAR, 10).item(), 1)
    table = client.table(LINEAR, stop=50, stride=7)
    np.testing.assert_array_equal(table.lr, evaluate(LINEAR, np.arange(0, 50, 7)))
    assert client.table(LINEAR, steps=[3, 1]).steps.tolist() == [3, 1]
    named = client.schedule_table(name, stop=60, start=40, stride=5)
    assert named.steps.tolist() == [40, 45, 50, 55]
    np.testing.assert_array_equal(named.lr, evaluate(LINEAR, [40, 45, 50, 55]))
    assert client.spec_lr(LINEAR, 7) == SpecLR(7, evaluate(LINEAR, 7).item())
    assert client.native(LINEAR) == NativeTranslation({**LINEAR, "end_lr": 0.0}, translated=False)
    curve = client.curve(LINEAR, stop=100, points=10)
    assert (curve.start, curve.stop) == (0, 100)
    np.testing.assert_array_equal(curve.lr, evaluate(LINEAR, curve.steps))
    assert client.livez() == Health("ok")
    assert client.ready() is True
    assert "lrs_http_requests_total" in client.metrics()
    with pytest.raises(ConflictError):  # the named table promised steps up to 55
        client.add_revision(name, CONSTANT, 55)
    revised = client.add_revision(name, CONSTANT, 500, "halfway")
    assert revised.timeline[-1] == TimelinePiece(from_step=500, revision=2)
    assert revised.revisions[-1].comment == "halfway"
    drawn = client.schedule_curve(name, stop=1000, points=10)
    assert (drawn.name, drawn.etag, drawn.timeline) == (name, revised.etag, revised.timeline)
    assert drawn.promised_step == 55
    replaced = client.put_schedule(name, LINEAR, "again", if_match=revised.etag, force=True)
    assert replaced.description == "again"
    assert name in [s.name for s in client.list_schedules(limit=1000).items]
    client.delete_schedule(name, replaced.etag)
    with pytest.raises(NotFoundError):
        client.get_schedule(name)


def test_errors_are_typed_and_carry_the_problem(client: Client, server: Server) -> None:
    name = fresh()
    client.put_schedule(name, LINEAR)
    client.lr(name, 300)
    with pytest.raises(ConflictError) as conflict:
        client.add_revision(name, CONSTANT, 200)
    assert conflict.value.status == 409
    assert conflict.value.smallest_allowed_step == 301
    assert conflict.value.problem.extensions["promised_step"] == 300
    assert conflict.value.problem.type == "urn:lrs:problem:promise-broken"
    with pytest.raises(PreconditionError) as precondition:
        client.put_schedule(name, CONSTANT)
    assert precondition.value.status == 428
    with pytest.raises(BadRequestError) as bad:
        client.table({"kind": "linear", "start_lr": -1}, stop=3)
    assert any(e.loc[:3] == ("body", "schedule", "start_lr") for e in bad.value.problem.errors)
    with Client(server.url, "wrong") as wrong, pytest.raises(AuthError) as auth:
        wrong.put_schedule(fresh(), LINEAR)
    assert auth.value.status == 403
    assert isinstance(auth.value, APIError)


def test_retries_honour_retry_after_then_succeed() -> None:
    calls: list[float] = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(time.monotonic())
        if len(calls) < 3:
            return httpx.Response(503, headers={"Retry-After": "0"}, json={"detail": "busy"})
        return httpx.Response(200, json={"name": "x", "step": 1, "lr": 0.1, "revision": 1})

    with Client("http://lrs.test", transport=httpx.MockTransport(handler), retries=3) as c:
        assert c.lr("x", 1).lr == 0.1
    assert len(calls) == 3


def test_retries_give_up_with_a_typed_error_and_do_not_retry_4xx() -> None:
    calls = 0

    def handler(request: httpx.Request) -> httpx.Response:
        nonlocal calls
        calls += 1
        status = 502 if request.url.path.endswith("/lr") else 404
        return httpx.Response(status, json={"detail": "nope"})

    with Client("http://lrs.test", transport=httpx.MockTransport(handler), retries=2, backoff=0.001) as c:
        with pytest.raises(UnavailableError) as exc:
            c.lr("x", 1)
        assert exc.value.status == 502
        assert calls == 3
        calls = 0
        with pytest.raises(NotFoundError):
            c.get_schedule("x")
        assert calls == 1


def test_connection_errors_are_retried_then_raised() -> None:
    calls = 0

    def handler(request: httpx.Request) -> httpx.Response:
        nonlocal calls
        calls += 1
        raise httpx.ConnectError("refused", request=request)

    client = Client("http://lrs.test", transport=httpx.MockTransport(handler), retries=2, backoff=0.001)
    with client, pytest.raises(httpx.ConnectError):
        client.lr("x", 1)
    assert calls == 3


def test_async_client(server: Server) -> None:
    async def run() -> None:
        async with AsyncClient(server.url, ADMIN) as c:
            name = fresh()
            created = await c.put_schedule(name, LINEAR)
            assert await c.get_schedule(name, etag=created.etag) is None
            assert (await c.lr(name, 5)).lr == evaluate(LINEAR, 5)
            with pytest.raises(ConflictError):
                await c.add_revision(name, CONSTANT, 5)
            assert (await c.add_revision(name, CONSTANT, 6)).revision == 2
            assert (await c.table(CONSTANT, steps=[1])).lr.tolist() == [0.5]
            named = await c.schedule_table(name, stop=9, start=6)
            assert (named.steps.tolist(), named.lr.tolist()) == ([6, 7, 8], [0.5, 0.5, 0.5])
            assert await c.spec_lr(LINEAR, 3) == SpecLR(3, evaluate(LINEAR, 3).item())
            assert (await c.native(CONSTANT)).schedule == CONSTANT
            assert (await c.curve(CONSTANT, stop=5)).lr.tolist() == [0.5] * 5
            assert (await c.schedule_curve(name, stop=9)).timeline[-1] == TimelinePiece(6, 2)
            assert await c.livez() == Health("ok")
            assert await c.ready() is True
            assert "lrs_http_requests_total" in await c.metrics()
            listed = await c.list_schedules(limit=1000)
            assert name in [s.name for s in listed.items]
            current = await c.get_schedule(name)
            assert current is not None
            await c.delete_schedule(name, current.etag)

    asyncio.run(run())


# -- RemoteSchedule -----------------------------------------------------------------------------------


def test_remote_schedule_evaluates_locally_like_the_server(client: Client, server: Server) -> None:
    name = fresh()
    client.put_schedule(name, LINEAR)
    client.add_revision(name, CONSTANT, 2000)
    with RemoteSchedule(server.url, name, horizon=100, background=False) as rs:
        assert rs.status is Status.READY
        assert rs.copy.promised_until == 100
        steps = np.arange(0, 3000, 37)
        expected = np.where(steps < 2000, evaluate(LINEAR, steps), 0.5)
        np.testing.assert_array_equal([rs.lr(int(s)) for s in steps], expected)
        np.testing.assert_array_equal(rs.copy.table(steps), expected)
        assert rs.revision_at(1999) == 1
        assert rs.revision_at(2000) == 2
    # the fetch promised the horizon: no revision may land inside it
    with pytest.raises(ConflictError):
        client.add_revision(name, CONSTANT, 100)


def test_a_revision_reaches_the_job_before_its_step(client: Client, server: Server) -> None:
    name = fresh()
    client.put_schedule(name, LINEAR)
    with RemoteSchedule(server.url, name, horizon=40, refresh_seconds=60) as rs:
        # Each training step here is faster than a fetch; a real one is slower. So when a step asks the
        # refresh thread to refetch (it passed half of the horizon), the loop waits for that refresh: the
        # thread, not the test, calls refresh(), and a refresh that never comes fails the test.
        refreshed = threading.Condition()
        refresh = rs.refresh

        def refresh_and_notify(step: int | None = None) -> bool:
            ok = refresh(step)
            with refreshed:
                refreshed.notify_all()
            return ok

        rs.refresh = refresh_and_notify  # type: ignore[method-assign]

        def refetched(step: int) -> bool:
            until = rs.copy.promised_until
            return until is not None and until - step > rs.horizon // 2

        seen: dict[int, float] = {}
        revision_step = None
        for step in range(400):
            if step == 50:
                # the operator's change, effective at the first step the server still allows
                try:
                    client.add_revision(name, CONSTANT, step + 1)
                    revision_step = step + 1
                except ConflictError as exc:
                    revision_step = exc.smallest_allowed_step
                    assert revision_step is not None
                    client.add_revision(name, CONSTANT, revision_step)
            seen[step] = rs.lr(step)
            with refreshed:
                assert refreshed.wait_for(lambda step=step: refetched(step), timeout=30), (
                    step,
                    rs.last_error,
                )
        assert revision_step is not None
        assert rs.status is Status.READY
    for step, lr in seen.items():
        assert lr == (0.5 if step >= revision_step else evaluate(LINEAR, step)), step


def test_304_keeps_the_copy_and_extends_the_horizon(client: Client, server: Server) -> None:
    name = fresh()
    client.put_schedule(name, LINEAR)
    with RemoteSchedule(server.url, name, horizon=100, background=False) as rs:
        first = rs.copy
        assert rs.refresh(500)
        assert rs.copy.etag == first.etag
        assert rs.copy.compiled is first.compiled  # not refetched: the server said 304
        assert rs.copy.promised_until == 600
        assert promised_step(client, name) == 600


def test_outage_keeps_the_last_copy_and_the_cache_file(tmp_path: Path) -> None:
    srv = Server(tmp_path / "data", env={"LRS_ADMIN_TOKEN": ADMIN}).start()
    cache = tmp_path / "schedule.json"
    try:
        with Client(srv.url, ADMIN) as c:
            c.put_schedule("job", LINEAR)
        rs = RemoteSchedule(srv.url, "job", horizon=50, refresh_seconds=0.05, cache_path=cache, timeout=0.5)
    finally:
        srv.kill()
    try:
        for step in range(0, 400):  # far past the horizon, with refreshes failing behind it
            assert rs.lr(step) == evaluate(LINEAR, step)
        assert rs.refresh() is False
        assert rs.status is Status.STALE
        assert rs.last_error is not None
        assert rs.age > 0
    finally:
        rs.close()
    # a new job with the server down starts from the cache file
    with RemoteSchedule(srv.url, "job", cache_path=cache, timeout=0.5, background=False) as again:
        assert again.status is Status.STALE
        assert again.lr(123) == evaluate(LINEAR, 123)
    with pytest.raises(ConnectionError, match="could not fetch"):
        RemoteSchedule(srv.url, "job", timeout=0.5, background=False)


def test_copies_survive_a_round_trip_through_json(client: Client) -> None:
    name = fresh()
    client.put_schedule(
        name, {"kind": "torch", "name": "LinearLR", "base_lr": 0.2, "args": {"total_iters": 40}}
    )
    client.add_revision(name, CONSTANT, 10)
    body = client.get_schedule(name)
    assert body is not None
    copy = ScheduleCopy.from_document(body, 50, 1.0)
    again = ScheduleCopy.from_dict(json.loads(json.dumps(copy.to_dict())))
    assert again.document == body  # the same typed document, back from plain JSON
    torch_spec = body.revisions[0].schedule
    assert [again.lr(s) for s in (0, 9, 10, 99)] == [*evaluate(torch_spec, [0, 9]), 0.5, 0.5]
    assert [again.revision_at(s) for s in (0, 9, 10)] == [1, 1, 2]
    assert again.etag == body.etag
    assert again.promised_until == 50
    without = {k: v for k, v in copy.to_dict().items() if k != "fetched_at"}
    with pytest.raises(MalformedResponseError, match="malformed schedule copy: fetched_at is missing"):
        ScheduleCopy.from_dict(without)


def test_a_copy_the_client_cannot_evaluate_keeps_the_last_good_one(client: Client) -> None:
    """A body without the native translations (say, from an older server) is a failed refresh, not a
    crash of the refresh thread or the training step."""
    name = fresh()
    client.put_schedule(name, LINEAR)

    def without_native(request: httpx.Request) -> httpx.Response:
        """The real server's answer (never a 304), with the revisions' native translations taken out."""
        answer = client.http.get(request.url.path, params=request.url.params)
        body = answer.json()
        for r in body["revisions"]:
            del r["native"]
        return httpx.Response(answer.status_code, json=body)

    with RemoteSchedule(client.url, name, background=False) as remote:
        good = remote.copy
        remote.client.close()
        remote.client = Client(client.url, transport=httpx.MockTransport(without_native), retries=0)
        assert remote.refresh() is False
        assert remote.copy is good
        assert remote.status is Status.STALE
        assert "MalformedResponseError" in (remote.last_error or "")
        assert "revisions[0].native is missing" in (remote.last_error or "")
        assert remote.lr(5) == evaluate(LINEAR, 5)


def test_the_server_caps_the_horizon_and_the_client_believes_it(client: Client, server: Server) -> None:
    name = fresh()
    client.put_schedule(name, LINEAR)
    with RemoteSchedule(server.url, name, horizon=10**7, background=False) as rs:
        assert rs.copy.promised_until == 100_000  # LRS_MAX_HORIZON, not what was asked
        rs.observe(49_999)
        assert not rs._wake.is_set()  # no refetch before half of what was granted
        rs.observe(50_000)
        assert rs._wake.is_set()
        assert rs.refresh(50_000)  # a 304: the granted horizon, not the asked one
        assert rs.copy.promised_until == 150_000
        assert promised_step(client, name) == 150_000


def promised_step(client: Client, name: str) -> int:
    body = client.get_schedule(name)
    assert body is not None
    return body.promised_step
