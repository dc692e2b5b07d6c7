"""Helpers the test folders share: the tokens, the app's settings, and the server as a real process.

Conftests hold fixtures and hooks only; what several folders (and ``.ci/client-only.py``) import lives here.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from lrserve.api import Settings

ADMIN = "admin-token-for-tests"
READ = "read-token-for-tests"
REPO = Path(__file__).resolve().parents[1]


def admin(**headers: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {ADMIN}", **headers}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@dataclass
class Server:
    """``python -m lrserve serve`` in a subprocess; ``start``/``kill``/``stop`` it, ``client`` talks to it."""

    data_dir: Path
    env: dict[str, str] = field(default_factory=dict)
    workers: int = 1
    port: int = field(default_factory=free_port)
    proc: subprocess.Popen[bytes] | None = None
    log: Path | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> Server:
        env = {k: v for k, v in os.environ.items() if not k.startswith("LRS_")}
        env.update(self.env)
        self.log = self.data_dir.parent / f"server-{self.port}-{time.monotonic_ns()}.log"
        with self.log.open("wb") as log:
            self.proc = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "lrserve",
                    "serve",
                    "--port",
                    str(self.port),
                    "--data-dir",
                    str(self.data_dir),
                    "--workers",
                    str(self.workers),
                ],
                cwd=REPO,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"server exited with {self.proc.returncode}:\n{self.output()}")
            try:
                if httpx.get(self.url + "/readyz", timeout=1).status_code == 200:
                    return self
            except httpx.TransportError:
                pass
            time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"server did not become ready:\n{self.output()}")

    def output(self) -> str:
        return self.log.read_text(errors="replace") if self.log and self.log.exists() else ""

    def kill(self) -> None:
        """SIGKILL: no shutdown, no flush."""
        assert self.proc is not None
        os.kill(self.proc.pid, signal.SIGKILL)
        self.proc.wait(10)

    def stop(self) -> int:
        """SIGTERM, as an orchestrator would; returns the exit code, 0 for a graceful stop (uvicorn
        re-raises SIGTERM after its shutdown, so -SIGTERM is one too when the app said it stopped)."""
        assert self.proc is not None
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)
        code = self.proc.returncode
        if code == -signal.SIGTERM and "lrs stopped" in self.output():
            return 0
        return code

    def client(self) -> httpx.Client:
        return httpx.Client(base_url=self.url, timeout=30)


def make_settings(tmp: Path, **overrides: Any) -> Settings:
    values: dict[str, Any] = {"data_dir": tmp, "admin_token": ADMIN, **overrides}
    return Settings(**values)
