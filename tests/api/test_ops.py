"""Operations: liveness, readiness (503 when the store is gone), Prometheus metrics by route template,
the JSON access log (never the token), graceful SIGTERM, and the generated admin token."""

from __future__ import annotations

import json
import stat
import uuid
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from lrserve.api import create_app
from prometheus_client.parser import text_string_to_metric_families

from .._server import ADMIN, Server, admin, make_settings

COSINE = {"kind": "cosine_annealing", "base_lr": 0.1, "min_lr": 0.001, "t_max": 10}
LR_ROUTE = "/v1/schedules/{name}/lr"


def fresh() -> str:
    return f"t-{uuid.uuid4().hex[:10]}"


def assert_problem(r: Any, status: int) -> dict[str, Any]:
    assert r.status_code == status, r.text
    assert r.headers["content-type"] == "application/problem+json"
    body: dict[str, Any] = r.json()
    assert {"type", "title", "status", "detail"} <= body.keys(), body
    assert body["status"] == status
    return body


# -- health ------------------------------------------------------------------------------------------


def test_livez(http: Any) -> None:
    r = http.get("/livez")
    assert r.status_code == 200
    assert r.json() == {"status": "ok"}


def test_readyz(http: Any) -> None:
    r = http.get("/readyz")
    assert r.status_code == 200
    assert r.json() == {"status": "ok"}


def test_readyz_is_503_when_the_store_is_gone_and_livez_stays_200(app_client: TestClient) -> None:
    assert app_client.get("/readyz").status_code == 200
    app_client.app.state.lrs.store.close()  # type: ignore[attr-defined]  # the database is gone
    problem = assert_problem(app_client.get("/readyz"), 503)
    assert problem["detail"]
    assert app_client.get("/livez").status_code == 200  # alive: restarting would not help


def test_readyz_is_503_when_the_database_file_is_replaced_by_garbage(tmp_path: Path) -> None:
    """A real failure, not a closed object: the SQLite file is overwritten under the running app."""
    data = tmp_path / "data"
    with TestClient(create_app(make_settings(data)), raise_server_exceptions=False) as client:
        assert client.get("/readyz").status_code == 200
        for path in data.glob("lrs.sqlite3*"):
            path.write_bytes(b"this is not a database" * 512)
        assert_problem(client.get("/readyz"), 503)


# -- metrics -----------------------------------------------------------------------------------------


def scrape(http: Any) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    """``{(sample name, sorted labels): value}`` of one scrape."""
    r = http.get("/metrics")
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/plain")
    samples = {}
    for family in text_string_to_metric_families(r.text):
        for s in family.samples:
            samples[s.name, tuple(sorted(s.labels.items()))] = s.value
    return samples


def value(samples: dict[Any, float], name: str, **labels: str) -> float:
    return samples.get((name, tuple(sorted(labels.items()))), 0.0)


def test_metrics_count_requests_by_route_template(http: Any) -> None:
    name = fresh()
    assert http.put(f"/v1/schedules/{name}", json={"schedule": COSINE}, headers=admin()).status_code == 201
    before = scrape(http)
    for step in (1, 2, 2):
        assert http.get(f"/v1/schedules/{name}/lr", params={"step": step}).status_code == 200
    assert http.get(f"/v1/schedules/{name}/lr", params={"step": "x"}).status_code == 422
    after = scrape(http)

    ok = {"method": "GET", "route": LR_ROUTE, "status": "200"}
    assert value(after, "lrs_http_requests_total", **ok) - value(before, "lrs_http_requests_total", **ok) == 3
    bad = {**ok, "status": "422"}
    assert (
        value(after, "lrs_http_requests_total", **bad) - value(before, "lrs_http_requests_total", **bad) == 1
    )
    # the template, never the raw path: one series per route, whatever the names
    assert not [key for key in after if name in str(key)], "a schedule name became a label"

    timing = {"method": "GET", "route": LR_ROUTE}
    count = "lrs_http_request_duration_seconds_count"
    assert value(after, count, **timing) - value(before, count, **timing) == 4
    buckets = [
        v for (n, labels), v in after.items() if n.endswith("_bucket") and ("route", LR_ROUTE) in labels
    ]
    assert len(buckets) > 5, "a latency histogram with buckets"
    assert value(after, "lrs_http_request_duration_seconds_bucket", le="+Inf", **timing) == value(
        after, count, **timing
    )

    assert value(after, "lrs_schedules") >= 1
    assert value(after, "lrs_cache_hits_total") - value(before, "lrs_cache_hits_total") >= 1  # step 2, again


def test_metrics_do_not_grow_with_unknown_paths(http: Any) -> None:
    junk = uuid.uuid4().hex
    assert http.get(f"/{junk}").status_code == 404
    assert http.get(f"/v1/schedules/{junk}/nothing").status_code == 404
    samples = scrape(http)
    assert not [key for key in samples if junk in str(key)], "a raw path became a label"


def test_metrics_count_the_schedules_in_the_store(app_client: TestClient) -> None:
    assert value(scrape(app_client), "lrs_schedules") == 0
    for _ in range(3):
        r = app_client.put(f"/v1/schedules/{fresh()}", json={"schedule": COSINE}, headers=admin())
        assert r.status_code == 201
    assert value(scrape(app_client), "lrs_schedules") == 3


def test_an_app_started_twice_reports_each_metric_once(tmp_path: Path) -> None:
    """Restarting the lifespan of one app object (as test clients do) must not duplicate series."""
    app = create_app(make_settings(tmp_path / "data"))
    for _ in range(2):
        with TestClient(app) as client:
            text = client.get("/metrics").text
    gauges = [line for line in text.splitlines() if line.startswith("lrs_schedules ")]
    assert gauges == ["lrs_schedules 0.0"], gauges


# -- real server: access log, SIGTERM, generated token ----------------------------------------------


def access_lines(output: str) -> list[dict[str, Any]]:
    lines = []
    for line in output.splitlines():
        if line.startswith("{"):
            record = json.loads(line)
            if isinstance(record, dict) and "method" in record:
                lines.append(record)
    return lines


def test_access_log_is_one_json_line_per_request_without_the_token(tmp_path: Path) -> None:
    srv = Server(tmp_path / "data", env={"LRS_ACCESS_LOG": "true", "LRS_ADMIN_TOKEN": ADMIN}).start()
    name = fresh()
    try:
        with srv.client() as c:
            sent = [
                c.get("/livez", params={"probe": "0"}),
                c.put(
                    f"/v1/schedules/{name}", params={"probe": "1"}, json={"schedule": COSINE}, headers=admin()
                ),
                c.get(f"/v1/schedules/{name}/lr", params={"step": 3, "probe": "2"}),
                c.get(f"/v1/schedules/{name}/lr", params={"step": 4, "probe": "3"}, headers=admin()),
                c.get("/v1/schedules/missing/lr", params={"step": 1, "probe": "4"}),
                c.put(
                    f"/v1/schedules/{fresh()}",
                    params={"probe": "5"},
                    json={"schedule": COSINE},
                    headers={"Authorization": "Bearer wrong-token-for-tests"},
                ),
            ]
    finally:
        code = srv.stop()
    output = srv.output()
    assert code == 0, output
    assert [r.status_code for r in sent] == [200, 201, 200, 200, 404, 403]
    assert ADMIN not in output and "wrong-token-for-tests" not in output
    assert "Bearer" not in output and "authorization" not in output.lower()

    records = access_lines(output)
    for i, response in enumerate(sent):
        mine = [r for r in records if f"probe={i}" in r.get("query", "")]
        assert len(mine) == 1, (i, mine)
        record = mine[0]
        request = response.request
        assert record["method"] == request.method
        assert record["path"] == request.url.path
        assert record["status"] == response.status_code
        assert isinstance(record["duration_ms"], int | float) and record["duration_ms"] >= 0
    lr_records = [r for r in records if r["path"].endswith("/lr")]
    assert {r.get("route") for r in lr_records} == {LR_ROUTE}
    # every request the server answered is logged: the readiness polls of Server.start and ours
    assert len(records) == len([r for r in records if r["path"] == "/readyz"]) + len(sent)


def test_no_access_log_unless_asked(tmp_path: Path) -> None:
    srv = Server(tmp_path / "data", env={"LRS_ADMIN_TOKEN": ADMIN}).start()
    try:
        with srv.client() as c:
            assert c.get("/livez").status_code == 200
    finally:
        assert srv.stop() == 0
    assert access_lines(srv.output()) == []


def test_sigterm_while_idle_exits_0(tmp_path: Path) -> None:
    srv = Server(tmp_path / "data", env={"LRS_ADMIN_TOKEN": ADMIN}).start()
    assert srv.stop() == 0, srv.output()
    with pytest.raises(httpx.TransportError):
        httpx.get(srv.url + "/livez", timeout=1)


def test_sigterm_exits_0_with_two_workers(tmp_path: Path) -> None:
    srv = Server(tmp_path / "data", env={"LRS_ADMIN_TOKEN": ADMIN}, workers=2).start()
    with srv.client() as c:
        assert (
            c.put(f"/v1/schedules/{fresh()}", json={"schedule": COSINE}, headers=admin()).status_code == 201
        )
    assert srv.stop() == 0, srv.output()


def test_without_a_token_one_is_generated_kept_0600_and_reused(tmp_path: Path) -> None:
    data = tmp_path / "data"
    token_file = data / "admin-token"

    first = Server(data).start()  # no LRS_ADMIN_TOKEN (Server drops the LRS_* of this environment)
    try:
        assert token_file.exists(), first.output()
        assert stat.S_IMODE(token_file.stat().st_mode) == 0o600
        token = token_file.read_text().strip()
        assert len(token) >= 32
        bearer = {"Authorization": f"Bearer {token}"}
        with first.client() as c:
            assert c.put("/v1/schedules/one", json={"schedule": COSINE}).status_code == 401
            assert c.put("/v1/schedules/one", json={"schedule": COSINE}, headers=admin()).status_code == 403
            assert c.put("/v1/schedules/one", json={"schedule": COSINE}, headers=bearer).status_code == 201
    finally:
        assert first.stop() == 0
    output = first.output()
    assert str(token_file) in output, output  # where to find it
    assert token not in output  # never the token itself

    second = Server(data).start()
    try:
        with second.client() as c:
            assert c.put("/v1/schedules/two", json={"schedule": COSINE}, headers=bearer).status_code == 201
            assert c.get("/v1/schedules/one").status_code == 200
    finally:
        assert second.stop() == 0
    assert token_file.read_text().strip() == token
    assert stat.S_IMODE(token_file.stat().st_mode) == 0o600
    assert token not in second.output()
