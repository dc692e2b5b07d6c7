"""The app factory. Resources (store, tokens, cache, metrics) are made in the lifespan, never at import."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
from collections.abc import AsyncIterator
from typing import Any

from fastapi import FastAPI
from starlette.concurrency import run_in_threadpool
from starlette.middleware.exceptions import ExceptionMiddleware
from starlette.types import ASGIApp

from .. import __version__
from ..store import open_store
from . import _errors, _openapi
from ._auth import Tokens, ensure_admin_token
from ._deps import Resources
from ._observe import BodyLimit, Metrics, Observe
from ._serving import Registry, apply_schedules_file
from ._settings import Settings
from .routes import evaluate, lr, ops, plot, schedules, web

__all__ = ["configure_logging", "create_app"]

log = logging.getLogger("lrs")

DESCRIPTION = """Learning-rate schedules, defined once, served to every rank of every job.

Send a spec and get the LR at a step or a whole table (`/v1/table`, `/v1/lr`), or keep named schedules
(`/v1/schedules`) that operators can change from a future step on, safely: a step that was served once
keeps its LR. Writes need `Authorization: Bearer <admin token>`. Errors are RFC 9457 problem details."""


def create_app(settings: Settings | None = None) -> FastAPI:
    """A new app; ``settings`` default to the environment (``LRS_*``). The store, tokens and cache are
    made when the app starts (its lifespan) and closed when it stops."""
    cfg = settings or Settings()

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        configure_logging(cfg.log_level)
        url, timeout = cfg.resolved_database_url, cfg.database_timeout
        store = await run_in_threadpool(lambda: open_store(url, timeout=timeout))
        try:
            admin = cfg.admin_token or ensure_admin_token(cfg.data_dir)
            if cfg.schedules_file is not None:
                for line in await run_in_threadpool(apply_schedules_file, store, cfg.schedules_file):
                    log.info("schedules file: %s", line)
            registry = Registry(store)
            metrics = app.state.metrics
            unwatch = metrics.watch(store.count, lambda: (registry.hits, registry.misses))
            app.state.lrs = Resources(cfg, store, registry, Tokens(admin, cfg.read_token), metrics)
            refresher = asyncio.create_task(_refresh(registry, cfg.cache_refresh_seconds))
            log.info("lrs ready (pid %d)", os.getpid())
            try:
                yield
            finally:
                unwatch()
                refresher.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await refresher
        finally:
            store.close()
            log.info("lrs stopped (pid %d): store closed", os.getpid())

    app = App(
        title="lrs",
        version=__version__,
        description=DESCRIPTION,
        lifespan=lifespan,
        docs_url=None,  # Swagger UI is served from the package's own copy (routes/web.py)
        redoc_url=None,
        telemetry={"tracing": cfg.opentelemetry, "metrics": cfg.opentelemetry, "logs": cfg.opentelemetry},
        # one schema per model for requests and responses: a response echoes the spec as sent
        separate_input_output_schemas=False,
        # operation ids are the endpoints' names (read_schedule): generated clients name functions so
        generate_unique_id_function=lambda route: route.name,
    )
    app.state.metrics = Metrics()

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = _openapi.finish(app, FastAPI.openapi(app))
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
    _errors.install(app)
    app.lr_route = lr.add_route(app)
    app.include_router(ops.router)
    app.include_router(evaluate.router)
    app.include_router(plot.router)
    app.include_router(web.router)
    app.mount("/static", web.static_files(), name="static")
    app.include_router(schedules.router)
    app.add_middleware(BodyLimit, limit=cfg.max_body_bytes)
    app.add_middleware(Observe, metrics=app.state.metrics, log_requests=cfg.access_log)
    return app


class App(FastAPI):
    """FastAPI, with :class:`~.routes.lr.HotPath` right inside its error mapping (so inside every
    middleware)."""

    lr_route: lr.LrRoute

    def build_middleware_stack(self) -> ASGIApp:
        stack = super().build_middleware_stack()
        layer: Any = stack
        while not isinstance(layer, ExceptionMiddleware):
            layer = layer.app  # each middleware holds the app it wraps as .app (Starlette's convention)
        layer.app = lr.HotPath(layer.app, self.lr_route)
        return stack


def configure_logging(level: str) -> None:
    """Plain lines on stderr for the ``lrs`` logger (each worker process sets up its own)."""
    logger = logging.getLogger("lrs")
    logger.setLevel(level.upper())
    if not logger.handlers:
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(message)s"))
        logger.addHandler(handler)
        logger.propagate = False


async def _refresh(registry: Registry, every: float) -> None:
    while True:
        await asyncio.sleep(every)
        try:
            await registry.refresh()
        except Exception:
            log.exception("cache refresh failed; retrying in %s s", every)
