"""Curves to look at: the points to draw a schedule (for the web page), and SVG/PNG charts.

Nothing here promises a step: a chart shows the schedule as it stands, and a later revision may still
change steps past the highest one served (``promised_step``, the shaded band of a chart).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query, Request
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from ... import core, plot
from ..._engine import compile_spec, native_data
from .._deps import Name, Reader, State
from .._encode import json_response
from .._errors import InvalidRequest, problem_responses
from .._models import CurveOut, CurveRequest, NamedCurveOut, PlotRequest, Points, Step, Stop
from .._serving import Entry, translate
from .evaluate import NotAcceptable

__all__ = ["router"]

SVG, PNG = "image/svg+xml", "image/png"
Arrays = tuple[core.IntArray, core.FloatArray]
router = APIRouter(
    prefix="/v1", tags=["plot"], dependencies=[Reader], responses=problem_responses(401, 403, 422)
)
SVG_CONTENT = {SVG: {"schema": {"type": "string"}}}
PNG_CONTENT = {PNG: {"schema": {"type": "string", "format": "binary"}}}
PNG_NEEDS = "(when the server has matplotlib: `lrserve[plot]`; else 406)"
IMAGE_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {
        "content": {**SVG_CONTENT, **PNG_CONTENT},
        "description": f"The chart: SVG, or PNG by `Accept: image/png` {PNG_NEEDS}.",
    },
    **problem_responses(406),
}
SVG_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {"content": SVG_CONTENT, "description": "The chart as SVG."},
    **problem_responses(404),
}
PNG_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {"content": PNG_CONTENT, "description": f"The chart as PNG {PNG_NEEDS}."},
    **problem_responses(404, 406),
}


def _curve(schedule: core.Schedule, start: int, stop: int, points: int, where: str) -> Arrays:
    try:
        return plot.curve(schedule, start, stop, points)
    except core.LRSError:  # e.g. no real LR at a step: mapped as everywhere else
        raise
    except ValueError as exc:  # an empty range
        raise InvalidRequest(
            str(exc), errors=[{"loc": [where, "start"], "msg": str(exc), "type": "empty_range"}]
        ) from None


def _pieces(entry: Entry) -> list[tuple[int, int]]:
    """The timeline of a cached entry, ``(from_step, revision)``: its compiled history has it already."""
    return list(zip(entry.compiled.starts, entry.compiled.numbers, strict=True))


def _named(entry: Entry, start: int, stop: int | None, points: int) -> tuple[Arrays, int]:
    if stop is None:
        specs = {rev.number: rev.spec for rev in entry.record.revisions}
        natives = [translate(specs[number])[1] for _, number in _pieces(entry)]
        stop = plot.extent(natives, entry.compiled.starts, floor=entry.promised)
    return _curve(entry.compiled.schedule, start, stop, points, "query"), stop


def _image(chart: plot.Chart, fmt: Literal["svg", "png"]) -> Response:
    try:
        body = plot.render(chart, fmt)
    except ModuleNotFoundError as exc:
        raise NotAcceptable(f"PNG plots need matplotlib on the server ({exc}); ask for {SVG}") from None
    return Response(body, media_type=PNG if fmt == "png" else SVG, headers={"Vary": "Accept"})


def _wants(accept: str | None) -> Literal["svg", "png"]:
    """SVG unless the client asks for PNG (and not SVG) in Accept."""
    if accept and PNG in accept and SVG not in accept:
        return "png"
    return "svg"


def _points(steps: core.IntArray, lr: core.FloatArray, start: int, stop: int) -> dict[str, Any]:
    return {"start": start, "stop": stop, "steps": steps.tolist(), "lr": lr.tolist()}


@router.post("/curve", response_model=CurveOut, responses=problem_responses(413))
def create_curve(body: CurveRequest) -> Response:
    """The exact points to draw a spec: at most two per bucket (its lowest and highest LR)."""
    stop = body.stop or plot.extent([native_data(body.schedule)])
    steps, lr = _curve(compile_spec(body.schedule), body.start, stop, body.points, "body")
    return json_response(_points(steps, lr, body.start, stop))


@router.post("/plot", response_class=Response, responses=IMAGE_RESPONSES)
def create_plot(body: PlotRequest, request: Request) -> Response:
    """A chart of a spec, or of up to four specs compared: SVG, or PNG by ``Accept: image/png``."""
    specs = body.specs
    stop = body.stop or plot.extent([native_data(s) for s in specs])
    labels = body.labels or [_label(s) for s in specs]
    series = [
        plot.Series(label, *_curve(compile_spec(s), body.start, stop, 1000, "body"))
        for label, s in zip(labels, specs, strict=True)
    ]
    chart = plot.Chart(series, body.title, body.log, width=body.width, height=body.height)
    return _image(chart, _wants(request.headers.get("accept")))


def _label(spec: Any) -> str:
    """``torch CosineAnnealingLR`` for a dialect's spec, ``warmup_cosine`` for a native one."""
    return " ".join(str(getattr(spec, k)) for k in ("kind", "name") if hasattr(spec, k))


@router.get("/schedules/{name}/curve", response_model=NamedCurveOut, responses=problem_responses(404))
async def read_curve(
    name: Name,
    state: State,
    start: Annotated[Step, Query()] = 0,
    stop: Annotated[Stop | None, Query(description="Default: past the schedule's natural end.")] = None,
    points: Annotated[Points, Query()] = 1000,
) -> Response:
    """The points to draw a named schedule's history (promises nothing), with its timeline."""
    entry = await state.registry.view(name)
    (steps, lr), stop = await run_in_threadpool(_named, entry, start, stop, points)
    body = _points(steps, lr, start, stop)
    body.update(
        name=name,
        etag=f'"{entry.record.version}"',
        timeline=[{"from_step": s, "revision": n} for s, n in _pieces(entry)],
        promised_step=entry.promised,
    )
    return json_response(body)


@dataclass(frozen=True)
class ChartQuery:
    """The query of a named schedule's chart (both formats)."""

    start: Annotated[Step, Query()] = 0
    stop: Annotated[Stop | None, Query()] = None
    log: bool = False
    width: Annotated[int, Query(ge=200, le=4000)] = 800
    height: Annotated[int, Query(ge=150, le=4000)] = 400


async def _named_image(name: str, state: State, q: ChartQuery, fmt: Literal["svg", "png"]) -> Response:
    entry = await state.registry.view(name)
    (steps, lr), _ = await run_in_threadpool(_named, entry, q.start, q.stop, 1000)
    chart = plot.Chart(
        [plot.Series(name, steps, lr)],
        title=f"{name} (revision {entry.record.current.number})",
        log=q.log,
        markers=[plot.Marker(s, f"revision {n}") for s, n in _pieces(entry)[1:]],
        served=entry.promised if entry.promised >= 0 else None,
        width=q.width,
        height=q.height,
    )
    return await run_in_threadpool(_image, chart, fmt)


Chart = Annotated[ChartQuery, Depends()]


@router.get("/schedules/{name}/plot.svg", response_class=Response, responses=SVG_RESPONSES)
async def read_plot_svg(name: Name, state: State, q: Chart) -> Response:
    """A named schedule's chart: its revisions marked where they take effect, the served steps shaded."""
    return await _named_image(name, state, q, "svg")


@router.get("/schedules/{name}/plot.png", response_class=Response, responses=PNG_RESPONSES)
async def read_plot_png(name: Name, state: State, q: Chart) -> Response:
    """The same chart as a PNG (when the server has matplotlib: ``lrserve[plot]``; else 406)."""
    return await _named_image(name, state, q, "png")
