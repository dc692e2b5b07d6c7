"""PyTorch (``torch.optim.lr_scheduler``, checked against torch 2.13.0): StepLR, MultiStepLR, ConstantLR,
LinearLR, ExponentialLR, PolynomialLR, CosineAnnealingLR, CosineAnnealingWarmRestarts, CyclicLR, OneCycleLR,
SequentialLR and ChainedScheduler.

Spec shape: ``{"kind": "torch", "name": "CosineAnnealingLR", "base_lr": 0.1, "args": {"T_max": 10}}``;
``base_lr`` is the optimizer's ``lr`` (CyclicLR and OneCycleLR ignore it), ``args`` are torch's own
arguments with torch's defaults. SequentialLR and ChainedScheduler list their sub-schedulers, built in
that order on the same optimizer, as ``"schedulers": [{"name": ..., "args": {...}}, ...]``
(SequentialLR's ``milestones`` go in its ``args``).

Step convention: the value at ``t`` is the optimizer's LR after ``t`` calls of ``scheduler.step()``;
``t = 0`` is the LR right after construction (every constructor performs the first step itself).

How torch computes, and how we translate it (``native()``; this module has no numerics of its own):

* StepLR, MultiStepLR, ConstantLR, LinearLR, ExponentialLR, PolynomialLR and CosineAnnealingLR are
  *recursive*: each ``step()`` multiplies the current LR by a factor (CosineAnnealingLR: an affine
  update). We evaluate the equivalent closed form, which agrees to a few ulps per step; the worst
  measured deviations are listed below. ConstantLR's values are torch's own products
  (``base * factor * (1.0 / factor)`` after ``total_iters``), computed once.
* CosineAnnealingLR does not stop at ``T_max``: torch's recursion follows the cosine back up with period
  ``2 * T_max`` (native ``cosine_annealing`` with ``periodic: true``); ``T_max = 1`` alternates between
  ``base_lr`` and ``eta_min``; ``T_max = 0`` divides by zero at ``t = 1``.
* CosineAnnealingWarmRestarts finds its cycle with integers: ``T_mult = 1`` is ``cosine_restarts``;
  ``T_mult >= 2`` is a ``sequence`` of cosine cycles at the exact integer restarts (at most 54 up to
  2**53), each evaluated in torch's operation order.
* CyclicLR ignores the optimizer's LR; ``scale_mode`` is ignored by torch for its three built-in modes
  (triangular/triangular2 scale per cycle, exp_range per iteration) and so by us.
* OneCycleLR is defined up to ``t = total_steps`` (one step past its last phase, which torch extrapolates,
  possibly below zero); later steps raise. ``pct_start = 1.0`` leaves a last phase of zero length:
  readable up to ``total_steps - 1``, a division by zero at ``total_steps``.
* SequentialLR: the scheduler active at ``t = 0`` runs from the optimizer's (reset) LR; at a milestone the
  next scheduler restarts from its own base LR at its own step 0 (torch's closed form), counting steps
  from the milestone. Equal milestones skip a scheduler, a milestone 0 skips the first. A CyclicLR built
  first, or any OneCycleLR, rewrites the base LRs of the schedulers built after it (and the reset LR).
* ChainedScheduler steps every scheduler on the same LR in list order. Of StepLR, MultiStepLR,
  ConstantLR, LinearLR, ExponentialLR and PolynomialLR it is the product. With one CosineAnnealingLR:
  ``eta_min = 0`` is a product up to ``T_max``, where torch restarts the cosine from its own base LR and
  drops the others' factors (supported as is when those factors are all 1 by then); otherwise (an
  ``eta_min > 0`` makes the update ``lr = r * (lr - eta_min) + eta_min`` affine, which mixes with the
  others' factors) the LR up to the step where the others stop changing is torch's own values, computed
  once with torch's expressions (at most 255 steps, as a ``piecewise_constant``), and from there the
  cosine runs alone from the LR it has. CosineAnnealingWarmRestarts, CyclicLR and OneCycleLR set the LR
  outright, erasing what comes before them; the schedulers after the last of them each apply one step's
  factor, translated as piecewise-constant factors where there are finitely many (not a StepLR with
  ``step_size > 1``, nor LinearLR/PolynomialLR over more than 255 steps, nor a CosineAnnealingLR). A
  CyclicLR built after another scheduler still takes its first value from the group's ``initial_lr``.
  Other combinations are refused with a message naming them.

Errors: where torch raises while stepping (StepLR ``step_size=0`` and CosineAnnealingLR ``T_max=0`` at
``t = 1``, ConstantLR ``factor=0`` at ``total_iters``, OneCycleLR past ``total_steps``, LinearLR or
PolynomialLR with ``total_iters=0`` started at a SequentialLR milestone) the translation ends there
(``last_step``) and evaluating later steps raises ``StepError``. Where torch refuses the constructor
arguments we refuse the spec, with torch's message where it has one.

Precision (measured against the fixture, tests/dialects/test_torch.py): the closed forms agree with
torch's stepped values to rtol 1e-12 (absolute 1e-14 x peak near zero) except where torch's own rounding
drifts: LinearLR over 100 000 steps decaying to 0 (its per-step factors round with a bias: 1.17e-12) and
CosineAnnealingLR past ``T_max`` with ``eta_min > 0`` (every step computes ``r * (lr - eta_min) +
eta_min`` with ``lr - eta_min`` tiny after the restart, losing an ulp of ``eta_min`` relative to it:
1.3e-11 over 3 periods of 100 000 steps, ~5e-11 after many periods). Neither can be reproduced without
stepping the recursion; the test module lists them per case. ExponentialLR's recursion sticks at a
subnormal (2.4e-322 for gamma 0.99) where the closed form reaches 0. In a ChainedScheduler after
CyclicLR/OneCycleLR/WarmRestarts, LinearLR's last factor towards ``end_factor = 0`` rounds to -3.6e-15 in
torch (a hair below zero); we use 0.

Deviations (refused although torch accepts them): negative ``step_size``/``T_max``/``total_iters``/
milestones, fractional step counts, negative ``gamma``/``eta_min``/LRs (including a ChainedScheduler
whose LR torch drives below zero), a negative PolynomialLR ``power``, CyclicLR ``step_size_down=0`` or
exp_range with ``gamma=0``, an unknown CyclicLR ``scale_mode``, SequentialLR milestones out of order,
nested SequentialLR/ChainedScheduler, and the ChainedScheduler combinations above. None is in the
fixture. LambdaLR, MultiplicativeLR and ReduceLROnPlateau are not functions of the step and are refused.
"""

from __future__ import annotations

import bisect
import math
from collections import Counter
from dataclasses import dataclass, field
from itertools import pairwise
from typing import Annotated, Any, ClassVar, Literal, Self, TypeAlias

from pydantic import Field, StrictInt, ValidationError, model_validator

from ..limits import MAX_STEP
from ..specs import native as n
from ..specs._base import LR, MAX_ITEMS, Factor, Positive, SpecModel
from ._base import Args, DialectSpec

__all__ = [
    "ChainedScheduler",
    "ConstantLR",
    "CosineAnnealingLR",
    "CosineAnnealingWarmRestarts",
    "CyclicLR",
    "ExponentialLR",
    "LinearLR",
    "MultiStepLR",
    "OneCycleLR",
    "PolynomialLR",
    "SequentialLR",
    "StepLR",
    "TorchSpec",
]

#: A count of steps (lax: ``10.0`` is 10, ``10.5`` is refused).
Count: TypeAlias = Annotated[int, Field(ge=0, le=MAX_STEP)]


class Untranslatable(ValueError):
    """A combination torch accepts that has no exact translation."""


# --- translation helpers -------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Piece:
    """A translated scheduler: its native spec and the first step where torch raises (or None)."""

    native: n.NativeSpec
    error: int | None = None


@dataclass(frozen=True)
class _Factors:
    """The factor a multiplicative scheduler applies at ``t = 0`` (``first``), at the steps in ``special``,
    and at every other step (``default``)."""

    first: float
    special: dict[int, float] = field(default_factory=dict)
    default: float = 1.0


@dataclass
class _Group:
    """The optimizer's param group as the sub-schedulers leave it: each one's ``base_lrs``, the
    ``initial_lr`` while it was built (a CyclicLR's value at t = 0: it sets its own ``base_lrs`` only after
    its first step), the final ``initial_lr`` (SequentialLR's reset) and the OneCycleLR values."""

    bases: list[float]
    initial: list[float]
    reset: float
    one_cycle: OneCycleLRArgs | None


def _constant(lr: float) -> n.Constant:
    return n.Constant(kind="constant", lr=lr)


def _cosine(base: float, eta: float, t_max: int, periodic: bool) -> n.CosineAnnealing:
    return n.CosineAnnealing(
        kind="cosine_annealing", base_lr=base, min_lr=eta, t_max=t_max, periodic=periodic
    )


def _sequence(
    schedules: list[n.NativeSpec], boundaries: list[int], *, local: bool = True, last: int | None = None
) -> n.Sequence:
    return n.Sequence(
        kind="sequence", schedules=schedules, boundaries=boundaries, local_steps=local, last_step=last
    )


def _product(schedules: list[n.NativeSpec]) -> n.NativeSpec:
    return schedules[0] if len(schedules) == 1 else n.Product(kind="product", schedules=schedules)


def _ending(piece: _Piece) -> n.NativeSpec:
    """The native spec, ending before the step where torch raises."""
    if piece.error is None:
        return piece.native
    last = piece.error - 1
    if isinstance(piece.native, n.Sequence) and piece.native.last_step is None:
        return piece.native.model_copy(update={"last_step": last})
    return _sequence([piece.native], [], last=last)


def _cosine_from(lr0: float, base: float, eta: float, t_max: int) -> n.NativeSpec:
    """CosineAnnealingLR's recursion started from ``lr0`` instead of its base LR: the ratios telescope to
    ``eta + (lr0 - eta) * (1 + cos(pi t / T)) / 2`` up to ``T_max``, where it is ``eta`` exactly; the
    restart at ``T_max + 1`` adds ``(base - eta) * (1 - cos(pi / T)) / 2``, so from there on it is the
    stand-alone cosine of ``base``."""
    if lr0 == base:
        return _cosine(base, eta, t_max, periodic=True)
    return _sequence(
        [_cosine(lr0, eta, t_max, periodic=False), _cosine(base, eta, t_max, periodic=True)],
        [t_max + 1],
        local=False,
    )


def _factor_schedule(f: _Factors, name: str) -> n.NativeSpec | None:
    """Per-step factors as a piecewise-constant schedule (None when they are all 1). LinearLR's last
    factor towards ``end_factor = 0`` can round to a hair below 0 (-3.6e-15): it is taken as 0."""
    cuts = sorted({1, *f.special, *(t + 1 for t in f.special)})
    values = [max(v, 0.0) for v in (f.first, *(f.special.get(t, f.default) for t in cuts))]
    bounds: list[int] = []
    merged = [values[0]]
    for t, v in zip(cuts, values[1:], strict=True):
        if v != merged[-1]:
            bounds.append(t)
            merged.append(v)
    if all(v == 1.0 for v in merged):
        return None
    if len(bounds) > MAX_ITEMS:
        raise Untranslatable(
            f"ChainedScheduler: the per-step factors of {name} change too often to translate"
        )
    return n.PiecewiseConstant(kind="piecewise_constant", boundaries=bounds, values=merged)


# --- arguments -----------------------------------------------------------------------------------------


class StepLRArgs(Args):
    """StepLR's arguments."""

    step_size: Count
    gamma: Factor = 0.1


class MultiStepLRArgs(Args):
    """MultiStepLR's arguments (milestones in any order; a repeated one multiplies by ``gamma ** k``)."""

    milestones: Annotated[list[Count], Field(max_length=MAX_ITEMS)]
    gamma: Factor = 0.1


class ConstantLRArgs(Args):
    """ConstantLR's arguments."""

    factor: float = 1.0 / 3
    total_iters: Count = 5

    @model_validator(mode="after")
    def _check(self) -> Self:
        if self.factor > 1.0 or self.factor < 0:
            raise ValueError("Constant multiplicative factor expected to be between 0 and 1.")
        return self


class LinearLRArgs(Args):
    """LinearLR's arguments."""

    start_factor: float = 1.0 / 3
    end_factor: float = 1.0
    total_iters: Count = 5

    @model_validator(mode="after")
    def _check(self) -> Self:
        if self.start_factor > 1.0 or self.start_factor <= 0:
            raise ValueError(
                "Starting multiplicative factor expected to be greater than 0 and less or equal to 1."
            )
        if self.end_factor > 1.0 or self.end_factor < 0:
            raise ValueError("Ending multiplicative factor expected to be between 0 and 1.")
        return self


class ExponentialLRArgs(Args):
    """ExponentialLR's arguments."""

    gamma: Factor


class PolynomialLRArgs(Args):
    """PolynomialLR's arguments."""

    total_iters: Count = 5
    power: Annotated[float, Field(ge=0.0)] = 1.0


class CosineAnnealingLRArgs(Args):
    """CosineAnnealingLR's arguments."""

    T_max: Count
    eta_min: LR = 0.0


class CosineAnnealingWarmRestartsArgs(Args):
    """CosineAnnealingWarmRestarts' arguments (torch refuses a float ``T_0`` or ``T_mult``)."""

    T_0: Annotated[StrictInt, Field(ge=1, le=MAX_STEP)]
    T_mult: Annotated[StrictInt, Field(ge=1, le=MAX_STEP)] = 1
    eta_min: LR = 0.0


class CyclicLRArgs(Args):
    """CyclicLR's arguments (``cycle_momentum`` and the momenta do not change the LR)."""

    base_lr: LR
    max_lr: LR
    step_size_up: Positive = 2000.0
    step_size_down: Positive | None = None
    mode: Literal["triangular", "triangular2", "exp_range"] = "triangular"
    gamma: Factor = 1.0
    scale_mode: Literal["cycle", "iterations"] = "cycle"
    cycle_momentum: bool = True
    base_momentum: float = 0.8
    max_momentum: float = 0.9

    @model_validator(mode="after")
    def _check(self) -> Self:
        if self.mode == "exp_range" and self.gamma == 0:
            raise ValueError("gamma must be > 0 for mode 'exp_range' (the LR would be 0 ** t)")
        return self


class OneCycleLRArgs(Args):
    """OneCycleLR's arguments, validated in torch's order with torch's messages."""

    max_lr: LR
    total_steps: int | float | None = None
    epochs: int | float | None = None
    steps_per_epoch: int | float | None = None
    pct_start: float | int = 0.3
    anneal_strategy: str = "cos"
    cycle_momentum: bool = True
    base_momentum: float = 0.85
    max_momentum: float = 0.95
    div_factor: Positive = 25.0
    final_div_factor: Positive = 1e4
    three_phase: bool = False

    @model_validator(mode="after")
    def _check(self) -> Self:
        if self.total_steps is not None:
            if not isinstance(self.total_steps, int) or self.total_steps <= 0:
                raise ValueError(f"Expected positive integer total_steps, but got {self.total_steps}")
        elif self.epochs is not None and self.steps_per_epoch is not None:
            if not isinstance(self.epochs, int) or self.epochs <= 0:
                raise ValueError(f"Expected positive integer epochs, but got {self.epochs}")
            if not isinstance(self.steps_per_epoch, int) or self.steps_per_epoch <= 0:
                raise ValueError(f"Expected positive integer steps_per_epoch, but got {self.steps_per_epoch}")
        else:
            raise ValueError("You must define either total_steps OR (epochs AND steps_per_epoch)")
        p = self.pct_start
        if not isinstance(p, float) or p < 0 or p > 1:
            raise ValueError(f"Expected float between 0 and 1 pct_start, but got {p}")
        if self.anneal_strategy not in ("cos", "linear"):
            raise ValueError(
                f"anneal_strategy must be one of 'cos' or 'linear', instead got {self.anneal_strategy}"
            )
        if self.total > MAX_STEP // 2:
            raise ValueError(f"total_steps {self.total} is past the largest supported, 2**52")
        ends = self.ends
        if any(b - a == 0 for a, b in zip([0.0, *ends[:-2]], ends[:-1], strict=True)):
            raise ValueError(
                f"pct_start={p} with total_steps={self.total} gives a first phase of zero length: "
                "OneCycleLR divides by zero while constructing"
            )
        return self

    @property
    def total(self) -> int:
        """The number of steps (``total_steps``, or ``epochs * steps_per_epoch``)."""
        if isinstance(self.total_steps, int):
            return self.total_steps
        assert isinstance(self.epochs, int) and isinstance(self.steps_per_epoch, int)
        return self.epochs * self.steps_per_epoch

    @property
    def ends(self) -> list[float]:
        """The last step of each phase, as torch computes it."""
        p, total = float(self.pct_start), self.total
        if self.three_phase:
            return [float(p * total) - 1, float(2 * p * total) - 2, total - 1]
        return [float(p * total) - 1, total - 1]


class SequentialLRArgs(Args):
    """SequentialLR's arguments: the steps where the next scheduler takes over."""

    milestones: Annotated[list[Count], Field(max_length=MAX_ITEMS - 1)]


class ChainedSchedulerArgs(Args):
    """ChainedScheduler takes no arguments besides its schedulers (torch's ``optimizer`` is implied)."""


# --- sub-schedulers ------------------------------------------------------------------------------------


class _Member(SpecModel):
    """A scheduler as a member of SequentialLR/ChainedScheduler: its translations in each context."""

    role: ClassVar[Literal["multiplicative", "cosine", "absolute"]]
    name: str

    def standalone(self, base: float, group: _Group) -> _Piece:
        """Built alone on an optimizer whose LR (and ``initial_lr``) is ``base``."""
        raise NotImplementedError

    def first(self, lr0: float, base: float, group: _Group) -> _Piece:
        """Active at t = 0 in SequentialLR: stepped from the reset LR ``lr0``; ``base`` is its base_lrs."""
        return self.standalone(base, group)

    def restart(self, base: float, group: _Group) -> _Piece:
        """Restarted at a SequentialLR milestone: torch's closed form at 0, then stepped."""
        return self.standalone(base, group)


class _Multiplicative(_Member):
    """A scheduler whose every step multiplies the LR by a factor."""

    role: ClassVar[Literal["multiplicative", "cosine", "absolute"]] = "multiplicative"

    def first(self, lr0: float, base: float, group: _Group) -> _Piece:
        return self.standalone(lr0, group)

    def factors(self) -> _Factors | None:
        """The factor of each step, when finitely many differ from one value (None otherwise)."""
        raise NotImplementedError

    def settles(self) -> int | None:
        """The first step from which every factor is exactly 1.0 (None: never)."""
        raise NotImplementedError

    def start_factor(self) -> float:
        """The factor applied at construction (t = 0)."""
        f = self.factors()
        return 1.0 if f is None else f.first


class StepLRMember(_Multiplicative):
    """StepLR: ``lr * gamma`` every ``step_size`` steps."""

    name: Literal["StepLR"]
    args: StepLRArgs

    def standalone(self, base: float, group: _Group) -> _Piece:
        a = self.args
        if a.step_size == 0:  # t % 0 at the first step
            return _Piece(_constant(base), 1)
        return _Piece(n.Step(kind="step", base_lr=base, step_size=a.step_size, factor=a.gamma))

    def restart(self, base: float, group: _Group) -> _Piece:
        if self.args.step_size == 0:  # the closed form's 0 // 0
            return _Piece(_constant(base), 0)
        return self.standalone(base, group)

    def factors(self) -> _Factors | None:
        a = self.args
        if a.step_size == 1:
            return _Factors(1.0, default=a.gamma)
        if a.gamma == 1.0 or a.step_size == 0:
            return _Factors(1.0)
        return None

    def settles(self) -> int | None:
        return 1 if self.args.gamma == 1.0 or self.args.step_size == 0 else None


class MultiStepLRMember(_Multiplicative):
    """MultiStepLR: ``lr * gamma ** k`` at a milestone listed k times."""

    name: Literal["MultiStepLR"]
    args: MultiStepLRArgs

    def standalone(self, base: float, group: _Group) -> _Piece:
        a = self.args
        return _Piece(
            n.MultiStep(kind="multistep", base_lr=base, milestones=sorted(a.milestones), factor=a.gamma)
        )

    def factors(self) -> _Factors | None:
        gamma, counts = self.args.gamma, Counter(self.args.milestones)
        special = {m: gamma**k for m, k in counts.items() if m >= 1}
        return _Factors(gamma ** counts[0] if 0 in counts else 1.0, special)

    def settles(self) -> int | None:
        if self.args.gamma == 1.0:
            return 1
        return max((m for m in self.args.milestones if m >= 1), default=0) + 1


class ConstantLRMember(_Multiplicative):
    """ConstantLR: ``lr * factor`` at t = 0, undone (``* (1.0 / factor)``) at ``total_iters``."""

    name: Literal["ConstantLR"]
    args: ConstantLRArgs = ConstantLRArgs()

    def standalone(self, base: float, group: _Group) -> _Piece:
        f, total = self.args.factor, self.args.total_iters
        if total == 0:  # t == 0 is checked first: never undone
            return _Piece(_constant(base * f))
        if f == 0.0:
            return _Piece(_constant(base * f), total)  # 1.0 / 0 at total_iters
        values = [base * f, base * f * (1.0 / f)]
        return _Piece(n.PiecewiseConstant(kind="piecewise_constant", boundaries=[total], values=values))

    def restart(self, base: float, group: _Group) -> _Piece:
        f = self.args.factor
        if self.args.total_iters == 0:  # the closed form at 0 >= total_iters: base * (f + (1 - f))
            return _Piece(_constant(base * (f + (1 - f))))
        return self.standalone(base, group)

    def factors(self) -> _Factors | None:
        f, total = self.args.factor, self.args.total_iters
        return _Factors(f, {total: 1.0 / f} if total > 0 and f > 0 else {})

    def settles(self) -> int | None:
        total = self.args.total_iters
        return 1 if total == 0 or self.args.factor == 1.0 else total + 1


class LinearLRMember(_Multiplicative):
    """LinearLR: from ``start_factor`` to ``end_factor`` times the base LR over ``total_iters`` steps."""

    name: Literal["LinearLR"]
    args: LinearLRArgs = LinearLRArgs()

    def standalone(self, base: float, group: _Group) -> _Piece:
        a = self.args
        if a.total_iters == 0:  # t > 0 is always past total_iters
            return _Piece(_constant(base * a.start_factor))
        start, end = base * a.start_factor, base * a.end_factor
        return _Piece(n.Linear(kind="linear", start_lr=start, end_lr=end, steps=a.total_iters))

    def restart(self, base: float, group: _Group) -> _Piece:
        if self.args.total_iters == 0:  # the closed form divides by total_iters
            return _Piece(_constant(base * self.args.start_factor), 0)
        return self.standalone(base, group)

    def factors(self) -> _Factors | None:
        a = self.args
        s, e, total = a.start_factor, a.end_factor, a.total_iters
        if total == 0 or s == e:
            return _Factors(s)
        if total + 1 > MAX_ITEMS:
            return None
        return _Factors(s, {t: 1.0 + (e - s) / (total * s + (t - 1) * (e - s)) for t in range(1, total + 1)})

    def settles(self) -> int | None:
        a = self.args
        return 1 if a.total_iters == 0 or a.start_factor == a.end_factor else a.total_iters + 1


class ExponentialLRMember(_Multiplicative):
    """ExponentialLR: ``lr * gamma`` every step."""

    name: Literal["ExponentialLR"]
    args: ExponentialLRArgs

    def standalone(self, base: float, group: _Group) -> _Piece:
        gamma = self.args.gamma
        if 0.0 < gamma <= 1.0:
            return _Piece(n.Exponential(kind="exponential", base_lr=base, rate=gamma))
        return _Piece(n.Step(kind="step", base_lr=base, step_size=1, factor=gamma))

    def factors(self) -> _Factors | None:
        return _Factors(1.0, default=self.args.gamma)

    def settles(self) -> int | None:
        return 1 if self.args.gamma == 1.0 else None


class PolynomialLRMember(_Multiplicative):
    """PolynomialLR: ``base * (1 - t / total_iters) ** power``, then 0 (for ``power > 0``)."""

    name: Literal["PolynomialLR"]
    args: PolynomialLRArgs = PolynomialLRArgs()

    def standalone(self, base: float, group: _Group) -> _Piece:
        a = self.args
        if a.total_iters == 0 or a.power == 0.0:
            return _Piece(_constant(base))
        return _Piece(n.Polynomial(kind="polynomial", base_lr=base, decay_steps=a.total_iters, power=a.power))

    def restart(self, base: float, group: _Group) -> _Piece:
        if self.args.total_iters == 0:  # the closed form divides by total_iters
            return _Piece(_constant(base), 0)
        return self.standalone(base, group)

    def factors(self) -> _Factors | None:
        total, p = self.args.total_iters, self.args.power
        if total == 0 or p == 0.0:
            return _Factors(1.0)
        if total + 1 > MAX_ITEMS:
            return None
        return _Factors(
            1.0, {t: ((1.0 - t / total) / (1.0 - (t - 1) / total)) ** p for t in range(1, total + 1)}
        )

    def settles(self) -> int | None:
        a = self.args
        return 1 if a.total_iters == 0 or a.power == 0.0 else a.total_iters + 1


class CosineAnnealingLRMember(_Member):
    """CosineAnnealingLR: half a cosine from the base LR to ``eta_min`` over ``T_max``, and back up."""

    role: ClassVar[Literal["multiplicative", "cosine", "absolute"]] = "cosine"
    name: Literal["CosineAnnealingLR"]
    args: CosineAnnealingLRArgs

    def standalone(self, base: float, group: _Group) -> _Piece:
        a = self.args
        if a.T_max == 0:  # (t - 1 - T_max) % (2 * T_max) at the first step
            return _Piece(_constant(base), 1)
        return _Piece(_cosine(base, a.eta_min, a.T_max, periodic=True))

    def first(self, lr0: float, base: float, group: _Group) -> _Piece:
        a = self.args
        if a.T_max == 0:
            return _Piece(_constant(lr0), 1)
        return _Piece(_cosine_from(lr0, base, a.eta_min, a.T_max))

    def restart(self, base: float, group: _Group) -> _Piece:
        if self.args.T_max == 0:  # the closed form's pi * 0 / 0
            return _Piece(_constant(base), 0)
        return self.standalone(base, group)


class CosineAnnealingWarmRestartsMember(_Member):
    """CosineAnnealingWarmRestarts: cosine cycles of ``T_0``, ``T_0 * T_mult``, ... steps from the base LR."""

    role: ClassVar[Literal["multiplicative", "cosine", "absolute"]] = "absolute"
    name: Literal["CosineAnnealingWarmRestarts"]
    args: CosineAnnealingWarmRestartsArgs

    def standalone(self, base: float, group: _Group) -> _Piece:
        a = self.args
        eta = a.eta_min
        if a.T_mult == 1:
            return _Piece(
                n.CosineRestarts(kind="cosine_restarts", base_lr=base, min_lr=eta, period=float(a.T_0))
            )
        # integer restarts at T_0 * (T_mult**k - 1) / (T_mult - 1), as torch counts T_cur and T_i
        schedules: list[n.NativeSpec] = []
        bounds: list[int] = []
        start, length = 0, a.T_0
        while True:
            if length <= MAX_STEP:
                schedules.append(_cosine(base, eta, length, periodic=False))
            else:  # a cycle reaching past 2**53: the same cosine, with a float period
                schedules.append(
                    n.CosineRestarts(kind="cosine_restarts", base_lr=base, min_lr=eta, period=float(length))
                )
            start += length
            if start > MAX_STEP:
                break
            bounds.append(start)
            length *= a.T_mult
        return _Piece(_sequence(schedules, bounds))


class CyclicLRMember(_Member):
    """CyclicLR: triangular cycles between ``base_lr`` and ``max_lr`` (its own, not the optimizer's)."""

    role: ClassVar[Literal["multiplicative", "cosine", "absolute"]] = "absolute"
    name: Literal["CyclicLR"]
    args: CyclicLRArgs

    def standalone(self, base: float, group: _Group) -> _Piece:
        a = self.args
        return _Piece(
            n.Cyclic(
                kind="cyclic",
                base_lr=a.base_lr,
                max_lr=a.max_lr,
                step_size_up=a.step_size_up,
                step_size_down=a.step_size_down,
                mode=a.mode,
                gamma=a.gamma if a.mode == "exp_range" else 1.0,
            )
        )


class OneCycleLRMember(_Member):
    """OneCycleLR: from ``max_lr / div_factor`` up to ``max_lr``, down to ``initial / final_div_factor``."""

    role: ClassVar[Literal["multiplicative", "cosine", "absolute"]] = "absolute"
    name: Literal["OneCycleLR"]
    args: OneCycleLRArgs

    def standalone(self, base: float, group: _Group) -> _Piece:
        a = self.args
        lrs = group.one_cycle or a  # the param group's initial/max/min LRs: the last OneCycleLR's
        total, p = a.total, float(a.pct_start)
        ends = a.ends
        error = total + 1
        if ends[-1] - ends[-2] == 0:
            # a last phase of zero length divides by zero at t = total_steps; before that, the same
            # phases come from twice the steps at half the pct_start (exactly: scaling by 2 is exact)
            total, p, error = 2 * total, p / 2, total
        native = n.OneCycle(
            kind="one_cycle",
            max_lr=lrs.max_lr,
            total_steps=total,
            pct_start=p,
            anneal=a.anneal_strategy,  # type: ignore[arg-type]
            div_factor=lrs.div_factor,
            final_div_factor=lrs.final_div_factor,
            three_phase=a.three_phase,
        )
        return _Piece(native, error)


class RefusedMember(SpecModel):
    """A scheduler torch has that is not a function of the step (refused with the reason)."""

    name: Literal["LambdaLR", "MultiplicativeLR", "ReduceLROnPlateau", "LRScheduler"]
    args: dict[str, Any] = Field(default_factory=dict)
    kind: Literal["torch"] | None = None
    base_lr: Any = None

    @model_validator(mode="after")
    def _refuse(self) -> Self:
        raise ValueError(_REFUSED[self.name])


class NestedMember(SpecModel):
    """A SequentialLR/ChainedScheduler inside another: refused."""

    name: Literal["SequentialLR", "ChainedScheduler"]
    args: dict[str, Any] = Field(default_factory=dict)
    schedulers: list[Any] = Field(default_factory=list)

    @model_validator(mode="after")
    def _refuse(self) -> Self:
        raise ValueError(
            f"a {self.name} inside schedulers is not supported: list its schedulers in the outer one, "
            "or write the schedule as a native sequence/product"
        )


_REFUSED = {
    "LambdaLR": "LambdaLR is not a function of the step we can read: it calls a Python function "
    "(lr_lambda) that a JSON spec cannot hold; write the schedule it computes as a native spec",
    "MultiplicativeLR": "MultiplicativeLR is not a function of the step we can read: it multiplies by a "
    "Python function (lr_lambda) that a JSON spec cannot hold; write the schedule as a native spec",
    "ReduceLROnPlateau": "ReduceLROnPlateau is not a function of the step: it lowers the LR when a "
    "validation metric passed to step(metrics) stops improving",
    "LRScheduler": "LRScheduler is torch's abstract base class, not a schedule",
}

Member: TypeAlias = Annotated[
    StepLRMember
    | MultiStepLRMember
    | ConstantLRMember
    | LinearLRMember
    | ExponentialLRMember
    | PolynomialLRMember
    | CosineAnnealingLRMember
    | CosineAnnealingWarmRestartsMember
    | CyclicLRMember
    | OneCycleLRMember
    | RefusedMember
    | NestedMember,
    Field(discriminator="name"),
]


def _group(members: list[_Member], lr: float) -> _Group:
    """Build the members in order on an optimizer with ``lr``: what each sees as its base LR."""
    initial: float | None = None
    bases: list[float] = []
    initials: list[float] = []
    one_cycle: OneCycleLRArgs | None = None
    for m in members:
        if isinstance(m, CyclicLRMember):
            if initial is None:  # it sets the LR to its base_lr before initial_lr is recorded
                initial = m.args.base_lr
            bases.append(m.args.base_lr)
        elif isinstance(m, OneCycleLRMember):
            one_cycle = m.args
            initial = m.args.max_lr / m.args.div_factor  # overwrites initial_lr
            bases.append(initial)
        else:
            if initial is None:
                initial = lr
            bases.append(initial)
        initials.append(initial)
    assert initial is not None
    return _Group(bases, initials, initial, one_cycle)


# --- top-level entries ---------------------------------------------------------------------------------


class _Top(DialectSpec):
    """A torch entry: checks at parse time that the translation exists and is a valid native spec."""

    kind: Literal["torch"]

    def _check_spec(self) -> None:
        """Checks torch makes that involve several fields (before translating)."""

    @model_validator(mode="after")
    def _translatable(self) -> Self:
        self._check_spec()
        try:
            self.native()
        except ValidationError as exc:
            raise ValueError(f"no valid native translation: {exc}") from None
        return self


class _Single(_Top):
    """A single scheduler on an optimizer whose LR is ``base_lr``."""

    def native(self) -> n.NativeSpec:
        assert isinstance(self, _Member)
        return _ending(self.standalone(self._lr(), _group([self], self._lr())))

    def _lr(self) -> float:
        lr = getattr(self, "base_lr", None)
        return 0.0 if lr is None else float(lr)


class StepLR(StepLRMember, _Single):
    """``torch.optim.lr_scheduler.StepLR``."""

    base_lr: LR


class MultiStepLR(MultiStepLRMember, _Single):
    """``torch.optim.lr_scheduler.MultiStepLR``."""

    base_lr: LR


class ConstantLR(ConstantLRMember, _Single):
    """``torch.optim.lr_scheduler.ConstantLR``."""

    base_lr: LR


class LinearLR(LinearLRMember, _Single):
    """``torch.optim.lr_scheduler.LinearLR``."""

    base_lr: LR


class ExponentialLR(ExponentialLRMember, _Single):
    """``torch.optim.lr_scheduler.ExponentialLR``."""

    base_lr: LR


class PolynomialLR(PolynomialLRMember, _Single):
    """``torch.optim.lr_scheduler.PolynomialLR``."""

    base_lr: LR


class CosineAnnealingLR(CosineAnnealingLRMember, _Single):
    """``torch.optim.lr_scheduler.CosineAnnealingLR``."""

    base_lr: LR


class CosineAnnealingWarmRestarts(CosineAnnealingWarmRestartsMember, _Single):
    """``torch.optim.lr_scheduler.CosineAnnealingWarmRestarts``."""

    base_lr: LR


class CyclicLR(CyclicLRMember, _Single):
    """``torch.optim.lr_scheduler.CyclicLR`` (the optimizer's LR is not used)."""

    base_lr: LR | None = None


class OneCycleLR(OneCycleLRMember, _Single):
    """``torch.optim.lr_scheduler.OneCycleLR`` (the optimizer's LR is not used)."""

    base_lr: LR | None = None


class SequentialLR(_Top):
    """``torch.optim.lr_scheduler.SequentialLR``: ``schedulers[k]`` from ``milestones[k-1]`` on."""

    name: Literal["SequentialLR"]
    base_lr: LR
    args: SequentialLRArgs
    schedulers: Annotated[list[Member], Field(max_length=MAX_ITEMS)]

    @model_validator(mode="before")
    @classmethod
    def _count(cls, data: Any) -> Any:
        if isinstance(data, dict) and data.get("schedulers") == []:
            raise ValueError("SequentialLR expects at least one scheduler, but got no scheduler.")
        return data

    def _check_spec(self) -> None:
        ms, k = self.args.milestones, len(self.schedulers)
        if len(ms) != k - 1:
            raise ValueError(
                "Sequential Schedulers expects number of schedulers provided to be one more than the number "
                f"of milestone points, but got number of schedulers {k} and the number of milestones to be "
                f"equal to {len(ms)}"
            )
        for a, b in pairwise(ms):
            if b < a:
                raise ValueError(f"milestones must be non-decreasing (torch bisects them); {b} follows {a}")

    def native(self) -> n.NativeSpec:
        members: list[_Member] = [m for m in self.schedulers if isinstance(m, _Member)]
        group = _group(members, self.base_lr)
        ms = self.args.milestones
        starts, ends = [0, *ms], [*ms, None]
        k0 = bisect.bisect_right(ms, 0)
        schedules: list[n.NativeSpec] = []
        bounds: list[int] = []
        error: int | None = None
        for k, m in enumerate(members):
            start, end = starts[k], ends[k]
            if end is not None and end <= start:
                continue  # never active: an equal milestone follows, or milestone 0
            if k == k0:
                piece = m.first(group.reset, group.bases[k], group)
            else:
                piece = m.restart(group.bases[k], group)
            if piece.error is not None and error is None and (end is None or start + piece.error < end):
                error = start + piece.error
            if schedules:
                bounds.append(start)
            schedules.append(piece.native)
        if len(schedules) == 1:
            return _ending(_Piece(schedules[0], error))
        return _sequence(schedules, bounds, last=None if error is None else error - 1)


class ChainedScheduler(_Top):
    """``torch.optim.lr_scheduler.ChainedScheduler``: every scheduler steps the same LR, in list order."""

    name: Literal["ChainedScheduler"]
    base_lr: LR
    args: ChainedSchedulerArgs = ChainedSchedulerArgs()
    schedulers: Annotated[list[Member], Field(max_length=MAX_ITEMS)]

    @model_validator(mode="before")
    @classmethod
    def _count(cls, data: Any) -> Any:
        if isinstance(data, dict) and data.get("schedulers") == []:
            raise ValueError(
                "ChainedScheduler expects at least one scheduler to be chained, but got no scheduler."
            )
        return data

    def native(self) -> n.NativeSpec:
        members: list[_Member] = [m for m in self.schedulers if isinstance(m, _Member)]
        group = _group(members, self.base_lr)
        pieces = [m.standalone(group.bases[j], group) for j, m in enumerate(members)]
        errors = [p.error for p in pieces if p.error is not None]
        native = self._chain(members, group, pieces)
        return _ending(_Piece(native, min(errors) if errors else None))

    @staticmethod
    def _chain(members: list[_Member], group: _Group, pieces: list[_Piece]) -> n.NativeSpec:
        absolute = [j for j, m in enumerate(members) if m.role == "absolute"]
        if absolute:
            a = absolute[-1]
            head, factors = members[a], [pieces[a].native]
            if isinstance(head, CyclicLRMember) and group.initial[a] != head.args.base_lr:
                # built after another scheduler, its first step still uses the group's initial_lr
                factors = [_sequence([_constant(group.initial[a]), factors[0]], [1], local=False)]
            for m in members[a + 1 :]:
                f = m.factors() if isinstance(m, _Multiplicative) else None
                if f is None:
                    raise Untranslatable(
                        f"ChainedScheduler: {m.name} after {head.name} is not supported: {head.name} sets "
                        f"the LR outright each step and {m.name} then applies one step's factor, which "
                        "has no exact translation here (supported after it: ExponentialLR, MultiStepLR, "
                        "ConstantLR, StepLR with step_size 1, LinearLR/PolynomialLR up to 255 steps)"
                    )
                extra = _factor_schedule(f, m.name)
                if extra is not None:
                    factors.append(extra)
            return _product(factors)
        cosines = [j for j, m in enumerate(members) if m.role == "cosine"]
        base = group.reset
        if not cosines:
            return _product([m.standalone(1.0 if j else base, group).native for j, m in enumerate(members)])
        if len(cosines) > 1:
            raise Untranslatable(
                "ChainedScheduler with more than one CosineAnnealingLR is not supported: each one's "
                "restart past its T_max depends on the others' values"
            )
        c = cosines[0]
        cos = members[c]
        assert isinstance(cos, CosineAnnealingLRMember)
        t_max, eta = cos.args.T_max, cos.args.eta_min
        mults = [(j, m) for j, m in enumerate(members) if isinstance(m, _Multiplicative)]
        if t_max == 0:  # torch raises at t = 1: only the t = 0 value counts
            lr0 = base
            for _, m in mults:
                lr0 = lr0 * m.start_factor()
            return _constant(lr0)
        if eta == 0.0 and all(
            (settles := m.settles()) is not None and settles <= (t_max + 1 if j > c else t_max + 2)
            for j, m in mults
        ):
            # a product up to T_max, where the cosine reaches 0 exactly; at T_max + 1 torch restarts it
            # from its own base LR, dropping the others' factors, which are all 1 from there on
            parts = [
                _cosine(base if j == 0 else 1.0, 0.0, t_max, periodic=False)
                if j == c
                else m.standalone(base if j == 0 else 1.0, group).native
                for j, m in enumerate(members)
            ]
            return _sequence(
                [_product(parts), _cosine(group.bases[c], 0.0, t_max, periodic=True)],
                [t_max + 1],
                local=False,
            )
        # Otherwise the cosine's update (affine with eta_min > 0; restarting from its base LR past
        # T_max) mixes with the others' factors while they change: that prefix is torch's own values,
        # computed once (at most 255 steps); from the step where every other factor is 1 the cosine runs
        # alone from the LR it has there.
        settled = [m.settles() for _, m in mults]
        if any(k is None for k in settled):
            never = next(m.name for (_, m), k in zip(mults, settled, strict=True) if k is None)
            raise Untranslatable(
                f"ChainedScheduler: CosineAnnealingLR with {never}, which changes the LR at every step, has "
                "no exact translation: torch restarts the cosine from its own base LR past T_max (and with "
                "eta_min > 0 its update lr = r * (lr - eta_min) + eta_min does not commute with a factor)"
            )
        k = max([1, *(x for x in settled if x is not None)])
        if k == 1:  # the others act at t = 0 only: the cosine runs from the LR they leave there
            lr0 = base
            for _, m in mults:
                lr0 = lr0 * m.start_factor()
            return _cosine_from(lr0, group.bases[c], eta, t_max)
        zero = t_max if k <= t_max else t_max + 2 * t_max * -(-(k - t_max) // (2 * t_max))
        if zero <= MAX_ITEMS:  # torch's values up to the cosine's next zero, then the stand-alone cosine
            values = _simulate(members, group, zero - 1)
            return _sequence(
                [_steps(values), _cosine(group.bases[c], eta, t_max, periodic=True)], [zero], local=False
            )
        if k <= min(t_max, MAX_ITEMS):
            # torch's values up to k; from there eta + (lr_k - eta) * C(t) / C(k) up to T_max (the
            # cosine's ratios telescope), then the stand-alone cosine from its restart
            values = _simulate(members, group, k)
            amplitude = (values[k] - eta) / ((1 + math.cos(math.pi * k / t_max)) / 2)
            return _sequence(
                [
                    _steps(values[:k]),
                    _cosine(eta + amplitude, eta, t_max, periodic=False),
                    _cosine(group.bases[c], eta, t_max, periodic=True),
                ],
                [k, t_max + 1],
                local=False,
            )
        late = max((m for _, m in mults), key=lambda m: m.settles() or 0)
        raise Untranslatable(
            f"ChainedScheduler: CosineAnnealingLR (eta_min={eta}, T_max={t_max}) with {late.name} changing "
            f"the LR until step {k - 1} has no exact translation: the cosine's update mixes with the other "
            "factors for more steps than we precompute (255)"
        )


def _steps(values: list[float]) -> n.NativeSpec:
    """``values[t]`` at step t (the last one from there on)."""
    if min(values) < 0:
        t = next(t for t, v in enumerate(values) if v < 0)
        raise Untranslatable(
            f"ChainedScheduler: torch's LR goes negative here ({values[t]} at step {t}: a factor takes the "
            "LR below eta_min and the cosine's update carries it further), which a schedule cannot hold"
        )
    bounds: list[int] = []
    merged = [values[0]]
    for t, v in enumerate(values[1:], start=1):
        if v != merged[-1]:
            bounds.append(t)
            merged.append(v)
    if not bounds:
        return _constant(merged[0])
    return n.PiecewiseConstant(kind="piecewise_constant", boundaries=bounds, values=merged)


def _simulate(members: list[_Member], group: _Group, last: int) -> list[float]:
    """ChainedScheduler of multiplicative schedulers (with enumerable factors) and one CosineAnnealingLR,
    stepped as torch does (Python floats, torch's expressions, list order) for t = 0..last."""
    factors: list[_Factors | None] = []
    cosine: tuple[int, float, float] = (1, 0.0, 0.0)
    for j, m in enumerate(members):
        if isinstance(m, CosineAnnealingLRMember):
            factors.append(None)
            cosine = (m.args.T_max, m.args.eta_min, group.bases[j])
        else:
            assert isinstance(m, _Multiplicative)
            f = m.factors()
            assert f is not None  # settled within MAX_ITEMS steps: enumerable
            factors.append(f)
    t_max, eta, base = cosine
    lr = group.reset
    out: list[float] = []
    for t in range(last + 1):
        for f in factors:
            if f is not None:
                lr = lr * (f.first if t == 0 else f.special.get(t, f.default))
            elif t == 0:
                pass  # the cosine leaves its first LR as it is
            elif (t - 1 - t_max) % (2 * t_max) == 0:
                lr = lr + (base - eta) * (1 - math.cos(math.pi / t_max)) / 2
            else:
                ratio = (1 + math.cos(math.pi * t / t_max)) / (1 + math.cos(math.pi * (t - 1) / t_max))
                lr = ratio * (lr - eta) + eta
        out.append(lr)
    return out


class Refused(DialectSpec):
    """A torch scheduler that is not a function of the step: refused with the reason."""

    kind: Literal["torch"]
    name: Literal["LambdaLR", "MultiplicativeLR", "ReduceLROnPlateau", "LRScheduler"]
    base_lr: Any = None
    args: dict[str, Any] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _refuse(self) -> Self:
        raise ValueError(_REFUSED[self.name])

    def native(self) -> n.NativeSpec:  # pragma: no cover - never validates
        raise Untranslatable(_REFUSED[self.name])


TorchSpec = Annotated[
    StepLR
    | MultiStepLR
    | ConstantLR
    | LinearLR
    | ExponentialLR
    | PolynomialLR
    | CosineAnnealingLR
    | CosineAnnealingWarmRestarts
    | CyclicLR
    | OneCycleLR
    | SequentialLR
    | ChainedScheduler
    | Refused,
    Field(discriminator="name"),
]
