"""Reference cases for Keras 3's ``keras.optimizers.schedules`` (see generate.py).

Every case builds the real schedule from the spec's ``args`` (the class's keyword arguments, ``name``
left out) and records ``float(schedule(t))`` for a Python int ``t``. A Keras optimizer calls
``schedule(self.iterations)`` with its update count starting at 0, so ``lr[i]`` is the value the
``steps[i]``-th update uses.

Keras computes in the dtype of ``initial_learning_rate`` as a tensor: float32 for a Python float
(``keras.config.floatx()``); the recorded number is that float32. ``PiecewiseConstantDecay`` compares in
the step's integer dtype and returns ``values`` as float32.

Backend: this module runs Keras on its **numpy** backend (it sets ``KERAS_BACKEND=numpy`` before importing
Keras, overriding generate.py's default): every operation of Keras' own source is then one IEEE float32
numpy operation, which is what the schedule formulas say. The other backends add artefacts of their
compilers and math libraries that no spec can express:

* jax: ``x / 30`` is compiled to ``x * (1/30)``, so ``PolynomialDecay(cycle=True)`` gets
  ``ceil(90 / 30) == 4`` at step 90; batched and scalar ``log`` differ, so ``CosineDecayRestarts`` puts
  some exact restart steps (t_mul 1.25: steps 16, 36) in the previous cycle; with JAX's x64 mode on,
  Keras computes partly in float64 (``CosineDecay`` with warm-up returns float64); ``ops.cond`` compiles
  anew on every scalar call.
* torch: its float32 ``log`` puts other exact restart steps (t_mul 1.5: steps 50, 5000, ...) in the
  previous cycle.

Elsewhere the backends agree with these numbers to ~1e-6 of the case's peak. Keras misses some exact
restarts on every backend, numpy included: ``CosineDecayRestarts/t_mul-1.75-first-4`` (step 11) and
``/t_mul-2-restart-15`` (step 327670) record such misses on purpose. See notes/keras.md.

Spec: ``{"kind": "keras", "name": <class name>, "args": {<its keyword arguments>}}``. Invalid cases hold
the message Keras raises in the constructor.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from fractions import Fraction
from typing import Any

from _common import message, steps_for

BACKEND = "numpy"


Spec = dict[str, Any]
Case = dict[str, Any]


def restart_edges(first: int, t_mul: float, upto: int) -> list[int]:
    """The cycle starts of CosineDecayRestarts below ``upto``, computed exactly with t_mul read as the
    decimal it is written as; a fractional start gives its floor and ceiling."""
    out: list[int] = []
    start, length, tm = Fraction(0), Fraction(first), Fraction(str(t_mul))
    while True:
        start += length
        length *= tm
        if start > upto:
            return out
        out.extend({start.numerator // start.denominator, -(-start.numerator // start.denominator)})


def _spec(name: str, /, **args: Any) -> Spec:
    return {"kind": "keras", "name": name, "args": args}


def _build(spec: Spec) -> Any:
    keras = _import_keras()
    return getattr(keras.optimizers.schedules, spec["name"])(**spec["args"])


def _evaluate(schedule: Any, steps: list[int]) -> list[float]:
    import numpy as np

    values = [schedule(t) for t in steps]
    assert all(v.dtype == np.float32 and np.isfinite(v) for v in values)
    return [float(v) for v in values]


def run_case(case_id: str, spec: Spec, steps: Iterable[int]) -> Case:
    steps = sorted(set(steps))
    return {"id": case_id, "spec": spec, "steps": steps, "lr": _evaluate(_build(spec), steps)}


def invalid(case_id: str, spec: Spec) -> Case:
    try:
        _build(spec)
    except Exception as exc:
        return {"id": case_id, "spec": spec, "invalid": message(exc)}
    raise AssertionError(f"{case_id}: keras accepted it")


# ---- the cases -------------------------------------------------------------------------------------


def _cosine_decay() -> list[Case]:
    n = "CosineDecay"
    return [
        run_case(f"{n}/basic", _spec(n, initial_learning_rate=0.1, decay_steps=100), steps_for(100)),
        run_case(
            f"{n}/alpha", _spec(n, initial_learning_rate=0.1, decay_steps=100, alpha=0.1), steps_for(100)
        ),
        run_case(
            f"{n}/warmup",
            _spec(n, initial_learning_rate=0.0, decay_steps=100, warmup_target=0.1, warmup_steps=20),
            steps_for(120, 20),
        ),
        run_case(
            f"{n}/warmup-alpha",
            _spec(
                n, initial_learning_rate=1e-4, decay_steps=80, alpha=0.05, warmup_target=1e-3, warmup_steps=15
            ),
            steps_for(95, 15),
        ),
        run_case(
            f"{n}/warmup-down",  # a "warm-up" from above
            _spec(n, initial_learning_rate=0.5, decay_steps=50, warmup_target=0.1, warmup_steps=7),
            steps_for(57, 7),
        ),
        # warmup_target set, warmup_steps 0: decay from warmup_target at once
        run_case(
            f"{n}/warmup_target-no-steps",
            _spec(n, initial_learning_rate=0.5, decay_steps=40, warmup_target=0.2),
            steps_for(40),
        ),
        # warmup_steps without warmup_target: keras ignores warmup_steps altogether
        run_case(
            f"{n}/warmup_steps-no-target",
            _spec(n, initial_learning_rate=0.2, decay_steps=40, warmup_steps=10),
            steps_for(40, 10, 50),
        ),
        run_case(f"{n}/decay_steps-1", _spec(n, initial_learning_rate=0.3, decay_steps=1), steps_for(1)),
        run_case(
            f"{n}/warmup-1-decay-1",
            _spec(n, initial_learning_rate=0.0, decay_steps=1, warmup_target=1.0, warmup_steps=1),
            steps_for(2, 1),
        ),
        run_case(
            f"{n}/long",
            _spec(n, initial_learning_rate=1e-3, decay_steps=200_000, alpha=0.01),
            steps_for(200_000),
        ),
        run_case(
            f"{n}/long-warmup",
            _spec(n, initial_learning_rate=0.0, decay_steps=300_000, warmup_target=6e-4, warmup_steps=5000),
            steps_for(305_000, 5000),
        ),
        invalid(f"{n}/decay_steps-0", _spec(n, initial_learning_rate=0.1, decay_steps=0)),
        invalid(f"{n}/decay_steps-negative", _spec(n, initial_learning_rate=0.1, decay_steps=-10)),
    ]


def _restarts() -> list[Case]:
    n = "CosineDecayRestarts"

    def add(case_id: str, first: int, t_mul: float | None, upto: int, **args: Any) -> Case:
        if t_mul is not None:
            args["t_mul"] = t_mul
        edges = restart_edges(first, 2.0 if t_mul is None else t_mul, upto)
        spec = _spec(
            n, initial_learning_rate=args.pop("initial_learning_rate", 1.0), first_decay_steps=first, **args
        )
        end = upto // 3
        return run_case(f"{n}/{case_id}", spec, steps_for(end, *edges))

    return [
        add("default", 10, None, 300, initial_learning_rate=0.1),  # t_mul 2.0, m_mul 1.0, alpha 0.0
        add("t_mul-1", 20, 1.0, 300),
        add("t_mul-1-m_mul-alpha", 25, 1.0, 300, initial_learning_rate=0.5, m_mul=0.8, alpha=0.1),
        add("t_mul-2-m_mul-alpha", 10, 2.0, 700, initial_learning_rate=0.1, m_mul=0.5, alpha=0.1),
        add("t_mul-2-first-1", 1, 2.0, 300, m_mul=0.9),
        add("t_mul-1.5", 20, 1.5, 600, m_mul=0.8),  # starts 20, 50, 95, 162.5, 263.75, ...
        add("t_mul-1.5-first-4", 4, 1.5, 300, alpha=0.05),  # starts 4, 10, 19, 32.5, ...
        add("t_mul-1.5-first-8", 8, 1.5, 400, m_mul=0.9),  # starts 8, 20, 38, 65, 105.5, ...
        add("t_mul-3", 7, 3.0, 900, m_mul=0.7),  # starts 7, 28, 91, 280, ...
        add("t_mul-1.25", 16, 1.25, 500),  # starts 16, 36, 61, 92.25, ...
        add("t_mul-1.1", 10, 1.1, 400),  # 1.1 is not 11/10 in binary: the start "21" is 21.000...0009
        add("t_mul-1-first-1", 1, 1.0, 30, m_mul=0.5),  # every step a restart
        # Keras' float32 floor(log(1 + cf * (t_mul - 1)) / log(t_mul)) misses some exact cycle starts: the
        # step is computed as the end of the previous cycle (LR alpha) instead of the restart.
        add("t_mul-1.75-first-4", 4, 1.75, 300),  # starts 4, 11 (missed), 23.25, ...
        add("t_mul-2-restart-15", 10, 2.0, 1_000_000),  # 10 * (2**15 - 1) = 327670 (missed): 14.999999
        add("m_mul-gt-1", 10, 2.0, 300, initial_learning_rate=0.01, m_mul=1.5),
        add("long", 10_000, 2.0, 1_000_000, initial_learning_rate=1e-3, m_mul=0.9, alpha=0.01),
        add("long-t_mul-1.5", 2_000, 1.5, 600_000, initial_learning_rate=1e-3),
        add("long-t_mul-1", 50_000, 1.0, 900_000, initial_learning_rate=1e-3, m_mul=0.95),
        invalid(f"{n}/first_decay_steps-0", _spec(n, initial_learning_rate=0.1, first_decay_steps=0)),
        invalid(f"{n}/first_decay_steps-negative", _spec(n, initial_learning_rate=0.1, first_decay_steps=-1)),
    ]


def _exponential() -> list[Case]:
    n = "ExponentialDecay"
    return [
        run_case(
            f"{n}/basic", _spec(n, initial_learning_rate=0.1, decay_steps=10, decay_rate=0.9), steps_for(100)
        ),
        run_case(
            f"{n}/staircase",
            _spec(n, initial_learning_rate=0.1, decay_steps=25, decay_rate=0.5, staircase=True),
            steps_for(100, 25, 50, 75),
        ),
        run_case(
            f"{n}/rate-gt-1",
            _spec(n, initial_learning_rate=1e-3, decay_steps=50, decay_rate=1.5),
            steps_for(100),
        ),
        run_case(
            f"{n}/decay_steps-1",
            _spec(n, initial_learning_rate=1.0, decay_steps=1, decay_rate=0.95),
            steps_for(100),
        ),
        run_case(
            f"{n}/rate-0", _spec(n, initial_learning_rate=0.1, decay_steps=10, decay_rate=0.0), steps_for(20)
        ),
        run_case(
            f"{n}/long",
            _spec(n, initial_learning_rate=0.1, decay_steps=100_000, decay_rate=0.96),
            steps_for(300_000, 100_000),
        ),
        run_case(
            f"{n}/long-staircase",
            _spec(n, initial_learning_rate=0.1, decay_steps=10_000, decay_rate=0.5, staircase=True),
            steps_for(200_000, 10_000, 20_000, 190_000),
        ),
        invalid(f"{n}/decay_steps-0", _spec(n, initial_learning_rate=0.1, decay_steps=0, decay_rate=0.9)),
    ]


def _piecewise() -> list[Case]:
    n = "PiecewiseConstantDecay"
    return [
        run_case(f"{n}/basic", _spec(n, boundaries=[100, 200], values=[1.0, 0.5, 0.1]), steps_for(200, 100)),
        run_case(f"{n}/boundary-0", _spec(n, boundaries=[0], values=[1.0, 0.1]), steps_for(10, 0)),
        run_case(
            f"{n}/many",
            _spec(n, boundaries=[10, 20, 30, 40], values=[0.1, 0.05, 0.025, 0.01, 0.001]),
            steps_for(40, 10, 20, 30),
        ),
        run_case(f"{n}/adjacent", _spec(n, boundaries=[5, 6], values=[0.3, 0.2, 0.1]), steps_for(6, 5)),
        run_case(f"{n}/increasing", _spec(n, boundaries=[50], values=[1e-4, 1e-3]), steps_for(50)),
        run_case(
            f"{n}/long",
            _spec(n, boundaries=[100_000, 110_000], values=[1.0, 0.5, 0.1]),
            steps_for(110_000, 100_000),
        ),
        invalid(f"{n}/length-mismatch", _spec(n, boundaries=[10, 20], values=[1.0, 0.5])),
        invalid(f"{n}/values-too-many", _spec(n, boundaries=[10], values=[1.0, 0.5, 0.1])),
    ]


def _polynomial() -> list[Case]:
    n = "PolynomialDecay"
    return [
        run_case(f"{n}/defaults", _spec(n, initial_learning_rate=0.1, decay_steps=100), steps_for(100)),
        run_case(
            f"{n}/power-0.5",
            _spec(n, initial_learning_rate=1.0, decay_steps=100, end_learning_rate=0.01, power=0.5),
            steps_for(100),
        ),
        run_case(
            f"{n}/power-2",
            _spec(n, initial_learning_rate=1.0, decay_steps=60, end_learning_rate=0.01, power=2.0),
            steps_for(60),
        ),
        run_case(
            f"{n}/cycle",
            _spec(n, initial_learning_rate=0.1, decay_steps=30, end_learning_rate=0.0, cycle=True),
            steps_for(100, 30, 60, 90),
        ),
        run_case(
            f"{n}/cycle-power-2",
            _spec(
                n, initial_learning_rate=1.0, decay_steps=50, end_learning_rate=0.01, power=2.0, cycle=True
            ),
            steps_for(100, 50, 150, 200),
        ),
        run_case(
            f"{n}/increasing",
            _spec(n, initial_learning_rate=0.001, decay_steps=40, end_learning_rate=0.1, power=1.5),
            steps_for(40),
        ),
        run_case(
            f"{n}/long",
            _spec(n, initial_learning_rate=0.1, decay_steps=100_000, end_learning_rate=0.01, power=0.5),
            steps_for(100_000),
        ),
        run_case(
            f"{n}/long-cycle",
            _spec(n, initial_learning_rate=0.1, decay_steps=100_000, end_learning_rate=1e-4, cycle=True),
            steps_for(100_000, 200_000),
        ),
        invalid(f"{n}/decay_steps-0", _spec(n, initial_learning_rate=0.1, decay_steps=0)),
    ]


def _inverse_time() -> list[Case]:
    n = "InverseTimeDecay"
    return [
        run_case(
            f"{n}/basic", _spec(n, initial_learning_rate=0.1, decay_steps=1.0, decay_rate=0.5), steps_for(100)
        ),
        run_case(
            f"{n}/decay_steps-int",
            _spec(n, initial_learning_rate=0.1, decay_steps=10, decay_rate=0.5),
            steps_for(100),
        ),
        run_case(
            f"{n}/staircase",
            _spec(n, initial_learning_rate=0.1, decay_steps=10, decay_rate=0.5, staircase=True),
            steps_for(100, 10, 20),
        ),
        run_case(
            f"{n}/long",
            _spec(n, initial_learning_rate=0.01, decay_steps=10_000, decay_rate=2.0),
            steps_for(150_000),
        ),
        run_case(
            f"{n}/long-staircase",
            _spec(n, initial_learning_rate=0.01, decay_steps=25_000, decay_rate=0.3, staircase=True),
            steps_for(250_000, 25_000, 50_000),
        ),
        invalid(f"{n}/decay_steps-0", _spec(n, initial_learning_rate=0.1, decay_steps=0, decay_rate=0.5)),
    ]


def _import_keras() -> Any:
    import sys

    if "keras" not in sys.modules:
        os.environ["KERAS_BACKEND"] = BACKEND
    import keras

    if keras.backend.backend() != BACKEND:
        raise RuntimeError(
            f"keras was imported with the {keras.backend.backend()} backend; these cases need "
            f"{BACKEND} (see the module docstring): run them in a fresh process"
        )
    return keras


def generate() -> dict[str, Any]:
    keras = _import_keras()
    cases: list[Case] = [
        *_cosine_decay(),
        *_restarts(),
        *_exponential(),
        *_piecewise(),
        *_polynomial(),
        *_inverse_time(),
    ]
    ids = [c["id"] for c in cases]
    assert len(ids) == len(set(ids)), "duplicate case ids"
    return {"library": "keras", "version": keras.__version__, "cases": cases}
