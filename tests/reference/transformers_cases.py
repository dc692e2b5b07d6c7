"""Reference cases for Hugging Face ``transformers.optimization`` schedules (see generate.py).

Every case builds the real scheduler on a fresh one-parameter ``torch.optim.SGD(lr=base_lr)`` and records
``optimizer.param_groups[0]["lr"]`` after ``t`` sequential calls of ``scheduler.step()`` (``t = 0`` is right
after construction). All of these are ``LambdaLR``s, so ``lr[t] = base_lr * lr_lambda(t)`` and the value after
``t`` steps is the one the ``t``-th optimizer update (0-based) uses in a loop that calls
``optimizer.step(); scheduler.step()``.

Two spellings of the spec, as in our dialect:

* a ``get_*`` function of ``transformers.optimization``: ``{"kind": "transformers", "name":
  "get_cosine_schedule_with_warmup", "base_lr": ..., "args": {<the function's keyword arguments>}}``;
* a ``SchedulerType`` name through ``get_scheduler``: ``{"kind": "transformers", "name": "cosine", "base_lr":
  ..., "args": {"num_warmup_steps": ..., "num_training_steps": ..., "scheduler_specific_kwargs": {...}}}``
  (arguments left out are ``None`` in ``get_scheduler``).

A step at which the lambda raises is listed in ``error_steps`` (``LambdaLR`` has already advanced
``last_epoch``, so stepping goes on and later steps may be fine again); an exception while building
(``LambdaLR`` evaluates the lambda at 0 in its constructor) makes the case ``invalid`` with the message.
Schedules that are not a function of the step get an ``invalid`` case with the reason.
"""

from __future__ import annotations

import logging
import warnings
from collections.abc import Iterable
from typing import Any

from _common import message, steps_for


def _build(spec: dict[str, Any]) -> tuple[Any, Any]:
    import torch
    from transformers import optimization
    from transformers.trainer_utils import SchedulerType

    param = torch.nn.Parameter(torch.zeros(1))
    optimizer = torch.optim.SGD([param], lr=spec["base_lr"])
    name = spec["name"]
    if name in {s.value for s in SchedulerType}:
        scheduler = optimization.get_scheduler(name, optimizer, **spec["args"])
    else:
        scheduler = getattr(optimization, name)(optimizer, **spec["args"])
    return optimizer, scheduler


def run_case(
    case_id: str,
    spec: dict[str, Any],
    steps: Iterable[int] | None,
    *,
    expect: str = "ok",
    reason: str | None = None,
) -> list[dict[str, Any]]:
    """Build ``spec`` and record the LR at ``steps``; ``expect`` is "ok", "errors" or "invalid" (checked).

    A schedule that raises at some steps and not at others gives two cases, as in the other generators:
    ``case_id`` with the readable steps and ``case_id-raises`` with ``error_steps`` (and the message).
    """
    out: dict[str, Any] = {"id": case_id, "spec": spec}
    if reason is not None:  # not a function of the step: no numbers at all
        assert expect == "invalid"
        out["invalid"] = reason
        return [out]
    try:
        optimizer, scheduler = _build(spec)
    except Exception as exc:
        assert expect == "invalid", f"{case_id}: unexpected build error {message(exc)}"
        out["invalid"] = message(exc)
        return [out]
    assert expect != "invalid", f"{case_id}: built, but an invalid case was expected"
    assert steps is not None
    wanted = sorted(set(steps))
    got_steps: list[int] = []
    lrs: list[float] = []
    errors: list[int] = []
    first_error = ""
    t = 0
    ok = True
    for target in wanted:
        while t < target:
            t += 1
            try:
                scheduler.step()
                ok = True
            except Exception as exc:
                ok = False
                errors.append(t)
                first_error = first_error or message(exc)
        if t == target and ok:
            lr = optimizer.param_groups[0]["lr"]
            assert type(lr) is float, f"{case_id}: lr {lr!r} at {t} is a {type(lr).__name__}"
            got_steps.append(t)
            lrs.append(lr)
    assert (expect == "errors") == bool(errors), f"{case_id}: error steps {errors[:10]}"
    out["steps"] = got_steps
    out["lr"] = lrs
    if not errors:
        return [out]
    raises = {"id": f"{case_id}-raises", "spec": spec, "error_steps": errors, "error": first_error}
    return [out, raises]


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
        spec = {"kind": "transformers", "name": name, "base_lr": base_lr, "args": args}
        cases.extend(run_case(case_id, spec, steps, **kw))

    # ---- get_constant_schedule -------------------------------------------------------------------
    n = "get_constant_schedule"
    add(f"{n}/basic", n, 0.001, {}, steps_for(100))
    add(f"{n}/long", n, 3e-4, {}, steps_for(100_000))

    # ---- get_constant_schedule_with_warmup -------------------------------------------------------
    n = "get_constant_schedule_with_warmup"
    add(f"{n}/basic", n, 0.001, {"num_warmup_steps": 100}, steps_for(100))
    add(f"{n}/warmup-7", n, 0.1, {"num_warmup_steps": 7}, steps_for(7))
    add(f"{n}/warmup-0", n, 0.001, {"num_warmup_steps": 0}, steps_for(0))
    add(f"{n}/warmup-1", n, 0.001, {"num_warmup_steps": 1}, steps_for(1))
    add(f"{n}/long", n, 3e-4, {"num_warmup_steps": 40_000}, steps_for(40_000))

    # ---- get_linear_schedule_with_warmup ---------------------------------------------------------
    n = "get_linear_schedule_with_warmup"
    add(f"{n}/basic", n, 0.001, {"num_warmup_steps": 10, "num_training_steps": 100}, steps_for(100, 10))
    add(f"{n}/odd", n, 5e-5, {"num_warmup_steps": 3, "num_training_steps": 77}, steps_for(77, 3))
    add(
        f"{n}/long",
        n,
        3e-4,
        {"num_warmup_steps": 1000, "num_training_steps": 100_000},
        steps_for(100_000, 1000),
    )
    add(f"{n}/warmup-0", n, 0.001, {"num_warmup_steps": 0, "num_training_steps": 50}, steps_for(50, 0))
    add(
        f"{n}/warmup-eq-training",
        n,
        0.001,
        {"num_warmup_steps": 50, "num_training_steps": 50},
        steps_for(50, 50),
    )
    add(f"{n}/training-1", n, 0.001, {"num_warmup_steps": 0, "num_training_steps": 1}, steps_for(1, 0))
    add(f"{n}/training-0", n, 0.001, {"num_warmup_steps": 0, "num_training_steps": 0}, steps_for(0, 0))
    add(
        f"{n}/training-lt-warmup",
        n,
        0.001,
        {"num_warmup_steps": 20, "num_training_steps": 10},
        steps_for(20, 10),
    )

    # ---- get_cosine_schedule_with_warmup ---------------------------------------------------------
    n = "get_cosine_schedule_with_warmup"
    add(
        f"{n}/basic",
        n,
        3e-4,
        {"num_warmup_steps": 1000, "num_training_steps": 100_000},
        steps_for(100_000, 1000),
    )
    add(f"{n}/short", n, 0.001, {"num_warmup_steps": 10, "num_training_steps": 100}, steps_for(100, 10))
    add(f"{n}/odd", n, 0.1, {"num_warmup_steps": 7, "num_training_steps": 93}, steps_for(93, 7))
    for cycles in (0.25, 0.75, 1.0, 2.5):
        add(
            f"{n}/num_cycles-{cycles}",
            n,
            0.001,
            {"num_warmup_steps": 10, "num_training_steps": 90, "num_cycles": cycles},
            steps_for(90, 10),
        )
    add(
        f"{n}/num_cycles-3-long",
        n,
        1e-3,
        {"num_warmup_steps": 2000, "num_training_steps": 150_000, "num_cycles": 3.0},
        steps_for(150_000, 2000),
    )
    add(
        f"{n}/num_cycles-0",
        n,
        0.001,
        {"num_warmup_steps": 10, "num_training_steps": 100, "num_cycles": 0},
        steps_for(100, 10),
    )
    add(f"{n}/warmup-0", n, 0.001, {"num_warmup_steps": 0, "num_training_steps": 100}, steps_for(100, 0))
    add(
        f"{n}/warmup-eq-training",
        n,
        0.001,
        {"num_warmup_steps": 40, "num_training_steps": 40},
        steps_for(40, 40),
    )
    add(f"{n}/training-1", n, 0.001, {"num_warmup_steps": 0, "num_training_steps": 1}, steps_for(1, 0))
    add(
        f"{n}/training-lt-warmup",
        n,
        0.001,
        {"num_warmup_steps": 20, "num_training_steps": 10},
        steps_for(20, 10),
    )

    # ---- get_cosine_with_hard_restarts_schedule_with_warmup --------------------------------------
    n = "get_cosine_with_hard_restarts_schedule_with_warmup"
    add(f"{n}/basic", n, 0.001, {"num_warmup_steps": 10, "num_training_steps": 100}, steps_for(100, 10))
    add(
        f"{n}/num_cycles-3",
        n,
        0.001,
        {"num_warmup_steps": 10, "num_training_steps": 100, "num_cycles": 3},
        steps_for(100, 10, 40, 70),
    )
    add(
        f"{n}/num_cycles-7-odd",
        n,
        0.01,
        {"num_warmup_steps": 5, "num_training_steps": 75, "num_cycles": 7},
        steps_for(75, 5),
    )
    add(
        f"{n}/num_cycles-2.5",
        n,
        0.001,
        {"num_warmup_steps": 0, "num_training_steps": 100, "num_cycles": 2.5},
        steps_for(100, 0, 40, 80),
    )
    add(
        f"{n}/long",
        n,
        3e-4,
        {"num_warmup_steps": 500, "num_training_steps": 120_500, "num_cycles": 4},
        steps_for(120_500, 500, 30_500, 60_500, 90_500),
    )
    add(
        f"{n}/warmup-0",
        n,
        0.001,
        {"num_warmup_steps": 0, "num_training_steps": 60, "num_cycles": 2},
        steps_for(60, 0, 30),
    )
    add(
        f"{n}/warmup-eq-training",
        n,
        0.001,
        {"num_warmup_steps": 30, "num_training_steps": 30},
        steps_for(30, 30),
    )
    add(f"{n}/training-1", n, 0.001, {"num_warmup_steps": 0, "num_training_steps": 1}, steps_for(1, 0))

    # ---- get_polynomial_decay_schedule_with_warmup -----------------------------------------------
    n = "get_polynomial_decay_schedule_with_warmup"
    add(f"{n}/basic", n, 0.001, {"num_warmup_steps": 10, "num_training_steps": 100}, steps_for(100, 10))
    add(
        f"{n}/power-2",
        n,
        0.001,
        {"num_warmup_steps": 10, "num_training_steps": 100, "lr_end": 1e-5, "power": 2.0},
        steps_for(100, 10),
    )
    add(
        f"{n}/power-0.5",
        n,
        0.1,
        {"num_warmup_steps": 5, "num_training_steps": 85, "lr_end": 0.003, "power": 0.5},
        steps_for(85, 5),
    )
    add(
        f"{n}/power-3-int",
        n,
        0.001,
        {"num_warmup_steps": 0, "num_training_steps": 60, "lr_end": 0.0, "power": 3},
        steps_for(60, 0),
    )
    add(
        f"{n}/lr_end-0",
        n,
        0.001,
        {"num_warmup_steps": 10, "num_training_steps": 100, "lr_end": 0.0},
        steps_for(100, 10),
    )
    add(
        f"{n}/long",
        n,
        5e-4,
        {"num_warmup_steps": 4000, "num_training_steps": 100_000, "lr_end": 1e-6, "power": 1.5},
        steps_for(100_000, 4000),
    )
    add(f"{n}/warmup-0", n, 0.001, {"num_warmup_steps": 0, "num_training_steps": 100}, steps_for(100, 0))
    add(f"{n}/training-1", n, 0.001, {"num_warmup_steps": 0, "num_training_steps": 1}, steps_for(1, 0))
    add(
        f"{n}/training-lt-warmup",
        n,
        0.001,
        {"num_warmup_steps": 20, "num_training_steps": 10},
        steps_for(20, 10),
    )
    add(
        f"{n}/warmup-eq-training",
        n,
        0.001,
        {"num_warmup_steps": 30, "num_training_steps": 30},
        steps_for(30, 30),
        expect="errors",
    )  # ZeroDivisionError at step 30 only
    add(
        f"{n}/warmup-eq-training-0",
        n,
        0.001,
        {"num_warmup_steps": 0, "num_training_steps": 0},
        steps_for(0),
        expect="invalid",
    )
    add(
        f"{n}/lr_end-eq-lr",
        n,
        0.001,
        {"num_warmup_steps": 10, "num_training_steps": 100, "lr_end": 0.001},
        expect="invalid",
    )
    add(
        f"{n}/lr_end-gt-lr",
        n,
        0.001,
        {"num_warmup_steps": 10, "num_training_steps": 100, "lr_end": 0.01},
        expect="invalid",
    )

    # ---- get_inverse_sqrt_schedule ---------------------------------------------------------------
    n = "get_inverse_sqrt_schedule"
    add(f"{n}/basic", n, 0.001, {"num_warmup_steps": 10}, steps_for(100, 10))
    add(f"{n}/timescale", n, 0.001, {"num_warmup_steps": 10, "timescale": 50}, steps_for(100, 10, 50))
    add(f"{n}/timescale-lt-warmup", n, 0.001, {"num_warmup_steps": 100, "timescale": 10}, steps_for(100, 100))
    add(f"{n}/warmup-0", n, 0.001, {"num_warmup_steps": 0}, steps_for(100_000, 0, 10_000))
    add(f"{n}/warmup-0-timescale", n, 0.001, {"num_warmup_steps": 0, "timescale": 7}, steps_for(100, 0, 7))
    add(f"{n}/long", n, 1e-3, {"num_warmup_steps": 4000}, steps_for(100_000, 4000))
    add(f"{n}/timescale-0", n, 0.001, {"num_warmup_steps": 0, "timescale": 0}, expect="invalid")

    # ---- get_cosine_with_min_lr_schedule_with_warmup ---------------------------------------------
    n = "get_cosine_with_min_lr_schedule_with_warmup"
    add(
        f"{n}/min_lr",
        n,
        0.001,
        {"num_warmup_steps": 10, "num_training_steps": 100, "min_lr": 1e-5},
        steps_for(100, 10),
    )
    add(
        f"{n}/min_lr_rate",
        n,
        0.001,
        {"num_warmup_steps": 10, "num_training_steps": 100, "min_lr_rate": 0.1},
        steps_for(100, 10),
    )
    add(
        f"{n}/min_lr-0",
        n,
        0.001,
        {"num_warmup_steps": 10, "num_training_steps": 100, "min_lr": 0.0},
        steps_for(100, 10),
    )
    add(
        f"{n}/min_lr-odd",
        n,
        3e-4,
        {"num_warmup_steps": 7, "num_training_steps": 93, "min_lr": 3e-5},
        steps_for(93, 7),
    )
    add(
        f"{n}/num_cycles-1",
        n,
        0.001,
        {"num_warmup_steps": 10, "num_training_steps": 90, "num_cycles": 1.0, "min_lr_rate": 0.2},
        steps_for(90, 10),
    )
    add(
        f"{n}/long",
        n,
        3e-4,
        {"num_warmup_steps": 2000, "num_training_steps": 200_000, "min_lr": 3e-5},
        steps_for(200_000, 2000),
    )
    add(
        f"{n}/warmup-0",
        n,
        0.001,
        {"num_warmup_steps": 0, "num_training_steps": 50, "min_lr_rate": 0.05},
        steps_for(50, 0),
    )
    add(
        f"{n}/warmup-eq-training",
        n,
        0.001,
        {"num_warmup_steps": 40, "num_training_steps": 40, "min_lr_rate": 0.1},
        steps_for(40, 40),
    )
    add(
        f"{n}/training-1",
        n,
        0.001,
        {"num_warmup_steps": 0, "num_training_steps": 1, "min_lr_rate": 0.1},
        steps_for(1, 0),
    )
    add(
        f"{n}/min_lr_rate-gt-1",
        n,
        0.001,
        {"num_warmup_steps": 10, "num_training_steps": 100, "min_lr_rate": 1.5},
        steps_for(100, 10),
    )
    add(
        f"{n}/both",
        n,
        0.001,
        {"num_warmup_steps": 10, "num_training_steps": 100, "min_lr": 1e-5, "min_lr_rate": 0.1},
        expect="invalid",
    )
    add(f"{n}/neither", n, 0.001, {"num_warmup_steps": 10, "num_training_steps": 100}, expect="invalid")

    # ---- get_cosine_with_min_lr_schedule_with_warmup_lr_rate -------------------------------------
    n = "get_cosine_with_min_lr_schedule_with_warmup_lr_rate"
    add(
        f"{n}/min_lr_rate",
        n,
        0.001,
        {"num_warmup_steps": 10, "num_training_steps": 100, "min_lr_rate": 0.1},
        steps_for(100, 10),
    )
    add(
        f"{n}/min_lr",
        n,
        0.001,
        {"num_warmup_steps": 10, "num_training_steps": 100, "min_lr": 1e-5},
        steps_for(100, 10),
    )
    add(
        f"{n}/warmup_lr_rate",
        n,
        0.001,
        {"num_warmup_steps": 10, "num_training_steps": 100, "min_lr_rate": 0.1, "warmup_lr_rate": 0.1},
        steps_for(100, 10),
    )
    add(
        f"{n}/warmup_lr_rate-0",
        n,
        0.001,
        {"num_warmup_steps": 7, "num_training_steps": 93, "min_lr": 1e-5, "warmup_lr_rate": 0.0},
        steps_for(93, 7),
    )
    add(
        f"{n}/num_cycles-1",
        n,
        0.001,
        {"num_warmup_steps": 10, "num_training_steps": 90, "num_cycles": 1.0, "min_lr_rate": 0.2},
        steps_for(90, 10),
    )
    add(
        f"{n}/long",
        n,
        3e-4,
        {"num_warmup_steps": 1000, "num_training_steps": 100_000, "min_lr_rate": 0.1, "warmup_lr_rate": 0.01},
        steps_for(100_000, 1000),
    )
    add(
        f"{n}/warmup-0",
        n,
        0.001,
        {"num_warmup_steps": 0, "num_training_steps": 50, "min_lr_rate": 0.1},
        steps_for(50, 0),
    )
    add(
        f"{n}/warmup-1",
        n,
        0.001,
        {"num_warmup_steps": 1, "num_training_steps": 50, "min_lr_rate": 0.1},
        steps_for(50, 1),
    )
    add(
        f"{n}/warmup-1-warmup_lr_rate",
        n,
        0.001,
        {"num_warmup_steps": 1, "num_training_steps": 50, "min_lr_rate": 0.1, "warmup_lr_rate": 0.3},
        steps_for(50, 1),
    )
    add(
        f"{n}/warmup-2-warmup_lr_rate",
        n,
        0.001,
        {"num_warmup_steps": 2, "num_training_steps": 50, "min_lr_rate": 0.1, "warmup_lr_rate": 0.3},
        steps_for(50, 2),
    )
    add(
        f"{n}/warmup-eq-training",
        n,
        0.001,
        {"num_warmup_steps": 40, "num_training_steps": 40, "min_lr_rate": 0.1},
        steps_for(40, 40),
    )
    add(
        f"{n}/training-1",
        n,
        0.001,
        {"num_warmup_steps": 0, "num_training_steps": 1, "min_lr_rate": 0.1},
        steps_for(1, 0),
    )
    add(
        f"{n}/both",
        n,
        0.001,
        {"num_warmup_steps": 10, "num_training_steps": 100, "min_lr": 1e-5, "min_lr_rate": 0.1},
        expect="invalid",
    )
    add(f"{n}/neither", n, 0.001, {"num_warmup_steps": 10, "num_training_steps": 100}, expect="invalid")

    # ---- get_wsd_schedule ------------------------------------------------------------------------
    n = "get_wsd_schedule"
    for wt in ("linear", "cosine", "1-sqrt"):
        for dt in ("linear", "cosine", "1-sqrt"):
            add(
                f"{n}/{wt}-{dt}",
                n,
                0.001,
                {
                    "num_warmup_steps": 20,
                    "num_decay_steps": 30,
                    "num_training_steps": 100,
                    "warmup_type": wt,
                    "decay_type": dt,
                    "min_lr_ratio": 0.1,
                },
                steps_for(100, 20, 70),
            )
    add(
        f"{n}/defaults",
        n,
        0.001,
        {"num_warmup_steps": 10, "num_decay_steps": 20, "num_training_steps": 100},
        steps_for(100, 10, 80),
    )
    add(
        f"{n}/num_stable_steps",
        n,
        0.001,
        {"num_warmup_steps": 10, "num_decay_steps": 20, "num_stable_steps": 50},
        steps_for(80, 10, 60),
    )
    add(
        f"{n}/both-stable-wins",
        n,
        0.001,
        {"num_warmup_steps": 10, "num_decay_steps": 20, "num_training_steps": 100, "num_stable_steps": 30},
        steps_for(100, 10, 40, 60),
    )
    add(
        f"{n}/num_cycles-1",
        n,
        0.001,
        {
            "num_warmup_steps": 10,
            "num_decay_steps": 40,
            "num_training_steps": 100,
            "num_cycles": 1.0,
            "min_lr_ratio": 0.05,
        },
        steps_for(100, 10, 60),
    )
    add(
        f"{n}/num_cycles-0.25",
        n,
        0.001,
        {"num_warmup_steps": 10, "num_decay_steps": 40, "num_training_steps": 100, "num_cycles": 0.25},
        steps_for(100, 10, 60),
    )
    add(
        f"{n}/warmup-0",
        n,
        0.001,
        {"num_warmup_steps": 0, "num_decay_steps": 30, "num_training_steps": 100, "min_lr_ratio": 0.1},
        steps_for(100, 0, 70),
    )
    add(
        f"{n}/decay-0",
        n,
        0.001,
        {"num_warmup_steps": 10, "num_decay_steps": 0, "num_training_steps": 100, "min_lr_ratio": 0.1},
        steps_for(100, 10),
    )
    add(
        f"{n}/stable-0",
        n,
        0.001,
        {"num_warmup_steps": 10, "num_decay_steps": 40, "num_training_steps": 50, "decay_type": "linear"},
        steps_for(50, 10),
    )
    add(
        f"{n}/derived-stable-negative",
        n,
        0.001,
        {
            "num_warmup_steps": 10,
            "num_decay_steps": 10,
            "num_training_steps": 15,
            "decay_type": "linear",
            "min_lr_ratio": 0.2,
        },
        steps_for(15, 5, 10),
    )
    add(
        f"{n}/all-0",
        n,
        0.001,
        {"num_warmup_steps": 0, "num_decay_steps": 0, "num_training_steps": 0, "min_lr_ratio": 0.3},
        steps_for(0),
    )
    add(
        f"{n}/long",
        n,
        3e-4,
        {
            "num_warmup_steps": 2000,
            "num_decay_steps": 20_000,
            "num_training_steps": 200_000,
            "warmup_type": "linear",
            "decay_type": "1-sqrt",
            "min_lr_ratio": 0.01,
        },
        steps_for(200_000, 2000, 180_000),
    )
    add(
        f"{n}/long-cosine",
        n,
        1e-3,
        {
            "num_warmup_steps": 5000,
            "num_decay_steps": 95_000,
            "num_stable_steps": 0,
            "warmup_type": "cosine",
            "decay_type": "cosine",
        },
        steps_for(100_000, 5000),
    )
    add(
        f"{n}/neither-training-nor-stable",
        n,
        0.001,
        {"num_warmup_steps": 10, "num_decay_steps": 20},
        expect="invalid",
    )
    add(
        f"{n}/bad-warmup_type",
        n,
        0.001,
        {"num_warmup_steps": 10, "num_decay_steps": 20, "num_training_steps": 100, "warmup_type": "exp"},
        expect="invalid",
    )
    add(
        f"{n}/bad-decay_type",
        n,
        0.001,
        {"num_warmup_steps": 10, "num_decay_steps": 20, "num_training_steps": 100, "decay_type": "sqrt"},
        expect="invalid",
    )

    # ---- not a function of the step --------------------------------------------------------------
    add(
        "get_reduce_on_plateau_schedule/any",
        "get_reduce_on_plateau_schedule",
        0.001,
        {},
        expect="invalid",
        reason="ReduceLROnPlateau: the LR depends on the metric passed to step(metrics), not on the step",
    )
    add(
        "get_greedy_schedule/any",
        "get_greedy_schedule",
        0.001,
        {},
        expect="invalid",
        reason="GreedyLR: the LR adapts to the loss passed to step(metrics), not a function of the step",
    )
    add(
        "get_adafactor_schedule/any",
        "get_adafactor_schedule",
        0.001,
        {},
        expect="invalid",
        reason="AdafactorSchedule: a proxy that reports the LR Adafactor computes from its own state",
    )

    # ---- get_scheduler(name, ...) ----------------------------------------------------------------
    def gs(
        case_id: str,
        name: str,
        base_lr: float,
        warmup: int | None,
        training: int | None,
        kwargs: dict[str, Any] | None = None,
        steps: Iterable[int] | None = None,
        **kw: Any,
    ) -> None:
        args: dict[str, Any] = {}
        if warmup is not None:
            args["num_warmup_steps"] = warmup
        if training is not None:
            args["num_training_steps"] = training
        if kwargs is not None:
            args["scheduler_specific_kwargs"] = kwargs
        add(f"{name}/{case_id}", name, base_lr, args, steps, **kw)

    gs("basic", "linear", 0.001, 10, 100, None, steps_for(100, 10))
    gs("long", "linear", 5e-5, 500, 100_000, None, steps_for(100_000, 500))
    gs("warmup-0", "linear", 0.001, 0, 100, {}, steps_for(100, 0))
    gs("basic", "cosine", 3e-4, 1000, 100_000, None, steps_for(100_000, 1000))
    gs("short", "cosine", 0.001, 10, 100, None, steps_for(100, 10))
    gs("num_cycles-1.5", "cosine", 0.001, 10, 100, {"num_cycles": 1.5}, steps_for(100, 10))
    gs("basic", "cosine_with_restarts", 0.001, 10, 100, None, steps_for(100, 10))
    gs("num_cycles-3", "cosine_with_restarts", 0.001, 10, 100, {"num_cycles": 3}, steps_for(100, 10, 40, 70))
    gs("basic", "polynomial", 0.001, 10, 100, None, steps_for(100, 10))
    gs("power-2", "polynomial", 0.001, 10, 100, {"lr_end": 1e-5, "power": 2.0}, steps_for(100, 10))
    gs("lr_end-eq-lr", "polynomial", 0.001, 10, 100, {"lr_end": 0.001}, expect="invalid")
    gs("basic", "constant", 0.001, None, None, None, steps_for(100))
    gs("ignores-args", "constant", 0.001, 10, 100, {"num_cycles": 3}, steps_for(100, 10))
    gs("basic", "constant_with_warmup", 0.001, 10, None, None, steps_for(10, 10))
    gs("ignores-kwargs", "constant_with_warmup", 0.001, 10, 100, {"num_cycles": 3}, steps_for(100, 10))
    gs("no-warmup", "constant_with_warmup", 0.001, None, None, None, expect="invalid")
    gs("basic", "inverse_sqrt", 0.001, 10, None, None, steps_for(100, 10))
    gs("timescale", "inverse_sqrt", 0.001, 10, 1000, {"timescale": 40}, steps_for(100, 10, 40))
    gs("warmup-0", "inverse_sqrt", 0.001, 0, None, None, steps_for(100_000, 0, 10_000))
    gs(
        "any",
        "reduce_lr_on_plateau",
        0.001,
        None,
        None,
        None,
        expect="invalid",
        reason="ReduceLROnPlateau: the LR depends on the metric passed to step(metrics), not on the step",
    )
    gs("min_lr", "cosine_with_min_lr", 0.001, 10, 100, {"min_lr": 1e-5}, steps_for(100, 10))
    gs("min_lr_rate", "cosine_with_min_lr", 0.001, 10, 100, {"min_lr_rate": 0.1}, steps_for(100, 10))
    gs("long", "cosine_with_min_lr", 3e-4, 1000, 100_000, {"min_lr_rate": 0.1}, steps_for(100_000, 1000))
    gs("no-kwargs", "cosine_with_min_lr", 0.001, 10, 100, None, expect="invalid")
    gs("min_lr_rate", "cosine_warmup_with_min_lr", 0.001, 10, 100, {"min_lr_rate": 0.1}, steps_for(100, 10))
    gs(
        "warmup_lr_rate",
        "cosine_warmup_with_min_lr",
        0.001,
        10,
        100,
        {"min_lr": 1e-5, "warmup_lr_rate": 0.05},
        steps_for(100, 10),
    )
    gs("no-kwargs", "cosine_warmup_with_min_lr", 0.001, 10, 100, None, expect="invalid")
    gs("basic", "warmup_stable_decay", 0.001, 10, 100, {"num_decay_steps": 20}, steps_for(100, 10, 80))
    gs(
        "types",
        "warmup_stable_decay",
        0.001,
        20,
        100,
        {"num_decay_steps": 30, "warmup_type": "1-sqrt", "decay_type": "linear", "min_lr_ratio": 0.1},
        steps_for(100, 20, 70),
    )
    gs(
        "num_stable_steps",
        "warmup_stable_decay",
        0.001,
        10,
        None,
        {"num_decay_steps": 20, "num_stable_steps": 30},
        steps_for(60, 10, 40),
    )
    gs(
        "long",
        "warmup_stable_decay",
        3e-4,
        1000,
        120_000,
        {"num_decay_steps": 12_000, "decay_type": "1-sqrt"},
        steps_for(120_000, 1000, 108_000),
    )
    gs("no-decay-steps", "warmup_stable_decay", 0.001, 10, 100, None, expect="invalid")
    gs(
        "no-training-nor-stable",
        "warmup_stable_decay",
        0.001,
        10,
        None,
        {"num_decay_steps": 20},
        expect="invalid",
    )
    gs(
        "any",
        "greedy",
        0.001,
        None,
        None,
        None,
        expect="invalid",
        reason="GreedyLR: the LR adapts to the loss passed to step(metrics), not a function of the step",
    )
    # get_scheduler's own argument checks
    gs("no-warmup", "linear", 0.001, None, 100, None, expect="invalid")
    gs("no-training", "linear", 0.001, 10, None, None, expect="invalid")
    gs("no-training", "cosine", 0.001, 10, None, None, expect="invalid")
    gs("wrong-kwarg", "linear", 0.001, 10, 100, {"num_cycles": 2}, expect="invalid")
    gs("wrong-kwarg", "inverse_sqrt", 0.001, 10, None, {"num_cycles": 2}, expect="invalid")
    return cases


def generate() -> dict[str, Any]:
    import transformers

    loggers = [logging.getLogger("transformers")]
    levels = [lg.level for lg in loggers]
    for lg in loggers:
        lg.setLevel(logging.ERROR)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            cases = _cases()
    finally:
        for lg, level in zip(loggers, levels, strict=True):
            lg.setLevel(level)
    ids = [c["id"] for c in cases]
    assert len(ids) == len(set(ids)), "duplicate case ids"
    return {"library": "transformers", "version": transformers.__version__, "cases": cases}
