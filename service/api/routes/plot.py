"""Curves to look at: the points to draw a schedule (for the web page), and SVG/PNG charts.

Nothing here promises a step: a chart shows the schedule as it stands, and a later revision may still
change steps past the highest one served (``promised_step``, the shaded band of a chart).
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Header, Path, Query
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from ... import core, plot
from ..._engine import compile_spec, native_data
from ...store import timeline
from .._deps import Reader, State
from .._encode import json_response
from .._errors import InvalidRequest, problem_responses
from .._models import NAME_PATTERN, CurveOut, CurveRequest, NamedCurveOut, PlotRequest, Points, Step, Stop
from .._registry import Entry, translate
from .evaluate import NotAcceptable

__all__ = ["router"]

SVG, PNG = "image/svg+xml", "image/png"
Arrays = tuple[core.IntArray, core.FloatArray]
router = APIRouter(
    prefix="/v1", tags=["plot"], dependencies=[Reader], responses=problem_responses(401, 403, 422)
)
Name = Annotated[str, Path(pattern=NAME_PATTERN, description="A schedule name: [a-z0-9][a-z0-9._-]{0,63}")]
IMAGE_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {
        "content": {
            SVG: {"schema": {"type": "string"}},
            PNG: {"schema": {"type": "string", "format": "binary"}},
        },
        "description": "The chart: SVG, or PNG (when the server has matplotlib: `lrs[plot]`).",
    },
    **problem_responses(406),
}
NAMED_IMAGE_RESPONSES = {**IMAGE_RESPONSES, **problem_responses(404)}


def _curve(schedule: core.Schedule, start: int, stop: int, points: int, where: str) -> Arrays:
    try:
        return plot.curve(schedule, start, stop, points)
    except ValueError as exc:
        raise InvalidRequest(
            str(exc), errors=[{"loc": [where, "start"], "msg": str(exc), "type": "empty_range"}]
        ) from None


def _named(entry: Entry, start: int, stop: int | None, points: int) -> tuple[Arrays, int]:
    pieces = timeline(entry.record.revisions)
    natives = [translate(rev.spec)[1] for _, rev in pieces]
    stop = stop or plot.extent(natives, [s for s, _ in pieces], floor=entry.promised)
    return _curve(entry.compiled.schedule, start, stop, points, "query"), stop


def _image(series: list[plot.Series], media_type: str, **options: Any) -> Response:
    if media_type == PNG:
        try:
            body = plot.render_png(series, **options)
        except ModuleNotFoundError as exc:
            raise NotAcceptable(f"PNG plots need matplotlib on the server ({exc}); ask for {SVG}") from None
        return Response(body, media_type=PNG, headers={"Vary": "Accept"})
    return Response(plot.render_svg(series, **options), media_type=SVG, headers={"Vary": "Accept"})


def _wants(accept: str | None) -> str:
    """SVG unless the client asks for PNG (and not SVG) in Accept."""
    if accept and PNG in accept and SVG not in accept:
        return PNG
    return SVG


@router.post("/curve", response_model=CurveOut, responses=problem_responses(413))
def create_curve(body: CurveRequest) -> Response:
    """The exact points to draw a spec: at most two per bucket (its lowest and highest LR)."""
    stop = body.stop or plot.extent([native_data(body.schedule)])
    steps, lr = _curve(compile_spec(body.schedule), body.start, stop, body.points, "body")
    return json_response(_points(steps, lr, body.start, stop))


def _points(steps: core.IntArray, lr: core.FloatArray, start: int, stop: int) -> dict[str, Any]:
    return {"start": start, "stop": stop, "steps": steps.tolist(), "lr": lr.tolist()}


@router.post("/plot", response_class=Response, responses=IMAGE_RESPONSES)
def create_plot(body: PlotRequest, accept: Annotated[str | None, Header()] = None) -> Response:
    """A chart of a spec, or of up to four specs compared: SVG, or PNG by ``Accept: image/png``."""
    specs = body.specs
    stop = body.stop or plot.extent([native_data(s) for s in specs])
    labels = body.labels or [_label(s) for s in specs]
    series = [
        plot.Series(label, *_curve(compile_spec(s), body.start, stop, 1000, "body"))
        for label, s in zip(labels, specs, strict=True)
    ]
    options = {"title": body.title, "log": body.log, "width": body.width, "height": body.height}
    return _image(series, _wants(accept), **options)


def _label(spec: Any) -> str:
    data = spec.model_dump() if hasattr(spec, "model_dump") else spec
    return " ".join(str(data[k]) for k in ("kind", "name") if k in data)


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
        timeline=[{"from_step": s, "revision": r.number} for s, r in timeline(entry.record.revisions)],
        promised_step=entry.promised,
    )
    return json_response(body)


async def _named_image(
    name: str, state: State, media_type: str, start: int, stop: int | None, log: bool, width: int, height: int
) -> Response:
    entry = await state.registry.view(name)
    (steps, lr), _ = await run_in_threadpool(_named, entry, start, stop, 1000)
    markers = [plot.Marker(s, f"revision {r.number}") for s, r in timeline(entry.record.revisions)[1:]]
    served = entry.promised if entry.promised >= 0 else None
    title = f"{name} (revision {entry.record.current.number})"
    options = {"title": title, "log": log, "markers": markers, "served": served}
    options.update(width=width, height=height)
    return await run_in_threadpool(_image, [plot.Series(name, steps, lr)], media_type, **options)


Width = Annotated[int, Query(ge=200, le=4000)]
Height = Annotated[int, Query(ge=150, le=4000)]


@router.get("/schedules/{name}/plot.svg", response_class=Response, responses=NAMED_IMAGE_RESPONSES)
async def read_plot_svg(
    name: Name,
    state: State,
    start: Annotated[Step, Query()] = 0,
    stop: Annotated[Stop | None, Query()] = None,
    log: bool = False,
    width: Width = 800,
    height: Height = 400,
) -> Response:
    """A named schedule's chart: its revisions marked where they take effect, the served steps shaded."""
    return await _named_image(name, state, SVG, start, stop, log, width, height)


@router.get("/schedules/{name}/plot.png", response_class=Response, responses=NAMED_IMAGE_RESPONSES)
async def read_plot_png(
    name: Name,
    state: State,
    start: Annotated[Step, Query()] = 0,
    stop: Annotated[Stop | None, Query()] = None,
    log: bool = False,
    width: Width = 800,
    height: Height = 400,
) -> Response:
    """The same chart as a PNG (when the server has matplotlib: ``lrs[plot]``; else 406)."""
    return await _named_image(name, state, PNG, start, stop, log, width, height)
