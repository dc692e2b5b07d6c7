"""The ``lrs`` command as people run it: a real subprocess (``python -m lrserve``) against a real server,
or ``main([...])`` in-process where output capture or a scripted terminal is easier."""

from __future__ import annotations

import io
import os
import pty
import subprocess
import sys
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from lrserve.client import Client

from .._server import ADMIN, REPO, Server


@dataclass
class Run:
    code: int
    out: str
    err: str


def lrs(*args: str, url: str | None = None, token: str | None = None, stdin: str | None = None) -> Run:
    """``python -m lrserve ARGS`` with ``LRS_URL``/``LRS_TOKEN`` set; stdin is a pipe (not a terminal)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("LRS_")}
    env.update({"LRS_URL": url} if url else {})
    env.update({"LRS_TOKEN": token} if token else {})
    proc = subprocess.run(
        [sys.executable, "-m", "lrserve", *args],
        cwd=REPO,
        env=env,
        input=stdin if stdin is not None else "",
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    return Run(proc.returncode, proc.stdout, proc.stderr)


def lrs_at_terminal(*args: str, answer: str, url: str, token: str) -> Run:
    """``lrs ARGS`` whose standard input is a real terminal (a pty) on which ``answer`` is typed."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("LRS_")}
    env.update(LRS_URL=url, LRS_TOKEN=token)
    main, child = pty.openpty()
    try:
        proc = subprocess.Popen(
            [sys.executable, "-m", "lrserve", *args],
            cwd=REPO,
            env=env,
            stdin=child,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        os.close(child)
        os.write(main, answer.encode())
        out, err = proc.communicate(timeout=60)
    finally:
        os.close(main)
    return Run(proc.returncode, out, err)


class Terminal(io.StringIO):
    """A standard input that says it is a terminal, for ``main`` in-process; ``on_read`` runs when the
    command reads the answer (what someone else does while the question is on the screen)."""

    def __init__(self, answer: str, on_read: Callable[[], None] | None = None) -> None:
        super().__init__(answer)
        self.on_read = on_read

    def isatty(self) -> bool:
        return True

    def readline(self, size: int | None = -1) -> str:
        if self.on_read is not None:
            self.on_read()
        return super().readline(size)


def fresh() -> str:
    return f"cli-{uuid.uuid4().hex[:10]}"


@pytest.fixture(scope="package")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """One real server for the CLI tests (each test uses its own schedule names)."""
    srv = Server(tmp_path_factory.mktemp("cli") / "data", env={"LRS_ADMIN_TOKEN": ADMIN}).start()
    yield srv
    srv.stop()


@pytest.fixture
def client(server: Server) -> Iterator[Client]:
    with Client(server.url, ADMIN) as c:
        yield c


@pytest.fixture
def spec_file(tmp_path: Path) -> Callable[[str, str], Path]:
    def write(name: str, text: str) -> Path:
        path = tmp_path / name
        path.write_text(text)
        return path

    return write
