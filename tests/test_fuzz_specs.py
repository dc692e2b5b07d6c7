"""A fuzz target for spec parsing and evaluation (hypothesis, bounded in count): valid specs of every
native kind and every library case of the reference fixtures, mutated (a field set to any JSON value, a
field dropped, an unknown one added, a nested schedule mutated), are either refused with a ``SpecError``
naming where, or evaluate to finite LRs or a ``StepError``: never another exception."""

from __future__ import annotations

import copy
import json
import math
from pathlib import Path
from typing import Any

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lrserve import MAX_STEP, SpecError, StepError, compile_spec, evaluate, parse_spec

from .strategies import native_specs

FIXTURES = Path(__file__).parent / "fixtures"
LIBRARY_SPECS = [
    case["spec"]
    for path in sorted(FIXTURES.glob("*.json"))
    for case in json.loads(path.read_text())["cases"]
    if "spec" in case
]

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.sampled_from([0, -1, 1, 2**53, 2**53 + 1, 1e308, 5e-324, -0.0, 0.5])
    | st.text(max_size=12),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
    max_leaves=8,
)


def _paths(node: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every path to a value inside ``node`` (dict keys and list indexes)."""
    out = [path] if path else []
    if isinstance(node, dict):
        for key, value in node.items():
            out += _paths(value, (*path, key))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            out += _paths(value, (*path, i))
    return out


@st.composite
def mutated(draw: st.DrawFn) -> dict[str, Any]:
    spec = copy.deepcopy(draw(native_specs() | st.sampled_from(LIBRARY_SPECS)))
    for _ in range(draw(st.integers(min_value=1, max_value=3))):
        paths = _paths(spec)
        if not paths:
            break
        *parent_path, last = draw(st.sampled_from(paths))
        parent: Any = spec
        for part in parent_path:
            parent = parent[part]
        action = draw(st.sampled_from(["set", "drop", "add"]))
        if action == "set":
            parent[last] = draw(json_values)
        elif action == "drop" and isinstance(parent, dict):
            del parent[last]
        elif isinstance(parent, dict):
            parent[draw(st.text(min_size=1, max_size=10))] = draw(json_values)
    return spec


STEPS = np.array([0, 1, 2, 7, 100, 1_000, 99_999, 10**9, MAX_STEP], dtype=np.int64)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated())
def test_a_mutated_spec_is_refused_clearly_or_evaluates(spec: dict[str, Any]) -> None:
    try:
        parse_spec(spec)
    except SpecError as exc:
        assert exc.errors and all("loc" in e and e["msg"] for e in exc.errors)
        return
    schedule = compile_spec(spec)
    last = schedule.last_step
    steps = STEPS if last is None else STEPS[last >= STEPS]
    for step in steps:
        try:
            lr = float(evaluate(schedule, [int(step)])[0])
        except StepError:
            continue
        assert math.isfinite(lr), (spec, int(step), lr)
