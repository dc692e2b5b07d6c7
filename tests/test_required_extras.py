"""The hooks in ``_extras.py``: a test that needs an optional framework skips without it, except with
``LRS_REQUIRE_EXTRAS=1`` (CI), where the same test fails naming the extra to install; other skips stay
skips. Run for real: pytest in a subprocess, on tests whose frameworks are made unimportable."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement

from ._extras import EXTRAS, VARIABLE

ROOT = Path(__file__).resolve().parents[1]

CONFTEST = """
import sys

# torch and matplotlib cannot be imported here, installed or not
sys.modules["torch"] = None
sys.modules["matplotlib"] = None

from tests._extras import pytest_make_collect_report, pytest_runtest_makereport
"""
TESTS = {
    "test_module_level.py": """
import pytest

torch = pytest.importorskip("torch")


def test_needs_torch():
    assert torch
""",
    "test_in_a_test.py": """
import pytest


def test_needs_matplotlib():
    pytest.importorskip("matplotlib.figure")


def test_needs_a_module_that_is_no_framework():
    pytest.importorskip("lrs_no_such_module")


def test_skips_for_another_reason():
    pytest.skip("could not import 'torch' is not the point here")


def test_passes():
    assert True
""",
}


def run(tmp_path: Path, flag: str | None) -> tuple[dict[str, int], str]:
    (tmp_path / "pytest.ini").write_text("[pytest]\n")
    (tmp_path / "conftest.py").write_text(CONFTEST)
    for name, text in TESTS.items():
        (tmp_path / name).write_text(text)
    env = {k: v for k, v in os.environ.items() if k != VARIABLE and not k.startswith("PYTEST_")}
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), env.get("PYTHONPATH", "")])
    if flag is not None:
        env[VARIABLE] = flag
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-p",
            "no:cacheprovider",
            "-rA",
            "--continue-on-collection-errors",
            str(tmp_path),
        ],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    summary = proc.stdout.strip().splitlines()[-1]
    counts = {word: int(n) for n, word in re.findall(r"(\d+) (\w+)", summary)}
    return counts, proc.stdout + proc.stderr


@pytest.mark.parametrize("flag", [None, "", "0"])
def test_without_the_flag_a_missing_framework_skips(tmp_path: Path, flag: str | None) -> None:
    counts, out = run(tmp_path, flag)
    assert counts == {"passed": 1, "skipped": 4}, out


def test_with_the_flag_a_missing_framework_fails_naming_its_extra(tmp_path: Path) -> None:
    counts, out = run(tmp_path, "1")
    # the module-level importorskip is a collection error, the one in a test a failure; both name the
    # extra; the skips that are not about a framework stay skips
    assert counts == {"failed": 1, "passed": 1, "skipped": 2, "error": 1}, out
    assert "ERROR test_module_level.py" in out, out
    assert "FAILED test_in_a_test.py::test_needs_matplotlib" in out, out
    assert "pip install -e '.[torch]'" in out, out
    assert "pip install -e '.[plot]'" in out, out
    assert "SKIPPED [1] test_in_a_test.py:10: could not import 'lrs_no_such_module'" in out, out


def test_every_optional_import_the_tests_skip_on_is_listed() -> None:
    """An ``importorskip`` of a framework missing from EXTRAS, or given its own ``reason`` (the hooks read
    pytest's default one), would skip in CI unnoticed; one of a package of the test extra may skip."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    test_extra = {Requirement(r).name for r in project["optional-dependencies"]["test"]}
    calls = []
    for path in Path(__file__).parent.rglob("*.py"):
        if path != Path(__file__):
            calls += re.findall(r"importorskip\(\s*[\"']([\w.]+)[\"']([^)]*)\)", path.read_text())
    assert calls, "no importorskip found: the search is broken"
    for module, rest in calls:
        top = module.split(".")[0]
        assert top in EXTRAS or top in test_extra, f"{module}: add it to tests/_extras.py EXTRAS"
        assert top not in EXTRAS or "reason" not in rest, f"{module}: keep pytest's own reason"
