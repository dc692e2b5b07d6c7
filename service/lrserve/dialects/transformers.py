"""Hugging Face transformers (``transformers.optimization``): every ``get_*schedule*`` function by its own
name, and every ``SchedulerType`` name as ``get_scheduler`` (and the ``Trainer``'s ``lr_scheduler_type``)
uses it.

Two spellings, as the library has them:

* a function: ``{"kind": "transformers", "name": "get_cosine_schedule_with_warmup", "base_lr": 3e-4,
  "args": {"num_warmup_steps": 1000, "num_training_steps": 100000}}`` (``args``: the function's keyword
  arguments, without the optimizer);
* a ``SchedulerType`` name: ``{"kind": "transformers", "name": "cosine", "base_lr": 3e-4, "args":
  {"num_warmup_steps": 1000, "num_training_steps": 100000, "scheduler_specific_kwargs": {"num_cycles":
  0.5}}}`` (``args``: ``get_scheduler``'s arguments; one left out is ``None``).

``base_lr`` is the optimizer's LR (``optimizer.defaults["lr"]``, the LR of its one parameter group).

Step convention: every schedule is a ``LambdaLR``, ``lr(t) = base_lr * lr_lambda(t)`` where ``t`` is the
number of ``scheduler.step()`` calls after construction; the Trainer calls ``optimizer.step();
scheduler.step()``, so the t-th update (0-based) uses ``lr(t)``: our step ``t``, no shift.

Boundary rules (``w`` warm-up steps, ``T`` training steps, ``D = max(1, T - w)``):

* the linear warm-up ``t / w`` runs for ``t < w`` and reaches the peak at ``t = w``; the decays count
  from ``w``;
* ``linear`` is 0 from ``T`` on (from ``w`` if ``T <= w``); ``cosine_with_restarts`` is 0 from
  ``w + D`` on; ``polynomial`` holds ``base_lr * (lr_end / base_lr)`` from ``T`` on (from ``w`` if
  ``T < w``); ``inverse_sqrt`` and the constants have no end;
* the cosine schedules (``cosine``, ``cosine_with_min_lr``, ``cosine_warmup_with_min_lr``, WSD's cosine
  decay within its window) are NOT clamped at ``T``: the cosine goes on and rises again (period
  ``D / num_cycles``); ``num_cycles`` 0 is flat at the peak after the warm-up;
* ``cosine_warmup_with_min_lr`` runs one step ahead: its warm-up is ``(t + 1) / w`` (or from
  ``warmup_lr_rate`` to 1 at ``t = w - 1``) and its decay is at ``(t - w + 1) / D``;
* WSD warms up from ``min_lr_ratio`` (not 0), holds, decays over ``[w + S, w + S + d)`` and holds
  ``base_lr * min_lr_ratio`` after; a stable length derived as ``T - w - d`` may be negative, which starts
  the decay inside the warm-up (it shows part-way after it);
* with ``min_lr`` the floor is ``base_lr * (min_lr / base_lr)``, as the library computes it.

Precision: the library multiplies ``base_lr`` by a Python-float factor; our translations compute the
same formulas in a different association (``end + (start - end) * g``), a few ulps apart (the tests hold
them to rtol 1e-12 with an absolute 1e-14 x peak). Where the float order decides more than an ulp, it is
the library's: the cosine angle ``(pi * num_cycles * 2) * progress`` (native ``cosine_annealing`` with
``waves``), which far past ``T`` is large and ill-conditioned, and the hard restarts' cycle position
``frac(num_cycles * progress)`` (native ``cosine_restarts`` with ``cycles``), so a restart that the float
product puts one step late happens at the same step.

Arguments ``get_scheduler`` ignores are accepted and ignored, like the library: ``constant`` ignores
all of them, ``constant_with_warmup`` ignores ``num_training_steps`` and ``scheduler_specific_kwargs``
(whatever they hold), ``inverse_sqrt`` ignores ``num_training_steps``, ``warmup_stable_decay`` ignores
``num_training_steps`` when ``num_stable_steps`` is given.

Refused (not functions of the step): ``reduce_lr_on_plateau`` / ``get_reduce_on_plateau_schedule``
(metric-driven), ``greedy`` / ``get_greedy_schedule`` / ``GreedyLR`` (loss-driven), and
``get_adafactor_schedule`` / ``AdafactorSchedule`` (reports Adafactor's internal LR).

Deviations (we refuse what the library accepts):

* ``polynomial`` with ``num_warmup_steps == num_training_steps``: the library divides by zero in
  ``scheduler.step()`` at ``t = w`` (and only there); we refuse the spec;
* negative step counts, ``num_cycles``, ``lr_end``, ``min_lr``, ``min_lr_rate``, ``warmup_lr_rate`` or
  ``min_lr_ratio`` (negative learning rates, or cosines the library folds with ``max(0, ...)``);
  ``power < 0`` (division by zero at ``T``); ``timescale < 1`` (division by zero or a square root of a
  negative number);
* step counts must be integers (the library would take floats); ``last_epoch`` may only be -1 (a fresh
  scheduler; another value needs a resumed optimizer, and the library raises ``KeyError`` without one).
"""

from __future__ import annotations

from typing import Annotated, Any, ClassVar, Literal, Self, get_args

from pydantic import Field, StrictFloat, StrictInt, ValidationError, model_validator

from ..limits import MAX_STEP
from ..specs import native as n
from ..specs._base import LR
from ._base import Args, DialectSpec, unsupported

__all__ = [
    "ConstantScheduler",
    "ConstantWithWarmupScheduler",
    "CosineScheduler",
    "CosineWarmupWithMinLrScheduler",
    "CosineWithMinLrScheduler",
    "CosineWithRestartsScheduler",
    "GetConstantSchedule",
    "GetConstantScheduleWithWarmup",
    "GetCosineScheduleWithWarmup",
    "GetCosineWithHardRestartsScheduleWithWarmup",
    "GetCosineWithMinLrScheduleWithWarmup",
    "GetCosineWithMinLrScheduleWithWarmupLrRate",
    "GetInverseSqrtSchedule",
    "GetLinearScheduleWithWarmup",
    "GetPolynomialDecayScheduleWithWarmup",
    "GetWsdSchedule",
    "InverseSqrtScheduler",
    "LinearScheduler",
    "NotAFunctionOfTheStep",
    "PolynomialScheduler",
    "TransformersSpec",
    "WarmupStableDecayScheduler",
]

#: A number of steps (a JSON integer >= 0).
Count = Annotated[StrictInt, Field(ge=0, le=MAX_STEP)]
#: A finite number >= 0 (an integer is fine, a string or a boolean is not).
NonNegative = Annotated[StrictFloat, Field(ge=0.0)]
#: ``last_epoch``: only a fresh scheduler.
LastEpoch = Literal[-1]

_WSD_TYPES = Literal["linear", "cosine", "1-sqrt"]
#: WSD's warm-up shapes as native transition shapes (its "1-sqrt" warm-up is 1 - sqrt(1 - p)).
_WSD_WARMUP_SHAPES: dict[str, Literal["linear", "cosine", "sqrt"]] = {
    "linear": "linear",
    "cosine": "cosine",
    "1-sqrt": "sqrt",
}


# --------------------------------------------------------------------------------------------------------
# building blocks of the translations


def _part(start: int, spec: n.NativeSpec, origin: int | None = None) -> tuple[int, int, n.NativeSpec]:
    return start, start if origin is None else origin, spec


def _join(parts: list[tuple[int, int, n.NativeSpec]]) -> n.NativeSpec:
    """Phases ``(start, origin, spec)`` with increasing starts, the first at 0; empty ones are dropped
    (a phase ends where the next starts)."""
    kept: list[tuple[int, int, n.NativeSpec]] = []
    for start, origin, spec in parts:
        while kept and kept[-1][0] >= start:
            kept.pop()
        kept.append((start, origin, spec))
    assert kept[0][0] == 0
    if len(kept) == 1 and kept[0][1] == 0:
        return kept[0][2]
    origins = [o for _, o, _ in kept]
    default = [s for s, _, _ in kept]
    return n.Sequence(
        kind="sequence",
        schedules=[s for _, _, s in kept],
        boundaries=default[1:],
        origins=None if origins == default else origins,
    )


def _const(lr: float) -> n.Constant:
    return n.Constant(kind="constant", lr=lr)


def _linear(start: float, end: float, steps: int) -> n.Linear:
    return n.Linear(kind="linear", start_lr=start, end_lr=end, steps=steps)


def _warmup(base: float, w: int) -> list[tuple[int, int, n.NativeSpec]]:
    """``base * t / max(1, w)`` for ``t < w``."""
    return [_part(0, _linear(0.0, base, w))] if w > 0 else []


def _cosine(base: float, floor_rate: float, decay_steps: int, num_cycles: float) -> n.NativeSpec:
    """``base * (g * (1 - r) + r)`` with ``g = (1 + cos(pi * num_cycles * 2 * u / decay_steps)) / 2``, not
    clamped (it rises again past the decay)."""
    if num_cycles == 0.0:
        return _const(base * max(0.0, 1.0 * (1 - floor_rate) + floor_rate))
    return n.CosineAnnealing(
        kind="cosine_annealing",
        base_lr=base,
        min_lr=base * floor_rate,
        t_max=decay_steps,
        periodic=True,
        waves=num_cycles * 2.0,
    )


def _errors(exc: ValidationError) -> str:
    parts = []
    for e in exc.errors(include_url=False):
        msg = str(e["msg"]).removeprefix("Value error, ")
        loc = ".".join(str(x) for x in e["loc"])
        parts.append(f"{loc}: {msg}" if loc else msg)
    return "; ".join(parts)


class _Spec(DialectSpec):
    """Base of a step-based entry: after the field checks, ``_validate`` (what the library refuses) and a
    trial translation, so a spec that parses always compiles."""

    kind: Literal["transformers"]
    base_lr: LR

    def _validate(self) -> None:
        """Raise ``ValueError`` for what the library refuses (or would divide by zero on)."""

    def _trial(self) -> None:
        """Translate once, so that a spec that parses always compiles."""
        self.native()

    @model_validator(mode="after")
    def _check(self) -> Self:
        self._validate()
        try:
            self._trial()
        except ValidationError as exc:
            raise ValueError(f"no valid translation: {_errors(exc)}") from None
        return self


# --------------------------------------------------------------------------------------------------------
# argument models: the keyword arguments get_scheduler passes through scheduler_specific_kwargs, then the
# function's full arguments (the same plus the positional ones)


class _Kwargs(Args):
    """What every function takes besides its own arguments: ``last_epoch`` (-1 only)."""

    last_epoch: LastEpoch = -1


class _CosineKwargs(_Kwargs):
    """``scheduler_specific_kwargs`` of ``cosine``."""

    num_cycles: NonNegative = 0.5


class _HardRestartsKwargs(_Kwargs):
    """``scheduler_specific_kwargs`` of ``cosine_with_restarts``."""

    num_cycles: NonNegative = 1.0


class _PolynomialKwargs(_Kwargs):
    """``scheduler_specific_kwargs`` of ``polynomial``."""

    lr_end: NonNegative = 1e-7
    power: NonNegative = 1.0


class _InverseSqrtKwargs(_Kwargs):
    """``scheduler_specific_kwargs`` of ``inverse_sqrt``."""

    timescale: Annotated[StrictInt, Field(ge=1, le=MAX_STEP)] | None = None


class _MinLrKwargs(_Kwargs):
    """``scheduler_specific_kwargs`` of ``cosine_with_min_lr``: exactly one of ``min_lr``, ``min_lr_rate``."""

    num_cycles: NonNegative = 0.5
    min_lr: NonNegative | None = None
    min_lr_rate: NonNegative | None = None

    @model_validator(mode="after")
    def _one_floor(self) -> Self:
        if self.min_lr is not None and self.min_lr_rate is not None:
            raise ValueError("Only one of min_lr or min_lr_rate should be set")
        if self.min_lr is None and self.min_lr_rate is None:
            raise ValueError("One of min_lr or min_lr_rate should be set through the `lr_scheduler_kwargs`")
        return self

    def rate(self, base_lr: float) -> float:
        """``min_lr_rate``, or ``min_lr / base_lr`` as the library converts it."""
        if self.min_lr_rate is not None:
            return self.min_lr_rate
        assert self.min_lr is not None
        return self.min_lr / base_lr


class _MinLrRateKwargs(_MinLrKwargs):
    """``scheduler_specific_kwargs`` of ``cosine_warmup_with_min_lr``."""

    warmup_lr_rate: NonNegative | None = None


class _WsdKwargs(_Kwargs):
    """``scheduler_specific_kwargs`` of ``warmup_stable_decay`` (``num_decay_steps`` required)."""

    num_decay_steps: Count
    num_stable_steps: Count | None = None
    warmup_type: _WSD_TYPES = "linear"
    decay_type: _WSD_TYPES = "cosine"
    min_lr_ratio: NonNegative = 0.0
    num_cycles: NonNegative = 0.5


class ConstantArgs(_Kwargs):
    """``get_constant_schedule``'s arguments."""


class WarmupArgs(_Kwargs):
    """``get_constant_schedule_with_warmup``'s arguments."""

    num_warmup_steps: Count


class LinearArgs(_Kwargs):
    """``get_linear_schedule_with_warmup``'s arguments."""

    num_warmup_steps: Count
    num_training_steps: Count


class CosineArgs(_CosineKwargs):
    """``get_cosine_schedule_with_warmup``'s arguments."""

    num_warmup_steps: Count
    num_training_steps: Count


class HardRestartsArgs(_HardRestartsKwargs):
    """``get_cosine_with_hard_restarts_schedule_with_warmup``'s arguments."""

    num_warmup_steps: Count
    num_training_steps: Count


class PolynomialArgs(_PolynomialKwargs):
    """``get_polynomial_decay_schedule_with_warmup``'s arguments."""

    num_warmup_steps: Count
    num_training_steps: Count

    @model_validator(mode="after")
    def _decay_steps(self) -> Self:
        if self.num_warmup_steps == self.num_training_steps:
            raise ValueError(
                f"num_warmup_steps == num_training_steps ({self.num_training_steps}) leaves no decay steps: "
                "the library divides by zero at that step (ZeroDivisionError from scheduler.step())"
            )
        return self


class InverseSqrtArgs(_InverseSqrtKwargs):
    """``get_inverse_sqrt_schedule``'s arguments."""

    num_warmup_steps: Count


class MinLrArgs(_MinLrKwargs):
    """``get_cosine_with_min_lr_schedule_with_warmup``'s arguments."""

    num_warmup_steps: Count
    num_training_steps: Count


class MinLrRateArgs(_MinLrRateKwargs):
    """``get_cosine_with_min_lr_schedule_with_warmup_lr_rate``'s arguments."""

    num_warmup_steps: Count
    num_training_steps: Count


class WsdArgs(_WsdKwargs):
    """``get_wsd_schedule``'s arguments."""

    num_warmup_steps: Count
    num_training_steps: Count | None = None

    @model_validator(mode="after")
    def _stable(self) -> Self:
        if self.num_training_steps is None and self.num_stable_steps is None:
            raise ValueError("Either num_training_steps or num_stable_steps must be specified.")
        return self


def _check_min_lr(base_lr: float, args: _MinLrKwargs) -> None:
    if args.min_lr is not None and base_lr == 0.0:
        raise ValueError("min_lr needs base_lr > 0: the library divides min_lr by the optimizer's lr")


# --------------------------------------------------------------------------------------------------------
# the get_* functions


class GetConstantSchedule(_Spec):
    """``get_constant_schedule``: ``base_lr`` at every step."""

    name: Literal["get_constant_schedule"]
    args: ConstantArgs = ConstantArgs()

    def native(self) -> n.NativeSpec:
        return _const(self.base_lr)


class GetConstantScheduleWithWarmup(_Spec):
    """``get_constant_schedule_with_warmup``: linear warm-up from 0 over ``num_warmup_steps``, then flat."""

    name: Literal["get_constant_schedule_with_warmup"]
    args: WarmupArgs

    def native(self) -> n.NativeSpec:
        w = self.args.num_warmup_steps
        return _linear(0.0, self.base_lr, w) if w > 0 else _const(self.base_lr)


class GetLinearScheduleWithWarmup(_Spec):
    """``get_linear_schedule_with_warmup``: warm-up, then linear to 0 at ``num_training_steps``, then 0."""

    name: Literal["get_linear_schedule_with_warmup"]
    args: LinearArgs

    def native(self) -> n.NativeSpec:
        b, w, t = self.base_lr, self.args.num_warmup_steps, self.args.num_training_steps
        decay: n.NativeSpec = _linear(b, 0.0, t - w) if t > w else _const(0.0)
        return _join([*_warmup(b, w), _part(w, decay)])


class GetCosineScheduleWithWarmup(_Spec):
    """``get_cosine_schedule_with_warmup``: warm-up, then ``num_cycles`` cosine waves (0.5: down to 0) over
    the rest of ``num_training_steps``, continuing past it (not clamped)."""

    name: Literal["get_cosine_schedule_with_warmup"]
    args: CosineArgs

    def native(self) -> n.NativeSpec:
        a, b = self.args, self.base_lr
        d = max(1, a.num_training_steps - a.num_warmup_steps)
        return _join(
            [*_warmup(b, a.num_warmup_steps), _part(a.num_warmup_steps, _cosine(b, 0.0, d, a.num_cycles))]
        )


class GetCosineWithHardRestartsScheduleWithWarmup(_Spec):
    """``get_cosine_with_hard_restarts_schedule_with_warmup``: warm-up, then ``num_cycles`` cosines from
    ``base_lr`` to 0, each restarting at ``base_lr``, then 0 from ``num_training_steps`` on."""

    name: Literal["get_cosine_with_hard_restarts_schedule_with_warmup"]
    args: HardRestartsArgs

    def native(self) -> n.NativeSpec:
        a, b = self.args, self.base_lr
        w = a.num_warmup_steps
        d = max(1, a.num_training_steps - w)
        cycles: n.NativeSpec = (
            n.CosineRestarts(kind="cosine_restarts", base_lr=b, period=float(d), cycles=a.num_cycles)
            if a.num_cycles > 0.0
            else _const(b)
        )
        return _join([*_warmup(b, w), _part(w, cycles), _part(w + d, _const(0.0))])


class GetPolynomialDecayScheduleWithWarmup(_Spec):
    """``get_polynomial_decay_schedule_with_warmup``: warm-up, then ``(base_lr - lr_end) * (1 - p) ** power
    + lr_end`` to ``num_training_steps``, then ``lr_end``."""

    name: Literal["get_polynomial_decay_schedule_with_warmup"]
    args: PolynomialArgs

    def _validate(self) -> None:
        if not self.base_lr > self.args.lr_end:
            raise ValueError(
                f"lr_end ({self.args.lr_end}) must be smaller than initial lr (base_lr = {self.base_lr})"
            )

    def native(self) -> n.NativeSpec:
        a, b = self.args, self.base_lr
        w, t = a.num_warmup_steps, a.num_training_steps
        end = _const(b * (a.lr_end / b))  # as the library: lr_end / lr_init, times the LR
        parts = _warmup(b, w)
        if t < w:
            return _join([*parts, _part(w, end)])
        if a.power == 0.0:  # 0.0 ** 0 == 1: base_lr up to num_training_steps included
            return _join([*parts, _part(w, _const(b)), _part(t + 1, end)])
        decay = n.Polynomial(
            kind="polynomial", base_lr=b, end_lr=a.lr_end, decay_steps=float(t - w), power=a.power
        )
        return _join([*parts, _part(w, decay)])


class GetInverseSqrtSchedule(_Spec):
    """``get_inverse_sqrt_schedule``: warm-up, then ``base_lr / sqrt((t - w + timescale) / timescale)``."""

    name: Literal["get_inverse_sqrt_schedule"]
    args: InverseSqrtArgs

    def native(self) -> n.NativeSpec:
        a = self.args
        return n.InverseSqrt(
            kind="inverse_sqrt", base_lr=self.base_lr, warmup_steps=a.num_warmup_steps, timescale=a.timescale
        )


class GetCosineWithMinLrScheduleWithWarmup(_Spec):
    """``get_cosine_with_min_lr_schedule_with_warmup``: the cosine schedule with a floor (``min_lr`` or
    ``min_lr_rate * base_lr``), not clamped past ``num_training_steps``."""

    name: Literal["get_cosine_with_min_lr_schedule_with_warmup"]
    args: MinLrArgs

    def _validate(self) -> None:
        _check_min_lr(self.base_lr, self.args)

    def native(self) -> n.NativeSpec:
        a, b = self.args, self.base_lr
        w = a.num_warmup_steps
        d = max(1, a.num_training_steps - w)
        return _join([*_warmup(b, w), _part(w, _cosine(b, a.rate(b), d, a.num_cycles))])


class GetCosineWithMinLrScheduleWithWarmupLrRate(_Spec):
    """``get_cosine_with_min_lr_schedule_with_warmup_lr_rate``: the cosine-with-floor schedule one step
    ahead: warm-up ``(t + 1) / w`` (or from ``warmup_lr_rate``), decay at ``(t - w + 1) / D``."""

    name: Literal["get_cosine_with_min_lr_schedule_with_warmup_lr_rate"]
    args: MinLrRateArgs

    def _validate(self) -> None:
        _check_min_lr(self.base_lr, self.args)

    def native(self) -> n.NativeSpec:
        a, b = self.args, self.base_lr
        w = a.num_warmup_steps
        d = max(1, a.num_training_steps - w)
        first = b * a.warmup_lr_rate if a.warmup_lr_rate is not None else b / w if w else b
        parts: list[tuple[int, int, n.NativeSpec]] = []
        if w >= 2:  # from `first` at t = 0 to base_lr at t = w - 1
            parts.append(_part(0, _linear(first, b, w - 1)))
        elif w == 1:
            parts.append(_part(0, _const(first)))
        parts.append(_part(w, _cosine(b, a.rate(b), d, a.num_cycles), origin=w - 1))
        return _join(parts)


class GetWsdSchedule(_Spec):
    """``get_wsd_schedule``: warm-up from ``min_lr_ratio`` to 1, stable, decay to ``min_lr_ratio`` (times
    ``base_lr``), then ``base_lr * min_lr_ratio``."""

    name: Literal["get_wsd_schedule"]
    args: WsdArgs

    def native(self) -> n.NativeSpec:
        a, b = self.args, self.base_lr
        w, d, m = a.num_warmup_steps, a.num_decay_steps, a.min_lr_ratio
        if a.num_stable_steps is not None:
            s = a.num_stable_steps
        else:
            assert a.num_training_steps is not None
            s = a.num_training_steps - w - d
        floor = b * m
        parts: list[tuple[int, int, n.NativeSpec]] = []
        if w > 0:
            shape = _WSD_WARMUP_SHAPES[a.warmup_type]
            warm = n.Transition(kind="transition", start_lr=floor, end_lr=b, steps=w, shape=shape)
            parts.append(_part(0, warm))
        if s > 0:
            parts.append(_part(w, _const(b)))
        start, end = max(w, w + s), w + s + d
        if end > start:
            decay: n.NativeSpec
            if a.decay_type == "cosine":
                decay = _cosine(b, m, d, a.num_cycles)
            else:
                decay = n.Transition(kind="transition", start_lr=b, end_lr=floor, steps=d, shape=a.decay_type)
            parts.append(_part(start, decay, origin=w + s))
        parts.append(_part(max(w, end), _const(floor)))
        return _join(parts)


# --------------------------------------------------------------------------------------------------------
# SchedulerType names, as get_scheduler(name, optimizer, num_warmup_steps, num_training_steps,
# scheduler_specific_kwargs) calls the functions


class _SchedulerArgs(Args):
    """``get_scheduler``'s arguments (one left out is ``None``)."""

    num_warmup_steps: Count | None = None
    num_training_steps: Count | None = None
    scheduler_specific_kwargs: Any = None


class _ByName(_Spec):
    """Base of a ``SchedulerType`` entry: checks what ``get_scheduler`` requires, then translates through
    the function entry it calls."""

    function: ClassVar[type[_Spec]]
    #: which of get_scheduler's arguments it requires / passes on
    needs_warmup: ClassVar[bool] = True
    needs_training: ClassVar[bool] = True
    passes_training: ClassVar[bool] = True
    passes_kwargs: ClassVar[bool] = True

    name: str
    args: _SchedulerArgs = _SchedulerArgs()

    def _validate(self) -> None:
        a = self.args
        if self.needs_warmup and a.num_warmup_steps is None:
            raise ValueError(f"{self.name} requires `num_warmup_steps`, please provide that argument.")
        if self.needs_training and a.num_training_steps is None:
            raise ValueError(f"{self.name} requires `num_training_steps`, please provide that argument.")

    def function_spec(self) -> _Spec:
        """The ``get_*`` entry ``get_scheduler`` calls, with the arguments it passes."""
        a = self.args
        args: dict[str, Any] = {}
        if self.passes_kwargs and a.scheduler_specific_kwargs is not None:
            args.update(a.scheduler_specific_kwargs.model_dump(exclude_unset=True))
        if self.needs_warmup:
            args["num_warmup_steps"] = a.num_warmup_steps
        if self.passes_training and a.num_training_steps is not None:
            args["num_training_steps"] = a.num_training_steps
        name = get_args(self.function.model_fields["name"].annotation)[0]
        try:
            return self.function.model_validate(
                {"kind": "transformers", "name": name, "base_lr": self.base_lr, "args": args}
            )
        except ValidationError as exc:
            raise ValueError(_errors(exc)) from None

    def _trial(self) -> None:
        self.function_spec()  # which translates itself once

    def native(self) -> n.NativeSpec:
        result: n.NativeSpec = self.function_spec().native()
        return result


class _IgnoredArgs(_SchedulerArgs):
    """``get_scheduler``'s arguments where it ignores ``scheduler_specific_kwargs`` (any content)."""

    scheduler_specific_kwargs: dict[str, Any] | None = None


class ConstantScheduler(_ByName):
    """``constant``: ``get_constant_schedule``; every argument is ignored, as ``get_scheduler`` does."""

    function = GetConstantSchedule
    needs_warmup = needs_training = passes_training = passes_kwargs = False
    name: Literal["constant"]
    args: _IgnoredArgs = _IgnoredArgs()


class ConstantWithWarmupScheduler(_ByName):
    """``constant_with_warmup``: ``get_constant_schedule_with_warmup``; training steps and kwargs ignored."""

    function = GetConstantScheduleWithWarmup
    needs_training = passes_training = passes_kwargs = False
    name: Literal["constant_with_warmup"]
    args: _IgnoredArgs = _IgnoredArgs()


class _LinearSchedulerArgs(_SchedulerArgs):
    """``get_scheduler``'s arguments for ``linear``."""

    scheduler_specific_kwargs: _Kwargs | None = None


class LinearScheduler(_ByName):
    """``linear``: ``get_linear_schedule_with_warmup``."""

    function = GetLinearScheduleWithWarmup
    name: Literal["linear"]
    args: _LinearSchedulerArgs = _LinearSchedulerArgs()


class _CosineSchedulerArgs(_SchedulerArgs):
    """``get_scheduler``'s arguments for ``cosine``."""

    scheduler_specific_kwargs: _CosineKwargs | None = None


class CosineScheduler(_ByName):
    """``cosine``: ``get_cosine_schedule_with_warmup`` (kwargs: ``num_cycles``)."""

    function = GetCosineScheduleWithWarmup
    name: Literal["cosine"]
    args: _CosineSchedulerArgs = _CosineSchedulerArgs()


class _HardRestartsSchedulerArgs(_SchedulerArgs):
    """``get_scheduler``'s arguments for ``cosine_with_restarts``."""

    scheduler_specific_kwargs: _HardRestartsKwargs | None = None


class CosineWithRestartsScheduler(_ByName):
    """``cosine_with_restarts``: ``get_cosine_with_hard_restarts_schedule_with_warmup`` (``num_cycles``)."""

    function = GetCosineWithHardRestartsScheduleWithWarmup
    name: Literal["cosine_with_restarts"]
    args: _HardRestartsSchedulerArgs = _HardRestartsSchedulerArgs()


class _PolynomialSchedulerArgs(_SchedulerArgs):
    """``get_scheduler``'s arguments for ``polynomial``."""

    scheduler_specific_kwargs: _PolynomialKwargs | None = None


class PolynomialScheduler(_ByName):
    """``polynomial``: ``get_polynomial_decay_schedule_with_warmup`` (kwargs: ``lr_end``, ``power``)."""

    function = GetPolynomialDecayScheduleWithWarmup
    name: Literal["polynomial"]
    args: _PolynomialSchedulerArgs = _PolynomialSchedulerArgs()


class _InverseSqrtSchedulerArgs(_SchedulerArgs):
    """``get_scheduler``'s arguments for ``inverse_sqrt``."""

    scheduler_specific_kwargs: _InverseSqrtKwargs | None = None


class InverseSqrtScheduler(_ByName):
    """``inverse_sqrt``: ``get_inverse_sqrt_schedule`` (kwargs: ``timescale``); training steps ignored."""

    function = GetInverseSqrtSchedule
    needs_training = passes_training = False
    name: Literal["inverse_sqrt"]
    args: _InverseSqrtSchedulerArgs = _InverseSqrtSchedulerArgs()


class _MinLrSchedulerArgs(_SchedulerArgs):
    """``get_scheduler``'s arguments for ``cosine_with_min_lr``."""

    scheduler_specific_kwargs: _MinLrKwargs | None = None


class _MinLrRateSchedulerArgs(_SchedulerArgs):
    """``get_scheduler``'s arguments for ``cosine_warmup_with_min_lr``."""

    scheduler_specific_kwargs: _MinLrRateKwargs | None = None


class CosineWithMinLrScheduler(_ByName):
    """``cosine_with_min_lr``: ``get_cosine_with_min_lr_schedule_with_warmup`` (kwargs: ``min_lr`` or
    ``min_lr_rate``, ``num_cycles``)."""

    function = GetCosineWithMinLrScheduleWithWarmup
    name: Literal["cosine_with_min_lr"]
    args: _MinLrSchedulerArgs = _MinLrSchedulerArgs()


class CosineWarmupWithMinLrScheduler(_ByName):
    """``cosine_warmup_with_min_lr``: ``get_cosine_with_min_lr_schedule_with_warmup_lr_rate`` (kwargs:
    ``min_lr`` or ``min_lr_rate``, ``warmup_lr_rate``, ``num_cycles``)."""

    function = GetCosineWithMinLrScheduleWithWarmupLrRate
    name: Literal["cosine_warmup_with_min_lr"]
    args: _MinLrRateSchedulerArgs = _MinLrRateSchedulerArgs()


class _WsdSchedulerArgs(_SchedulerArgs):
    """``get_scheduler``'s arguments for ``warmup_stable_decay``."""

    scheduler_specific_kwargs: _WsdKwargs | None = None


class WarmupStableDecayScheduler(_ByName):
    """``warmup_stable_decay``: ``get_wsd_schedule`` (kwargs: ``num_decay_steps``, required, and the rest);
    ``num_training_steps`` is passed on and may be left out when ``num_stable_steps`` is given."""

    function = GetWsdSchedule
    needs_training = False
    name: Literal["warmup_stable_decay"]
    args: _WsdSchedulerArgs = _WsdSchedulerArgs()

    def _validate(self) -> None:
        super()._validate()
        if self.args.scheduler_specific_kwargs is None:
            raise ValueError(
                "warmup_stable_decay requires scheduler_specific_kwargs with num_decay_steps "
                "(get_wsd_schedule() missing 1 required positional argument: 'num_decay_steps')"
            )


# --------------------------------------------------------------------------------------------------------
# names that are not a function of the step

_NOT_STEP = {
    "reduce_lr_on_plateau": "ReduceLROnPlateau",
    "get_reduce_on_plateau_schedule": "ReduceLROnPlateau",
    "greedy": "GreedyLR",
    "get_greedy_schedule": "GreedyLR",
    "GreedyLR": "GreedyLR",
    "get_adafactor_schedule": "AdafactorSchedule",
    "AdafactorSchedule": "AdafactorSchedule",
}
_WHY = {
    "ReduceLROnPlateau": "the LR drops when the metric passed to step(metrics) stops improving",
    "GreedyLR": "the LR adapts to the loss passed to step(metrics)",
    "AdafactorSchedule": "it is a proxy reporting the LR Adafactor computes from its own state",
}


class NotAFunctionOfTheStep(DialectSpec):
    """Refused names: their LR depends on training metrics or optimizer state, not on the step alone."""

    kind: Literal["transformers"]
    name: Literal[
        "reduce_lr_on_plateau",
        "get_reduce_on_plateau_schedule",
        "greedy",
        "get_greedy_schedule",
        "GreedyLR",
        "get_adafactor_schedule",
        "AdafactorSchedule",
    ]
    base_lr: Any = None
    args: Any = None

    @model_validator(mode="before")
    @classmethod
    def _refuse(cls, data: Any) -> Any:
        name = data.get("name") if isinstance(data, dict) else None
        what = _NOT_STEP.get(str(name), "this scheduler")
        label = what if name == what else f"{name} ({what})"
        return unsupported(f"{label} is not a function of the step: {_WHY.get(what, '')}")

    def native(self) -> n.NativeSpec:  # pragma: no cover - never validates
        raise NotImplementedError


TransformersSpec = Annotated[
    GetConstantSchedule
    | GetConstantScheduleWithWarmup
    | GetLinearScheduleWithWarmup
    | GetCosineScheduleWithWarmup
    | GetCosineWithHardRestartsScheduleWithWarmup
    | GetPolynomialDecayScheduleWithWarmup
    | GetInverseSqrtSchedule
    | GetCosineWithMinLrScheduleWithWarmup
    | GetCosineWithMinLrScheduleWithWarmupLrRate
    | GetWsdSchedule
    | LinearScheduler
    | CosineScheduler
    | CosineWithRestartsScheduler
    | PolynomialScheduler
    | ConstantScheduler
    | ConstantWithWarmupScheduler
    | InverseSqrtScheduler
    | CosineWithMinLrScheduler
    | CosineWarmupWithMinLrScheduler
    | WarmupStableDecayScheduler
    | NotAFunctionOfTheStep,
    Field(discriminator="name"),
]
