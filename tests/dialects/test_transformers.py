"""Hugging Face transformers dialect against transformers 5.23.0's own numbers
(tests/fixtures/transformers.json)."""

from __future__ import annotations

from typing import Any

import pytest

from .reference import check_case, load_cases

_NO_DECAY = (
    "num_warmup_steps == num_training_steps: the library divides by zero in scheduler.step() at that step "
    "(and only there); we refuse the spec instead of a schedule with a hole"
)
DEVIATIONS = {
    "get_polynomial_decay_schedule_with_warmup/warmup-eq-training": _NO_DECAY,
    "get_polynomial_decay_schedule_with_warmup/warmup-eq-training-raises": _NO_DECAY,
}


@pytest.mark.parametrize("case", load_cases("transformers"))
def test_reference(case: dict[str, Any]) -> None:
    check_case(case, rtol=1e-12, atol_peak=1e-14, deviations=DEVIATIONS)
