"""Stateless evaluation: send a spec, get the LR at a step or a whole table. Nothing is stored."""

from __future__ import annotations

import os
import time

import numpy as np
from fastapi import APIRouter, Request
from starlette.responses import Response

from ... import core
from ..._engine import compile_spec, to_native
from ...dialects._base import DialectSpec
from .._deps import Reader, State
from .._encode import CSV, JSON, NPY, json_response, negotiate, npy_buffer, table_response
from .._errors import HTTPError, TooLarge, problem_responses
from .._models import LrOut, LrRequest, NativeOut, SpecRequest, TableOut, TableRequest

__all__ = ["TABLE_RESPONSES", "router", "steps_between", "table"]

#: Threads for one large table: its latency, not the throughput of many small requests.
THREADS = min(4, os.cpu_count() or 1)

router = APIRouter(
    prefix="/v1", tags=["evaluate"], dependencies=[Reader], responses=problem_responses(401, 403, 413, 422)
)

TABLE_RESPONSES: dict[int | str, dict[str, object]] = {
    200: {
        "model": TableOut,
        "content": {
            CSV: {"schema": {"type": "string"}, "example": "step,lr\n0,0.1\n"},
            NPY: {"schema": {"type": "string", "format": "binary"}},
        },
        "description": "The table: JSON, CSV (`step,lr` rows) or a float64 `.npy` of the LR column.",
    },
}


class NotAcceptable(HTTPError):
    status, slug = 406, "not-acceptable"


def steps_between(start: int, stop: int, stride: int, max_rows: int) -> core.IntArray:
    """``arange(start, stop, stride)``, refused with 413 before allocation when longer than allowed."""
    rows = len(range(start, stop, stride))
    if rows > max_rows:
        raise TooLarge(
            f"{rows} rows asked for; at most {max_rows} per request: page with start/stop "
            f"(e.g. start={start}, stop={start + max_rows * stride}, then continue from there)",
            rows=rows,
            max_rows=max_rows,
        )
    return np.arange(start, stop, stride, dtype=np.int64)


def table(schedule: core.Schedule, steps: core.IntArray, accept: str | None, started: float) -> Response:
    """Evaluate over ``steps`` and encode as the client asked (one vectorised core call)."""
    media_type = negotiate(accept)
    if media_type is None:
        raise NotAcceptable(f"tables come as {JSON}, {CSV} or {NPY}; Accept was {accept!r}")
    headers = {"Vary": "Accept", "X-LRS-Rows": str(steps.size)}
    if media_type == NPY:
        body, lr = npy_buffer(steps.size)
        core.evaluate(schedule, steps, threads=THREADS, out=lr)
        response = Response(body, headers=headers, media_type=NPY)
    else:
        lr = core.evaluate(schedule, steps, threads=THREADS)
        response = table_response(steps, lr, media_type, headers)
    response.headers["Server-Timing"] = f"app;dur={(time.perf_counter() - started) * 1000:.3f}"
    return response


@router.post("/table", response_model=TableOut, responses={**TABLE_RESPONSES, **problem_responses(406)})
def create_table(body: TableRequest, request: Request, state: State) -> Response:
    """Evaluate a spec over a range of steps (or at listed steps); JSON, CSV or .npy by Accept."""
    started = time.perf_counter()
    if body.steps is not None:
        if len(body.steps) > state.settings.max_table_rows:
            raise TooLarge(f"at most {state.settings.max_table_rows} steps per request")
        steps = np.asarray(body.steps, dtype=np.int64)
    else:
        assert body.stop is not None
        steps = steps_between(body.start, body.stop, body.stride, state.settings.max_table_rows)
    return table(compile_spec(body.schedule), steps, request.headers.get("accept"), started)


@router.post("/lr", response_model=LrOut)
def create_lr(body: LrRequest) -> Response:
    """The LR of a spec at one step."""
    return json_response({"step": body.step, "lr": core.evaluate_one(compile_spec(body.schedule), body.step)})


@router.post("/native", response_model=NativeOut)
def create_native(body: SpecRequest) -> Response:
    """A spec's translation to the native language (a native spec comes back with its defaults)."""
    native = to_native(body.schedule)
    translated = isinstance(body.schedule, DialectSpec)
    return json_response({"schedule": native.model_dump(mode="json"), "translated": translated})
