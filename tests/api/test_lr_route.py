"""The hot route is an ordinary route: first in the router, wrapped by every middleware (including one
added after the app was made), its errors answered by the app's one error mapping, and its parameter
errors the very ones FastAPI gives for the same types on other routes."""

from __future__ import annotations

from pathlib import Path
from typing import Any, ClassVar

from fastapi.testclient import TestClient
from lrserve.api import create_app
from lrserve.api.routes.lr import HotPath, LrRoute
from starlette.types import ASGIApp, Receive, Scope, Send

from .._server import READ, admin, make_settings

CONSTANT = {"kind": "constant", "lr": 0.25}


class Tag:
    """A middleware added after create_app: it must see the hot route like any other."""

    seen: ClassVar[list[tuple[str, Any]]] = []

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        async def tagged(message: Any) -> None:
            if message["type"] == "http.response.start":
                message = {**message, "headers": [*message["headers"], (b"x-tag", b"1")]}
            await send(message)

        await self.app(scope, receive, tagged)
        if scope["type"] == "http":
            Tag.seen.append((scope["path"], scope.get("route")))


def test_a_middleware_added_later_wraps_the_hot_route(tmp_path: Path) -> None:
    app = create_app(make_settings(tmp_path / "data"))
    app.add_middleware(Tag)
    Tag.seen.clear()
    with TestClient(app, raise_server_exceptions=False) as client:
        assert (
            client.put("/v1/schedules/tagged", json={"schedule": CONSTANT}, headers=admin()).status_code
            == 201
        )
        ok = client.get("/v1/schedules/tagged/lr", params={"step": 7})
        missing = client.get("/v1/schedules/nope/lr", params={"step": 7})
        bad = client.get("/v1/schedules/tagged/lr", params={"step": "x"})
    assert ok.status_code == 200 and ok.json() == {"name": "tagged", "step": 7, "lr": 0.25, "revision": 1}
    assert missing.status_code == 404 and bad.status_code == 422
    assert all(r.headers.get("x-tag") == "1" for r in (ok, missing, bad))
    lr_routes = [route for path, route in Tag.seen if path.endswith("/lr")]
    assert len(lr_routes) == 3 and all(isinstance(r, LrRoute) for r in lr_routes)


def test_the_route_is_first_and_the_dispatch_sits_inside_the_error_mapping(tmp_path: Path) -> None:
    app = create_app(make_settings(tmp_path / "data"))
    with TestClient(app):
        assert isinstance(app.router.routes[0], LrRoute)
        layers, layer = [], app.middleware_stack
        while layer is not app.router:
            layers.append(type(layer).__name__)
            layer = layer.app
    # outermost first: the app's middleware, the error mapping, the dispatch, then on to the router
    assert layers.index("Observe") < layers.index("ExceptionMiddleware") < layers.index(HotPath.__name__)
    assert layers.index(HotPath.__name__) == layers.index("ExceptionMiddleware") + 1


def test_errors_are_those_of_fastapi_for_the_same_types(tmp_path: Path) -> None:
    """`start` on the table route has the same type as `step` (FastAPI validates it); `name` is the same
    path type on every route: the hot route's errors are word for word FastAPI's."""
    with TestClient(create_app(make_settings(tmp_path / "data")), raise_server_exceptions=False) as client:
        client.put("/v1/schedules/same", json={"schedule": CONSTANT}, headers=admin())
        for raw in ("-1", "x", "1.5", str(2**53 + 1)):
            ours = client.get("/v1/schedules/same/lr", params={"step": raw}).json()["errors"]
            theirs = client.get("/v1/schedules/same/table", params={"start": raw, "stop": 1}).json()["errors"]
            assert [(e["msg"], e["type"]) for e in ours] == [(e["msg"], e["type"]) for e in theirs], raw
        ours = client.get("/v1/schedules/Bad/lr", params={"step": 1}).json()["errors"]
        theirs = client.get("/v1/schedules/Bad").json()["errors"]
        assert ours == theirs


def test_the_read_token_is_checked_on_the_hot_route(tmp_path: Path) -> None:
    app = create_app(make_settings(tmp_path / "data", read_token=READ))
    with TestClient(app, raise_server_exceptions=False) as client:
        client.put("/v1/schedules/guarded", json={"schedule": CONSTANT}, headers=admin())
        assert client.get("/v1/schedules/guarded/lr?step=1").status_code == 401
        wrong = {"Authorization": "Bearer nope"}
        assert client.get("/v1/schedules/guarded/lr?step=1", headers=wrong).status_code == 403
        reader = {"Authorization": f"Bearer {READ}"}
        assert client.get("/v1/schedules/guarded/lr?step=1", headers=reader).json()["lr"] == 0.25


def test_percent_encoded_and_repeated_parameters_decode_as_on_other_routes(tmp_path: Path) -> None:
    with TestClient(create_app(make_settings(tmp_path / "data")), raise_server_exceptions=False) as client:
        client.put("/v1/schedules/enc", json={"schedule": CONSTANT}, headers=admin())
        assert client.get("/v1/schedules/enc/lr?st%65p=%31%32").json()["step"] == 12
        assert client.get("/v1/schedules/enc/lr?step=1&step=5").json()["step"] == 5  # the last, as FastAPI
        assert client.get("/v1/schedules/enc/lr?other=1&step=3").json()["step"] == 3
