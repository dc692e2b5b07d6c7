"""Secrets stay out of what the server prints (a database password, a token in a query string), static
files are not sniffed, /docs loads nothing from elsewhere, the server names no software, and its files
are its owner's alone."""

from __future__ import annotations

import json
import logging
import os
import re
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from lrserve.api import create_app
from lrserve.store import open_store, redacted

from .._server import REPO, Server, free_port, make_settings


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("postgresql://lrs:s3cret@db:5432/lrs", "postgresql://lrs:***@db:5432/lrs"),
        (
            "postgresql://lrs:p%40ss@[::1]:5432/lrs?sslmode=require",
            "postgresql://lrs:***@[::1]:5432/lrs?sslmode=require",
        ),
        ("postgres://:s3cret@db/lrs", "postgres://:***@db/lrs"),
        ("postgresql://lrs@db:5432/lrs", "postgresql://lrs@db:5432/lrs"),
        ("sqlite:////data/lrs.sqlite3", "sqlite:////data/lrs.sqlite3"),
    ],
)
def test_redacted_hides_the_password_and_nothing_else(url: str, shown: str) -> None:
    assert redacted(url) == shown


def test_an_unsupported_url_is_refused_without_its_password() -> None:
    with pytest.raises(ValueError, match=r"mysql://root:\*\*\*@db/lrs") as info:
        open_store("mysql://root:s3cret@db/lrs")
    assert "s3cret" not in str(info.value)


def test_lrs_serve_prints_the_database_url_without_its_password(tmp_path: Path) -> None:
    port = free_port()  # nothing listens there: the server says where it serves, then cannot connect
    env = {k: v for k, v in os.environ.items() if not k.startswith("LRS_")}
    env |= {
        "LRS_ADMIN_TOKEN": "t",
        "LRS_DATABASE_URL": f"postgresql://lrs:s3cret-pw@127.0.0.1:{port}/lrs?connect_timeout=2",
    }
    argv = [sys.executable, "-m", "lrserve", "serve", "--port", str(free_port()), "--data-dir", str(tmp_path)]
    proc = subprocess.run(argv, env=env, cwd=REPO, capture_output=True, text=True, timeout=60)
    out = proc.stdout + proc.stderr
    assert f"database: postgresql://lrs:***@127.0.0.1:{port}/lrs" in out, out
    assert "s3cret-pw" not in out
    assert proc.returncode != 0  # it did not start without its database


# -- hygiene ------------------------------------------------------------------------------------------


def test_secrets_in_a_query_string_are_not_logged(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    settings = make_settings(tmp_path / "data", access_log=True)
    lrs_logger = logging.getLogger("lrs")  # it does not propagate to the root logger caplog listens on
    lrs_logger.addHandler(caplog.handler)
    try:
        with (
            TestClient(create_app(settings), raise_server_exceptions=False) as client,
            caplog.at_level("INFO"),
        ):
            client.get("/v1/schedules/x/lr?step=1&token=s3cret-a&api_key=s3cret-b&Access_Token=s3cret-c")
    finally:
        lrs_logger.removeHandler(caplog.handler)
    lines = [json.loads(r.getMessage()) for r in caplog.records if r.name == "lrs.access"]
    assert lines and {line["query"] for line in lines} == {"step=1&token=***&api_key=***&Access_Token=***"}
    assert not [r for r in caplog.records if r.name.startswith("lrs") and "s3cret" in r.getMessage()]


def test_static_files_are_not_sniffed_and_docs_load_nothing_from_elsewhere(tmp_path: Path) -> None:
    with TestClient(create_app(make_settings(tmp_path / "data"))) as client:
        docs = client.get("/docs")
        assert docs.status_code == 200
        urls = re.findall(r"(?:src|href|url)\s*[:=]\s*['\"]([^'\"]+)", docs.text)
        assert urls and all(u.startswith("/") for u in urls), urls  # this server's own files only
        for url in [u for u in urls if u.startswith("/static/")] + ["/static/app.js"]:
            r = client.get(url)
            assert r.status_code == 200, url
            assert r.headers["x-content-type-options"] == "nosniff", url


def test_the_server_names_no_software_and_keeps_its_files_private(tmp_path: Path) -> None:
    data = tmp_path / "data"
    server = Server(data, env={}).start()  # no LRS_ADMIN_TOKEN: it generates one into the data dir
    try:
        with server.client() as http:
            r = http.get("/livez")
            assert r.status_code == 200 and "server" not in r.headers
            assert (
                http.put("/v1/schedules/p", json={"schedule": {"kind": "constant", "lr": 0.1}}).status_code
                == 401
            )
    finally:
        server.stop()
    assert stat.S_IMODE(data.stat().st_mode) == 0o700
    files = [p for p in data.iterdir() if p.name.startswith("lrs.sqlite3") or p.name == "admin-token"]
    assert {p.name for p in files} >= {"lrs.sqlite3", "admin-token"}
    assert {p.name: oct(stat.S_IMODE(p.stat().st_mode)) for p in files} == {p.name: "0o600" for p in files}


def test_an_existing_database_file_is_made_private(tmp_path: Path) -> None:
    path = tmp_path / "lrs.sqlite3"
    open_store(f"sqlite:///{path}").close()
    path.chmod(0o644)
    open_store(f"sqlite:///{path}").close()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
