"""Named schedules: create, replace, read, list, delete, change from a step on, and read tables.

The hot path, ``GET /v1/schedules/{name}/lr``, has its own module (``lr.py``).
"""

from __future__ import annotations

import time
from typing import Annotated, Any

import orjson
from fastapi import APIRouter, Header, Query, Request
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from ... import core
from ...limits import etag_version
from ...store import AlreadyExists, ScheduleRecord, timeline
from .._deps import Admin, Name, Reader, State
from .._encode import json_response
from .._errors import InvalidRequest, PreconditionRequired, problem_responses
from .._models import (
    RevisionIn,
    ScheduleIn,
    ScheduleList,
    ScheduleOut,
    Step,
)
from .._serving import translate
from .evaluate import TABLE_RESPONSES, steps_between, table

__all__ = ["router"]


router = APIRouter(
    prefix="/v1/schedules", tags=["schedules"], responses=problem_responses(401, 403, 422, 503)
)
IfMatch = Annotated[str | None, Header(description='The ETag of the version you last read, e.g. "12".')]
IdempotencyKey = Annotated[
    str | None,
    Header(
        min_length=1,
        max_length=255,
        pattern=r"^[!-~]+$",
        description="A key of yours for this write (e.g. a UUID), sent again on every retry of it: the same "
        "key and request within a day give the first result again, and nothing is applied twice.",
    ),
]
#: The response headers a schedule is sent with (the ETag, and with ?step= the promised horizon).
ETAG = {
    "ETag": {
        "description": 'The schedule\'s version, e.g. "12": send it as If-Match to change it, or as '
        "If-None-Match to read it only if it changed.",
        "schema": {"type": "string"},
    }
}
PROMISED = {
    "X-LRS-Promised-Until": {
        "description": "With ?step=: the last step up to which this copy may be evaluated locally.",
        "schema": {"type": "integer"},
    }
}


def _version(if_match: str) -> int | None:
    """The version an If-Match names (None for ``*``: any); -1 for a value that can match nothing."""
    return None if if_match.strip() == "*" else etag_version(if_match)


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
        200: {"description": "Replaced", "headers": ETAG},
        201: {"model": ScheduleOut, "description": "Created", "headers": ETAG},
        **problem_responses(404, 409, 412, 413, 428),
    },
    dependencies=[Admin],
)
async def put_schedule(
    name: Name,
    body: ScheduleIn,
    request: Request,
    state: State,
    if_match: IfMatch = None,
    idempotency_key: IdempotencyKey = None,
) -> Response:
    """Create a schedule (201), or replace it (200; needs If-Match with its current ETag)."""
    spec = _raw_spec(await request.body())
    key = idempotency_key
    if if_match is None:
        try:
            record = await run_in_threadpool(
                lambda: state.store.create(
                    name, spec, body.description, force=body.force, idempotency_key=key
                )
            )
        except AlreadyExists:
            raise PreconditionRequired(
                f"schedule {name!r} exists: to replace it, send If-Match with its ETag "
                f"(or add a revision with POST /v1/schedules/{name}/revisions)"
            ) from None
        status = 201
    else:
        record = await run_in_threadpool(
            lambda: state.store.replace(
                name,
                spec,
                body.description,
                if_match=_version(if_match),
                force=body.force,
                idempotency_key=key,
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
        200: {"headers": {**ETAG, **PROMISED}},
        304: {
            "description": "Unchanged since the ETag in If-None-Match (the horizon is still promised)",
            "headers": {**ETAG, **PROMISED},
        },
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
    """Whether If-None-Match (a list of tags, or ``*``) names ``version``."""
    if if_none_match is None:
        return False
    return any(t.strip() == "*" or etag_version(t) == version for t in if_none_match.split(","))


@router.delete("/{name}", status_code=204, dependencies=[Admin], responses=problem_responses(404, 412, 428))
async def delete_schedule(
    name: Name, state: State, if_match: IfMatch = None, idempotency_key: IdempotencyKey = None
) -> Response:
    """Delete a schedule and its history (needs If-Match)."""
    if if_match is None:
        raise PreconditionRequired(f"deleting {name!r} needs If-Match with its current ETag")
    version = _version(if_match)
    await run_in_threadpool(
        lambda: state.store.delete(name, if_match=version, idempotency_key=idempotency_key)
    )
    state.registry.forget(name)
    return Response(status_code=204)


@router.post(
    "/{name}/revisions",
    response_model=ScheduleOut,
    status_code=201,
    dependencies=[Admin],
    responses={201: {"description": "Revised", "headers": ETAG}, **problem_responses(404, 409, 412, 413)},
)
async def create_revision(
    name: Name,
    body: RevisionIn,
    request: Request,
    state: State,
    if_match: IfMatch = None,
    idempotency_key: IdempotencyKey = None,
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
            idempotency_key=idempotency_key,
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
    request: Request,
    state: State,
    stop: Annotated[int, Query(ge=0, le=core.MAX_STEP + 1)],
    start: Annotated[int, Query(ge=0, le=core.MAX_STEP)] = 0,
    stride: Annotated[int, Query(ge=1, le=core.MAX_STEP)] = 1,
) -> Response:
    """A table of a named schedule over range(start, stop, stride); promises those steps."""
    started = time.perf_counter()
    steps = steps_between(start, stop, stride, state.settings.max_table_rows)
    if steps.size == 0:
        entry = await state.registry.promised(name, -1)
    else:
        entry = await state.registry.promised(name, int(steps[-1]))
    accept = request.headers.get("accept")
    return await run_in_threadpool(table, entry.compiled.schedule, steps, accept, started)
