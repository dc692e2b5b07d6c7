"""Health and metrics for orchestrators: liveness, readiness (the store answers) and Prometheus."""

from __future__ import annotations

from fastapi import APIRouter
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from .._deps import State
from .._encode import json_response
from .._errors import problem, problem_responses
from .._models import Status

__all__ = ["router"]

router = APIRouter(tags=["operations"])


@router.get("/livez", response_model=Status)
async def read_livez() -> Response:
    """The process is up."""
    return json_response({"status": "ok"})


@router.get("/readyz", response_model=Status, responses=problem_responses(503))
async def read_readyz(state: State) -> Response:
    """The store answers: ready for traffic."""
    try:
        await run_in_threadpool(state.store.ping)
    except Exception as exc:
        detail = f"the store does not answer: {exc}"
        return problem(503, "not-ready", detail, "/readyz", {"Retry-After": "1"})
    return json_response({"status": "ok"})


@router.get("/metrics", response_class=Response, responses={200: {"content": {CONTENT_TYPE_LATEST: {}}}})
async def read_metrics(state: State) -> Response:
    """Prometheus metrics: requests and latency by route, schedules, cache hits."""
    body = await run_in_threadpool(generate_latest, state.metrics.registry)
    return Response(body, media_type=CONTENT_TYPE_LATEST)
