"""Core evaluation speed, memory and single-step cost, beside numpy's floor and PyTorch's stepping.

    python benchmarks/core.py                 # N = 1e4, 1e6, 1e7
    python benchmarks/core.py --sizes 1e4 1e6 --repeat 3

For every native kind (and a few dialects) it prints, side by side in one run:
- ns/step of ``evaluate`` over ``arange(N)``, and its ratio to ``np.cos(x, out=y)`` over a float64 array
  of the same N (the practical floor for numpy);
- working memory: peak bytes numpy allocated during the call beyond the output, in float64 arrays of N
  (tracemalloc sees numpy's allocations);
- the single-step cost of ``evaluate_one`` on a compiled schedule (the ``GET lr`` hot path);
- when torch is installed: stepping ``torch.optim.lr_scheduler`` for the same schedule, per step, and
  how many times faster the vectorised table is.
Targets (issue 2): cosine family within 2x of np.cos at 1e7; >= 1000x faster than stepping torch;
<= 2 arrays of working memory; single step <= 2 us.
"""

from __future__ import annotations

import argparse
import gc
import time
import timeit
import tracemalloc
from collections.abc import Callable
from typing import Any

import numpy as np
from lrserve import compile_spec, evaluate_one

SPECS: dict[str, dict[str, Any]] = {
    "constant": {"kind": "constant", "lr": 0.1},
    "step": {"kind": "step", "base_lr": 0.1, "step_size": 1000, "factor": 0.5},
    "multistep": {"kind": "multistep", "base_lr": 0.1, "milestones": [1000, 5000, 9000], "factor": 0.1},
    "exponential": {"kind": "exponential", "base_lr": 0.1, "rate": 0.96, "decay_steps": 1000, "end_lr": 1e-5},
    "linear": {"kind": "linear", "start_lr": 0.1, "end_lr": 0.0, "steps": 1_000_000},
    "transition(1-sqrt)": {
        "kind": "transition",
        "start_lr": 0.1,
        "end_lr": 0.0,
        "steps": 10**6,
        "shape": "1-sqrt",
    },
    "polynomial": {"kind": "polynomial", "base_lr": 0.1, "decay_steps": 1_000_000, "power": 2.0},
    "polynomial(cycle)": {"kind": "polynomial", "base_lr": 0.1, "decay_steps": 100_000, "cycle": True},
    "piecewise_constant": {
        "kind": "piecewise_constant",
        "boundaries": [1000, 5000],
        "values": [0.1, 0.01, 0.001],
    },
    "piecewise_linear": {"kind": "piecewise_linear", "steps": [0, 1000, 10**6], "values": [0.0, 0.1, 0.0]},
    "piecewise_cosine": {"kind": "piecewise_cosine", "steps": [0, 1000, 10**6], "values": [0.0, 0.1, 0.0]},
    "inverse_time": {"kind": "inverse_time", "base_lr": 0.1, "rate": 0.5, "decay_steps": 1000},
    "inverse_sqrt": {"kind": "inverse_sqrt", "base_lr": 0.001, "warmup_steps": 4000},
    "cosine_annealing": {"kind": "cosine_annealing", "base_lr": 0.1, "min_lr": 0.001, "t_max": 10_000_000},
    "cosine_annealing(periodic)": {
        "kind": "cosine_annealing",
        "base_lr": 0.1,
        "t_max": 100_000,
        "periodic": True,
    },
    "warmup_cosine": {
        "kind": "warmup_cosine",
        "base_lr": 0.1,
        "warmup_steps": 5000,
        "decay_steps": 10_000_000,
        "min_lr": 1e-6,
    },
    "warmup_stable_decay": {
        "kind": "warmup_stable_decay",
        "base_lr": 0.1,
        "warmup_steps": 1000,
        "stable_steps": 5_000_000,
        "decay_steps": 4_000_000,
        "decay_shape": "1-sqrt",
    },
    "cosine_restarts": {"kind": "cosine_restarts", "base_lr": 0.1, "period": 10_000},
    "cosine_restarts(mult 2)": {
        "kind": "cosine_restarts",
        "base_lr": 0.1,
        "period": 10_000,
        "period_mult": 2.0,
    },
    "one_cycle": {"kind": "one_cycle", "max_lr": 0.1, "total_steps": 20_000_000},
    "cyclic": {
        "kind": "cyclic",
        "base_lr": 0.001,
        "max_lr": 0.1,
        "step_size_up": 2000,
        "mode": "triangular2",
    },
    "sequence": {
        "kind": "sequence",
        "boundaries": [1000],
        "schedules": [
            {"kind": "linear", "start_lr": 0.0, "end_lr": 0.1, "steps": 1000},
            {"kind": "cosine_annealing", "base_lr": 0.1, "t_max": 10_000_000},
        ],
    },
    "product": {
        "kind": "product",
        "schedules": [
            {"kind": "cosine_annealing", "base_lr": 0.1, "t_max": 10_000_000},
            {"kind": "step", "base_lr": 1.0, "step_size": 1000, "factor": 0.99},
        ],
    },
}

DIALECTS: dict[str, dict[str, Any]] = {
    "torch CosineAnnealingLR": {
        "kind": "torch",
        "name": "CosineAnnealingLR",
        "base_lr": 0.1,
        "args": {"T_max": 10_000_000, "eta_min": 0.001},
    },
    "transformers cosine": {
        "kind": "transformers",
        "name": "get_cosine_schedule_with_warmup",
        "base_lr": 3e-4,
        "args": {"num_warmup_steps": 1000, "num_training_steps": 10_000_000},
    },
    "optax warmup_cosine_decay": {
        "kind": "optax",
        "name": "warmup_cosine_decay_schedule",
        "args": {"init_value": 0.0, "peak_value": 1.0, "warmup_steps": 1000, "decay_steps": 10_000_000},
    },
    "deepspeed WarmupCosineLR": {
        "kind": "deepspeed",
        "name": "WarmupCosineLR",
        "base_lr": 0.001,
        "args": {"total_num_steps": 10_000_000, "warmup_num_steps": 1000},
    },
}

#: The same schedule stepped in PyTorch, for the specs that have a direct torch equivalent.
TORCH: dict[str, Callable[[Any], Any]] = {
    "cosine_annealing": lambda opt: _lrs().CosineAnnealingLR(opt, T_max=10_000_000, eta_min=0.001),
    "step": lambda opt: _lrs().StepLR(opt, step_size=1000, gamma=0.5),
    "one_cycle": lambda opt: _lrs().OneCycleLR(opt, max_lr=0.1, total_steps=20_000_000, cycle_momentum=False),
    "cyclic": lambda opt: _lrs().CyclicLR(
        opt, base_lr=0.001, max_lr=0.1, step_size_up=2000, mode="triangular2", cycle_momentum=False
    ),
    "cosine_restarts": lambda opt: _lrs().CosineAnnealingWarmRestarts(opt, T_0=10_000),
    "cosine_restarts(mult 2)": lambda opt: _lrs().CosineAnnealingWarmRestarts(opt, T_0=10_000, T_mult=2),
}


def _lrs() -> Any:
    import torch.optim.lr_scheduler as lrs

    return lrs


def _best(fn: Callable[[], Any], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        gc.collect()
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def _floor(n: int, repeat: int) -> float:
    x = np.linspace(0.0, 3.0, n)
    y = np.empty_like(x)
    return _best(lambda: np.cos(x, out=y), repeat)


def _peak_arrays(fn: Callable[[], Any], n: int) -> float:
    """Peak bytes allocated during fn() beyond its float64 output, in float64 arrays of n."""
    gc.collect()
    tracemalloc.start()
    tracemalloc.reset_peak()
    base = tracemalloc.get_traced_memory()[0]
    out = fn()
    peak = tracemalloc.get_traced_memory()[1] - base
    tracemalloc.stop()
    return max(0.0, (peak - out.nbytes) / (8 * n))


def _torch_per_step(name: str, steps: int) -> float | None:
    try:
        import torch
    except ImportError:
        return None
    import warnings

    opt = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=0.1)
    sched = TORCH[name](opt)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        t0 = time.perf_counter()
        for _ in range(steps):
            sched.step()
        return (time.perf_counter() - t0) / steps


def _single_step_us(schedule: Any, step: int) -> float:
    number = 20_000
    runs = timeit.repeat(lambda: evaluate_one(schedule, step), number=number, repeat=5)
    return min(runs) / number * 1e6


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", nargs="+", type=float, default=[1e4, 1e6, 1e7])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--torch-steps", type=int, default=20_000)
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes]

    from lrserve import parse_spec

    specs = dict(SPECS)
    for label, spec in DIALECTS.items():
        try:
            parse_spec(spec)
        except Exception:  # a dialect not built yet: skip it, say so
            print(f"(skipped {label}: not available)")
            continue
        specs[label] = spec

    floors = {n: _floor(n, args.repeat) / n * 1e9 for n in sizes}
    print("np.cos(x, out=y) float64, ns/step: " + ", ".join(f"N={n:.0e}: {floors[n]:.2f}" for n in sizes))
    head = f"{'kind':30}" + "".join(f"{f'N={n:.0e} ns':>12}{'x cos':>7}" for n in sizes)
    head += f"{'mem':>6}{'1 step':>9}{'torch ns':>10}{'x faster':>10}"
    print(head)
    print("-" * len(head))
    for label, spec in specs.items():
        schedule = compile_spec(spec)
        row = f"{label:30}"
        for n in sizes:
            t = np.arange(n, dtype=np.int64)
            ns = _best(lambda: schedule(t), args.repeat) / n * 1e9  # noqa: B023
            row += f"{ns:12.2f}{ns / floors[n]:7.2f}"
        n_mem = sizes[-1]
        t = np.arange(n_mem, dtype=np.int64)
        mem = _peak_arrays(lambda: schedule(t), n_mem)  # noqa: B023
        one = _single_step_us(schedule, 123_457)
        row += f"{mem:6.2f}{one:8.2f}u"
        torch_step = _torch_per_step(label, args.torch_steps) if label in TORCH else None
        if torch_step is not None:
            t = np.arange(sizes[-1], dtype=np.int64)
            ours = _best(lambda: schedule(t), args.repeat) / sizes[-1]  # noqa: B023
            row += f"{torch_step * 1e9:10.0f}{torch_step / ours:10.0f}"
        print(row)
    print(
        "\nmem: peak working memory beyond the output, in float64 arrays of N (N = largest size); "
        "1 step: evaluate_one on a compiled schedule, microseconds; torch: stepping "
        "torch.optim.lr_scheduler once per step (one run of --torch-steps steps), and how many times faster "
        f"the vectorised table is per step at N={sizes[-1]:.0e}."
    )


if __name__ == "__main__":
    main()
