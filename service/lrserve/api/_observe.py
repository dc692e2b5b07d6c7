"""Operations: Prometheus metrics, JSON access logs, and the request body limit, as pure ASGI middleware
(no ``BaseHTTPMiddleware``: it would cost the hot path a task and a queue per request)."""

from __future__ import annotations

import bisect
import json
import logging
import math
import re
import time
from collections.abc import Callable, Iterator

from prometheus_client import CollectorRegistry
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, HistogramMetricFamily, Metric
from prometheus_client.registry import Collector
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ..core import LRSError
from ._errors import problem

__all__ = ["BodyLimit", "Metrics", "Observe", "redact_query"]

access_log = logging.getLogger("lrs.access")


class _StateCollector(Collector):
    def __init__(self, count: Callable[[], int], cache: Callable[[], tuple[int, int]]) -> None:
        self.count, self.cache = count, cache

    def collect(self) -> Iterator[Metric]:
        try:
            schedules = float(self.count())
        except LRSError:  # the store is down: /readyz says so; the scrape still answers
            schedules = math.nan
        hits, misses = self.cache()
        yield GaugeMetricFamily("lrs_schedules", "Named schedules in the store.", value=schedules)
        yield CounterMetricFamily("lrs_cache_hits", "Reads answered from the compiled-schedule cache.", hits)
        yield CounterMetricFamily("lrs_cache_misses", "Reads that went to the store first.", misses)


#: Upper bounds (seconds) of the request latency histogram's buckets.
BUCKETS = (0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5)


class _Http(Collector):
    """Request counts and latencies, kept in plain dicts and turned into metric families at each scrape.

    Each worker serves requests on one event-loop thread, so the counts need no lock (prometheus_client's
    own Counter and Histogram take one per update: a fifth of the hot path's own time). A scrape, on
    another thread, reads snapshots (``dict.copy`` and ``list`` copies are atomic under the GIL).
    """

    def __init__(self) -> None:
        self.counts: dict[tuple[str, str, int], int] = {}
        #: Per (method, route): a count per bucket (the last one past every bound), then the sum.
        self.latencies: dict[tuple[str, str], list[float]] = {}

    def record(self, method: str, route: str, status: int, seconds: float) -> None:
        key = (method, route, status)
        self.counts[key] = self.counts.get(key, 0) + 1
        row = self.latencies.get(key[:2])
        if row is None:
            row = self.latencies[key[:2]] = [0.0] * (len(BUCKETS) + 2)
        row[bisect.bisect_left(BUCKETS, seconds)] += 1
        row[-1] += seconds

    def collect(self) -> Iterator[Metric]:
        requests = CounterMetricFamily(
            "lrs_http_requests", "HTTP requests.", labels=["method", "route", "status"]
        )
        for (method, route, status), count in self.counts.copy().items():
            requests.add_metric([method, route, str(status)], count)
        yield requests
        latency = HistogramMetricFamily(
            "lrs_http_request_duration_seconds", "HTTP request latency.", labels=["method", "route"]
        )
        for (method, route), row in self.latencies.copy().items():
            counts, total = list(row[:-1]), row[-1]
            cumulative, buckets = 0.0, []
            for bound, n in zip((*map(str, BUCKETS), "+Inf"), counts, strict=True):
                cumulative += n
                buckets.append((bound, cumulative))
            latency.add_metric([method, route], buckets, total)
        yield latency


class Metrics:
    """One registry per app (tests make many apps)."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.http = _Http()
        self.registry.register(self.http)

    def watch(self, count: Callable[[], int], cache: Callable[[], tuple[int, int]]) -> Callable[[], None]:
        """Report the number of schedules and the cache's ``(hits, misses)`` at each scrape, until the
        returned function is called (an app's lifespan may run more than once)."""
        collector = _StateCollector(count, cache)
        self.registry.register(collector)
        return lambda: self.registry.unregister(collector)


class Observe:
    """Counts and times every request by route template; optionally logs it as one JSON line."""

    def __init__(self, app: ASGIApp, metrics: Metrics, log_requests: bool) -> None:
        self.app, self.record, self.log_requests = app, metrics.http.record, log_requests

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        start = time.perf_counter()
        status = 500

        async def send_status(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_status)
        finally:
            elapsed = time.perf_counter() - start
            route = scope.get("route")
            template = getattr(route, "path", None) or "(unmatched)"
            method = scope["method"]
            self.record(method, template, status, elapsed)
            if self.log_requests:
                client = scope.get("client")
                access_log.info(
                    json.dumps(
                        {
                            "ts": time.time(),
                            "method": method,
                            "path": scope["path"],
                            "query": redact_query(scope["query_string"].decode("latin-1")),
                            "route": template,
                            "status": status,
                            "duration_ms": round(elapsed * 1000, 3),
                            "client": client[0] if client else None,
                        }
                    )
                )


#: A query parameter whose name says it holds a secret (``token``, ``access_token``, ``api_key``, ...).
_SECRET_PARAM = re.compile(r"(?i)((?:^|&)[^=&]*(?:token|secret|password|passwd|key|auth)[^=&]*=)[^&]*")


def redact_query(query: str) -> str:
    """A query string as it may be logged: the value of each secret-looking parameter shown as ``***``.

    >>> redact_query("step=5&token=abc&api_key=x")
    'step=5&token=***&api_key=***'
    """
    return _SECRET_PARAM.sub(r"\1***", query)


class BodyLimit:
    """Refuse request bodies over ``limit`` bytes with 413, before any of it is parsed."""

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app, self.limit = app, limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] in ("GET", "HEAD", "OPTIONS"):
            await self.app(scope, receive, send)
            return
        for key, value in scope["headers"]:
            if key == b"content-length" and value.isdigit() and int(value) > self.limit:
                await self._refuse(scope, receive, send)
                return
        chunks, size, more = [], 0, True
        while more:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.limit:
                await self._refuse(scope, receive, send)
                return
            chunks.append(chunk)
            more = message.get("more_body", False)
        body, sent = b"".join(chunks), False

        async def replay() -> Message:
            nonlocal sent
            if not sent:
                sent = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)

    async def _refuse(self, scope: Scope, receive: Receive, send: Send) -> None:
        response = problem(
            413,
            "body-too-large",
            f"the request body is over the limit of {self.limit} bytes",
            scope["path"],
            limit=self.limit,
        )
        await response(scope, receive, send)
