"""One dispatch table from native spec kind to the core schedule that evaluates it.

The input is a native spec as plain data (``{"kind": "cosine_annealing", ...}``), *already validated*
and with every default filled in: what :func:`lrserve.to_native` gives, dumped, and what the server
sends to trainers as each revision's ``native``. Validation (and the dialects' translation) lives in the
Pydantic layer (``lrserve.specs``); this module needs neither, so a trainer can evaluate a fetched
schedule with numpy alone. A malformed input raises ``KeyError``/``TypeError``, not a friendly error.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from ._base import Schedule
from ._join import History, Product, Sequence, join_history
from ._primitives import (
    Constant,
    Cyclic,
    Exponential,
    InverseSqrt,
    InverseTime,
    MultiStep,
    OneCycle,
    PiecewiseConstant,
    PiecewiseInterpolate,
    Polynomial,
    Restarts,
    StableDecay,
    StepDecay,
    Transition,
)

__all__ = ["BUILDERS", "build", "build_history", "one_cycle_ends"]

Native = Mapping[str, Any]


def _constant(s: Native) -> Schedule:
    return Constant(s["lr"])


def _step(s: Native) -> Schedule:
    return StepDecay(s["base_lr"], s["step_size"], s["factor"])


def _multistep(s: Native) -> Schedule:
    return MultiStep(s["base_lr"], s["milestones"], s["factor"])


def _exponential(s: Native) -> Schedule:
    return Exponential(s["base_lr"], s["rate"], s["decay_steps"], s["staircase"], s["end_lr"])


def _linear(s: Native) -> Schedule:
    return Transition(s["start_lr"], s["end_lr"], s["steps"], "linear")


def _shape_param(shape: str, power: float, ratio: float) -> float:
    return ratio if shape == "exp" else power


def _transition(s: Native) -> Schedule:
    param = _shape_param(s["shape"], s["power"], s["ratio"])
    return Transition(s["start_lr"], s["end_lr"], s["steps"], s["shape"], param)


def _polynomial(s: Native) -> Schedule:
    return Polynomial(s["base_lr"], s["end_lr"], s["decay_steps"], s["power"], s["cycle"])


def _piecewise_constant(s: Native) -> Schedule:
    return PiecewiseConstant(s["boundaries"], s["values"])


def _piecewise_linear(s: Native) -> Schedule:
    return PiecewiseInterpolate(s["steps"], s["values"], "linear")


def _piecewise_cosine(s: Native) -> Schedule:
    return PiecewiseInterpolate(s["steps"], s["values"], "cosine")


def _inverse_time(s: Native) -> Schedule:
    return InverseTime(s["base_lr"], s["rate"], s["decay_steps"], s["staircase"])


def _inverse_sqrt(s: Native) -> Schedule:
    warmup_steps = s["warmup_steps"]
    timescale = s["timescale"] if s["timescale"] is not None else (warmup_steps or 10_000)
    decay = InverseSqrt(s["base_lr"], timescale, timescale - warmup_steps)
    if warmup_steps == 0:
        return decay
    warmup = Transition(0.0, s["base_lr"], warmup_steps, "linear")
    return Sequence([warmup, decay], [warmup_steps], local=False)


def _cosine_annealing(s: Native) -> Schedule:
    return Transition(
        s["base_lr"],
        s["min_lr"],
        s["t_max"],
        "cosine",
        s["exponent"],
        clamp=not s["periodic"],
        waves=s["waves"],
    )


def _phases(parts: list[tuple[int, Schedule]], tail: Schedule) -> Schedule:
    """Join (length, schedule) phases, skipping empty ones, with ``tail`` after the last."""
    schedules: list[Schedule] = []
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
    return schedules[0] if len(schedules) == 1 else Sequence(schedules, bounds)


def _warmup(s: Native) -> tuple[int, Schedule]:
    steps = s["warmup_steps"]
    return steps, Transition(s["warmup_start_lr"], s["base_lr"], steps, s["warmup_shape"])


def _warmup_cosine(s: Native) -> Schedule:
    decay = Transition(s["base_lr"], s["min_lr"], s["decay_steps"], "cosine", s["exponent"])
    return _phases([_warmup(s), (s["hold_steps"], Constant(s["base_lr"]))], decay)


def _warmup_stable_decay(s: Native) -> Schedule:
    param = _shape_param(s["decay_shape"], s["power"], s["ratio"])
    if s["stable_shape"] == "power":
        timescale = s["stable_timescale"] if s["stable_timescale"] is not None else s["warmup_steps"]
        curve = (timescale, s["stable_power"], s["stable_steps"], s["decay_steps"], s["decay_shape"], param)
        return _phases([_warmup(s)], StableDecay(s["base_lr"], s["min_lr"], *curve))
    tail: Schedule = Constant(s["min_lr"])
    parts = [_warmup(s), (s["stable_steps"], Constant(s["base_lr"]))]
    if s["decay_steps"]:
        tail = Transition(s["base_lr"], s["min_lr"], s["decay_steps"], s["decay_shape"], param)
    return _phases(parts, tail)


def _cosine_restarts(s: Native) -> Schedule:
    return Restarts(
        s["base_lr"],
        s["min_lr"],
        s["period"],
        s["period_mult"],
        s["decay"],
        s["decay_mode"],
        s["cycle_limit"],
        s["k_decay"],
        s["shape"],
        s["power"],
        s["tanh_lb"],
        s["tanh_ub"],
        cycles=s["cycles"],
        index=s["cycle_index"],
    )


def one_cycle_ends(pct_start: float, total_steps: int, three_phase: bool) -> list[float]:
    """The (fractional) last steps of a one-cycle's phases, exactly as PyTorch computes them."""
    if three_phase:
        return [float(pct_start * total_steps) - 1, float(2 * pct_start * total_steps) - 2, total_steps - 1]
    return [float(pct_start * total_steps) - 1, total_steps - 1]


def _one_cycle(s: Native) -> Schedule:
    max_lr = s["max_lr"]
    initial = max_lr / s["div_factor"]
    minimum = initial / s["final_div_factor"]
    if s["three_phase"]:
        lrs = [(initial, max_lr), (max_lr, initial), (initial, minimum)]
    else:
        lrs = [(initial, max_lr), (max_lr, minimum)]
    ends = one_cycle_ends(s["pct_start"], s["total_steps"], s["three_phase"])
    return OneCycle(ends, lrs, s["anneal"], s["total_steps"])


def _cyclic(s: Native) -> Schedule:
    up = s["step_size_up"]
    down = s["step_size_down"] if s["step_size_down"] is not None else up
    return Cyclic(s["base_lr"], s["max_lr"], up, down, s["mode"], s["gamma"], s["scale_mode"])


def _sequence(s: Native) -> Schedule:
    schedules = [build(x) for x in s["schedules"]]
    return Sequence(schedules, s["boundaries"], s["local_steps"], s["origins"], last_step=s["last_step"])


def _product(s: Native) -> Schedule:
    return Product([build(x) for x in s["schedules"]])


#: native ``kind`` → builder
BUILDERS: dict[str, Callable[[Native], Schedule]] = {
    "constant": _constant,
    "step": _step,
    "multistep": _multistep,
    "exponential": _exponential,
    "linear": _linear,
    "transition": _transition,
    "polynomial": _polynomial,
    "piecewise_constant": _piecewise_constant,
    "piecewise_linear": _piecewise_linear,
    "piecewise_cosine": _piecewise_cosine,
    "inverse_time": _inverse_time,
    "inverse_sqrt": _inverse_sqrt,
    "cosine_annealing": _cosine_annealing,
    "warmup_cosine": _warmup_cosine,
    "warmup_stable_decay": _warmup_stable_decay,
    "cosine_restarts": _cosine_restarts,
    "one_cycle": _one_cycle,
    "cyclic": _cyclic,
    "sequence": _sequence,
    "product": _product,
}


def build(native: Native) -> Schedule:
    """Compile a validated native spec, as plain data with its defaults filled in, into a schedule."""
    return BUILDERS[native["kind"]](native)


def build_history(pieces: list[tuple[int, int, Native]]) -> History:
    """A revision history as one schedule: ``pieces`` are its timeline's ``(from_step, revision,
    native)``, sorted by step (see :func:`~lrserve.core.join_history`)."""
    return join_history([(start, number, build(native)) for start, number, native in pieces])
