"""The web page in a real browser: Debian's chromium, driven by Playwright, against a real server process.

The list renders with a preview of each schedule; the playground shows a visible error for an invalid spec
and, for a valid one, draws points equal to ``evaluate``; a library config translates to native in the
page; a schedule is created and a revision posted from the page (the token kept in session storage only)
and the revision appears on the chart. Screenshots go to ``test-output/screenshots/``.
"""

from __future__ import annotations

import ast
import json
import os
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from lrserve import evaluate, to_native
from lrserve.client import Client
from playwright.sync_api import Browser, Page, expect, sync_playwright

from .._server import ADMIN, Server

CHROMIUM = Path("/usr/bin/chromium")
SHOTS = Path(__file__).resolve().parents[2] / "test-output" / "screenshots"
ONE_CYCLE = {
    "kind": "torch",
    "name": "OneCycleLR",
    "base_lr": 0.1,
    "args": {"max_lr": 0.1, "total_steps": 1000},
}
WSD = {
    "kind": "warmup_stable_decay",
    "base_lr": 0.01,
    "warmup_steps": 100,
    "stable_steps": 600,
    "decay_steps": 200,
}
COSINE = {"kind": "cosine_annealing", "base_lr": 0.05, "min_lr": 0.001, "t_max": 300}

if not CHROMIUM.exists():
    if os.environ.get("CI"):  # .ci/run installs it: a missing browser must fail there, not skip
        raise RuntimeError(f"{CHROMIUM} is missing: apt-get install chromium")
    pytest.skip("chromium is not installed (apt-get install chromium)", allow_module_level=True)


@pytest.fixture(scope="module")
def client(server: Server) -> Iterator[Client]:
    with Client(server.url, ADMIN) as c:
        yield c


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=["--no-sandbox"])
        yield b
        b.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1200, "height": 900})
    pg = context.new_page()
    errors: list[str] = []
    pg.on("pageerror", lambda exc: errors.append(str(exc)))
    yield pg
    context.close()
    assert errors == [], f"JavaScript errors on the page: {errors}"


def shot(page: Page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def ready(page: Page) -> None:
    page.wait_for_function("() => window.lrs && window.lrs.ready", timeout=15_000)


def curve(page: Page, key: str) -> dict[str, Any]:
    data: dict[str, Any] = page.evaluate("(key) => window.lrs.curves[key]", key)
    return data


def dumps(value: Any) -> str:
    return json.dumps(value, indent=2)


def fresh() -> str:
    return f"web-{uuid.uuid4().hex[:8]}"


def assert_exact(points: dict[str, Any], spec: Any) -> None:
    steps = np.asarray(points["steps"])
    assert steps.size > 10
    assert list(points["lr"]) == list(evaluate(spec, steps))


def test_the_list_shows_every_schedule_with_a_preview(page: Page, server: Server, client: Client) -> None:
    names = [fresh(), fresh()]
    client.put_schedule(names[0], ONE_CYCLE, "one cycle")
    client.put_schedule(names[1], WSD, "warm-up, stable, decay")
    page.goto(server.url + "/")
    ready(page)
    for name, spec in zip(names, (ONE_CYCLE, WSD), strict=True):
        card = page.locator(f'.card[data-name="{name}"]')
        expect(card).to_be_visible()
        expect(card.locator("svg path")).to_have_count(1)
        assert_exact(curve(page, f"preview:{name}"), spec)
    expect(page.locator(f'.card[data-name="{names[1]}"]')).to_contain_text("warm-up, stable, decay")
    shot(page, "list")


def test_the_playground_checks_as_you_type_and_draws_the_engines_numbers(page: Page, server: Server) -> None:
    page.goto(server.url + "/#/playground")
    ready(page)
    editor, errors = page.locator('textarea[data-editor="0"]'), page.locator('[data-errors="0"]')
    editor.fill('{"kind": "cosine_annealing", "base_lr": 0.1, "t_max": -5}')
    expect(errors).to_be_visible()
    expect(errors).to_contain_text("t_max")
    expect(editor).to_have_class("spec invalid")
    shot(page, "playground-invalid")
    editor.fill('{"kind": "cosine_annealing", "base_lr": 0.1,')
    expect(errors).to_contain_text("not valid JSON")
    editor.fill(dumps(COSINE))
    expect(errors).to_be_hidden()
    page.wait_for_function("() => window.lrs.curves.editor0 && window.lrs.curves.editor0.stop > 100")
    assert_exact(curve(page, "editor0"), COSINE)
    # the starters: a torch config and its native form draw the same numbers, over a common range
    torch, native = curve(page, "editor0"), curve(page, "editor1")
    assert native["lr"] == list(
        evaluate({"kind": "cosine_annealing", "base_lr": 0.1, "min_lr": 0.001, "t_max": 100}, native["steps"])
    )
    assert torch["stop"] == native["stop"] == curve(page, "editor2")["stop"]
    expect(page.locator("#playground-chart canvas")).to_have_count(1)
    shot(page, "playground")


def test_a_library_config_translates_to_native_and_copies_as_python(page: Page, server: Server) -> None:
    page.goto(server.url + "/#/playground")
    ready(page)
    hf = page.locator('textarea[data-editor="2"]')
    spec = {
        "kind": "transformers",
        "name": "cosine",
        "base_lr": 0.1,
        "args": {"num_warmup_steps": 10, "num_training_steps": 100},
    }
    assert json.loads(hf.input_value()) == spec
    page.locator('.editor[data-index="2"] button', has_text="To native").click()
    expect(hf).not_to_have_value(dumps(spec))
    assert json.loads(hf.input_value()) == to_native(spec).model_dump(mode="json")
    page.locator('.editor[data-index="2"] button', has_text="Copy Python").click()
    text = page.locator("#copy-text").input_value()
    literal = text.split("spec = ", 1)[1].split("\nlrs = ", 1)[0]
    assert ast.literal_eval(literal) == to_native(spec).model_dump(mode="json")
    assert "put_schedule(" in text and "RemoteSchedule(" in text
    page.locator("#copy-dialog button", has_text="Close").click()
    page.locator('.editor[data-index="0"] button', has_text="Copy curl").click()
    assert "/v1/table" in page.locator("#copy-text").input_value()


def test_an_operator_creates_a_schedule_and_posts_a_revision_that_appears_on_the_chart(
    page: Page, server: Server, client: Client
) -> None:
    name = fresh()
    page.goto(server.url + "/#/playground")
    ready(page)
    page.locator('textarea[data-editor="0"]').fill(dumps(COSINE))
    page.fill("#create-name", name)
    page.click("#create")
    expect(page.locator("#create-errors")).to_contain_text("token")  # none typed yet: 401, said plainly
    page.fill("#token", ADMIN)
    page.click("#create")
    expect(page.locator("#create-state")).to_contain_text("created")
    created = client.get_schedule(name)
    assert created is not None and created.schedule == COSINE
    assert page.evaluate("() => [sessionStorage.getItem('lrs.token'), localStorage.length]") == [ADMIN, 0]

    client.lr(name, 150)  # a trainer was served step 150: a revision may take effect from 151 on
    page.goto(f"{server.url}/#/s/{name}")
    ready(page)
    expect(page.locator("#served")).to_contain_text("150")
    revised = {"kind": "constant", "lr": 0.002}
    page.fill("#revision-spec", dumps(revised))
    page.fill("#revision-from", "100")
    page.click("#revision-post")
    expect(page.locator("#revision-errors")).to_contain_text("151")
    page.fill("#revision-from", "200")
    page.click("#revision-post")
    expect(page.locator("#revision-state")).to_contain_text("revision posted")
    ready(page)
    expect(page.locator('tr[data-revision="2"]')).to_be_visible()
    assert page.evaluate("() => window.lrs.markers") == [{"step": 200, "label": "revision 2"}]
    drawn = curve(page, "schedule")
    steps = np.asarray(drawn["steps"])
    want = np.where(steps < 200, evaluate(COSINE, steps), 0.002)
    assert drawn["lr"] == list(want)
    assert steps.max() >= 200
    body = client.get_schedule(name)
    assert body is not None and (body.timeline[-1].from_step, body.timeline[-1].revision) == (200, 2)
    shot(page, "schedule")
    # a new tab starts without the token: it was kept for this tab's session only
    other = page.context.browser.new_context().new_page()  # type: ignore[union-attr]
    other.goto(server.url + "/")
    assert other.evaluate("() => sessionStorage.getItem('lrs.token')") is None
    other.context.close()


def test_the_schedule_chart_zooms_exactly_switches_to_log_and_hovers_at_full_precision(
    page: Page, server: Server, client: Client
) -> None:
    name = fresh()
    client.put_schedule(name, WSD)
    page.goto(f"{server.url}/#/s/{name}")
    ready(page)
    whole = curve(page, "schedule")
    assert_exact(whole, WSD)
    # zoom into steps 640..720: the page fetches that range again, every step of it, exactly
    page.evaluate("() => window.lrs.charts.schedule.setScale('x', {min: 640, max: 720})")
    page.wait_for_function("() => window.lrs.curves.zoomed !== undefined")
    zoomed = curve(page, "zoomed")
    assert zoomed["steps"] == list(range(640, 721))
    assert_exact(zoomed, WSD)
    # hover: the legend shows the step and its LR in full (parsing it gives back the same double)
    over = page.locator("#chart .u-over").bounding_box()
    assert over is not None
    x = page.evaluate("() => window.lrs.charts.schedule.valToPos(701, 'x')")
    page.mouse.move(over["x"] + x, over["y"] + 20)
    page.wait_for_function("() => window.lrs.charts.schedule.cursor.idx != null")
    shown = page.evaluate(
        """() => {
            const u = window.lrs.charts.schedule;
            const values = [...document.querySelectorAll('.u-legend .u-value')].map((e) => e.textContent);
            return {step: u.data[0][u.cursor.idx], values};
        }"""
    )
    step = shown["step"]
    assert 699 <= step <= 703
    assert shown["values"][0] == str(step)
    assert float(shown["values"][1]) == evaluate(WSD, step)
    shot(page, "schedule-zoomed")
    page.check("#log")
    assert page.evaluate("() => window.lrs.charts.schedule.scales.y.distr") == 3
