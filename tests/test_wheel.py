"""The wheel that users install holds one top-level package, ``lrserve``, and is named ``lrserve``: a
trainer's environment gets exactly this project's code, which no application's own ``service/`` or
``lrs`` package can shadow."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from email.parser import Parser
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    pytest.importorskip("build", reason="the wheel is built with the package 'build' (in the test extra)")
    out = tmp_path_factory.mktemp("dist")
    # --no-isolation: hatchling is already installed with the test extra; the build needs no network.
    subprocess.run(
        [sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", str(out), str(ROOT)],
        check=True,
        capture_output=True,
        timeout=300,
    )
    (found,) = out.glob("*.whl")
    return found


def test_the_wheel_holds_lrserve_alone(wheel: Path) -> None:
    with zipfile.ZipFile(wheel) as zf:
        names = zf.namelist()
    roots = {n.split("/")[0] for n in names if not n.split("/")[0].endswith(".dist-info")}
    assert roots == {"lrserve"}
    # the package's data ships too: the web page and its vendored assets
    assert "lrserve/web/static/index.html" in names
    assert "lrserve/py.typed" in names  # the package is typed (mypy strict): its users' checkers see it


def test_the_wheel_is_named_lrserve_and_installs_the_lrs_command(wheel: Path) -> None:
    assert wheel.name.startswith("lrserve-")
    with zipfile.ZipFile(wheel) as zf:
        info = next(n for n in zf.namelist() if n.endswith(".dist-info/METADATA"))
        metadata = Parser().parsestr(zf.read(info).decode())
        entry_points = zf.read(info.replace("METADATA", "entry_points.txt")).decode()
    assert metadata["Name"] == "lrserve"
    assert "lrs = lrserve.cli:main" in entry_points


def test_the_version_is_the_installed_metadata() -> None:
    from importlib.metadata import version

    import lrserve

    assert lrserve.__version__ == version("lrserve")
