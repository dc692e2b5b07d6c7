"""The native spec language: one Pydantic model per kind, joined in one tagged union on ``kind``.

Step ``t`` is an integer >= 0 and means the LR used by the (t+1)-th optimizer update. Every spec is
evaluated by the numpy core (``lrserve.core.build``); library configs (``lrserve.dialects``) are
translated into these kinds.
"""

from __future__ import annotations

from itertools import pairwise
from typing import Annotated, Literal, Self, TypeAlias, get_args

from pydantic import Field, model_validator

from .. import core
from ..limits import MAX_STEP
from ._base import LR, MAX_ITEMS, Factor, Positive, SpecModel, StepCount, StepIndex

__all__ = [
    "NATIVE_MEMBERS",
    "TRANSITION_SHAPES",
    "Constant",
    "CosineAnnealing",
    "CosineRestarts",
    "Cyclic",
    "Exponential",
    "InverseSqrt",
    "InverseTime",
    "Linear",
    "MultiStep",
    "NativeSpec",
    "OneCycle",
    "PiecewiseConstant",
    "PiecewiseCosine",
    "PiecewiseLinear",
    "Polynomial",
    "Product",
    "Sequence",
    "Step",
    "Transition",
    "WarmupCosine",
    "WarmupStableDecay",
]

TransitionShape: TypeAlias = Literal["linear", "cosine", "1-sqrt", "sqrt", "poly", "power", "exp", "log"]
TRANSITION_SHAPES: tuple[str, ...] = get_args(TransitionShape)
WarmupShape: TypeAlias = Literal["linear", "cosine", "sqrt", "log"]
DecayShape: TypeAlias = Literal["linear", "cosine", "1-sqrt", "poly", "power", "exp"]


def _increasing(name: str, values: list[int], strict: bool) -> None:
    for a, b in pairwise(values):
        if b < a or (strict and b == a):
            order = "strictly increasing" if strict else "non-decreasing"
            raise ValueError(f"{name} must be {order}; {b} follows {a}")


class Constant(SpecModel):
    """``lr(t) = lr``.  ``{"kind": "constant", "lr": 0.001}``"""

    kind: Literal["constant"]
    lr: LR


class Step(SpecModel):
    """``base_lr * factor ** floor(t / step_size)``.  ``{"kind": "step", "base_lr": 0.1, "step_size": 30}``

    ``step_size`` may be fractional (``2.5``): the floor is then Python's float floor division ``t // 2.5``.
    """

    kind: Literal["step"]
    base_lr: LR
    step_size: StepCount | Positive
    factor: Factor = 0.1


class MultiStep(SpecModel):
    """``base_lr * factor ** (number of milestones <= t)``; a milestone may repeat.

    ``{"kind": "multistep", "base_lr": 0.1, "milestones": [30, 80], "factor": 0.1}``
    """

    kind: Literal["multistep"]
    base_lr: LR
    milestones: Annotated[list[StepIndex], Field(max_length=MAX_ITEMS)]
    factor: Factor = 0.1

    @model_validator(mode="after")
    def _check(self) -> Self:
        _increasing("milestones", self.milestones, strict=False)
        return self


class Exponential(SpecModel):
    """``base_lr * rate ** (t / decay_steps)`` (``floor(t / decay_steps)`` when ``staircase``), clipped at
    ``end_lr`` if given: a floor when ``rate < 1``, a ceiling when ``rate > 1``.

    ``{"kind": "exponential", "base_lr": 0.1, "rate": 0.96, "decay_steps": 1000, "staircase": true}``
    """

    kind: Literal["exponential"]
    base_lr: LR
    rate: Positive
    decay_steps: Positive = 1.0
    staircase: bool = False
    end_lr: LR | None = None

    @model_validator(mode="after")
    def _check(self) -> Self:
        if self.rate > 1.0 and self.end_lr is None:
            raise ValueError("rate > 1 grows without bound: give end_lr as its ceiling")
        return self


class Linear(SpecModel):
    """From ``start_lr`` to ``end_lr`` linearly over ``steps``, then ``end_lr``.

    ``{"kind": "linear", "start_lr": 0.0, "end_lr": 0.1, "steps": 1000}``
    """

    kind: Literal["linear"]
    start_lr: LR
    end_lr: LR
    steps: StepCount


class Transition(SpecModel):
    """From ``start_lr`` to ``end_lr`` over ``steps`` along a shape, then ``end_lr`` — the building block
    of warm-ups and decays. Shapes (``p = t / steps``; fraction of the way still to go):
    ``linear`` 1 - p; ``cosine`` (1 + cos(pi p)) / 2, raised to ``power``; ``1-sqrt`` 1 - sqrt(p);
    ``sqrt`` sqrt(1 - p); ``poly`` (1 - p) ** power; ``power`` 1 - p ** power;
    ``exp`` (ratio ** p - ratio) / (1 - ratio); ``log`` 1 - log(t + 1) / log(steps), which arrives at
    ``steps - 1`` (DeepSpeed's log warm-up).

    ``{"kind": "transition", "start_lr": 0.1, "end_lr": 0.0, "steps": 500, "shape": "1-sqrt"}``
    """

    kind: Literal["transition"]
    start_lr: LR
    end_lr: LR
    steps: StepCount
    shape: TransitionShape = "linear"
    power: Positive = 1.0
    ratio: Annotated[float, Field(gt=0.0, lt=1.0)] = 0.1

    @model_validator(mode="after")
    def _check(self) -> Self:
        if self.shape == "log" and self.steps < 2:
            raise ValueError("a log transition needs steps >= 2 (it divides by log(steps))")
        return self


class Polynomial(SpecModel):
    """``(base_lr - end_lr) * (1 - t / decay_steps) ** power + end_lr`` with t clamped to decay_steps; with
    ``cycle``, decay_steps stretches to the next multiple past t (Keras' ``PolynomialDecay``).

    ``{"kind": "polynomial", "base_lr": 0.1, "end_lr": 0.0001, "decay_steps": 10000, "power": 2.0}``
    """

    kind: Literal["polynomial"]
    base_lr: LR
    end_lr: LR = 0.0
    decay_steps: Positive
    power: Positive = 1.0
    cycle: bool = False


class PiecewiseConstant(SpecModel):
    """``values[j]`` from ``boundaries[j-1]`` (inclusive) to ``boundaries[j]`` (exclusive).

    ``{"kind": "piecewise_constant", "boundaries": [1000, 5000], "values": [0.1, 0.01, 0.001]}``
    """

    kind: Literal["piecewise_constant"]
    boundaries: Annotated[list[StepIndex], Field(max_length=MAX_ITEMS)]
    values: Annotated[list[LR], Field(min_length=1, max_length=MAX_ITEMS + 1)]

    @model_validator(mode="after")
    def _check(self) -> Self:
        _increasing("boundaries", self.boundaries, strict=False)
        if len(self.values) != len(self.boundaries) + 1:
            raise ValueError(
                f"values needs one more entry than boundaries: {len(self.boundaries)} boundaries, "
                f"{len(self.values)} values"
            )
        return self


class _Knots(SpecModel):
    steps: Annotated[list[StepIndex], Field(min_length=1, max_length=MAX_ITEMS)]
    values: Annotated[list[LR], Field(min_length=1, max_length=MAX_ITEMS)]

    @model_validator(mode="after")
    def _check(self) -> Self:
        _increasing("steps", self.steps, strict=True)
        if len(self.values) != len(self.steps):
            raise ValueError(
                f"steps and values must have the same length ({len(self.steps)} != {len(self.values)})"
            )
        return self


class PiecewiseLinear(_Knots):
    """Linear interpolation between knots ``(steps[j], values[j])``; the first value before the first knot,
    the last from the last knot on.

    ``{"kind": "piecewise_linear", "steps": [0, 100, 1000], "values": [0.0, 0.1, 0.001]}``
    """

    kind: Literal["piecewise_linear"]


class PiecewiseCosine(_Knots):
    """Half-cosine interpolation between knots, as ``piecewise_linear``.

    ``{"kind": "piecewise_cosine", "steps": [0, 300, 1000], "values": [0.004, 0.1, 0.0000004]}``
    """

    kind: Literal["piecewise_cosine"]


class InverseTime(SpecModel):
    """``base_lr / (1 + rate * t / decay_steps)`` (``floor(t / decay_steps)`` when ``staircase``).

    ``{"kind": "inverse_time", "base_lr": 0.1, "rate": 0.5, "decay_steps": 1000}``
    """

    kind: Literal["inverse_time"]
    base_lr: LR
    rate: Factor
    decay_steps: Positive = 1.0
    staircase: bool = False


class InverseSqrt(SpecModel):
    """Linear warm-up from 0 over ``warmup_steps``, then ``base_lr / sqrt((t - warmup_steps + timescale) /
    timescale)`` (Hugging Face's ``inverse_sqrt``; ``timescale`` defaults to ``warmup_steps``, or 10000
    without warm-up). Noam's schedule is ``timescale = warmup_steps``.

    ``{"kind": "inverse_sqrt", "base_lr": 0.001, "warmup_steps": 4000}``
    """

    kind: Literal["inverse_sqrt"]
    base_lr: LR
    warmup_steps: StepIndex = 0
    timescale: StepCount | None = None


class CosineAnnealing(SpecModel):
    """``min_lr + (base_lr - min_lr) * (1 + cos(pi * t / t_max)) / 2`` with t clamped to ``[0, t_max]``,
    so it holds ``min_lr`` after ``t_max``. ``periodic: true`` keeps the formula past ``t_max`` (PyTorch's
    ``CosineAnnealingLR`` rises again). ``exponent`` raises the cosine factor (optax ``cosine_decay``).
    ``waves`` makes that many half-waves over ``t_max``, ``cos((pi * waves) * (t / t_max))`` (2: down and
    back up; other than 1 only with ``periodic``); Hugging Face's ``num_cycles`` is ``waves / 2``, and
    the angle is rounded as Hugging Face does (without ``waves``: ``pi * t / t_max``, as PyTorch).

    ``{"kind": "cosine_annealing", "base_lr": 0.1, "min_lr": 0.001, "t_max": 10}``
    """

    kind: Literal["cosine_annealing"]
    base_lr: LR
    min_lr: LR = 0.0
    t_max: StepCount
    periodic: bool = False
    exponent: Positive = 1.0
    waves: Positive | None = None

    @model_validator(mode="after")
    def _check_waves(self) -> Self:
        if self.waves not in (None, 1.0) and not self.periodic:
            raise ValueError("waves other than 1 needs periodic: true (a clamped cosine ends at t_max)")
        return self


class WarmupCosine(SpecModel):
    """Rise from ``warmup_start_lr`` to ``base_lr`` over ``warmup_steps`` (``warmup_shape``), hold ``base_lr``
    for ``hold_steps``, cosine from ``base_lr`` to ``min_lr`` over ``decay_steps``, then ``min_lr``.

    ``{"kind": "warmup_cosine", "base_lr": 0.1, "warmup_steps": 500, "decay_steps": 10000, "min_lr": 1e-6}``
    """

    kind: Literal["warmup_cosine"]
    base_lr: LR
    warmup_steps: StepIndex = 0
    hold_steps: StepIndex = 0
    decay_steps: StepCount
    min_lr: LR = 0.0
    warmup_start_lr: LR = 0.0
    warmup_shape: WarmupShape = "linear"
    exponent: Positive = 1.0

    @model_validator(mode="after")
    def _check(self) -> Self:
        if self.warmup_shape == "log" and 0 < self.warmup_steps < 2:
            raise ValueError("a log warm-up needs warmup_steps >= 2 (it divides by log(warmup_steps))")
        return self


class WarmupStableDecay(SpecModel):
    """Warm-up from ``warmup_start_lr`` to ``base_lr`` over ``warmup_steps``, hold for ``stable_steps``,
    decay to ``min_lr`` over ``decay_steps`` along ``decay_shape`` (``power`` for poly/power, ``ratio`` for
    exp; see ``transition``), then ``min_lr``.

    ``stable_shape: "power"`` makes the stable phase decay too (timm's ``WSDLRScheduler``; Big Vision's
    rsqrt + cooldown): ``s`` steps after the warm-up the LR is ``max(base_lr * (1 + s / stable_timescale)
    ** -stable_power, min_lr)`` (``stable_power`` 0.5 is the reciprocal square root; ``stable_timescale``
    defaults to ``warmup_steps``), and the decay phase scales that LR's distance to ``min_lr`` by the decay
    shape's fraction remaining.

    ``{"kind": "warmup_stable_decay", "base_lr": 0.001, "warmup_steps": 1000, "stable_steps": 8000,
    "decay_steps": 1000, "decay_shape": "1-sqrt"}``
    """

    kind: Literal["warmup_stable_decay"]
    base_lr: LR
    warmup_steps: StepIndex = 0
    stable_steps: StepIndex = 0
    decay_steps: StepIndex
    min_lr: LR = 0.0
    warmup_start_lr: LR = 0.0
    warmup_shape: WarmupShape = "linear"
    decay_shape: DecayShape = "linear"
    power: Positive = 1.0
    ratio: Annotated[float, Field(gt=0.0, lt=1.0)] = 0.1
    stable_shape: Literal["constant", "power"] = "constant"
    stable_power: Positive = 0.5
    stable_timescale: Positive | None = None

    @model_validator(mode="after")
    def _check(self) -> Self:
        if self.warmup_shape == "log" and 0 < self.warmup_steps < 2:
            raise ValueError("a log warm-up needs warmup_steps >= 2 (it divides by log(warmup_steps))")
        if self.stable_shape == "power" and self.stable_timescale is None and self.warmup_steps == 0:
            raise ValueError(
                "stable_shape 'power' needs a stable_timescale: it defaults to warmup_steps, which is 0"
            )
        return self


class CosineRestarts(SpecModel):
    """Cosine annealing with warm restarts (SGDR). Cycle i lasts ``period * period_mult ** i`` steps
    (``period_mult`` may be fractional) and anneals from its peak to ``min_lr``; the peak of cycle i is
    ``base_lr * decay ** i`` (``decay_mode: "peak"``, timm) or the amplitude above ``min_lr`` shrinks by
    ``decay ** i`` (``"amplitude"``, Keras). After ``cycle_limit`` cycles the value is ``min_lr``.
    ``k_decay`` bends the cosine (timm); ``shape`` ``poly`` (with ``power``) or ``tanh`` (with
    ``tanh_lb``/``tanh_ub``) replaces the cosine (timm's PolyLRScheduler/TanhLRScheduler).
    ``cycles`` (with ``period_mult`` 1) makes ``period`` hold that many equal cycles, the position in the
    cycle being ``frac(cycles * (t / period))`` computed in that order (Hugging Face's hard restarts:
    ``num_cycles`` over the decay), so where a cycle starts follows that float product exactly.
    ``cycle_index`` chooses the arithmetic of the cycle index (which cycle a step is in):
    ``"float64"`` (default) ``floor(log(1 - t / period * (1 - period_mult)) / log(period_mult))`` in float64
    as timm; ``"float32"`` the same, and the position in the cycle, in float32 as Keras'
    ``CosineDecayRestarts`` (``floor(t / period)`` for ``period_mult`` 1): some exact cycle starts then fall
    into the previous cycle, as in Keras.

    ``{"kind": "cosine_restarts", "base_lr": 0.1, "period": 1000, "period_mult": 2, "decay": 0.5}``
    """

    kind: Literal["cosine_restarts"]
    base_lr: LR
    min_lr: LR = 0.0
    period: Positive
    period_mult: Positive = 1.0
    decay: Factor = 1.0
    decay_mode: Literal["peak", "amplitude"] = "peak"
    cycle_limit: StepCount | None = None
    k_decay: Positive = 1.0
    shape: Literal["cosine", "poly", "tanh"] = "cosine"
    power: Positive = 1.0
    tanh_lb: Annotated[float, Field(allow_inf_nan=False)] = -7.0
    tanh_ub: Annotated[float, Field(allow_inf_nan=False)] = 3.0
    cycles: Positive | None = None
    cycle_index: Literal["float64", "float32"] = "float64"

    @model_validator(mode="after")
    def _check_cycles(self) -> Self:
        if self.cycles is not None and self.period_mult != 1.0:
            raise ValueError("cycles needs period_mult 1 (equal cycles)")
        if self.cycles is not None and self.cycle_index != "float64":
            raise ValueError("cycles computes its own index (frac(cycles * (t / period))): leave cycle_index")
        return self


class OneCycle(SpecModel):
    """The 1cycle policy (PyTorch ``OneCycleLR``): from ``max_lr / div_factor`` up to ``max_lr`` over
    ``pct_start`` of ``total_steps``, then down to ``max_lr / div_factor / final_div_factor`` (three
    phases: back to the initial LR first). Defined for ``0 <= t <= total_steps``; later steps are an error.

    ``{"kind": "one_cycle", "max_lr": 0.1, "total_steps": 1000}``
    """

    kind: Literal["one_cycle"]
    max_lr: LR
    total_steps: StepCount
    pct_start: Annotated[float, Field(ge=0.0, le=1.0)] = 0.3
    anneal: Literal["cos", "linear"] = "cos"
    div_factor: Positive = 25.0
    final_div_factor: Positive = 1e4
    three_phase: bool = False

    @model_validator(mode="after")
    def _check(self) -> Self:
        ends = core.one_cycle_ends(self.pct_start, self.total_steps, self.three_phase)
        if any(b - a == 0 for a, b in pairwise([0.0, *ends])):
            raise ValueError(
                f"pct_start={self.pct_start} with total_steps={self.total_steps} gives a phase of zero "
                "length (a division by zero in OneCycleLR)"
            )
        return self


class Cyclic(SpecModel):
    """Cyclical LR (PyTorch ``CyclicLR``): between ``base_lr`` and ``max_lr``, up over ``step_size_up``
    steps and down over ``step_size_down`` (default: the same), scaled by mode ``triangular`` (1),
    ``triangular2`` (halved each cycle) or ``exp_range`` (``gamma ** t``).

    ``{"kind": "cyclic", "base_lr": 0.001, "max_lr": 0.006, "step_size_up": 2000, "mode": "triangular2"}``
    """

    kind: Literal["cyclic"]
    base_lr: LR
    max_lr: LR
    step_size_up: Positive = 2000.0
    step_size_down: Positive | None = None
    mode: Literal["triangular", "triangular2", "exp_range"] = "triangular"
    gamma: Positive = 1.0
    scale_mode: Literal["cycle", "iterations"] | None = None


#: The step a sequence phase counts from (negative: the phase starts partway into its schedule).
Origin: TypeAlias = Annotated[int, Field(ge=-MAX_STEP, le=MAX_STEP)]


class Sequence(SpecModel):
    """Schedules joined at boundaries: ``schedules[j]`` runs from ``boundaries[j-1]`` to ``boundaries[j]``
    and sees the step counted from its own start (``local_steps: false``: the absolute step;
    ``origins``: the step each phase counts from, at or before its start; a negative origin starts the
    phase partway into its schedule, e.g. ``origins: [-2]`` on a single schedule shifts it two steps left).
    ``last_step`` ends the schedule early: later steps are an error, as past a ``one_cycle``'s
    ``total_steps`` (PyTorch schedulers that raise at some step; without it, the last phase's end if any).

    ``{"kind": "sequence", "boundaries": [500], "schedules": [
    {"kind": "linear", "start_lr": 0, "end_lr": 0.1, "steps": 500},
    {"kind": "cosine_annealing", "base_lr": 0.1, "t_max": 9500}]}``
    """

    kind: Literal["sequence"]
    schedules: Annotated[list[NativeSpec], Field(min_length=1, max_length=MAX_ITEMS)]
    boundaries: Annotated[list[StepCount], Field(max_length=MAX_ITEMS - 1)]
    local_steps: bool = True
    origins: Annotated[list[Origin], Field(max_length=MAX_ITEMS)] | None = None
    last_step: StepIndex | None = None

    @model_validator(mode="after")
    def _check(self) -> Self:
        _increasing("boundaries", self.boundaries, strict=True)
        if len(self.schedules) != len(self.boundaries) + 1:
            raise ValueError(
                f"schedules needs one more entry than boundaries: {len(self.boundaries)} boundaries, "
                f"{len(self.schedules)} schedules"
            )
        if self.origins is not None:
            if len(self.origins) != len(self.schedules):
                raise ValueError(f"origins needs one entry per schedule ({len(self.schedules)})")
            for j, (origin, start) in enumerate(zip(self.origins, [0, *self.boundaries], strict=True)):
                if origin > start:
                    raise ValueError(f"origins[{j}] = {origin} is past the start of its phase ({start})")
        return self


class Product(SpecModel):
    """Schedules multiplied step by step (PyTorch's ``ChainedScheduler`` of multiplicative schedulers);
    typically one carries the LR and the others are factors around 1.

    ``{"kind": "product", "schedules": [{"kind": "constant", "lr": 0.1},
    {"kind": "step", "base_lr": 1.0, "step_size": 10, "factor": 0.5}]}``
    """

    kind: Literal["product"]
    schedules: Annotated[list[NativeSpec], Field(min_length=1, max_length=MAX_ITEMS)]


NativeSpec: TypeAlias = Annotated[
    Constant
    | Step
    | MultiStep
    | Exponential
    | Linear
    | Transition
    | Polynomial
    | PiecewiseConstant
    | PiecewiseLinear
    | PiecewiseCosine
    | InverseTime
    | InverseSqrt
    | CosineAnnealing
    | WarmupCosine
    | WarmupStableDecay
    | CosineRestarts
    | OneCycle
    | Cyclic
    | Sequence
    | Product,
    Field(discriminator="kind"),
]

#: The native kinds, in the union's order (the engine's union of every spec lists them from here).
NATIVE_MEMBERS: tuple[type[SpecModel], ...] = get_args(get_args(NativeSpec)[0])

Sequence.model_rebuild()
Product.model_rebuild()
