"""Configuration from ``LRS_*`` environment variables (pydantic-settings)."""

from __future__ import annotations

import os
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from ..limits import MAX_BODY_BYTES, MAX_PAGE_SIZE, MAX_TABLE_ROWS

__all__ = ["Settings", "default_data_dir"]


def default_data_dir() -> Path:
    """``$XDG_DATA_HOME/lrs`` (``~/.local/share/lrs``)."""
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "lrs"


class Settings(BaseSettings):
    """Every setting of the server; each is read from ``LRS_<NAME>`` (e.g. ``LRS_DATA_DIR``)."""

    model_config = SettingsConfigDict(env_prefix="LRS_", extra="forbid", frozen=True)

    data_dir: Path = Field(
        default_factory=default_data_dir,
        description="Where the SQLite file and the generated admin token live.",
    )
    database_url: str | None = Field(
        None, description="sqlite:///PATH or postgresql://... (default: lrs.sqlite3 in the data directory)."
    )
    admin_token: str | None = Field(
        None, description="Bearer token for writes; generated into <data dir>/admin-token when unset."
    )
    read_token: str | None = Field(None, description="Bearer token for reads; reads are open when unset.")
    database_timeout: float = Field(
        2.0,
        gt=0,
        le=60,
        description="Seconds a request may wait on the database (a connection, a lock, a statement) before "
        "it fails with 503 and Retry-After.",
    )
    schedules_file: Path | None = Field(
        None, description="YAML or JSON file of named schedules applied at start."
    )
    max_table_rows: int = Field(
        MAX_TABLE_ROWS, ge=1, description="The largest table one request may ask for."
    )
    max_body_bytes: int = Field(MAX_BODY_BYTES, ge=1024, description="The largest request body.")
    max_horizon: int = Field(
        100_000, ge=0, description="The most steps past its current step a client may be promised."
    )
    default_horizon: int = Field(1_000, ge=0, description="The horizon when a client asks for none.")
    max_page_size: int = Field(MAX_PAGE_SIZE, ge=1, description="The most schedules one list page returns.")
    cache_refresh_seconds: float = Field(
        1.0, gt=0, description="How often a worker checks the database for changes made by other workers."
    )
    head_timeout: float = Field(
        10.0,
        gt=0,
        le=300,
        description="Seconds a connection may take to send a request's head (from the connection, or the "
        "first byte of the next request on a kept-alive one); then it is closed.",
    )
    max_connections: int = Field(
        1000,
        ge=1,
        description="The most connections a server process keeps (and below its open-files limit); one "
        "more closes the oldest still waiting for a request head.",
    )
    access_log: bool = Field(False, description="Write one JSON line per request to stderr.")
    log_level: str = Field("info", description="Logging level of the lrs logger.")
    opentelemetry: bool = Field(
        False,
        description="FastAPI's OpenTelemetry traces, metrics and logs, through the globally configured "
        "providers. Off by default: looking for providers costs every request.",
    )

    @property
    def resolved_database_url(self) -> str:
        return self.database_url or f"sqlite:///{self.data_dir / 'lrs.sqlite3'}"
