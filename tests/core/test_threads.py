"""Threaded evaluation of large tables gives the very same numbers as one thread, for every kind."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from lrserve import StepError, compile_spec
from lrserve.core import MIN_STEPS_PER_THREAD, evaluate

SPECS: list[dict[str, Any]] = [
    {"kind": "warmup_cosine", "base_lr": 3e-4, "warmup_steps": 1000, "decay_steps": 400_000, "min_lr": 1e-7},
    {"kind": "cosine_restarts", "base_lr": 0.1, "min_lr": 0.0, "period": 7919, "period_mult": 2.0},
    {
        "kind": "cyclic",
        "base_lr": 0.001,
        "max_lr": 0.1,
        "step_size_up": 2000,
        "mode": "exp_range",
        "gamma": 0.99999,
    },
    {
        "kind": "torch",
        "name": "MultiStepLR",
        "base_lr": 0.1,
        "args": {"milestones": [100_000, 300_000], "gamma": 0.1},
    },
]


@pytest.mark.parametrize("spec", SPECS, ids=[s.get("name", s["kind"]) for s in SPECS])
@pytest.mark.parametrize("threads", [2, 3, 8])
def test_threads_give_the_same_doubles(spec: dict[str, Any], threads: int) -> None:
    schedule = compile_spec(spec)
    steps = np.arange(0, 3 * MIN_STEPS_PER_THREAD + 63_568) * 2  # 850,000: three parts, five columns
    shuffled = np.random.default_rng(0).permutation(steps)
    for t in (steps, shuffled, steps.reshape(-1, 5)[:, ::-1].copy()):
        np.testing.assert_array_equal(evaluate(schedule, t, threads), evaluate(schedule, t))


def test_a_step_past_the_end_is_refused_with_threads_too() -> None:
    schedule = compile_spec({"kind": "one_cycle", "max_lr": 0.1, "total_steps": 1_000_000})
    with pytest.raises(StepError, match="past the last step"):
        evaluate(schedule, np.arange(1_000_001 + MIN_STEPS_PER_THREAD), threads=2)


def test_out_is_filled_in_place_and_checked() -> None:
    schedule = compile_spec(SPECS[0])
    steps = np.arange(2 * MIN_STEPS_PER_THREAD + 7)
    buffer = np.full(steps.size + 3, -1.0)
    out = buffer[2:-1]
    assert evaluate(schedule, steps, 2, out=out) is out
    np.testing.assert_array_equal(out, evaluate(schedule, steps))
    assert buffer[:2].tolist() == [-1.0, -1.0]
    assert buffer[-1] == -1.0
    with pytest.raises(ValueError, match="C-contiguous float64"):
        evaluate(schedule, steps, out=np.empty(steps.size, dtype=np.float32))
    with pytest.raises(ValueError, match="C-contiguous float64"):
        evaluate(schedule, steps[:10], out=buffer[:20:2])
