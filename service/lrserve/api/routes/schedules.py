"""Named schedules: create, replace, read, list, delete, change from a step on, and read LRs and tables.

``GET /v1/schedules/{name}/lr`` is the hot path. :func:`lean_lr` serves it: the request is parsed by hand
and answered from the compiled schedule cache, without FastAPI's dependency machinery or a database
round trip (see ``_registry.py``). The app dispatches it before FastAPI's router (``_app.App``); the
route is also registered as a :class:`LeanRoute`, so that OpenAPI documents it from ``read_lr``'s
signature and any request the dispatch lets through still gets the same handler.
"""

from __future__ import annotations

import logging
import re
import time
from typing import Annotated, Any
from urllib.parse import parse_qsl

import orjson
from fastapi import APIRouter, FastAPI, Header, Query, Request
from fastapi.routing import APIRoute
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response
from starlette.types import Receive, Scope, Send

from ... import core
from ...store import AlreadyExists, ScheduleRecord, timeline
from .._deps import Admin, Name, Reader, Resources, State
from .._encode import json_response
from .._errors import InvalidRequest, PreconditionRequired, problem, problem_for, problem_responses
from .._models import (
    NAME_PATTERN,
    NamedLrOut,
    RevisionIn,
    ScheduleIn,
    ScheduleList,
    ScheduleOut,
    Step,
)
from .._registry import translate
from .evaluate import TABLE_RESPONSES, steps_between, table

__all__ = ["LR_PATH", "add_lean_routes", "lean_lr", "router"]

log = logging.getLogger("lrs")

router = APIRouter(
    prefix="/v1/schedules", tags=["schedules"], responses=problem_responses(401, 403, 422, 503)
)
IfMatch = Annotated[str | None, Header(description='The ETag of the version you last read, e.g. "12".')]
_NAME = re.compile(NAME_PATTERN)


def _version(if_match: str) -> int | None:
    """The version an If-Match names (None for ``*``: any); -1 for a value that can match nothing."""
    value = if_match.strip()
    if value == "*":
        return None
    value = value.removeprefix("W/").strip('"')
    return int(value) if value.isdigit() else -1


def _raw_spec(body: bytes) -> dict[str, Any]:
    """The spec exactly as the client sent it (already validated), to store and give back verbatim."""
    spec: dict[str, Any] = orjson.loads(body)["schedule"]
    return spec


def _out(record: ScheduleRecord, promised_until: int | None, promised: int) -> dict[str, Any]:
    current = record.current
    is_dialect, native = translate(current.spec)
    dialect_native = native if is_dialect else None
    return {
        "name": record.name,
        "description": record.description,
        "etag": f'"{record.version}"',
        "revision": current.number,
        "schedule": current.spec,
        "native": dialect_native,
        "revisions": [
            {
                "revision": r.number,
                "effective_from_step": r.effective_from_step,
                "schedule": r.spec,
                "native": translate(r.spec)[1],
                "created_at": r.created_at,
                "comment": r.comment,
                "forced": r.forced,
            }
            for r in record.revisions
        ],
        "timeline": [{"from_step": start, "revision": r.number} for start, r in timeline(record.revisions)],
        "promised_step": promised,
        "promised_until": promised_until,
        "created_at": record.created_at,
        "updated_at": record.updated_at,
    }


def _respond(
    record: ScheduleRecord, status: int = 200, promised_until: int | None = None, promised: int | None = None
) -> Response:
    body = _out(record, promised_until, record.promised if promised is None else promised)
    return json_response(body, status, {"ETag": f'"{record.version}"'})


@router.put(
    "/{name}",
    response_model=ScheduleOut,
    status_code=200,
    responses={
        201: {"model": ScheduleOut, "description": "Created"},
        **problem_responses(404, 409, 412, 413, 428),
    },
    dependencies=[Admin],
)
async def put_schedule(
    name: Name, body: ScheduleIn, request: Request, state: State, if_match: IfMatch = None
) -> Response:
    """Create a schedule (201), or replace it (200; needs If-Match with its current ETag)."""
    spec = _raw_spec(await request.body())
    if if_match is None:
        try:
            record = await run_in_threadpool(state.store.create, name, spec, body.description)
        except AlreadyExists:
            raise PreconditionRequired(
                f"schedule {name!r} exists: to replace it, send If-Match with its ETag "
                f"(or add a revision with POST /v1/schedules/{name}/revisions)"
            ) from None
        status = 201
    else:
        record = await run_in_threadpool(
            lambda: state.store.replace(
                name, spec, body.description, if_match=_version(if_match), force=body.force
            )
        )
        status = 200
    state.registry.put(record)
    return _respond(record, status)


@router.get("", response_model=ScheduleList, dependencies=[Reader])
async def list_schedules(
    state: State,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    after: Annotated[
        str | None,
        Query(max_length=64, pattern=r"^[^\x00]*$", description="The last name of the previous page."),
    ] = None,
) -> Response:
    """Schedules in name order, a page at a time."""
    limit = min(limit, state.settings.max_page_size)
    rows = await run_in_threadpool(lambda: state.store.list(after=after, limit=limit + 1))
    items = [
        {
            "name": s.name,
            "description": s.description,
            "etag": f'"{s.version}"',
            "revisions": s.revisions,
            "promised_step": s.promised,
            "created_at": s.created_at,
            "updated_at": s.updated_at,
        }
        for s in rows[:limit]
    ]
    return json_response({"items": items, "next_after": rows[limit - 1].name if len(rows) > limit else None})


@router.get(
    "/{name}",
    response_model=ScheduleOut,
    dependencies=[Reader],
    responses={
        304: {"description": "Unchanged since the ETag in If-None-Match (the horizon is still promised)"},
        **problem_responses(404),
    },
)
async def read_schedule(
    name: Name,
    state: State,
    if_none_match: Annotated[
        str | None, Header(description="The ETag of the copy you hold: 304 if it is still current.")
    ] = None,
    step: Annotated[
        Step | None, Query(description="The caller's current step: promises it a horizon past it.")
    ] = None,
    horizon: Annotated[
        int | None, Query(ge=0, le=core.MAX_STEP, description="Steps past `step` to promise (capped).")
    ] = None,
) -> Response:
    """A schedule: its spec, native translation, history and ETag; with ?step=, a promised horizon."""
    if step is None:
        if horizon is not None:
            raise InvalidRequest(
                "horizon needs step",
                errors=[{"loc": ["query", "horizon"], "msg": "horizon needs step", "type": "missing_step"}],
            )
        record = await run_in_threadpool(state.store.get, name)
        if _unchanged(if_none_match, record.version):
            return Response(status_code=304, headers={"ETag": f'"{record.version}"'})
        return _respond(record)
    settings = state.settings
    wanted = settings.default_horizon if horizon is None else horizon
    until = min(step + min(wanted, settings.max_horizon), core.MAX_STEP)
    entry = await state.registry.promised(name, until)
    if _unchanged(if_none_match, entry.record.version):
        headers = {"ETag": f'"{entry.record.version}"', "X-LRS-Promised-Until": str(until)}
        return Response(status_code=304, headers=headers)
    response = _respond(entry.record, promised_until=until, promised=entry.promised)
    response.headers["X-LRS-Promised-Until"] = str(until)
    return response


def _unchanged(if_none_match: str | None, version: int) -> bool:
    if if_none_match is None:
        return False
    tags = {t.strip().removeprefix("W/").strip('"') for t in if_none_match.split(",")}
    return "*" in tags or str(version) in tags


@router.delete("/{name}", status_code=204, dependencies=[Admin], responses=problem_responses(404, 412, 428))
async def delete_schedule(name: Name, state: State, if_match: IfMatch = None) -> Response:
    """Delete a schedule and its history (needs If-Match)."""
    if if_match is None:
        raise PreconditionRequired(f"deleting {name!r} needs If-Match with its current ETag")
    await run_in_threadpool(lambda: state.store.delete(name, if_match=_version(if_match)))
    state.registry.forget(name)
    return Response(status_code=204)


@router.post(
    "/{name}/revisions",
    response_model=ScheduleOut,
    status_code=201,
    dependencies=[Admin],
    responses=problem_responses(404, 409, 412, 413),
)
async def create_revision(
    name: Name, body: RevisionIn, request: Request, state: State, if_match: IfMatch = None
) -> Response:
    """Change a schedule from a future step on (409 if that step was already served, unless forced)."""
    spec = _raw_spec(await request.body())
    record = await run_in_threadpool(
        lambda: state.store.add_revision(
            name,
            spec,
            body.effective_from_step,
            body.comment,
            if_match=None if if_match is None else _version(if_match),
            force=body.force,
        )
    )
    state.registry.put(record)
    return _respond(record, 201)


@router.get(
    "/{name}/table",
    responses={**TABLE_RESPONSES, **problem_responses(404, 406, 413)},
    dependencies=[Reader],
)
async def read_table(
    name: Name,
    state: State,
    stop: Annotated[int, Query(ge=0, le=core.MAX_STEP + 1)],
    start: Annotated[int, Query(ge=0, le=core.MAX_STEP)] = 0,
    stride: Annotated[int, Query(ge=1, le=core.MAX_STEP)] = 1,
    accept: Annotated[str | None, Header()] = None,
) -> Response:
    """A table of a named schedule over range(start, stop, stride); promises those steps."""
    started = time.perf_counter()
    steps = steps_between(start, stop, stride, state.settings.max_table_rows)
    if steps.size == 0:
        entry = await state.registry.promised(name, -1)
    else:
        entry = await state.registry.promised(name, int(steps[-1]))
    return await run_in_threadpool(table, entry.compiled.schedule, steps, accept, started)


# -- the hot path ---------------------------------------------------------------------------------------


async def read_lr(name: Name, step: Annotated[Step, Query()], state: State) -> dict[str, Any]:
    """The LR of a named schedule at a step, and the revision in force there (promises the step)."""
    entry = await state.registry.promised(name, step)
    lr = core.evaluate_one(entry.compiled.schedule, step)
    return {"name": name, "step": step, "lr": lr, "revision": entry.compiled.revision_at(step)}


#: The path of the hot route (Starlette's ``{name}``: anything but a slash).
LR_PATH = re.compile(r"^/v1/schedules/([^/]+)/lr$")


def _query_step(query_string: bytes) -> int:
    raw = None
    text = query_string.decode("latin-1")
    if "%" in text or "+" in text:
        pairs = parse_qsl(text, keep_blank_values=True)
    else:  # the usual ?step=123: no percent-decoding to do
        pairs = [(k, v) for k, _, v in (part.partition("=") for part in text.split("&"))]
    for key, value in pairs:
        if key == "step":
            raw = value
    if raw is None:
        raise _invalid("step", "Field required", "missing")
    if not (raw.isascii() and raw.isdigit()) or len(raw) > 17:
        raise _invalid("step", "a step is a non-negative integer", "int_parsing")
    step = int(raw)
    if step > core.MAX_STEP:
        raise _invalid("step", f"Input should be less than or equal to {core.MAX_STEP}", "less_than_equal")
    return step


def _invalid(field: str, msg: str, kind: str) -> InvalidRequest:
    loc = ["query", field] if field == "step" else ["path", field]
    return InvalidRequest(f"{'.'.join(loc)}: {msg}", errors=[{"loc": loc, "msg": msg, "type": kind}])


async def lean_lr(scope: Scope, receive: Receive, send: Send) -> None:
    """The ASGI handler of ``GET /v1/schedules/{name}/lr`` (``scope["path_params"]`` holds the name)."""
    state: Resources = scope["app"].state.lrs
    try:
        if state.tokens.read is not None:
            auth = None
            for key, value in scope["headers"]:
                if key == b"authorization":
                    auth = value.decode("latin-1")
            state.tokens.check_read(auth)
        name = scope["path_params"]["name"]
        if not _NAME.match(name):
            raise _invalid("name", f"String should match pattern '{NAME_PATTERN}'", "string_pattern_mismatch")
        out = await read_lr(name, _query_step(scope["query_string"]), state)
        response = json_response(out)
    except core.LRSError as exc:
        response = problem_for(exc, scope["path"])
    except Exception:  # outside FastAPI's error middleware: answer as it would
        log.exception("unhandled error on GET %s", scope["path"])
        response = problem(500, "internal", "the server failed to handle this request", scope["path"])
    await response(scope, receive, send)


class LeanRoute(APIRoute):
    """An APIRoute documented from its endpoint but served by a hand-written ASGI handler."""

    def __init__(self, path: str, endpoint: Any, **kwargs: Any) -> None:
        super().__init__(path, endpoint, **kwargs)
        self.app = lean_lr


def add_lean_routes(app: FastAPI) -> APIRoute:
    """Routes that must not go through ``include_router`` (it would rebuild their handler)."""
    app.router.add_api_route(
        "/v1/schedules/{name}/lr",
        read_lr,
        methods=["GET"],
        response_model=NamedLrOut,
        tags=["schedules"],
        name="read_lr",
        dependencies=[Reader],
        route_class_override=LeanRoute,
        responses=problem_responses(401, 403, 404, 422, 503),
    )
    route = app.router.routes[-1]
    assert isinstance(route, LeanRoute)
    return route
