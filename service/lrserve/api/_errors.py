"""The one place errors become HTTP: every error is an RFC 9457 ``application/problem+json`` body.

HTTP-only errors (the engine's and the store's live with them)::

    LRSError
    ├── SpecError, StepError            (lrserve.core / lrserve._engine)        422
    ├── StoreError: NotFound 404, AlreadyExists 409, Stale 412, PromiseBroken 409, KeyReused 422
    └── HTTPError
        ├── Unauthorized               401 (with WWW-Authenticate: Bearer)
        ├── Forbidden                  403
        ├── PreconditionRequired       428
        ├── TooLarge                   413
        └── InvalidRequest             422 (a parameter the lean path validates by hand)
    StoreError: ... Unavailable 503 (with Retry-After)

A problem body: ``{"type", "title", "status", "detail", "instance", ...}`` plus, for validation,
``"errors": [{"loc": [...], "msg", "type"}]`` where ``loc`` starts with ``body``, ``query``, ``path``
or ``header`` and then follows the JSON the client sent.
"""

from __future__ import annotations

import logging
from typing import Any

import orjson
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, ConfigDict, Field
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import Response

from .._engine import SpecError, clean_errors
from ..core import LRSError, StepError
from ..store import AlreadyExists, KeyReused, NotFound, PromiseBroken, Stale, Unavailable

__all__ = [
    "PROBLEM",
    "Forbidden",
    "HTTPError",
    "InvalidRequest",
    "PreconditionRequired",
    "Problem",
    "ProblemError",
    "TooLarge",
    "Unauthorized",
    "install",
    "problem",
    "problem_for",
    "problem_responses",
]

PROBLEM = "application/problem+json"
log = logging.getLogger("lrs")


class HTTPError(LRSError):
    status = 400
    slug = "bad-request"

    def __init__(self, detail: str, **extra: Any) -> None:
        self.detail, self.extra = detail, extra
        super().__init__(detail)


class Unauthorized(HTTPError):
    status, slug = 401, "unauthorized"


class Forbidden(HTTPError):
    status, slug = 403, "forbidden"


class PreconditionRequired(HTTPError):
    status, slug = 428, "precondition-required"


class TooLarge(HTTPError):
    status, slug = 413, "too-large"


class InvalidRequest(HTTPError):
    status, slug = 422, "invalid-request"


#: Domain error → (status, slug). Subclasses are looked up through the MRO.
STATUS: dict[type[Exception], tuple[int, str]] = {
    SpecError: (422, "invalid-schedule"),
    StepError: (422, "invalid-step"),
    NotFound: (404, "not-found"),
    AlreadyExists: (409, "already-exists"),
    Stale: (412, "precondition-failed"),
    PromiseBroken: (409, "promise-broken"),
    KeyReused: (422, "idempotency-key-reused"),
    Unavailable: (503, "store-unavailable"),
}

TITLES = {
    400: "Bad request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not found",
    405: "Method not allowed",
    406: "Not acceptable",
    409: "Conflict",
    412: "Precondition failed",
    413: "Content too large",
    415: "Unsupported media type",
    422: "Unprocessable content",
    428: "Precondition required",
    500: "Internal server error",
    503: "Service unavailable",
}


class ProblemError(BaseModel):
    """One invalid part of a request."""

    loc: list[str | int] = Field(
        description="Where: `body`, `query`, `path` or `header`, then the path in the JSON sent."
    )
    msg: str
    type: str = Field(description="What kind of error, e.g. `missing`, `less_than_equal`, `too_deep`.")


class Problem(BaseModel):
    """An RFC 9457 problem details body, sent as ``application/problem+json``. Besides the standard
    members, some problems carry the extension members below (each only where it says)."""

    model_config = ConfigDict(extra="allow")

    type: str = Field(description="urn:lrs:problem:<slug>")
    title: str
    status: int
    detail: str
    instance: str = Field(description="The request path.")
    errors: list[ProblemError] | None = Field(None, description="422: every invalid part of the request.")
    promised_step: int | None = Field(
        None, description="409 promise-broken: the highest step already served (its LR may not change)."
    )
    smallest_allowed_step: int | None = Field(
        None, description="409 promise-broken: the smallest effective_from_step a revision may have."
    )
    current_etag: str | None = Field(None, description="412: the schedule's current ETag.")
    step: int | None = Field(None, description="422 invalid-step: the step asked for.")
    last_step: int | None = Field(None, description="422 invalid-step: the schedule's last step.")
    rows: int | None = Field(None, description="413: the rows asked for.")
    max_rows: int | None = Field(None, description="413: the most rows one request may ask for.")


def problem_responses(*codes: int) -> dict[int | str, dict[str, Any]]:
    """The OpenAPI ``responses`` of routes that answer ``codes`` with a problem (see ``Problem``)."""
    schema = {"$ref": "#/components/schemas/Problem"}
    return {code: {"description": TITLES[code], "content": {PROBLEM: {"schema": schema}}} for code in codes}


def problem(
    status: int, slug: str, detail: str, instance: str, headers: dict[str, str] | None = None, **extra: Any
) -> Response:
    body = {
        "type": f"urn:lrs:problem:{slug}",
        "title": TITLES.get(status, "Error"),
        "status": status,
        "detail": detail,
        "instance": instance,
        **extra,
    }
    return Response(orjson.dumps(body), status_code=status, media_type=PROBLEM, headers=headers)


def problem_for(exc: LRSError, instance: str) -> Response:
    """The response for a domain error."""
    if isinstance(exc, HTTPError):
        headers = {"WWW-Authenticate": "Bearer"} if isinstance(exc, Unauthorized) else None
        return problem(exc.status, exc.slug, exc.detail, instance, headers, **exc.extra)
    for cls in type(exc).__mro__:
        if cls in STATUS:
            status, slug = STATUS[cls]
            break
    else:
        status, slug = 400, "bad-request"
    extra: dict[str, Any] = {}
    if isinstance(exc, SpecError):
        extra["errors"] = [{**e, "loc": ["body", "schedule", *e["loc"]]} for e in exc.errors]
    elif isinstance(exc, StepError):
        extra = {k: v for k, v in (("step", exc.step), ("last_step", exc.last_step)) if v is not None}
    elif isinstance(exc, PromiseBroken):
        extra = {"promised_step": exc.promised, "smallest_allowed_step": exc.smallest_allowed_step}
    elif isinstance(exc, Stale):
        extra = {"current_etag": f'"{exc.current}"'}
    headers = {"Retry-After": "1"} if isinstance(exc, Unavailable) else None
    return problem(status, slug, str(exc), instance, headers, **extra)


def _validation_errors(exc: RequestValidationError) -> list[dict[str, Any]]:
    """FastAPI's errors with the spec's part of each ``loc`` made the path in the JSON sent."""
    out: list[dict[str, Any]] = []
    body = exc.body
    for e in exc.errors():
        loc = list(e["loc"])
        item = {"loc": loc, "msg": e["msg"], "type": e["type"]}
        if len(loc) >= 2 and loc[0] == "body" and loc[1] == "schedule" and isinstance(body, dict):
            cleaned = clean_errors(body.get("schedule"), [{**e, "loc": tuple(loc[2:])}])[0]
            item["loc"] = ["body", "schedule", *cleaned["loc"]]
        if e["type"] == "json_invalid":
            item["msg"] = f"not valid JSON: {e.get('ctx', {}).get('error', e['msg'])}"
            item["loc"] = ["body"]
        out.append(item)
    return out


def install(app: FastAPI) -> None:
    """Register the handlers: domain errors, request validation, HTTP errors, and anything else."""

    async def on_domain(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, LRSError)
        return problem_for(exc, request.url.path)

    async def on_validation(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, RequestValidationError)
        errors = _validation_errors(exc)
        first = errors[0] if errors else {"loc": [], "msg": "invalid request"}
        detail = f"{'.'.join(str(x) for x in first['loc'])}: {first['msg']}"
        if len(errors) > 1:
            detail += f" (and {len(errors) - 1} more)"
        return problem(422, "invalid-request", detail, request.url.path, errors=errors)

    async def on_http(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, StarletteHTTPException)
        cause = exc.__cause__
        if exc.status_code == 400 and isinstance(cause, RecursionError | UnicodeDecodeError):
            # FastAPI's "error parsing the body": JSON nested too deep for the parser, or not UTF-8
            why = "nested too deeply" if isinstance(cause, RecursionError) else "not UTF-8"
            errors = [{"loc": ["body"], "msg": f"not valid JSON: {why}", "type": "json_invalid"}]
            return problem(
                422, "invalid-request", f"body: not valid JSON: {why}", request.url.path, errors=errors
            )
        slug = TITLES.get(exc.status_code, "error").lower().replace(" ", "-")
        headers = dict(exc.headers) if exc.headers else None
        return problem(exc.status_code, slug, str(exc.detail), request.url.path, headers)

    async def on_crash(request: Request, exc: Exception) -> Response:
        log.exception("unhandled error on %s %s", request.method, request.url.path)
        return problem(500, "internal", "the server failed to handle this request", request.url.path)

    app.add_exception_handler(LRSError, on_domain)
    app.add_exception_handler(RequestValidationError, on_validation)
    app.add_exception_handler(StarletteHTTPException, on_http)
    app.add_exception_handler(Exception, on_crash)
