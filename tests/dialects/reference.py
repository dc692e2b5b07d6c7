"""Checking a dialect against the reference fixtures generated from the real library.

Each ``test_<library>.py`` parametrises :func:`check_case` over ``load_cases("<library>")``. A case is one
of: numbers (``steps``/``lr``: ours must match), ``error_steps`` (the library raises there: we raise a
``StepError``), or ``invalid`` (the library refuses the config: we refuse the spec with a ``SpecError``).
``deviations`` maps a case id to the reason we knowingly refuse what the library silently accepts.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from lrserve import SpecError, StepError, compile_spec, evaluate, evaluate_one, parse_spec, to_native

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


@cache
def _document(library: str) -> dict[str, Any]:
    doc: dict[str, Any] = json.loads((FIXTURES / f"{library}.json").read_text())
    return doc


def load_cases(library: str) -> list[Any]:
    """pytest params, one per fixture case, with the case id as the test id."""
    return [pytest.param(case, id=case["id"]) for case in _document(library)["cases"]]


def check_case(case: dict[str, Any], *, rtol: float, atol_peak: float, deviations: dict[str, str]) -> None:
    """Compare one fixture case. ``atol_peak`` is an absolute tolerance as a fraction of the case's
    largest |LR|: relative error is meaningless for values that round to near zero (a cosine's end)."""
    spec = case["spec"]
    if case["id"] in deviations or "invalid" in case:
        with pytest.raises(SpecError):
            parse_spec(spec)
        return
    schedule = compile_spec(spec)
    # the native translation is a valid native spec on its own, and evaluates identically
    native = to_native(spec)
    assert parse_spec(native.model_dump(mode="json")) == native
    if "error_steps" in case:
        for step in case["error_steps"]:
            with pytest.raises(StepError):
                evaluate(schedule, [step])
            with pytest.raises(StepError):
                evaluate_one(schedule, step)
        return
    steps, expected = np.asarray(case["steps"], dtype=np.int64), np.asarray(case["lr"])
    atol = atol_peak * float(np.max(np.abs(expected), initial=0.0))
    got = evaluate(schedule, steps)
    np.testing.assert_allclose(got, expected, rtol=rtol, atol=atol, err_msg=f"table of {case['id']}")
    picks = np.unique(np.linspace(0, len(steps) - 1, num=min(len(steps), 25)).astype(int))
    scalar = [evaluate_one(schedule, int(steps[i])) for i in picks]
    np.testing.assert_allclose(scalar, expected[picks], rtol=rtol, atol=atol, err_msg=f"scalar {case['id']}")
