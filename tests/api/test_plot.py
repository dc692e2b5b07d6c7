"""Curves and plots: POST /v1/curve and /v1/plot, GET /v1/schedules/{name}/curve, plot.svg and plot.png,
POST /v1/native; in-process and against a real server."""

from __future__ import annotations

import uuid
import xml.etree.ElementTree as ET
from typing import Any

import numpy as np
import pytest
from lrserve import MAX_STEP, StepError, evaluate, to_native
from lrserve.plot import Chart, nice_ticks

from .._server import admin

MULTISTEP = {"kind": "multistep", "base_lr": 0.1, "milestones": [3000, 7000, 7001, 9000], "factor": 0.5}
CYCLIC = {"kind": "cyclic", "base_lr": 0.001, "max_lr": 0.01, "step_size_up": 37}
ONE_CYCLE = {
    "kind": "torch",
    "name": "OneCycleLR",
    "base_lr": 0.1,
    "args": {"max_lr": 0.1, "total_steps": 500},
}
WARMUP = {"kind": "warmup_cosine", "base_lr": 3e-4, "warmup_steps": 100, "hold_steps": 50, "decay_steps": 900}
SVG_NS = "{http://www.w3.org/2000/svg}"


def fresh() -> str:
    return f"p-{uuid.uuid4().hex[:8]}"


def svg(text: str) -> ET.Element:
    return ET.fromstring(text)  # well-formed XML, or this raises


def paths(root: ET.Element, cls: str) -> list[ET.Element]:
    return [e for e in root.iter() if e.get("class") == cls]


@pytest.mark.parametrize("spec", [MULTISTEP, CYCLIC, WARMUP], ids=["multistep", "cyclic", "warmup"])
def test_a_curve_is_exact_samples_that_keep_every_level_and_peak(http: Any, spec: dict[str, Any]) -> None:
    r = http.post("/v1/curve", json={"schedule": spec, "stop": 20_000, "points": 200})
    assert r.status_code == 200, r.text
    body = r.json()
    steps = np.asarray(body["steps"])
    assert (body["start"], body["stop"]) == (0, 20_000)
    assert steps[0] == 0 and steps[-1] == 19_999 and np.all(np.diff(steps) > 0)
    assert len(steps) <= 2 * 200 + 2
    assert body["lr"] == evaluate(spec, steps).tolist()  # every point drawn is the engine's, exactly
    table = evaluate(spec, np.arange(20_000))
    assert max(body["lr"]) == table.max() and min(body["lr"]) == table.min()
    if spec is MULTISTEP:  # each level, even the one that lasts a single step (7000)
        assert set(body["lr"]) == set(table.tolist())


def test_a_curve_stops_where_the_schedule_does_and_defaults_past_its_natural_end(http: Any) -> None:
    r = http.post("/v1/curve", json={"schedule": ONE_CYCLE, "stop": 10_000})
    assert r.status_code == 200, r.text
    last = r.json()["steps"][-1]
    assert last == 500  # PyTorch's OneCycleLR steps total_steps times, then refuses
    with pytest.raises(StepError):
        evaluate(ONE_CYCLE, [last + 1])
    r = http.post("/v1/curve", json={"schedule": WARMUP})
    assert r.json()["stop"] > 100 + 50 + 900
    assert len(r.json()["steps"]) == r.json()["stop"]  # short enough to send whole
    r = http.post("/v1/curve", json={"schedule": ONE_CYCLE, "start": 501})
    assert r.status_code == 422
    assert r.json()["errors"][0]["loc"] == ["body", "start"]


def test_a_curve_of_a_schedule_longer_than_every_step_stops_at_the_last_step(http: Any) -> None:
    # found by schemathesis: restarts whose cycles outgrow 2**53 steps (a 500 before)
    spec = {
        "kind": "keras",
        "name": "CosineDecayRestarts",
        "args": {"initial_learning_rate": 0.1, "first_decay_steps": 4534029951648807.0, "t_mul": 86007.0},
    }
    r = http.post("/v1/curve", json={"schedule": spec, "points": 50})
    assert r.status_code == 200, r.text
    assert r.json()["stop"] == MAX_STEP + 1
    assert r.json()["steps"][-1] == MAX_STEP
    assert r.json()["lr"] == evaluate(spec, r.json()["steps"]).tolist()
    # cycles whose length overflows to inf: the engine has no real LR there, and says so at that step
    spec = {"kind": "cosine_restarts", "base_lr": 0.1, "period": 1000, "period_mult": 1e300}
    r = http.post("/v1/curve", json={"schedule": spec, "points": 50})
    assert r.status_code == 422, r.text
    assert r.json()["type"] == "urn:lrs:problem:invalid-step"
    assert "not a real number" in r.json()["detail"]


def test_a_named_curve_promises_nothing(http: Any) -> None:
    name = fresh()
    assert http.put(f"/v1/schedules/{name}", json={"schedule": WARMUP}, headers=admin()).status_code == 201
    http.get(f"/v1/schedules/{name}/lr", params={"step": 40})
    rev = {"schedule": {"kind": "constant", "lr": 1e-5}, "effective_from_step": 600}
    assert http.post(f"/v1/schedules/{name}/revisions", json=rev, headers=admin()).status_code == 201
    r = http.get(f"/v1/schedules/{name}/curve", params={"points": 100, "stop": 5000})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["promised_step"] == 40
    assert body["timeline"] == [{"from_step": 0, "revision": 1}, {"from_step": 600, "revision": 2}]
    steps = np.asarray(body["steps"])
    assert body["lr"] == np.where(steps < 600, evaluate(WARMUP, steps), 1e-5).tolist()
    # looking at step 4999 promised nothing: a revision may still take effect from step 41
    rev = {"schedule": {"kind": "constant", "lr": 2e-5}, "effective_from_step": 41}
    assert http.post(f"/v1/schedules/{name}/revisions", json=rev, headers=admin()).status_code == 201
    assert http.get("/v1/schedules/nope/curve").status_code == 404


def test_a_named_plot_marks_revisions_and_the_served_steps(http: Any) -> None:
    name = fresh()
    http.put(f"/v1/schedules/{name}", json={"schedule": WARMUP}, headers=admin())
    rev = {"schedule": {"kind": "constant", "lr": 1e-5}, "effective_from_step": 700}
    http.post(f"/v1/schedules/{name}/revisions", json=rev, headers=admin())
    r = http.get(f"/v1/schedules/{name}/plot.svg")
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].startswith("image/svg+xml")
    root = svg(r.text)
    assert len(paths(root, "series")) == 1 and len(paths(root, "revision")) == 1
    assert paths(root, "served") == []  # nothing served yet
    http.get(f"/v1/schedules/{name}/lr", params={"step": 300})
    root = svg(http.get(f"/v1/schedules/{name}/plot.svg", params={"log": "true"}).text)
    assert len(paths(root, "served")) == 1
    assert "served up to step 300" in ET.tostring(root, encoding="unicode")
    labels = [t.text for t in root.iter(f"{SVG_NS}text")]
    assert {"1e-6", "1e-5", "1e-4", "0.001"} <= set(labels)  # decades on the log scale
    r = http.get(f"/v1/schedules/{name}/plot.svg", params={"width": 10})
    assert r.status_code == 422


def test_a_plot_compares_up_to_four_specs(http: Any) -> None:
    body = {"schedules": [WARMUP, ONE_CYCLE], "labels": ["warm-up", "one cycle"], "title": "two <specs>"}
    r = http.post("/v1/plot", json=body)
    assert r.status_code == 200, r.text
    root = svg(r.text)
    series = paths(root, "series")
    assert [p.find(f"{SVG_NS}title").text for p in series] == ["warm-up", "one cycle"]  # type: ignore[union-attr]
    assert "two <specs>" in [t.text for t in root.iter(f"{SVG_NS}text")]  # escaped, and back
    # one point per sample of the curve, in step order
    curve = http.post("/v1/curve", json={"schedule": WARMUP, "points": 1000}).json()  # the same range
    xs = [float(p.split(",")[0]) for p in series[0].get("d", "")[1:].split(" L")]
    assert len(xs) == len(curve["steps"]) and xs == sorted(xs)
    assert http.post("/v1/plot", json={"schedules": [WARMUP] * 5}).status_code == 422
    both = http.post("/v1/plot", json={"schedule": WARMUP, "schedules": [WARMUP]})
    assert both.status_code == 422
    bad = http.post("/v1/plot", json={"schedule": {"kind": "cosine_annealing", "base_lr": -1, "t_max": 5}})
    assert bad.status_code == 422
    assert bad.json()["errors"][0]["loc"] == ["body", "schedule", "base_lr"]


def test_png_when_matplotlib_is_installed(http: Any) -> None:
    pytest.importorskip("matplotlib")
    r = http.post("/v1/plot", json={"schedule": WARMUP}, headers={"Accept": "image/png"})
    assert r.status_code == 200, r.text
    assert r.headers["content-type"] == "image/png"
    assert r.content.startswith(b"\x89PNG\r\n\x1a\n")
    name = fresh()
    http.put(f"/v1/schedules/{name}", json={"schedule": WARMUP}, headers=admin())
    assert http.get(f"/v1/schedules/{name}/plot.png").content.startswith(b"\x89PNG")


def test_png_without_matplotlib_is_406_naming_the_extra(
    app_client: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    import lrserve.plot._png as png

    real_import = __import__

    def no_matplotlib(name: str, *args: Any, **kwargs: Any) -> Any:
        if name.startswith("matplotlib"):
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr("builtins.__import__", no_matplotlib)
    with pytest.raises(ModuleNotFoundError, match=r"lrserve\[plot\]"):
        png.render_png(Chart([]))
    r = app_client.post("/v1/plot", json={"schedule": WARMUP}, headers={"Accept": "image/png"})
    assert r.status_code == 406
    assert "lrserve[plot]" in r.json()["detail"]


def test_native_translation(http: Any) -> None:
    r = http.post("/v1/native", json={"schedule": ONE_CYCLE})
    assert r.status_code == 200, r.text
    assert r.json() == {"schedule": to_native(ONE_CYCLE).model_dump(mode="json"), "translated": True}
    r = http.post("/v1/native", json={"schedule": MULTISTEP})
    assert r.json()["translated"] is False
    assert r.json()["schedule"]["kind"] == "multistep"
    assert (
        evaluate(r.json()["schedule"], [6999, 7000, 7001]).tolist()
        == evaluate(MULTISTEP, [6999, 7000, 7001]).tolist()
    )


@pytest.mark.parametrize(("lo", "hi"), [(0, 1), (0, 0.105), (0, 4401), (-3, 7), (1e-7, 3e-7)])
def test_ticks_are_round_and_cover_the_range(lo: float, hi: float) -> None:
    ticks = nice_ticks(lo, hi)
    assert ticks[0] >= lo - 1e-12 and ticks[-1] <= hi + 1e-12
    gaps = np.diff(ticks)
    assert np.allclose(gaps, gaps[0])
    mantissa = gaps[0] / 10 ** np.floor(np.log10(gaps[0]))
    assert round(mantissa, 6) in (1, 2, 5)
    assert 3 <= len(ticks) <= 11


@pytest.mark.parametrize("lr", [1.5e308, 5e-324, 1e-300, 1.0], ids=["near-max", "subnormal", "tiny", "one"])
def test_log_plots_of_extreme_lrs_are_drawn_not_a_500(http: Any, lr: float) -> None:
    """A log axis covers the float64 decades (1e-323 to 1e308) and keeps about ten ticks."""
    spec = {"kind": "constant", "lr": lr}
    r = http.post("/v1/plot", json={"schedule": spec, "stop": 10, "log": True})
    assert r.status_code == 200, r.text
    root = svg(r.text)
    assert paths(root, "series"), r.text[:500]
    ticks = [e for e in root.iter() if e.get("class") == "ytick"]
    assert 2 <= len(ticks) <= 12
    name = fresh()
    assert http.put(f"/v1/schedules/{name}", json={"schedule": spec}, headers=admin()).status_code == 201
    r = http.get(f"/v1/schedules/{name}/plot.svg", params={"log": "true", "stop": 10})
    assert r.status_code == 200, r.text
    svg(r.text)


@pytest.mark.parametrize("lr", [1.5e308, 5e-324], ids=["near-max", "subnormal"])
def test_log_png_plots_of_extreme_lrs_are_drawn(app_client: Any, lr: float) -> None:
    pytest.importorskip("matplotlib")
    body = {"schedule": {"kind": "constant", "lr": lr}, "stop": 10, "log": True}
    r = app_client.post("/v1/plot", json=body, headers={"Accept": "image/png"})
    assert r.status_code == 200, r.text
    assert r.content.startswith(b"\x89PNG")
