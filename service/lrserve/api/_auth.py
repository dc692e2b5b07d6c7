"""Bearer tokens: the admin token for writes, an optional read token for reads.

Tokens are compared in constant time and never logged. Without ``LRS_ADMIN_TOKEN`` the server makes one
at first start and keeps it in ``<data dir>/admin-token`` (mode 0600): writes are never open.
"""

from __future__ import annotations

import hmac
import logging
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from ._errors import Forbidden, Unauthorized

__all__ = ["Tokens", "admin_token_file", "ensure_admin_token"]

log = logging.getLogger("lrs")


def admin_token_file(data_dir: Path) -> Path:
    return data_dir / "admin-token"


def ensure_admin_token(data_dir: Path) -> str:
    """Read the generated admin token, making it (mode 0600, atomically) if there is none yet."""
    path = admin_token_file(data_dir)
    data_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        token = path.read_text().strip()
        if not token:
            raise RuntimeError(f"{path} is empty: delete it to have a new admin token made") from None
        return token
    token = secrets.token_urlsafe(32)
    with os.fdopen(fd, "w") as f:
        f.write(token + "\n")
    log.warning("no LRS_ADMIN_TOKEN set: generated an admin token into %s (mode 0600)", path)
    return token


def _bearer(header: str | None) -> str | None:
    if not header:
        return None
    scheme, _, value = header.partition(" ")
    if scheme.lower() != "bearer" or not value.strip():
        raise Unauthorized("the Authorization header must be 'Bearer <token>'")
    return value.strip()


def _same(a: str, b: str) -> bool:
    return hmac.compare_digest(a.encode(), b.encode())


@dataclass(frozen=True, slots=True)
class Tokens:
    admin: str
    read: str | None

    def check_admin(self, header: str | None) -> None:
        token = _bearer(header)
        if token is None:
            raise Unauthorized("this request changes data: send Authorization: Bearer <admin token>")
        if not _same(token, self.admin):
            raise Forbidden("this token may not change data: an admin token is needed")

    def check_read(self, header: str | None) -> None:
        if self.read is None:
            return
        token = _bearer(header)
        if token is None:
            raise Unauthorized("reads need a token on this server: send Authorization: Bearer <read token>")
        if not (_same(token, self.read) or _same(token, self.admin)):
            raise Forbidden("this token is not valid for reads")
