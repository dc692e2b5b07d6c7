"""PyTorch reference cases: the real ``torch.optim.lr_scheduler`` schedulers, stepped one call at a time.

Each readable case builds its scheduler on a fresh ``SGD([Parameter(zeros(1))], lr=spec["base_lr"])``
and records ``optimizer.param_groups[0]["lr"]`` after ``t`` calls of ``scheduler.step()``; ``t = 0`` is
right after construction. The scheduler is always stepped sequentially from 0 to the largest requested
``t`` (torch's recursive ``get_lr`` makes every value depend on the whole history).

The optimizer is ``SGD(momentum=0)`` except when the spec holds a ``CyclicLR`` or ``OneCycleLR`` whose
``cycle_momentum`` is left at its default (``True``): then it is ``SGD(momentum=0.9)``. Momentum never
changes the learning rates (SGD's defaults always hold a ``momentum`` key, so torch accepts either).

Spec shape (our torch dialect)::

    {"kind": "torch", "name": "CosineAnnealingLR", "base_lr": 0.1, "args": {"T_max": 10}}
    {"kind": "torch", "name": "SequentialLR", "base_lr": 0.1, "args": {"milestones": [5]},
     "schedulers": [{"name": "LinearLR", "args": {...}}, {"name": "CosineAnnealingLR", "args": {...}}]}
    {"kind": "torch", "name": "ChainedScheduler", "base_lr": 0.1, "schedulers": [...]}

``args`` use torch's own argument names; an argument left out takes torch's default. Sub-schedulers
are constructed in list order on the same optimizer (order matters: every constructor performs an
initial step on the shared ``lr``), then the composite is constructed.

Error cases list the first ``t`` at which ``scheduler.step()`` raises (stepping from 0) in ``error_steps``
and its message in ``error``; invalid cases hold the message torch raises while constructing. Messages
are ``"<ExceptionType>: <text>"``. A readable case never extends past its first error step (the readable
prefix of an erroring spec, if interesting, is a separate case).
"""

from __future__ import annotations

import math
import warnings
from typing import Any

import torch
from torch.optim import lr_scheduler

Spec = dict[str, Any]
Case = dict[str, Any]

DENSE_MAX = 300  # record every step up to here (or up to the schedule's last interesting step)
STRIDED_POINTS = 200  # points of the strided sample for long schedules
_MOMENTUM_SCHEDULERS = ("CyclicLR", "OneCycleLR")


# --- spec helpers ----------------------------------------------------------------------------------------


def _spec(name: str, /, *, lr: float = 0.1, **args: Any) -> Spec:
    """A plain scheduler spec on an optimizer with ``lr``; ``args`` may include CyclicLR's own ``base_lr``."""
    return {"kind": "torch", "name": name, "base_lr": lr, "args": args}


def _sub(name: str, **args: Any) -> Spec:
    return {"name": name, "args": args}


def _seq(milestones: list[int], *subs: Spec, base_lr: float = 0.1) -> Spec:
    return {
        "kind": "torch",
        "name": "SequentialLR",
        "base_lr": base_lr,
        "args": {"milestones": milestones},
        "schedulers": list(subs),
    }


def _chain(*subs: Spec, base_lr: float = 0.1) -> Spec:
    return {"kind": "torch", "name": "ChainedScheduler", "base_lr": base_lr, "schedulers": list(subs)}


def _steps(
    end: int, edges: tuple[int, ...] | list[int] = (), *, past: float = 3, last: int | None = None
) -> list[int]:
    """Steps to record for a schedule whose interesting part ends at ``end``.

    Every step ``0..min(last, DENSE_MAX)`` where ``last = past * end`` (at least ``end + 10`` and past
    every edge) unless given; every edge and ``end`` with its neighbours ±1; ``last`` itself; and, when
    ``last`` lies beyond the dense range, ~``STRIDED_POINTS`` evenly spaced steps over ``0..last``.
    """
    if last is None:
        last = max(int(past * end), end + 10, *(e + 1 for e in edges))
    chosen = set(range(min(last, DENSE_MAX) + 1))
    for e in (*edges, end):
        chosen.update((e - 1, e, e + 1))
    chosen.add(last)
    if last > DENSE_MAX:
        chosen.update(round(i * last / STRIDED_POINTS) for i in range(STRIDED_POINTS + 1))
    return sorted(s for s in chosen if 0 <= s <= last)


# --- building and stepping the real schedulers ------------------------------------------------------------


def _needs_momentum(spec: Spec) -> bool:
    parts = spec.get("schedulers", [spec])
    return any(
        p["name"] in _MOMENTUM_SCHEDULERS and p.get("args", {}).get("cycle_momentum", True) for p in parts
    )


def _optimizer(spec: Spec) -> torch.optim.SGD:
    momentum = 0.9 if _needs_momentum(spec) else 0.0
    return torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=spec["base_lr"], momentum=momentum)


def _build(spec: Spec, optimizer: torch.optim.Optimizer) -> lr_scheduler.LRScheduler:
    name = spec["name"]
    args = dict(spec.get("args", {}))
    if name in ("SequentialLR", "ChainedScheduler"):
        subs = [getattr(lr_scheduler, s["name"])(optimizer, **s.get("args", {})) for s in spec["schedulers"]]
        if name == "SequentialLR":
            return lr_scheduler.SequentialLR(optimizer, subs, **args)
        return lr_scheduler.ChainedScheduler(subs, **args)
    return getattr(lr_scheduler, name)(optimizer, **args)


def _lr(optimizer: torch.optim.Optimizer) -> float:
    value = optimizer.param_groups[0]["lr"]
    return float(value.item() if isinstance(value, torch.Tensor) else value)


def _readable(case_id: str, spec: Spec, steps: list[int]) -> Case:
    optimizer = _optimizer(spec)
    scheduler = _build(spec, optimizer)
    wanted = set(steps)
    lrs: list[float] = []
    for t in range(max(steps) + 1):
        if t > 0:
            scheduler.step()
        if t in wanted:
            value = _lr(optimizer)
            if not math.isfinite(value):
                raise AssertionError(f"{case_id}: non-finite lr {value} at t={t}")
            lrs.append(value)
    return {"id": case_id, "spec": spec, "steps": steps, "lr": lrs}


def _message(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}"


def _erroring(case_id: str, spec: Spec, expected: int) -> Case:
    """Step from 0 until torch raises; that step must be ``expected``."""
    optimizer = _optimizer(spec)
    scheduler = _build(spec, optimizer)
    for t in range(1, expected + 1):
        try:
            scheduler.step()
        except (ValueError, ZeroDivisionError) as exc:
            if t != expected:
                raise AssertionError(f"{case_id}: raised at t={t}, expected {expected}: {exc}") from exc
            return {"id": case_id, "spec": spec, "error_steps": [t], "error": _message(exc)}
    raise AssertionError(f"{case_id}: no error up to t={expected}")


def _invalid(case_id: str, spec: Spec) -> Case:
    optimizer = _optimizer(spec)
    try:
        _build(spec, optimizer)
    except (ValueError, TypeError, ZeroDivisionError) as exc:
        return {"id": case_id, "spec": spec, "invalid": _message(exc)}
    raise AssertionError(f"{case_id}: torch accepted the spec")


# --- the cases ----------------------------------------------------------------------------------------------

L100K = 100_000


def _step_lr() -> list[Case]:
    return [
        _readable("StepLR/basic", _spec("StepLR", step_size=3), _steps(15, [3, 6, 9, 12])),
        _readable("StepLR/gamma-0.5", _spec("StepLR", step_size=10, gamma=0.5), _steps(50, [10, 20, 30])),
        _readable("StepLR/step_size-1", _spec("StepLR", step_size=1, gamma=0.9), _steps(60)),
        _readable("StepLR/gamma-1", _spec("StepLR", step_size=2, gamma=1.0), _steps(10)),
        _readable("StepLR/gamma-gt-1", _spec("StepLR", lr=0.001, step_size=5, gamma=2.0), _steps(40)),
        _readable(
            "StepLR/long",
            _spec("StepLR", step_size=30_000, gamma=0.5),
            _steps(L100K, [30_000, 60_000, 90_000]),
        ),
        _erroring("StepLR/step_size-0", _spec("StepLR", step_size=0), 1),
    ]


def _multi_step_lr() -> list[Case]:
    return [
        _readable("MultiStepLR/basic", _spec("MultiStepLR", milestones=[30, 80]), _steps(100, [30, 80])),
        _readable(
            "MultiStepLR/repeated-milestones",
            _spec("MultiStepLR", milestones=[2, 5, 5, 9], gamma=0.5),
            _steps(12, [2, 5, 9]),
        ),
        _readable(
            "MultiStepLR/milestone-0", _spec("MultiStepLR", milestones=[0, 3], gamma=0.5), _steps(6, [0, 3])
        ),
        _readable(
            "MultiStepLR/unsorted", _spec("MultiStepLR", milestones=[8, 3], gamma=0.5), _steps(10, [3, 8])
        ),
        _readable("MultiStepLR/no-milestones", _spec("MultiStepLR", milestones=[]), _steps(10)),
        _readable(
            "MultiStepLR/long",
            _spec("MultiStepLR", milestones=[30_000, 60_000, 90_000], gamma=0.1),
            _steps(L100K, [30_000, 60_000, 90_000]),
        ),
    ]


def _constant_lr() -> list[Case]:
    return [
        _readable("ConstantLR/defaults", _spec("ConstantLR"), _steps(5)),
        _readable("ConstantLR/factor-0.5", _spec("ConstantLR", factor=0.5, total_iters=4), _steps(4)),
        _readable("ConstantLR/total_iters-1", _spec("ConstantLR", factor=0.25, total_iters=1), _steps(1)),
        # the recursive form never undoes the factor when total_iters == 0 (it only checks == 0 first)
        _readable("ConstantLR/total_iters-0", _spec("ConstantLR", factor=0.25, total_iters=0), _steps(0)),
        _readable("ConstantLR/factor-1", _spec("ConstantLR", factor=1.0, total_iters=3), _steps(3)),
        _readable(
            "ConstantLR/factor-0-before-end", _spec("ConstantLR", factor=0.0, total_iters=3), [0, 1, 2]
        ),
        _erroring("ConstantLR/factor-0", _spec("ConstantLR", factor=0.0, total_iters=3), 3),
        _readable("ConstantLR/long", _spec("ConstantLR", factor=0.25, total_iters=L100K), _steps(L100K)),
        _invalid("ConstantLR/factor-gt-1", _spec("ConstantLR", factor=1.5)),
        _invalid("ConstantLR/factor-negative", _spec("ConstantLR", factor=-0.1)),
    ]


def _linear_lr() -> list[Case]:
    return [
        _readable("LinearLR/defaults", _spec("LinearLR"), _steps(5)),
        _readable("LinearLR/warmup", _spec("LinearLR", start_factor=0.1, total_iters=10), _steps(10)),
        _readable(
            "LinearLR/decay", _spec("LinearLR", start_factor=1.0, end_factor=0.1, total_iters=20), _steps(20)
        ),
        _readable(
            "LinearLR/to-zero",
            _spec("LinearLR", start_factor=1.0, end_factor=0.0, total_iters=10),
            _steps(10),
        ),
        _readable("LinearLR/total_iters-1", _spec("LinearLR", start_factor=0.5, total_iters=1), _steps(1)),
        # total_iters == 0: stays at start_factor * base_lr forever (the closed form would divide by 0)
        _readable("LinearLR/total_iters-0", _spec("LinearLR", start_factor=0.5, total_iters=0), _steps(0)),
        _readable(
            "LinearLR/start-eq-end",
            _spec("LinearLR", start_factor=0.5, end_factor=0.5, total_iters=5),
            _steps(5),
        ),
        _readable("LinearLR/long", _spec("LinearLR", start_factor=0.001, total_iters=L100K), _steps(L100K)),
        _readable(
            "LinearLR/long-decay",
            _spec("LinearLR", start_factor=1.0, end_factor=0.0, total_iters=L100K),
            _steps(L100K),
        ),
        _invalid("LinearLR/start_factor-0", _spec("LinearLR", start_factor=0.0)),
        _invalid("LinearLR/start_factor-gt-1", _spec("LinearLR", start_factor=1.5)),
        _invalid("LinearLR/end_factor-gt-1", _spec("LinearLR", end_factor=1.5)),
        _invalid("LinearLR/end_factor-negative", _spec("LinearLR", end_factor=-0.1)),
    ]


def _exponential_lr() -> list[Case]:
    return [
        _readable("ExponentialLR/basic", _spec("ExponentialLR", gamma=0.9), _steps(100)),
        _readable("ExponentialLR/gamma-1", _spec("ExponentialLR", gamma=1.0), _steps(10)),
        _readable("ExponentialLR/gamma-0", _spec("ExponentialLR", gamma=0.0), _steps(5)),
        _readable("ExponentialLR/growth", _spec("ExponentialLR", lr=1e-4, gamma=1.01), _steps(100)),
        _readable("ExponentialLR/long", _spec("ExponentialLR", gamma=0.9999), _steps(L100K)),
    ]


def _polynomial_lr() -> list[Case]:
    return [
        _readable("PolynomialLR/defaults", _spec("PolynomialLR"), _steps(5)),
        _readable("PolynomialLR/power-1", _spec("PolynomialLR", total_iters=10, power=1.0), _steps(10)),
        _readable("PolynomialLR/power-2", _spec("PolynomialLR", total_iters=10, power=2.0), _steps(10)),
        _readable("PolynomialLR/power-0.5", _spec("PolynomialLR", total_iters=10, power=0.5), _steps(10)),
        _readable("PolynomialLR/power-0", _spec("PolynomialLR", total_iters=10, power=0.0), _steps(10)),
        _readable("PolynomialLR/total_iters-1", _spec("PolynomialLR", total_iters=1, power=2.0), _steps(1)),
        _readable("PolynomialLR/total_iters-0", _spec("PolynomialLR", total_iters=0), _steps(0)),
        _readable(
            "PolynomialLR/long-power-2", _spec("PolynomialLR", total_iters=L100K, power=2.0), _steps(L100K)
        ),
        _readable(
            "PolynomialLR/long-power-0.5", _spec("PolynomialLR", total_iters=L100K, power=0.5), _steps(L100K)
        ),
    ]


def _cosine_annealing_lr() -> list[Case]:
    return [
        _readable("CosineAnnealingLR/basic", _spec("CosineAnnealingLR", T_max=10, eta_min=0.001), _steps(10)),
        _readable("CosineAnnealingLR/eta_min-0", _spec("CosineAnnealingLR", T_max=10), _steps(10)),
        _readable("CosineAnnealingLR/odd-t_max", _spec("CosineAnnealingLR", T_max=3), _steps(3)),
        # past T_max torch keeps going: the lr rises again (period 2 * T_max), 3x and 10x T_max
        _readable(
            "CosineAnnealingLR/past-t_max",
            _spec("CosineAnnealingLR", T_max=10, eta_min=0.001),
            _steps(10, [20, 21, 30, 31, 90, 91], past=10),
        ),
        _readable(
            "CosineAnnealingLR/past-t_max-eta_min-0",
            _spec("CosineAnnealingLR", T_max=7),
            _steps(7, [14, 15, 21, 22], past=10),
        ),
        _readable(
            "CosineAnnealingLR/past-t_max-long",
            _spec("CosineAnnealingLR", T_max=1000, eta_min=0.001),
            _steps(1000, [2000, 2001, 3000, 3001, 9000, 9001], past=10),
        ),
        _readable("CosineAnnealingLR/t_max-1", _spec("CosineAnnealingLR", T_max=1), _steps(1, past=10)),
        _readable(
            "CosineAnnealingLR/eta_min-eq-base",
            _spec("CosineAnnealingLR", T_max=10, eta_min=0.1),
            _steps(10, past=3),
        ),
        _readable(
            "CosineAnnealingLR/eta_min-gt-base",
            _spec("CosineAnnealingLR", lr=0.05, T_max=10, eta_min=0.1),
            _steps(10),
        ),
        _readable("CosineAnnealingLR/long-eta_min-0", _spec("CosineAnnealingLR", T_max=L100K), _steps(L100K)),
        _readable(
            "CosineAnnealingLR/long-eta_min",
            _spec("CosineAnnealingLR", T_max=L100K, eta_min=1e-5),
            _steps(L100K),
        ),
        _erroring("CosineAnnealingLR/t_max-0", _spec("CosineAnnealingLR", T_max=0), 1),
    ]


def _warm_restarts() -> list[Case]:
    name = "CosineAnnealingWarmRestarts"
    return [
        _readable(f"{name}/t_mult-1", _spec(name, T_0=10), _steps(30, [10, 20])),
        _readable(f"{name}/t_mult-2", _spec(name, T_0=5, T_mult=2), _steps(35, [5, 15, 35, 75])),
        _readable(
            f"{name}/t_mult-3-eta_min",
            _spec(name, T_0=2, T_mult=3, eta_min=0.001),
            _steps(26, [2, 8, 26, 80]),
        ),
        _readable(f"{name}/eta_min", _spec(name, T_0=10, eta_min=0.01), _steps(30, [10, 20])),
        _readable(f"{name}/t_0-1", _spec(name, T_0=1), _steps(10)),
        _readable(f"{name}/t_0-1-t_mult-2", _spec(name, T_0=1, T_mult=2), _steps(31, [1, 3, 7, 15, 31])),
        _readable(
            f"{name}/long-t_mult-2",
            _spec(name, T_0=1000, T_mult=2, eta_min=1e-6),
            _steps(127_000, [1000, 3000, 7000, 15_000, 31_000, 63_000, 127_000], past=1),
        ),
        _readable(
            f"{name}/long-t_mult-1",
            _spec(name, T_0=3000),
            _steps(L100K, [3000, 6000, 99_000], past=1),
        ),
        _invalid(f"{name}/t_0-0", _spec(name, T_0=0)),
        _invalid(f"{name}/t_0-negative", _spec(name, T_0=-1)),
        _invalid(f"{name}/t_0-float", _spec(name, T_0=10.0)),
        _invalid(f"{name}/t_mult-0", _spec(name, T_0=10, T_mult=0)),
        _invalid(f"{name}/t_mult-1.5", _spec(name, T_0=10, T_mult=1.5)),
    ]


def _cyclic_lr() -> list[Case]:
    lo, hi = 0.001, 0.006
    off = {"cycle_momentum": False}
    return [
        _readable(
            "CyclicLR/triangular",
            _spec("CyclicLR", base_lr=lo, max_lr=hi, step_size_up=4, **off),
            _steps(24, [4, 8, 12, 16]),
        ),
        _readable(
            "CyclicLR/triangular-step_size_down",
            _spec("CyclicLR", base_lr=lo, max_lr=hi, step_size_up=2, step_size_down=6, **off),
            _steps(24, [2, 8, 10, 16]),
        ),
        _readable(
            "CyclicLR/triangular2",
            _spec("CyclicLR", base_lr=lo, max_lr=hi, step_size_up=3, mode="triangular2", **off),
            _steps(30, [3, 6, 9, 12]),
        ),
        # scale_mode is ignored for the built-in modes (torch forces cycle / cycle / iterations)
        _readable(
            "CyclicLR/triangular2-scale_mode-iterations",
            _spec(
                "CyclicLR",
                base_lr=lo,
                max_lr=hi,
                step_size_up=3,
                step_size_down=5,
                mode="triangular2",
                scale_mode="iterations",
                **off,
            ),
            _steps(32, [3, 8, 11, 16]),
        ),
        _readable(
            "CyclicLR/exp_range",
            _spec("CyclicLR", base_lr=lo, max_lr=hi, step_size_up=3, mode="exp_range", gamma=0.9, **off),
            _steps(30, [3, 6, 9]),
        ),
        _readable(
            "CyclicLR/exp_range-scale_mode-cycle",
            _spec(
                "CyclicLR",
                base_lr=lo,
                max_lr=hi,
                step_size_up=3,
                step_size_down=4,
                mode="exp_range",
                gamma=0.95,
                scale_mode="cycle",
                **off,
            ),
            _steps(35, [3, 7, 10, 14]),
        ),
        _readable(
            "CyclicLR/exp_range-scale_mode-iterations",
            _spec(
                "CyclicLR",
                base_lr=lo,
                max_lr=hi,
                step_size_up=2,
                step_size_down=5,
                mode="exp_range",
                gamma=0.99,
                scale_mode="iterations",
                **off,
            ),
            _steps(35, [2, 7, 9, 14]),
        ),
        _readable(
            "CyclicLR/inverted",
            _spec("CyclicLR", base_lr=hi, max_lr=lo, step_size_up=3, **off),
            _steps(18, [3, 6]),
        ),
        _readable(
            "CyclicLR/step_size_up-1",
            _spec("CyclicLR", base_lr=lo, max_lr=hi, step_size_up=1, **off),
            _steps(10),
        ),
        # cycle_momentum left at its default (True): built on SGD(momentum=0.9)
        _readable(
            "CyclicLR/cycle_momentum-default",
            _spec("CyclicLR", base_lr=lo, max_lr=hi, step_size_up=5),
            _steps(20, [5, 10]),
        ),
        # step_size_up defaults to 2000; cycle_momentum default (SGD momentum=0.9)
        _readable(
            "CyclicLR/defaults-long",
            _spec("CyclicLR", base_lr=lo, max_lr=hi),
            _steps(L100K, [2000, 4000, 6000, 98_000], past=1),
        ),
        _readable(
            "CyclicLR/triangular2-long",
            _spec(
                "CyclicLR",
                base_lr=lo,
                max_lr=hi,
                step_size_up=1500,
                step_size_down=3500,
                mode="triangular2",
                **off,
            ),
            _steps(L100K, [1500, 5000, 6500, 10_000], past=1),
        ),
        _invalid("CyclicLR/bad-mode", _spec("CyclicLR", base_lr=lo, max_lr=hi, mode="bad", **off)),
        _invalid(
            "CyclicLR/step_sizes-0",
            _spec("CyclicLR", base_lr=lo, max_lr=hi, step_size_up=0, step_size_down=0, **off),
        ),
        _invalid(
            "CyclicLR/step_size_up-0",
            _spec("CyclicLR", base_lr=lo, max_lr=hi, step_size_up=0, step_size_down=3, **off),
        ),
    ]


def _one_cycle_lr() -> list[Case]:
    off = {"cycle_momentum": False}

    def oc(**args: Any) -> Spec:
        return _spec("OneCycleLR", **args)

    def upto(total: int, edges: list[int]) -> list[int]:
        return _steps(total, edges, last=total)

    return [
        _readable("OneCycleLR/cos-two-phase", oc(max_lr=0.1, total_steps=100, **off), upto(100, [29, 30])),
        _erroring("OneCycleLR/cos-two-phase-past-end", oc(max_lr=0.1, total_steps=100, **off), 101),
        _readable(
            "OneCycleLR/cos-three-phase",
            oc(max_lr=0.1, total_steps=100, three_phase=True, **off),
            upto(100, [29, 58, 99]),
        ),
        _erroring(
            "OneCycleLR/cos-three-phase-past-end",
            oc(max_lr=0.1, total_steps=100, three_phase=True, **off),
            101,
        ),
        # linear: at t == total_steps pct > 1, so the lr overshoots min_lr (below it, here negative)
        _readable(
            "OneCycleLR/linear-two-phase",
            oc(max_lr=0.1, total_steps=100, anneal_strategy="linear", **off),
            upto(100, [29, 30]),
        ),
        _readable(
            "OneCycleLR/linear-three-phase",
            oc(max_lr=0.1, total_steps=100, anneal_strategy="linear", three_phase=True, **off),
            upto(100, [29, 58, 99]),
        ),
        _readable(
            "OneCycleLR/epochs-steps_per_epoch",
            oc(max_lr=0.05, epochs=10, steps_per_epoch=7, **off),
            upto(70, [20, 21]),
        ),
        _erroring(
            "OneCycleLR/epochs-steps_per_epoch-past-end",
            oc(max_lr=0.05, epochs=10, steps_per_epoch=7, **off),
            71,
        ),
        _readable(
            "OneCycleLR/total_steps-wins-over-epochs",
            oc(max_lr=0.05, total_steps=40, epochs=10, steps_per_epoch=7, **off),
            upto(40, [11, 12]),
        ),
        _readable(
            "OneCycleLR/fractional-phase-end",
            oc(max_lr=0.1, total_steps=10, pct_start=0.25, **off),
            upto(10, [1, 2]),
        ),
        _readable(
            "OneCycleLR/div-factors",
            oc(max_lr=1.0, total_steps=50, div_factor=10.0, final_div_factor=100.0, pct_start=0.4, **off),
            upto(50, [19, 20]),
        ),
        _readable("OneCycleLR/cycle_momentum-default", oc(max_lr=0.1, total_steps=30), upto(30, [8, 9])),
        _readable("OneCycleLR/total_steps-1", oc(max_lr=1.0, total_steps=1, **off), [0, 1]),
        _readable("OneCycleLR/total_steps-2", oc(max_lr=1.0, total_steps=2, **off), [0, 1, 2]),
        _readable(
            "OneCycleLR/pct_start-0", oc(max_lr=1.0, total_steps=10, pct_start=0.0, **off), upto(10, [])
        ),
        # pct_start == 1: the last phase has zero length, so t == total_steps divides by zero
        _readable(
            "OneCycleLR/pct_start-1-before-end",
            oc(max_lr=1.0, total_steps=10, pct_start=1.0, **off),
            list(range(10)),
        ),
        _erroring("OneCycleLR/pct_start-1", oc(max_lr=1.0, total_steps=10, pct_start=1.0, **off), 10),
        _readable(
            "OneCycleLR/long-cos",
            oc(max_lr=0.1, total_steps=L100K, **off),
            upto(L100K, [29_999, 30_000, 99_999]),
        ),
        _erroring("OneCycleLR/long-cos-past-end", oc(max_lr=0.1, total_steps=L100K, **off), L100K + 1),
        _readable(
            "OneCycleLR/long-linear-three-phase",
            oc(max_lr=0.1, total_steps=L100K, anneal_strategy="linear", three_phase=True, **off),
            upto(L100K, [29_999, 30_000, 59_998, 59_999, 99_999]),
        ),
        _invalid("OneCycleLR/total_steps-0", oc(max_lr=0.1, total_steps=0)),
        _invalid("OneCycleLR/total_steps-negative", oc(max_lr=0.1, total_steps=-5)),
        _invalid("OneCycleLR/total_steps-float", oc(max_lr=0.1, total_steps=100.0)),
        _invalid("OneCycleLR/no-length", oc(max_lr=0.1)),
        _invalid("OneCycleLR/epochs-only", oc(max_lr=0.1, epochs=10)),
        _invalid("OneCycleLR/epochs-0", oc(max_lr=0.1, epochs=0, steps_per_epoch=10)),
        _invalid("OneCycleLR/steps_per_epoch-0", oc(max_lr=0.1, epochs=10, steps_per_epoch=0)),
        _invalid("OneCycleLR/pct_start-gt-1", oc(max_lr=0.1, total_steps=100, pct_start=1.5)),
        _invalid("OneCycleLR/pct_start-negative", oc(max_lr=0.1, total_steps=100, pct_start=-0.1)),
        # torch requires a Python float: the int 1 is refused although 1.0 is accepted
        _invalid("OneCycleLR/pct_start-int", oc(max_lr=0.1, total_steps=100, pct_start=1)),
        _invalid("OneCycleLR/bad-anneal_strategy", oc(max_lr=0.1, total_steps=100, anneal_strategy="exp")),
    ]


def _sequential_lr() -> list[Case]:
    off = {"cycle_momentum": False}
    return [
        _readable(
            "SequentialLR/linear-then-cosine",
            _seq([5], _sub("LinearLR", start_factor=0.1, total_iters=5), _sub("CosineAnnealingLR", T_max=15)),
            _steps(20, [5, 35]),
        ),
        _readable(
            "SequentialLR/linear-then-exponential",
            _seq([5], _sub("LinearLR", start_factor=0.1, total_iters=5), _sub("ExponentialLR", gamma=0.9)),
            _steps(30, [5]),
        ),
        _readable(
            "SequentialLR/linear-unfinished-then-exponential",
            _seq([5], _sub("LinearLR", start_factor=0.1, total_iters=10), _sub("ExponentialLR", gamma=0.9)),
            _steps(20, [5]),
        ),
        _readable(
            "SequentialLR/constant-first",
            _seq([5], _sub("ConstantLR", factor=0.5, total_iters=3), _sub("ExponentialLR", gamma=0.9)),
            _steps(20, [3, 5]),
        ),
        _readable(
            "SequentialLR/constant-unfinished-first",
            _seq([5], _sub("ConstantLR", factor=0.5, total_iters=8), _sub("ExponentialLR", gamma=0.9)),
            _steps(20, [5, 8]),
        ),
        _readable(
            "SequentialLR/exponential-then-constant",
            _seq([3], _sub("ExponentialLR", gamma=0.5), _sub("ConstantLR", factor=0.5, total_iters=2)),
            _steps(10, [3, 5]),
        ),
        _readable(
            "SequentialLR/exponential-then-linear",
            _seq([3], _sub("ExponentialLR", gamma=0.5), _sub("LinearLR", start_factor=0.5, total_iters=4)),
            _steps(10, [3, 7]),
        ),
        _readable(
            "SequentialLR/cosine-then-cosine-eta_min",
            _seq(
                [8],
                _sub("CosineAnnealingLR", T_max=8),
                _sub("CosineAnnealingLR", T_max=12, eta_min=0.01),
            ),
            _steps(20, [8]),
        ),
        _readable(
            "SequentialLR/cosine-past-end",
            _seq([5], _sub("LinearLR", start_factor=0.1, total_iters=5), _sub("CosineAnnealingLR", T_max=10)),
            _steps(15, [5, 25, 35, 45], past=5),
        ),
        _readable(
            "SequentialLR/three-linear-constant-cosine",
            _seq(
                [5, 10],
                _sub("LinearLR", start_factor=0.1, total_iters=5),
                _sub("ConstantLR", factor=0.5, total_iters=5),
                _sub("CosineAnnealingLR", T_max=20, eta_min=0.001),
            ),
            _steps(30, [5, 10]),
        ),
        _readable(
            "SequentialLR/three-constant-step-polynomial",
            _seq(
                [4, 12],
                _sub("ConstantLR", factor=0.1, total_iters=2),
                _sub("StepLR", step_size=3, gamma=0.5),
                _sub("PolynomialLR", total_iters=10, power=2.0),
            ),
            _steps(22, [2, 4, 12]),
        ),
        _readable(
            "SequentialLR/milestone-0",
            _seq([0], _sub("LinearLR", start_factor=0.1, total_iters=3), _sub("StepLR", step_size=2)),
            _steps(10, [0]),
        ),
        _readable(
            "SequentialLR/equal-milestones",
            _seq(
                [5, 5],
                _sub("LinearLR", start_factor=0.1, total_iters=5),
                _sub("ExponentialLR", gamma=0.1),
                _sub("CosineAnnealingLR", T_max=10),
            ),
            _steps(15, [5]),
        ),
        _readable(
            "SequentialLR/single",
            _seq([], _sub("CosineAnnealingLR", T_max=10)),
            _steps(10),
        ),
        _readable(
            "SequentialLR/warmup-then-warm-restarts",
            _seq(
                [3],
                _sub("LinearLR", start_factor=0.1, total_iters=3),
                _sub("CosineAnnealingWarmRestarts", T_0=4, T_mult=2),
            ),
            _steps(31, [3, 7, 15, 31]),
        ),
        _readable(
            "SequentialLR/multistep-then-linear-decay",
            _seq(
                [10],
                _sub("MultiStepLR", milestones=[3, 6], gamma=0.5),
                _sub("LinearLR", start_factor=1.0, end_factor=0.01, total_iters=10),
            ),
            _steps(20, [3, 6, 10]),
        ),
        # at a milestone the next scheduler is set by its closed form at local step 0: ConstantLR with
        # total_iters=0 then gives base_lr (as the first scheduler it gives factor * base_lr forever), and
        # LinearLR / PolynomialLR with total_iters=0 divide by zero there
        _readable(
            "SequentialLR/then-constant-total_iters-0",
            _seq([3], _sub("ExponentialLR", gamma=0.5), _sub("ConstantLR", factor=0.25, total_iters=0)),
            _steps(6, [3]),
        ),
        _erroring(
            "SequentialLR/then-linear-total_iters-0",
            _seq([3], _sub("ExponentialLR", gamma=0.5), _sub("LinearLR", start_factor=0.25, total_iters=0)),
            3,
        ),
        _erroring(
            "SequentialLR/then-polynomial-total_iters-0",
            _seq([3], _sub("ExponentialLR", gamma=0.5), _sub("PolynomialLR", total_iters=0)),
            3,
        ),
        _readable(
            "SequentialLR/then-multistep-milestone-0",
            _seq([3], _sub("ExponentialLR", gamma=0.5), _sub("MultiStepLR", milestones=[0, 2])),
            _steps(8, [3, 5]),
        ),
        # CyclicLR / OneCycleLR rewrite group["lr"] / group["initial_lr"] when constructed, which changes
        # the base_lr of every scheduler built after them and the lr SequentialLR resets to.
        _readable(
            "SequentialLR/cyclic-first",
            _seq(
                [4],
                _sub("CyclicLR", base_lr=0.01, max_lr=0.05, step_size_up=2, **off),
                _sub("CosineAnnealingLR", T_max=4),
            ),
            _steps(8, [4]),
        ),
        _readable(
            "SequentialLR/linear-then-onecycle",
            _seq(
                [2],
                _sub("LinearLR", start_factor=0.5, total_iters=2),
                _sub("OneCycleLR", max_lr=1.0, total_steps=4, **off),
            ),
            list(range(7)),
        ),
        _erroring(
            "SequentialLR/linear-then-onecycle-past-end",
            _seq(
                [2],
                _sub("LinearLR", start_factor=0.5, total_iters=2),
                _sub("OneCycleLR", max_lr=1.0, total_steps=4, **off),
            ),
            7,
        ),
        _readable(
            "SequentialLR/onecycle-then-exponential",
            _seq(
                [3],
                _sub("OneCycleLR", max_lr=1.0, total_steps=4, **off),
                _sub("ExponentialLR", gamma=0.5),
            ),
            _steps(10, [3]),
        ),
        _readable(
            "SequentialLR/long-warmup-cosine",
            _seq(
                [1000],
                _sub("LinearLR", start_factor=0.001, total_iters=1000),
                _sub("CosineAnnealingLR", T_max=99_000, eta_min=1e-6),
            ),
            _steps(L100K, [1000]),
        ),
        _invalid(
            "SequentialLR/milestone-count",
            _seq([3, 6], _sub("LinearLR"), _sub("ExponentialLR", gamma=0.9)),
        ),
        _invalid("SequentialLR/no-schedulers", _seq([])),
    ]


def _chained_scheduler() -> list[Case]:
    return [
        _readable(
            "ChainedScheduler/constant-exponential",
            _chain(_sub("ConstantLR", factor=0.5, total_iters=3), _sub("ExponentialLR", gamma=0.9)),
            _steps(20, [3]),
        ),
        _readable(
            "ChainedScheduler/linear-cosine-eta_min-0",
            _chain(_sub("LinearLR", start_factor=0.1, total_iters=5), _sub("CosineAnnealingLR", T_max=20)),
            _steps(20, [5, 21, 40, 41, 61]),
        ),
        _readable(
            "ChainedScheduler/step-multistep",
            _chain(_sub("StepLR", step_size=3, gamma=0.5), _sub("MultiStepLR", milestones=[4, 7], gamma=0.1)),
            _steps(12, [3, 4, 6, 7, 9]),
        ),
        # eta_min > 0 makes the cosine update affine, not multiplicative
        _readable(
            "ChainedScheduler/linear-cosine-eta_min",
            _chain(
                _sub("LinearLR", start_factor=0.5, total_iters=4),
                _sub("CosineAnnealingLR", T_max=10, eta_min=0.01),
            ),
            _steps(10, [4]),
        ),
        _readable(
            "ChainedScheduler/cosine-eta_min-linear",
            _chain(
                _sub("CosineAnnealingLR", T_max=10, eta_min=0.01),
                _sub("LinearLR", start_factor=0.5, total_iters=4),
            ),
            _steps(10, [4]),
        ),
        _readable(
            "ChainedScheduler/three-linear-exponential-step",
            _chain(
                _sub("LinearLR", start_factor=0.2, total_iters=4),
                _sub("ExponentialLR", gamma=0.95),
                _sub("StepLR", step_size=5, gamma=0.5),
            ),
            _steps(20, [4, 5, 10]),
        ),
        _readable(
            "ChainedScheduler/polynomial-exponential",
            _chain(_sub("PolynomialLR", total_iters=10, power=2.0), _sub("ExponentialLR", gamma=0.9)),
            _steps(10),
        ),
        _readable(
            "ChainedScheduler/constant-defaults-linear-defaults",
            _chain(_sub("ConstantLR"), _sub("LinearLR")),
            _steps(5),
        ),
        # CosineAnnealingWarmRestarts sets the lr from base_lr each step: what comes after it multiplies
        # one step's factor, what comes before it is overwritten
        _readable(
            "ChainedScheduler/warm-restarts-then-exponential",
            _chain(_sub("CosineAnnealingWarmRestarts", T_0=3), _sub("ExponentialLR", gamma=0.5)),
            _steps(9, [3, 6]),
        ),
        _readable(
            "ChainedScheduler/exponential-then-warm-restarts",
            _chain(_sub("ExponentialLR", gamma=0.5), _sub("CosineAnnealingWarmRestarts", T_0=3)),
            _steps(9, [3, 6]),
        ),
        _readable(
            "ChainedScheduler/single",
            _chain(_sub("ExponentialLR", gamma=0.9)),
            _steps(10),
        ),
        _readable(
            "ChainedScheduler/long-linear-cosine",
            _chain(
                _sub("LinearLR", start_factor=0.01, total_iters=1000),
                _sub("CosineAnnealingLR", T_max=L100K),
            ),
            _steps(L100K, [1000]),
        ),
        _invalid("ChainedScheduler/no-schedulers", _chain()),
    ]


def _all_cases() -> list[Case]:
    cases = [
        *_step_lr(),
        *_multi_step_lr(),
        *_constant_lr(),
        *_linear_lr(),
        *_exponential_lr(),
        *_polynomial_lr(),
        *_cosine_annealing_lr(),
        *_warm_restarts(),
        *_cyclic_lr(),
        *_one_cycle_lr(),
        *_sequential_lr(),
        *_chained_scheduler(),
    ]
    ids = [c["id"] for c in cases]
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    if duplicates:
        raise AssertionError(f"duplicate case ids: {duplicates}")
    return cases


def generate() -> dict[str, Any]:
    with warnings.catch_warnings():
        # e.g. "Detected call of `lr_scheduler.step()` before `optimizer.step()`"
        warnings.simplefilter("ignore")
        cases = _all_cases()
    return {"library": "torch", "version": torch.__version__.split("+")[0], "cases": cases}
