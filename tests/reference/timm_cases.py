"""Reference cases for timm's schedulers (``timm.scheduler``), the oracle for ``kind: "timm"`` specs.

Called by ``generate.py``; see its docstring for the fixture document format.

Importing timm: ``import timm`` runs ``timm/__init__.py``, which imports the model zoo and with it
torchvision; PyPI's torchvision does not work with the pinned torch, so ``import timm`` fails.  The
schedulers need nothing but torch, so we register an empty namespace package named ``timm`` pointing at
the installed package directory (without executing its ``__init__.py``) and then import
``timm.scheduler`` normally.  ``timm/scheduler/__init__.py`` only imports its own submodules, and
``timm/version.py`` has no imports, so both load fine this way.

What a value is: each case builds the real scheduler on a fresh
``torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=base_lr)``.  The value at step ``t`` is the
optimizer's ``lr`` after ``scheduler.step(t)`` when ``t_in_epochs`` is true (timm's default), or after
``scheduler.step_update(t)`` when it is false.  The other method is a no-op in each mode (checked here for
every case).  timm schedulers are stateless functions of ``t`` (noise aside), so one scheduler instance is
stepped through the sampled steps in increasing order.

Case kinds (see generate.py): values (``steps``/``lr``), ``error_steps`` where timm raises (an extra
``error`` key holds the first message; a step where timm silently writes a *complex* LR into the optimizer
is also listed as an error step), and ``invalid`` for configurations timm refuses at construction (its
message, prefixed with the exception type) or that are not a function of the step (a short reason).
"""

from __future__ import annotations

import importlib.util
import inspect
import linecache
import math
import sys
import traceback
import types
from fractions import Fraction
from typing import Any


def _load_timm():
    if "timm" not in sys.modules:
        spec = importlib.util.find_spec("timm")
        if spec is None or not spec.submodule_search_locations:
            raise ImportError("timm is not installed")
        pkg = types.ModuleType("timm")
        pkg.__path__ = list(spec.submodule_search_locations)  # namespace-style: __init__.py is not run
        sys.modules["timm"] = pkg
    import timm.scheduler as sched
    from timm.version import __version__

    return sched, __version__


# ---------------------------------------------------------------------------------------------------------
# sampling


DENSE_MAX = 300  # every step 0..300 for short schedules
STRIDED_POINTS = 200  # plus ~200 strided points up to 3x the end for long ones
LONG_END = 1000  # end of schedule above which the dense prefix is only 0..20


def _defaults(cls) -> dict[str, Any]:
    return {
        n: p.default
        for n, p in inspect.signature(cls.__init__).parameters.items()
        if p.default is not inspect.Parameter.empty
    }


def _key_points(name: str, a: dict[str, Any], horizon_hint: int | None) -> tuple[list[Fraction], Fraction]:
    """Exact (rational) boundary steps of the schedule and its nominal end."""
    pts: list[Fraction] = []
    w = a.get("warmup_t", 0) or 0
    if w > 0:
        pts.append(Fraction(w))
    if name in (
        "CosineLRScheduler",
        "PolyLRScheduler",
        "TanhLRScheduler",
        "StepLRScheduler",
        "MultiStepLRScheduler",
    ):
        off = Fraction(w) if a["warmup_prefix"] else Fraction(0)
    else:
        off = Fraction(w)  # WSD: warm-up is always a prefix (a negative warmup_t shifts the schedule left)
    if name in ("CosineLRScheduler", "PolyLRScheduler", "TanhLRScheduler"):
        T = Fraction(a["t_initial"])
        m = Fraction(a["cycle_mul"])
        limit = a["cycle_limit"]
        n_max = max(limit, 1) + 1
        bounds = []
        for n in range(1, n_max + 1):
            s = T * n if m == 1 else T * (m**n - 1) / (m - 1)
            bounds.append(s)
            if s > 10**7:
                break
        if m < 1:  # cycles shrink; log() leaves its domain at T / (1 - m)
            bounds.append(T / (1 - m))
        pts += [off + b for b in bounds]
        end = off + (bounds[limit - 1] if limit >= 1 else T)
        end = max(end, Fraction(w))
    elif name == "StepLRScheduler":
        end = Fraction(horizon_hint or 100)
        d = Fraction(a["decay_t"])
        if d > 0:
            k = 1
            while k * d <= 3 * end + 1 and k <= 400:
                pts.append(off + k * d)
                k += 1
    elif name == "MultiStepLRScheduler":
        ms = [Fraction(m) for m in a["decay_t"]]
        for m in ms:
            pts += [off + m - 1, off + m]
        end = off + max(ms) if ms else Fraction(horizon_hint or 100)
    elif name == "WSDLRScheduler":
        T, d = Fraction(a["t_initial"]), Fraction(a["decay_t"])
        pts += [off + T - d, off + T]
        end = off + T
    else:
        raise ValueError(name)
    if horizon_hint is not None:
        end = Fraction(horizon_hint)
    return pts, end


def _steps(name: str, a: dict[str, Any], horizon: int | None, extra: list[int]) -> list[int]:
    pts, end = _key_points(name, a, horizon)
    last = 3 * end + 1
    out: set[int] = set()
    for p in [*pts, end, 3 * end]:
        if p > last:
            continue
        lo, hi = math.floor(p), math.ceil(p)
        out.update(range(lo - 1, hi + 2))
    dense_to = min(DENSE_MAX, max(60, math.floor(last) + 1)) if end <= LONG_END else 20
    out.update(range(dense_to + 1))
    if last > dense_to:
        span = math.floor(last) - dense_to
        stride = max(1, round(span / STRIDED_POINTS))
        out.update(range(dense_to, math.floor(last) + 1, stride))
    out.update(extra)
    top = max(math.floor(last), dense_to)
    return sorted(s for s in out if 0 <= s <= top or s in extra)


# ---------------------------------------------------------------------------------------------------------
# running


def _describe(exc: BaseException) -> str:
    msg = str(exc)
    if not msg and isinstance(exc, AssertionError):
        # bare `assert cond`: report the asserting source line
        tb = traceback.extract_tb(exc.__traceback__)[-1]
        msg = (linecache.getline(tb.filename, tb.lineno) or tb.line or "").strip()
    return f"{type(exc).__name__}: {msg}" if msg else type(exc).__name__


class _Runner:
    def __init__(self) -> None:
        self.sched, self.version = _load_timm()
        import torch

        self.torch = torch
        self.cases: list[dict[str, Any]] = []
        self.ids: set[str] = set()

    def _spec(self, name: str, base_lr: float, args: dict[str, Any] | None) -> dict[str, Any]:
        spec: dict[str, Any] = {"kind": "timm", "name": name, "base_lr": base_lr}
        if args is not None:
            spec["args"] = dict(args)
        return spec

    def _add(self, case: dict[str, Any]) -> None:
        assert case["id"] not in self.ids, case["id"]
        self.ids.add(case["id"])
        self.cases.append(case)

    def _build(self, name: str, base_lr: float, args: dict[str, Any] | None):
        torch = self.torch
        opt = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=base_lr)
        sch = getattr(self.sched, name)(opt, **(args or {}))
        return opt, sch

    def values(
        self,
        cid: str,
        name: str,
        args: dict[str, Any] | None = None,
        *,
        base_lr: float = 0.1,
        horizon: int | None = None,
        extra: list[int] | None = None,
    ) -> None:
        cls = getattr(self.sched, name)
        resolved = {**_defaults(cls), **(args or {})}
        steps = _steps(name, resolved, horizon, extra or [])
        opt, sch = self._build(name, base_lr, args)
        group = opt.param_groups[0]
        epochs = resolved["t_in_epochs"]
        advance, other = (sch.step, sch.step_update) if epochs else (sch.step_update, sch.step)
        ok_steps, lrs, err_steps, first_err = [], [], [], None
        for t in steps:
            try:
                advance(t)
                lr = group["lr"]
                if isinstance(lr, complex):
                    raise ArithmeticError(f"no exception: timm writes a complex lr {lr!r} into the optimizer")
                lr = float(lr)
                if not math.isfinite(lr):
                    raise ArithmeticError(f"non-finite lr {lr!r}")
            except Exception as exc:
                err_steps.append(t)
                first_err = first_err or _describe(exc)
                continue
            ok_steps.append(t)
            lrs.append(lr)
        # the method of the other mode must not touch the LR
        if ok_steps:
            advance(ok_steps[-1])
            before = group["lr"]
            other(ok_steps[-1] + 7)
            other(0)
            assert group["lr"] == before, (cid, "other-mode step changed the lr")
        spec = self._spec(name, base_lr, args)
        if ok_steps:
            self._add({"id": cid, "spec": spec, "steps": ok_steps, "lr": lrs})
        if err_steps:
            self._add(
                {
                    "id": f"{cid}-raises" if ok_steps else cid,
                    "spec": spec,
                    "error_steps": err_steps,
                    "error": first_err,
                }
            )

    def refused(
        self, cid: str, name: str, args: dict[str, Any] | None = None, *, base_lr: float = 0.1
    ) -> None:
        try:
            self._build(name, base_lr, args)
        except Exception as exc:
            self._add({"id": cid, "spec": self._spec(name, base_lr, args), "invalid": _describe(exc)})
            return
        raise AssertionError(f"{cid}: timm accepted {args!r}")

    def unsupported(
        self, cid: str, name: str, args: dict[str, Any] | None, reason: str, *, base_lr: float = 0.1
    ) -> None:
        # timm accepts these; they are just not a function of the step
        self._build(name, base_lr, args)
        self._add({"id": cid, "spec": self._spec(name, base_lr, args), "invalid": reason})


NOISE_REASON = (
    "noise_range_t set: LR noise is drawn from torch's RNG (torch.Generator seeded noise_seed + t), "
    "not a closed-form function of the step"
)
PLATEAU_REASON = "metric-driven (wraps torch ReduceLROnPlateau state), not a function of the step"


# ---------------------------------------------------------------------------------------------------------
# the cases


def _cycle_family(r: _Runner, name: str) -> None:
    """Cases common to the cosine / poly / tanh schedulers (same cycle and warm-up machinery)."""
    V = lambda cid, args=None, **kw: r.values(f"{name}/{cid}", name, args, **kw)  # noqa: E731
    X = lambda cid, args=None, **kw: r.refused(f"{name}/{cid}", name, args, **kw)  # noqa: E731

    V("defaults", {"t_initial": 100})
    V("defaults-updates", {"t_initial": 100, "t_in_epochs": False})
    V("warmup", {"t_initial": 100, "warmup_t": 5})
    V("warmup-updates", {"t_initial": 100, "warmup_t": 5, "warmup_lr_init": 1e-4, "t_in_epochs": False})
    V("warmup-prefix", {"t_initial": 100, "warmup_t": 5, "warmup_prefix": True, "warmup_lr_init": 1e-4})
    V(
        "warmup-prefix-updates",
        {"t_initial": 60, "warmup_t": 8, "warmup_prefix": True, "warmup_lr_init": 0.01, "t_in_epochs": False},
    )
    V("warmup-lr-init", {"t_initial": 100, "warmup_t": 10, "warmup_lr_init": 0.01})
    V("warmup_t-0", {"t_initial": 50, "warmup_t": 0, "warmup_lr_init": 0.05})
    V("warmup_t-1", {"t_initial": 50, "warmup_t": 1, "warmup_lr_init": 0.01})
    V("warmup-longer-than-cycle", {"t_initial": 10, "warmup_t": 20, "warmup_lr_init": 0.001})
    V("lr_min", {"t_initial": 50, "lr_min": 1e-3})
    V("lr_min-above-base", {"t_initial": 40, "lr_min": 0.2})
    V("restarts", {"t_initial": 30, "cycle_limit": 4})
    V("restarts-decay", {"t_initial": 30, "cycle_limit": 4, "cycle_decay": 0.5, "lr_min": 1e-4})
    V(
        "restarts-decay-updates",
        {
            "t_initial": 25,
            "cycle_limit": 3,
            "cycle_decay": 0.8,
            "warmup_t": 5,
            "warmup_prefix": True,
            "t_in_epochs": False,
        },
    )
    V("cycle_limit-1", {"t_initial": 20, "cycle_mul": 2.0, "cycle_limit": 1, "lr_min": 0.01})
    V("cycle_limit-0", {"t_initial": 20, "cycle_limit": 0, "warmup_t": 3, "lr_min": 0.005})
    V("cycle_mul-2", {"t_initial": 10, "cycle_mul": 2.0, "cycle_limit": 5, "cycle_decay": 0.8})
    V("cycle_mul-2-updates", {"t_initial": 10, "cycle_mul": 2, "cycle_limit": 4, "t_in_epochs": False})
    # 1.5: boundary 211 = 16 * (1.5**5 - 1) / 0.5 lands in cycle 4 (floating log), see notes
    V("cycle_mul-1.5", {"t_initial": 16, "cycle_mul": 1.5, "cycle_limit": 6, "lr_min": 0.001})
    V(
        "cycle_mul-1.5-warmup-prefix",
        {
            "t_initial": 10,
            "cycle_mul": 1.5,
            "cycle_limit": 4,
            "cycle_decay": 0.7,
            "warmup_t": 5,
            "warmup_prefix": True,
            "warmup_lr_init": 0.001,
        },
    )
    V(
        "cycle_mul-1.5-warmup-updates",
        {"t_initial": 12, "cycle_mul": 1.5, "cycle_limit": 5, "warmup_t": 4, "t_in_epochs": False},
    )
    # 3: boundary 242 = 2 * (3**5 - 1) / 2 is also put in the previous cycle
    V("cycle_mul-3", {"t_initial": 2, "cycle_mul": 3.0, "cycle_limit": 6, "cycle_decay": 0.9})
    # 1.1: at t = 331 the cycle start is computed as 331.0000000000001 -> t_curr slightly negative
    V("cycle_mul-1.1", {"t_initial": 100, "cycle_mul": 1.1, "cycle_limit": 4}, extra=[330, 331, 332])
    # cycles shrinking: log(1 - t/T*(1-m)) leaves its domain at t >= T / (1 - m) = 80 -> ValueError
    V("cycle_mul-0.5", {"t_initial": 40, "cycle_mul": 0.5, "cycle_limit": 3})
    V("t_initial-1", {"t_initial": 1})
    V("t_initial-1-restarts", {"t_initial": 1, "cycle_limit": 5, "cycle_decay": 0.5})
    V(
        "noise-args-inactive",
        {"t_initial": 50, "noise_range_t": None, "noise_pct": 0.5, "noise_std": 2.0, "noise_seed": 7},
    )
    V("base_lr-1", {"t_initial": 30, "warmup_t": 3}, base_lr=1.0)
    # long schedules (per update)
    V(
        "long-updates",
        {
            "t_initial": 100_000,
            "warmup_t": 2000,
            "warmup_lr_init": 1e-6,
            "lr_min": 1e-5,
            "t_in_epochs": False,
        },
        base_lr=3e-4,
    )
    V(
        "long-cycles-updates",
        {
            "t_initial": 20_000,
            "cycle_mul": 1.5,
            "cycle_limit": 5,
            "cycle_decay": 0.5,
            "warmup_t": 1000,
            "warmup_prefix": True,
            "t_in_epochs": False,
        },
        base_lr=1e-3,
    )
    V("long-epochs", {"t_initial": 150_000, "lr_min": 1e-6})
    # refused at construction
    X("t_initial-0", {"t_initial": 0})
    X("t_initial-negative", {"t_initial": -5})
    X("lr_min-negative", {"t_initial": 10, "lr_min": -0.001})
    X("missing-t_initial", {})
    # not a function of the step
    r.unsupported(f"{name}/noise", name, {"t_initial": 100, "noise_range_t": [40, 80]}, NOISE_REASON)
    r.unsupported(
        f"{name}/noise-from", name, {"t_initial": 100, "noise_range_t": 50, "noise_pct": 0.1}, NOISE_REASON
    )


def _cosine(r: _Runner) -> None:
    n = "CosineLRScheduler"
    _cycle_family(r, n)
    r.values(f"{n}/k_decay-2", n, {"t_initial": 100, "k_decay": 2.0})
    r.values(f"{n}/k_decay-0.5", n, {"t_initial": 100, "k_decay": 0.5, "lr_min": 1e-4})
    r.values(
        f"{n}/k_decay-cycles",
        n,
        {
            "t_initial": 20,
            "k_decay": 1.5,
            "cycle_mul": 2.0,
            "cycle_limit": 3,
            "warmup_t": 4,
            "t_in_epochs": False,
        },
    )
    # k_decay != 1 with a slightly negative t_curr: (-1e-13) ** 0.5 is complex -> math.cos raises TypeError
    r.values(
        f"{n}/cycle_mul-1.1-k_decay",
        n,
        {"t_initial": 100, "cycle_mul": 1.1, "cycle_limit": 4, "k_decay": 0.5},
        extra=[330, 331, 332],
    )
    # accepted: `if self.warmup_t:` is truthy, t < -2 never holds, the prefix shift moves the curve left
    r.values(f"{n}/warmup_t-negative-prefix", n, {"t_initial": 10, "warmup_t": -2, "warmup_prefix": True})
    r.values(f"{n}/warmup_t-negative", n, {"t_initial": 10, "warmup_t": -2, "warmup_lr_init": 0.5})


def _poly(r: _Runner) -> None:
    n = "PolyLRScheduler"
    _cycle_family(r, n)
    r.values(f"{n}/power-1", n, {"t_initial": 100, "power": 1.0, "lr_min": 1e-3})
    r.values(f"{n}/power-2-updates", n, {"t_initial": 80, "power": 2.0, "warmup_t": 10, "t_in_epochs": False})
    r.values(f"{n}/k_decay-2", n, {"t_initial": 100, "k_decay": 2.0, "power": 1.0})
    r.values(f"{n}/k_decay-0.5", n, {"t_initial": 100, "k_decay": 0.5})
    # same slightly negative t_curr: (-1e-13) ** 0.5 is complex and timm writes a complex LR
    r.values(
        f"{n}/cycle_mul-1.1-k_decay",
        n,
        {"t_initial": 100, "cycle_mul": 1.1, "cycle_limit": 4, "k_decay": 0.5},
        extra=[330, 331, 332],
    )
    r.values(
        f"{n}/long-power-1-updates",
        n,
        {"t_initial": 120_000, "power": 1.0, "warmup_t": 1000, "lr_min": 1e-6, "t_in_epochs": False},
        base_lr=5e-4,
    )


def _tanh(r: _Runner) -> None:
    n = "TanhLRScheduler"
    _cycle_family(r, n)
    r.values(f"{n}/lb-ub", n, {"t_initial": 100, "lb": -6.0, "ub": 4.0, "lr_min": 1e-3})
    r.values(
        f"{n}/lb-ub-updates",
        n,
        {
            "t_initial": 50,
            "lb": -2.0,
            "ub": 2.0,
            "warmup_t": 5,
            "warmup_lr_init": 0.001,
            "t_in_epochs": False,
        },
    )
    r.refused(f"{n}/lb-equals-ub", n, {"t_initial": 10, "lb": 1.0, "ub": 1.0})
    r.refused(f"{n}/cycle_limit-negative", n, {"t_initial": 10, "cycle_limit": -1})
    r.refused(f"{n}/warmup_t-negative", n, {"t_initial": 10, "warmup_t": -1})
    r.refused(f"{n}/warmup_lr_init-negative", n, {"t_initial": 10, "warmup_t": 2, "warmup_lr_init": -0.1})
    r.refused(f"{n}/k_decay-unexpected", n, {"t_initial": 10, "k_decay": 2.0})


def _step(r: _Runner) -> None:
    n = "StepLRScheduler"
    V = lambda cid, args=None, **kw: r.values(f"{n}/{cid}", n, args, **kw)  # noqa: E731
    V("defaults", {"decay_t": 30})  # decay_rate defaults to 1: constant
    V("basic", {"decay_t": 30, "decay_rate": 0.1})
    V("basic-updates", {"decay_t": 30, "decay_rate": 0.5, "t_in_epochs": False})
    V("warmup-prefix", {"decay_t": 30, "decay_rate": 0.5, "warmup_t": 5, "warmup_lr_init": 1e-3})
    V("warmup-prefix-updates", {"decay_t": 20, "decay_rate": 0.5, "warmup_t": 7, "t_in_epochs": False})
    V("warmup-no-prefix", {"decay_t": 30, "decay_rate": 0.5, "warmup_t": 5, "warmup_prefix": False})
    V(
        "warmup-no-prefix-updates",
        {
            "decay_t": 10,
            "decay_rate": 0.8,
            "warmup_t": 15,
            "warmup_prefix": False,
            "warmup_lr_init": 0.01,
            "t_in_epochs": False,
        },
    )
    V("warmup_t-0", {"decay_t": 10, "decay_rate": 0.9, "warmup_t": 0, "warmup_lr_init": 0.5})
    V("warmup_t-1", {"decay_t": 10, "decay_rate": 0.9, "warmup_t": 1})
    V("decay_t-1", {"decay_t": 1, "decay_rate": 0.97})
    V("warmup_t-negative", {"decay_t": 3, "decay_rate": 0.5, "warmup_t": -2})  # accepted; prefix shifts left
    V("decay_t-float", {"decay_t": 2.5, "decay_rate": 0.9})
    V("decay_rate-above-1", {"decay_t": 50, "decay_rate": 1.5})
    V(
        "long-updates",
        {"decay_t": 30_000, "decay_rate": 0.5, "warmup_t": 500, "t_in_epochs": False},
        horizon=150_000,
    )
    # decay_t = 0 is accepted; t // 0 raises ZeroDivisionError once warm-up is over
    V("decay_t-0", {"decay_t": 0, "decay_rate": 0.5, "warmup_t": 3}, horizon=20)
    r.refused(f"{n}/missing-decay_t", n, {"decay_rate": 0.5})
    r.unsupported(
        f"{n}/noise", n, {"decay_t": 30, "decay_rate": 0.1, "noise_range_t": [0, 100]}, NOISE_REASON
    )


def _multistep(r: _Runner) -> None:
    n = "MultiStepLRScheduler"
    V = lambda cid, args=None, **kw: r.values(f"{n}/{cid}", n, args, **kw)  # noqa: E731
    V("defaults", {"decay_t": [30, 60, 90]})  # decay_rate defaults to 1: constant
    V("basic", {"decay_t": [30, 60, 90], "decay_rate": 0.1})
    V("basic-updates", {"decay_t": [30, 60, 90], "decay_rate": 0.5, "t_in_epochs": False})
    V("warmup-prefix", {"decay_t": [30, 60], "decay_rate": 0.5, "warmup_t": 5, "warmup_lr_init": 1e-3})
    V("warmup-prefix-updates", {"decay_t": [20, 50], "decay_rate": 0.3, "warmup_t": 10, "t_in_epochs": False})
    V("warmup-no-prefix", {"decay_t": [30, 60], "decay_rate": 0.5, "warmup_t": 5, "warmup_prefix": False})
    V(
        "warmup-no-prefix-updates",
        {"decay_t": [3, 20], "decay_rate": 0.5, "warmup_t": 10, "warmup_prefix": False, "t_in_epochs": False},
    )
    V("warmup_t-0", {"decay_t": [10], "decay_rate": 0.5, "warmup_t": 0, "warmup_lr_init": 0.3})
    V("warmup_t-1", {"decay_t": [10], "decay_rate": 0.5, "warmup_t": 1})
    V("early-milestones", {"decay_t": [0, 1, 2, 50], "decay_rate": 0.5})
    V("duplicate-milestones", {"decay_t": [30, 30, 60], "decay_rate": 0.5})
    V("unsorted-milestones", {"decay_t": [60, 30, 90], "decay_rate": 0.5})  # accepted; bisect assumes sorted
    V("empty-milestones", {"decay_t": [], "decay_rate": 0.5})
    V(
        "long-updates",
        {"decay_t": [30_000, 60_000, 90_000], "decay_rate": 0.1, "warmup_t": 1000, "t_in_epochs": False},
        base_lr=0.4,
        horizon=120_000,
    )
    r.refused(f"{n}/missing-decay_t", n, {"decay_rate": 0.5})
    r.unsupported(f"{n}/noise", n, {"decay_t": [30], "decay_rate": 0.1, "noise_range_t": 10}, NOISE_REASON)


def _wsd(r: _Runner) -> None:
    n = "WSDLRScheduler"
    V = lambda cid, args=None, **kw: r.values(f"{n}/{cid}", n, args, **kw)  # noqa: E731
    X = lambda cid, args=None, **kw: r.refused(f"{n}/{cid}", n, args, **kw)  # noqa: E731
    V("defaults", {"t_initial": 100, "decay_t": 20})  # constant stable, 1-sqrt decay
    V("defaults-updates", {"t_initial": 100, "decay_t": 20, "t_in_epochs": False})
    for fn in ("linear", "1-sqrt", "cosine", "power", "exp"):
        V(f"decay_fn-{fn}", {"t_initial": 80, "decay_t": 30, "decay_fn": fn, "warmup_t": 5, "lr_min": 1e-3})
        V(f"decay_fn-{fn}-updates", {"t_initial": 60, "decay_t": 25, "decay_fn": fn, "t_in_epochs": False})
    V("decay_power-2", {"t_initial": 80, "decay_t": 40, "decay_fn": "power", "decay_power": 2.0})
    V(
        "decay_power-1",
        {"t_initial": 80, "decay_t": 40, "decay_fn": "power", "decay_power": 1.0, "t_in_epochs": False},
    )
    V("decay_ratio-0.01", {"t_initial": 80, "decay_t": 40, "decay_fn": "exp", "decay_ratio": 0.01})
    V(
        "decay_ratio-0.9",
        {
            "t_initial": 80,
            "decay_t": 40,
            "decay_fn": "exp",
            "decay_ratio": 0.9,
            "lr_min": 1e-4,
            "t_in_epochs": False,
        },
    )
    V("stable_fn-constant", {"t_initial": 90, "decay_t": 30, "stable_fn": "constant", "warmup_t": 10})
    V(
        "stable_fn-rsqrt",
        {"t_initial": 90, "decay_t": 30, "stable_fn": "rsqrt", "warmup_t": 10, "decay_fn": "linear"},
    )
    V(
        "stable_fn-rsqrt-updates",
        {"t_initial": 90, "decay_t": 30, "stable_fn": "rsqrt", "stable_timescale": 4, "t_in_epochs": False},
    )
    V(
        "stable_fn-rsqrt-lr_min-clamp",
        {
            "t_initial": 100,
            "decay_t": 20,
            "stable_fn": "rsqrt",
            "stable_timescale": 1,
            "lr_min": 0.02,
            "warmup_t": 2,
        },
    )
    V(
        "stable_fn-power",
        {
            "t_initial": 90,
            "decay_t": 30,
            "stable_fn": "power",
            "stable_power": 0.3,
            "stable_timescale": 10.0,
            "decay_fn": "cosine",
        },
    )
    V(
        "stable_fn-power-updates",
        {
            "t_initial": 90,
            "decay_t": 30,
            "stable_fn": "power",
            "stable_power": 1.0,
            "warmup_t": 6,
            "warmup_lr_init": 1e-3,
            "decay_fn": "exp",
            "t_in_epochs": False,
        },
    )
    V("warmup-lr-init", {"t_initial": 60, "decay_t": 10, "warmup_t": 10, "warmup_lr_init": 0.01})
    V("warmup_t-0", {"t_initial": 60, "decay_t": 10, "warmup_t": 0, "warmup_lr_init": 0.05})
    V("warmup_t-1", {"t_initial": 60, "decay_t": 10, "warmup_t": 1})
    V("decay_t-equals-t_initial", {"t_initial": 50, "decay_t": 50, "decay_fn": "linear"})
    V("decay_t-1", {"t_initial": 50, "decay_t": 1, "lr_min": 0.001})
    V("t_initial-1", {"t_initial": 1, "decay_t": 1})
    V("lr_min-above-base", {"t_initial": 40, "decay_t": 20, "lr_min": 0.2, "decay_fn": "linear"})
    V("warmup_t-negative", {"t_initial": 10, "decay_t": 5, "warmup_t": -2})  # accepted; shifts left by 2
    V(
        "long-updates",
        {"t_initial": 200_000, "decay_t": 40_000, "warmup_t": 5000, "lr_min": 1e-5, "t_in_epochs": False},
        base_lr=1e-3,
    )
    V(
        "long-rsqrt-linear-updates",
        {
            "t_initial": 100_000,
            "decay_t": 10_000,
            "warmup_t": 10_000,
            "stable_fn": "rsqrt",
            "decay_fn": "linear",
            "t_in_epochs": False,
        },
        base_lr=1e-3,
    )
    X("t_initial-0", {"t_initial": 0, "decay_t": 1})
    X("decay_t-0", {"t_initial": 10, "decay_t": 0})
    X("decay_t-above-t_initial", {"t_initial": 10, "decay_t": 11})
    X("lr_min-negative", {"t_initial": 10, "decay_t": 5, "lr_min": -1e-3})
    X("stable_fn-unknown", {"t_initial": 10, "decay_t": 5, "stable_fn": "linear"})
    X("decay_fn-unknown", {"t_initial": 10, "decay_t": 5, "decay_fn": "sqrt"})
    X("decay_ratio-0", {"t_initial": 10, "decay_t": 5, "decay_ratio": 0.0})
    X("decay_ratio-1", {"t_initial": 10, "decay_t": 5, "decay_ratio": 1.0})
    X("decay_power-0", {"t_initial": 10, "decay_t": 5, "decay_power": 0.0})
    X("stable_power-0", {"t_initial": 10, "decay_t": 5, "stable_power": 0.0})
    X("stable_fn-rsqrt-no-warmup", {"t_initial": 10, "decay_t": 5, "stable_fn": "rsqrt"})
    X(
        "stable_timescale-negative",
        {"t_initial": 10, "decay_t": 5, "stable_fn": "power", "stable_timescale": -1},
    )
    X("missing-decay_t", {"t_initial": 10})
    X("warmup_prefix-unexpected", {"t_initial": 10, "decay_t": 5, "warmup_t": 2, "warmup_prefix": False})
    r.unsupported(f"{n}/noise", n, {"t_initial": 100, "decay_t": 20, "noise_range_t": [10, 50]}, NOISE_REASON)


def generate() -> dict:
    r = _Runner()
    _cosine(r)
    _poly(r)
    _tanh(r)
    _step(r)
    _multistep(r)
    _wsd(r)
    r.unsupported(
        "PlateauLRScheduler/basic", "PlateauLRScheduler", {"decay_rate": 0.5, "patience_t": 5}, PLATEAU_REASON
    )
    return {"library": "timm", "version": r.version, "cases": r.cases}
