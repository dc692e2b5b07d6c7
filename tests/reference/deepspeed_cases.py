"""Reference cases for DeepSpeed's ``deepspeed.runtime.lr_schedules`` (see generate.py).

Every case builds the real scheduler on a fresh one-parameter ``torch.optim.SGD(lr=base_lr)`` (a plain torch
optimizer, no engine) and records ``optimizer.param_groups[0]["lr"]`` after ``t`` sequential calls of
``scheduler.step()``; ``t = 0`` is right after construction. That is exactly the LR the ``t``-th update
(0-based) of a loop calling ``optimizer.step(); scheduler.step()`` uses, which is what DeepSpeed's engine
does (``engine.step()`` steps the optimizer, then ``lr_scheduler.step()``; nothing steps it at build).

DeepSpeed's convention differs from torch's: the constructor sets ``last_batch_iteration = -1`` and writes
``get_lr()`` at -1 into the optimizer (``warmup_min_lr`` for WarmupLR/WarmupDecayLR, ``0.0`` for
WarmupCosineLR), and the k-th ``step()`` sets ``last_batch_iteration = k - 1``. So
``lr[0] = <value at -1>`` and ``lr[t] = f(t - 1)`` for ``t >= 1``, ``f`` being the schedule formula of the
iteration index. See notes/deepspeed.md.

Spec: ``{"kind": "deepspeed", "name": "WarmupLR", "base_lr": 0.001, "args": {<the class's keyword
arguments but optimizer and last_batch_iteration>}}``.
"""

from __future__ import annotations

import logging
import os
import warnings
from collections.abc import Iterable
from typing import Any

from _common import message, steps_for


def run_case(
    case_id: str, spec: dict[str, Any], steps: Iterable[int] | None, *, expect: str = "ok"
) -> dict[str, Any]:
    """Build ``spec`` and record the LR at ``steps``; ``expect`` is "ok" or "invalid" (checked)."""
    import torch
    from deepspeed.runtime import lr_schedules

    out: dict[str, Any] = {"id": case_id, "spec": spec}
    optimizer = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=spec["base_lr"])
    try:
        scheduler = getattr(lr_schedules, spec["name"])(optimizer, **spec["args"])
    except Exception as exc:
        assert expect == "invalid", f"{case_id}: unexpected build error {message(exc)}"
        out["invalid"] = message(exc)
        return out
    assert expect == "ok", f"{case_id}: built, but an invalid case was expected"
    assert steps is not None
    got_steps: list[int] = []
    lrs: list[float] = []
    t = 0
    for target in sorted(set(steps)):
        while t < target:
            scheduler.step()
            t += 1
        lr = optimizer.param_groups[0]["lr"]
        # an int warmup_min_lr is written as is at t = 0 (e.g. 0): the fixture stores it as a float
        assert type(lr) in (float, int), f"{case_id}: lr {lr!r} at {t} is a {type(lr).__name__}"
        got_steps.append(t)
        lrs.append(float(lr))
    out["steps"] = got_steps
    out["lr"] = lrs
    return out


def _cases() -> list[dict[str, Any]]:
    cases: list[dict[str, Any]] = []

    def add(
        case_id: str,
        name: str,
        base_lr: float,
        args: dict[str, Any],
        steps: Iterable[int] | None = None,
        **kw: Any,
    ) -> None:
        spec = {"kind": "deepspeed", "name": name, "base_lr": base_lr, "args": args}
        cases.append(run_case(f"{name}/{case_id}", spec, steps, **kw))

    # Edges are in update numbers t (lr[t] = f(t - 1)), so the warm-up ends at t = warmup_num_steps + 1.
    # ---- WarmupLR --------------------------------------------------------------------------------
    n = "WarmupLR"
    for wt in ("log", "linear"):
        add(
            f"basic-{wt}",
            n,
            0.001,
            {"warmup_min_lr": 0, "warmup_max_lr": 0.001, "warmup_num_steps": 1000, "warmup_type": wt},
            steps_for(1000, 1001),
        )
        add(
            f"short-{wt}",
            n,
            0.01,
            {"warmup_min_lr": 0.0, "warmup_max_lr": 0.01, "warmup_num_steps": 10, "warmup_type": wt},
            steps_for(10, 11),
        )
        add(
            f"min_lr-{wt}",
            n,
            0.003,
            {"warmup_min_lr": 1e-4, "warmup_max_lr": 0.003, "warmup_num_steps": 37, "warmup_type": wt},
            steps_for(37, 38),
        )
        add(
            f"warmup-1-{wt}",
            n,
            0.001,  # warmup_num_steps is raised to max(2, n)
            {"warmup_min_lr": 0.0, "warmup_max_lr": 0.001, "warmup_num_steps": 1, "warmup_type": wt},
            steps_for(2, 3),
        )
        add(
            f"warmup-2-{wt}",
            n,
            0.001,
            {"warmup_min_lr": 1e-5, "warmup_max_lr": 0.001, "warmup_num_steps": 2, "warmup_type": wt},
            steps_for(2, 3),
        )
        add(
            f"long-{wt}",
            n,
            6e-4,
            {"warmup_min_lr": 1e-6, "warmup_max_lr": 6e-4, "warmup_num_steps": 50_000, "warmup_type": wt},
            steps_for(50_000, 50_001),
        )
    add("defaults", n, 0.002, {}, steps_for(1000, 1001))  # warmup_max_lr None -> the optimizer's lr
    add(
        "max_lr-ne-base_lr",
        n,
        0.5,
        {"warmup_min_lr": 0.0, "warmup_max_lr": 0.001, "warmup_num_steps": 10, "warmup_type": "linear"},
        steps_for(10, 11),
    )
    add(
        "decreasing",
        n,
        0.001,
        {"warmup_min_lr": 0.01, "warmup_max_lr": 0.001, "warmup_num_steps": 20, "warmup_type": "linear"},
        steps_for(20, 21),
    )
    add(
        "unknown-warmup_type",
        n,
        0.001,
        {"warmup_min_lr": 0.0, "warmup_max_lr": 0.001, "warmup_num_steps": 10, "warmup_type": "cosine"},
        steps_for(10, 11),
    )  # falls back to log
    add("warmup-0", n, 0.001, {"warmup_num_steps": 0}, expect="invalid")
    add("warmup-negative", n, 0.001, {"warmup_num_steps": -5}, expect="invalid")
    add("warmup-float", n, 0.001, {"warmup_num_steps": 10.0}, expect="invalid")

    # ---- WarmupDecayLR ---------------------------------------------------------------------------
    n = "WarmupDecayLR"
    for wt in ("log", "linear"):
        add(
            f"basic-{wt}",
            n,
            0.001,
            {
                "total_num_steps": 100,
                "warmup_min_lr": 0.0,
                "warmup_max_lr": 0.001,
                "warmup_num_steps": 10,
                "warmup_type": wt,
            },
            steps_for(101, 11),
        )
        add(
            f"long-{wt}",
            n,
            3e-4,
            {
                "total_num_steps": 100_000,
                "warmup_min_lr": 0.0,
                "warmup_max_lr": 3e-4,
                "warmup_num_steps": 1000,
                "warmup_type": wt,
            },
            steps_for(100_001, 1001),
        )
        add(
            f"min_lr-{wt}",
            n,
            0.01,
            {
                "total_num_steps": 77,
                "warmup_min_lr": 1e-3,
                "warmup_max_lr": 0.01,
                "warmup_num_steps": 7,
                "warmup_type": wt,
            },
            steps_for(78, 8),
        )
        add(
            f"warmup-1-{wt}",
            n,
            0.001,
            {
                "total_num_steps": 20,
                "warmup_min_lr": 0.0,
                "warmup_max_lr": 0.001,
                "warmup_num_steps": 1,
                "warmup_type": wt,
            },
            steps_for(21, 3),
        )
    add("defaults", n, 0.05, {"total_num_steps": 3000}, steps_for(3001, 1001))  # warmup_max_lr defaults 0.001
    add(
        "total-eq-warmup",
        n,
        0.001,
        {
            "total_num_steps": 30,
            "warmup_min_lr": 0.0,
            "warmup_max_lr": 0.001,
            "warmup_num_steps": 30,
            "warmup_type": "linear",
        },
        steps_for(31, 31),
    )
    add(
        "total-lt-warmup",
        n,
        0.001,
        {
            "total_num_steps": 10,
            "warmup_min_lr": 1e-4,
            "warmup_max_lr": 0.001,
            "warmup_num_steps": 30,
            "warmup_type": "linear",
        },
        steps_for(31, 11),
    )
    add(
        "total-1",
        n,
        0.001,
        {
            "total_num_steps": 1,
            "warmup_min_lr": 0.0,
            "warmup_max_lr": 0.001,
            "warmup_num_steps": 1,
            "warmup_type": "linear",
        },
        steps_for(3, 2),
    )
    add("warmup-0", n, 0.001, {"total_num_steps": 100, "warmup_num_steps": 0}, expect="invalid")

    # ---- WarmupCosineLR --------------------------------------------------------------------------
    n = "WarmupCosineLR"
    for wt in ("log", "linear"):
        add(
            f"basic-{wt}",
            n,
            0.001,
            {
                "total_num_steps": 100,
                "warmup_min_ratio": 0.0,
                "warmup_num_steps": 10,
                "cos_min_ratio": 0.0001,
                "warmup_type": wt,
            },
            steps_for(101, 11),
        )
        add(
            f"long-{wt}",
            n,
            3e-4,
            {
                "total_num_steps": 150_000,
                "warmup_min_ratio": 0.01,
                "warmup_num_steps": 2000,
                "cos_min_ratio": 0.1,
                "warmup_type": wt,
            },
            steps_for(150_001, 2001),
        )
        add(
            f"warmup_min_ratio-{wt}",
            n,
            0.01,
            {
                "total_num_steps": 93,
                "warmup_min_ratio": 0.2,
                "warmup_num_steps": 7,
                "cos_min_ratio": 0.0,
                "warmup_type": wt,
            },
            steps_for(94, 8),
        )
        add(
            f"warmup-1-{wt}",
            n,
            0.001,
            {"total_num_steps": 20, "warmup_min_ratio": 0.1, "warmup_num_steps": 1, "warmup_type": wt},
            steps_for(21, 3),
        )
    add("defaults", n, 0.001, {"total_num_steps": 5000}, steps_for(5001, 1001))
    add(
        "total-eq-warmup",
        n,
        0.001,
        {"total_num_steps": 30, "warmup_num_steps": 30, "warmup_type": "linear"},
        steps_for(31, 31),
    )
    add(
        "total-lt-warmup",
        n,
        0.001,
        {
            "total_num_steps": 10,
            "warmup_min_ratio": 0.1,
            "warmup_num_steps": 30,
            "cos_min_ratio": 0.05,
            "warmup_type": "linear",
        },
        steps_for(31, 11),
    )
    add(
        "total-1",
        n,
        0.001,
        {"total_num_steps": 1, "warmup_num_steps": 1, "warmup_type": "linear"},
        steps_for(3, 2),
    )
    add(
        "cos_min_ratio-gt-1",
        n,
        0.001,
        {"total_num_steps": 50, "warmup_num_steps": 5, "cos_min_ratio": 2.0, "warmup_type": "linear"},
        steps_for(51, 6),
    )
    add(
        "unknown-warmup_type",
        n,
        0.001,
        {"total_num_steps": 50, "warmup_num_steps": 10, "warmup_type": "exp"},
        steps_for(51, 11),
    )  # falls back to log
    add("warmup-0", n, 0.001, {"total_num_steps": 100, "warmup_num_steps": 0}, expect="invalid")
    add("warmup-float", n, 0.001, {"total_num_steps": 100, "warmup_num_steps": 10.5}, expect="invalid")
    return cases


def generate() -> dict[str, Any]:
    os.environ.setdefault("DS_ACCELERATOR", "cpu")
    import deepspeed
    from deepspeed.utils import logger

    level = logger.level
    logger.setLevel(logging.ERROR)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            cases = _cases()
    finally:
        logger.setLevel(level)
    ids = [c["id"] for c in cases]
    assert len(ids) == len(set(ids)), "duplicate case ids"
    return {"library": "deepspeed", "version": deepspeed.__version__, "cases": cases}
