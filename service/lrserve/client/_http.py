"""HTTP clients for the lrs service: :class:`Client` and :class:`AsyncClient` share one request plan.

Errors::

    APIError(status, problem)           any 4xx/5xx answer, with the RFC 9457 body
    ├── BadRequestError                 400, 413, 422 (``problem["errors"]`` names the fields)
    ├── AuthError                       401, 403
    ├── NotFoundError                   404
    ├── ConflictError                   409 (``problem["smallest_allowed_step"]`` for a broken promise)
    ├── PreconditionError               412, 428
    └── UnavailableError                5xx, 429 (after the retries)

Transport failures (connection refused, timeouts) are retried too, then raised as ``httpx.TransportError``.
Retries: 5xx, 429 and transport errors, with jittered exponential backoff, honouring ``Retry-After``.
"""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import httpx

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


class APIError(Exception):
    """The server answered with an error; ``problem`` is its problem-details body."""

    def __init__(self, status: int, problem: dict[str, Any]) -> None:
        self.status, self.problem = status, problem
        super().__init__(f"{status}: {problem.get('detail') or problem.get('title') or 'error'}")


class BadRequestError(APIError):
    pass


class AuthError(APIError):
    pass


class NotFoundError(APIError):
    pass


class ConflictError(APIError):
    pass


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
        problem = response.json()
        if not isinstance(problem, dict):
            problem = {"detail": str(problem)}
    except ValueError:
        problem = {"detail": response.text[:500]}
    cls = _ERRORS.get(response.status_code, UnavailableError if response.status_code >= 500 else APIError)
    return cls(response.status_code, problem)


@dataclass(frozen=True)
class _Request:
    method: str
    path: str
    params: dict[str, Any] | None = None
    json: Any = None
    headers: dict[str, str] = field(default_factory=dict)
    ok: tuple[int, ...] = (200, 201, 204)


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


class _Base:
    def __init__(self, url: str, token: str | None, retries: int, backoff: float) -> None:
        self.url = url.rstrip("/")
        self.headers = {"Authorization": f"Bearer {token}"} if token else {}
        self.plan = _Plan(retries, backoff)

    def _args(self, req: _Request) -> dict[str, Any]:
        """``httpx`` request arguments (the same for both transports)."""
        headers = {**self.headers, **req.headers}
        return {
            "method": req.method,
            "url": req.path,
            "params": req.params,
            "json": req.json,
            "headers": headers,
        }

    # -- one request per endpoint (the transport is the subclass's) ------------------------------

    @staticmethod
    def _put_schedule(name: str, spec: Any, description: str, if_match: str | None, force: bool) -> _Request:
        headers = {"If-Match": if_match} if if_match else {}
        body = {"schedule": spec, "description": description, "force": force}
        return _Request("PUT", f"/v1/schedules/{name}", json=body, headers=headers)

    @staticmethod
    def _get_schedule(name: str, step: int | None, horizon: int | None, etag: str | None) -> _Request:
        params = {k: v for k, v in (("step", step), ("horizon", horizon)) if v is not None}
        headers = {"If-None-Match": etag} if etag else {}
        return _Request("GET", f"/v1/schedules/{name}", params=params, headers=headers, ok=(200, 304))

    @staticmethod
    def _add_revision(
        name: str, spec: Any, effective_from_step: int, comment: str, force: bool, if_match: str | None
    ) -> _Request:
        body = {
            "schedule": spec,
            "effective_from_step": effective_from_step,
            "comment": comment,
            "force": force,
        }
        headers = {"If-Match": if_match} if if_match else {}
        return _Request("POST", f"/v1/schedules/{name}/revisions", json=body, headers=headers)

    @staticmethod
    def _table(spec: Any, start: int, stop: int | None, stride: int, steps: list[int] | None) -> _Request:
        body: dict[str, Any] = {"schedule": spec}
        if steps is not None:
            body["steps"] = list(steps)
        else:
            body.update(start=start, stop=stop, stride=stride)
        return _Request("POST", "/v1/table", json=body)

    @staticmethod
    def _schedule_table(name: str, stop: int, start: int, stride: int) -> _Request:
        params = {"start": start, "stop": stop, "stride": stride}
        return _Request("GET", f"/v1/schedules/{name}/table", params=params)

    @staticmethod
    def _spec_lr(spec: Any, step: int) -> _Request:
        return _Request("POST", "/v1/lr", json={"schedule": spec, "step": step})


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

    def _send(self, req: _Request) -> httpx.Response:
        delays = self.plan.delays()
        while True:
            response: httpx.Response | None = None
            try:
                response = self.http.request(**self._args(req))
                if response.status_code in req.ok:
                    return response
                if not _retryable(response.status_code):
                    raise _error(response)
            except httpx.TransportError:
                delay = next(delays, None)
                if delay is None:
                    raise
                time.sleep(delay)
                continue
            delay = next(delays, None)
            if delay is None:
                raise _error(response)
            time.sleep(_Plan.retry_after(response, delay))

    def put_schedule(
        self, name: str, spec: Any, description: str = "", *, if_match: str | None = None, force: bool = False
    ) -> dict[str, Any]:
        """Create (or, with ``if_match``, replace) a named schedule; the body, with ``etag``."""
        result: dict[str, Any] = self._send(
            self._put_schedule(name, spec, description, if_match, force)
        ).json()
        return result

    def get_schedule(
        self, name: str, *, step: int | None = None, horizon: int | None = None, etag: str | None = None
    ) -> dict[str, Any] | None:
        """The schedule with its history; None when ``etag`` is still current (304)."""
        response = self._send(self._get_schedule(name, step, horizon, etag))
        if response.status_code == 304:
            return None
        result: dict[str, Any] = response.json()
        return result

    def add_revision(
        self,
        name: str,
        spec: Any,
        effective_from_step: int,
        comment: str = "",
        *,
        force: bool = False,
        if_match: str | None = None,
    ) -> dict[str, Any]:
        req = self._add_revision(name, spec, effective_from_step, comment, force, if_match)
        result: dict[str, Any] = self._send(req).json()
        return result

    def delete_schedule(self, name: str, if_match: str) -> None:
        self._send(_Request("DELETE", f"/v1/schedules/{name}", headers={"If-Match": if_match}))

    def list_schedules(self, *, limit: int = 100, after: str | None = None) -> dict[str, Any]:
        params: dict[str, Any] = {"limit": limit, **({"after": after} if after else {})}
        result: dict[str, Any] = self._send(_Request("GET", "/v1/schedules", params=params)).json()
        return result

    def lr(self, name: str, step: int) -> dict[str, Any]:
        """``{"name", "step", "lr", "revision"}`` of a named schedule (promises the step)."""
        req = _Request("GET", f"/v1/schedules/{name}/lr", params={"step": step})
        result: dict[str, Any] = self._send(req).json()
        return result

    def table(
        self,
        spec: Any,
        start: int = 0,
        stop: int | None = None,
        stride: int = 1,
        steps: list[int] | None = None,
    ) -> dict[str, Any]:
        """``{"steps", "lr"}`` of a spec, evaluated by the server."""
        result: dict[str, Any] = self._send(self._table(spec, start, stop, stride, steps)).json()
        return result

    def schedule_table(self, name: str, stop: int, start: int = 0, stride: int = 1) -> dict[str, Any]:
        """``{"steps", "lr"}`` of a named schedule over ``range(start, stop, stride)`` (promises them)."""
        result: dict[str, Any] = self._send(self._schedule_table(name, stop, start, stride)).json()
        return result

    def spec_lr(self, spec: Any, step: int) -> dict[str, Any]:
        """``{"step", "lr"}`` of a spec (not stored), evaluated by the server."""
        result: dict[str, Any] = self._send(self._spec_lr(spec, step)).json()
        return result

    def livez(self) -> dict[str, Any]:
        """``{"status": "ok"}`` while the process serves (no database involved)."""
        result: dict[str, Any] = self._send(_Request("GET", "/livez")).json()
        return result

    def metrics(self) -> str:
        """The Prometheus metrics, as text."""
        return self._send(_Request("GET", "/metrics")).text

    def ready(self) -> bool:
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

    async def _send(self, req: _Request) -> httpx.Response:
        delays = self.plan.delays()
        while True:
            response: httpx.Response | None = None
            try:
                response = await self.http.request(**self._args(req))
                if response.status_code in req.ok:
                    return response
                if not _retryable(response.status_code):
                    raise _error(response)
            except httpx.TransportError:
                delay = next(delays, None)
                if delay is None:
                    raise
                await asyncio.sleep(delay)
                continue
            delay = next(delays, None)
            if delay is None:
                raise _error(response)
            await asyncio.sleep(_Plan.retry_after(response, delay))

    async def put_schedule(
        self, name: str, spec: Any, description: str = "", *, if_match: str | None = None, force: bool = False
    ) -> dict[str, Any]:
        response = await self._send(self._put_schedule(name, spec, description, if_match, force))
        result: dict[str, Any] = response.json()
        return result

    async def get_schedule(
        self, name: str, *, step: int | None = None, horizon: int | None = None, etag: str | None = None
    ) -> dict[str, Any] | None:
        response = await self._send(self._get_schedule(name, step, horizon, etag))
        if response.status_code == 304:
            return None
        result: dict[str, Any] = response.json()
        return result

    async def add_revision(
        self,
        name: str,
        spec: Any,
        effective_from_step: int,
        comment: str = "",
        *,
        force: bool = False,
        if_match: str | None = None,
    ) -> dict[str, Any]:
        req = self._add_revision(name, spec, effective_from_step, comment, force, if_match)
        result: dict[str, Any] = (await self._send(req)).json()
        return result

    async def delete_schedule(self, name: str, if_match: str) -> None:
        await self._send(_Request("DELETE", f"/v1/schedules/{name}", headers={"If-Match": if_match}))

    async def list_schedules(self, *, limit: int = 100, after: str | None = None) -> dict[str, Any]:
        params: dict[str, Any] = {"limit": limit, **({"after": after} if after else {})}
        result: dict[str, Any] = (await self._send(_Request("GET", "/v1/schedules", params=params))).json()
        return result

    async def lr(self, name: str, step: int) -> dict[str, Any]:
        req = _Request("GET", f"/v1/schedules/{name}/lr", params={"step": step})
        result: dict[str, Any] = (await self._send(req)).json()
        return result

    async def table(
        self,
        spec: Any,
        start: int = 0,
        stop: int | None = None,
        stride: int = 1,
        steps: list[int] | None = None,
    ) -> dict[str, Any]:
        result: dict[str, Any] = (await self._send(self._table(spec, start, stop, stride, steps))).json()
        return result

    async def schedule_table(self, name: str, stop: int, start: int = 0, stride: int = 1) -> dict[str, Any]:
        result: dict[str, Any] = (await self._send(self._schedule_table(name, stop, start, stride))).json()
        return result

    async def spec_lr(self, spec: Any, step: int) -> dict[str, Any]:
        result: dict[str, Any] = (await self._send(self._spec_lr(spec, step))).json()
        return result

    async def livez(self) -> dict[str, Any]:
        result: dict[str, Any] = (await self._send(_Request("GET", "/livez"))).json()
        return result

    async def metrics(self) -> str:
        return (await self._send(_Request("GET", "/metrics"))).text

    async def ready(self) -> bool:
        try:
            return (await self.http.get("/readyz", headers=self.headers)).status_code == 200
        except httpx.TransportError:
            return False
