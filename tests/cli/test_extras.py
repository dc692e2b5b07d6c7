"""Optional dependencies: ``lrs --help`` imports none of them, each command imports only what it needs,
and a missing one is named with the extra that installs it (``lrserve[cli]``)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from lrserve.client import Client

from .._server import REPO, Server
from .conftest import fresh

#: What a command may import only when it needs it (numpy comes with ``lrserve`` itself).
HEAVY = ["httpx", "pydantic", "yaml", "tqdm", "fastapi", "uvicorn"]

RUN = r"""
import importlib.abc, json, sys

blocked, heavy = set(json.loads(sys.argv[1])), set(json.loads(sys.argv[2]))


class Block(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path, target=None):
        if name.split(".")[0] in blocked:
            raise ModuleNotFoundError(f"No module named {name!r} (blocked)", name=name)
        return None


sys.meta_path.insert(0, Block())
from lrserve.cli import main

try:
    code = main(sys.argv[3:])
except SystemExit as exc:
    code = exc.code
loaded = sorted({m.split(".")[0] for m in sys.modules} & heavy)
print(json.dumps({"code": code, "loaded": loaded}), file=sys.stderr)
"""


def run(blocked: list[str], *args: str, stdin: str = "") -> tuple[dict[str, object], str, str]:
    """``main(args)`` in a fresh interpreter where ``blocked`` packages cannot be imported; its result
    (exit code and which heavy packages got imported), stdout and the rest of stderr."""
    proc = subprocess.run(
        [sys.executable, "-c", RUN, json.dumps(blocked), json.dumps(HEAVY), *args],
        cwd=REPO,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    *err, last = proc.stderr.splitlines()
    return json.loads(last), proc.stdout, "\n".join(err)


def test_help_imports_no_optional_package() -> None:
    for args in (["--help"], ["eval", "--help"], ["apply", "--help"], ["get", "--help"]):
        result, out, _ = run([], *args)
        assert result == {"code": 0, "loaded": []}
        assert out.startswith("usage: lrs")


def test_get_needs_httpx_alone(server: Server, client: Client) -> None:
    name = fresh()
    client.put_schedule(name, {"kind": "constant", "lr": 0.25})
    blocked = [m for m in HEAVY if m != "httpx"]
    result, out, err = run(blocked, "get", name, "--url", server.url)
    assert result == {"code": 0, "loaded": ["httpx"]}, err
    assert '  "lr": 0.25' in out  # without PyYAML, the spec is printed as JSON


def test_eval_without_pydantic_names_the_extra(tmp_path: Path) -> None:
    spec = tmp_path / "spec.json"
    spec.write_text('{"kind": "constant", "lr": 0.1}')
    result, out, err = run(["pydantic"], "eval", str(spec), "--steps", "0:3")
    assert result["code"] == 2 and out == ""
    assert (
        err
        == "lrs eval: lrs eval needs the package 'pydantic', which is not installed: pip install 'lrserve[cli]'"
    )


def test_eval_without_yaml_reads_json_and_names_the_extra_for_yaml(tmp_path: Path) -> None:
    spec = tmp_path / "spec.yaml"
    spec.write_text('{"kind": "constant", "lr": 0.1}')  # JSON is YAML: no PyYAML needed
    result, out, _ = run(["yaml"], "eval", str(spec), "--steps", "0:2")
    assert (result, out) == ({"code": 0, "loaded": ["pydantic"]}, "step,lr\n0,0.1\n1,0.1\n")
    spec.write_text("kind: constant\nlr: 0.1\n")
    result, out, err = run(["yaml"], "eval", str(spec), "--steps", "0:2")
    assert result["code"] == 2
    assert err.startswith(
        f"lrs eval: reading {spec} as YAML (as JSON: Expecting value: line 1 column 1 (char 0)) "
    )
    assert err.endswith("needs the package 'yaml', which is not installed: pip install 'lrserve[cli]'")


@pytest.mark.parametrize("asked", [False, True])
def test_eval_without_tqdm_has_no_bar_unless_one_is_asked_for(tmp_path: Path, asked: bool) -> None:
    spec = tmp_path / "spec.json"
    spec.write_text('{"kind": "constant", "lr": 0.1}')
    result, out, err = run(["tqdm"], "eval", str(spec), "--steps", "0:2", *(["--progress"] if asked else []))
    if asked:
        assert result["code"] == 2 and out == ""
        assert (
            err
            == "lrs eval: the progress bar needs the package 'tqdm', which is not installed: pip install 'lrserve[cli]'"
        )
    else:
        assert (result["code"], out, err) == (0, "step,lr\n0,0.1\n1,0.1\n", "")
