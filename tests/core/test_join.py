"""Sequence and product composition in the core."""

from __future__ import annotations

import numpy as np
import pytest
from lrserve import StepError, compile_spec, evaluate, evaluate_one


def _middle_one_cycle(total_steps: int) -> dict[str, object]:
    return {
        "kind": "sequence",
        "boundaries": [100],
        "schedules": [
            {"kind": "one_cycle", "max_lr": 0.1, "total_steps": total_steps},
            {"kind": "constant", "lr": 0.01},
        ],
    }


def test_a_phase_ending_early_ends_the_sequence() -> None:
    """A middle phase defined only up to step 50 (one_cycle) makes every later step an error, as stepping
    the library would raise there and never reach the next phase."""
    schedule = compile_spec(_middle_one_cycle(50))
    assert schedule.last_step == 50
    evaluate(schedule, np.arange(51))
    with pytest.raises(StepError, match="past the last step"):
        evaluate(schedule, [51])
    with pytest.raises(StepError):
        evaluate_one(schedule, 150)


def test_a_phase_covering_its_span_does_not_end_the_sequence() -> None:
    schedule = compile_spec(_middle_one_cycle(200))
    assert schedule.last_step is None
    assert evaluate_one(schedule, 10**9) == 0.01


def test_unsorted_steps_give_the_same_table() -> None:
    spec = {
        "kind": "sequence",
        "boundaries": [10, 20],
        "schedules": [
            {"kind": "linear", "start_lr": 0.0, "end_lr": 0.1, "steps": 10},
            {"kind": "constant", "lr": 0.1},
            {"kind": "cosine_annealing", "base_lr": 0.1, "t_max": 30},
        ],
    }
    steps = np.random.default_rng(0).permutation(60)
    np.testing.assert_array_equal(evaluate(spec, steps)[np.argsort(steps)], evaluate(spec, np.arange(60)))
