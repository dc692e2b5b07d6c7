"""The trainer's side: an HTTP client, and :class:`RemoteSchedule`, a named schedule evaluated locally.

Needs only httpx and numpy (``pip install 'lrserve[client]'``): the server sends each revision's native
translation, which the numpy core compiles. The client's methods return typed values (``ScheduleDocument``,
``Table``, ...), each read by a ``from_json`` that checks the server's answer. Framework adapters live in
submodules that import their framework: ``lrserve.client.torch`` (PyTorch, Lightning, Hugging Face
``Trainer``), ``lrserve.client.keras`` and ``lrserve.client.optax``.
"""

try:
    import httpx  # noqa: F401
except ModuleNotFoundError as exc:
    from .._extras import missing_extra

    raise missing_extra(exc, "client", "lrserve.client") from exc

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
from ._types import (
    Curve,
    FieldError,
    Health,
    MalformedResponseError,
    NamedCurve,
    NamedLR,
    NativeTranslation,
    Problem,
    Revision,
    ScheduleDocument,
    SchedulePage,
    ScheduleSummary,
    SpecLR,
    Table,
    TimelinePiece,
)

__all__ = [
    "APIError",
    "AsyncClient",
    "AuthError",
    "BadRequestError",
    "Client",
    "ConflictError",
    "Curve",
    "FieldError",
    "Health",
    "MalformedResponseError",
    "NamedCurve",
    "NamedLR",
    "NativeTranslation",
    "NotFoundError",
    "PreconditionError",
    "Problem",
    "RemoteSchedule",
    "Revision",
    "ScheduleCopy",
    "ScheduleDocument",
    "SchedulePage",
    "ScheduleSummary",
    "SpecLR",
    "Status",
    "Table",
    "TimelinePiece",
    "UnavailableError",
]
