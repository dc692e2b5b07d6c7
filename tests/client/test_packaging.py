"""``pip install 'lrserve[client]'`` is enough for a trainer: the client needs httpx and numpy alone.

The installed metadata says so, and a fresh interpreter in which every other installed package is made
unimportable fetches a schedule of a library dialect, with a revision, from a real server and evaluates it
exactly as the engine does. Missing extras are named in the error.
"""

from __future__ import annotations

import importlib.metadata as md
import json
import subprocess
import sys
import tomllib
from pathlib import Path

from lrserve import evaluate
from packaging.requirements import Requirement

from .._server import ADMIN, Server

ROOT = Path(__file__).resolve().parents[2]
ONE_CYCLE = {
    "kind": "torch",
    "name": "OneCycleLR",
    "base_lr": 0.1,
    "args": {"max_lr": 0.1, "total_steps": 400},
}
KERAS = {
    "kind": "keras",
    "name": "CosineDecay",
    "args": {"initial_learning_rate": 0.0, "decay_steps": 300, "warmup_target": 0.05, "warmup_steps": 50},
}


def _names(requirements: list[str]) -> set[str]:
    return {Requirement(r).name.lower() for r in requirements}


def test_the_core_needs_numpy_and_the_client_extra_adds_httpx_alone() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert _names(project["dependencies"]) == {"numpy"}
    assert _names(project["optional-dependencies"]["client"]) == {"httpx"}
    installed = md.requires("lrserve") or []
    assert _names([r for r in installed if "extra" not in r]) == {"numpy"}


def _closure(dists: set[str]) -> set[str]:
    """The distributions ``dists`` need when installed without extras."""
    seen: set[str] = set()
    todo = list(dists)
    while todo:
        name = todo.pop().lower().replace("_", "-")
        if name in seen:
            continue
        seen.add(name)
        for text in md.requires(name) or []:
            req = Requirement(text)
            if req.marker is None or req.marker.evaluate({"extra": ""}):
                todo.append(req.name)
    return seen


def _modules_outside(allowed: set[str]) -> list[str]:
    """Top-level modules of installed distributions that are not in ``allowed``."""
    blocked = set()
    for module, dists in md.packages_distributions().items():
        if not any(d.lower().replace("_", "-") in allowed for d in dists):
            blocked.add(module)
    return sorted(blocked - {"lrserve"})


RUN = r"""
import importlib.abc, json, sys

blocked = set(json.loads(sys.argv[1]))
at_start = set(sys.modules)  # site's .pth hooks (e.g. setuptools' _distutils_hack) ran already


class Block(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path, target=None):
        if name.split(".")[0] in blocked:
            raise ModuleNotFoundError(f"No module named {name!r} (blocked)", name=name)
        return None


sys.meta_path.insert(0, Block())
from lrserve.client import RemoteSchedule

out = {}
with RemoteSchedule(sys.argv[2], sys.argv[3], background=False) as remote:
    out["lr"] = [remote.lr(s) for s in range(400)]
    out["revisions"] = [remote.revision_at(s) for s in (0, 199, 200)]
import lrserve

for name, module in (("torch", "lrserve.client.torch"), ("server", "lrserve.api")):
    try:
        __import__(module)
    except ModuleNotFoundError as exc:
        out[name] = str(exc)
try:
    lrserve.evaluate
except ModuleNotFoundError as exc:
    out["evaluate"] = str(exc)
out["loaded"] = sorted({m.split(".")[0] for m in set(sys.modules) - at_start} & blocked)
print(json.dumps(out))
"""


def test_the_client_fetches_and_evaluates_with_httpx_and_numpy_alone(server: Server) -> None:
    from lrserve.client import Client

    with Client(server.url, ADMIN) as client:
        client.put_schedule("pkg", ONE_CYCLE)
        client.add_revision("pkg", KERAS, 200)
    allowed = _closure({"numpy", "httpx"})
    assert {"numpy", "httpx", "anyio", "idna"} <= allowed
    blocked = _modules_outside(allowed)
    heavy = {"pydantic", "fastapi", "starlette", "orjson", "yaml"}  # the README's test install has these
    heavy |= {"torch"} & set(md.packages_distributions())  # and CI's has torch, which must be blocked too
    assert heavy <= set(blocked)
    proc = subprocess.run(
        [sys.executable, "-c", RUN, json.dumps(blocked), server.url, "pkg"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    assert out["loaded"] == []
    want = [*evaluate(ONE_CYCLE, range(200)), *evaluate(KERAS, range(200, 400))]
    assert out["lr"] == want  # exactly: the same core, compiled from the server's native translations
    assert out["revisions"] == [1, 1, 2]
    assert "pip install 'lrserve[spec]'" in out["evaluate"] and "pydantic" in out["evaluate"]
    assert "pip install 'lrserve[torch]'" in out["torch"]
    assert "pip install 'lrserve[server]'" in out["server"]
