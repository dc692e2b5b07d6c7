"""Reference cases for optax's schedules (``optax.*_schedule``, ``optax.exponential_decay``, see generate.py).

Every case builds the real optax schedule from the spec's ``args`` (the function's own keyword arguments)
and records ``float(schedule(t))`` for an int64 scalar ``t``, evaluated eagerly in float64
(``JAX_ENABLE_X64=1``). optax schedules are pure functions of the step count, so ``lr[i]`` is the value
the ``steps[i]``-th update uses (optax's ``count`` starts at 0).

Spec: ``{"kind": "optax", "name": <optax function name>, "args": {<its keyword arguments>}}``, with two
JSON adaptations: ``boundaries_and_scales`` keys are strings holding ints (``{"100": 0.1}``; optax sorts
them as ints), and ``join_schedules`` takes ``{"schedules": [{"name": ..., "args": {...}}, ...],
"boundaries": [...]}`` (members may themselves be joins). ``sgdr_schedule`` takes
``{"cosine_kwargs": [{<warmup_cosine_decay_schedule kwargs>}, ...]}``.

Invalid cases hold the message optax raises while building, or, where optax only logs (``absl``, level
INFO) and returns a constant or silently rewrites an argument, a reason starting with "optax silently":
we refuse those specs instead. See notes/optax.md.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Iterable
from contextlib import contextmanager
from typing import Any

from _common import message, steps_for

os.environ.setdefault("JAX_ENABLE_X64", "1")


Spec = dict[str, Any]
Case = dict[str, Any]

SILENT_CONSTANT = "optax silently returns a constant"


def _spec(name: str, /, **args: Any) -> Spec:
    return {"kind": "optax", "name": name, "args": args}


def _member(name: str, /, **args: Any) -> Spec:
    """A member of ``join_schedules``' ``schedules`` list."""
    return {"name": name, "args": args}


def _build(name: str, args: dict[str, Any]) -> Callable[[Any], Any]:
    import optax

    kwargs = dict(args)
    bas = kwargs.get("boundaries_and_scales")
    if bas is not None:
        kwargs["boundaries_and_scales"] = {int(k): v for k, v in bas.items()}
    if name == "join_schedules":
        kwargs["schedules"] = [_build(m["name"], m.get("args", {})) for m in kwargs["schedules"]]
    fn: Callable[[Any], Any] = getattr(optax, name)(**kwargs)
    return fn


class _Records(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


@contextmanager
def _absl_log() -> Any:
    """Collect what optax logs through absl while building (optax logs bad arguments at INFO)."""
    logger = logging.getLogger("absl")
    handler, level, propagate = _Records(), logger.level, logger.propagate
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    logger.propagate = False
    try:
        yield handler.messages
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)
        logger.propagate = propagate


def _value(fn: Callable[[Any], Any], t: int) -> float:
    import jax.numpy as jnp

    v = fn(jnp.asarray(t, dtype=jnp.int64))
    dtype = getattr(v, "dtype", None)
    assert dtype is None or str(dtype) in ("float64", "int64"), f"value of dtype {dtype}"
    return float(v)


def run_case(case_id: str, spec: Spec, steps: Iterable[int], *, logs: bool = False) -> Case:
    """Record the values; ``logs``: optax logs about a member that is never used (warmup_steps=0)."""
    with _absl_log() as logged:
        fn = _build(spec["name"], spec["args"])
    assert bool(logged) == logs, f"{case_id}: optax logged {logged}"
    steps = sorted(set(steps))
    return {"id": case_id, "spec": spec, "steps": steps, "lr": [_value(fn, t) for t in steps]}


def invalid(
    case_id: str,
    spec: Spec,
    *,
    silent: str | None = None,
    logs: bool = True,
    constant_from: int | None = None,
) -> Case:
    """A spec optax refuses (raises while building), or, with ``silent``, one it accepts: then ``silent`` is
    the reason recorded, checked against what optax really does (it ``logs`` at INFO, and with
    ``constant_from`` the schedule is constant from that step on)."""
    with _absl_log() as logged:
        try:
            fn = _build(spec["name"], spec["args"])
        except Exception as exc:
            assert silent is None, f"{case_id}: raised {message(exc)}, expected it to be silent"
            return {"id": case_id, "spec": spec, "invalid": message(exc)}
    assert silent is not None, f"{case_id}: optax accepted it"
    assert bool(logged) == logs, f"{case_id}: logged {logged}"
    if silent.startswith(SILENT_CONSTANT):
        assert constant_from is not None
    if constant_from is not None:
        values = {_value(fn, constant_from + t) for t in (0, 1, 5, 10, 100, 10_000)}
        assert len(values) == 1, f"{case_id}: not constant: {values}"
    return {"id": case_id, "spec": spec, "invalid": silent}


# ---- the cases -------------------------------------------------------------------------------------


def _constant() -> list[Case]:
    n = "constant_schedule"
    return [
        run_case(f"{n}/basic", _spec(n, value=0.1), steps_for(100)),
        run_case(f"{n}/zero", _spec(n, value=0.0), range(20)),
        run_case(f"{n}/int-value", _spec(n, value=3), range(20)),
    ]


def _linear() -> list[Case]:
    n = "linear_schedule"
    return [
        run_case(
            f"{n}/basic", _spec(n, init_value=1.0, end_value=0.01, transition_steps=100), steps_for(100)
        ),
        run_case(
            f"{n}/transition_begin",
            _spec(n, init_value=0.0, end_value=1.0, transition_steps=50, transition_begin=20),
            steps_for(70, 20),
        ),
        run_case(
            f"{n}/increasing-7", _spec(n, init_value=1e-4, end_value=3e-3, transition_steps=7), steps_for(7)
        ),
        run_case(f"{n}/one-step", _spec(n, init_value=1.0, end_value=0.0, transition_steps=1), steps_for(1)),
        run_case(f"{n}/flat", _spec(n, init_value=0.25, end_value=0.25, transition_steps=30), steps_for(30)),
        run_case(
            f"{n}/long",
            _spec(n, init_value=1.0, end_value=0.0, transition_steps=200_000, transition_begin=1000),
            steps_for(201_000, 1000),
        ),
        invalid(
            f"{n}/transition_steps-0",
            _spec(n, init_value=1.0, end_value=0.0, transition_steps=0),
            silent=SILENT_CONSTANT,
            constant_from=0,
        ),
        invalid(
            f"{n}/transition_steps-negative",
            _spec(n, init_value=1.0, end_value=0.0, transition_steps=-5),
            silent=SILENT_CONSTANT,
            constant_from=0,
        ),
        invalid(
            f"{n}/transition_begin-negative",
            _spec(n, init_value=1.0, end_value=0.0, transition_steps=10, transition_begin=-3),
            silent="optax silently treats a negative transition_begin as 0",
        ),
    ]


def _polynomial() -> list[Case]:
    n = "polynomial_schedule"
    return [
        # an int power is x**k by repeated multiplication (lax.integer_pow), a float one is lax.pow
        run_case(
            f"{n}/power-2",
            _spec(n, init_value=1.0, end_value=0.01, power=2, transition_steps=100),
            steps_for(100),
        ),
        run_case(
            f"{n}/power-2.0",
            _spec(n, init_value=1.0, end_value=0.01, power=2.0, transition_steps=100),
            steps_for(100),
        ),
        run_case(
            f"{n}/power-3",
            _spec(n, init_value=0.5, end_value=0.0, power=3, transition_steps=64),
            steps_for(64),
        ),
        run_case(
            f"{n}/power-0.5",
            _spec(n, init_value=0.1, end_value=1e-3, power=0.5, transition_steps=90),
            steps_for(90),
        ),
        run_case(
            f"{n}/transition_begin",
            _spec(n, init_value=1.0, end_value=0.01, power=2, transition_steps=100, transition_begin=5),
            steps_for(105, 5),
        ),
        run_case(
            f"{n}/increasing",
            _spec(n, init_value=0.0, end_value=2.0, power=1.5, transition_steps=40),
            steps_for(40),
        ),
        run_case(
            f"{n}/power-0",
            _spec(n, init_value=0.3, end_value=0.1, power=0, transition_steps=10),
            steps_for(10),
        ),
        run_case(
            f"{n}/long",
            _spec(
                n, init_value=3e-4, end_value=1e-6, power=1.5, transition_steps=150_000, transition_begin=5000
            ),
            steps_for(155_000, 5000),
        ),
        invalid(
            f"{n}/transition_steps-0",
            _spec(n, init_value=1.0, end_value=0.0, power=2.0, transition_steps=0),
            silent=SILENT_CONSTANT,
            constant_from=0,
        ),
        invalid(
            f"{n}/transition_begin-negative",
            _spec(n, init_value=1.0, end_value=0.0, power=2.0, transition_steps=10, transition_begin=-1),
            silent="optax silently treats a negative transition_begin as 0",
        ),
    ]


def _piecewise_constant() -> list[Case]:
    n = "piecewise_constant_schedule"
    return [
        run_case(
            f"{n}/basic",
            _spec(n, init_value=1.0, boundaries_and_scales={"100": 0.1, "200": 0.01}),
            steps_for(200, 100),
        ),
        # keys unsorted, and sorted as strings ("120" < "250" < "30") differently than as ints
        run_case(
            f"{n}/unsorted-keys",
            _spec(n, init_value=0.5, boundaries_and_scales={"250": 0.5, "30": 2.0, "120": 0.3}),
            steps_for(250, 30, 120),
        ),
        run_case(
            f"{n}/boundary-0",
            _spec(n, init_value=0.1, boundaries_and_scales={"0": 0.5, "10": 3.0}),
            steps_for(10, 0),
        ),
        run_case(f"{n}/scale-0", _spec(n, init_value=0.1, boundaries_and_scales={"50": 0.0}), steps_for(50)),
        run_case(
            f"{n}/scale-gt-1",
            _spec(n, init_value=1e-3, boundaries_and_scales={"5": 10.0, "15": 1.7}),
            steps_for(15, 5),
        ),
        run_case(f"{n}/no-boundaries", _spec(n, init_value=0.3), range(30)),
        run_case(f"{n}/empty-boundaries", _spec(n, init_value=0.3, boundaries_and_scales={}), range(30)),
        run_case(
            f"{n}/long",
            _spec(n, init_value=0.1, boundaries_and_scales={"30000": 0.1, "60000": 0.1, "90000": 0.1}),
            steps_for(100_000, 30_000, 60_000, 90_000),
        ),
        invalid(f"{n}/negative-scale", _spec(n, init_value=0.1, boundaries_and_scales={"10": -0.5})),
    ]


def _piecewise_interpolate() -> list[Case]:
    n = "piecewise_interpolate_schedule"
    return [
        run_case(
            f"{n}/linear",
            _spec(n, interpolate_type="linear", init_value=1.0, boundaries_and_scales={"4": 0.1, "8": 0.01}),
            steps_for(8, 4),
        ),
        run_case(
            f"{n}/cosine",
            _spec(
                n,
                interpolate_type="cosine",
                init_value=0.1,
                boundaries_and_scales={"50": 10.0, "150": 0.1, "200": 0.01},
            ),
            steps_for(200, 50, 150),
        ),
        run_case(
            f"{n}/linear-unsorted",
            _spec(
                n,
                interpolate_type="linear",
                init_value=0.2,
                boundaries_and_scales={"90": 0.5, "25": 3.0, "140": 0.1},
            ),
            steps_for(140, 25, 90),
        ),
        run_case(
            f"{n}/cosine-boundary-0",
            _spec(n, interpolate_type="cosine", init_value=2.0, boundaries_and_scales={"0": 0.5, "20": 0.25}),
            steps_for(20, 0),
        ),
        run_case(
            f"{n}/linear-adjacent",
            _spec(n, interpolate_type="linear", init_value=1.0, boundaries_and_scales={"10": 0.5, "11": 0.5}),
            steps_for(11, 10),
        ),
        run_case(f"{n}/cosine-no-boundaries", _spec(n, interpolate_type="cosine", init_value=0.7), range(30)),
        run_case(
            f"{n}/cosine-long",
            _spec(
                n,
                interpolate_type="cosine",
                init_value=1e-4,
                boundaries_and_scales={"10000": 10.0, "120000": 0.01},
            ),
            steps_for(120_000, 10_000),
        ),
        invalid(f"{n}/bad-type", _spec(n, interpolate_type="quadratic", init_value=1.0)),
        invalid(
            f"{n}/negative-scale",
            _spec(n, interpolate_type="linear", init_value=1.0, boundaries_and_scales={"10": -1.0}),
        ),
    ]


def _exponential() -> list[Case]:
    n = "exponential_decay"
    return [
        run_case(f"{n}/basic", _spec(n, init_value=1.0, transition_steps=10, decay_rate=0.9), steps_for(100)),
        run_case(
            f"{n}/staircase",
            _spec(n, init_value=0.5, transition_steps=25, decay_rate=0.5, staircase=True),
            steps_for(100, 25, 50, 75),
        ),
        run_case(
            f"{n}/transition_begin",
            _spec(n, init_value=1.0, transition_steps=7, decay_rate=0.8, transition_begin=30),
            steps_for(100, 30),
        ),
        run_case(
            f"{n}/staircase-transition_begin",
            _spec(n, init_value=1.0, transition_steps=7, decay_rate=0.8, transition_begin=30, staircase=True),
            steps_for(100, 30, 37, 44),
        ),
        run_case(
            f"{n}/end_value-floor",
            _spec(n, init_value=1.0, transition_steps=10, decay_rate=0.5, end_value=0.01),
            steps_for(67, 66),  # 0.5**6.6 ~ 0.01
        ),
        run_case(
            f"{n}/end_value-ceiling",
            _spec(n, init_value=0.001, transition_steps=20, decay_rate=2.0, end_value=0.5),
            steps_for(180, 179),  # 2**8.97 ~ 500
        ),
        run_case(
            f"{n}/end_value-ceiling-staircase-begin",
            _spec(
                n,
                init_value=0.001,
                transition_steps=20,
                decay_rate=1.5,
                end_value=0.02,
                staircase=True,
                transition_begin=10,
            ),
            steps_for(160, 10, 30),
        ),
        # the clip applies from step 0, before the decay starts
        run_case(
            f"{n}/end_value-above-init",
            _spec(n, init_value=0.1, transition_steps=10, decay_rate=0.5, end_value=0.2, transition_begin=5),
            steps_for(50, 5),
        ),
        run_case(
            f"{n}/rate-1-end_value",
            _spec(n, init_value=0.1, transition_steps=10, decay_rate=1.0, end_value=0.05),
            steps_for(30),
        ),
        run_case(
            f"{n}/one-step", _spec(n, init_value=1.0, transition_steps=1, decay_rate=0.9), steps_for(100)
        ),
        run_case(
            f"{n}/long",
            _spec(n, init_value=0.1, transition_steps=100_000, decay_rate=0.96),
            steps_for(300_000, 100_000),
        ),
        run_case(
            f"{n}/long-staircase",
            _spec(n, init_value=0.1, transition_steps=1000, decay_rate=0.96, staircase=True, end_value=0.01),
            steps_for(100_000, 1000, 2000, 56_000, 57_000),
        ),
        invalid(
            f"{n}/transition_steps-0",
            _spec(n, init_value=1.0, transition_steps=0, decay_rate=0.5),
            silent=SILENT_CONSTANT,
            constant_from=0,
        ),
        invalid(
            f"{n}/transition_steps-negative",
            _spec(n, init_value=1.0, transition_steps=-10, decay_rate=0.5),
            silent=SILENT_CONSTANT,
            constant_from=0,
        ),
        invalid(
            f"{n}/decay_rate-0",
            _spec(n, init_value=1.0, transition_steps=10, decay_rate=0.0),
            silent=SILENT_CONSTANT,
            constant_from=0,
        ),
        invalid(
            f"{n}/transition_begin-negative",
            _spec(n, init_value=1.0, transition_steps=10, decay_rate=0.5, transition_begin=-4),
            silent="optax silently treats a negative transition_begin as 0",
        ),
    ]


def _cosine() -> list[Case]:
    n = "cosine_decay_schedule"
    return [
        run_case(f"{n}/basic", _spec(n, init_value=1.0, decay_steps=100), steps_for(100)),
        run_case(f"{n}/alpha", _spec(n, init_value=0.1, decay_steps=250, alpha=0.1), steps_for(250)),
        run_case(f"{n}/exponent", _spec(n, init_value=1.0, decay_steps=100, exponent=2.0), steps_for(100)),
        run_case(
            f"{n}/alpha-exponent",
            _spec(n, init_value=0.5, decay_steps=77, alpha=0.05, exponent=0.5),
            steps_for(77),
        ),
        run_case(f"{n}/decay_steps-1", _spec(n, init_value=0.3, decay_steps=1), steps_for(1)),
        run_case(f"{n}/alpha-1", _spec(n, init_value=0.3, decay_steps=20, alpha=1.0), steps_for(20)),
        run_case(f"{n}/long", _spec(n, init_value=3e-4, decay_steps=300_000, alpha=0.01), steps_for(300_000)),
        invalid(f"{n}/decay_steps-0", _spec(n, init_value=1.0, decay_steps=0)),
        invalid(f"{n}/decay_steps-negative", _spec(n, init_value=1.0, decay_steps=-100)),
    ]


def _warmup_cosine() -> list[Case]:
    n = "warmup_cosine_decay_schedule"
    return [
        run_case(
            f"{n}/basic",
            _spec(n, init_value=0.0, peak_value=1.0, warmup_steps=10, decay_steps=100),
            steps_for(100, 10),
        ),
        run_case(
            f"{n}/end_value",
            _spec(n, init_value=1e-5, peak_value=3e-4, warmup_steps=25, decay_steps=200, end_value=1e-5),
            steps_for(200, 25),
        ),
        run_case(
            f"{n}/exponent",
            _spec(
                n,
                init_value=0.0,
                peak_value=0.1,
                warmup_steps=20,
                decay_steps=150,
                end_value=0.001,
                exponent=2.0,
            ),
            steps_for(150, 20),
        ),
        run_case(
            f"{n}/no-warmup",
            _spec(n, init_value=0.5, peak_value=1.0, warmup_steps=0, decay_steps=60),
            steps_for(60, 0),
            logs=True,
        ),
        run_case(
            f"{n}/peak-0",
            _spec(n, init_value=0.1, peak_value=0.0, warmup_steps=10, decay_steps=50, end_value=0.05),
            steps_for(50, 10),
        ),
        run_case(
            f"{n}/one-decay-step",
            _spec(n, init_value=0.0, peak_value=1.0, warmup_steps=99, decay_steps=100),
            steps_for(100, 99),
        ),
        run_case(
            f"{n}/long",
            _spec(n, init_value=0.0, peak_value=1e-3, warmup_steps=2000, decay_steps=500_000, end_value=1e-5),
            steps_for(500_000, 2000),
        ),
        run_case(
            f"{n}/long-exponent",
            _spec(
                n, init_value=1e-6, peak_value=6e-4, warmup_steps=10_000, decay_steps=120_000, exponent=1.5
            ),
            steps_for(120_000, 10_000),
        ),
        invalid(
            f"{n}/decay_steps-eq-warmup",
            _spec(n, init_value=0.0, peak_value=1.0, warmup_steps=10, decay_steps=10),
        ),
        invalid(
            f"{n}/decay_steps-lt-warmup",
            _spec(n, init_value=0.0, peak_value=1.0, warmup_steps=10, decay_steps=5),
        ),
    ]


def _warmup_exponential() -> list[Case]:
    n = "warmup_exponential_decay_schedule"
    return [
        run_case(
            f"{n}/basic",
            _spec(n, init_value=0.0, peak_value=1.0, warmup_steps=10, transition_steps=20, decay_rate=0.5),
            steps_for(100, 10),
        ),
        run_case(
            f"{n}/staircase-begin-end",
            _spec(
                n,
                init_value=1e-4,
                peak_value=1e-2,
                warmup_steps=50,
                transition_steps=30,
                decay_rate=0.7,
                transition_begin=40,
                staircase=True,
                end_value=1e-3,
            ),
            steps_for(300, 50, 90, 120, 150),
        ),
        run_case(
            f"{n}/no-warmup",
            _spec(n, init_value=0.5, peak_value=1.0, warmup_steps=0, transition_steps=10, decay_rate=0.9),
            steps_for(100, 0),
            logs=True,
        ),
        run_case(
            f"{n}/ceiling",
            _spec(
                n,
                init_value=0.0,
                peak_value=0.01,
                warmup_steps=5,
                transition_steps=10,
                decay_rate=1.2,
                end_value=0.05,
            ),
            steps_for(100, 5),
        ),
        run_case(
            f"{n}/long",
            _spec(
                n,
                init_value=0.0,
                peak_value=2e-3,
                warmup_steps=5000,
                transition_steps=20_000,
                decay_rate=0.5,
                end_value=1e-5,
            ),
            steps_for(200_000, 5000),
        ),
        invalid(
            f"{n}/transition_steps-0",
            _spec(n, init_value=0.0, peak_value=1.0, warmup_steps=10, transition_steps=0, decay_rate=0.5),
            silent=SILENT_CONSTANT + " after the warm-up",
            constant_from=10,
        ),
        invalid(
            f"{n}/decay_rate-0",
            _spec(n, init_value=0.0, peak_value=1.0, warmup_steps=10, transition_steps=10, decay_rate=0.0),
            silent=SILENT_CONSTANT + " after the warm-up",
            constant_from=10,
        ),
    ]


def _warmup_constant() -> list[Case]:
    n = "warmup_constant_schedule"
    return [
        run_case(f"{n}/basic", _spec(n, init_value=0.0, peak_value=0.1, warmup_steps=40), steps_for(40)),
        run_case(f"{n}/one-step", _spec(n, init_value=0.01, peak_value=0.1, warmup_steps=1), steps_for(1)),
        run_case(
            f"{n}/long", _spec(n, init_value=1e-6, peak_value=1e-3, warmup_steps=100_000), steps_for(100_000)
        ),
        # the value is init_value (not peak_value) forever
        invalid(
            f"{n}/warmup_steps-0",
            _spec(n, init_value=0.0, peak_value=0.1, warmup_steps=0),
            silent=SILENT_CONSTANT,
            constant_from=0,
        ),
    ]


def _join() -> list[Case]:
    n = "join_schedules"
    inner = _member(
        n,
        schedules=[
            _member("cosine_decay_schedule", init_value=1.0, decay_steps=50, alpha=0.1),
            _member("constant_schedule", value=0.05),
        ],
        boundaries=[60],
    )
    return [
        run_case(
            f"{n}/two",
            _spec(
                n,
                schedules=[
                    _member("linear_schedule", init_value=0.0, end_value=1.0, transition_steps=10),
                    _member("constant_schedule", value=1.0),
                ],
                boundaries=[10],
            ),
            steps_for(10),
        ),
        # every member gets step - (its boundary): the third counts from 80, not from 20
        run_case(
            f"{n}/three",
            _spec(
                n,
                schedules=[
                    _member("constant_schedule", value=0.1),
                    _member("linear_schedule", init_value=0.1, end_value=1.0, transition_steps=100),
                    _member("cosine_decay_schedule", init_value=1.0, decay_steps=100),
                ],
                boundaries=[20, 80],
            ),
            steps_for(180, 20, 80),
        ),
        run_case(
            f"{n}/three-nested",
            _spec(
                n,
                schedules=[
                    _member("linear_schedule", init_value=0.0, end_value=1.0, transition_steps=10),
                    inner,
                    _member("exponential_decay", init_value=0.05, transition_steps=10, decay_rate=0.5),
                ],
                boundaries=[10, 100],
            ),
            steps_for(150, 10, 60, 70, 100),
        ),
        # the first member is cut before it ends, the second jumps in mid-way through its own warm-up
        run_case(
            f"{n}/cut",
            _spec(
                n,
                schedules=[
                    _member("cosine_decay_schedule", init_value=1.0, decay_steps=100),
                    _member(
                        "warmup_cosine_decay_schedule",
                        init_value=0.0,
                        peak_value=0.5,
                        warmup_steps=20,
                        decay_steps=120,
                    ),
                ],
                boundaries=[50],
            ),
            steps_for(170, 50, 70),
        ),
        run_case(
            f"{n}/equal-boundaries",
            _spec(
                n,
                schedules=[
                    _member("constant_schedule", value=1.0),
                    _member("constant_schedule", value=2.0),
                    _member("linear_schedule", init_value=3.0, end_value=0.0, transition_steps=30),
                ],
                boundaries=[10, 10],
            ),
            steps_for(40, 10),
        ),
        run_case(
            f"{n}/long",
            _spec(
                n,
                schedules=[
                    _member("linear_schedule", init_value=0.0, end_value=1e-3, transition_steps=10_000),
                    _member("cosine_decay_schedule", init_value=1e-3, decay_steps=200_000, alpha=0.1),
                ],
                boundaries=[10_000],
            ),
            steps_for(210_000, 10_000),
        ),
        invalid(
            f"{n}/too-few-boundaries",
            _spec(
                n,
                schedules=[
                    _member("constant_schedule", value=1.0),
                    _member("constant_schedule", value=2.0),
                    _member("constant_schedule", value=3.0),
                ],
                boundaries=[10],
            ),
            silent="optax silently ignores the schedules after the first len(boundaries) + 1",
            logs=False,
        ),
        invalid(
            f"{n}/too-many-boundaries",
            _spec(
                n,
                schedules=[_member("constant_schedule", value=1.0), _member("constant_schedule", value=2.0)],
                boundaries=[10, 20],
            ),
            silent="optax silently ignores the boundaries after the first len(schedules) - 1",
            logs=False,
        ),
    ]


def _sgdr() -> list[Case]:
    n = "sgdr_schedule"
    return [
        run_case(
            f"{n}/basic",
            _spec(
                n,
                cosine_kwargs=[
                    {"init_value": 0.0, "peak_value": 1.0, "warmup_steps": 5, "decay_steps": 50},
                    {"init_value": 0.0, "peak_value": 0.5, "warmup_steps": 5, "decay_steps": 100},
                    {
                        "init_value": 0.0,
                        "peak_value": 0.25,
                        "warmup_steps": 0,
                        "decay_steps": 150,
                        "end_value": 0.01,
                    },
                ],
            ),
            steps_for(300, 5, 50, 55, 150),
            logs=True,  # the third cycle's warm-up (0 steps) is a logged constant, never used
        ),
        run_case(
            f"{n}/single",
            _spec(
                n,
                cosine_kwargs=[
                    {
                        "init_value": 0.1,
                        "peak_value": 1.0,
                        "warmup_steps": 10,
                        "decay_steps": 60,
                        "end_value": 0.1,
                        "exponent": 2.0,
                    }
                ],
            ),
            steps_for(60, 10),
        ),
        run_case(
            f"{n}/no-warmup",
            _spec(
                n,
                cosine_kwargs=[
                    {"init_value": 1.0, "peak_value": 1.0, "warmup_steps": 0, "decay_steps": 30},
                    {"init_value": 1.0, "peak_value": 1.0, "warmup_steps": 0, "decay_steps": 30},
                    {"init_value": 1.0, "peak_value": 1.0, "warmup_steps": 0, "decay_steps": 30},
                ],
            ),
            steps_for(90, 30, 60),
            logs=True,
        ),
        run_case(
            f"{n}/long",
            _spec(
                n,
                cosine_kwargs=[
                    {"init_value": 0.0, "peak_value": 1e-3, "warmup_steps": 1000, "decay_steps": 50_000},
                    {
                        "init_value": 1e-5,
                        "peak_value": 5e-4,
                        "warmup_steps": 1000,
                        "decay_steps": 100_000,
                        "end_value": 1e-5,
                    },
                ],
            ),
            steps_for(150_000, 1000, 50_000, 51_000),
        ),
        invalid(
            f"{n}/cycle-decay_steps-eq-warmup",
            _spec(
                n,
                cosine_kwargs=[{"init_value": 0.0, "peak_value": 1.0, "warmup_steps": 10, "decay_steps": 10}],
            ),
        ),
    ]


def _onecycle() -> list[Case]:
    c, lin = "cosine_onecycle_schedule", "linear_onecycle_schedule"
    return [
        run_case(f"{c}/basic", _spec(c, transition_steps=100, peak_value=0.1), steps_for(100, 30)),
        run_case(
            f"{c}/args",
            _spec(
                c,
                transition_steps=250,
                peak_value=1.0,
                pct_start=0.25,
                div_factor=10.0,
                final_div_factor=100.0,
            ),
            steps_for(250, 62),
        ),
        run_case(f"{c}/tiny", _spec(c, transition_steps=3, peak_value=1.0), steps_for(3)),
        run_case(
            f"{c}/pct_start-0", _spec(c, transition_steps=50, peak_value=1.0, pct_start=0.0), steps_for(50)
        ),
        run_case(
            f"{c}/long", _spec(c, transition_steps=200_000, peak_value=3e-3), steps_for(200_000, 60_000)
        ),
        invalid(f"{c}/transition_steps-0", _spec(c, transition_steps=0, peak_value=0.1)),
        run_case(f"{lin}/basic", _spec(lin, transition_steps=100, peak_value=0.1), steps_for(100, 30, 85)),
        run_case(
            f"{lin}/args",
            _spec(
                lin,
                transition_steps=300,
                peak_value=2.0,
                pct_start=0.1,
                pct_final=0.5,
                div_factor=5.0,
                final_div_factor=50.0,
            ),
            steps_for(300, 30, 150),
        ),
        # int(0.3 * 1) == int(0.85 * 1) == 0: the later dict entry (1 / div_factor) replaces the first
        run_case(f"{lin}/tiny", _spec(lin, transition_steps=1, peak_value=1.0), steps_for(1)),
        run_case(
            f"{lin}/long",
            _spec(lin, transition_steps=150_000, peak_value=1e-2),
            steps_for(150_000, 45_000, 127_500),
        ),
        invalid(f"{lin}/transition_steps-0", _spec(lin, transition_steps=0, peak_value=0.1)),
    ]


def generate() -> dict[str, Any]:
    import jax

    jax.config.update("jax_enable_x64", True)
    import optax

    cases: list[Case] = [
        *_constant(),
        *_linear(),
        *_polynomial(),
        *_piecewise_constant(),
        *_piecewise_interpolate(),
        *_exponential(),
        *_cosine(),
        *_warmup_cosine(),
        *_warmup_exponential(),
        *_warmup_constant(),
        *_join(),
        *_sgdr(),
        *_onecycle(),
    ]
    ids = [c["id"] for c in cases]
    assert len(ids) == len(set(ids)), "duplicate case ids"
    return {"library": "optax", "version": optax.__version__, "cases": cases}
