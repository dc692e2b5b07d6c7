"""The compiled schedule, the step convention, and the core's errors.

A :class:`Schedule` maps an integer step ``t >= 0`` to a learning rate. Step ``t`` is the LR used by the
(t+1)-th optimizer update. Every schedule has two evaluation paths that compute the same numbers:

* :meth:`Schedule.fill` writes ``lr(t)`` for a whole int64 array of steps into a float64 array with
  whole-array numpy operations (``out=`` buffers, no Python loop over steps);
* :meth:`Schedule.at` evaluates one step with Python float arithmetic (``math``), because numpy on a
  one-element array costs ~10 µs and the ``GET lr`` hot path wants ~1 µs.

The tests check that both paths agree on every kind.

Errors::

    LRSError                    base of every error the engine raises on purpose
     └─ StepError (ValueError)  a step that is negative, not an integer, past 2**53, or past the
                                last step a schedule is defined for (e.g. OneCycleLR's total_steps)
"""

from __future__ import annotations

import itertools
import math
import operator
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Literal, TypeAlias

import numpy as np
import numpy.typing as npt

from ..limits import MAX_STEP

__all__ = [
    "BLOCK",
    "MAX_STEP",
    "FloatArray",
    "IntArray",
    "LRSError",
    "Schedule",
    "StepError",
    "as_steps",
    "evaluate",
    "evaluate_one",
    "fill_blocks",
    "fill_pieces",
]

FloatArray: TypeAlias = npt.NDArray[np.float64]
IntArray: TypeAlias = npt.NDArray[np.int64]


class LRSError(Exception):
    """Base class of the errors the engine raises on purpose."""


class StepError(LRSError, ValueError):
    """A step outside the domain of a schedule."""

    def __init__(self, message: str, *, step: int | None = None, last_step: int | None = None) -> None:
        super().__init__(message)
        self.step = step
        self.last_step = last_step


class Schedule:
    """A learning rate as a function of the integer step.

    Subclasses implement :meth:`fill` and :meth:`at`; they may trust their inputs (validated steps,
    validated parameters). ``last_step`` is the largest step the schedule is defined for, or ``None``.
    """

    __slots__ = ()

    last_step: int | None = None

    # Not an ABC: isinstance() against ABCMeta costs ~0.5 us, a third of the single-step budget.
    def fill(self, t: IntArray, out: FloatArray) -> None:
        """Write ``lr(t)`` into ``out`` (float64, same shape as ``t``); ``t`` is int64, 0 <= t <= 2**53."""
        raise NotImplementedError

    def at(self, t: int) -> float:
        """``lr(t)`` for a single step, computed with Python floats."""
        raise NotImplementedError

    def __call__(self, t: IntArray) -> FloatArray:
        out = np.empty(t.shape, dtype=np.float64)
        self.fill(t, out)
        return out


#: Steps per block where a kind evaluates in blocks (L2-sized: 64 Ki float64 = 512 KiB).
BLOCK = 1 << 16


def fill_blocks(t: IntArray, out: FloatArray, fill_block: Callable[[IntArray, FloatArray], None]) -> None:
    """Fill ``out`` block by block, for kinds whose arithmetic needs several temporary arrays: their
    working memory is then a few blocks, not a few arrays of N. A loop over blocks, not over steps."""
    flat_t, flat_out = t.reshape(-1), out.reshape(-1)
    for lo in range(0, flat_t.size, BLOCK):
        fill_block(flat_t[lo : lo + BLOCK], flat_out[lo : lo + BLOCK])


def fill_pieces(
    t: IntArray,
    out: FloatArray,
    edges: npt.NDArray[Any],
    side: Literal["left", "right"],
    fill_piece: Callable[[int, IntArray, FloatArray], None],
) -> None:
    """Split the steps into pieces and fill each with ``fill_piece(j, t_j, out_j)``.

    Step ``t`` belongs to piece ``searchsorted(edges, t, side)`` (``len(edges) + 1`` pieces). Sorted steps
    (the usual ``arange``) are cut into contiguous slices, so pieces are filled in place with no mask,
    gather or scatter; other steps are gathered per piece. The loop is over pieces, never over steps.
    """
    if t.ndim != 1:  # steps of any shape: pieces are found in the flat order (out is always C-contiguous)
        assert out.flags.c_contiguous, "a reshaped copy would lose what is written to it"
        t, out = t.reshape(-1), out.reshape(-1)
    n = t.size
    if n <= 1 or bool(np.all(t[1:] >= t[:-1])):
        cuts = np.searchsorted(t, edges, side="left" if side == "right" else "right").tolist()
        lo = 0
        for j, hi in enumerate([*cuts, n]):
            if hi > lo:
                fill_piece(j, t[lo:hi], out[lo:hi])
                lo = hi
        return
    piece = np.searchsorted(edges, t, side=side)
    for j in np.unique(piece).tolist():
        mask = piece == j
        sub = np.empty(int(np.count_nonzero(mask)), dtype=np.float64)
        fill_piece(j, t[mask], sub)
        out[mask] = sub


def _check_last(schedule: Schedule, high: int) -> None:
    last = schedule.last_step
    if last is not None and high > last:
        raise StepError(
            f"step {high} is past the last step of this schedule ({last})", step=high, last_step=last
        )


def as_steps(steps: object) -> IntArray:
    """Convert any integer array-like (or a single int) to a validated int64 array of steps."""
    arr = np.asarray(steps)
    if arr.size == 0:
        return np.zeros(arr.shape, dtype=np.int64)
    if not (np.issubdtype(arr.dtype, np.integer) or (arr.dtype == object and _all_ints(arr))):
        if (
            np.issubdtype(arr.dtype, np.floating)
            and np.all(np.isfinite(arr))
            and np.all(arr == np.floor(arr))
        ):
            raise StepError("steps must be integers, not floats (convert them with astype(int))")
        raise StepError(f"steps must be integers; got an array of {arr.dtype}")
    # the range is checked in the original dtype (uint64, Python ints), so nothing wraps in the cast
    lo, hi = int(arr.min()), int(arr.max())
    if lo < 0:
        raise StepError(f"steps must be >= 0; got {lo}", step=lo)
    if hi > MAX_STEP:
        raise StepError(f"step {hi} is past the largest supported step 2**53", step=hi)
    return arr.astype(np.int64, copy=False)


def _all_ints(arr: npt.NDArray[np.object_]) -> bool:
    return all(isinstance(x, int) and not isinstance(x, bool) for x in arr.flat)


#: The fewest steps per thread worth a thread of their own.
MIN_STEPS_PER_THREAD = 4 * BLOCK


def evaluate(
    schedule: Schedule, steps: object, threads: int = 1, out: FloatArray | None = None
) -> FloatArray:
    """Evaluate ``schedule`` at ``steps`` (an integer array-like or a single int) as float64.

    With ``threads > 1``, a large table is cut into that many contiguous parts filled in parallel
    (numpy releases the GIL in its loops; schedules are pure, so parts are independent).
    ``out``: a C-contiguous float64 array of the steps' shape to write into (e.g. a view of a response
    buffer, so that the table is never copied); it is returned."""
    if isinstance(steps, int) and not isinstance(steps, bool):
        return np.array(evaluate_one(schedule, steps))
    t = as_steps(steps)
    if t.size:
        _check_last(schedule, int(t.max()))
    if out is None:
        out = np.empty(t.shape, dtype=np.float64)
    elif out.shape != t.shape or out.dtype != np.float64 or not out.flags.c_contiguous:
        raise ValueError("out must be a C-contiguous float64 array of the steps' shape")
    parts = min(threads, t.size // MIN_STEPS_PER_THREAD)
    with np.errstate(all="ignore"):  # an overflow is reported below, by step
        if parts > 1:
            flat_t, flat_out = t.reshape(-1), out.reshape(-1)
            cuts = np.linspace(0, t.size, parts + 1).astype(int).tolist()
            with ThreadPoolExecutor(parts) as pool:
                done = [
                    pool.submit(_fill_part, schedule, flat_t[lo:hi], flat_out[lo:hi])
                    for lo, hi in itertools.pairwise(cuts)
                ]
                for part in done:
                    part.result()
        else:
            schedule.fill(t, out)
    if not np.isfinite(out).all():
        j = int(np.argmin(np.isfinite(out).ravel()))
        bad = int(t.flat[j])
        raise StepError(_not_finite(float(out.flat[j]), bad), step=bad)
    return out


def _fill_part(schedule: Schedule, t: IntArray, out: FloatArray) -> None:
    with np.errstate(all="ignore"):  # the error state is per thread
        schedule.fill(t, out)


def evaluate_one(schedule: Schedule, step: int) -> float:
    """Evaluate ``schedule`` at one step through the scalar path (no numpy)."""
    if type(step) is int:
        t = step
    else:
        try:
            t = operator.index(step)
        except TypeError:
            raise StepError(f"a step must be an integer; got {type(step).__name__}") from None
    if not 0 <= t <= MAX_STEP:
        if t < 0:
            raise StepError(f"steps must be >= 0; got {t}", step=t)
        raise StepError(f"step {t} is past the largest supported step 2**53", step=t)
    last = schedule.last_step
    if last is not None and t > last:
        raise StepError(f"step {t} is past the last step of this schedule ({last})", step=t, last_step=last)
    try:
        value = schedule.at(t)
    except (OverflowError, ZeroDivisionError):
        value = math.inf
    if not math.isfinite(value):
        raise StepError(_not_finite(value, t), step=t)
    return value


def _not_finite(value: float, step: int) -> str:
    if math.isnan(value):  # e.g. timm's t_cur ** k_decay of a t_cur that rounds below 0: not real
        return f"the learning rate is undefined (not a real number) at step {step}"
    return f"the learning rate overflows float64 at step {step}"
