"""HTTP clients for the lrs service: :class:`Client` and :class:`AsyncClient` share one request plan.

Each method returns a typed value (``lrserve.client._types``): a :class:`ScheduleDocument`, a
:class:`Table`, ... read by its ``from_json``, which checks the body's shape.

Errors::

    APIError(status, problem)           any 4xx/5xx answer, with its RFC 9457 body as a typed Problem
    ├── BadRequestError                 400, 413, 422 (``problem.errors`` names the fields)
    ├── AuthError                       401, 403
    ├── NotFoundError                   404
    ├── ConflictError                   409 (``smallest_allowed_step`` for a broken promise)
    ├── PreconditionError               412, 428
    └── UnavailableError                5xx, 429 (after the retries)
    MalformedResponseError(ValueError)  a 2xx answer that is not the JSON this client expects

Retries: 5xx, 429 and transport failures (connection refused, timeouts; raised as ``httpx.TransportError``
once the retries are spent), with jittered exponential backoff, honouring ``Retry-After``. A write (PUT, a
revision, DELETE) carries an ``Idempotency-Key`` made for that call and sent again on each of its retries,
so the server applies it once even when an answer was lost; a write without one is never retried.
"""

from __future__ import annotations

import asyncio
import random
import time
import uuid
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

import httpx

from ._types import (
    Curve,
    Health,
    MalformedResponseError,
    NamedCurve,
    NamedLR,
    NativeTranslation,
    Problem,
    ScheduleDocument,
    SchedulePage,
    SpecLR,
    Table,
)

__all__ = [
    "APIError",
    "AsyncClient",
    "AuthError",
    "BadRequestError",
    "Client",
    "ConflictError",
    "NotFoundError",
    "PreconditionError",
    "UnavailableError",
]

T = TypeVar("T")


class APIError(Exception):
    """The server answered with an error; ``problem`` is its problem-details body."""

    def __init__(self, status: int, problem: Problem) -> None:
        self.status, self.problem = status, problem
        super().__init__(f"{status}: {problem.detail or problem.title or 'error'}")


class BadRequestError(APIError):
    pass


class AuthError(APIError):
    pass


class NotFoundError(APIError):
    pass


class ConflictError(APIError):
    @property
    def smallest_allowed_step(self) -> int | None:
        """For a broken promise: the first step a revision may take effect from (None otherwise)."""
        value = self.problem.extensions.get("smallest_allowed_step")
        return value if isinstance(value, int) and not isinstance(value, bool) else None


class PreconditionError(APIError):
    pass


class UnavailableError(APIError):
    pass


_ERRORS: dict[int, type[APIError]] = {
    400: BadRequestError,
    401: AuthError,
    403: AuthError,
    404: NotFoundError,
    409: ConflictError,
    412: PreconditionError,
    413: BadRequestError,
    422: BadRequestError,
    428: PreconditionError,
    429: UnavailableError,
}


def _error(response: httpx.Response) -> APIError:
    try:
        problem = Problem.from_json(response.json())
    except ValueError:  # not JSON, or not a problem (a proxy's error page): keep its status and text
        problem = Problem.unparsed(response.status_code, response.reason_phrase, response.text[:500])
    cls = _ERRORS.get(response.status_code, UnavailableError if response.status_code >= 500 else APIError)
    return cls(response.status_code, problem)


def _json(response: httpx.Response) -> object:
    try:
        return response.json()
    except ValueError as exc:
        where = f"the body of {response.request.method} {response.request.url.path}"
        raise MalformedResponseError("answer", where, f"is not JSON ({exc})") from None


def _reads(from_json: Callable[[object], T]) -> Callable[[httpx.Response], T]:
    """The parser of a JSON answer: ``from_json`` of its body."""

    def parse(response: httpx.Response) -> T:
        return from_json(_json(response))

    return parse


def _unless_304(response: httpx.Response) -> ScheduleDocument | None:
    return None if response.status_code == 304 else ScheduleDocument.from_json(_json(response))


def _nothing(response: httpx.Response) -> None:
    return None


def _text(response: httpx.Response) -> str:
    return response.text


@dataclass(frozen=True)
class _Request(Generic[T]):
    """One request, and how to read its answer (``parse``); the same for both transports."""

    method: str
    path: str
    parse: Callable[[httpx.Response], T]
    params: dict[str, Any] | None = None
    json: Any = None
    headers: dict[str, str] = field(default_factory=dict)
    ok: tuple[int, ...] = (200, 201, 204)
    #: A write: retried only with an ``Idempotency-Key`` (the server applies it once whatever the tries).
    writes: bool = False

    @property
    def retryable(self) -> bool:
        return not self.writes or "Idempotency-Key" in self.headers


def _retryable(status: int) -> bool:
    return status >= 500 or status == 429


@dataclass
class _Plan:
    """Backoff delays for one request: jittered exponential, or the server's ``Retry-After``."""

    retries: int
    backoff: float

    def delays(self) -> Iterator[float]:
        for attempt in range(self.retries):
            yield random.uniform(0, self.backoff * 2**attempt)

    @staticmethod
    def retry_after(response: httpx.Response | None, default: float) -> float:
        if response is not None:
            value = response.headers.get("retry-after", "")
            if value.isdigit():
                return min(float(value), 60.0)
        return default


def _write_headers(etag: str | None) -> dict[str, str]:
    """If-Match (when given) and a new Idempotency-Key: one per logical call, sent again on its retries."""
    return {**({"If-Match": etag} if etag else {}), "Idempotency-Key": uuid.uuid4().hex}


class _Base:
    def __init__(self, url: str, token: str | None, retries: int, backoff: float) -> None:
        self.url = url.rstrip("/")
        self.headers = {"Authorization": f"Bearer {token}"} if token else {}
        self.plan = _Plan(retries, backoff)

    def _args(self, req: _Request[Any]) -> dict[str, Any]:
        """``httpx`` request arguments (the same for both transports)."""
        headers = {**self.headers, **req.headers}
        return {
            "method": req.method,
            "url": req.path,
            "params": req.params,
            "json": req.json,
            "headers": headers,
        }

    # -- one request per endpoint, with its answer's type (the transport is the subclass's) ---------

    @staticmethod
    def _put_schedule(
        name: str, spec: Mapping[str, Any], description: str, if_match: str | None, force: bool
    ) -> _Request[ScheduleDocument]:
        body = {"schedule": dict(spec), "description": description, "force": force}
        path = f"/v1/schedules/{name}"
        return _Request(
            "PUT",
            path,
            _reads(ScheduleDocument.from_json),
            json=body,
            headers=_write_headers(if_match),
            writes=True,
        )

    @staticmethod
    def _get_schedule(
        name: str, step: int | None, horizon: int | None, etag: str | None
    ) -> _Request[ScheduleDocument | None]:
        params = {k: v for k, v in (("step", step), ("horizon", horizon)) if v is not None}
        headers = {"If-None-Match": etag} if etag else {}
        path = f"/v1/schedules/{name}"
        return _Request("GET", path, _unless_304, params=params, headers=headers, ok=(200, 304))

    @staticmethod
    def _add_revision(
        name: str,
        spec: Mapping[str, Any],
        effective_from_step: int,
        comment: str,
        force: bool,
        if_match: str | None,
    ) -> _Request[ScheduleDocument]:
        body = {
            "schedule": dict(spec),
            "effective_from_step": effective_from_step,
            "comment": comment,
            "force": force,
        }
        path = f"/v1/schedules/{name}/revisions"
        return _Request(
            "POST",
            path,
            _reads(ScheduleDocument.from_json),
            json=body,
            headers=_write_headers(if_match),
            writes=True,
        )

    @staticmethod
    def _delete_schedule(name: str, if_match: str) -> _Request[None]:
        path = f"/v1/schedules/{name}"
        return _Request("DELETE", path, _nothing, headers=_write_headers(if_match), writes=True)

    @staticmethod
    def _list_schedules(limit: int, after: str | None) -> _Request[SchedulePage]:
        params: dict[str, Any] = {"limit": limit, **({"after": after} if after else {})}
        return _Request("GET", "/v1/schedules", _reads(SchedulePage.from_json), params=params)

    @staticmethod
    def _lr(name: str, step: int) -> _Request[NamedLR]:
        return _Request("GET", f"/v1/schedules/{name}/lr", _reads(NamedLR.from_json), params={"step": step})

    @staticmethod
    def _table(
        spec: Mapping[str, Any], start: int, stop: int | None, stride: int, steps: Sequence[int] | None
    ) -> _Request[Table]:
        body: dict[str, Any] = {"schedule": dict(spec)}
        if steps is not None:
            body["steps"] = list(steps)
        else:
            body.update(start=start, stop=stop, stride=stride)
        return _Request("POST", "/v1/table", _reads(Table.from_json), json=body)

    @staticmethod
    def _schedule_table(name: str, stop: int, start: int, stride: int) -> _Request[Table]:
        params = {"start": start, "stop": stop, "stride": stride}
        return _Request("GET", f"/v1/schedules/{name}/table", _reads(Table.from_json), params=params)

    @staticmethod
    def _spec_lr(spec: Mapping[str, Any], step: int) -> _Request[SpecLR]:
        body = {"schedule": dict(spec), "step": step}
        return _Request("POST", "/v1/lr", _reads(SpecLR.from_json), json=body)

    @staticmethod
    def _native(spec: Mapping[str, Any]) -> _Request[NativeTranslation]:
        return _Request(
            "POST", "/v1/native", _reads(NativeTranslation.from_json), json={"schedule": dict(spec)}
        )

    @staticmethod
    def _curve(spec: Mapping[str, Any], start: int, stop: int | None, points: int) -> _Request[Curve]:
        body: dict[str, Any] = {"schedule": dict(spec), "start": start, "points": points}
        if stop is not None:
            body["stop"] = stop
        return _Request("POST", "/v1/curve", _reads(Curve.from_json), json=body)

    @staticmethod
    def _schedule_curve(name: str, start: int, stop: int | None, points: int) -> _Request[NamedCurve]:
        params: dict[str, Any] = {"start": start, "points": points}
        if stop is not None:
            params["stop"] = stop
        path = f"/v1/schedules/{name}/curve"
        return _Request("GET", path, _reads(NamedCurve.from_json), params=params)

    @staticmethod
    def _livez() -> _Request[Health]:
        return _Request("GET", "/livez", _reads(Health.from_json))

    @staticmethod
    def _metrics() -> _Request[str]:
        return _Request("GET", "/metrics", _text)


class Client(_Base):
    """A synchronous client: ``Client("http://127.0.0.1:8000", token=...)``; a context manager."""

    def __init__(
        self,
        url: str,
        token: str | None = None,
        *,
        timeout: float = 5.0,
        retries: int = 3,
        backoff: float = 0.2,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        super().__init__(url, token, retries, backoff)
        self.http = httpx.Client(base_url=self.url, timeout=timeout, transport=transport)

    def __enter__(self) -> Client:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self.http.close()

    def _send(self, req: _Request[Any]) -> httpx.Response:
        delays = self.plan.delays()
        while True:
            response: httpx.Response | None = None
            try:
                response = self.http.request(**self._args(req))
                if response.status_code in req.ok:
                    return response
                if not (_retryable(response.status_code) and req.retryable):
                    raise _error(response)
            except httpx.TransportError:
                delay = next(delays, None) if req.retryable else None
                if delay is None:
                    raise
                time.sleep(delay)
                continue
            delay = next(delays, None)
            if delay is None:
                raise _error(response)
            time.sleep(_Plan.retry_after(response, delay))

    def _call(self, req: _Request[T]) -> T:
        return req.parse(self._send(req))

    def put_schedule(
        self,
        name: str,
        spec: Mapping[str, Any],
        description: str = "",
        *,
        if_match: str | None = None,
        force: bool = False,
    ) -> ScheduleDocument:
        """Create (or, with ``if_match``, replace) a named schedule; the schedule as stored."""
        return self._call(self._put_schedule(name, spec, description, if_match, force))

    def get_schedule(
        self, name: str, *, step: int | None = None, horizon: int | None = None, etag: str | None = None
    ) -> ScheduleDocument | None:
        """The schedule with its history; None when ``etag`` is still current (304)."""
        return self._call(self._get_schedule(name, step, horizon, etag))

    def add_revision(
        self,
        name: str,
        spec: Mapping[str, Any],
        effective_from_step: int,
        comment: str = "",
        *,
        force: bool = False,
        if_match: str | None = None,
    ) -> ScheduleDocument:
        """Change a schedule from ``effective_from_step`` on; the schedule with the new revision."""
        return self._call(self._add_revision(name, spec, effective_from_step, comment, force, if_match))

    def delete_schedule(self, name: str, if_match: str) -> None:
        self._call(self._delete_schedule(name, if_match))

    def list_schedules(self, *, limit: int = 100, after: str | None = None) -> SchedulePage:
        """One page of the named schedules, by name after ``after``."""
        return self._call(self._list_schedules(limit, after))

    def lr(self, name: str, step: int) -> NamedLR:
        """The LR of a named schedule at ``step``, with the revision in force (promises the step)."""
        return self._call(self._lr(name, step))

    def table(
        self,
        spec: Mapping[str, Any],
        start: int = 0,
        stop: int | None = None,
        stride: int = 1,
        steps: Sequence[int] | None = None,
    ) -> Table:
        """A spec evaluated by the server over ``range(start, stop, stride)``, or at ``steps``."""
        return self._call(self._table(spec, start, stop, stride, steps))

    def schedule_table(self, name: str, stop: int, start: int = 0, stride: int = 1) -> Table:
        """A named schedule over ``range(start, stop, stride)`` (promises those steps)."""
        return self._call(self._schedule_table(name, stop, start, stride))

    def spec_lr(self, spec: Mapping[str, Any], step: int) -> SpecLR:
        """The LR of a spec (not stored) at ``step``, evaluated by the server."""
        return self._call(self._spec_lr(spec, step))

    def native(self, spec: Mapping[str, Any]) -> NativeTranslation:
        """A spec's translation to the native language, every default filled in."""
        return self._call(self._native(spec))

    def curve(
        self, spec: Mapping[str, Any], *, start: int = 0, stop: int | None = None, points: int = 1000
    ) -> Curve:
        """The exact points to draw a spec over ``range(start, stop)`` (``stop``: past its natural end)."""
        return self._call(self._curve(spec, start, stop, points))

    def schedule_curve(
        self, name: str, *, start: int = 0, stop: int | None = None, points: int = 1000
    ) -> NamedCurve:
        """The points to draw a named schedule's history, with its timeline (promises nothing)."""
        return self._call(self._schedule_curve(name, start, stop, points))

    def livez(self) -> Health:
        """``status == "ok"`` while the process serves (no database involved)."""
        return self._call(self._livez())

    def metrics(self) -> str:
        """The Prometheus metrics, as text."""
        return self._call(self._metrics())

    def ready(self) -> bool:
        """Whether ``/readyz`` answers 200 (the server and its store are up); False on no answer."""
        try:
            return self.http.get("/readyz", headers=self.headers).status_code == 200
        except httpx.TransportError:
            return False


class AsyncClient(_Base):
    """The same methods as :class:`Client`, awaited."""

    def __init__(
        self,
        url: str,
        token: str | None = None,
        *,
        timeout: float = 5.0,
        retries: int = 3,
        backoff: float = 0.2,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        super().__init__(url, token, retries, backoff)
        self.http = httpx.AsyncClient(base_url=self.url, timeout=timeout, transport=transport)

    async def __aenter__(self) -> AsyncClient:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self.http.aclose()

    async def _send(self, req: _Request[Any]) -> httpx.Response:
        delays = self.plan.delays()
        while True:
            response: httpx.Response | None = None
            try:
                response = await self.http.request(**self._args(req))
                if response.status_code in req.ok:
                    return response
                if not (_retryable(response.status_code) and req.retryable):
                    raise _error(response)
            except httpx.TransportError:
                delay = next(delays, None) if req.retryable else None
                if delay is None:
                    raise
                await asyncio.sleep(delay)
                continue
            delay = next(delays, None)
            if delay is None:
                raise _error(response)
            await asyncio.sleep(_Plan.retry_after(response, delay))

    async def _call(self, req: _Request[T]) -> T:
        return req.parse(await self._send(req))

    async def put_schedule(
        self,
        name: str,
        spec: Mapping[str, Any],
        description: str = "",
        *,
        if_match: str | None = None,
        force: bool = False,
    ) -> ScheduleDocument:
        return await self._call(self._put_schedule(name, spec, description, if_match, force))

    async def get_schedule(
        self, name: str, *, step: int | None = None, horizon: int | None = None, etag: str | None = None
    ) -> ScheduleDocument | None:
        return await self._call(self._get_schedule(name, step, horizon, etag))

    async def add_revision(
        self,
        name: str,
        spec: Mapping[str, Any],
        effective_from_step: int,
        comment: str = "",
        *,
        force: bool = False,
        if_match: str | None = None,
    ) -> ScheduleDocument:
        return await self._call(self._add_revision(name, spec, effective_from_step, comment, force, if_match))

    async def delete_schedule(self, name: str, if_match: str) -> None:
        await self._call(self._delete_schedule(name, if_match))

    async def list_schedules(self, *, limit: int = 100, after: str | None = None) -> SchedulePage:
        return await self._call(self._list_schedules(limit, after))

    async def lr(self, name: str, step: int) -> NamedLR:
        return await self._call(self._lr(name, step))

    async def table(
        self,
        spec: Mapping[str, Any],
        start: int = 0,
        stop: int | None = None,
        stride: int = 1,
        steps: Sequence[int] | None = None,
    ) -> Table:
        return await self._call(self._table(spec, start, stop, stride, steps))

    async def schedule_table(self, name: str, stop: int, start: int = 0, stride: int = 1) -> Table:
        return await self._call(self._schedule_table(name, stop, start, stride))

    async def spec_lr(self, spec: Mapping[str, Any], step: int) -> SpecLR:
        return await self._call(self._spec_lr(spec, step))

    async def native(self, spec: Mapping[str, Any]) -> NativeTranslation:
        return await self._call(self._native(spec))

    async def curve(
        self, spec: Mapping[str, Any], *, start: int = 0, stop: int | None = None, points: int = 1000
    ) -> Curve:
        return await self._call(self._curve(spec, start, stop, points))

    async def schedule_curve(
        self, name: str, *, start: int = 0, stop: int | None = None, points: int = 1000
    ) -> NamedCurve:
        return await self._call(self._schedule_curve(name, start, stop, points))

    async def livez(self) -> Health:
        return await self._call(self._livez())

    async def metrics(self) -> str:
        return await self._call(self._metrics())

    async def ready(self) -> bool:
        try:
            return (await self.http.get("/readyz", headers=self.headers)).status_code == 200
        except httpx.TransportError:
            return False
