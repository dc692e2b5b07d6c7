"""optax dialect against optax 0.2.8's own numbers, evaluated eagerly in float64
(tests/fixtures/optax.json)."""

from __future__ import annotations

import re
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lrserve import SpecError, evaluate, evaluate_one, parse_spec, to_native
from lrserve.specs.native import Sequence

from .reference import check_case, load_cases

#: The fixture's ``invalid`` cases cover what optax silently accepts and we refuse; nothing else differs.
DEVIATIONS: dict[str, str] = {}


@pytest.mark.parametrize("case", load_cases("optax"))
def test_reference(case: dict[str, Any]) -> None:
    check_case(case, rtol=1e-12, atol_peak=1e-14, deviations=DEVIATIONS)


# ---------------------------------------------------------------------------------------------------------
# what the fixture cannot show on its own


def _optax(name: str, **args: Any) -> dict[str, Any]:
    return {"kind": "optax", "name": name, "args": args}


def _member(name: str, **args: Any) -> dict[str, Any]:
    return {"name": name, "args": args}


@st.composite
def _leaves(draw: st.DrawFn) -> dict[str, Any]:
    steps = st.integers(min_value=1, max_value=40)
    begins = st.integers(min_value=0, max_value=15)
    values = st.sampled_from([0.0, 0.05, 0.3, 1.0, 2.0])
    kind = draw(st.sampled_from(["constant", "linear", "exponential", "cosine", "warmup_cosine"]))
    if kind == "constant":
        return _member("constant_schedule", value=draw(values))
    if kind == "linear":
        return _member(
            "linear_schedule",
            init_value=draw(values),
            end_value=draw(values),
            transition_steps=draw(steps),
            transition_begin=draw(begins),
        )
    if kind == "exponential":
        return _member(
            "exponential_decay",
            init_value=draw(values),
            transition_steps=draw(steps),
            decay_rate=draw(st.sampled_from([0.5, 0.9, 1.0])),
            transition_begin=draw(begins),
            staircase=draw(st.booleans()),
        )
    if kind == "cosine":
        return _member("cosine_decay_schedule", init_value=draw(values), decay_steps=draw(steps))
    w = draw(begins)
    return _member(
        "warmup_cosine_decay_schedule",
        init_value=draw(values),
        peak_value=draw(values),
        warmup_steps=w,
        decay_steps=w + draw(steps),
    )


@st.composite
def _joins(draw: st.DrawFn, depth: int = 0) -> dict[str, Any]:
    k = draw(st.integers(min_value=1, max_value=4))
    members = [
        draw(_joins(depth + 1)) if depth < 2 and draw(st.booleans()) else draw(_leaves()) for _ in range(k)
    ]
    boundaries = draw(st.lists(st.integers(min_value=-20, max_value=80), min_size=k - 1, max_size=k - 1))
    return _member("join_schedules", schedules=members, boundaries=boundaries)


def _reference_join(member: dict[str, Any], t: int) -> float:
    """optax's ``join_schedules`` loop, ``out = where(t < b, out, schedule(t - b))``, over members evaluated
    by the engine one by one (a selected member always sees ``t - b >= 0``)."""
    if member["name"] != "join_schedules":
        return evaluate_one({"kind": "optax", **member}, t)
    schedules, boundaries = member["args"]["schedules"], member["args"]["boundaries"]
    chosen, local = schedules[0], t
    for b, schedule in zip(boundaries, schedules[1:], strict=True):
        if not t < b:
            chosen, local = schedule, t - b
    return _reference_join(chosen, local)


@settings(max_examples=300, deadline=None)
@given(_joins())
def test_join_schedules_follows_optax_loop(join: dict[str, Any]) -> None:
    """Later members win, each sees ``t - its own boundary``; boundaries may be negative, equal or
    decreasing, and members may be joins; the translation is one flat ``sequence``."""
    spec = {"kind": "optax", **join}
    native = to_native(spec)
    if isinstance(native, Sequence):
        assert not any(isinstance(s, Sequence) for s in native.schedules)
    steps = np.arange(0, 160)
    expected = [_reference_join(join, int(t)) for t in steps]
    np.testing.assert_allclose(evaluate(spec, steps), expected, rtol=1e-13, atol=1e-15)


def test_boundary_keys_as_strings_or_ints() -> None:
    as_strings = _optax(
        "piecewise_constant_schedule", init_value=1.0, boundaries_and_scales={"30": 0.5, "7": 2.0}
    )
    as_ints = _optax("piecewise_constant_schedule", init_value=1.0, boundaries_and_scales={30: 0.5, 7: 2.0})
    assert to_native(as_strings) == to_native(as_ints)
    np.testing.assert_array_equal(evaluate(as_strings, [0, 6, 7, 29, 30]), [1.0, 1.0, 2.0, 2.0, 1.0])


def test_negative_piecewise_constant_boundary_applies_from_step_0() -> None:
    spec = _optax("piecewise_constant_schedule", init_value=1.0, boundaries_and_scales={"-5": 0.5, "10": 0.1})
    np.testing.assert_array_equal(evaluate(spec, [0, 9, 10]), [0.5, 0.5, 0.5 * 0.1])


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ({**_optax("constant_schedule", value=0.1), "base_lr": 0.1}, "no base_lr"),
        (_optax("reduce_on_plateau", factor=0.5), "not a function of the step"),
        (_optax("exponential_decay", init_value=1.0, transition_steps=10, decay_rate=1.1), "without bound"),
        (_optax("exponential_decay", init_value=1.0, transition_steps=10, decay_rate=-0.5), "NaN"),
        (_optax("polynomial_schedule", init_value=1, end_value=0, power=-1, transition_steps=10), "power"),
        (_optax("cosine_decay_schedule", init_value=1.0, decay_steps=10, alpha=-0.1), "alpha"),
        (_optax("cosine_decay_schedule", init_value=1.0, decay_steps=10.0), "integer"),
        (_optax("piecewise_constant_schedule", init_value=1.0, boundaries_and_scales={"010": 0.1}), "010"),
        (
            _optax("piecewise_constant_schedule", init_value=1.0, boundaries_and_scales={10: 0.1, "10": 0.2}),
            "twice",
        ),
        (
            _optax("piecewise_constant_schedule", init_value=1.0, boundaries_and_scales={"10": -0.1}),
            "non-negative",
        ),
        (
            _optax(
                "piecewise_interpolate_schedule",
                interpolate_type="linear",
                init_value=1.0,
                boundaries_and_scales={"-5": 0.2},
            ),
            "negative",
        ),
        (
            _optax(
                "warmup_cosine_decay_schedule", init_value=0, peak_value=1, warmup_steps=-5, decay_steps=100
            ),
            "warmup_steps",
        ),
        (
            _optax("cosine_onecycle_schedule", transition_steps=100, peak_value=1.0, pct_start=-0.5),
            "negative pct",
        ),
        (
            _optax("linear_onecycle_schedule", transition_steps=100, peak_value=1.0, div_factor=0),
            "div_factor",
        ),
        (_optax("sgdr_schedule", cosine_kwargs=[]), "cosine_kwargs"),
        (
            _optax(
                "join_schedules",
                schedules=[
                    _member("constant_schedule", value=1.0),
                    _member("linear_schedule", init_value=1.0, end_value=0.0, transition_steps=0),
                ],
                boundaries=[5],
            ),
            "schedules.1.args.transition_steps",
        ),
        (
            _optax(
                "piecewise_constant_schedule",
                init_value=1.0,
                boundaries_and_scales={"10": 1e300, "20": 1e300},
            ),
            "finite",
        ),
    ],
)
def test_refused(spec: dict[str, Any], message: str) -> None:
    with pytest.raises(SpecError, match=re.escape(message)):
        parse_spec(spec)


def test_zero_power_and_exponent_are_constants() -> None:
    """``x ** 0 == 1`` even where ``x`` reaches 0, so optax gives a constant."""
    poly = _optax("polynomial_schedule", init_value=0.3, end_value=0.1, power=0, transition_steps=10)
    cosine = _optax("cosine_decay_schedule", init_value=0.3, decay_steps=10, alpha=0.5, exponent=0.0)
    np.testing.assert_array_equal(evaluate(poly, [0, 10, 100]), [(0.3 - 0.1) + 0.1] * 3)
    np.testing.assert_array_equal(evaluate(cosine, [0, 10, 100]), [0.3] * 3)
