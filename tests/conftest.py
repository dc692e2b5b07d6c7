"""Fixtures every test package shares, and the hooks that make CI fail where a framework is missing."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from ._extras import pytest_make_collect_report, pytest_runtest_makereport
from ._server import ADMIN, Server

__all__ = ["pytest_make_collect_report", "pytest_runtest_makereport", "server"]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """One real server process (``python -m lrserve serve`` on 127.0.0.1) per test module; tests use
    their own schedule names."""
    srv = Server(tmp_path_factory.mktemp("server") / "data", env={"LRS_ADMIN_TOKEN": ADMIN}).start()
    yield srv
    srv.stop()
