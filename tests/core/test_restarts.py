"""Restarts: the two evaluation paths agree where timm's tanh formula cancels."""

from __future__ import annotations

import numpy as np
from lrserve import compile_spec


def test_tanh_restarts_paths_agree_below_a_decayed_peak() -> None:
    # cycle peaks decay below min_lr; 1 - tanh(z) with tanh(z) ~ 1 then amplifies a one-ulp difference
    # between np.tanh and math.tanh into ~1e-11 relative on values ~1e-11 (1e-16 of the peak, 1.0)
    spec = {
        "kind": "cosine_restarts",
        "base_lr": 1,
        "min_lr": 1e-6,
        "period": 13,
        "decay": 0.5,
        "shape": "tanh",
    }
    schedule = compile_spec(spec)
    t = np.arange(2000)
    table = schedule(t)
    scalar = np.array([schedule.at(int(x)) for x in t])
    np.testing.assert_allclose(table, scalar, rtol=1e-13, atol=1e-15)
    assert np.max(np.abs(table - scalar)) <= 2.3e-16


def test_blocked_evaluation_equals_one_pass_across_block_boundaries() -> None:
    """Restarts and cyclic evaluate in blocks of BLOCK steps; crossing blocks changes nothing."""
    from lrserve.core import BLOCK

    specs = [
        {
            "kind": "cosine_restarts",
            "base_lr": 0.1,
            "min_lr": 1e-4,
            "period": 1000,
            "period_mult": 1.5,
            "decay": 0.8,
        },
        {
            "kind": "cosine_restarts",
            "base_lr": 0.1,
            "period": 777,
            "cycle_index": "float32",
            "period_mult": 2.0,
        },
        {"kind": "cyclic", "base_lr": 0.001, "max_lr": 0.1, "step_size_up": 999, "mode": "triangular2"},
    ]
    t = np.arange(3 * BLOCK + 17, dtype=np.int64)
    for spec in specs:
        schedule = compile_spec(spec)
        blocked = schedule(t)
        one_pass = np.empty_like(blocked)
        schedule._fill_block(t, one_pass)  # type: ignore[attr-defined]
        np.testing.assert_array_equal(blocked, one_pass)
        picks = [0, BLOCK - 1, BLOCK, 2 * BLOCK + 1, t.size - 1]
        np.testing.assert_allclose(blocked[picks], [schedule.at(int(x)) for x in picks], rtol=1e-13)
