"""``lrs plot``: spec files drawn as SVG (always) or PNG (matplotlib), from exact samples of the engine."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path

import pytest
from lrserve import compile_spec, to_native
from lrserve.plot import curve, extent

from .conftest import lrs

TORCH = {"kind": "torch", "name": "CosineAnnealingLR", "base_lr": 0.1, "args": {"T_max": 300}}
WSD_YAML = "kind: warmup_stable_decay\nbase_lr: 0.05\nwarmup_steps: 50\nstable_steps: 200\ndecay_steps: 100\n"


def series(root: ET.Element) -> list[ET.Element]:
    return [e for e in root.iter() if e.get("class") == "series"]


def test_plot_compares_specs_as_svg(spec_file: Callable[[str, str], Path], tmp_path: Path) -> None:
    a = spec_file("torch-cosine.json", json.dumps(TORCH))
    b = spec_file("wsd.yaml", WSD_YAML)
    out = tmp_path / "compare.svg"
    run = lrs("plot", str(a), str(b), "-o", str(out), "--log", "--title", "two")
    assert run.code == 0, run.err
    assert f"wrote {out}" in run.out
    root = ET.fromstring(out.read_text())
    drawn = series(root)
    assert [p.find("{http://www.w3.org/2000/svg}title").text for p in drawn] == ["torch-cosine", "wsd"]  # type: ignore[union-attr]
    stop = extent(
        [
            to_native(TORCH).model_dump(),
            to_native(
                {
                    "kind": "warmup_stable_decay",
                    "base_lr": 0.05,
                    "warmup_steps": 50,
                    "stable_steps": 200,
                    "decay_steps": 100,
                }
            ).model_dump(),
        ]
    )
    _, lr = curve(compile_spec(TORCH), 0, stop, 1000)
    # one point per exact sample; on the log scale, the positive ones (this cosine reaches 0 at 300)
    assert len(drawn[0].get("d", "").split(" L")) == int((lr > 0).sum()) < len(lr)


def test_plot_writes_png_with_matplotlib(spec_file: Callable[[str, str], Path], tmp_path: Path) -> None:
    pytest.importorskip("matplotlib")
    out = tmp_path / "lr.png"
    run = lrs("plot", str(spec_file("a.json", json.dumps(TORCH))), "-o", str(out), "--stop", "500")
    assert run.code == 0, run.err
    assert out.read_bytes().startswith(b"\x89PNG\r\n\x1a\n")
    assert "steps 0..499" in run.out


def test_plot_refuses_bad_input_readably(spec_file: Callable[[str, str], Path], tmp_path: Path) -> None:
    bad = spec_file("bad.json", json.dumps({"kind": "cosine_annealing", "base_lr": 0.1, "t_max": 0}))
    run = lrs("plot", str(bad), "-o", str(tmp_path / "x.svg"))
    assert run.code == 2
    assert "t_max" in run.err and "Traceback" not in run.err
    good = str(spec_file("good.json", json.dumps(TORCH)))
    run = lrs("plot", *[good] * 5, "-o", str(tmp_path / "x.svg"))
    assert run.code == 2 and "at most four" in run.err
    assert not (tmp_path / "x.svg").exists()
