"""The examples run against a real server, where their framework is installed (CI installs them all)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

os.environ.setdefault("KERAS_BACKEND", "jax")  # Keras 3 needs a backend before it is imported

from lrserve import evaluate

from .._server import ADMIN, REPO, Server


def run(script: str, server: Server, **env: str) -> str:
    done = subprocess.run(
        [sys.executable, str(REPO / "examples" / script)],
        env={**os.environ, "LRS_URL": server.url, "LRS_TOKEN": ADMIN, **env},
        capture_output=True,
        text=True,
        timeout=120,
        cwd=REPO,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def test_optax_example(server: Server) -> None:
    pytest.importorskip("optax")
    out = run("optax_train.py", server)
    final = float(out.strip().splitlines()[-1].split()[-1])
    assert final < 1e-3, out  # it trained


def test_keras_example(server: Server) -> None:
    pytest.importorskip("keras")
    out = run("keras_fit.py", server, KERAS_BACKEND="jax")
    assert "final loss" in out
    assert float(out.split("final loss ")[1].split(",")[0]) < 1.0, out


def test_every_example_is_run_by_a_test() -> None:
    tested = Path(__file__).read_text() + "".join(
        p.read_text() for p in Path(__file__).parent.glob("test_*.py")
    )
    for script in (REPO / "examples").glob("*.py"):
        assert script.name in tested, f"no test runs examples/{script.name}"


def _applied(out: str) -> list[float]:
    return [float(line.split(" lr ")[1]) for line in out.splitlines() if line.startswith("step ")]


def test_lightning_example(server: Server) -> None:
    pytest.importorskip("lightning")
    out = run("lightning_train.py", server)
    spec = {"kind": "warmup_cosine", "base_lr": 0.05, "warmup_steps": 5, "decay_steps": 35}
    assert _applied(out) == evaluate(spec, np.arange(40)).tolist(), out


def test_hugging_face_trainer_example(server: Server) -> None:
    pytest.importorskip("transformers")
    pytest.importorskip("accelerate")
    out = run("hf_trainer.py", server)
    args = {"num_warmup_steps": 5, "num_training_steps": 40}
    spec = {"kind": "transformers", "name": "get_linear_schedule_with_warmup", "base_lr": 0.05, "args": args}
    assert _applied(out) == evaluate(spec, np.arange(40)).tolist(), out
