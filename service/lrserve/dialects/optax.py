"""optax (``optax.schedules``): every schedule function by its own name, with its own keyword arguments.

``{"kind": "optax", "name": "warmup_cosine_decay_schedule", "args": {"init_value": 0.0, "peak_value":
3e-4, "warmup_steps": 1000, "decay_steps": 100000}}``. optax schedules take absolute values: there is no
``base_lr`` (it is refused with that reason). JSON adaptations: ``boundaries_and_scales`` keys are strings
holding integers (``{"100": 0.1}``; ints are fine from Python) and are sorted as integers, as optax sorts
its dict; ``join_schedules`` takes ``{"schedules": [{"name": ..., "args": {...}}, ...], "boundaries":
[...]}`` (a member may carry ``"kind": "optax"``, may itself be a join); ``sgdr_schedule`` takes
``{"cosine_kwargs": [{<warmup_cosine_decay_schedule args>}, ...]}``.

Step convention: a schedule is a pure function of optax's ``count``, the 0-based update index (it starts
at 0 and is incremented after each update): ``lr(t)`` is the value the (t+1)-th update uses. No shift.

Boundary rules (``I``/``E`` init and end values):

* polynomial / linear: ``(I - E) * (1 - c / T) ** power + E`` with ``c = clip(t - transition_begin, 0,
  T)``: ``(I - E) + E`` (``I`` up to an ulp) up to and including ``transition_begin``, ``E`` from
  ``transition_begin + T`` on;
* exponential_decay: ``I * decay_rate ** ((t - transition_begin) / T)`` (floored exponent with
  ``staircase``) from ``transition_begin`` on, ``I`` before; ``end_value`` clips at *every* step, before
  ``transition_begin`` too (a floor for ``decay_rate < 1``, else a ceiling);
* cosine_decay: ``I * ((1 - alpha) * ((1 + cos(pi * t / D)) / 2) ** exponent + alpha)``, ``I * alpha`` from
  ``D`` on;
* piecewise_constant: a scale applies *at* its boundary (``t >= b``); values are ``((I * s1) * s2) ...``
  in ascending boundary order; a boundary <= 0 applies from step 0;
* piecewise_interpolate: knots at ``0`` and each boundary (values as above), linear or half-cosine between
  them, the last value from the last boundary on; a boundary 0 makes the first interval empty;
* join_schedules: member ``i >= 1`` takes over *at* ``t == boundaries[i-1]`` and sees ``t -
  boundaries[i-1]`` (its own absolute boundary, not the previous member's start); later members win, so
  with non-increasing boundaries a member may never show; a negative boundary starts its member partway
  in (``t - b > t``);
* warmup_* and sgdr_schedule: joins of the above, as optax builds them (``decay_steps`` of
  warmup_cosine_decay includes the warm-up; sgdr cycles restart at the cumulative ``decay_steps``);
* linear/cosine_onecycle: piecewise_interpolate with boundaries ``int(pct * T)`` (truncated), built as a
  dict literal, so colliding boundaries keep the later scale (``linear_onecycle_schedule`` with ``T = 1``
  never reaches the peak).

Precision: the fixtures are optax evaluated eagerly in float64 (``JAX_ENABLE_X64``). The translations use
optax's own formulas where the native kinds have them (``polynomial`` for polynomial/linear, ``exponential``,
``piecewise_linear``/``piecewise_cosine`` for the interpolations, ``piecewise_constant``) and
``cosine_annealing`` for the cosine decay (``end + (start - end) * g`` instead of ``I * ((1 - a) * g +
a)``): 79 of the fixture's 86 valued cases are bit for bit, the others (cosine with ``alpha``) within 2
ulps (tested at rtol 1e-12 with an absolute 1e-14 x peak). An integer ``power``
(repeated multiplication in optax) and a float one (libm ``pow``) differ by an ulp in optax; both are
within that tolerance. Not reproduced: optax's optimizers count in int32, which (with or without x64)
makes polynomial/linear/exponential/interpolate run partly in float32 (~1e-7 relative), and under
``jax.jit`` XLA rewrites divisions (±1 ulp); our values are the float64 eager ones.

Refused where optax raises: cosine ``decay_steps <= 0`` (and warmup_cosine/sgdr ``decay_steps <=
warmup_steps``), a negative scale, an ``interpolate_type`` other than linear/cosine, onecycle
``transition_steps <= 0``. Refused where optax silently returns a constant or ignores an argument (our
deviations from optax, each a fixture ``invalid`` case): linear/polynomial ``transition_steps <= 0``,
exponential ``transition_steps <= 0`` or ``decay_rate == 0`` (also in warmup_exponential_decay),
warmup_constant ``warmup_steps <= 0`` (optax: ``init_value`` forever), a negative ``transition_begin``
(optax: 0), join_schedules with ``len(boundaries) != len(schedules) - 1`` (optax's ``zip`` drops the
extras). Also refused (no fixture case; the library would give NaN, inf, negative or nonsense LRs):
negative values, a negative ``power``/``exponent``/``alpha``/``decay_rate``, ``decay_rate > 1`` without
``end_value`` (unbounded growth), negative ``warmup_steps``, negative piecewise_interpolate boundaries
(optax's interpolation assumes sorted knots after prepending 0), onecycle ``div_factor`` or
``final_div_factor <= 0`` (division by zero or negative scales), an empty ``sgdr_schedule``, non-integer
step arguments (optax annotates them ``int``). ``reduce_on_plateau`` (``optax.contrib``) is refused: it is
not a function of the step.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Annotated, Any, Literal, Self, TypeAlias

from pydantic import (
    AfterValidator,
    BeforeValidator,
    Field,
    StrictInt,
    ValidationError,
    field_validator,
    model_validator,
)

from ..limits import MAX_STEP
from ..specs import native as n
from ..specs._base import LR, MAX_ITEMS, Positive
from ._base import Args, DialectSpec, unsupported

__all__ = [
    "ConstantSchedule",
    "CosineDecaySchedule",
    "CosineOnecycleSchedule",
    "ExponentialDecay",
    "JoinSchedules",
    "LinearOnecycleSchedule",
    "LinearSchedule",
    "OptaxSpec",
    "PiecewiseConstantSchedule",
    "PiecewiseInterpolateSchedule",
    "PolynomialSchedule",
    "ReduceOnPlateau",
    "SgdrSchedule",
    "WarmupConstantSchedule",
    "WarmupCosineDecaySchedule",
    "WarmupExponentialDecaySchedule",
]

#: A step argument: a JSON integer (optax annotates these ``int``); the sign is checked per argument.
Steps = Annotated[StrictInt, Field(ge=-MAX_STEP, le=MAX_STEP)]
#: A non-negative number (no NaN or inf).
NonNegative = Annotated[float, Field(ge=0.0)]

_SILENT = "optax silently returns the constant init_value"


# --------------------------------------------------------------------------------------------------------
# translation: every optax schedule is a list of pieces (start, origin, leaf) over its own steps u >= 0;
# a piece runs from its start to the next piece's start and evaluates its leaf at u - origin.

Piece: TypeAlias = tuple[int, int, n.NativeSpec]


def _const(lr: float) -> list[Piece]:
    return [(0, 0, n.Constant(kind="constant", lr=lr))]


def _assemble(pieces: list[Piece]) -> n.NativeSpec:
    starts = [s for s, _, _ in pieces]
    origins = [o for _, o, _ in pieces]
    if len(pieces) == 1 and origins == [0]:
        return pieces[0][2]
    return n.Sequence(
        kind="sequence",
        schedules=[leaf for _, _, leaf in pieces],
        boundaries=starts[1:],
        origins=None if origins == starts else origins,
    )


def _join(members: list[list[Piece]], boundaries: list[int]) -> list[Piece]:
    """optax's ``join_schedules``: at step t the last member i with ``boundaries[i-1] <= t`` (member 0 if
    none), evaluated at ``t - boundaries[i-1]``. Members that never show are dropped."""
    out: list[Piece] = []
    offsets = [0, *boundaries]
    for j, pieces in enumerate(members):
        lo = 0 if j == 0 else max(boundaries[j - 1], 0)
        hi = min([*boundaries[j:], MAX_STEP + 1])  # a later member with an earlier boundary wins
        if lo >= hi:
            continue
        b = offsets[j]
        for k, (start, origin, leaf) in enumerate(pieces):
            end = pieces[k + 1][0] + b if k + 1 < len(pieces) else MAX_STEP + 1
            s, e = max(start + b, lo), min(end, hi)
            if s < e:
                out.append((s, origin + b, leaf))
    return out


def _polynomial(init: float, end: float, power: float, steps: int, begin: int = 0) -> list[Piece]:
    """``polynomial_schedule`` / ``linear_schedule`` (``power`` 1)."""
    if steps <= 0:
        return _const(init)  # optax's constant (refused as a spec of its own; unused as a warm-up of 0)
    first = (init - end) + end  # optax's (I - E) * 1 ** power + E, I up to an ulp
    if power == 0:
        return _const(first)  # x ** 0 == 1, even at x == 0
    curve = n.Polynomial(kind="polynomial", base_lr=init, end_lr=end, decay_steps=steps, power=power)
    if begin <= 0:
        return [(0, 0, curve)]
    return [(0, 0, n.Constant(kind="constant", lr=first)), (begin, begin, curve)]


def _exponential(
    init: float, steps: int, rate: float, begin: int, staircase: bool, end: float | None
) -> list[Piece]:
    if steps <= 0 or rate == 0.0:
        return _const(init)
    first = init if end is None else (max(init, end) if rate < 1.0 else min(init, end))
    curve = n.Exponential(
        kind="exponential", base_lr=init, rate=rate, decay_steps=steps, staircase=staircase, end_lr=end
    )
    if begin <= 0:
        return [(0, 0, curve)]
    return [(0, 0, n.Constant(kind="constant", lr=first)), (begin, begin, curve)]


def _cosine(init: float, steps: int, alpha: float, exponent: float) -> list[Piece]:
    if exponent == 0.0:
        return _const(init * ((1 - alpha) * 1.0 + alpha))  # cd ** 0 == 1, even at cd == 0
    return [
        (
            0,
            0,
            n.CosineAnnealing(
                kind="cosine_annealing", base_lr=init, min_lr=init * alpha, t_max=steps, exponent=exponent
            ),
        )
    ]


def _interpolate(kind: Literal["linear", "cosine"], init: float, scales: Mapping[int, float]) -> list[Piece]:
    """``piecewise_interpolate_schedule``: knots at 0 and each boundary, values the running product."""
    bounds, values = [0], [init]
    for b, s in sorted(scales.items()):
        bounds.append(b)
        values.append(values[-1] * s)
    # an empty interval (a boundary 0 after the prepended 0) never shows: its knot gives way to the next
    keep = [k for k in range(len(bounds)) if k + 1 == len(bounds) or bounds[k + 1] != bounds[k]]
    if len(keep) == 1:
        return _const(values[keep[0]])
    steps, vals = [bounds[k] for k in keep], [values[k] for k in keep]
    if kind == "linear":
        return [(0, 0, n.PiecewiseLinear(kind="piecewise_linear", steps=steps, values=vals))]
    return [(0, 0, n.PiecewiseCosine(kind="piecewise_cosine", steps=steps, values=vals))]


def _warmup_cosine(a: WarmupCosineDecayScheduleArgs) -> list[Piece]:
    alpha = 0.0 if a.peak_value == 0.0 else a.end_value / a.peak_value
    return _join(
        [
            _polynomial(a.init_value, a.peak_value, 1.0, a.warmup_steps),
            _cosine(a.peak_value, a.decay_steps - a.warmup_steps, alpha, a.exponent),
        ],
        [a.warmup_steps],
    )


# --------------------------------------------------------------------------------------------------------
# argument checks


def _require(ok: bool, message: str) -> None:
    if not ok:
        raise ValueError(message)


def _transition_steps(value: int) -> int:
    _require(value > 0, f"transition_steps must be > 0 (got {value}): {_SILENT} when it is <= 0")
    return value


def _transition_begin(value: int) -> int:
    _require(
        value >= 0,
        f"transition_begin must be >= 0 (got {value}): optax silently treats a negative transition_begin "
        "as 0",
    )
    return value


def _warmup_steps(value: int) -> int:
    _require(
        value >= 0,
        f"warmup_steps must be >= 0 (got {value}): optax would start what follows the warm-up "
        f"{-value} steps into it",
    )
    return value


def _decay_rate(value: float, after_warmup: bool = False) -> float:
    _require(
        value >= 0.0,
        f"decay_rate must be >= 0 (got {value}): a negative rate gives NaN (alternating signs "
        "with staircase)",
    )
    where = " after the warm-up" if after_warmup else ""
    _require(value != 0.0, f"decay_rate 0: optax silently returns a constant{where} (the decay is skipped)")
    return value


def _check_exponential(rate: float, end: float | None) -> None:
    _require(
        rate <= 1.0 or end is not None,
        f"decay_rate {rate} > 1 grows without bound: give end_value as its ceiling",
    )


_INT_KEY = re.compile(r"-?(0|[1-9][0-9]*)")


def _int_keys(value: Any) -> Any:
    """``boundaries_and_scales`` keys: JSON strings holding integers (``"100"``), or ints."""
    if not isinstance(value, Mapping):
        return value
    out: dict[int, Any] = {}
    for key, scale in value.items():
        if isinstance(key, str) and _INT_KEY.fullmatch(key):
            step = int(key)
        elif isinstance(key, int) and not isinstance(key, bool):
            step = key
        else:
            raise ValueError(f'boundary {key!r} is not an integer step (write it as a string such as "100")')
        if step in out:
            raise ValueError(f"boundary {step} is given twice")
        out[step] = scale
    return out


def _scale(value: float) -> float:
    _require(value >= 0.0, f"scale {value} is negative: optax expects non-negative scale factors")
    return value


#: A scale factor (optax refuses a negative one).
Scale = Annotated[float, AfterValidator(_scale)]
#: ``{step: scale}``.
BoundariesAndScales = Annotated[dict[Steps, Scale], BeforeValidator(_int_keys), Field(max_length=MAX_ITEMS)]


# --------------------------------------------------------------------------------------------------------
# entries


class _Optax(DialectSpec):
    """Base of an optax entry: no ``base_lr``; checks at parse time that the translation is valid."""

    kind: Literal["optax"] = "optax"

    @model_validator(mode="before")
    @classmethod
    def _no_base_lr(cls, data: Any) -> Any:
        if isinstance(data, Mapping) and "base_lr" in data:
            raise ValueError(
                "optax schedules have no base_lr: their values are absolute learning rates "
                "(init_value, peak_value, value, ...)"
            )
        return data

    def pieces(self) -> list[Piece]:
        """The schedule as pieces over its own steps (see ``_join``)."""
        raise NotImplementedError

    def native(self) -> n.NativeSpec:
        return _assemble(self.pieces())

    @model_validator(mode="after")
    def _translatable(self) -> Self:
        try:
            self.native()
        except ValidationError as exc:
            parts = []
            for e in exc.errors(include_url=False):
                loc = ".".join(str(x) for x in e["loc"])
                parts.append(f"{loc}: {e['msg']}" if loc else str(e["msg"]))
            raise ValueError(f"no valid native translation: {'; '.join(parts)}") from None
        return self


class ConstantScheduleArgs(Args):
    """``constant_schedule``'s arguments."""

    value: LR


class ConstantSchedule(_Optax):
    """``value`` at every step."""

    name: Literal["constant_schedule"]
    args: ConstantScheduleArgs

    def pieces(self) -> list[Piece]:
        return _const(self.args.value)


class LinearScheduleArgs(Args):
    """``linear_schedule``'s arguments."""

    init_value: LR
    end_value: LR
    transition_steps: Steps
    transition_begin: Steps = 0

    _steps = field_validator("transition_steps")(_transition_steps)
    _begin = field_validator("transition_begin")(_transition_begin)


class LinearSchedule(_Optax):
    """Linear from ``init_value`` to ``end_value`` over ``transition_steps`` after ``transition_begin``."""

    name: Literal["linear_schedule"]
    args: LinearScheduleArgs

    def pieces(self) -> list[Piece]:
        a = self.args
        return _polynomial(a.init_value, a.end_value, 1.0, a.transition_steps, a.transition_begin)


class PolynomialScheduleArgs(LinearScheduleArgs):
    """``polynomial_schedule``'s arguments."""

    power: NonNegative

    @field_validator("power", mode="before")
    @classmethod
    def _power(cls, value: Any) -> Any:
        if isinstance(value, int | float) and not isinstance(value, bool) and value < 0:
            raise ValueError(f"power must be >= 0 (got {value}): a negative power is infinite at the end")
        return value


class PolynomialSchedule(_Optax):
    """``(init - end) * (1 - c / transition_steps) ** power + end``, ``c`` the steps since the begin."""

    name: Literal["polynomial_schedule"]
    args: PolynomialScheduleArgs

    def pieces(self) -> list[Piece]:
        a = self.args
        return _polynomial(a.init_value, a.end_value, a.power, a.transition_steps, a.transition_begin)


class PiecewiseConstantScheduleArgs(Args):
    """``piecewise_constant_schedule``'s arguments."""

    init_value: LR
    boundaries_and_scales: BoundariesAndScales | None = None


class PiecewiseConstantSchedule(_Optax):
    """``init_value`` times every scale whose boundary is ``<= t``."""

    name: Literal["piecewise_constant_schedule"]
    args: PiecewiseConstantScheduleArgs

    def pieces(self) -> list[Piece]:
        a = self.args
        items = sorted((a.boundaries_and_scales or {}).items())
        if not items:
            return _const(a.init_value)
        values = [a.init_value]
        for _, s in items:
            values.append(values[-1] * s)
        bounds = [max(b, 0) for b, _ in items]  # a boundary <= 0 applies from step 0
        return [(0, 0, n.PiecewiseConstant(kind="piecewise_constant", boundaries=bounds, values=values))]


class PiecewiseInterpolateScheduleArgs(Args):
    """``piecewise_interpolate_schedule``'s arguments."""

    interpolate_type: Literal["linear", "cosine"]
    init_value: LR
    boundaries_and_scales: BoundariesAndScales | None = None

    @field_validator("boundaries_and_scales")
    @classmethod
    def _non_negative(cls, value: dict[int, float] | None) -> dict[int, float] | None:
        for b in value or {}:
            _require(
                b >= 0,
                f"boundary {b} is negative: optax's interpolation prepends a knot at 0 and needs the "
                "boundaries after it",
            )
        return value


class PiecewiseInterpolateSchedule(_Optax):
    """Linear or half-cosine interpolation between knots at 0 and each boundary (running products)."""

    name: Literal["piecewise_interpolate_schedule"]
    args: PiecewiseInterpolateScheduleArgs

    def pieces(self) -> list[Piece]:
        a = self.args
        return _interpolate(a.interpolate_type, a.init_value, a.boundaries_and_scales or {})


class ExponentialDecayArgs(Args):
    """``exponential_decay``'s arguments."""

    init_value: LR
    transition_steps: Steps
    decay_rate: float
    transition_begin: Steps = 0
    staircase: bool = False
    end_value: LR | None = None

    _steps = field_validator("transition_steps")(_transition_steps)
    _begin = field_validator("transition_begin")(_transition_begin)

    @field_validator("decay_rate")
    @classmethod
    def _rate(cls, value: float) -> float:
        return _decay_rate(value)

    @model_validator(mode="after")
    def _check(self) -> Self:
        _check_exponential(self.decay_rate, self.end_value)
        return self


class ExponentialDecay(_Optax):
    """``init_value * decay_rate ** ((t - transition_begin) / transition_steps)``, clipped at
    ``end_value``."""

    name: Literal["exponential_decay"]
    args: ExponentialDecayArgs

    def pieces(self) -> list[Piece]:
        a = self.args
        return _exponential(
            a.init_value, a.transition_steps, a.decay_rate, a.transition_begin, a.staircase, a.end_value
        )


def _decay_steps(value: int) -> int:
    _require(value > 0, f"The cosine_decay_schedule requires positive decay_steps, got decay_steps={value}")
    return value


class CosineDecayScheduleArgs(Args):
    """``cosine_decay_schedule``'s arguments."""

    init_value: LR
    decay_steps: Steps
    alpha: NonNegative = 0.0
    exponent: NonNegative = 1.0

    _decay = field_validator("decay_steps")(_decay_steps)


class CosineDecaySchedule(_Optax):
    """Half-cosine from ``init_value`` to ``init_value * alpha`` over ``decay_steps``, then constant."""

    name: Literal["cosine_decay_schedule"]
    args: CosineDecayScheduleArgs

    def pieces(self) -> list[Piece]:
        a = self.args
        return _cosine(a.init_value, a.decay_steps, a.alpha, a.exponent)


class WarmupCosineDecayScheduleArgs(Args):
    """``warmup_cosine_decay_schedule``'s arguments (also one cycle of ``sgdr_schedule``)."""

    init_value: LR
    peak_value: LR
    warmup_steps: Steps
    decay_steps: Steps
    end_value: LR = 0.0
    exponent: NonNegative = 1.0

    _warmup = field_validator("warmup_steps")(_warmup_steps)

    @model_validator(mode="after")
    def _check(self) -> Self:
        d = self.decay_steps - self.warmup_steps
        _require(
            d > 0,
            f"decay_steps ({self.decay_steps}) must be greater than warmup_steps ({self.warmup_steps}): it "
            f"counts the warm-up too (optax: The cosine_decay_schedule requires positive decay_steps, got "
            f"decay_steps={d})",
        )
        return self


class WarmupCosineDecaySchedule(_Optax):
    """Linear warm-up to ``peak_value``, then cosine to ``end_value`` at ``decay_steps`` (from step 0)."""

    name: Literal["warmup_cosine_decay_schedule"]
    args: WarmupCosineDecayScheduleArgs

    def pieces(self) -> list[Piece]:
        return _warmup_cosine(self.args)


class WarmupExponentialDecayScheduleArgs(Args):
    """``warmup_exponential_decay_schedule``'s arguments."""

    init_value: LR
    peak_value: LR
    warmup_steps: Steps
    transition_steps: Steps
    decay_rate: float
    transition_begin: Steps = 0
    staircase: bool = False
    end_value: LR | None = None

    _warmup = field_validator("warmup_steps")(_warmup_steps)
    _begin = field_validator("transition_begin")(_transition_begin)

    @field_validator("transition_steps")
    @classmethod
    def _steps(cls, value: int) -> int:
        _require(
            value > 0,
            f"transition_steps must be > 0 (got {value}): optax silently returns a constant after the "
            "warm-up when it is <= 0",
        )
        return value

    @field_validator("decay_rate")
    @classmethod
    def _rate(cls, value: float) -> float:
        return _decay_rate(value, after_warmup=True)

    @model_validator(mode="after")
    def _check(self) -> Self:
        _check_exponential(self.decay_rate, self.end_value)
        return self


class WarmupExponentialDecaySchedule(_Optax):
    """Linear warm-up to ``peak_value``, then ``exponential_decay`` from it (counting from the warm-up's
    end)."""

    name: Literal["warmup_exponential_decay_schedule"]
    args: WarmupExponentialDecayScheduleArgs

    def pieces(self) -> list[Piece]:
        a = self.args
        decay = _exponential(
            a.peak_value, a.transition_steps, a.decay_rate, a.transition_begin, a.staircase, a.end_value
        )
        return _join([_polynomial(a.init_value, a.peak_value, 1.0, a.warmup_steps), decay], [a.warmup_steps])


class WarmupConstantScheduleArgs(Args):
    """``warmup_constant_schedule``'s arguments."""

    init_value: LR
    peak_value: LR
    warmup_steps: Steps

    @field_validator("warmup_steps")
    @classmethod
    def _steps(cls, value: int) -> int:
        _require(
            value > 0,
            f"warmup_steps must be > 0 (got {value}): {_SILENT} (not peak_value) when it is <= 0; "
            "use constant_schedule",
        )
        return value


class WarmupConstantSchedule(_Optax):
    """Linear warm-up from ``init_value`` to ``peak_value`` over ``warmup_steps``, then ``peak_value``."""

    name: Literal["warmup_constant_schedule"]
    args: WarmupConstantScheduleArgs

    def pieces(self) -> list[Piece]:
        a = self.args
        return _polynomial(a.init_value, a.peak_value, 1.0, a.warmup_steps)


class JoinSchedulesArgs(Args):
    """``join_schedules``' arguments: member schedules (``{"name", "args"}``) and absolute boundaries."""

    schedules: Annotated[list[OptaxSpec], Field(min_length=1, max_length=MAX_ITEMS)]
    boundaries: Annotated[list[Steps], Field(max_length=MAX_ITEMS - 1)]

    @model_validator(mode="after")
    def _check(self) -> Self:
        s, b = len(self.schedules), len(self.boundaries)
        _require(
            b <= s - 1,
            f"{b} boundaries for {s} schedules: optax silently ignores the boundaries after the first "
            "len(schedules) - 1; give one boundary fewer than schedules",
        )
        _require(
            b >= s - 1,
            f"{b} boundaries for {s} schedules: optax silently ignores the schedules after the first "
            "len(boundaries) + 1; give one boundary fewer than schedules",
        )
        return self


class JoinSchedules(_Optax):
    """Member ``i`` from ``boundaries[i-1]`` on, evaluated at ``t - boundaries[i-1]``; later members win."""

    name: Literal["join_schedules"]
    args: JoinSchedulesArgs

    def pieces(self) -> list[Piece]:
        a = self.args
        return _join([m.pieces() for m in a.schedules], list(a.boundaries))


class SgdrScheduleArgs(Args):
    """``sgdr_schedule``'s argument: one ``warmup_cosine_decay_schedule`` argument set per cycle."""

    cosine_kwargs: Annotated[
        list[WarmupCosineDecayScheduleArgs], Field(min_length=1, max_length=MAX_ITEMS // 2)
    ]


class SgdrSchedule(_Optax):
    """Warm-up + cosine cycles back to back; each cycle lasts its ``decay_steps`` (warm-up included)."""

    name: Literal["sgdr_schedule"]
    args: SgdrScheduleArgs

    def pieces(self) -> list[Piece]:
        cycles = self.args.cosine_kwargs
        bounds, at = [], 0
        for kw in cycles[:-1]:
            at += kw.decay_steps
            bounds.append(at)
        return _join([_warmup_cosine(kw) for kw in cycles], bounds)


class _OnecycleArgs(Args):
    """What both onecycle schedules take."""

    transition_steps: Steps
    peak_value: LR
    pct_start: float = 0.3
    div_factor: Positive = 25.0
    final_div_factor: Positive = 1e4

    @field_validator("transition_steps")
    @classmethod
    def _steps(cls, value: int) -> int:
        _require(
            value > 0, "A linear onecycle schedule was set with a non-positive `transition_steps` (optax)"
        )
        return value

    def _scales(self) -> dict[int, float]:
        raise NotImplementedError

    @model_validator(mode="after")
    def _check(self) -> Self:
        try:
            scales = self._scales()
        except ZeroDivisionError:  # div_factor * final_div_factor underflows to 0
            raise ValueError("div_factor * final_div_factor is 0 in float64: a division by zero") from None
        for b in scales:
            _require(b >= 0, f"a negative pct gives the boundary {b}, before step 0")
        return self


class CosineOnecycleScheduleArgs(_OnecycleArgs):
    """``cosine_onecycle_schedule``'s arguments."""

    def _scales(self) -> dict[int, float]:
        t = self.transition_steps
        return {
            int(self.pct_start * t): self.div_factor,
            int(t): 1.0 / (self.div_factor * self.final_div_factor),
        }


class CosineOnecycleSchedule(_Optax):
    """Half-cosine from ``peak / div_factor`` up to the peak at ``pct_start``, then down to the end."""

    name: Literal["cosine_onecycle_schedule"]
    args: CosineOnecycleScheduleArgs

    def pieces(self) -> list[Piece]:
        a = self.args
        return _interpolate("cosine", a.peak_value / a.div_factor, a._scales())


class LinearOnecycleScheduleArgs(_OnecycleArgs):
    """``linear_onecycle_schedule``'s arguments."""

    pct_final: float = 0.85

    def _scales(self) -> dict[int, float]:
        t = self.transition_steps
        # a dict literal: a colliding boundary keeps the later scale
        return {
            int(self.pct_start * t): self.div_factor,
            int(self.pct_final * t): 1.0 / self.div_factor,
            t: 1.0 / self.final_div_factor,
        }


class LinearOnecycleSchedule(_Optax):
    """Linear up to the peak at ``pct_start``, down to ``peak / div_factor`` at ``pct_final``, then to the
    final value at ``transition_steps``."""

    name: Literal["linear_onecycle_schedule"]
    args: LinearOnecycleScheduleArgs

    def pieces(self) -> list[Piece]:
        a = self.args
        return _interpolate("linear", a.peak_value / a.div_factor, a._scales())


class ReduceOnPlateau(DialectSpec):
    """Refused: ``optax.contrib.reduce_on_plateau`` follows a metric, not the step."""

    kind: Literal["optax"] = "optax"
    name: Literal["reduce_on_plateau"]
    args: dict[str, Any] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _refuse(self) -> Self:
        unsupported(
            "reduce_on_plateau is not a function of the step: it scales the updates down when the loss "
            "passed to update() stops improving, so no schedule can be computed ahead"
        )
        return self

    def pieces(self) -> list[Piece]:  # pragma: no cover - never validated
        raise NotImplementedError

    def native(self) -> n.NativeSpec:  # pragma: no cover - never validated
        raise NotImplementedError


OptaxSpec = Annotated[
    ConstantSchedule
    | LinearSchedule
    | PolynomialSchedule
    | PiecewiseConstantSchedule
    | PiecewiseInterpolateSchedule
    | ExponentialDecay
    | CosineDecaySchedule
    | WarmupCosineDecaySchedule
    | WarmupExponentialDecaySchedule
    | WarmupConstantSchedule
    | JoinSchedules
    | SgdrSchedule
    | CosineOnecycleSchedule
    | LinearOnecycleSchedule
    | ReduceOnPlateau,
    Field(discriminator="name"),
]

JoinSchedulesArgs.model_rebuild()
JoinSchedules.model_rebuild()
