"""The schedule core: pure numpy. It imports nothing but numpy and the standard library.

``build(native)`` compiles a validated native spec given as plain data (see ``_build.py``). Schedules are
each a :class:`Schedule`, a pure function of the integer step with a vectorised path
(``schedule.fill(t, out)``) and a scalar path (``schedule.at(t)``); composites join them.
"""

from ._base import (
    BLOCK,
    MAX_STEP,
    MIN_STEPS_PER_THREAD,
    FloatArray,
    IntArray,
    LRSError,
    Schedule,
    StepError,
    as_steps,
    evaluate,
    evaluate_one,
)
from ._build import BUILDERS, build, build_history, one_cycle_ends
from ._join import History, Product, Sequence, join_history
from ._primitives import (
    Constant,
    Cyclic,
    Exponential,
    InverseSqrt,
    InverseTime,
    MultiStep,
    OneCycle,
    PiecewiseConstant,
    PiecewiseInterpolate,
    Polynomial,
    Restarts,
    StableDecay,
    StepDecay,
    Transition,
)
from ._shapes import SHAPES, ShapeName

__all__ = [
    "BLOCK",
    "BUILDERS",
    "MAX_STEP",
    "MIN_STEPS_PER_THREAD",
    "SHAPES",
    "Constant",
    "Cyclic",
    "Exponential",
    "FloatArray",
    "History",
    "IntArray",
    "InverseSqrt",
    "InverseTime",
    "LRSError",
    "MultiStep",
    "OneCycle",
    "PiecewiseConstant",
    "PiecewiseInterpolate",
    "Polynomial",
    "Product",
    "Restarts",
    "Schedule",
    "Sequence",
    "ShapeName",
    "StableDecay",
    "StepDecay",
    "StepError",
    "Transition",
    "as_steps",
    "build",
    "build_history",
    "evaluate",
    "evaluate_one",
    "join_history",
    "one_cycle_ends",
]
