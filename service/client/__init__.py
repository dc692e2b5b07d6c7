"""The trainer's side: an HTTP client, and :class:`RemoteSchedule`, a named schedule evaluated locally.

Needs only httpx and numpy (``pip install 'lrs[client]'``): the server sends each revision's native
translation, which the numpy core compiles. Framework adapters live in submodules that import their
framework: ``service.client.torch`` (PyTorch, Lightning, Hugging Face ``Trainer``), ``service.client.keras``
and ``service.client.optax``.
"""

try:
    import httpx  # noqa: F401
except ModuleNotFoundError as exc:
    from .._extras import missing_extra

    raise missing_extra(exc, "client", "service.client") from exc

from ._http import (
    APIError,
    AsyncClient,
    AuthError,
    BadRequestError,
    Client,
    ConflictError,
    NotFoundError,
    PreconditionError,
    UnavailableError,
)
from ._remote import RemoteSchedule, ScheduleCopy, Status

__all__ = [
    "APIError",
    "AsyncClient",
    "AuthError",
    "BadRequestError",
    "Client",
    "ConflictError",
    "NotFoundError",
    "PreconditionError",
    "RemoteSchedule",
    "ScheduleCopy",
    "Status",
    "UnavailableError",
]
