"""Hypothesis strategies: random valid specs of every native kind."""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st
from lrserve import compile_spec

lrs = st.floats(min_value=1e-6, max_value=10.0, allow_nan=False, allow_infinity=False)
floors = st.sampled_from([0.0, 1e-6, 1e-3])
counts = st.integers(min_value=1, max_value=5000)
small_counts = st.integers(min_value=0, max_value=500)


def _sorted_unique(xs: list[int]) -> list[int]:
    return sorted(set(xs))


@st.composite
def native_specs(draw: st.DrawFn, depth: int = 0) -> dict[str, Any]:
    kinds = [
        "constant",
        "step",
        "multistep",
        "exponential",
        "linear",
        "transition",
        "polynomial",
        "piecewise_constant",
        "piecewise_linear",
        "piecewise_cosine",
        "inverse_time",
        "inverse_sqrt",
        "cosine_annealing",
        "warmup_cosine",
        "warmup_stable_decay",
        "cosine_restarts",
        "one_cycle",
        "cyclic",
    ]
    if depth < 2:
        kinds += ["sequence", "product"]
    kind = draw(st.sampled_from(kinds))
    base = draw(lrs)
    if kind == "constant":
        return {"kind": kind, "lr": base}
    if kind == "step":
        return {
            "kind": kind,
            "base_lr": base,
            "step_size": draw(counts | st.floats(0.5, 5000.0)),
            "factor": draw(st.floats(0.01, 1.0)),
        }
    if kind == "multistep":
        ms = sorted(draw(st.lists(st.integers(0, 10_000), max_size=6)))
        return {"kind": kind, "base_lr": base, "milestones": ms, "factor": draw(st.floats(0.01, 1.0))}
    if kind == "exponential":
        rate = draw(st.floats(0.5, 1.5))
        end = draw(lrs) if rate > 1 else draw(st.none() | lrs)
        return {
            "kind": kind,
            "base_lr": base,
            "rate": rate,
            "decay_steps": draw(st.floats(1.0, 1000.0)),
            "staircase": draw(st.booleans()),
            "end_lr": end,
        }
    if kind == "linear":
        return {
            "kind": kind,
            "start_lr": draw(floors | lrs),
            "end_lr": draw(floors | lrs),
            "steps": draw(counts),
        }
    if kind == "transition":
        shape = draw(st.sampled_from(["linear", "cosine", "1-sqrt", "sqrt", "poly", "power", "exp", "log"]))
        return {
            "kind": kind,
            "start_lr": draw(floors | lrs),
            "end_lr": draw(floors | lrs),
            "steps": draw(st.integers(2, 5000)),
            "shape": shape,
            "power": draw(st.floats(0.25, 4.0)),
            "ratio": draw(st.floats(0.01, 0.9)),
        }
    if kind == "polynomial":
        return {
            "kind": kind,
            "base_lr": base,
            "end_lr": draw(floors),
            "decay_steps": float(draw(counts)),
            "power": draw(st.floats(0.25, 4.0)),
            "cycle": draw(st.booleans()),
        }
    if kind == "piecewise_constant":
        b = _sorted_unique(draw(st.lists(st.integers(0, 10_000), max_size=5)))
        return {
            "kind": kind,
            "boundaries": b,
            "values": draw(st.lists(lrs, min_size=len(b) + 1, max_size=len(b) + 1)),
        }
    if kind in ("piecewise_linear", "piecewise_cosine"):
        s = _sorted_unique(draw(st.lists(st.integers(0, 10_000), min_size=1, max_size=6)))
        return {"kind": kind, "steps": s, "values": draw(st.lists(lrs, min_size=len(s), max_size=len(s)))}
    if kind == "inverse_time":
        return {
            "kind": kind,
            "base_lr": base,
            "rate": draw(st.floats(0.0, 5.0)),
            "decay_steps": draw(st.floats(1.0, 1000.0)),
            "staircase": draw(st.booleans()),
        }
    if kind == "inverse_sqrt":
        return {
            "kind": kind,
            "base_lr": base,
            "warmup_steps": draw(small_counts),
            "timescale": draw(st.none() | counts),
        }
    if kind == "cosine_annealing":
        cosine = {
            "kind": kind,
            "base_lr": base,
            "min_lr": draw(floors),
            "t_max": draw(counts),
            "periodic": draw(st.booleans()),
            "exponent": draw(st.sampled_from([1.0, 2.0, 0.5])),
        }
        if draw(st.booleans()):
            waves = draw(st.just(1.0) | st.floats(0.05, 20.0))
            cosine |= {"waves": waves, "periodic": cosine["periodic"] or waves != 1.0}
        return cosine
    if kind == "warmup_cosine":
        return {
            "kind": kind,
            "base_lr": base,
            "warmup_steps": draw(small_counts),
            "hold_steps": draw(small_counts),
            "decay_steps": draw(counts),
            "min_lr": draw(floors),
            "warmup_start_lr": draw(floors),
            "warmup_shape": draw(st.sampled_from(["linear", "cosine", "sqrt"])),
        }
    if kind == "warmup_stable_decay":
        wsd = {
            "kind": kind,
            "base_lr": base,
            "warmup_steps": draw(small_counts),
            "stable_steps": draw(small_counts),
            "decay_steps": draw(small_counts),
            "min_lr": draw(floors),
            "decay_shape": draw(st.sampled_from(["linear", "cosine", "1-sqrt", "poly", "power", "exp"])),
            "warmup_shape": draw(st.sampled_from(["linear", "cosine", "sqrt"])),
        }
        if draw(st.booleans()):
            wsd["stable_shape"] = "power"
            wsd["stable_power"] = draw(st.floats(0.1, 2.0))
            timescale = counts.map(float) if wsd["warmup_steps"] == 0 else st.none() | counts
            wsd["stable_timescale"] = draw(timescale)
        return wsd
    if kind == "cosine_restarts":
        restarts = {
            "kind": kind,
            "base_lr": base,
            "min_lr": draw(floors),
            "period": float(draw(counts)),
            "period_mult": draw(st.sampled_from([1.0, 2.0, 1.5, 3.0, 1.1, 0.5, 0.75])),
            "decay": draw(st.floats(0.1, 1.0)),
            "decay_mode": draw(st.sampled_from(["peak", "amplitude"])),
            "cycle_limit": draw(st.none() | counts),
            "shape": draw(st.sampled_from(["cosine", "poly", "tanh"])),
        }
        if restarts["period_mult"] == 1.0 and restarts["shape"] == "cosine" and draw(st.booleans()):
            restarts["cycles"] = draw(st.floats(0.25, 50.0))  # Hugging Face's hard restarts
        elif draw(st.booleans()):
            restarts["cycle_index"] = "float32"  # Keras' float32 cycle index and position
        return restarts
    if kind == "one_cycle":
        return {
            "kind": kind,
            "max_lr": base,
            "total_steps": draw(st.integers(10, 10_000)),
            "anneal": draw(st.sampled_from(["cos", "linear"])),
            "three_phase": draw(st.booleans()),
            "pct_start": draw(st.sampled_from([0.25, 0.3, 0.4])),
        }
    if kind == "cyclic":
        return {
            "kind": kind,
            "base_lr": base / 10,
            "max_lr": base,
            "step_size_up": float(draw(counts)),
            "step_size_down": draw(st.none() | counts.map(float)),
            "mode": draw(st.sampled_from(["triangular", "triangular2", "exp_range"])),
            "gamma": draw(st.floats(0.99, 1.0)),
        }
    children = draw(st.lists(native_specs(depth + 1), min_size=1, max_size=3))
    if kind == "product":
        return {"kind": kind, "schedules": children}
    bounds = _sorted_unique(
        draw(st.lists(st.integers(1, 10_000), min_size=len(children) - 1, max_size=len(children) - 1))
    )
    seq = {
        "kind": kind,
        "schedules": children[: len(bounds) + 1],
        "boundaries": bounds,
        "local_steps": draw(st.booleans()),
    }
    if draw(st.booleans()):  # each phase counts from at most 5 steps before its start (the first: from < 0)
        seq["origins"] = [start - draw(st.integers(0, 5)) for start in [0, *bounds]]
        last = compile_spec(seq).last_step
        if last is not None and last < 0:  # a negative origin moved the last phase's end before step 0
            seq["origins"][-1] = max(seq["origins"][-1], 0)
    if draw(st.booleans()):  # ends early, like a PyTorch scheduler that raises at some step
        seq["last_step"] = draw(st.integers(0, 20_000))
    return seq
