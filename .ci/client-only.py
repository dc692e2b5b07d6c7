"""CI: a trainer's install for real. ``pip install '.[client]'`` into a fresh venv brings numpy, httpx and
what they need, nothing else (no Pydantic, no server packages), and that venv fetches a dialect schedule
with a revision from a real server (run from the CI venv) and evaluates it exactly as the engine does.

Run with the CI venv's python from the repository root: ``python .ci/client-only.py``.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from lrserve import evaluate  # noqa: E402
from lrserve.client import Client  # noqa: E402

from tests._server import ADMIN, Server  # noqa: E402

SPEC = {"kind": "torch", "name": "OneCycleLR", "base_lr": 0.1, "args": {"max_lr": 0.1, "total_steps": 300}}
REVISION = {"kind": "warmup_cosine", "base_lr": 0.05, "warmup_steps": 10, "decay_steps": 90}
TRAINER = """
import json, sys
from lrserve.client import RemoteSchedule
with RemoteSchedule(sys.argv[1], "ci", background=False) as remote:
    print(json.dumps([remote.lr(s) for s in range(300)]))
"""
EXPECTED_PACKAGES = {"lrserve", "numpy", "httpx", "httpcore", "h11", "anyio", "idna", "certifi", "sniffio"}
ALWAYS_THERE = {"pip", "setuptools", "typing-extensions", "exceptiongroup"}


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        venv = Path(tmp) / "venv"
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        pip = [str(venv / "bin" / "python"), "-m", "pip"]
        subprocess.run([*pip, "install", "-q", f"{ROOT}[client]"], check=True)
        listing = subprocess.run([*pip, "list", "--format=json"], check=True, capture_output=True)
        listed = json.loads(listing.stdout)
        names = {p["name"].lower().replace("_", "-") for p in listed}
        extra = names - EXPECTED_PACKAGES - ALWAYS_THERE
        if extra or not {"lrserve", "numpy", "httpx"} <= names:
            print(f"lrserve[client] installed unexpected packages: {sorted(extra)} (all: {sorted(names)})")
            return 1
        server = Server(Path(tmp) / "data", env={"LRS_ADMIN_TOKEN": ADMIN}).start()
        try:
            with Client(server.url, ADMIN) as client:
                client.put_schedule("ci", SPEC)
                client.add_revision("ci", REVISION, 150)
            out = subprocess.run(
                [str(venv / "bin" / "python"), "-c", TRAINER, server.url],
                check=True,
                capture_output=True,
                cwd=tmp,  # not the repository: the installed package, not the source tree
            ).stdout
        finally:
            server.stop()
    want = [*evaluate(SPEC, range(150)), *evaluate(REVISION, range(150, 300))]
    if json.loads(out) != want:
        print("the client-only venv's LRs differ from the engine's")
        return 1
    print(f"lrserve[client]: {len(names)} packages ({', '.join(sorted(names))}); 300 LRs equal the engine's")
    return 0


if __name__ == "__main__":
    sys.exit(main())
