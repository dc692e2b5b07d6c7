"""Every native kind against the real library whose schedule it expresses.

The native specs are written here by hand from each fixture case's library arguments (independently of
the dialect translators), and must reproduce the library's numbers from tests/fixtures/.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from lrserve import evaluate

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


@cache
def _cases(library: str) -> dict[str, dict[str, Any]]:
    return {c["id"]: c for c in json.loads((FIXTURES / f"{library}.json").read_text())["cases"]}


def _lin(a: float, b: float, n: int) -> dict[str, Any]:
    return {"kind": "linear", "start_lr": a, "end_lr": b, "steps": n}


# (native spec, library, fixture case id, largest step to compare or None for all)
PAIRS: list[tuple[dict[str, Any], str, str, int | None]] = [
    ({"kind": "constant", "lr": 0.001}, "transformers", "get_constant_schedule/basic", None),
    ({"kind": "step", "base_lr": 0.1, "step_size": 3, "factor": 0.1}, "torch", "StepLR/basic", None),
    (
        {"kind": "multistep", "base_lr": 0.1, "milestones": [2, 5, 5, 9], "factor": 0.5},
        "torch",
        "MultiStepLR/repeated-milestones",
        None,
    ),
    ({"kind": "exponential", "base_lr": 0.1, "rate": 0.9}, "torch", "ExponentialLR/basic", None),
    (_lin(0.1 * 0.1, 0.1, 10), "torch", "LinearLR/warmup", None),
    (
        {"kind": "polynomial", "base_lr": 0.1, "end_lr": 0.0, "decay_steps": 10, "power": 2.0},
        "torch",
        "PolynomialLR/power-2",
        None,
    ),
    (
        {"kind": "transition", "start_lr": 0.1, "end_lr": 0.0, "steps": 10, "shape": "poly", "power": 2.0},
        "torch",
        "PolynomialLR/power-2",
        None,
    ),
    (
        {"kind": "cosine_annealing", "base_lr": 0.1, "min_lr": 0.001, "t_max": 10},
        "torch",
        "CosineAnnealingLR/basic",
        10,
    ),
    (
        {"kind": "cosine_annealing", "base_lr": 0.1, "min_lr": 0.001, "t_max": 10, "periodic": True},
        "torch",
        "CosineAnnealingLR/past-t_max",
        None,
    ),
    (
        {"kind": "cosine_annealing", "base_lr": 0.1, "min_lr": 1e-05, "t_max": 100_000},
        "torch",
        "CosineAnnealingLR/long-eta_min",
        100_000,
    ),
    (
        {"kind": "cosine_restarts", "base_lr": 0.1, "period": 5, "period_mult": 2},
        "torch",
        "CosineAnnealingWarmRestarts/t_mult-2",
        None,
    ),
    (
        {
            "kind": "cosine_restarts",
            "base_lr": 0.1,
            "min_lr": 0.001,
            "period": 16,
            "period_mult": 1.5,
            "cycle_limit": 6,
        },
        "timm",
        "CosineLRScheduler/cycle_mul-1.5",
        None,
    ),
    (
        {"kind": "cosine_restarts", "base_lr": 0.1, "period": 100, "cycle_limit": 1, "k_decay": 2.0},
        "timm",
        "CosineLRScheduler/k_decay-2",
        None,
    ),
    (
        {"kind": "cosine_restarts", "base_lr": 0.1, "period": 100, "cycle_limit": 1, "shape": "tanh"},
        "timm",
        "TanhLRScheduler/defaults",
        None,
    ),
    (
        {"kind": "cyclic", "base_lr": 0.001, "max_lr": 0.006, "step_size_up": 3, "mode": "triangular2"},
        "torch",
        "CyclicLR/triangular2",
        None,
    ),
    (
        {
            "kind": "cyclic",
            "base_lr": 0.001,
            "max_lr": 0.006,
            "step_size_up": 3,
            "mode": "exp_range",
            "gamma": 0.9,
        },
        "torch",
        "CyclicLR/exp_range",
        None,
    ),
    (
        {"kind": "one_cycle", "max_lr": 0.1, "total_steps": 100, "three_phase": True},
        "torch",
        "OneCycleLR/cos-three-phase",
        None,
    ),
    (
        {"kind": "one_cycle", "max_lr": 0.1, "total_steps": 100, "anneal": "linear"},
        "torch",
        "OneCycleLR/linear-two-phase",
        None,
    ),
    (
        {
            "kind": "sequence",
            "boundaries": [5],
            "schedules": [_lin(0.1 * 0.1, 0.1, 5), {"kind": "exponential", "base_lr": 0.1, "rate": 0.9}],
        },
        "torch",
        "SequentialLR/linear-then-exponential",
        None,
    ),
    (
        {"kind": "inverse_sqrt", "base_lr": 0.001, "warmup_steps": 10},
        "transformers",
        "get_inverse_sqrt_schedule/basic",
        None,
    ),
    (
        {"kind": "warmup_cosine", "base_lr": 3e-4, "warmup_steps": 1000, "decay_steps": 99_000},
        "transformers",
        "get_cosine_schedule_with_warmup/basic",
        100_000,  # Hugging Face's cosine is not clamped: it rises again past the end
    ),
    (
        {
            "kind": "warmup_stable_decay",
            "base_lr": 0.001,
            "warmup_steps": 20,
            "stable_steps": 50,
            "decay_steps": 30,
            "min_lr": 0.001 * 0.1,
            "warmup_start_lr": 0.001 * 0.1,
            "warmup_shape": "cosine",
            "decay_shape": "1-sqrt",
        },
        "transformers",
        "get_wsd_schedule/cosine-1-sqrt",
        None,
    ),
    (
        {
            "kind": "warmup_stable_decay",
            "base_lr": 0.1,
            "warmup_steps": 10,
            "stable_steps": 60,
            "decay_steps": 30,
            "stable_shape": "power",
        },
        "timm",
        "WSDLRScheduler/stable_fn-rsqrt",
        None,
    ),
    (
        {"kind": "step", "base_lr": 0.1, "step_size": 2.5, "factor": 0.9},
        "timm",
        "StepLRScheduler/decay_t-float",
        None,
    ),
    (
        {
            "kind": "sequence",
            "boundaries": [],
            "origins": [-2],
            "schedules": [{"kind": "cosine_restarts", "base_lr": 0.1, "period": 10, "cycle_limit": 1}],
        },
        "timm",
        "CosineLRScheduler/warmup_t-negative-prefix",
        None,
    ),
    (
        {
            "kind": "piecewise_constant",
            "boundaries": [100, 200],
            "values": [1.0, 1.0 * 0.1, 1.0 * 0.1 * 0.01],
        },
        "optax",
        "piecewise_constant_schedule/basic",
        None,
    ),
    (
        {"kind": "piecewise_linear", "steps": [0, 4, 8], "values": [1.0, 0.1, 0.1 * 0.01]},
        "optax",
        "piecewise_interpolate_schedule/linear",
        None,
    ),
    (
        {
            "kind": "piecewise_cosine",
            "steps": [0, 50, 150, 200],
            "values": [0.1, 0.1 * 10.0, 0.1 * 10.0 * 0.1, 0.1 * 10.0 * 0.1 * 0.01],
        },
        "optax",
        "piecewise_interpolate_schedule/cosine",
        None,
    ),
    (
        {"kind": "inverse_time", "base_lr": 0.1, "rate": 0.5, "decay_steps": 10, "staircase": True},
        "keras",
        "InverseTimeDecay/staircase",
        None,
    ),
    (
        {
            "kind": "product",
            "schedules": [
                {"kind": "step", "base_lr": 0.1, "step_size": 3, "factor": 0.5},
                {"kind": "multistep", "base_lr": 1.0, "milestones": [4, 7], "factor": 0.1},
            ],
        },
        "torch",
        "ChainedScheduler/step-multistep",
        None,
    ),
]


@pytest.mark.parametrize(
    ("spec", "library", "case_id", "upto"), PAIRS, ids=[f"{p[0]['kind']}:{p[2]}" for p in PAIRS]
)
def test_native_kind_matches_library(
    spec: dict[str, Any], library: str, case_id: str, upto: int | None
) -> None:
    case = _cases(library)[case_id]
    steps, expected = np.asarray(case["steps"]), np.asarray(case["lr"])
    if upto is not None:
        keep = steps <= upto
        steps, expected = steps[keep], expected[keep]
    # Keras computes in float32: its tolerance; every other library: float64, exact to rounding
    rtol, atol_peak = (1e-6, 2e-7) if library == "keras" else (1e-12, 1e-14)
    atol = atol_peak * float(np.max(np.abs(expected)))
    np.testing.assert_allclose(evaluate(spec, steps), expected, rtol=rtol, atol=atol)


def test_cosine_annealing_fixed_example() -> None:
    """The example the project started from: 0.1, 0.0505, 0.001 at t = 0, 5, 10, and min_lr after t_max."""
    spec = {"kind": "cosine_annealing", "base_lr": 0.1, "min_lr": 0.001, "t_max": 10}
    np.testing.assert_allclose(evaluate(spec, [0, 5, 10, 25]), [0.1, 0.0505, 0.001, 0.001], rtol=1e-15)
    # PyTorch's own values at t = 0, 5, 10 (fixture), which the opt-in periodic form follows past t_max
    torch = _cases("torch")["CosineAnnealingLR/basic"]
    np.testing.assert_allclose(
        evaluate(spec, [0, 5, 10]), [torch["lr"][torch["steps"].index(t)] for t in (0, 5, 10)]
    )


def test_every_native_kind_is_checked_against_a_library() -> None:
    checked = {spec["kind"] for spec, *_ in PAIRS}
    checked |= {s["kind"] for spec, *_ in PAIRS if spec["kind"] == "sequence" for s in spec["schedules"]}
    from lrserve.core import BUILDERS

    every = set(BUILDERS)
    missing = every - checked
    assert not missing, f"native kinds with no library reference: {sorted(missing)}"
