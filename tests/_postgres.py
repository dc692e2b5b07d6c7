"""PostgreSQL for the tests that need it (the store suite, the server on PostgreSQL).

The database is ``LRS_TEST_POSTGRES_URL`` (default ``postgresql://postgres@127.0.0.1:5432/test``). A test
that needs it is skipped, with the reason, when the server cannot be reached, except under CI (``CI`` set)
or with ``LRS_TEST_POSTGRES_REQUIRED=1``, where it fails instead: CI has the server.
"""

from __future__ import annotations

import functools
import os

import pytest

POSTGRES_URL = os.environ.get("LRS_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")


def _postgres_required() -> bool:
    flag = os.environ.get("LRS_TEST_POSTGRES_REQUIRED", os.environ.get("CI", ""))
    return flag.strip().lower() not in ("", "0", "false", "no")


@functools.cache
def postgres_unavailable() -> str | None:
    """Why the PostgreSQL backend cannot be tested here, or None when it can."""
    try:
        import psycopg
    except ImportError:
        return "psycopg is not installed (pip install 'psycopg[binary]' psycopg-pool)"
    try:
        with psycopg.connect(POSTGRES_URL, connect_timeout=3) as conn:
            conn.execute("SELECT 1")
    except psycopg.Error as exc:
        return f"PostgreSQL is not reachable at {POSTGRES_URL}: {str(exc).strip()}"
    return None


def need_postgres() -> None:
    reason = postgres_unavailable()
    if reason is not None:
        if _postgres_required():
            pytest.fail(f"{reason} (required: CI or LRS_TEST_POSTGRES_REQUIRED is set)")
        pytest.skip(reason)
