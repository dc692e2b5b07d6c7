"""Restarts: the two evaluation paths agree where timm's tanh formula cancels."""

from __future__ import annotations

import numpy as np

from service import compile_spec


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
