"""The schedule core: pure numpy. It imports nothing but numpy and the standard library.

Builders return a :class:`Schedule`, a pure function of the integer step with a vectorised path
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
from ._join import Product, Sequence
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
    "MAX_STEP",
    "MIN_STEPS_PER_THREAD",
    "SHAPES",
    "Constant",
    "Cyclic",
    "Exponential",
    "FloatArray",
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
    "evaluate",
    "evaluate_one",
]
