"""Composition: schedules joined at boundaries (``Sequence``) and multiplied (``Product``).

Boundary logic lives here once: every composite kind (warm-up + cosine, WSD, SequentialLR,
``join_schedules``, timm's warm-up) is a :class:`Sequence` of primitives.
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence as Seq
from dataclasses import dataclass

import numpy as np

from ._base import FloatArray, IntArray, Schedule, fill_pieces

__all__ = ["History", "Product", "Sequence", "join_history"]


class Sequence(Schedule):
    """Phase ``j`` runs from ``boundaries[j-1]`` (0 for the first) up to, not including, ``boundaries[j]``.

    Phase ``j`` sees the step counted from ``origins[j]``: by default its own start, ``boundaries[j-1]``
    (like optax's ``join_schedules`` and PyTorch's ``SequentialLR``), or 0 with ``local=False`` (the
    absolute step, like timm's warm-up without ``warmup_prefix``). An origin must not be past its phase's
    start, so local steps are never negative; an origin may itself be negative (the phase then starts
    partway into its schedule).
    The sequence ends where the first of its phases ends early (a schedule with a ``last_step`` inside
    its phase), or at ``last_step`` if given, even if its last phase goes on.

    The array path evaluates each phase once on its own steps (``fill_pieces``).
    """

    __slots__ = ("_bounds", "_offsets", "boundaries", "last_step", "schedules")

    def __init__(
        self,
        schedules: Seq[Schedule],
        boundaries: Seq[int],
        local: bool = True,
        origins: Seq[int] | None = None,
        last_step: int | None = None,
    ) -> None:
        if len(schedules) != len(boundaries) + 1:
            raise ValueError("a sequence needs one more schedule than boundaries")
        self.schedules = tuple(schedules)
        self.boundaries = np.asarray(boundaries, dtype=np.int64)
        self._bounds = [int(b) for b in boundaries]
        if origins is None:
            origins = [0, *self._bounds] if local else [0] * len(self.schedules)
        self._offsets = [int(o) for o in origins]
        # The sequence ends at the first step where any phase's schedule is no longer defined (as when
        # stepping the library, nothing after a step that raises can be reached), or at ``last_step``.
        ends = [] if last_step is None else [last_step]
        for j, sched in enumerate(self.schedules):
            if sched.last_step is not None:
                end = sched.last_step + self._offsets[j]
                if j == len(self._bounds) or end < self._bounds[j] - 1:
                    ends.append(end)
        self.last_step = min(ends) if ends else None

    last_step: int | None

    def fill(self, t: IntArray, out: FloatArray) -> None:
        fill_pieces(t, out, self.boundaries, "right", self._fill_phase)

    def _fill_phase(self, j: int, t: IntArray, out: FloatArray) -> None:
        offset = self._offsets[j]
        self.schedules[j].fill(t - offset if offset else t, out)

    def at(self, t: int) -> float:
        j = bisect.bisect_right(self._bounds, t)
        return self.schedules[j].at(t - self._offsets[j])


class Product(Schedule):
    """``lr(t) = s_1(t) * s_2(t) * ...`` (PyTorch's ``ChainedScheduler`` of multiplicative schedulers)."""

    __slots__ = ("last_step", "schedules")

    def __init__(self, schedules: Seq[Schedule]) -> None:
        self.schedules = tuple(schedules)
        lasts = [s.last_step for s in self.schedules if s.last_step is not None]
        self.last_step = min(lasts) if lasts else None

    last_step: int | None

    def fill(self, t: IntArray, out: FloatArray) -> None:
        self.schedules[0].fill(t, out)
        if len(self.schedules) > 1:
            tmp = np.empty_like(out)
            for s in self.schedules[1:]:
                s.fill(t, tmp)
                out *= tmp

    def at(self, t: int) -> float:
        v = self.schedules[0].at(t)
        for s in self.schedules[1:]:
            v *= s.at(t)
        return v


@dataclass(frozen=True, slots=True)
class History:
    """A named schedule's revision history as one schedule over absolute steps, and which revision is in
    force where. Each piece of the timeline evaluates its revision's spec at the absolute step."""

    schedule: Schedule
    starts: tuple[int, ...]
    numbers: tuple[int, ...]

    def revision_at(self, step: int) -> int:
        """The number of the revision in force at ``step``."""
        return self.numbers[bisect.bisect_right(self.starts, step) - 1]


def join_history(pieces: Seq[tuple[int, int, Schedule]]) -> History:
    """``pieces`` are a timeline's ``(from_step, revision, schedule)``, sorted by step, the first at 0
    (the server's cache and the trainer's client both join a history this way)."""
    starts = tuple(start for start, _, _ in pieces)
    schedules = [schedule for _, _, schedule in pieces]
    joined = schedules[0] if len(schedules) == 1 else Sequence(schedules, boundaries=starts[1:], local=False)
    return History(joined, starts, tuple(number for _, number, _ in pieces))
