"""The adapters' frameworks are optional: a test that needs one skips without it (``pytest.importorskip``),
so the README's test install alone gives a green run. CI installs them all and sets
``LRS_REQUIRE_EXTRAS=1``; there these hooks (registered by the root conftest) turn such a skip into a
failure, so a framework that fails to install or import can never pass CI as a skip.

Only a skip by ``pytest.importorskip`` of one of :data:`EXTRAS` changes; any other skip stays one.
"""

from __future__ import annotations

import os
import re
from collections.abc import Generator

import pytest

#: The optional frameworks the tests may import, each with the extra that installs it.
EXTRAS = {
    "torch": "torch",
    "jax": "jax",
    "optax": "jax",
    "keras": "keras",
    "lightning": "lightning",
    "transformers": "hf",
    "accelerate": "hf",
    "matplotlib": "plot",
}
VARIABLE = "LRS_REQUIRE_EXTRAS"
# the reason pytest.importorskip(name) gives: "could not import 'name': <the ImportError>"
_IMPORTORSKIP = re.compile(r"(?:Skipped: )?could not import '([\w.]+)': ")


def required() -> bool:
    return os.environ.get(VARIABLE, "").strip().lower() not in ("", "0", "false", "no")


def _missing_extra(report: pytest.CollectReport | pytest.TestReport) -> str | None:
    """Why a skip must fail instead: it skipped for lack of an optional framework while one is required."""
    if not (report.skipped and isinstance(report.longrepr, tuple) and required()):
        return None
    reason = str(report.longrepr[2])
    match = _IMPORTORSKIP.match(reason)
    if match is None or match.group(1).split(".")[0] not in EXTRAS:
        return None
    extra = EXTRAS[match.group(1).split(".")[0]]
    return f"{reason}\n{VARIABLE} is set, so this must not skip: pip install -e '.[{extra}]'"


def _fail(report: pytest.CollectReport | pytest.TestReport, why: str) -> None:
    report.outcome = "failed"
    report.longrepr = why


@pytest.hookimpl(wrapper=True)
def pytest_make_collect_report(
    collector: pytest.Collector,
) -> Generator[None, pytest.CollectReport, pytest.CollectReport]:
    """A module-level ``importorskip``."""
    report = yield
    why = _missing_extra(report)
    if why is not None:
        _fail(report, why)
    return report


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    """An ``importorskip`` in a test or a fixture."""
    report = yield
    why = _missing_extra(report)
    if why is not None:
        _fail(report, why)
    return report
