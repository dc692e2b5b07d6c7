"""Primitive schedules. Each class is a pure function of the step with a vectorised and a scalar path.

Parameters are trusted: validation happens once, at the edge (``lrserve.specs``). Formulas are written
in the operation order of the library that owns the schedule where that matters for the last ulp
(noted per class); every library's quirks live in its dialect, which builds these primitives.
"""

from __future__ import annotations

import bisect
import math
from collections.abc import Sequence as Seq
from typing import Literal

import numpy as np
import numpy.typing as npt

from ._base import MAX_STEP, FloatArray, IntArray, Schedule, fill_blocks, fill_pieces
from ._shapes import ShapeName, cosine_fraction, cosine_fraction_into, shape_fraction, shape_fraction_into

__all__ = [
    "Constant",
    "Cyclic",
    "Exponential",
    "InverseSqrt",
    "InverseTime",
    "MultiStep",
    "OneCycle",
    "PiecewiseConstant",
    "PiecewiseInterpolate",
    "Polynomial",
    "Restarts",
    "StableDecay",
    "StepDecay",
    "Transition",
]

_PI = math.pi
#: Up to this many constant pieces, a step-wise kind fills pieces instead of computing per step.
_MAX_PIECES = 256


class Constant(Schedule):
    """``lr(t) = value``."""

    __slots__ = ("value",)

    def __init__(self, value: float) -> None:
        self.value = float(value)

    def fill(self, t: IntArray, out: FloatArray) -> None:
        out.fill(self.value)

    def at(self, t: int) -> float:
        return self.value


class Transition(Schedule):
    """From ``start`` to ``end`` over ``steps`` steps along ``shape`` (see ``_shapes``), then ``end``.

    ``clamp=False`` keeps evaluating the formula past ``steps`` instead of holding ``end``: a cosine then
    rises again with period ``2 * steps``, as PyTorch's ``CosineAnnealingLR`` does.
    The ``log`` shape reaches ``end`` at ``steps - 1`` (DeepSpeed's convention), so it holds from there.
    ``waves`` (cosine) makes that many half-waves over ``steps``, the angle computed as
    ``(pi * waves) * (t / steps)`` (Hugging Face's ``pi * num_cycles * 2.0 * progress``, which rounds the
    same way), so far past ``steps``, where the angle is large, the values follow the library's; ``None``
    is one half-wave at ``pi * t / steps`` (PyTorch's rounding).
    """

    __slots__ = (
        "clamp",
        "end",
        "falling",
        "fix_end",
        "fix_start",
        "hold_from",
        "param",
        "shape",
        "start",
        "steps",
        "waves",
    )

    def __init__(
        self,
        start: float,
        end: float,
        steps: int | float,
        shape: ShapeName = "linear",
        param: float = 1.0,
        clamp: bool = True,
        waves: float | None = None,
    ) -> None:
        self.start, self.end, self.steps = float(start), float(end), float(steps)
        self.shape, self.param, self.clamp = shape, float(param), clamp
        self.waves = None if waves is None else float(waves)
        self.falling = abs(self.end) <= abs(self.start)
        self.hold_from = self.steps - 1.0 if shape == "log" else self.steps
        # The formula reaches its far end only up to an ulp (``end + (start - end) * 1`` may not be
        # ``start``). Both ends are pinned exactly, with a fix-up pass only where the sum rounds off.
        self.fix_start = self.falling and self.end + (self.start - self.end) != self.start
        self.fix_end = self.clamp and not self.falling and self.start + (self.end - self.start) != self.end

    def fill(self, t: IntArray, out: FloatArray) -> None:
        if self.clamp:
            np.minimum(t, self.hold_from, out=out)
        else:
            out[...] = t
        if self.waves is not None:
            _waves_into(out, self.steps, _PI * self.waves, not self.falling, self.param)
        else:
            shape_fraction_into(self.shape, out, self.steps, not self.falling, self.param)
        if self.falling:
            out *= self.start - self.end
            out += self.end
        else:
            out *= self.end - self.start
            out += self.start
        if self.fix_end:
            out[t >= self.hold_from] = self.end
        if self.fix_start:
            out[t == 0] = self.start

    def at(self, t: int) -> float:
        if self.clamp and t >= self.hold_from:
            return self.end
        if t == 0:
            return self.start
        if self.waves is not None:
            g = _waves_one(t, self.steps, _PI * self.waves, not self.falling, self.param)
            return (
                self.end + (self.start - self.end) * g
                if self.falling
                else self.start + (self.end - self.start) * g
            )
        if self.falling:
            return self.end + (self.start - self.end) * shape_fraction(
                self.shape, t, self.steps, False, self.param
            )
        return self.start + (self.end - self.start) * shape_fraction(
            self.shape, t, self.steps, True, self.param
        )


def _waves_into(x: FloatArray, steps: float, angle: float, done: bool, param: float) -> None:
    """In place: the cosine fraction remaining (or done) at ``angle * (x / steps)``."""
    x /= steps
    x *= angle
    np.cos(x, out=x)
    cosine_fraction_into(x, done, param)


def _waves_one(t: float, steps: float, angle: float, done: bool, param: float) -> float:
    return cosine_fraction(math.cos(angle * (t / steps)), done, param)


class StepDecay(Schedule):
    """``lr(t) = base * factor ** floor(t / step_size)`` (PyTorch ``StepLR``); a fractional ``step_size``
    floors as Python's ``t // step_size`` (timm's ``StepLRScheduler``)."""

    __slots__ = ("base", "factor", "step_size")

    def __init__(self, base: float, step_size: float, factor: float) -> None:
        whole = float(step_size).is_integer()
        self.base, self.factor = float(base), float(factor)
        self.step_size: int | float = int(step_size) if whole else float(step_size)

    def fill(self, t: IntArray, out: FloatArray) -> None:
        s = self.step_size
        if t.size and isinstance(s, int):
            k0, k1 = int(t.min()) // s, int(t.max()) // s
            if k1 - k0 < max(_MAX_PIECES, t.size // 512):  # pieces of >= ~512 steps pay for their call
                # few decays in range: constant pieces (no per-step division or pow)
                edges = np.arange(k0 + 1, k1 + 1, dtype=np.int64) * s
                fill_pieces(t, out, edges, "right", lambda j, _, o: o.fill(self._value(k0 + j)))
                return
        np.floor_divide(t, s, out=out, casting="unsafe")
        np.power(self.factor, out, out=out)
        out *= self.base

    def _value(self, k: int) -> float:
        return self.base * math.pow(self.factor, k)

    def at(self, t: int) -> float:
        return self.base * math.pow(self.factor, t // self.step_size)


class MultiStep(Schedule):
    """``lr(t) = base * factor ** (number of milestones <= t)`` (PyTorch ``MultiStepLR``).

    Milestones may repeat; a milestone listed k times multiplies by ``factor ** k``.
    """

    __slots__ = ("_milestones", "base", "factor", "milestones")

    def __init__(self, base: float, milestones: Seq[int], factor: float) -> None:
        self.base, self.factor = float(base), float(factor)
        self.milestones = np.asarray(sorted(milestones), dtype=np.int64)
        self._milestones = [int(m) for m in self.milestones]

    def fill(self, t: IntArray, out: FloatArray) -> None:
        fill_pieces(t, out, self.milestones, "right", self._fill_piece)

    def _fill_piece(self, k: int, t: IntArray, out: FloatArray) -> None:
        out.fill(self.base * math.pow(self.factor, k))

    def at(self, t: int) -> float:
        return self.base * math.pow(self.factor, bisect.bisect_right(self._milestones, t))


class Exponential(Schedule):
    """``lr(t) = base * rate ** (t / decay_steps)``, floored to whole periods when ``staircase``,
    then clipped at ``bound`` (a floor when ``rate < 1``, a ceiling when ``rate > 1``), as optax's
    ``exponential_decay`` and Keras' ``ExponentialDecay``.
    """

    __slots__ = ("base", "bound", "decay_steps", "rate", "staircase")

    def __init__(
        self,
        base: float,
        rate: float,
        decay_steps: float = 1.0,
        staircase: bool = False,
        bound: float | None = None,
    ) -> None:
        self.base, self.rate, self.decay_steps = float(base), float(rate), float(decay_steps)
        self.staircase, self.bound = staircase, bound

    def fill(self, t: IntArray, out: FloatArray) -> None:
        np.divide(t, self.decay_steps, out=out)
        if self.staircase:
            np.floor(out, out=out)
        np.power(self.rate, out, out=out)
        out *= self.base
        if self.bound is not None:
            (np.maximum if self.rate < 1.0 else np.minimum)(out, self.bound, out=out)

    def at(self, t: int) -> float:
        p = t / self.decay_steps
        if self.staircase:
            p = math.floor(p)
        try:
            v = self.base * math.pow(self.rate, p)
        except OverflowError:  # numpy gives inf here; the ceiling (if any) applies next
            v = math.inf
        if self.bound is not None:
            v = max(v, self.bound) if self.rate < 1.0 else min(v, self.bound)
        return v


class InverseTime(Schedule):
    """``lr(t) = base / (1 + rate * t / decay_steps)`` (Keras ``InverseTimeDecay``), optionally staircase."""

    __slots__ = ("base", "decay_steps", "rate", "staircase")

    def __init__(self, base: float, rate: float, decay_steps: float, staircase: bool = False) -> None:
        self.base, self.rate, self.decay_steps, self.staircase = (
            float(base),
            float(rate),
            float(decay_steps),
            staircase,
        )

    def fill(self, t: IntArray, out: FloatArray) -> None:
        np.divide(t, self.decay_steps, out=out)
        if self.staircase:
            np.floor(out, out=out)
        out *= self.rate
        out += 1.0
        np.divide(self.base, out, out=out)

    def at(self, t: int) -> float:
        p = t / self.decay_steps
        if self.staircase:
            p = math.floor(p)
        return self.base / (1.0 + self.rate * p)


class InverseSqrt(Schedule):
    """``lr(t) = base * 1 / sqrt((t + shift) / timescale)`` (Hugging Face ``get_inverse_sqrt_schedule``
    after its warm-up, where ``shift = timescale - warmup``)."""

    __slots__ = ("base", "shift", "timescale")

    def __init__(self, base: float, timescale: float, shift: float = 0.0) -> None:
        self.base, self.timescale, self.shift = float(base), float(timescale), float(shift)

    def fill(self, t: IntArray, out: FloatArray) -> None:
        np.add(t, self.shift, out=out)
        out /= self.timescale
        np.sqrt(out, out=out)
        np.divide(1.0, out, out=out)
        out *= self.base

    def at(self, t: int) -> float:
        return self.base * (1.0 / math.sqrt((t + self.shift) / self.timescale))


class Polynomial(Schedule):
    """``lr(t) = (base - end) * (1 - t / d) ** power + end`` with ``t`` clamped to ``d``, or, with
    ``cycle``, ``d`` stretched to the next multiple of ``decay_steps`` past ``t`` (Keras
    ``PolynomialDecay``; ``t = 0`` uses one period)."""

    __slots__ = ("base", "cycle", "decay_steps", "end", "power")

    def __init__(
        self, base: float, end: float, decay_steps: float, power: float = 1.0, cycle: bool = False
    ) -> None:
        self.base, self.end, self.decay_steps = float(base), float(end), float(decay_steps)
        self.power, self.cycle = float(power), cycle

    def fill(self, t: IntArray, out: FloatArray) -> None:
        if self.cycle:
            d = np.divide(t, self.decay_steps)
            np.ceil(d, out=d)
            np.maximum(d, 1.0, out=d)
            d *= self.decay_steps
            np.divide(t, d, out=out)
        else:
            np.minimum(t, self.decay_steps, out=out)
            out /= self.decay_steps
        np.subtract(1.0, out, out=out)
        np.power(out, self.power, out=out)
        out *= self.base - self.end
        out += self.end

    def at(self, t: int) -> float:
        if self.cycle:
            d = self.decay_steps * max(math.ceil(t / self.decay_steps), 1.0)
            p = t / d
        else:
            p = min(t, self.decay_steps) / self.decay_steps
        return (self.base - self.end) * math.pow(1.0 - p, self.power) + self.end


class Restarts(Schedule):
    """Annealing in cycles (SGDR): cycle ``i`` lasts ``period * mult ** i`` steps and anneals from its
    peak to ``floor`` along ``shape``; from cycle ``cycle_limit`` on the value is ``floor``.

    The peak of cycle ``i``: ``decay_mode="peak"`` (timm): ``floor + (base * decay**i - floor) * g``;
    ``decay_mode="amplitude"`` (Keras): ``floor + (base - floor) * decay**i * g``.
    ``g`` is the fraction remaining at ``x = (t_cur / t_i) ** ... `` per shape:
    cosine ``(1 + cos(pi * t_cur**k / t_i**k)) / 2``; poly ``(1 - t_cur**k / t_i**k) ** power``;
    tanh ``(1 - tanh(lb * (1 - x) + ub * x)) / 2`` with ``x = t_cur / t_i``.
    With ``mult != 1`` the cycle index is ``floor(log(1 - t / period * (1 - mult)) / log(mult))``
    as in timm and Keras, in float64 with the C library's ``log`` and ``pow`` (Python's ``math``, what timm
    calls), so a float rounding that puts an exact cycle boundary into the previous cycle, or makes
    ``t_cur`` a hair negative, happens at the same steps as in timm. With ``mult < 1`` the cycles shrink
    and end at ``period / (1 - mult)``: ``last_step`` is the last step where the log is defined (even after
    ``cycle_limit``, as timm). Where ``t_cur ** k`` or ``(1 - x) ** power`` is not real (a negative
    ``t_cur`` with a fractional ``k``) the value is NaN, an error for ``evaluate``.
    With ``cycles`` (``mult`` 1) ``period`` holds that many equal cycles, as Hugging Face's hard restarts
    compute them: ``u = cycles * (t / period)``, ``i = floor(u)``, ``x = u - i`` (``t_cur = x``, ``t_i = 1``).

    ``index="float32"`` finds the cycle and the position in it as Keras' ``CosineDecayRestarts`` does, every
    operation an IEEE float32 one on the float32 roundings of ``t``, ``period`` and ``mult``:
    ``cf = t / period``, ``i = floor(log(1 - cf * (1 - mult)) / log(mult))`` with numpy's float32 ``log``
    (what Keras' numpy backend calls) and ``x = (cf - (1 - mult**i) / (1 - mult)) / mult**i``
    (``i = floor(cf)``, ``x = cf - i`` for ``mult`` 1; ``mult**i`` is float64's rounded to float32), then
    ``t_cur = x`` clamped to ``[0, 1]`` and ``t_i = 1``. An exact cycle start can then fall into the previous
    cycle (``log(32768) / log(2)`` is 14.999999 in float32) or a step just before a start into the next
    one, where Keras' does, and the position carries Keras' float32 rounding (``cf`` is only within an ulp
    of ``t / period``). ``last_step`` (``mult < 1``) is the last step where float32's
    ``1 - cf * (1 - mult)`` is positive.
    """

    __slots__ = (
        "_f32",
        "base",
        "cycle_limit",
        "cycles",
        "decay",
        "decay_mode",
        "floor",
        "index",
        "k",
        "last_step",
        "lb",
        "log_mult",
        "mult",
        "period",
        "power",
        "shape",
        "ub",
    )

    def __init__(
        self,
        base: float,
        floor: float,
        period: float,
        mult: float = 1.0,
        decay: float = 1.0,
        decay_mode: Literal["peak", "amplitude"] = "peak",
        cycle_limit: int | None = None,
        k: float = 1.0,
        shape: Literal["cosine", "poly", "tanh"] = "cosine",
        power: float = 1.0,
        lb: float = -7.0,
        ub: float = 3.0,
        cycles: float | None = None,
        index: Literal["float64", "float32"] = "float64",
    ) -> None:
        self.base, self.floor, self.period, self.mult = float(base), float(floor), float(period), float(mult)
        self.index = index
        self.cycles = None if cycles is None else float(cycles)
        self.decay, self.decay_mode, self.cycle_limit, self.k = (
            float(decay),
            decay_mode,
            cycle_limit,
            float(k),
        )
        self.shape, self.power, self.lb, self.ub = shape, float(power), float(lb), float(ub)
        self.log_mult = math.log(self.mult)
        self.last_step = _restarts_last_step(self.period, self.mult) if self.mult < 1.0 else None
        self._f32: _Float32Cycle | None = None
        if index == "float32":
            self._f32 = _Float32Cycle(self.period, self.mult)
            self.last_step = self._f32.last_step() if self.mult < 1.0 else None

    def _cycle(self, t: FloatArray) -> tuple[FloatArray, FloatArray, FloatArray | float]:
        """(cycle index i, t_cur, t_i): float arrays, t_i a float where all cycles are alike.
        ``t`` is a scratch array that may be overwritten; i and t_cur are fresh arrays."""
        p, m = self.period, self.mult
        if self._f32 is not None:
            i, x = self._f32.cycle(t)
            return i, x, 1.0
        if self.cycles is not None:
            u = t / p
            u *= self.cycles
            i = np.floor(u)
            u -= i
            return i, u, 1.0
        if m == 1.0:
            # t - p * floor(t / p), exactly (fmod is exact); the index only where decay or a limit reads it
            needs_i = self.decay != 1.0 or self.cycle_limit is not None
            i = np.floor_divide(t, p) if needs_i else t
            return i, np.fmod(t, p), p
        x = 1.0 - t / p * (1.0 - m)
        y = np.log(x)
        y /= self.log_mult
        i = np.floor(y)
        # np.log may differ from the C library's log by an ulp on some CPUs (numpy's own SIMD loops): where
        # the quotient is within a hair of a whole number, the floor is redone with math.log, as timm does
        near = np.flatnonzero(np.abs(y - np.rint(y)) <= 1e-9 * np.maximum(np.abs(y), 1.0))
        if near.size:  # a loop over the distinct values near a cycle start (a few per cycle), not over steps
            values, where = np.unique(x[near], return_inverse=True)
            floors = [math.floor(math.log(v) / self.log_mult) for v in values.tolist()]
            i[near] = np.asarray(floors, dtype=np.float64)[where]
        mi = _powers(m, i)
        return i, t - (1.0 - mi) / (1.0 - m) * p, mi * p

    def _cycle_one(self, t: float) -> tuple[float, float, float]:
        p, m = self.period, self.mult
        if self._f32 is not None:
            i, x = self._f32.cycle_one(t)
            return i, x, 1.0
        if self.cycles is not None:
            u = self.cycles * (t / p)
            i = float(math.floor(u))
            return i, u - i, 1.0
        if m == 1.0:
            i = t // p
            return i, math.fmod(t, p), p
        i = math.floor(math.log(1.0 - t / p * (1.0 - m)) / self.log_mult)
        mi = math.pow(m, i)
        return i, t - (1.0 - mi) / (1.0 - m) * p, mi * p

    def fill(self, t: IntArray, out: FloatArray) -> None:
        # In blocks: the cycle arithmetic needs several temporaries, bounded by the block instead of N.
        fill_blocks(t, out, self._fill_block)

    def _fill_block(self, t: IntArray, out: FloatArray) -> None:
        i, x, t_i = self._cycle(t.astype(np.float64))
        # x holds t_cur (a fresh array): the shape is computed in place, in the scalar path's order
        if self.shape == "tanh":
            x /= t_i
            z = np.subtract(1.0, x)
            z *= self.lb
            x *= self.ub
            x += z  # lb * (1 - x) + ub * x
            np.tanh(x, out=x)
            np.subtract(1.0, x, out=x)
            x *= 0.5
        else:
            if self.k != 1.0:
                # timm computes t_cur ** k / t_i ** k in Python floats, which raise OverflowError where
                # t_i ** k is past the largest float: there the LR is not a number (NaN), which the engine
                # refuses
                with np.errstate(over="ignore", invalid="ignore"):
                    x **= self.k
                    den = np.power(t_i, self.k)
                    x /= den
                x[np.broadcast_to(np.isinf(den), x.shape)] = np.nan
            else:
                x /= t_i
            if self.shape == "cosine":
                x *= _PI
                np.cos(x, out=x)
                x += 1.0
                x *= 0.5
            else:
                np.subtract(1.0, x, out=x)
                np.power(x, self.power, out=x)
        limit = None if self.cycle_limit is None else i >= self.cycle_limit
        if self.decay_mode == "peak":
            if self.decay != 1.0:
                np.power(self.decay, i, out=i)
                i *= self.base
                i -= self.floor
                np.multiply(i, x, out=out)  # (base * decay**i - floor) * g
            else:
                np.multiply(x, self.base - self.floor, out=out)
        else:
            np.multiply(x, self.base - self.floor, out=out)
            if self.decay != 1.0:
                out *= np.power(self.decay, i, out=i)
        out += self.floor
        if limit is not None:
            out[limit] = self.floor

    def at(self, t: int) -> float:
        try:
            return self._at(t)
        except ValueError:  # math domain error: a log or power that is not real (NaN on the array path)
            return math.nan

    def _at(self, t: int) -> float:
        i, t_cur, t_i = self._cycle_one(float(t))
        if self.cycle_limit is not None and i >= self.cycle_limit:
            return self.floor
        if self.shape == "tanh":
            x = t_cur / t_i
            g = 0.5 * (1.0 - math.tanh(self.lb * (1.0 - x) + self.ub * x))
        else:
            x = _pow_ratio(t_cur, t_i, self.k) if self.k != 1.0 else t_cur / t_i
            g = 0.5 * (1.0 + math.cos(_PI * x)) if self.shape == "cosine" else math.pow(1.0 - x, self.power)
        if self.decay_mode == "peak":
            return self.floor + (self.base * math.pow(self.decay, i) - self.floor) * g
        return self.floor + (self.base - self.floor) * g * math.pow(self.decay, i)


def _pow_ratio(a: float, b: float, k: float) -> float:
    """``a ** k / b ** k`` as timm computes it; NaN where timm raises OverflowError (``b ** k`` past the
    largest float)."""
    try:
        return math.pow(a, k) / math.pow(b, k)
    except OverflowError:
        return math.nan


class StableDecay(Schedule):
    """A stable phase that decays too, then a decay phase that scales the distance to ``floor`` down
    (timm's ``WSDLRScheduler`` with ``stable_fn`` rsqrt/power, counted from the end of its warm-up)::

        peak(t) = max(base * (1 + t / timescale) ** -power, floor)
        lr(t)   = peak(t)                                     for t <= stable_steps
                = floor + (peak(t) - floor) * g(u / decay)    u = min(t - stable_steps, decay_steps)

    ``g`` is the fraction remaining of ``shape`` (see ``_shapes``), 0 at the end, so ``floor`` is held
    from ``stable_steps + decay_steps`` on (from ``stable_steps`` if ``decay_steps`` is 0).
    """

    __slots__ = ("base", "decay_steps", "floor", "param", "power", "shape", "stable_steps", "timescale")

    def __init__(
        self,
        base: float,
        floor: float,
        timescale: float,
        power: float,
        stable_steps: int,
        decay_steps: int,
        shape: ShapeName = "linear",
        param: float = 1.0,
    ) -> None:
        self.base, self.floor = float(base), float(floor)
        self.timescale, self.power = float(timescale), float(power)
        self.stable_steps, self.decay_steps = int(stable_steps), int(decay_steps)
        self.shape, self.param = shape, float(param)

    def fill(self, t: IntArray, out: FloatArray) -> None:
        np.divide(t, self.timescale, out=out)
        out += 1.0
        np.power(out, -self.power, out=out)
        out *= self.base
        np.maximum(out, self.floor, out=out)
        if self.decay_steps == 0:
            out[t >= self.stable_steps] = self.floor
            return
        late = t > self.stable_steps
        if late.any():
            g = np.minimum(t[late] - self.stable_steps, self.decay_steps).astype(np.float64)
            shape_fraction_into(self.shape, g, self.decay_steps, False, self.param)
            peak = out[late]
            peak -= self.floor
            peak *= g
            peak += self.floor
            out[late] = peak

    def at(self, t: int) -> float:
        if self.decay_steps == 0 and t >= self.stable_steps:
            return self.floor
        peak = max(self.base * math.pow(1.0 + t / self.timescale, -self.power), self.floor)
        if t <= self.stable_steps:
            return peak
        u = min(t - self.stable_steps, self.decay_steps)
        g = shape_fraction(self.shape, u, self.decay_steps, False, self.param)
        return self.floor + (peak - self.floor) * g


class _Float32Cycle:
    """Keras' cycle index and position in float32 (see ``Restarts``). The array path is Keras' own float32
    operations; the scalar path the same on float32 scalars, except that the index is the float64 estimate
    where that is clearly away from a whole number (the array path otherwise), so both paths agree."""

    __slots__ = ("log_m", "log_m32", "m", "one", "p", "p32", "q", "q32")

    def __init__(self, period: float, mult: float) -> None:
        self.one = np.float32(1.0)
        self.p32, m32 = np.float32(period), np.float32(mult)
        self.q32 = self.one - m32  # Keras: (1.0 - t_mul) in float32
        self.log_m32 = np.log(np.array([m32]))[0]  # a float32 array op, as Keras' ops.log on a tensor
        self.p, self.m, self.q = float(self.p32), float(m32), float(self.q32)
        self.log_m = math.log(self.m) if self.m != 1.0 else 0.0

    def cycle(self, t: FloatArray) -> tuple[FloatArray, FloatArray]:
        """(cycle index, position in the cycle in [0, 1]) of float64 steps ``t``, as float64 arrays."""
        i = self.index(t)
        cf = t.astype(np.float32)
        cf /= self.p32
        if self.m == 1.0:
            cf -= i.astype(np.float32)
        else:
            mi = _powers(self.m, i).astype(np.float32)
            sr = np.subtract(self.one, mi)
            sr /= self.q32
            cf -= sr
            cf /= mi
        x = cf.astype(np.float64)
        np.clip(x, 0.0, 1.0, out=x)
        return i, x

    def cycle_one(self, t: float) -> tuple[float, float]:
        i = self.index_one(t)
        cf = np.float32(t) / self.p32
        if self.m == 1.0:
            x = float(cf - np.float32(i))
        else:
            mi = np.float32(math.pow(self.m, i))  # m**i <= 1 - cf * (1 - m): no overflow
            x = float((cf - (self.one - mi) / self.q32) / mi)
        return i, min(max(x, 0.0), 1.0)

    def _x(self, t: FloatArray) -> npt.NDArray[np.float32]:
        cf = t.astype(np.float32)
        cf /= self.p32
        if self.m != 1.0:
            cf *= self.q32
            np.subtract(self.one, cf, out=cf)
        return cf

    def index(self, t: FloatArray) -> FloatArray:
        """The float32 cycle index of float64 steps ``t`` (+inf or NaN where the log is not defined)."""
        x = self._x(t)
        if self.m != 1.0:
            with np.errstate(divide="ignore", invalid="ignore"):
                np.log(x, out=x)
                x /= self.log_m32
        return np.floor(x).astype(np.float64)

    def index_one(self, t: float) -> float:
        if self.m == 1.0:
            y = t / self.p
            bound = 1e-6 * (1.0 + y)
        else:
            u = t / self.p * self.q
            x = 1.0 - u
            if not x > 1e-30:
                return float(self.index(np.array([t]))[0])
            log_x = math.log(x)
            y = log_x / self.log_m
            # float32 errors of the operands and numpy's log (<= 2 ulp), with a wide margin
            bound = 1e-5 * (1.0 + abs(log_x) + abs(u) / x) / abs(self.log_m) + 1e-6 * abs(y)
        if abs(y - round(y)) > bound:
            return float(math.floor(y))
        return float(self.index(np.array([t]))[0])

    def last_step(self) -> int | None:
        """The last step where float32's ``1 - cf * (1 - mult)`` is positive (None past 2**53)."""
        if self._x(np.array([float(MAX_STEP)]))[0] > 0:
            return None
        lo, hi = 0, MAX_STEP  # x(lo) > 0 >= x(hi); x is non-increasing in t
        while hi - lo > 1:
            mid = (lo + hi) // 2
            if self._x(np.array([float(mid)]))[0] > 0:
                lo = mid
            else:
                hi = mid
        return lo


def _restarts_last_step(period: float, mult: float) -> int | None:
    """The last step where ``1 - t / period * (1 - mult) > 0`` in float64 (``mult < 1``); None past 2**53."""
    q = 1.0 - mult
    t = int(min(period / q, float(MAX_STEP)))
    while t > 0 and not 1.0 - t / period * q > 0.0:
        t -= 1
    while t < MAX_STEP and 1.0 - (t + 1) / period * q > 0.0:
        t += 1
    return None if t >= MAX_STEP else t


def _powers(base: float, i: FloatArray) -> FloatArray:
    """``base ** i`` for whole numbers ``i``, each by ``math.pow`` (the C library's pow, as Python's
    ``float ** int``): np.power may differ by an ulp on some CPUs. One call per distinct ``i``."""
    ok = np.isfinite(i)
    if not ok.all():  # steps outside the log's domain: NaN
        out = np.full_like(i, math.nan)
        if ok.any():
            out[ok] = _powers(base, i[ok])
        return out
    if i.size == 0:
        return np.empty_like(i)
    lo, hi = float(i.min()), float(i.max())
    if hi - lo <= max(4096, i.size):  # a table over the range of cycle indices
        table = np.array([math.pow(base, lo + k) for k in range(int(hi - lo) + 1)])
        return np.take(table, (i - lo).astype(np.intp))
    u, inv = np.unique(i, return_inverse=True)
    return np.take(np.array([math.pow(base, v) for v in u.tolist()]), inv)


class OneCycle(Schedule):
    """PyTorch ``OneCycleLR``: phases ending at (fractional) steps, annealed by cosine or linearly.

    Phase ``j`` runs from the end of phase ``j - 1`` (0 for the first) to ``ends[j]``; the first phase
    whose end is ``>= t`` (the last one past all ends) gives
    ``cos: end + (start - end) / 2 * (cos(pi * pct) + 1)`` or ``linear: (end - start) * pct + start``
    with ``pct = (t - phase_start) / (phase_end - phase_start)``. Defined for ``t <= total_steps``.
    """

    __slots__ = ("_ends", "_phases", "anneal", "ends", "last_step")

    def __init__(
        self,
        ends: Seq[float],
        lrs: Seq[tuple[float, float]],
        anneal: Literal["cos", "linear"],
        total_steps: int,
    ) -> None:
        self.ends = np.asarray(ends, dtype=np.float64)
        self.anneal, self.last_step = anneal, int(total_steps)
        self._ends = [float(e) for e in ends]
        starts = [0.0, *self._ends[:-1]]
        self._phases = [
            (s0, s1, float(a), float(b)) for s0, s1, (a, b) in zip(starts, self._ends, lrs, strict=True)
        ]

    def fill(self, t: IntArray, out: FloatArray) -> None:
        fill_pieces(t, out, self.ends[:-1], "left", self._fill_piece)

    def _fill_piece(self, j: int, t: IntArray, out: FloatArray) -> None:
        s0, s1, a, b = self._phases[j]
        np.subtract(t, s0, out=out)
        out /= s1 - s0  # pct, as torch computes it
        if self.anneal == "cos":
            out *= _PI
            np.cos(out, out=out)
            out += 1.0
            out *= (a - b) / 2.0
            out += b
        else:
            out *= b - a
            out += a

    def at(self, t: int) -> float:
        j = min(bisect.bisect_left(self._ends, t), len(self._ends) - 1)
        s0, s1, a, b = self._phases[j]
        pct = (t - s0) / (s1 - s0)
        if self.anneal == "cos":
            return b + (a - b) / 2.0 * (math.cos(_PI * pct) + 1.0)
        return (b - a) * pct + a


class Cyclic(Schedule):
    """PyTorch ``CyclicLR`` (triangular, triangular2, exp_range; scaled per cycle or per iteration)::

    cycle = floor(1 + t / total);  x = 1 + t / total - cycle
    scale = x / ratio if x <= ratio else (x - 1) / (ratio - 1)
    lr = base + (max - base) * scale * scale_fn(cycle or t)
    """

    __slots__ = ("base", "gamma", "max_lr", "mode", "ratio", "scale_mode", "total")

    def __init__(
        self,
        base: float,
        max_lr: float,
        step_size_up: float,
        step_size_down: float,
        mode: Literal["triangular", "triangular2", "exp_range"] = "triangular",
        gamma: float = 1.0,
        scale_mode: Literal["cycle", "iterations"] | None = None,
    ) -> None:
        self.base, self.max_lr = float(base), float(max_lr)
        self.total = float(step_size_up) + float(step_size_down)
        self.ratio = float(step_size_up) / self.total
        self.mode, self.gamma = mode, float(gamma)
        self.scale_mode = scale_mode or ("iterations" if mode == "exp_range" else "cycle")

    def _scale_one(self, x: float) -> float:
        if self.mode == "triangular":
            return 1.0
        if self.mode == "triangular2":
            # 1 / 2 ** (x - 1), exactly, and 0 (not an overflow) past 1024 cycles
            return math.ldexp(1.0, int(1 - x))
        return math.pow(self.gamma, x)

    def fill(self, t: IntArray, out: FloatArray) -> None:
        fill_blocks(t, out, self._fill_block)

    def _fill_block(self, t: IntArray, out: FloatArray) -> None:
        # temporaries (cycle, the other branch of the scale, a mask) per block
        np.divide(t, self.total, out=out)
        cycle = np.add(out, 1.0)
        np.floor(cycle, out=cycle)
        out += 1.0
        out -= cycle  # x = 1 + t / total - cycle
        down = np.subtract(out, 1.0)
        down /= self.ratio - 1.0
        up = out <= self.ratio
        out /= self.ratio
        np.copyto(out, down, where=~up)
        out *= self.max_lr - self.base  # the height
        if self.mode == "triangular2":
            arg = cycle if self.scale_mode == "cycle" else np.asarray(t, dtype=np.float64)
            np.subtract(1.0, arg, out=down)
            out *= np.ldexp(1.0, down.astype(np.int64))
        elif self.mode == "exp_range":
            arg = cycle if self.scale_mode == "cycle" else np.asarray(t, dtype=np.float64)
            np.power(self.gamma, arg, out=down)
            out *= down
        out += self.base

    def at(self, t: int) -> float:
        cycle = math.floor(1 + t / self.total)
        x = 1.0 + t / self.total - cycle
        scale = x / self.ratio if x <= self.ratio else (x - 1) / (self.ratio - 1)
        height = (self.max_lr - self.base) * scale
        return self.base + height * self._scale_one(float(cycle if self.scale_mode == "cycle" else t))


class PiecewiseConstant(Schedule):
    """``values[j]`` for ``boundaries[j-1] <= t < boundaries[j]``: a boundary is the first step of the
    next piece (optax's rule; Keras switches one step later, which its dialect shifts)."""

    __slots__ = ("_b", "_v", "boundaries", "values")

    def __init__(self, boundaries: Seq[int], values: Seq[float]) -> None:
        self.boundaries = np.asarray(boundaries, dtype=np.int64)
        self.values = np.asarray(values, dtype=np.float64)
        self._b, self._v = [int(b) for b in self.boundaries], [float(v) for v in self.values]

    def fill(self, t: IntArray, out: FloatArray) -> None:
        fill_pieces(t, out, self.boundaries, "right", lambda j, _, o: o.fill(self._v[j]))

    def at(self, t: int) -> float:
        return self._v[bisect.bisect_right(self._b, t)]


class PiecewiseInterpolate(Schedule):
    """Interpolation between knots ``(steps[j], values[j])``, linearly or by half-cosine (optax's
    ``piecewise_interpolate_schedule`` formulas); ``values[0]`` before the first knot and exactly
    ``values[-1]`` from the last one on::

        linear: v_j + pct * (v_{j+1} - v_j)
        cosine: v_{j+1} + (v_j - v_{j+1}) / 2 * (cos(pi * pct) + 1)
    """

    __slots__ = ("_s", "_v", "shape", "steps", "values")

    def __init__(self, steps: Seq[int], values: Seq[float], shape: Literal["linear", "cosine"]) -> None:
        # Flat segments before the first and after the last knot make both ends exact with one formula.
        s = [float(steps[0]) - 1.0, *map(float, steps), float(steps[-1]) + 1.0]
        v = [float(values[0]), *map(float, values), float(values[-1])]
        self._s, self._v = s, v
        self.steps, self.values = np.asarray(s), np.asarray(v)
        self.shape = shape

    def fill(self, t: IntArray, out: FloatArray) -> None:
        fill_pieces(t, out, self.steps[1:-1], "right", self._fill_piece)

    def _fill_piece(self, j: int, t: IntArray, out: FloatArray) -> None:
        s, v = self._s, self._v
        s0, v0, v1 = s[j], v[j], v[j + 1]
        np.subtract(t, s0, out=out)
        out /= s[j + 1] - s0
        np.minimum(out, 1.0, out=out)
        if self.shape == "linear":
            out *= v1 - v0
            out += v0
        else:
            out *= _PI
            np.cos(out, out=out)
            out += 1.0
            out *= (v0 - v1) / 2
            out += v1

    def at(self, t: int) -> float:
        s, v = self._s, self._v
        j = min(max(bisect.bisect_right(s, t) - 1, 0), len(s) - 2)
        s0, v0, v1 = s[j], v[j], v[j + 1]
        pct = min((t - s0) / (s[j + 1] - s0), 1.0)
        if self.shape == "linear":
            return v0 + pct * (v1 - v0)
        return v1 + (v0 - v1) / 2 * (math.cos(_PI * pct) + 1.0)
