"""timm (``timm.scheduler``): CosineLRScheduler, PolyLRScheduler, TanhLRScheduler, StepLRScheduler,
MultiStepLRScheduler, WSDLRScheduler. PlateauLRScheduler and LR noise are refused.

Step convention: timm schedulers are stateless. ``lr(t)`` is the LR that ``scheduler.step(t)`` writes into
the optimizer with ``t_in_epochs`` true (the default), or ``scheduler.step_update(t)`` with it false (the
other method then does nothing); ``t_in_epochs`` does not change the numbers. timm's own training loop
calls ``step(epoch + 1)`` after each epoch and ``step_update(num_updates)`` after each update, so ``lr(t)``
is the LR used during epoch (update) ``t`` — our step convention. The LR the constructor writes before
any step (``warmup_lr_init`` if ``warmup_t`` is non-zero, else the optimizer's LR) is not part of the
schedule; it is usually ``lr(0)``, but not always: TanhLRScheduler without warm-up has
``lr(0) = lr_min + (base_lr - lr_min) * (1 - tanh(lb)) / 2``, MultiStepLRScheduler with a milestone 0 or 1
is decayed at ``t = 0``.

Boundary rules:

* Warm-up (``warmup_t > 0``): ``warmup_lr_init + t * (base - warmup_lr_init) / warmup_t`` for
  ``t < warmup_t``; the schedule then runs on ``t - warmup_t`` with ``warmup_prefix`` (default for
  Step/MultiStep, always for WSD), else on the raw ``t`` (default for Cosine/Poly/Tanh: a jump at
  ``warmup_t``). Tanh without prefix ramps to the curve's value at ``warmup_t``, not to ``base_lr``.
  A negative ``warmup_t`` has no ramp but its prefix shift moves the curve left (a negative sequence origin).
* Cycles (Cosine/Poly/Tanh): cycle ``i`` starts at ``t_initial * (cycle_mul**i - 1) / (cycle_mul - 1)``
  with its peak ``base_lr * cycle_decay**i``; from cycle ``cycle_limit`` on the LR is ``lr_min`` (at once
  for ``cycle_limit <= 0``). A cycle's own end value is never produced inside it. With a fractional
  ``cycle_mul`` the cycle index is timm's floating ``floor(log(x) / log(cycle_mul))``, reproduced with the
  same float operations: an exact boundary can fall into the previous cycle (giving ``lr_min``), or ``t_cur``
  can come out a hair negative (Poly then exceeds the peak by an ulp; with a fractional ``k_decay`` timm
  raises, and so do we, at that step). ``cycle_mul < 1``: the cycles end at ``t_initial / (1 - cycle_mul)``
  and timm raises (math domain error) from there on, even after ``cycle_limit``: our schedule ends there.
* StepLRScheduler: ``base * decay_rate ** (t // decay_t)``, the first decay *at* ``t == decay_t``.
* MultiStepLRScheduler: ``base * decay_rate ** bisect_right(decay_t, t + 1)``: milestone ``m`` applies at
  ``t == m - 1``, one step earlier than PyTorch's MultiStepLR (timm's documented convention); duplicates
  count twice, milestones 0 and 1 apply at once, an unsorted list counts as timm's bisection does.
* WSDLRScheduler: stable until ``t = warmup_t + t_initial - decay_t`` (inclusive), ``lr_min`` from
  ``t = warmup_t + t_initial`` on. A decaying ``stable_fn`` (rsqrt, power) keeps decaying through the decay
  phase and is clamped at ``lr_min``; with ``stable_fn: constant`` and ``lr_min > base_lr`` the LR after
  warm-up is ``lr_min`` throughout (timm's ``max(base, lr_min)``).

Precision: timm computes in Python floats; our translations agree within a few ulps (rtol 1e-12), and
every discrete outcome decided by float rounding (the cycle index) is the same as timm's.

Where timm builds a scheduler and then raises at some steps, the schedule ends (``StepError``) where timm
starts failing: past the end of shrinking cycles; after a warm-up that outlasts them (no prefix); after
the warm-up with StepLRScheduler ``decay_t: 0`` (ZeroDivisionError). At a single step whose value is not
real (see Cycles) the engine raises ``StepError`` too.

Refused (not a function of the step): ``PlateauLRScheduler`` (metric-driven) and ``noise_range_t`` (noise
drawn from torch's random generator). Refused where timm refuses (its asserts and ``ValueError`` checks,
an unknown argument) and degenerate settings (timm fails at every step, or gives negative, non-real,
unbounded or no-longer-scheduled LRs):
``decay_t: 0`` without warm-up, a negative ``decay_t``, ``cycle_mul <= 0``, ``k_decay <= 0``,
``power <= 0``, a negative ``warmup_lr_init``, ``cycle_decay`` or ``decay_rate``; also a non-whole
``warmup_t`` (steps are integers). A callable ``decay_fn`` cannot be written in a spec. ``initialize``
and the noise arguments other than ``noise_range_t`` are accepted and have no effect.

Deviations: none; every case of the reference fixture (timm 1.0.31) is matched.
"""

from __future__ import annotations

import bisect
from typing import Annotated, Any, Literal, Self

from pydantic import Field, field_validator, model_validator

from .. import core
from ..limits import MAX_STEP
from ..specs import native as n
from ..specs._base import LR, MAX_ITEMS, Factor, Positive
from ._base import Args, DialectSpec, unsupported

__all__ = [
    "CosineLRScheduler",
    "MultiStepLRScheduler",
    "PlateauLRScheduler",
    "PolyLRScheduler",
    "StepLRScheduler",
    "TanhLRScheduler",
    "TimmSpec",
    "WSDLRScheduler",
]

#: A whole number of steps, possibly negative (timm accepts a negative warm-up or cycle limit).
Steps = Annotated[int, Field(ge=-MAX_STEP, le=MAX_STEP)]
NonNegativeSteps = Annotated[int, Field(ge=0, le=MAX_STEP)]
Length = Annotated[float, Field(gt=0.0, le=MAX_STEP)]

_NOISE = (
    "LR noise is not a function of the step: timm draws it from torch's random generator (seeded with "
    "noise_seed + t) and resamples until it is within noise_pct; leave noise_range_t null"
)


class _TimmArgs(Args):
    """The arguments every timm scheduler shares."""

    warmup_t: Steps = 0
    warmup_lr_init: LR = 0.0
    t_in_epochs: bool = True
    noise_range_t: list[float] | float | None = None
    noise_pct: float = 0.67
    noise_std: float = 1.0
    noise_seed: int = 42
    initialize: bool = True

    @field_validator("noise_range_t")
    @classmethod
    def _no_noise(cls, value: object) -> object:
        if value is not None:
            raise ValueError(_NOISE)
        return value


def _ramp(start: float, end: float, steps: int) -> n.Linear:
    return n.Linear(kind="linear", start_lr=start, end_lr=end, steps=steps)


def _warmup_only(a: _TimmArgs, target: float) -> n.Sequence:
    """timm's warm-up, after which every step fails in timm: the schedule ends at ``warmup_t - 1``."""
    w = a.warmup_t
    tail = n.Constant(kind="constant", lr=target)  # never evaluated: past the last step
    return n.Sequence(
        kind="sequence", schedules=[_ramp(a.warmup_lr_init, target, w), tail], boundaries=[w], last_step=w - 1
    )


def _with_warmup(curve: n.NativeSpec, a: _TimmArgs, prefix: bool, target: float) -> n.NativeSpec:
    """timm's linear warm-up in front of ``curve`` (which sees ``t - warmup_t`` with ``prefix``)."""
    w = a.warmup_t
    if w > 0:
        ramp = _ramp(a.warmup_lr_init, target, w)
        return n.Sequence(kind="sequence", schedules=[ramp, curve], boundaries=[w], local_steps=prefix)
    if w < 0 and prefix:  # no ramp, but the curve is shifted left by -w steps
        return n.Sequence(kind="sequence", schedules=[curve], boundaries=[], origins=[w])
    return curve


# ---------------------------------------------------------------------------------------------------------
# Cosine, Poly, Tanh: cycles


class _CycleArgs(_TimmArgs):
    """Arguments of the cycle schedulers (Cosine, Poly, Tanh)."""

    t_initial: Length
    lr_min: LR = 0.0
    cycle_mul: Positive = 1.0
    cycle_decay: Factor = 1.0
    cycle_limit: Steps = 1
    warmup_prefix: bool = False


class CosineLRSchedulerArgs(_CycleArgs):
    """``CosineLRScheduler``'s arguments."""

    k_decay: Positive = 1.0


class PolyLRSchedulerArgs(_CycleArgs):
    """``PolyLRScheduler``'s arguments."""

    power: Positive = 0.5
    k_decay: Positive = 1.0


class TanhLRSchedulerArgs(_CycleArgs):
    """``TanhLRScheduler``'s arguments (it asserts non-negative ``warmup_t`` and ``cycle_limit``)."""

    lb: float = -7.0
    ub: float = 3.0
    warmup_t: NonNegativeSteps = 0
    cycle_limit: NonNegativeSteps = 1

    @model_validator(mode="after")
    def _check(self) -> Self:
        if not self.lb < self.ub:
            raise ValueError(f"lb ({self.lb}) must be less than ub ({self.ub}), as timm asserts")
        return self


class _Cycles(DialectSpec):
    """Shared translation of the cycle schedulers."""

    base_lr: LR
    args: _CycleArgs

    def _shape(self) -> dict[str, Any]:
        raise NotImplementedError

    def _curve(self) -> n.NativeSpec:
        a = self.args
        if a.cycle_limit <= 0:
            if a.cycle_mul >= 1.0:
                return n.Constant(kind="constant", lr=a.lr_min)
            # lr_min throughout, but still undefined past the end of the shrinking cycles, as in timm
            return n.CosineRestarts(
                kind="cosine_restarts",
                base_lr=a.lr_min,
                min_lr=a.lr_min,
                period=a.t_initial,
                period_mult=a.cycle_mul,
            )
        return n.CosineRestarts(
            kind="cosine_restarts",
            base_lr=self.base_lr,
            min_lr=a.lr_min,
            period=a.t_initial,
            period_mult=a.cycle_mul,
            decay=a.cycle_decay,
            decay_mode="peak",
            cycle_limit=a.cycle_limit,
            **self._shape(),
        )

    def _target(self) -> float:
        return self.base_lr

    def native(self) -> n.NativeSpec:
        a, curve = self.args, self._curve()
        if self._outlasted() is not None:  # timm fails at every step after the warm-up (math domain error)
            return _warmup_only(a, self.base_lr)
        return _with_warmup(curve, a, a.warmup_prefix, self._target())

    def _outlasted(self) -> int | None:
        """The last step of the shrinking cycles if a warm-up without prefix outlasts them, else None."""
        a = self.args
        if a.warmup_t > 0 and not a.warmup_prefix and a.cycle_mul < 1.0:
            last: int | None = _build(self._curve()).last_step
            if last is not None and a.warmup_t > last:
                return last
        return None


def _build(spec: n.NativeSpec) -> Any:
    return core.build(spec.model_dump())


class CosineLRScheduler(_Cycles):
    """Cosine annealing with warm restarts, k-decay and a linear warm-up."""

    kind: Literal["timm"]
    name: Literal["CosineLRScheduler"]
    args: CosineLRSchedulerArgs

    def _shape(self) -> dict[str, Any]:
        return {"shape": "cosine", "k_decay": self.args.k_decay}


class PolyLRScheduler(_Cycles):
    """Polynomial decay ``(1 - t_cur**k / t_i**k) ** power`` in cycles, with a linear warm-up."""

    kind: Literal["timm"]
    name: Literal["PolyLRScheduler"]
    args: PolyLRSchedulerArgs

    def _shape(self) -> dict[str, Any]:
        return {"shape": "poly", "power": self.args.power, "k_decay": self.args.k_decay}


class TanhLRScheduler(_Cycles):
    """Hyperbolic-tangent decay from ``lb`` to ``ub`` in cycles, with a linear warm-up."""

    kind: Literal["timm"]
    name: Literal["TanhLRScheduler"]
    args: TanhLRSchedulerArgs

    def _shape(self) -> dict[str, Any]:
        return {"shape": "tanh", "tanh_lb": self.args.lb, "tanh_ub": self.args.ub}

    @model_validator(mode="after")
    def _check_warmup(self) -> Self:
        last = self._outlasted()
        if last is not None:
            raise ValueError(
                f"warmup_t ({self.args.warmup_t}) without warmup_prefix outlasts the shrinking cycles, "
                f"which end after step {last} (t_initial / (1 - cycle_mul)): TanhLRScheduler evaluates its "
                "curve at warmup_t when it is built and fails there (math domain error)"
            )
        return self

    def _target(self) -> float:
        a = self.args
        if a.warmup_t <= 0 or a.warmup_prefix:
            return self.base_lr
        # without prefix timm's warm-up ramps to the curve's own value at warmup_t (computed in __init__)
        value: float = _build(self._curve()).at(a.warmup_t)
        return value


# ---------------------------------------------------------------------------------------------------------
# Step, MultiStep


class StepLRSchedulerArgs(_TimmArgs):
    """``StepLRScheduler``'s arguments."""

    decay_t: Annotated[float, Field(le=MAX_STEP)]
    decay_rate: Factor = 1.0
    warmup_prefix: bool = True

    @field_validator("decay_t")
    @classmethod
    def _not_negative(cls, value: float) -> float:
        if value < 0:
            raise ValueError(
                f"decay_t must not be negative, got {value}: t // decay_t then counts down and the LR grows "
                "without bound"
            )
        return value

    @model_validator(mode="after")
    def _check(self) -> Self:
        if self.decay_t == 0 and self.warmup_t <= 0:
            raise ValueError(
                "decay_t is 0: timm divides by it (t // decay_t) at every step after the warm-up "
                "(ZeroDivisionError), and there is no warm-up, so no step has a learning rate"
            )
        return self


class StepLRScheduler(DialectSpec):
    """``base_lr * decay_rate ** (t // decay_t)`` after a linear warm-up (prefix by default)."""

    kind: Literal["timm"]
    name: Literal["StepLRScheduler"]
    base_lr: LR
    args: StepLRSchedulerArgs

    def native(self) -> n.NativeSpec:
        a = self.args
        if a.decay_t == 0:  # timm: ZeroDivisionError at every step after the warm-up
            return _warmup_only(a, self.base_lr)
        size = int(a.decay_t) if a.decay_t.is_integer() else a.decay_t
        curve = n.Step(kind="step", base_lr=self.base_lr, step_size=size, factor=a.decay_rate)
        return _with_warmup(curve, a, a.warmup_prefix, self.base_lr)


class MultiStepLRSchedulerArgs(_TimmArgs):
    """``MultiStepLRScheduler``'s arguments."""

    decay_t: Annotated[list[Steps], Field(max_length=MAX_ITEMS)]
    decay_rate: Factor = 1.0
    warmup_prefix: bool = True


def _timm_milestones(decay_t: list[int]) -> list[int]:
    """Native milestones (a decay at each listed step, ``count(milestones <= t)``) equal to timm's count
    ``bisect_right(decay_t, t + 1)`` at every step ``t >= 0``. Bisection is monotone in ``t`` even on an
    unsorted list, and changes only where ``t + 1`` reaches a listed value."""
    steps = sorted({0, *(max(m - 1, 0) for m in decay_t)})
    out: list[int] = []
    for t in steps:
        out += [t] * (bisect.bisect_right(decay_t, t + 1) - len(out))
    return out


class MultiStepLRScheduler(DialectSpec):
    """``base_lr * decay_rate ** (milestones reached)`` where milestone ``m`` applies at ``t == m - 1``."""

    kind: Literal["timm"]
    name: Literal["MultiStepLRScheduler"]
    base_lr: LR
    args: MultiStepLRSchedulerArgs

    def native(self) -> n.NativeSpec:
        a = self.args
        curve = n.MultiStep(
            kind="multistep",
            base_lr=self.base_lr,
            milestones=_timm_milestones(a.decay_t),
            factor=a.decay_rate,
        )
        return _with_warmup(curve, a, a.warmup_prefix, self.base_lr)


# ---------------------------------------------------------------------------------------------------------
# WSD


class WSDLRSchedulerArgs(_TimmArgs):
    """``WSDLRScheduler``'s arguments (no ``warmup_prefix``: its warm-up is always a prefix)."""

    t_initial: Annotated[int, Field(gt=0, le=MAX_STEP)]
    decay_t: Annotated[int, Field(le=MAX_STEP)]
    lr_min: LR = 0.0
    stable_fn: Literal["constant", "rsqrt", "power"] = "constant"
    stable_timescale: Annotated[float, Field(le=MAX_STEP)] | None = None
    stable_power: Positive = 0.5
    decay_fn: Literal["linear", "1-sqrt", "cosine", "power", "exp"] = "1-sqrt"
    decay_power: Positive = 0.5
    decay_ratio: Annotated[float, Field(gt=0.0, lt=1.0)] = 0.1

    @model_validator(mode="after")
    def _check(self) -> Self:
        if not 0 < self.decay_t <= self.t_initial:
            raise ValueError(
                f"decay_t ({self.decay_t}) must be in (0, t_initial] with t_initial={self.t_initial}"
            )
        if self.stable_fn != "constant" and not self.timescale > 0:
            raise ValueError(
                f"stable_fn={self.stable_fn} needs a positive stable_timescale (got {self.timescale}; it "
                f"defaults to warmup_t, {self.warmup_t}): set it explicitly when there is no warm-up"
            )
        return self

    @property
    def timescale(self) -> float:
        """The stable function's timescale (``warmup_t`` by default)."""
        return self.stable_timescale if self.stable_timescale is not None else self.warmup_t


class WSDLRScheduler(DialectSpec):
    """Warm-up, a stable phase (constant or decaying as rsqrt/power), then a decay to ``lr_min``."""

    kind: Literal["timm"]
    name: Literal["WSDLRScheduler"]
    base_lr: LR
    args: WSDLRSchedulerArgs

    def native(self) -> n.NativeSpec:
        a = self.args
        w = max(a.warmup_t, 0)
        if a.stable_fn == "constant" and a.lr_min > self.base_lr:  # timm's max(base, lr_min) after warm-up
            return _with_warmup(n.Constant(kind="constant", lr=a.lr_min), a, True, self.base_lr)
        extra: dict[str, Any] = {}
        if a.decay_fn == "power":
            extra["power"] = a.decay_power
        if a.decay_fn == "exp":
            extra["ratio"] = a.decay_ratio
        if a.stable_fn != "constant":
            extra["stable_shape"] = "power"
            extra["stable_power"] = 0.5 if a.stable_fn == "rsqrt" else a.stable_power
            extra["stable_timescale"] = a.timescale
        wsd = n.WarmupStableDecay(
            kind="warmup_stable_decay",
            base_lr=self.base_lr,
            warmup_steps=w,
            warmup_start_lr=a.warmup_lr_init,
            stable_steps=a.t_initial - a.decay_t,
            decay_steps=a.decay_t,
            min_lr=a.lr_min,
            decay_shape=a.decay_fn,
            **extra,
        )
        if a.warmup_t < 0:  # the prefix shift moves the whole schedule left
            return n.Sequence(kind="sequence", schedules=[wsd], boundaries=[], origins=[a.warmup_t])
        return wsd


# ---------------------------------------------------------------------------------------------------------
# refused


class PlateauLRScheduler(DialectSpec):
    """Refused: the LR follows a metric (torch's ReduceLROnPlateau), not the step."""

    kind: Literal["timm"]
    name: Literal["PlateauLRScheduler"]
    base_lr: LR | None = None
    args: dict[str, Any] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _refuse(self) -> Self:
        unsupported(
            "PlateauLRScheduler is not a function of the step: it lowers the LR when a metric stops "
            "improving (it wraps torch's ReduceLROnPlateau), so no schedule can be computed ahead"
        )
        return self

    def native(self) -> n.NativeSpec:  # pragma: no cover - never validated
        raise NotImplementedError


TimmSpec = Annotated[
    CosineLRScheduler
    | PolyLRScheduler
    | TanhLRScheduler
    | StepLRScheduler
    | MultiStepLRScheduler
    | WSDLRScheduler
    | PlateauLRScheduler,
    Field(discriminator="name"),
]
