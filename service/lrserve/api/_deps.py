"""What routes get injected: the resources the lifespan made (tests override them through the app)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Path, Request, Security
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from ..store import Store
from ._auth import Tokens
from ._models import NAME_PATTERN
from ._observe import Metrics
from ._serving import Registry
from ._settings import Settings

__all__ = ["Admin", "Name", "Reader", "Resources", "State", "resources"]


@dataclass(slots=True)
class Resources:
    settings: Settings
    store: Store
    registry: Registry
    tokens: Tokens
    metrics: Metrics


def resources(request: Request) -> Resources:
    res: Resources = request.app.state.lrs
    return res


State = Annotated[Resources, Depends(resources)]
#: A schedule's name in a path.
Name = Annotated[str, Path(pattern=NAME_PATTERN, description=f"A schedule name: {NAME_PATTERN[1:-1]}")]
# Declared for the OpenAPI document; the header is checked by Tokens (constant time, 401 vs 403).
_bearer = HTTPBearer(
    auto_error=False, description="Admin token for writes; read token if the server sets one."
)


def _admin(request: Request, _: Annotated[HTTPAuthorizationCredentials | None, Security(_bearer)]) -> None:
    resources(request).tokens.check_admin(request.headers.get("authorization"))


def _reader(request: Request, _: Annotated[HTTPAuthorizationCredentials | None, Security(_bearer)]) -> None:
    resources(request).tokens.check_read(request.headers.get("authorization"))


Admin = Depends(_admin)
Reader = Depends(_reader)
