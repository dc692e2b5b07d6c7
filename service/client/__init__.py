"""The trainer's side: an HTTP client, and :class:`RemoteSchedule`, a named schedule evaluated locally.

Needs only httpx and numpy (with the engine). Framework adapters live in submodules that import their
framework: ``service.client.torch`` (PyTorch, Lightning, Hugging Face ``Trainer``).
"""

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
