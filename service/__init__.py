"""lrs: learning-rate schedules, defined once and evaluated exactly, for every trainer.

>>> from service import evaluate
>>> evaluate({"kind": "cosine_annealing", "base_lr": 0.1, "min_lr": 0.001, "t_max": 10}, [0, 5, 10])
array([0.1   , 0.0505, 0.001 ])
"""

from ._engine import MAX_DEPTH, Spec, SpecError, compile_spec, evaluate, evaluate_one, parse_spec, to_native
from .core import MAX_STEP, LRSError, Schedule, StepError

__version__ = "0.1.0"

__all__ = [
    "MAX_DEPTH",
    "MAX_STEP",
    "LRSError",
    "Schedule",
    "Spec",
    "SpecError",
    "StepError",
    "__version__",
    "compile_spec",
    "evaluate",
    "evaluate_one",
    "parse_spec",
    "to_native",
]
