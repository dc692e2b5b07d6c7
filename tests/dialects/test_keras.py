"""Keras dialect against Keras 3.15.1's own numbers on its numpy backend (tests/fixtures/keras.json).

Keras computes in float32, we in float64 on the same formulas (CosineDecayRestarts' cycle index and
position in float32, as Keras). The tolerance, 1e-6 relative plus 2e-7 (under two float32 ulps) of the
case's peak LR, covers the float32 rounding of Keras' results; the largest excess over the relative part
in every other case is 2.5e-8 of the peak.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lrserve import SpecError, StepError, compile_spec, evaluate, evaluate_one, parse_spec, to_native

from .reference import check_case, load_cases

#: Every Keras case is matched, its two missed restarts included; nothing is refused that Keras accepts.
DEVIATIONS: dict[str, str] = {}

#: Cases whose float32 error in Keras exceeds the default absolute tolerance (fraction of the peak LR).
#: PolynomialDecay/long (power 0.5, decay_steps 100000, 0.1 -> 0.01): Keras rounds p = t / decay_steps to
#: float32 (up to 2**-25 off) before 1 - p cancels to 1e-5 at step 99999; the square root turns that into
#: up to 0.5 * 2**-25 / 1e-5 = 1.5e-3 relative of (1 - p)**0.5, i.e. (0.1 - 0.01) * 3.2e-3 * 1.5e-3 =
#: 4.2e-7 absolute, 4.2e-6 of the peak (measured: 1.83e-6 beyond the relative part). Our value is the
#: exact formula's (float64); test_polynomial_long_is_the_exact_formula checks it.
ATOL_PEAK = {"PolynomialDecay/long": 4.3e-6}


@pytest.mark.parametrize("case", load_cases("keras"))
def test_reference(case: dict[str, Any]) -> None:
    atol_peak = ATOL_PEAK.get(case["id"], 2e-7)
    check_case(case, rtol=1e-6, atol_peak=atol_peak, deviations=DEVIATIONS)


def _case(case_id: str) -> dict[str, Any]:
    return next(p.values[0] for p in load_cases("keras") if p.id == case_id)


def _spec(name: str, /, **args: Any) -> dict[str, Any]:
    return {"kind": "keras", "name": name, "args": args}


def test_polynomial_long_is_the_exact_formula() -> None:
    from fractions import Fraction

    schedule = compile_spec(_case("PolynomialDecay/long")["spec"])
    for t in (99_000, 99_900, 99_990, 99_999):
        exact = 0.09 * math.sqrt(float(1 - Fraction(t, 100_000))) + 0.01
        assert evaluate_one(schedule, t) == pytest.approx(exact, rel=1e-14)


# ---------------------------------------------------------------------------------------------------------
# CosineDecayRestarts: the float32 cycle index


@pytest.mark.parametrize(
    ("case_id", "step", "previous"),
    [
        ("CosineDecayRestarts/t_mul-1.75-first-4", 11, 10),  # log(3.0625) / log(1.75) = 1.9999999
        ("CosineDecayRestarts/t_mul-2-restart-15", 327_670, 327_669),  # log(32768) / log(2) = 14.999999
    ],
)
def test_missed_restarts_end_the_previous_cycle(case_id: str, step: int, previous: int) -> None:
    """Keras' float32 index puts these exact cycle starts into the previous cycle: the LR is that cycle's
    end, the floor (alpha = 0: 0.0), not the restart peak (1.0); the next step restarts."""
    schedule = compile_spec(_case(case_id)["spec"])
    assert evaluate_one(schedule, step) == 0.0 == float(evaluate(schedule, [step])[0])
    assert 0.0 < evaluate_one(schedule, previous) < 0.05
    assert evaluate_one(schedule, step + 1) > 0.98


def test_restarts_that_float64_would_miss_are_kept() -> None:
    """Float64's floor(log(...) / log(t_mul)) misses these exact starts; Keras' float32 keeps them."""
    for first, t_mul, step in [(7, 3.0, 847), (16, 1.25, 61), (2000, 1.5, 26_375)]:
        schedule = compile_spec(
            _spec("CosineDecayRestarts", initial_learning_rate=1.0, first_decay_steps=first, t_mul=t_mul)
        )
        assert evaluate_one(schedule, step) == 1.0, (first, t_mul, step)


@settings(max_examples=60, deadline=None)
@given(
    st.sampled_from([2.0, 3.0, 1.5, 1.25, 1.75, 1.1, 1.0, 0.9, 0.5, 4.0, 1.3]),
    st.sampled_from([1, 2, 4, 7, 10, 16, 7.5, 1000]),
    st.lists(st.integers(0, 3_000_000), min_size=1, max_size=50),
)
def test_restarts_table_equals_scalar(t_mul: float, first: float, steps: list[int]) -> None:
    """Both paths agree exactly, also at (and around) every cycle start."""
    schedule = compile_spec(
        _spec("CosineDecayRestarts", initial_learning_rate=1.0, first_decay_steps=first, t_mul=t_mul)
    )
    starts: list[int] = []
    start, length = 0.0, float(first)
    while start < 3e6 and length > 1e-3 and len(starts) < 400:
        start += length
        length *= t_mul
        starts += [math.floor(start) + d for d in (-1, 0, 1)]
    last = schedule.last_step
    steps = [t for t in steps + starts if last is None or t <= last]
    if steps:
        table = evaluate(schedule, steps)
        assert [evaluate_one(schedule, t) for t in steps] == pytest.approx(
            table.tolist(), rel=1e-13, abs=1e-16
        )


# ---------------------------------------------------------------------------------------------------------
# Keras' own numbers for what the fixture does not hold (Keras 3.15.1, numpy backend; inf/NaN: StepError)

INF, NAN = math.inf, math.nan
KERAS_EXTRA: list[tuple[str, dict[str, Any], list[tuple[int, float]]]] = [
    (
        "rate > 1: float32 overflows after step 10940",
        _spec("ExponentialDecay", initial_learning_rate=1e-3, decay_steps=50, decay_rate=1.5),
        [
            (10935, 3.244575281662501e35),
            (10939, 3.3515481563372294e35),
            (10940, 3.378843050605019e35),
            (10941, INF),
        ],
    ),
    (
        "staircase rate > 1",
        _spec("ExponentialDecay", initial_learning_rate=1e-3, decay_steps=50, decay_rate=1.5, staircase=True),
        [
            (10899, 1.6285579556830357e35),
            (10900, 2.442836983042155e35),
            (10949, 2.442836983042155e35),
            (10950, INF),
        ],
    ),
    (
        "a zero LR times an overflowing power is NaN",
        _spec("ExponentialDecay", initial_learning_rate=0.0, decay_steps=50, decay_rate=1.5),
        [(10935, 0.0), (10940, 0.0), (10941, NAN), (10944, NAN)],
    ),
    (
        "rate 0 with staircase: the initial LR for the first period",
        _spec("ExponentialDecay", initial_learning_rate=0.1, decay_steps=2.5, decay_rate=0.0, staircase=True),
        [(0, 0.10000000149011612), (2, 0.10000000149011612), (3, 0.0), (4, 0.0)],
    ),
    (
        "m_mul > 1: the peak of cycle 219 overflows float32",
        _spec("CosineDecayRestarts", initial_learning_rate=1.0, first_decay_steps=10, t_mul=1.0, m_mul=1.5),
        [(2180, 2.4428369402589474e38), (2189, 5.978765038024824e36), (2190, INF), (2200, INF)],
    ),
    (
        "t_mul 0.5: the cycles end at step 20 (NaN)",
        _spec("CosineDecayRestarts", initial_learning_rate=1.0, first_decay_steps=10, t_mul=0.5),
        [(15, 1.0), (17, 0.09549129009246826), (18, 0.6545090675354004), (19, 0.6545090675354004), (20, NAN)],
    ),
    (
        "t_mul 0.9: the cycles end at step 70 (NaN)",
        _spec("CosineDecayRestarts", initial_learning_rate=1.0, first_decay_steps=7, t_mul=0.9),
        [
            (60, 0.5279387831687927),
            (65, 0.9937617778778076),
            (66, 0.9278007745742798),
            (67, 0.0239371657371521),
            (68, 0.14138337969779968),
            (69, 0.7475637197494507),
            (70, NAN),
        ],
    ),
    (
        "t_mul 1.00000001 is 1.0 in float32: equal cycles",
        _spec("CosineDecayRestarts", initial_learning_rate=1.0, first_decay_steps=10, t_mul=1.00000001),
        [(9, 0.024471759796142578), (10, 1.0), (11, 0.9755282402038574), (20, 1.0)],
    ),
    (
        "a fractional first_decay_steps",
        _spec(
            "CosineDecayRestarts",
            initial_learning_rate=1.0,
            first_decay_steps=7.5,
            t_mul=1.5,
            alpha=0.1,
            m_mul=0.5,
        ),
        [
            (0, 1.0),
            (6, 0.18594235181808472),
            (9, 0.5305476784706116),
            (15, 0.2124999761581421),
            (21, 0.31527385115623474),
            (30, 0.15625),
            (36, 0.21243909001350403),
            (57, 0.10658419877290726),
        ],
    ),
    (
        "a fractional decay_steps",
        _spec("CosineDecay", initial_learning_rate=0.2, decay_steps=12.5, alpha=0.1),
        [
            (0, 0.20000000298023224),
            (5, 0.13781152665615082),
            (12, 0.020709676668047905),
            (13, 0.020000001415610313),
        ],
    ),
    (
        "a fractional decay_steps after a warm-up",
        _spec("CosineDecay", initial_learning_rate=0.0, decay_steps=12.5, warmup_target=0.2, warmup_steps=4),
        [
            (0, 0.0),
            (2, 0.10000000149011612),
            (4, 0.20000000298023224),
            (10, 0.10627905279397964),
            (16, 0.000788527715485543),
            (17, 0.0),
        ],
    ),
    (
        "fractional boundaries are truncated",
        _spec("PiecewiseConstantDecay", boundaries=[10.5, 20.9], values=[1.0, 0.5, 0.1]),
        [(10, 1.0), (11, 0.5), (20, 0.5), (21, 0.10000000149011612)],
    ),
    (
        "a negative boundary applies from step 0",
        _spec("PiecewiseConstantDecay", boundaries=[-3, 2], values=[1.0, 0.5, 0.1]),
        [(0, 0.5), (2, 0.5), (3, 0.10000000149011612)],
    ),
    (
        "equal boundaries skip a value",
        _spec("PiecewiseConstantDecay", boundaries=[5, 5], values=[1.0, 0.5, 0.1]),
        [(4, 1.0), (5, 1.0), (6, 0.10000000149011612)],
    ),
    (
        "power 0 is constant",
        _spec("PolynomialDecay", initial_learning_rate=0.3, decay_steps=10, power=0.0),
        [(0, 0.30000001192092896), (10, 0.30000001192092896), (11, 0.30000001192092896)],
    ),
    (
        "cycle with a fractional decay_steps",
        _spec("PolynomialDecay", initial_learning_rate=0.3, decay_steps=12.5, power=2.0, cycle=True),
        [
            (0, 0.30000001192092896),
            (6, 0.08119296282529831),
            (12, 0.0005798405618406832),
            (13, 0.06919696927070618),
            (25, 9.999999747378752e-05),
            (26, 0.028303932398557663),
            (40, 0.012095999903976917),
        ],
    ),
]


@pytest.mark.parametrize(("spec", "expected"), [pytest.param(s, e, id=i) for i, s, e in KERAS_EXTRA])
def test_keras_numbers_outside_the_fixture(spec: dict[str, Any], expected: list[tuple[int, float]]) -> None:
    schedule = compile_spec(spec)
    finite = [(t, v) for t, v in expected if math.isfinite(v)]
    peak = max(abs(v) for _, v in finite)
    # rates > 1 this far: Keras' p = t / 50 ~ 219 is only within 2**-17 in float32 (3e-6 of the LR)
    rtol = 1e-5 if peak > 1e30 else 1e-6
    for t, v in finite:
        assert evaluate_one(schedule, t) == pytest.approx(v, rel=rtol, abs=2e-7 * peak), t
    for t, _ in [(t, v) for t, v in expected if not math.isfinite(v)]:
        with pytest.raises(StepError):
            evaluate_one(schedule, t)
        with pytest.raises(StepError):
            evaluate(schedule, [0, t])


# ---------------------------------------------------------------------------------------------------------
# translations and refusals


def test_piecewise_boundaries_shift_by_one() -> None:
    native = to_native(_spec("PiecewiseConstantDecay", boundaries=[100, 200], values=[1.0, 0.5, 0.1]))
    assert native.model_dump(exclude_defaults=True) == {
        "kind": "piecewise_constant",
        "boundaries": [101, 201],
        "values": [1.0, 0.5, 0.1],
    }


def test_restarts_translation_is_float32_amplitude() -> None:
    native = to_native(
        _spec(
            "CosineDecayRestarts",
            initial_learning_rate=0.5,
            first_decay_steps=10,
            t_mul=1.1,
            m_mul=0.8,
            alpha=0.1,
        )
    )
    assert native.model_dump(exclude_defaults=True) == {
        "kind": "cosine_restarts",
        "base_lr": 0.5,
        "min_lr": 0.05,
        "period": 10,
        "period_mult": float(np.float32(1.1)),
        "decay": 0.8,
        "decay_mode": "amplitude",
        "cycle_index": "float32",
    }


def test_warmup_steps_without_target_are_ignored() -> None:
    a = compile_spec(_spec("CosineDecay", initial_learning_rate=0.2, decay_steps=40, warmup_steps=10))
    b = compile_spec(_spec("CosineDecay", initial_learning_rate=0.2, decay_steps=40))
    assert evaluate(a, range(60)).tolist() == evaluate(b, range(60)).tolist()
    # ignored, so not checked either (Keras accepts any number there)
    parse_spec(_spec("CosineDecay", initial_learning_rate=0.2, decay_steps=40, warmup_steps=-2.5))


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        (_spec("PiecewiseConstantDecay", boundaries=[20, 10], values=[1.0, 0.5, 0.1]), "must not decrease"),
        (_spec("PiecewiseConstantDecay", boundaries=[], values=[1.0]), "must not be empty"),
        (
            _spec(
                "CosineDecay", initial_learning_rate=0.0, decay_steps=10, warmup_target=0.1, warmup_steps=2.5
            ),
            "whole number",
        ),
        (
            _spec(
                "CosineDecay", initial_learning_rate=0.0, decay_steps=10, warmup_target=0.1, warmup_steps=-1
            ),
            "whole number",
        ),
        (_spec("CosineDecay", initial_learning_rate=0.1, decay_steps=10, alpha=-0.1), "alpha"),
        (
            _spec("CosineDecayRestarts", initial_learning_rate=0.1, first_decay_steps=10, t_mul=0.0),
            "log(t_mul)",
        ),
        (
            _spec("CosineDecayRestarts", initial_learning_rate=0.1, first_decay_steps=10, t_mul=-2.0),
            "log(t_mul)",
        ),
        (_spec("CosineDecayRestarts", initial_learning_rate=0.1, first_decay_steps=10, m_mul=-0.5), "m_mul"),
        (_spec("ExponentialDecay", initial_learning_rate=0.1, decay_steps=10, decay_rate=-0.5), "decay_rate"),
        (_spec("InverseTimeDecay", initial_learning_rate=0.1, decay_steps=10, decay_rate=-0.5), "decay_rate"),
        (_spec("PolynomialDecay", initial_learning_rate=0.1, decay_steps=10, power=-1.0), "infinite"),
        (_spec("PolynomialDecay", initial_learning_rate=-0.1, decay_steps=10), "initial_learning_rate"),
        (
            _spec("ExponentialDecay", initial_learning_rate=0.1, decay_steps=10, decay_rate=0.5, bogus=1),
            "bogus",
        ),
        (_spec("LearningRateSchedule"), "abstract base class"),
        (_spec("LearningRateScheduler", schedule="lambda e: 0.1"), "Python function"),
        (_spec("ReduceLROnPlateau", monitor="val_loss"), "not a function of the step"),
    ],
)
def test_refused(spec: dict[str, Any], message: str) -> None:
    with pytest.raises(SpecError, match=message.replace("(", r"\(").replace(")", r"\)")):
        parse_spec(spec)


def test_get_config_round_trips() -> None:
    """A Keras ``get_config()`` (with its ``name``) is a valid ``args``."""
    config = {
        "initial_learning_rate": 0.1,
        "first_decay_steps": 1000,
        "t_mul": 2.0,
        "m_mul": 1.0,
        "alpha": 0.0,
        "name": "SGDRDecay",
    }
    assert evaluate_one(compile_spec(_spec("CosineDecayRestarts", **config)), 0) == 0.1


def test_native_cycle_index_is_not_for_hard_restarts() -> None:
    spec = {"kind": "cosine_restarts", "base_lr": 0.1, "period": 10, "cycles": 3, "cycle_index": "float32"}
    with pytest.raises(SpecError, match="cycle_index"):
        parse_spec(spec)
