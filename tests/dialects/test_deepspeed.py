"""DeepSpeed dialect against DeepSpeed 0.19.8's own numbers (tests/fixtures/deepspeed.json)."""

from __future__ import annotations

from typing import Any

import pytest

from .reference import check_case, load_cases

_FALLBACK = "DeepSpeed logs a warning and falls back to 'log'; we refuse the spec"
DEVIATIONS = {
    "WarmupLR/unknown-warmup_type": _FALLBACK,
    "WarmupCosineLR/unknown-warmup_type": _FALLBACK,
}


@pytest.mark.parametrize("case", load_cases("deepspeed"))
def test_reference(case: dict[str, Any]) -> None:
    check_case(case, rtol=1e-12, atol_peak=1e-14, deviations=DEVIATIONS)
