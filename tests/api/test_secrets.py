"""Secrets stay out of what the server prints: a database password is shown as ``***`` wherever the URL is
printed, even when the database cannot be reached."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from lrserve.store import open_store, redacted

from .._server import REPO, free_port


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
