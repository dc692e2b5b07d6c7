"""lrs: learning-rate schedules, defined once and evaluated exactly, for every trainer.

>>> from lrserve import evaluate
>>> evaluate({"kind": "cosine_annealing", "base_lr": 0.1, "min_lr": 0.001, "t_max": 10}, [0, 5, 10])
array([0.1   , 0.0505, 0.001 ])

The spec layer (Pydantic) is imported on first use of its names, so that ``lrserve.client`` and
``lrserve.core`` need numpy alone (and httpx), and import quickly.
"""

import typing as _typing
from importlib.metadata import version as _metadata_version

from ._extras import missing_extra as _missing_extra
from .core import LRSError, Schedule, StepError
from .limits import MAX_DEPTH, MAX_STEP

if _typing.TYPE_CHECKING:
    from ._engine import (
        Spec,
        SpecError,
        compile_spec,
        evaluate,
        evaluate_one,
        parse_spec,
        to_native,
    )

__version__ = _metadata_version("lrserve")

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

_ENGINE = frozenset(
    ("Spec", "SpecError", "compile_spec", "evaluate", "evaluate_one", "parse_spec", "to_native")
)


def __getattr__(name: str) -> _typing.Any:
    if name in _ENGINE:
        try:
            from . import _engine
        except ModuleNotFoundError as exc:
            raise _missing_extra(exc, "spec", f"lrserve.{name}") from exc

        value = getattr(_engine, name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'lrserve' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
