"""DeepSpeed (``deepspeed.runtime.lr_schedules``): WarmupLR, WarmupDecayLR, WarmupCosineLR.

Step convention: the constructor writes the value of iteration -1 into the optimizer and the k-th
``step()`` (called after each optimizer update) computes iteration k - 1. So the LR used by update t is
``f(t - 1)``, with a special value at t = 0: ``warmup_min_lr`` (WarmupLR, WarmupDecayLR) or 0.0
(WarmupCosineLR). A warm-up of 1 step behaves as 2 (``W = max(2, warmup_num_steps)``).
Precision: DeepSpeed computes ``min + delta * gamma`` in Python floats; our translations agree to a few ulps.
DeepSpeed logs and falls back to "log" for an unknown ``warmup_type``; we refuse it.
"""

from __future__ import annotations

from typing import Annotated, Literal, Self

from pydantic import Field, StrictInt, model_validator

from ..specs import native as n
from ..specs._base import LR
from ._base import Args, DialectSpec

__all__ = ["DeepSpeedSpec", "WarmupCosineLR", "WarmupDecayLR", "WarmupLR"]

WarmupSteps = Annotated[StrictInt, Field(ge=1)]


def _warm(start: float, end: float, w: int, warmup_type: str) -> n.Transition:
    return n.Transition(kind="transition", start_lr=start, end_lr=end, steps=w, shape=warmup_type)  # type: ignore[arg-type]


def _shifted(first: float, phases: list[n.NativeSpec], starts: list[int], origins: list[int]) -> n.Sequence:
    """``first`` at t = 0, then the phases of f(t - 1)."""
    return n.Sequence(
        kind="sequence",
        schedules=[n.Constant(kind="constant", lr=first), *phases],
        boundaries=starts,
        origins=origins,
    )


class WarmupLRArgs(Args):
    warmup_min_lr: LR = 0.0
    warmup_max_lr: LR | None = None
    warmup_num_steps: WarmupSteps = 1000
    warmup_type: Literal["log", "linear"] = "log"


class WarmupLR(DialectSpec):
    """Warm-up from ``warmup_min_lr`` to ``warmup_max_lr`` (default: the optimizer's LR), then constant."""

    kind: Literal["deepspeed"]
    name: Literal["WarmupLR"]
    base_lr: LR | None = None
    args: WarmupLRArgs = WarmupLRArgs()

    @model_validator(mode="after")
    def _check(self) -> Self:
        if self.args.warmup_max_lr is None and self.base_lr is None:
            raise ValueError("give base_lr (the optimizer's LR) or args.warmup_max_lr")
        return self

    def native(self) -> n.Sequence:
        a = self.args
        peak = a.warmup_max_lr if a.warmup_max_lr is not None else self.base_lr
        assert peak is not None
        w = max(2, a.warmup_num_steps)
        return _shifted(a.warmup_min_lr, [_warm(a.warmup_min_lr, peak, w, a.warmup_type)], [1], [0, 1])


class WarmupDecayLRArgs(Args):
    total_num_steps: StrictInt = Field(ge=1)
    warmup_min_lr: LR = 0.0
    warmup_max_lr: LR = 0.001
    warmup_num_steps: WarmupSteps = 1000
    warmup_type: Literal["log", "linear"] = "log"


class WarmupDecayLR(DialectSpec):
    """WarmupLR, then linear decay to ``warmup_min_lr`` at ``total_num_steps``. ``base_lr`` is unused."""

    kind: Literal["deepspeed"]
    name: Literal["WarmupDecayLR"]
    base_lr: LR | None = None
    args: WarmupDecayLRArgs

    def native(self) -> n.Sequence:
        a = self.args
        w = max(2, a.warmup_num_steps)
        lo, hi = a.warmup_min_lr, a.warmup_max_lr
        decay: n.NativeSpec = (
            n.Linear(kind="linear", start_lr=hi, end_lr=lo, steps=a.total_num_steps - w)
            if a.total_num_steps > w
            else n.Constant(kind="constant", lr=lo)
        )
        return _shifted(lo, [_warm(lo, hi, w, a.warmup_type), decay], [1, 1 + w], [0, 1, 1 + w])


class WarmupCosineLRArgs(Args):
    total_num_steps: StrictInt = Field(ge=1)
    warmup_min_ratio: Annotated[float, Field(ge=0.0)] = 0.0
    warmup_num_steps: WarmupSteps = 1000
    cos_min_ratio: Annotated[float, Field(ge=0.0)] = 0.0001
    warmup_type: Literal["log", "linear"] = "log"


class WarmupCosineLR(DialectSpec):
    """Warm-up from ``base_lr * warmup_min_ratio`` to ``base_lr``, then cosine to ``base_lr *
    cos_min_ratio`` at ``total_num_steps - 1`` (the decay runs one step ahead), then constant."""

    kind: Literal["deepspeed"]
    name: Literal["WarmupCosineLR"]
    base_lr: LR
    args: WarmupCosineLRArgs

    def native(self) -> n.Sequence:
        a, peak = self.args, self.base_lr
        w = max(2, a.warmup_num_steps)
        decay = n.Transition(
            kind="transition",
            start_lr=peak,
            end_lr=peak * a.cos_min_ratio,
            steps=max(1, a.total_num_steps - w),
            shape="cosine",
        )
        # the decay at iteration i >= W is at p = (i - W + 1) / (T - W): it counts from step W (= i + 1)
        warm = _warm(peak * a.warmup_min_ratio, peak, w, a.warmup_type)
        return _shifted(0.0, [warm, decay], [1, 1 + w], [0, 1, w])


DeepSpeedSpec = Annotated[WarmupLR | WarmupDecayLR | WarmupCosineLR, Field(discriminator="name")]
