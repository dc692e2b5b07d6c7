"""Steps are validated once, whatever array-like they come as."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from lrserve import MAX_STEP, StepError
from lrserve.core import as_steps


@pytest.mark.parametrize(
    ("steps", "expected"),
    [
        ([0, 5, 10], [0, 5, 10]),
        (range(3), [0, 1, 2]),
        (np.array([3, 1], dtype=np.uint8), [3, 1]),
        (np.array([MAX_STEP], dtype=np.uint64), [MAX_STEP]),
        ([MAX_STEP], [MAX_STEP]),
        (7, 7),
    ],
)
def test_integer_steps_become_int64(steps: Any, expected: Any) -> None:
    out = as_steps(steps)
    assert out.dtype == np.int64
    np.testing.assert_array_equal(out, expected)


def test_shape_is_kept_and_empty_is_empty() -> None:
    assert as_steps([[1, 2], [3, 4]]).shape == (2, 2)
    empty = as_steps([])
    assert empty.dtype == np.int64 and empty.size == 0


@pytest.mark.parametrize(
    ("steps", "needle"),
    [
        ([1.0, 2.0], "not floats"),
        ([1.5], "must be integers"),
        ([True, False], "must be integers"),
        (["3"], "must be integers"),
        ([-1, 4], ">= 0; got -1"),
        ([MAX_STEP + 1], "past the largest supported step"),
        (np.array([2**63], dtype=np.uint64), "past the largest supported step"),
        ([2**70], "past the largest supported step"),  # a Python int no int64 can hold: no wrap-around
        ([-(2**70), 1], ">= 0"),
    ],
)
def test_bad_steps_are_refused_clearly(steps: Any, needle: str) -> None:
    with pytest.raises(StepError, match=needle):
        as_steps(steps)
