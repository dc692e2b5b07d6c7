"""Keras 3 (``keras.optimizers.schedules``): CosineDecay, CosineDecayRestarts, ExponentialDecay,
PiecewiseConstantDecay, PolynomialDecay, InverseTimeDecay. ``args`` are the class's keyword arguments
(what ``get_config()`` returns; ``name`` is accepted and has no effect); there is no ``base_lr``: every
class carries its own ``initial_learning_rate`` (PiecewiseConstantDecay its ``values``).

Step convention: a Keras optimizer calls ``schedule(self.iterations)``, its update count from 0, so
``lr(t)`` is the LR of update ``t`` — our convention, with no shift.

Boundary rules:

* CosineDecay: ``decay_steps`` does not include the warm-up. With ``warmup_target`` the LR ramps linearly
  from ``initial_learning_rate`` to ``warmup_target`` for ``t < warmup_steps`` (``warmup_target`` at
  ``t == warmup_steps``), then decays to ``warmup_target * alpha`` over ``decay_steps``; without it
  ``warmup_steps`` is ignored, as Keras ignores it. A fractional ``decay_steps`` is a cosine over that
  many steps (a single ``cosine_restarts`` cycle).
* CosineDecayRestarts: cycle ``i`` lasts ``first_decay_steps * t_mul**i`` steps and decays from
  ``I * ((1 - alpha) * m_mul**i + alpha)`` to ``I * alpha``: ``m_mul`` scales the amplitude above the
  floor, not the floor. A restart happens at the cycle start (a fractional start: the next integer step),
  except where Keras' float32 cycle index puts an exact start into the previous cycle (see Precision).
  ``t_mul < 1``: the cycles end at ``first_decay_steps / (1 - t_mul)``, where Keras' log turns NaN; the
  schedule ends there (``StepError``).
* PiecewiseConstantDecay: ``values[i+1]`` applies from ``t = boundaries[i] + 1`` (Keras tests
  ``t > boundary``), one step later than optax and our ``piecewise_constant``: the translation shifts
  the boundaries by one. A fractional boundary is truncated first (Keras casts it to the step's integer
  dtype); a boundary below 0 applies from step 0.
* PolynomialDecay: ``cycle`` stretches the period to the next multiple of ``decay_steps`` at or past
  ``t`` (one period at ``t = 0``): at ``t = k * decay_steps`` the LR is ``end_learning_rate``, the next
  step jumps partway back up. ``power: 0`` is the constant ``initial_learning_rate``.
* ExponentialDecay and InverseTimeDecay: ``staircase`` floors ``t / decay_steps``; no clip, no delay.
  ``decay_rate: 0`` gives the initial LR at ``t = 0`` (for the first ``decay_steps`` steps with
  ``staircase``) and 0 after, as ``0 ** p`` does.

Precision: Keras computes in float32 (``initial_learning_rate`` becomes a float32 tensor and every
other number is cast to it). We compute in float64 on the same formulas, with ``t_mul`` rounded to float32
as Keras uses it, and match Keras' numpy backend within float32 rounding (tested at rtol 1e-6 plus 2e-7
of the peak LR; PolynomialDecay with a ``power`` below 1 right before ``decay_steps``, where Keras'
float32 ``1 - t / decay_steps`` cancels, is up to ~4e-6 of the peak off Keras, and exact itself).

Where float32 decides a discrete outcome it is computed as Keras does: CosineDecayRestarts finds the
cycle, ``floor(log(1 - cf * (1 - t_mul)) / log(t_mul))`` with ``cf = t / first_decay_steps``, and the
position in it in float32 (``cycle_index: "float32"``), with numpy's float32 ``log``, the function Keras'
numpy backend calls (the fixture was recorded on x86-64 with AVX2; numpy's float32 log is not correctly
rounded, and may round differently on other CPUs, for Keras as for us). So step 327670
(``first_decay_steps`` 10, ``t_mul`` 2) ends cycle 14 instead of starting cycle 15, step 11 (4, 1.75)
ends cycle 0, while the starts that float64's log would miss (``t_mul`` 3 at step 847 for 7, 1.25 at 61
for 16) restart, as in Keras; a ``t_mul`` whose float32 value is 1 takes Keras' equal-cycles branch.
Keras' other backends (TensorFlow, JAX, torch) compute that log differently and miss other restarts; we
follow the numpy backend. Where Keras' float32 overflows to inf or NaN (``decay_rate > 1`` or
``m_mul > 1`` after enough steps) the schedule ends at the last finite step (``StepError`` after).
Not reproduced: float32 cannot hold steps past 2**24 exactly, so from there Keras' staircase,
PolynomialDecay cycle and warm-up switches can come a step early or late (the restart index does
follow Keras there too).

Refused: ``LearningRateSchedule`` (the abstract base class), the callbacks ``LearningRateScheduler`` (a
Python function) and ``ReduceLROnPlateau`` (metric-driven): not functions of the step. Refused where Keras
refuses (``decay_steps``/``first_decay_steps <= 0``, ``len(values) != len(boundaries) + 1``, an unknown
argument) and degenerate settings Keras accepts but that give no usable LR: negative LRs or LRs beyond
float32's range (3.4e38: inf at every step), negative rates, ``alpha`` or ``m_mul`` (negative or NaN
learning rates), ``t_mul <= 0`` (its log is undefined), a negative ``power`` (infinite at
``decay_steps``), an empty ``boundaries`` (Keras fails at every step), boundaries that decrease (Keras
adds up overlapping values) and, with ``warmup_target``, a negative or fractional ``warmup_steps``.

Deviations: none in the reference fixture (Keras 3.15.1, numpy backend): every case is matched,
including its two missed restarts.
"""

from __future__ import annotations

import math
from itertools import pairwise
from typing import Annotated, Any, Literal, Self

import numpy as np
from pydantic import Field, field_validator, model_validator

from ..limits import MAX_STEP
from ..specs import native as n
from ..specs._base import MAX_ITEMS, Factor
from ._base import Args, DialectSpec, unsupported

__all__ = [
    "CosineDecay",
    "CosineDecayRestarts",
    "ExponentialDecay",
    "InverseTimeDecay",
    "KerasSpec",
    "PiecewiseConstantDecay",
    "PolynomialDecay",
    "RefusedSchedule",
]

_FLT_MAX = float(np.finfo(np.float32).max)
#: A learning rate: >= 0 and within float32's range (Keras casts it to float32; beyond, every step is inf).
LR32 = Annotated[float, Field(ge=0.0, le=_FLT_MAX, allow_inf_nan=False)]
#: A number of steps Keras checks is ``> 0`` (it may be fractional: Keras casts it to float32).
DecaySteps = Annotated[float, Field(gt=0.0, le=MAX_STEP, allow_inf_nan=False)]
Number = Annotated[float, Field(ge=-MAX_STEP, le=MAX_STEP, allow_inf_nan=False)]
#: A PiecewiseConstantDecay boundary: an integer, or a number Keras truncates to one.
Boundary = (
    Annotated[int, Field(ge=-MAX_STEP, le=MAX_STEP - 1)]
    | Annotated[float, Field(ge=-MAX_STEP, le=MAX_STEP - 1)]
)


def _whole(x: float) -> int | float:
    return int(x) if float(x).is_integer() else float(x)


def _ending(spec: n.NativeSpec, last: int | None) -> n.NativeSpec:
    """``spec``, ending (``StepError`` after) at ``last`` if given: where Keras' float32 overflows."""
    if last is None:
        return spec
    return n.Sequence(kind="sequence", schedules=[spec], boundaries=[], last_step=last)


def _last_true(ok: Any, hi: int = MAX_STEP) -> int | None:
    """The last ``t`` in ``[0, hi]`` with ``ok(t)`` for a predicate true at 0 and monotone (true then
    false); None if it holds at ``hi``."""
    if ok(hi):
        return None
    lo = 0
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if ok(mid):
            lo = mid
        else:
            hi = mid
    return lo


# ---------------------------------------------------------------------------------------------------------
# CosineDecay


class CosineDecayArgs(Args):
    """``CosineDecay``'s arguments."""

    initial_learning_rate: LR32
    decay_steps: DecaySteps
    alpha: Factor = 0.0
    name: str = "CosineDecay"
    warmup_target: LR32 | None = None
    warmup_steps: Number = 0

    @model_validator(mode="after")
    def _check(self) -> Self:
        w = self.warmup_steps
        if self.warmup_target is not None and not (w >= 0 and float(w).is_integer()):
            raise ValueError(
                f"warmup_steps must be a whole number >= 0 with warmup_target, got {w}: steps are integers "
                "(a fractional warm-up would shift the decay by a fraction of a step)"
            )
        return self


class CosineDecay(DialectSpec):
    """Cosine decay from ``initial_learning_rate`` (or, after a linear warm-up, ``warmup_target``) to
    ``alpha`` times it over ``decay_steps``."""

    kind: Literal["keras"]
    name: Literal["CosineDecay"]
    args: CosineDecayArgs

    def native(self) -> n.NativeSpec:
        a = self.args
        peak = a.initial_learning_rate if a.warmup_target is None else a.warmup_target
        w = 0 if a.warmup_target is None else int(a.warmup_steps)
        floor, d = peak * a.alpha, _whole(a.decay_steps)
        if isinstance(d, int):
            if w == 0:
                return n.CosineAnnealing(kind="cosine_annealing", base_lr=peak, min_lr=floor, t_max=d)
            return n.WarmupCosine(
                kind="warmup_cosine",
                base_lr=peak,
                warmup_steps=w,
                decay_steps=d,
                min_lr=floor,
                warmup_start_lr=a.initial_learning_rate,
            )
        # a fractional decay_steps: one cosine cycle of that length, then the floor
        decay = n.CosineRestarts(kind="cosine_restarts", base_lr=peak, min_lr=floor, period=d, cycle_limit=1)
        if w == 0:
            return decay
        ramp = n.Linear(kind="linear", start_lr=a.initial_learning_rate, end_lr=peak, steps=w)
        return n.Sequence(kind="sequence", schedules=[ramp, decay], boundaries=[w])


# ---------------------------------------------------------------------------------------------------------
# CosineDecayRestarts


class CosineDecayRestartsArgs(Args):
    """``CosineDecayRestarts``' arguments."""

    initial_learning_rate: LR32
    first_decay_steps: DecaySteps
    t_mul: Annotated[float, Field(allow_inf_nan=False)] = 2.0
    m_mul: Factor = 1.0
    alpha: Factor = 0.0
    name: str = "SGDRDecay"

    @field_validator("t_mul")
    @classmethod
    def _t_mul(cls, value: float) -> float:
        if not 0.0 < value <= _FLT_MAX or np.float32(value) == 0.0:
            raise ValueError(
                f"t_mul must be > 0 and within float32's range, got {value}: Keras divides by log(t_mul)"
            )
        return value


class CosineDecayRestarts(DialectSpec):
    """Cosine decay with warm restarts (SGDR): cycles ``t_mul`` times longer, amplitude ``m_mul`` times
    smaller, each time."""

    kind: Literal["keras"]
    name: Literal["CosineDecayRestarts"]
    args: CosineDecayRestartsArgs

    @property
    def _t_mul(self) -> float:
        """``t_mul`` as Keras uses it: rounded to float32 (1.0 if that rounds to 1)."""
        return float(np.float32(self.args.t_mul))

    def native(self) -> n.NativeSpec:
        a = self.args
        restarts = n.CosineRestarts(
            kind="cosine_restarts",
            base_lr=a.initial_learning_rate,
            min_lr=a.initial_learning_rate * a.alpha,
            period=_whole(a.first_decay_steps),
            period_mult=self._t_mul,
            decay=a.m_mul,
            decay_mode="amplitude",
            cycle_index="float32",
        )
        return _ending(restarts, self._overflow())

    def _overflow(self) -> int | None:
        """The step before the first cycle whose float32 peak overflows (``m_mul > 1``), if any."""
        a = self.args
        if a.m_mul <= 1.0:
            return None
        i32 = np.float32

        def finite(i: int) -> bool:  # Keras at a cycle start: I * ((1 - alpha) * (0.5 * m**i * 2) + alpha)
            with np.errstate(all="ignore"):
                cd = i32(0.5) * np.power(i32(a.m_mul), i32(i)) * i32(2.0)
                lr = i32(a.initial_learning_rate) * ((i32(1.0) - i32(a.alpha)) * cd + i32(a.alpha))
            return bool(np.isfinite(lr))

        bad = _last_true(finite)
        if bad is None:
            return None
        first, m = a.first_decay_steps, self._t_mul
        try:
            start = first * (bad + 1) if m == 1.0 else first * (math.pow(m, bad + 1) - 1.0) / (m - 1.0)
        except OverflowError:
            return None
        return math.ceil(start) - 1 if start <= MAX_STEP else None


# ---------------------------------------------------------------------------------------------------------
# ExponentialDecay, InverseTimeDecay, PolynomialDecay


class ExponentialDecayArgs(Args):
    """``ExponentialDecay``'s arguments."""

    initial_learning_rate: LR32
    decay_steps: DecaySteps
    decay_rate: Factor
    staircase: bool = False
    name: str = "ExponentialDecay"


class ExponentialDecay(DialectSpec):
    """``initial_learning_rate * decay_rate ** (t / decay_steps)`` (floored with ``staircase``)."""

    kind: Literal["keras"]
    name: Literal["ExponentialDecay"]
    args: ExponentialDecayArgs

    def native(self) -> n.NativeSpec:
        a = self.args
        lr, rate, d = a.initial_learning_rate, a.decay_rate, _whole(a.decay_steps)
        if rate == 0.0:  # 0 ** 0 = 1 at t = 0 (for the whole first period with staircase), then 0
            first = math.ceil(a.decay_steps) if a.staircase else 1
            return n.PiecewiseConstant(kind="piecewise_constant", boundaries=[first], values=[lr, 0.0])
        if rate == 1.0:
            return n.Constant(kind="constant", lr=lr)
        if rate < 1.0:
            return n.Exponential(
                kind="exponential", base_lr=lr, rate=rate, decay_steps=d, staircase=a.staircase
            )
        # rate > 1: unbounded; Keras' float32 overflows to inf (NaN for a zero LR) at some step
        grow = n.Exponential(
            kind="exponential", base_lr=lr, rate=rate, decay_steps=d, staircase=a.staircase, end_lr=_FLT_MAX
        )
        return _ending(grow, self._overflow())

    def _overflow(self) -> int | None:
        a, f = self.args, np.float32

        def finite(t: int) -> bool:  # Keras: I * pow(rate, t / decay_steps) in float32
            with np.errstate(all="ignore"):
                p = f(t) / f(a.decay_steps)
                if a.staircase:
                    p = np.floor(p)
                return bool(np.isfinite(f(a.initial_learning_rate) * np.power(f(a.decay_rate), p)))

        return _last_true(finite)


class InverseTimeDecayArgs(Args):
    """``InverseTimeDecay``'s arguments."""

    initial_learning_rate: LR32
    decay_steps: DecaySteps
    decay_rate: Factor
    staircase: bool = False
    name: str = "InverseTimeDecay"


class InverseTimeDecay(DialectSpec):
    """``initial_learning_rate / (1 + decay_rate * t / decay_steps)`` (floored with ``staircase``)."""

    kind: Literal["keras"]
    name: Literal["InverseTimeDecay"]
    args: InverseTimeDecayArgs

    def native(self) -> n.InverseTime:
        a = self.args
        return n.InverseTime(
            kind="inverse_time",
            base_lr=a.initial_learning_rate,
            rate=a.decay_rate,
            decay_steps=_whole(a.decay_steps),
            staircase=a.staircase,
        )


class PolynomialDecayArgs(Args):
    """``PolynomialDecay``'s arguments."""

    initial_learning_rate: LR32
    decay_steps: DecaySteps
    end_learning_rate: LR32 = 0.0001
    power: Annotated[float, Field(allow_inf_nan=False)] = 1.0
    cycle: bool = False
    name: str = "PolynomialDecay"

    @field_validator("power")
    @classmethod
    def _power(cls, value: float) -> float:
        if value < 0:
            raise ValueError(
                f"power must be >= 0, got {value}: (1 - t / decay_steps) ** power is infinite at decay_steps"
            )
        return value


class PolynomialDecay(DialectSpec):
    """``(initial - end) * (1 - t / decay_steps) ** power + end``, held at ``end`` or cycling."""

    kind: Literal["keras"]
    name: Literal["PolynomialDecay"]
    args: PolynomialDecayArgs

    def native(self) -> n.NativeSpec:
        a = self.args
        if a.power == 0.0:  # (1 - p) ** 0 is 1, even at p = 1
            return n.Constant(kind="constant", lr=a.initial_learning_rate)
        return n.Polynomial(
            kind="polynomial",
            base_lr=a.initial_learning_rate,
            end_lr=a.end_learning_rate,
            decay_steps=_whole(a.decay_steps),
            power=a.power,
            cycle=a.cycle,
        )


# ---------------------------------------------------------------------------------------------------------
# PiecewiseConstantDecay


class PiecewiseConstantDecayArgs(Args):
    """``PiecewiseConstantDecay``'s arguments."""

    boundaries: Annotated[list[Boundary], Field(max_length=MAX_ITEMS)]
    values: Annotated[list[LR32], Field(max_length=MAX_ITEMS + 1)]
    name: str = "PiecewiseConstant"

    @model_validator(mode="after")
    def _check(self) -> Self:
        b, v = self.boundaries, self.values
        if len(b) != len(v) - 1:
            raise ValueError(
                f"The length of boundaries should be 1 less than the length of values (Keras' check): "
                f"{len(b)} boundaries, {len(v)} values"
            )
        if not b:
            raise ValueError(
                "boundaries must not be empty: Keras reads boundaries[0] and fails at every step"
            )
        steps = self.steps
        for x, y in pairwise(steps):
            if y < x:
                raise ValueError(
                    f"boundaries must not decrease ({y} follows {x}): Keras does not check, and adds up the "
                    "values of overlapping ranges"
                )
        return self

    @property
    def steps(self) -> list[int]:
        """The boundaries as Keras compares them: cast to the step's integer dtype (truncated)."""
        return [x if isinstance(x, int) else int(np.float32(x)) for x in self.boundaries]


class PiecewiseConstantDecay(DialectSpec):
    """``values[0]`` for ``t <= boundaries[0]``, ``values[i]`` for ``boundaries[i-1] < t <= boundaries[i]``,
    ``values[-1]`` after the last boundary."""

    kind: Literal["keras"]
    name: Literal["PiecewiseConstantDecay"]
    args: PiecewiseConstantDecayArgs

    def native(self) -> n.PiecewiseConstant:
        a = self.args
        return n.PiecewiseConstant(
            kind="piecewise_constant",
            boundaries=[min(max(b + 1, 0), MAX_STEP) for b in a.steps],
            values=list(a.values),
        )


# ---------------------------------------------------------------------------------------------------------
# refused

_REFUSED = {
    "LearningRateSchedule": "LearningRateSchedule is Keras' abstract base class, not a schedule: a "
    "subclass's __call__ is Python code a JSON spec cannot hold; write the schedule as a native spec",
    "LearningRateScheduler": "LearningRateScheduler (a callback) is not a function of the step we can "
    "read: it calls a Python function of the epoch that a JSON spec cannot hold; write the schedule it "
    "computes as a native spec",
    "ReduceLROnPlateau": "ReduceLROnPlateau (a callback) is not a function of the step: it lowers the LR "
    "when a monitored metric stops improving, so no schedule can be computed ahead",
}


class RefusedSchedule(DialectSpec):
    """A Keras name that is not a function of the step (refused with the reason)."""

    kind: Literal["keras"]
    name: Literal["LearningRateSchedule", "LearningRateScheduler", "ReduceLROnPlateau"]
    args: dict[str, Any] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _refuse(self) -> Self:
        unsupported(_REFUSED[self.name])
        return self

    def native(self) -> n.NativeSpec:  # pragma: no cover - never validated
        raise NotImplementedError


KerasSpec = Annotated[
    CosineDecay
    | CosineDecayRestarts
    | ExponentialDecay
    | InverseTimeDecay
    | PolynomialDecay
    | PiecewiseConstantDecay
    | RefusedSchedule,
    Field(discriminator="name"),
]
