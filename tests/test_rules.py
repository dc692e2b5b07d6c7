"""One home for each rule: the limits, the name pattern, the ETag parser, the native union, the schedules
file's reader and the store's transactions are each defined once (a second copy drifts), and the ETag
parser behaves as the server promises."""

from __future__ import annotations

import ast
from collections.abc import Callable
from pathlib import Path
from typing import get_args

import lrserve
import pytest
from fastapi.testclient import TestClient
from lrserve import limits
from lrserve.api import create_app
from lrserve.specs.native import NATIVE_MEMBERS

from ._server import admin, make_settings

PACKAGE = Path(lrserve.__file__).resolve().parent
SOURCES = {
    path.relative_to(PACKAGE).as_posix(): ast.parse(path.read_text()) for path in PACKAGE.rglob("*.py")
}


Found = Callable[[ast.AST], bool]


def _where(found: Found) -> list[str]:
    """The modules in which ``found(node)`` holds for some node."""
    return sorted(name for name, tree in SOURCES.items() if any(found(node) for node in ast.walk(tree)))


def _is_2_to_the_53(node: ast.AST) -> bool:
    return (
        isinstance(node, ast.BinOp)
        and isinstance(node.op, ast.Pow)
        and isinstance(node.left, ast.Constant)
        and node.left.value == 2
        and isinstance(node.right, ast.Constant)
        and node.right.value == 53
    )


def _assigns(name: str) -> Found:
    def found(node: ast.AST) -> bool:
        targets = (
            node.targets
            if isinstance(node, ast.Assign)
            else [node.target]
            if isinstance(node, ast.AnnAssign)
            else []
        )
        return any(isinstance(t, ast.Name) and t.id == name for t in targets)

    return found


def _string_with(text: str) -> Found:
    return lambda node: isinstance(node, ast.Constant) and isinstance(node.value, str) and text in node.value


def _calls(method: str) -> Found:
    return lambda node: (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute | ast.Name)
        and (node.func.attr if isinstance(node.func, ast.Attribute) else node.func.id) == method
    )


@pytest.mark.parametrize(
    ("rule", "found", "home"),
    [
        ("the largest step, 2**53", _is_2_to_the_53, ["limits.py"]),
        ("MAX_STEP", _assigns("MAX_STEP"), ["limits.py"]),
        ("MAX_DEPTH", _assigns("MAX_DEPTH"), ["limits.py"]),
        ("MAX_ITEMS", _assigns("MAX_ITEMS"), ["limits.py"]),
        ("NAME_PATTERN", _assigns("NAME_PATTERN"), ["limits.py"]),
        ("the name pattern's text", _string_with("[a-z0-9][a-z0-9._-]"), ["limits.py"]),
        ("ETag parsing (weak tags)", _string_with("W/"), ["limits.py"]),
        ("the promise rule", _calls("breaks_promise"), ["store/_base.py"]),
        ("the If-Match precondition", _calls("Stale"), ["store/_base.py"]),
    ],
)
def test_each_rule_is_defined_in_one_place(rule: str, found: Found, home: list[str]) -> None:
    assert _where(found) == home, f"{rule} is defined in more than one place (or moved)"


def test_compile_history_and_the_schedules_file_reader_have_one_home_each() -> None:
    def defines(name: str) -> Found:
        return lambda node: isinstance(node, ast.FunctionDef) and node.name == name

    assert _where(defines("compile_history")) == ["api/_serving.py"]
    assert _where(defines("read_entries")) == ["_schedules_file.py"]
    assert _where(defines("etag_version")) == ["limits.py"]
    # one YAML reading for every file people write (the schedules file, lrs apply, lrs eval and plot)
    assert _where(defines("yaml_loader")) == ["_schedules_file.py"]
    assert _where(_calls("safe_load")) == []


def test_the_native_kinds_are_listed_once() -> None:
    """Only the native union names its members together; the engine's union takes them from it."""
    names = {cls.__name__ for cls in NATIVE_MEMBERS}

    def lists_them(node: ast.AST) -> bool:
        if isinstance(node, ast.Tuple | ast.List | ast.Set):
            items = node.elts
        elif isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):
            items, stack = [], [node]
            while stack:
                n = stack.pop()
                if isinstance(n, ast.BinOp) and isinstance(n.op, ast.BitOr):
                    stack += [n.left, n.right]
                else:
                    items.append(n)
        else:
            return False
        named = {i.attr if isinstance(i, ast.Attribute) else getattr(i, "id", None) for i in items}
        return len(named & names) > len(names) // 2

    assert _where(lists_them) == ["specs/native.py"]
    from lrserve._engine import Spec

    members = get_args(get_args(Spec)[0])
    assert members[: len(NATIVE_MEMBERS)] == NATIVE_MEMBERS


@pytest.mark.parametrize(
    ("tag", "version"),
    [
        ('"12"', 12),
        ('W/"12"', 12),
        (' "12" ', 12),
        ("12", 12),
        ('"x"', -1),
        ('""', -1),
        ('"-1"', -1),
        ('"1.5"', -1),
        ('"\u0661\u0662"', -1),  # Arabic-Indic digits: str.isdigit() says yes, a version they are not
        ('"' + "9" * limits.MAX_ETAG_DIGITS + '"', int("9" * limits.MAX_ETAG_DIGITS)),
        ('"' + "9" * (limits.MAX_ETAG_DIGITS + 1) + '"', -1),
        ('"' + "9" * 5000 + '"', -1),  # past Python's int() digit limit: no ValueError
    ],
)
def test_etag_version(tag: str, version: int) -> None:
    assert limits.etag_version(tag) == version


def test_the_server_reads_etags_with_the_one_parser(tmp_path: Path) -> None:
    spec = {"schedule": {"kind": "constant", "lr": 0.1}}
    with TestClient(create_app(make_settings(tmp_path / "data")), raise_server_exceptions=False) as http:
        etag = http.put("/v1/schedules/etags", json=spec, headers=admin()).headers["etag"]
        # If-None-Match: a list, weak tags, *; a tag of another version does not match
        for header, status in [
            (etag, 304),
            (f"W/{etag}", 304),
            (f'"0", {etag}', 304),
            ("*", 304),
            ('"0"', 200),
        ]:
            assert http.get("/v1/schedules/etags", headers={"If-None-Match": header}).status_code == status
        # If-Match: thousands of digits name no version (412), and never reach int() (a 500 before)
        huge = '"' + "9" * 5000 + '"'
        for header in (huge, '"x"', '"0"'):
            answer = http.put("/v1/schedules/etags", json=spec, headers=admin(**{"If-Match": header}))
            assert answer.status_code == 412, answer.text
        assert (
            http.put("/v1/schedules/etags", json=spec, headers=admin(**{"If-Match": "*"})).status_code == 200
        )
        weak = http.put("/v1/schedules/etags", json=spec, headers=admin(**{"If-Match": f"W/{etag}"}))
        assert weak.status_code == 412  # * above made a new version
