"""Writes are idempotent with an ``Idempotency-Key``: over HTTP, and through the client, whose retry of a
write whose answer was lost applies nothing twice (the server applies the key once)."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
from lrserve.client import Client

from .._server import ADMIN, Server, admin

CONSTANT = {"kind": "constant", "lr": 0.1}
LATER = {"kind": "constant", "lr": 0.01}


def fresh() -> str:
    return f"idem-{uuid.uuid4().hex[:8]}"


def test_a_revision_sent_twice_with_its_key_is_applied_once(http: Any) -> None:
    name = fresh()
    assert http.put(f"/v1/schedules/{name}", json={"schedule": CONSTANT}, headers=admin()).status_code == 201
    body = {"schedule": LATER, "effective_from_step": 100}
    headers = admin(**{"Idempotency-Key": "rev-1"})
    first = http.post(f"/v1/schedules/{name}/revisions", json=body, headers=headers)
    again = http.post(f"/v1/schedules/{name}/revisions", json=body, headers=headers)
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json() and again.headers["etag"] == first.headers["etag"]
    assert len(http.get(f"/v1/schedules/{name}").json()["revisions"]) == 2

    other = http.post(
        f"/v1/schedules/{name}/revisions", json={**body, "effective_from_step": 200}, headers=headers
    )
    assert other.status_code == 422 and other.json()["type"] == "urn:lrs:problem:idempotency-key-reused"
    assert len(http.get(f"/v1/schedules/{name}").json()["revisions"]) == 2


def test_a_create_sent_twice_with_its_key_is_201_both_times(http: Any) -> None:
    name = fresh()
    headers = admin(**{"Idempotency-Key": f"create-{name}"})
    first = http.put(f"/v1/schedules/{name}", json={"schedule": CONSTANT}, headers=headers)
    again = http.put(f"/v1/schedules/{name}", json={"schedule": CONSTANT}, headers=headers)
    assert first.status_code == again.status_code == 201 and again.json() == first.json()
    without = http.put(f"/v1/schedules/{name}", json={"schedule": CONSTANT}, headers=admin())
    assert without.status_code == 428  # a new create of an existing name, as before


def test_a_bad_key_is_refused_naming_the_header(http: Any) -> None:
    name = fresh()
    for key in (b"has space", b"x" * 256, "é".encode()):
        r = http.put(
            f"/v1/schedules/{name}", json={"schedule": CONSTANT}, headers={**admin(), "Idempotency-Key": key}
        )
        assert r.status_code == 422, key
        assert r.json()["errors"][0]["loc"] == ["header", "idempotency-key"]
    assert http.get(f"/v1/schedules/{name}").status_code == 404


class LoseFirstAnswer(httpx.BaseTransport):
    """Sends every request to the real server; the first answer to a write on ``path`` is lost on the
    way back (the server has applied it), as a dropped connection would lose it."""

    def __init__(self, path: str) -> None:
        self.inner = httpx.HTTPTransport()
        self.path, self.lost, self.keys = path, 0, []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        response = self.inner.handle_request(request)
        if request.method != "GET" and request.url.path == self.path:
            self.keys.append(request.headers.get("idempotency-key"))
            if not self.lost:
                response.read()
                self.lost += 1
                raise httpx.ReadError("connection reset while reading the answer", request=request)
        return response

    def close(self) -> None:
        self.inner.close()


def test_the_clients_retry_of_a_lost_answer_applies_the_write_once(server: Server) -> None:
    name = fresh()
    lossy = LoseFirstAnswer(f"/v1/schedules/{name}/revisions")
    with Client(server.url, ADMIN, transport=lossy, backoff=0.01) as client:
        client.put_schedule(name, CONSTANT)
        doc = client.add_revision(name, LATER, 100)
        assert lossy.lost == 1 and len(lossy.keys) == 2
        assert lossy.keys[0] is not None and lossy.keys[0] == lossy.keys[1]  # one key, sent again
        assert [r.revision for r in doc.revisions] == [1, 2]
        again = client.get_schedule(name)
        assert again is not None and len(again.revisions) == 2  # applied once
        client.add_revision(name, CONSTANT, 200)
        assert len(set(lossy.keys)) == 2  # a new call, a new key
