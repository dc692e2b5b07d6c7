"""Named schedules over HTTP: create/replace with ETags, history, LRs, tables, revisions and promises,
auth. Every test runs in-process and against a real server process."""

from __future__ import annotations

import io
import uuid
from typing import Any

import numpy as np
import pytest
from fastapi.testclient import TestClient
from lrserve import evaluate, to_native

from .._server import ADMIN, READ, admin, make_settings

COSINE = {"kind": "cosine_annealing", "base_lr": 0.1, "min_lr": 0.001, "t_max": 10}
CONSTANT = {"kind": "constant", "lr": 0.5}
LINEAR = {"kind": "linear", "start_lr": 0.2, "end_lr": 0.0, "steps": 1000}
TORCH = {"kind": "torch", "name": "StepLR", "base_lr": 0.1, "args": {"step_size": 3, "gamma": 0.5}}


def fresh() -> str:
    return f"t-{uuid.uuid4().hex[:10]}"


def create(http: Any, spec: dict[str, Any] = COSINE, description: str = "") -> tuple[str, dict[str, Any]]:
    name = fresh()
    r = http.put(
        f"/v1/schedules/{name}", json={"schedule": spec, "description": description}, headers=admin()
    )
    assert r.status_code == 201, r.text
    return name, r.json()


def lr(http: Any, name: str, step: int) -> dict[str, Any]:
    r = http.get(f"/v1/schedules/{name}/lr", params={"step": step})
    assert r.status_code == 200, r.text
    body: dict[str, Any] = r.json()
    return body


def revise(http: Any, name: str, spec: dict[str, Any], at: int, **extra: Any) -> Any:
    body = {"schedule": spec, "effective_from_step": at, **extra}
    return http.post(f"/v1/schedules/{name}/revisions", json=body, headers=admin())


# -- create, read, replace, delete ------------------------------------------------------------------


def test_create_then_read_back_exactly(http: Any) -> None:
    spec = {**COSINE, "base_lr": 0.1 + 1e-17, "min_lr": 1e-300}
    name, created = create(http, spec, "the team's cosine")
    r = http.get(f"/v1/schedules/{name}")
    assert r.status_code == 200
    assert r.headers["etag"] == created["etag"]
    body = r.json()
    assert body["schedule"] == spec
    assert body["description"] == "the team's cosine"
    assert body["native"] is None
    assert body["revision"] == 1
    assert body["timeline"] == [{"from_step": 0, "revision": 1}]
    assert [r["schedule"] for r in body["revisions"]] == [spec]
    assert body["promised_step"] == -1


def test_a_dialect_schedule_shows_its_native_translation(http: Any) -> None:
    _name, created = create(http, TORCH)
    assert created["schedule"] == TORCH
    assert created["native"] == to_native(TORCH).model_dump(mode="json")
    assert created["native"]["kind"] != "torch"


def test_lr_matches_the_engine_and_names_the_revision(http: Any) -> None:
    name, _ = create(http, COSINE)
    for step, expected in [(0, 0.1), (5, 0.0505), (10, 0.001), (10_000, 0.001)]:
        body = lr(http, name, step)
        assert body == {"name": name, "step": step, "lr": pytest.approx(expected, abs=1e-15), "revision": 1}
        assert body["lr"] == evaluate(COSINE, step)


def test_put_on_an_existing_name_needs_if_match(http: Any) -> None:
    name, created = create(http, COSINE)
    again = http.put(f"/v1/schedules/{name}", json={"schedule": CONSTANT}, headers=admin())
    assert again.status_code == 428
    assert again.headers["content-type"] == "application/problem+json"
    stale = http.put(
        f"/v1/schedules/{name}", json={"schedule": CONSTANT}, headers=admin(**{"If-Match": '"999999"'})
    )
    assert stale.status_code == 412
    assert stale.json()["current_etag"] == created["etag"]
    ok = http.put(
        f"/v1/schedules/{name}",
        json={"schedule": CONSTANT, "description": "now constant"},
        headers=admin(**{"If-Match": created["etag"]}),
    )
    assert ok.status_code == 200, ok.text
    assert ok.headers["etag"] != created["etag"]
    assert ok.json()["schedule"] == CONSTANT
    assert lr(http, name, 5)["lr"] == 0.5
    # the old ETag no longer matches
    again = http.put(
        f"/v1/schedules/{name}", json={"schedule": COSINE}, headers=admin(**{"If-Match": created["etag"]})
    )
    assert again.status_code == 412


def test_replacing_a_served_schedule_is_refused_unless_forced(http: Any) -> None:
    name, _created = create(http, COSINE)
    lr(http, name, 7)
    etag = http.get(f"/v1/schedules/{name}").headers["etag"]
    r = http.put(f"/v1/schedules/{name}", json={"schedule": CONSTANT}, headers=admin(**{"If-Match": etag}))
    assert r.status_code == 409
    assert r.json()["smallest_allowed_step"] == 8
    assert lr(http, name, 7)["lr"] == evaluate(COSINE, 7)
    # the description alone may change: the LRs do not
    r = http.put(
        f"/v1/schedules/{name}",
        json={"schedule": COSINE, "description": "renamed"},
        headers=admin(**{"If-Match": etag}),
    )
    assert r.status_code == 200
    assert r.json()["revision"] == 1
    forced = http.put(
        f"/v1/schedules/{name}",
        json={"schedule": CONSTANT, "force": True},
        headers=admin(**{"If-Match": r.headers["etag"]}),
    )
    assert forced.status_code == 200
    assert forced.json()["revisions"][-1]["forced"] is True
    assert lr(http, name, 7)["lr"] == 0.5


def test_delete_needs_if_match_and_then_the_name_is_gone(http: Any) -> None:
    name, created = create(http, COSINE)
    assert http.delete(f"/v1/schedules/{name}", headers=admin()).status_code == 428
    assert http.delete(f"/v1/schedules/{name}", headers=admin(**{"If-Match": '"0"'})).status_code == 412
    assert (
        http.delete(f"/v1/schedules/{name}", headers=admin(**{"If-Match": created["etag"]})).status_code
        == 204
    )
    assert http.get(f"/v1/schedules/{name}").status_code == 404
    assert http.get(f"/v1/schedules/{name}/lr", params={"step": 1}).status_code == 404
    # a new schedule of the same name never reuses the old ETag
    r = http.put(f"/v1/schedules/{name}", json={"schedule": CONSTANT}, headers=admin())
    assert r.status_code == 201
    assert r.headers["etag"] != created["etag"]
    assert lr(http, name, 1)["lr"] == 0.5


def test_list_pages_in_name_order() -> None:
    # its own app: the shared server holds other tests' schedules
    import tempfile
    from pathlib import Path

    from lrserve.api import create_app

    with tempfile.TemporaryDirectory() as tmp, TestClient(create_app(make_settings(Path(tmp)))) as http:
        names = sorted(f"s{i:02d}" for i in range(7))
        for name in reversed(names):
            assert (
                http.put(f"/v1/schedules/{name}", json={"schedule": CONSTANT}, headers=admin()).status_code
                == 201
            )
        seen, after = [], None
        while True:
            params: dict[str, Any] = {"limit": 3, **({"after": after} if after else {})}
            page = http.get("/v1/schedules", params=params).json()
            seen += [item["name"] for item in page["items"]]
            assert len(page["items"]) <= 3
            after = page["next_after"]
            if after is None:
                break
        assert seen == names
        assert http.get("/v1/schedules", params={"limit": 0}).status_code == 422


def test_table_of_a_named_schedule(http: Any) -> None:
    name, _ = create(http, LINEAR)
    r = http.get(f"/v1/schedules/{name}/table", params={"start": 10, "stop": 900, "stride": 10})
    assert r.status_code == 200
    np.testing.assert_array_equal(np.array(r.json()["lr"]), evaluate(LINEAR, np.arange(10, 900, 10)))
    npy = http.get(
        f"/v1/schedules/{name}/table", params={"stop": 100}, headers={"Accept": "application/x-npy"}
    )
    np.testing.assert_array_equal(np.load(io.BytesIO(npy.content)), evaluate(LINEAR, np.arange(100)))
    # the table promised its last step
    assert http.get(f"/v1/schedules/{name}").json()["promised_step"] == 890
    assert http.get(f"/v1/schedules/{name}/table", params={"stop": 2_000_000}).status_code == 413


# -- revisions and promises -------------------------------------------------------------------------


def test_a_revision_takes_over_from_its_step_at_the_absolute_step(http: Any) -> None:
    name, _ = create(http, LINEAR)
    assert lr(http, name, 100)["lr"] == evaluate(LINEAR, 100)
    r = revise(http, name, COSINE | {"t_max": 2000}, 500, comment="slower decay")
    assert r.status_code == 201, r.text
    body = r.json()
    assert body["timeline"] == [{"from_step": 0, "revision": 1}, {"from_step": 500, "revision": 2}]
    assert body["revisions"][1]["comment"] == "slower decay"
    assert body["revisions"][1]["forced"] is False
    assert lr(http, name, 499) == {"name": name, "step": 499, "lr": evaluate(LINEAR, 499), "revision": 1}
    new = COSINE | {"t_max": 2000}
    assert lr(http, name, 500) == {"name": name, "step": 500, "lr": evaluate(new, 500), "revision": 2}
    table = http.get(f"/v1/schedules/{name}/table", params={"start": 490, "stop": 510}).json()["lr"]
    expected = np.concatenate([evaluate(LINEAR, np.arange(490, 500)), evaluate(new, np.arange(500, 510))])
    np.testing.assert_array_equal(np.array(table), expected)


def test_a_revision_at_or_before_a_served_step_is_409_naming_the_smallest_allowed(http: Any) -> None:
    name, _ = create(http, LINEAR)
    lr(http, name, 300)
    before = lr(http, name, 250)["lr"]
    for at in (0, 250, 300):
        r = revise(http, name, CONSTANT, at)
        assert r.status_code == 409, r.text
        problem = r.json()
        assert problem["smallest_allowed_step"] == 301
        assert problem["promised_step"] == 300
        assert "301" in problem["detail"]
    assert lr(http, name, 250)["lr"] == before
    assert revise(http, name, CONSTANT, 301).status_code == 201
    assert lr(http, name, 300)["lr"] == evaluate(LINEAR, 300)
    assert lr(http, name, 301)["lr"] == 0.5


def test_force_overrides_the_promise_and_is_recorded(http: Any) -> None:
    name, _ = create(http, LINEAR)
    lr(http, name, 300)
    r = revise(http, name, CONSTANT, 100, force=True, comment="emergency")
    assert r.status_code == 201
    assert r.json()["revisions"][-1]["forced"] is True
    assert lr(http, name, 200) == {"name": name, "step": 200, "lr": 0.5, "revision": 2}
    assert lr(http, name, 99)["revision"] == 1


def test_reading_with_a_horizon_promises_it_and_the_server_caps_it(http: Any) -> None:
    name, _ = create(http, LINEAR)
    body = http.get(f"/v1/schedules/{name}", params={"step": 40}).json()
    assert body["promised_until"] == 1040  # the default horizon: 1000 steps
    assert body["promised_step"] >= 1040
    assert revise(http, name, CONSTANT, 1040).status_code == 409
    assert revise(http, name, CONSTANT, 1041).status_code == 201
    capped = http.get(f"/v1/schedules/{name}", params={"step": 2000, "horizon": 10**9}).json()
    assert capped["promised_until"] == 2000 + 100_000
    assert http.get(f"/v1/schedules/{name}", params={"horizon": 5}).status_code == 422


def test_if_match_on_a_revision_is_checked_when_given(http: Any) -> None:
    name, created = create(http, LINEAR)
    body = {"schedule": CONSTANT, "effective_from_step": 10}
    stale = http.post(f"/v1/schedules/{name}/revisions", json=body, headers=admin(**{"If-Match": '"0"'}))
    assert stale.status_code == 412
    ok = http.post(
        f"/v1/schedules/{name}/revisions", json=body, headers=admin(**{"If-Match": created["etag"]})
    )
    assert ok.status_code == 201


def test_revision_of_a_missing_schedule_is_404(http: Any) -> None:
    assert revise(http, fresh(), CONSTANT, 10).status_code == 404


# -- names, auth ----------------------------------------------------------------------------------


@pytest.mark.parametrize("bad", ["Upper", ".dot", "-dash", "a" * 65, "sp ace", "ü"])
def test_names_outside_the_pattern_are_422(http: Any, bad: str) -> None:
    r = http.put(f"/v1/schedules/{bad}", json={"schedule": CONSTANT}, headers=admin())
    assert r.status_code == 422, r.text
    assert r.json()["errors"][0]["loc"] == ["path", "name"]
    r = http.get(f"/v1/schedules/{bad}/lr", params={"step": 1})
    assert r.status_code == 422
    assert r.json()["errors"][0]["loc"] == ["path", "name"]


@pytest.mark.parametrize("step", ["-1", "1.5", "x", "", str(2**53 + 1), "1e3"])
def test_bad_steps_on_the_hot_path_are_422(http: Any, step: str) -> None:
    name, _ = create(http, COSINE)
    r = http.get(f"/v1/schedules/{name}/lr", params={"step": step})
    assert r.status_code == 422
    assert r.headers["content-type"] == "application/problem+json"
    assert r.json()["errors"][0]["loc"] == ["query", "step"]
    assert http.get(f"/v1/schedules/{name}/lr").json()["errors"][0]["type"] == "missing"


@pytest.mark.parametrize(
    ("headers", "status"),
    [({}, 401), ({"Authorization": "Bearer wrong"}, 403), ({"Authorization": "Basic abc"}, 401)],
)
def test_writes_need_the_admin_token(http: Any, headers: dict[str, str], status: int) -> None:
    name = fresh()
    r = http.put(f"/v1/schedules/{name}", json={"schedule": CONSTANT}, headers=headers)
    assert r.status_code == status
    assert r.headers["content-type"] == "application/problem+json"
    if status == 401:
        assert r.headers["www-authenticate"] == "Bearer"
    assert http.get(f"/v1/schedules/{name}").status_code == 404


def test_a_read_token_closes_reads_and_cannot_write(tmp_path: Any) -> None:
    from lrserve.api import create_app

    with TestClient(create_app(make_settings(tmp_path, read_token=READ))) as http:
        assert http.put("/v1/schedules/a", json={"schedule": CONSTANT}, headers=admin()).status_code == 201
        reader = {"Authorization": f"Bearer {READ}"}
        for path in ("/v1/schedules/a/lr?step=1", "/v1/schedules/a", "/v1/schedules"):
            assert http.get(path).status_code == 401, path
            assert http.get(path, headers={"Authorization": "Bearer nope"}).status_code == 403, path
            assert http.get(path, headers=reader).status_code == 200, path
            assert http.get(path, headers={"Authorization": f"Bearer {ADMIN}"}).status_code == 200, path
        assert http.post("/v1/lr", json={"schedule": CONSTANT, "step": 1}).status_code == 401
        assert http.post("/v1/lr", json={"schedule": CONSTANT, "step": 1}, headers=reader).status_code == 200
        put = http.put("/v1/schedules/b", json={"schedule": CONSTANT}, headers=reader)
        assert put.status_code == 403
        assert http.get("/livez").status_code == 200


def test_an_unreachable_store_is_503_with_retry_after(app_client: TestClient) -> None:
    assert app_client.put("/v1/schedules/a", json={"schedule": CONSTANT}, headers=admin()).status_code == 201
    assert app_client.get("/v1/schedules/a/lr", params={"step": 3}).status_code == 200
    app_client.app.state.lrs.store.close()  # type: ignore[attr-defined]
    for r in (
        app_client.get("/v1/schedules/a"),
        app_client.get("/v1/schedules/a/lr", params={"step": 4}),  # past the promise: needs the store
        app_client.put("/v1/schedules/b", json={"schedule": CONSTANT}, headers=admin()),
    ):
        assert r.status_code == 503, r.text
        assert r.headers["retry-after"] == "1"
        assert r.json()["type"] == "urn:lrs:problem:store-unavailable"
    # what was promised is still served from memory
    assert app_client.get("/v1/schedules/a/lr", params={"step": 3}).json()["lr"] == 0.5
    metrics = app_client.get("/metrics")
    assert metrics.status_code == 200
    assert "lrs_schedules NaN" in metrics.text


def test_if_none_match_gives_304_and_still_promises_the_horizon(http: Any) -> None:
    name, created = create(http, LINEAR)
    etag = created["etag"]
    r = http.get(
        f"/v1/schedules/{name}", params={"step": 100, "horizon": 50}, headers={"If-None-Match": etag}
    )
    assert r.status_code == 304
    assert r.content == b""
    assert r.headers["etag"] == etag
    assert r.headers["x-lrs-promised-until"] == "150"
    assert revise(http, name, CONSTANT, 150).status_code == 409  # promised although unchanged
    assert http.get(f"/v1/schedules/{name}", headers={"If-None-Match": etag}).status_code == 304
    assert revise(http, name, CONSTANT, 151).status_code == 201
    changed = http.get(f"/v1/schedules/{name}", params={"step": 100}, headers={"If-None-Match": etag})
    assert changed.status_code == 200
    assert changed.headers["etag"] != etag
    assert changed.json()["revision"] == 2
    assert (
        http.get(
            f"/v1/schedules/{name}", headers={"If-None-Match": '"0", W/' + changed.headers["etag"]}
        ).status_code
        == 304
    )
