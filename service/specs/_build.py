"""One dispatch table from native spec kind to the core builder that evaluates it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .. import core
from . import native as n

__all__ = ["BUILDERS", "build"]


def _constant(s: n.Constant) -> core.Schedule:
    return core.Constant(s.lr)


def _step(s: n.Step) -> core.Schedule:
    return core.StepDecay(s.base_lr, s.step_size, s.factor)


def _multistep(s: n.MultiStep) -> core.Schedule:
    return core.MultiStep(s.base_lr, s.milestones, s.factor)


def _exponential(s: n.Exponential) -> core.Schedule:
    return core.Exponential(s.base_lr, s.rate, s.decay_steps, s.staircase, s.end_lr)


def _linear(s: n.Linear) -> core.Schedule:
    return core.Transition(s.start_lr, s.end_lr, s.steps, "linear")


def _shape_param(shape: str, power: float, ratio: float) -> float:
    return ratio if shape == "exp" else power


def _transition(s: n.Transition) -> core.Schedule:
    return core.Transition(s.start_lr, s.end_lr, s.steps, s.shape, _shape_param(s.shape, s.power, s.ratio))


def _polynomial(s: n.Polynomial) -> core.Schedule:
    return core.Polynomial(s.base_lr, s.end_lr, s.decay_steps, s.power, s.cycle)


def _piecewise_constant(s: n.PiecewiseConstant) -> core.Schedule:
    return core.PiecewiseConstant(s.boundaries, s.values)


def _piecewise_linear(s: n.PiecewiseLinear) -> core.Schedule:
    return core.PiecewiseInterpolate(s.steps, s.values, "linear")


def _piecewise_cosine(s: n.PiecewiseCosine) -> core.Schedule:
    return core.PiecewiseInterpolate(s.steps, s.values, "cosine")


def _inverse_time(s: n.InverseTime) -> core.Schedule:
    return core.InverseTime(s.base_lr, s.rate, s.decay_steps, s.staircase)


def _inverse_sqrt(s: n.InverseSqrt) -> core.Schedule:
    timescale = s.timescale if s.timescale is not None else (s.warmup_steps or 10_000)
    decay = core.InverseSqrt(s.base_lr, timescale, timescale - s.warmup_steps)
    if s.warmup_steps == 0:
        return decay
    warmup = core.Transition(0.0, s.base_lr, s.warmup_steps, "linear")
    return core.Sequence([warmup, decay], [s.warmup_steps], local=False)


def _cosine_annealing(s: n.CosineAnnealing) -> core.Schedule:
    return core.Transition(
        s.base_lr, s.min_lr, s.t_max, "cosine", s.exponent, clamp=not s.periodic, waves=s.waves
    )


def _warmup(start: float, peak: float, steps: int, shape: str) -> core.Schedule:
    return core.Transition(start, peak, steps, shape)  # type: ignore[arg-type]


def _phases(parts: list[tuple[int, core.Schedule]], tail: core.Schedule) -> core.Schedule:
    """Join (length, schedule) phases, skipping empty ones, with ``tail`` after the last."""
    schedules: list[core.Schedule] = []
    bounds: list[int] = []
    at = 0
    for length, sched in parts:
        if length > 0:
            if schedules:
                bounds.append(at)
            schedules.append(sched)
            at += length
    if schedules:
        bounds.append(at)
    schedules.append(tail)
    return schedules[0] if len(schedules) == 1 else core.Sequence(schedules, bounds)


def _warmup_cosine(s: n.WarmupCosine) -> core.Schedule:
    decay = core.Transition(s.base_lr, s.min_lr, s.decay_steps, "cosine", s.exponent)
    return _phases(
        [
            (s.warmup_steps, _warmup(s.warmup_start_lr, s.base_lr, s.warmup_steps, s.warmup_shape)),
            (s.hold_steps, core.Constant(s.base_lr)),
        ],
        decay,
    )


def _warmup_stable_decay(s: n.WarmupStableDecay) -> core.Schedule:
    warmup = (s.warmup_steps, _warmup(s.warmup_start_lr, s.base_lr, s.warmup_steps, s.warmup_shape))
    if s.stable_shape == "power":
        timescale = s.stable_timescale if s.stable_timescale is not None else s.warmup_steps
        param = _shape_param(s.decay_shape, s.power, s.ratio)
        curve = (timescale, s.stable_power, s.stable_steps, s.decay_steps, s.decay_shape, param)
        return _phases([warmup], core.StableDecay(s.base_lr, s.min_lr, *curve))
    tail: core.Schedule = core.Constant(s.min_lr)
    parts = [warmup, (s.stable_steps, core.Constant(s.base_lr))]
    if s.decay_steps:
        param = _shape_param(s.decay_shape, s.power, s.ratio)
        tail = core.Transition(s.base_lr, s.min_lr, s.decay_steps, s.decay_shape, param)
    return _phases(parts, tail)


def _cosine_restarts(s: n.CosineRestarts) -> core.Schedule:
    return core.Restarts(
        s.base_lr,
        s.min_lr,
        s.period,
        s.period_mult,
        s.decay,
        s.decay_mode,
        s.cycle_limit,
        s.k_decay,
        s.shape,
        s.power,
        s.tanh_lb,
        s.tanh_ub,
        cycles=s.cycles,
        index=s.cycle_index,
    )


def _one_cycle(s: n.OneCycle) -> core.Schedule:
    initial = s.max_lr / s.div_factor
    minimum = initial / s.final_div_factor
    if s.three_phase:
        lrs = [(initial, s.max_lr), (s.max_lr, initial), (initial, minimum)]
    else:
        lrs = [(initial, s.max_lr), (s.max_lr, minimum)]
    return core.OneCycle(n.one_cycle_ends(s), lrs, s.anneal, s.total_steps)


def _cyclic(s: n.Cyclic) -> core.Schedule:
    down = s.step_size_down if s.step_size_down is not None else s.step_size_up
    return core.Cyclic(s.base_lr, s.max_lr, s.step_size_up, down, s.mode, s.gamma, s.scale_mode)


def _sequence(s: n.Sequence) -> core.Schedule:
    return core.Sequence(
        [build(x) for x in s.schedules], s.boundaries, s.local_steps, s.origins, last_step=s.last_step
    )


def _product(s: n.Product) -> core.Schedule:
    return core.Product([build(x) for x in s.schedules])


BUILDERS: dict[type[Any], Callable[[Any], core.Schedule]] = {
    n.Constant: _constant,
    n.Step: _step,
    n.MultiStep: _multistep,
    n.Exponential: _exponential,
    n.Linear: _linear,
    n.Transition: _transition,
    n.Polynomial: _polynomial,
    n.PiecewiseConstant: _piecewise_constant,
    n.PiecewiseLinear: _piecewise_linear,
    n.PiecewiseCosine: _piecewise_cosine,
    n.InverseTime: _inverse_time,
    n.InverseSqrt: _inverse_sqrt,
    n.CosineAnnealing: _cosine_annealing,
    n.WarmupCosine: _warmup_cosine,
    n.WarmupStableDecay: _warmup_stable_decay,
    n.CosineRestarts: _cosine_restarts,
    n.OneCycle: _one_cycle,
    n.Cyclic: _cyclic,
    n.Sequence: _sequence,
    n.Product: _product,
}


def build(spec: Any) -> core.Schedule:
    """Compile a native spec model into a core schedule."""
    return BUILDERS[type(spec)](spec)
