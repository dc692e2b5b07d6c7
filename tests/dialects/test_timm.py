"""timm dialect against timm 1.0.31's own numbers (tests/fixtures/timm.json)."""

from __future__ import annotations

import bisect
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lrserve import SpecError, StepError, compile_spec, evaluate, evaluate_one, parse_spec, to_native

from .reference import check_case, load_cases

#: Every timm case is matched; nothing is refused that timm accepts.
DEVIATIONS: dict[str, str] = {}


@pytest.mark.parametrize("case", load_cases("timm"))
def test_reference(case: dict[str, Any]) -> None:
    check_case(case, rtol=1e-12, atol_peak=1e-14, deviations=DEVIATIONS)


# ---------------------------------------------------------------------------------------------------------
# what the fixture cannot show on its own


def _case(case_id: str) -> dict[str, Any]:
    return next(p.values[0] for p in load_cases("timm") if p.id == case_id)


FRACTIONAL_CYCLES = [
    "CosineLRScheduler/cycle_mul-1.5",
    "CosineLRScheduler/cycle_mul-3",
    "CosineLRScheduler/cycle_mul-1.1",
    "PolyLRScheduler/cycle_mul-1.1",
    "TanhLRScheduler/cycle_mul-3",
    "TanhLRScheduler/cycle_mul-1.5",
    "CosineLRScheduler/long-cycles-updates",
    "CosineLRScheduler/cycle_mul-0.5",
]


@pytest.mark.parametrize("case_id", FRACTIONAL_CYCLES)
@pytest.mark.parametrize("direction", [-np.inf, np.inf])
def test_cycle_index_does_not_depend_on_numpys_log(
    case_id: str, direction: float, monkeypatch: pytest.MonkeyPatch
) -> None:
    """timm's cycle index is ``floor(math.log(x) / math.log(m))``; numpy's own SIMD ``log`` (AVX-512 builds)
    may differ from the C library's by an ulp, which would move an exact boundary such as step 211 of
    ``cycle_mul-1.5`` into the other cycle. With ``np.log`` pushed one ulp off, the numbers stay timm's."""
    real_log = np.log

    def off_by_an_ulp(x: Any, *args: Any, **kwargs: Any) -> Any:
        return np.nextafter(real_log(x, *args, **kwargs), direction)

    case = _case(case_id)
    schedule = compile_spec(case["spec"])
    monkeypatch.setattr(np, "log", off_by_an_ulp)
    expected = np.asarray(case["lr"])
    got = evaluate(schedule, case["steps"])
    np.testing.assert_allclose(got, expected, rtol=1e-12, atol=1e-14 * float(np.max(expected)))


def test_boundary_that_timm_puts_into_the_previous_cycle() -> None:
    """``math.log(1 + 211 / 16 * 0.5, 1.5)`` is 4.999999999999999: step 211 ends cycle 4 (lr_min)."""
    spec = _case("CosineLRScheduler/cycle_mul-1.5")["spec"]
    got = evaluate(spec, [210, 211, 212])
    assert got[1] == 0.001
    assert evaluate_one(spec, 211) == 0.001
    assert got[0] > 0.001 and got[2] > 0.09


def test_non_real_lr_is_a_step_error_naming_the_step() -> None:
    spec = _case("CosineLRScheduler/cycle_mul-1.1-k_decay-raises")["spec"]
    for evaluate_at in (lambda: evaluate(spec, [330, 331]), lambda: evaluate_one(spec, 331)):
        with pytest.raises(StepError, match=r"undefined .* at step 331"):
            evaluate_at()
    assert np.all(np.isfinite(evaluate(spec, [329, 330, 332])))


def test_shrinking_cycles_end_where_timm_fails() -> None:
    spec = {
        "kind": "timm",
        "name": "CosineLRScheduler",
        "base_lr": 0.1,
        "args": {"t_initial": 40, "cycle_mul": 0.5},
    }
    assert compile_spec(spec).last_step == 79
    prefixed = {**spec, "args": {**spec["args"], "warmup_t": 5, "warmup_prefix": True}}
    assert compile_spec(prefixed).last_step == 84
    with pytest.raises(StepError, match="past the last step"):
        evaluate(prefixed, [85])


@settings(max_examples=300, deadline=None)
@given(st.lists(st.integers(-3, 40), max_size=8), st.booleans())
def test_milestones_count_as_timms_bisection(decay_t: list[int], sort: bool) -> None:
    """Sorted or not, with repeats, 0, 1 or negative values: ``bisect_right(decay_t, t + 1)`` decays."""
    decay_t = sorted(decay_t) if sort else decay_t
    spec = {
        "kind": "timm",
        "name": "MultiStepLRScheduler",
        "base_lr": 1.0,
        "args": {"decay_t": decay_t, "decay_rate": 0.5},
    }
    steps = np.arange(50)
    expected = [0.5 ** bisect.bisect_right(decay_t, int(t) + 1) for t in steps]
    np.testing.assert_array_equal(evaluate(spec, steps), expected)


@pytest.mark.parametrize(
    ("name", "args", "needle"),
    [
        ("CosineLRScheduler", {"t_initial": 10, "noise_range_t": [2, 5]}, "not a function of the step"),
        ("WSDLRScheduler", {"t_initial": 10, "decay_t": 5, "noise_range_t": 3}, "not a function of the step"),
        ("PlateauLRScheduler", {"patience_t": 5}, "not a function of the step"),
        ("StepLRScheduler", {"decay_t": 0}, "no step has a learning rate"),
        ("StepLRScheduler", {"decay_t": -3}, "decay_t must not be negative"),
        ("TanhLRScheduler", {"t_initial": 10, "lb": 3.0, "ub": 1.0}, "lb (3.0) must be less than ub"),
        ("TanhLRScheduler", {"t_initial": 10, "cycle_mul": 0.5, "warmup_t": 25}, "outlasts the shrinking"),
        ("WSDLRScheduler", {"t_initial": 10, "decay_t": 5, "stable_fn": "rsqrt"}, "defaults to warmup_t"),
    ],
)
def test_refusals_say_why(name: str, args: dict[str, Any], needle: str) -> None:
    with pytest.raises(SpecError) as exc:
        parse_spec({"kind": "timm", "name": name, "base_lr": 0.1, "args": args})
    assert needle in str(exc.value)


def test_t_in_epochs_does_not_change_the_numbers() -> None:
    spec = {"kind": "timm", "name": "WSDLRScheduler", "base_lr": 0.1, "args": {"t_initial": 50, "decay_t": 9}}
    updates = {**spec, "args": {**spec["args"], "t_in_epochs": False}}
    assert to_native(spec) == to_native(updates)


@pytest.mark.parametrize(
    ("name", "args"),
    [
        ("CosineLRScheduler", {"t_initial": 2, "cycle_mul": 0.5, "warmup_t": 13, "warmup_lr_init": 0.01}),
        ("StepLRScheduler", {"decay_t": 0, "warmup_t": 13, "warmup_lr_init": 0.01}),
    ],
)
def test_schedule_ends_with_the_warmup_where_timm_fails_after_it(name: str, args: dict[str, Any]) -> None:
    """Cycles that end inside a warm-up without prefix (math domain error), or ``decay_t: 0``
    (ZeroDivisionError): timm gives the warm-up's values, then fails at every step."""
    spec = {"kind": "timm", "name": name, "base_lr": 0.1, "args": args}
    ramp = [0.01 + t * ((0.1 - 0.01) / 13) for t in range(13)]
    np.testing.assert_allclose(evaluate(spec, np.arange(13)), ramp, rtol=1e-15)
    for step in (13, 14, 400):
        with pytest.raises(StepError, match="past the last step"):
            evaluate_one(spec, step)


def test_native_decaying_stable_phase_needs_a_timescale() -> None:
    spec = {"kind": "warmup_stable_decay", "base_lr": 0.1, "decay_steps": 10, "stable_shape": "power"}
    with pytest.raises(SpecError, match="stable_timescale"):
        parse_spec(spec)
    assert evaluate(spec | {"stable_timescale": 4.0}, [0])[0] == 0.1


def test_a_k_decay_that_overflows_is_refused_where_timm_raises() -> None:
    """timm computes ``t_i ** k_decay`` in Python floats: 2.0 ** 1024 raises OverflowError there, at every
    step of the cycle. lrs refuses those steps (a StepError, 422 over HTTP), never a 500 or a made-up LR."""
    import math

    from lrserve import StepError, evaluate, evaluate_one

    with pytest.raises(OverflowError):
        math.pow(2.0, 1024.0)  # what timm's scheduler does
    spec = {
        "kind": "timm",
        "name": "CosineLRScheduler",
        "base_lr": 0.1,
        "args": {"t_initial": 2, "k_decay": 1024.0},
    }
    for step in (0, 1):
        with pytest.raises(StepError, match=f"not a real number\\) at step {step}"):
            evaluate_one(spec, step)
    with pytest.raises(StepError, match="not a real number"):
        evaluate(spec, range(4))
