"""The public surface is explicit, sorted and complete; the core is pure numpy."""

from __future__ import annotations

import json
import subprocess
import sys
import typing
from pathlib import Path

import lrserve
import lrserve.core
from lrserve import Spec
from lrserve.core import BUILDERS
from lrserve.specs import native
from typing_extensions import TypeAliasType

_SERVICE_DIR = Path(lrserve.__file__).resolve().parent


def _isort_key(name: str) -> tuple[int, str]:
    """CONSTANTS, then Classes, then functions (ruff's RUF022 order)."""
    return (0 if name.isupper() else 1 if name[:1].isupper() else 2, name)


def test_all_is_sorted_and_complete() -> None:
    for module in (lrserve, lrserve.core):
        names = [n for n in module.__all__ if n != "__version__"]
        assert names == sorted(names, key=_isort_key), f"{module.__name__}.__all__ is not sorted"
        public = {
            n
            for n in dir(module)
            if not n.startswith("_") and not isinstance(getattr(module, n), type(sys)) and n != "annotations"
        }
        assert set(names) == public, f"{module.__name__}.__all__ differs from its public names"
        for name in names:  # each resolves (lrserve's spec layer is imported on first use)
            assert getattr(module, name) is not None


def test_entry_points() -> None:
    from lrserve import evaluate, parse_spec

    spec = parse_spec({"kind": "constant", "lr": 0.5})
    assert list(evaluate(spec, [0, 7])) == [0.5, 0.5]
    assert evaluate({"kind": "constant", "lr": 0.5}, range(3)).dtype == "float64"


def test_core_imports_only_numpy_and_the_standard_library() -> None:
    # A stub parent package, so that only lrserve.core's own imports are counted (the real
    # service/lrserve/__init__.py imports the spec layer).
    code = (
        "import sys, json, types, pathlib; before = set(sys.modules); "
        f"pkg = types.ModuleType('lrserve'); pkg.__path__ = [{str(_SERVICE_DIR)!r}]; "
        "sys.modules['lrserve'] = pkg; import lrserve.core; "
        "print(json.dumps(sorted({m.split('.')[0] for m in set(sys.modules) - before})))"
    )
    # run in a fresh interpreter so that nothing else imported by the test session hides an import
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True).stdout
    roots = set(json.loads(out)) - {"lrserve", "numpy"}
    stdlib = set(sys.stdlib_module_names)
    assert roots <= stdlib, f"lrserve.core imports {sorted(roots - stdlib)}"
    assert "pydantic" not in roots


def _members(tp: object) -> list[type]:
    args = typing.get_args(tp)
    if not args:
        return [tp]  # type: ignore[list-item]
    out: list[type] = []
    for a in args:
        if isinstance(a, TypeAliasType):  # a named union (a dialect)
            a = a.__value__
        if isinstance(a, type):
            out.append(a)
        elif typing.get_origin(a) is not None:
            out.extend(_members(a))
    return out


def test_every_native_kind_has_exactly_one_builder() -> None:
    kinds = _members(native.NativeSpec)
    tags = [typing.get_args(k.model_fields["kind"].annotation)[0] for k in kinds]
    assert len(set(tags)) == len(tags)
    assert set(tags) == set(BUILDERS), "native union and dispatch table disagree"


def test_spec_union_holds_every_native_kind_and_dialect() -> None:
    members = _members(Spec)
    assert set(_members(native.NativeSpec)) <= set(members)
    assert any(m.__module__.startswith("lrserve.dialects") for m in members)
