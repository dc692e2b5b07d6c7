"""DELETE keeps the promise (issue: DELETE then PUT under the same name gave new LRs for steps already
served, with no force and no trace): over HTTP, in-process and against a real server."""

from __future__ import annotations

import uuid
from typing import Any

from .._server import admin

COSINE = {"kind": "cosine_annealing", "base_lr": 0.1, "min_lr": 0.001, "t_max": 1000}
CONSTANT = {"kind": "constant", "lr": 0.5}


def test_delete_then_put_cannot_change_served_steps_unless_forced(http: Any) -> None:
    name = f"tomb-{uuid.uuid4().hex[:8]}"
    assert http.put(f"/v1/schedules/{name}", json={"schedule": COSINE}, headers=admin()).status_code == 201
    served = http.get(f"/v1/schedules/{name}/lr", params={"step": 50}).json()["lr"]
    assert http.get(f"/v1/schedules/{name}/lr", params={"step": 100}).status_code == 200
    etag = http.get(f"/v1/schedules/{name}").headers["etag"]
    assert http.delete(f"/v1/schedules/{name}", headers=admin(**{"If-Match": etag})).status_code == 204

    r = http.put(f"/v1/schedules/{name}", json={"schedule": CONSTANT}, headers=admin())
    assert r.status_code == 409, r.text
    body = r.json()
    assert body["type"] == "urn:lrs:problem:promise-broken" and body["smallest_allowed_step"] == 101
    assert http.get(f"/v1/schedules/{name}").status_code == 404

    # the same LRs may come back without force, and keep the promise
    again = http.put(f"/v1/schedules/{name}", json={"schedule": COSINE}, headers=admin())
    assert again.status_code == 201 and again.json()["promised_step"] == 100
    assert http.get(f"/v1/schedules/{name}/lr", params={"step": 50}).json()["lr"] == served

    etag = again.headers["etag"]
    assert http.delete(f"/v1/schedules/{name}", headers=admin(**{"If-Match": etag})).status_code == 204
    forced = http.put(f"/v1/schedules/{name}", json={"schedule": CONSTANT, "force": True}, headers=admin())
    assert forced.status_code == 201
    assert forced.json()["revisions"][0]["forced"] is True  # the history says so
    assert http.get(f"/v1/schedules/{name}/lr", params={"step": 50}).json()["lr"] == 0.5
