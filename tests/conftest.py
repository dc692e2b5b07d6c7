"""Fixtures every test package shares."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from .api.conftest import ADMIN, Server


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """One real server process (``python -m lrserve serve`` on 127.0.0.1) per test module; tests use
    their own schedule names."""
    srv = Server(tmp_path_factory.mktemp("server") / "data", env={"LRS_ADMIN_TOKEN": ADMIN}).start()
    yield srv
    srv.stop()
