"""The hot path: ``GET /v1/schedules/{name}/lr?step=N``, the request every rank of every job makes.

One implementation, :func:`read_lr` behind :func:`serve`, and one route, :class:`LrRoute`: a FastAPI
route, so OpenAPI documents it from ``read_lr``'s signature (its ``Reader`` dependency included), whose
request handler is :func:`serve` (FastAPI's documented extension point ``APIRoute.get_route_handler``).
:func:`serve` validates the two parameters with the very Pydantic types of ``read_lr``'s signature, so
errors are Pydantic's own, and calls the same token check as the ``Reader`` dependency; it raises errors
and the app's one error mapping (``_errors.install``) answers them, as for every route.

FastAPI's router and its per-route request handling cost more than the whole handler
(``benchmarks/http.py``), so :class:`HotPath` sits right inside the error mapping (Starlette's
``ExceptionMiddleware``), so inside every middleware, and sends a request on this route's path straight
to :func:`serve`; every other request goes on, to FastAPI's ``AsyncExitStackMiddleware`` (which closes
uploaded files: this route takes none) and its router. Middleware added later wraps this route like any
other.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Annotated, Any
from urllib.parse import parse_qsl

from fastapi import FastAPI, Query
from fastapi.exceptions import RequestValidationError
from fastapi.routing import APIRoute
from pydantic import TypeAdapter, ValidationError
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Receive, Scope, Send
from typing_extensions import TypedDict  # pydantic needs it on Python < 3.12

from ... import core
from .._deps import Name, Reader, Resources, State
from .._encode import json_response
from .._errors import problem_responses
from .._models import NamedLrOut, Step

__all__ = ["HotPath", "LrRoute", "add_route", "read_lr", "serve"]


async def read_lr(name: Name, step: Annotated[Step, Query()], state: State) -> dict[str, Any]:
    """The LR of a named schedule at a step, and the revision in force there (promises the step)."""
    entry = await state.registry.promised(name, step)
    lr = core.evaluate_one(entry.compiled.schedule, step)
    return {"name": name, "step": step, "lr": lr, "revision": entry.compiled.revision_at(step)}


class _Query(TypedDict):
    step: Step


# The very types of read_lr's parameters, so errors (type, msg) are Pydantic's own, as on every route.
_NAME: TypeAdapter[str] = TypeAdapter(Name)
_STEP: TypeAdapter[int] = TypeAdapter(Step)
_QUERY = TypeAdapter(_Query)  # only to word a missing step as FastAPI does


def _validate(adapter: TypeAdapter[Any], loc: tuple[str, ...], value: Any) -> Any:
    try:
        return adapter.validate_python(value)
    except ValidationError as exc:
        raise RequestValidationError(
            [{**e, "loc": (*loc, *e["loc"])} for e in exc.errors(include_url=False)]
        ) from None


def _query(raw: bytes) -> dict[str, str]:
    """The query's parameters (the last of a repeated one, as FastAPI takes it)."""
    text = raw.decode("latin-1")
    if "%" in text or "+" in text:  # something to decode: the standard library does it
        return dict(parse_qsl(text, keep_blank_values=True))
    params = {}
    for part in text.split("&"):  # ?step=123: a split
        if part:
            key, _, value = part.partition("=")
            params[key] = value
    return params


async def serve(request: Request) -> Response:
    """The request handler of the route: validate, check the token, answer from :func:`read_lr`."""
    state: Resources = request.app.state.lrs
    if state.tokens.read is not None:  # reads are open unless the server has a read token
        state.tokens.check_read(request.headers.get("authorization"))  # what the Reader dependency calls
    name = _validate(_NAME, ("path", "name"), request.path_params["name"])
    raw = _query(request.scope["query_string"]).get("step")
    if raw is None:
        _validate(_QUERY, ("query",), {})  # raises: the step is missing
    step = _validate(_STEP, ("query", "step"), raw)
    return json_response(await read_lr(name, step, state))


class LrRoute(APIRoute):
    """Documented from its endpoint like any FastAPI route; handled by :func:`serve`."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        return serve


def add_route(app: FastAPI) -> LrRoute:
    """Register the route, first in the app's own router."""
    app.router.add_api_route(
        "/v1/schedules/{name}/lr",
        read_lr,
        methods=["GET"],
        response_model=NamedLrOut,
        name="read_lr",
        tags=["schedules"],
        dependencies=[Reader],
        responses=problem_responses(401, 403, 404, 422, 503),
        route_class_override=LrRoute,
    )
    route = app.router.routes.pop()
    assert isinstance(route, LrRoute)
    app.router.routes.insert(0, route)
    return route


class HotPath:
    """Inside the error mapping: ``GET`` on the route's path goes to :func:`serve` directly, with the
    scope the router would give it (``route``, ``path_params``); all else goes on to ``app``."""

    def __init__(self, app: ASGIApp, route: LrRoute) -> None:
        self.app, self.route = app, route
        self._match = route.path_regex.match  # the route's own pattern: the path is defined once

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] == "GET":
            match = self._match(scope["path"])
            if match is not None:
                scope["route"] = self.route
                scope["endpoint"] = self.route.endpoint
                scope["path_params"] = match.groupdict()
                response = await serve(Request(scope, receive))
                await response(scope, receive, send)
                return
        await self.app(scope, receive, send)
