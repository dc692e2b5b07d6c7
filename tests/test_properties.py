"""Invariants of every native kind, on random specs (hypothesis)."""

from __future__ import annotations

import json
from typing import Any

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from lrserve import MAX_STEP, compile_spec, evaluate, evaluate_one
from lrserve.core import Schedule

from .strategies import native_specs

STEPS = st.lists(st.integers(0, 50_000), min_size=1, max_size=40)


def _usable_steps(sched: Schedule, steps: list[int]) -> list[int]:
    last = sched.last_step
    return [t for t in steps if last is None or t <= last] or [0]


@settings(max_examples=400, deadline=None)
@given(native_specs(), STEPS)
def test_table_equals_elementwise_evaluation(spec: dict[str, Any], steps: list[int]) -> None:
    """The vectorised path (a table, sorted or not) equals the scalar path step by step.

    Both paths use the same formulas in the same order, but numpy's and libm's transcendental functions
    may differ by an ulp; where a formula cancels (timm's ``1 - tanh(z)`` with ``tanh(z)`` near 1) that
    ulp of the schedule's peak shows in a value far below it, hence the absolute tolerance of a few ulps
    of the schedule's own magnitude."""
    sched = compile_spec(spec)
    steps = _usable_steps(sched, steps)
    scalar = np.array([evaluate_one(sched, t) for t in steps])
    probe = _usable_steps(sched, list(range(0, 2000, 7)))
    atol = 1e-15 * float(np.max(np.abs(evaluate(sched, probe + steps))))
    np.testing.assert_allclose(evaluate(sched, steps), scalar, rtol=1e-13, atol=atol)
    ordered = sorted(steps)
    np.testing.assert_allclose(
        evaluate(sched, ordered), [sched.at(t) for t in ordered], rtol=1e-13, atol=atol
    )


@settings(max_examples=300, deadline=None)
@given(native_specs(), STEPS)
def test_values_are_finite_and_non_negative(spec: dict[str, Any], steps: list[int]) -> None:
    sched = compile_spec(spec)
    if sched.last_step is not None:
        # OneCycleLR is readable at t == total_steps, where PyTorch extrapolates the last phase one step
        # past its end (below the minimum, negative for linear annealing); we reproduce that on purpose.
        steps = [t for t in steps if t < sched.last_step]
    lr = evaluate(sched, steps)
    assert np.all(np.isfinite(lr))
    if '"anneal": "linear"' not in json.dumps(spec):
        # (a linear one_cycle inside a sequence phase also reaches its total_steps, below zero: see above)
        assert np.all(lr >= 0)


@settings(max_examples=200, deadline=None)
@given(native_specs(), st.integers(2**40, MAX_STEP))
def test_very_large_steps(spec: dict[str, Any], step: int) -> None:
    sched = compile_spec(spec)
    if sched.last_step is not None:
        return
    lr = evaluate(sched, [step, MAX_STEP])
    assert np.all(np.isfinite(lr))
    # np.tanh and math.tanh may differ by an ulp (see test_table_equals_elementwise_evaluation)
    np.testing.assert_allclose(lr[0], sched.at(step), rtol=1e-13, atol=1e-15 * float(np.max(np.abs(lr))))


warmups = st.fixed_dictionaries(
    {
        "kind": st.just("warmup_cosine"),
        "base_lr": st.floats(1e-5, 1.0),
        "warmup_steps": st.integers(2, 3000),
        "hold_steps": st.integers(0, 100),
        "decay_steps": st.integers(1, 20_000),
        "min_lr": st.floats(0.0, 1e-5),
        "warmup_start_lr": st.floats(0.0, 1e-6),
        "warmup_shape": st.sampled_from(["linear", "cosine", "sqrt", "log"]),
    }
)


@settings(max_examples=200, deadline=None)
@given(warmups)
def test_warmup_rises_peaks_on_boundary_then_decays_to_floor(spec: dict[str, Any]) -> None:
    w, h, d = spec["warmup_steps"], spec["hold_steps"], spec["decay_steps"]
    lr = evaluate(spec, np.arange(w + h + d + 50))
    warm, decay = lr[: w + 1], lr[w + h : w + h + d + 1]
    assert np.all(np.diff(warm) >= 0), "warm-up never decreases"
    peak = w - 1 if spec["warmup_shape"] == "log" else w
    assert lr[peak] == spec["base_lr"], "the peak lands on the warm-up boundary"
    assert np.all(lr[w : w + h + 1] == spec["base_lr"]), "hold is flat"
    assert np.all(np.diff(decay) <= 0), "cosine decay never increases"
    assert lr[w + h + d] == spec["min_lr"], "the value at the end equals the floor"
    assert np.all(lr[w + h + d :] == spec["min_lr"]), "and stays there"


@settings(max_examples=200, deadline=None)
@given(
    st.floats(1e-6, 1.0),
    st.floats(0.0, 1e-6),
    st.integers(1, 100_000),
    st.sampled_from(["linear", "cosine", "1-sqrt", "poly", "power", "exp"]),
)
def test_decay_shapes_never_increase_and_end_on_the_floor(
    base: float, floor: float, n: int, shape: str
) -> None:
    spec = {"kind": "transition", "start_lr": base, "end_lr": floor, "steps": n, "shape": shape, "power": 2.0}
    lr = evaluate(spec, np.arange(n + 3))
    assert lr[0] == base
    assert np.all(np.diff(lr) <= 0)
    assert np.all(lr[n:] == floor)
