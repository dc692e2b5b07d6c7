"""Fixtures: the app in-process (TestClient, lifespan run) and as a real server process on 127.0.0.1."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from lrserve.api import create_app

from .._server import Server, make_settings


@pytest.fixture
def app_client(tmp_path: Path) -> Iterator[TestClient]:
    """The app in-process, with a fresh SQLite file."""
    with TestClient(create_app(make_settings(tmp_path / "data")), raise_server_exceptions=False) as client:
        yield client


@pytest.fixture(params=["in-process", "server"])
def http(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Any]:
    """Each test runs twice: against the app in-process and against the real server over TCP."""
    if request.param == "in-process":
        with TestClient(create_app(make_settings(tmp_path / "data")), raise_server_exceptions=False) as c:
            yield c
    else:
        srv: Server = request.getfixturevalue("server")
        with srv.client() as c:
            yield c
