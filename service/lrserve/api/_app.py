"""The app factory. Resources (store, tokens, cache, metrics) are made in the lifespan, never at import."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import re
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import yaml
from fastapi import FastAPI
from fastapi.routing import APIRoute
from starlette.concurrency import run_in_threadpool
from starlette.types import ASGIApp, Receive, Scope, Send

from .. import __version__
from .._engine import SpecError, parse_spec
from ..store import AlreadyExists, PromiseBroken, Store, open_store
from . import _errors
from ._auth import Tokens, ensure_admin_token
from ._deps import Resources
from ._models import NAME_PATTERN
from ._observe import BodyLimit, Metrics, Observe
from ._registry import Registry
from ._settings import Settings
from .routes import evaluate, ops, plot, schedules, web

__all__ = ["apply_schedules_file", "configure_logging", "create_app"]

log = logging.getLogger("lrs")

DESCRIPTION = """Learning-rate schedules, defined once, served to every rank of every job.

Send a spec and get the LR at a step or a whole table (`/v1/table`, `/v1/lr`), or keep named schedules
(`/v1/schedules`) that operators can change from a future step on, safely: a step that was served once
keeps its LR. Writes need `Authorization: Bearer <admin token>`. Errors are RFC 9457 problem details."""


def apply_schedules_file(store: Store, path: Path) -> list[str]:
    """Create or update the schedules a YAML/JSON file declares; returns what it did, one line each.

    The file maps names to ``{"schedule": SPEC, "description": "...", "force": false}``. A changed spec
    replaces the current one, which is refused (and the server does not start) once steps were served,
    unless that entry says ``force: true``.
    """
    text = path.read_text()
    data: Any = json.loads(text) if path.suffix == ".json" else yaml.safe_load(text)
    entries = data.get("schedules", data) if isinstance(data, dict) else None
    if not isinstance(entries, dict):
        raise ValueError(f"{path}: expected a mapping of schedule names to entries")
    done = []
    for name, entry in entries.items():
        where = f"{path}: schedule {name!r}"
        if not isinstance(name, str) or not re.match(NAME_PATTERN, name):
            raise ValueError(f"{where}: a name must match {NAME_PATTERN}")
        if not isinstance(entry, dict) or "schedule" not in entry:
            raise ValueError(f"{where}: expected {{schedule: SPEC, description: TEXT}}")
        unknown = set(entry) - {"schedule", "description", "force"}
        if unknown:
            raise ValueError(f"{where}: unknown fields {sorted(unknown)}")
        spec, description, force = (
            entry["schedule"],
            str(entry.get("description", "")),
            bool(entry.get("force")),
        )
        try:
            parse_spec(spec)
        except SpecError as exc:
            raise ValueError(f"{where}: {exc}") from None
        try:
            store.create(name, spec, description)
            done.append(f"created {name}")
            continue
        except AlreadyExists:
            pass
        current = store.get(name)
        if current.current.spec == spec and current.description == description:
            done.append(f"unchanged {name}")
            continue
        try:
            store.replace(name, spec, description, if_match=current.version, force=force)
        except PromiseBroken as exc:
            raise ValueError(
                f"{where}: {exc}. Add a revision through the API instead, or set force: true in the file"
            ) from None
        done.append(f"updated {name}")
    return done


def create_app(settings: Settings | None = None) -> FastAPI:
    """A new app; ``settings`` default to the environment (``LRS_*``). The store, tokens and cache are
    made when the app starts (its lifespan) and closed when it stops."""
    cfg = settings or Settings()

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        configure_logging(cfg.log_level)
        store = await run_in_threadpool(open_store, cfg.resolved_database_url)
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
        docs_url="/docs",
        redoc_url=None,
    )
    app.state.metrics = Metrics()

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            doc = FastAPI.openapi(app)
            doc["components"]["schemas"]["Problem"] = _errors.Problem.model_json_schema()
        return app.openapi_schema  # type: ignore[return-value]

    app.openapi = openapi  # type: ignore[method-assign]
    _errors.install(app)
    app.include_router(ops.router)
    app.include_router(evaluate.router)
    app.include_router(plot.router)
    app.include_router(web.router)
    app.mount("/static", web.static_files(), name="static")
    app.lr_route = schedules.add_lean_routes(app)
    app.include_router(schedules.router)
    app.add_middleware(BodyLimit, limit=cfg.max_body_bytes)
    app.add_middleware(Observe, metrics=app.state.metrics, log_requests=cfg.access_log)
    app.lean = Observe(schedules.lean_lr, app.state.metrics, cfg.access_log)
    return app


class App(FastAPI):
    """FastAPI, with the hot route (``GET /v1/schedules/{name}/lr``) dispatched before FastAPI's own
    router and middleware stack, which cost several times the handler itself (``benchmarks/http.py``).
    Only the metrics and access log wrap it; it handles its own errors in the same problem format."""

    lr_route: APIRoute
    lean: ASGIApp

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] == "GET":
            match = schedules.LR_PATH.match(scope["path"])
            if match is not None:
                scope["app"] = self
                scope["path_params"] = {"name": match.group(1)}
                scope["route"] = self.lr_route
                await self.lean(scope, receive, send)
                return
        await super().__call__(scope, receive, send)


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
