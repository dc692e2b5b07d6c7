"""The web page at ``/`` and Swagger UI at ``/docs``: static files shipped in the package
(``service/lrserve/web/static``), no CDN; every static file is sent with
``X-Content-Type-Options: nosniff``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import APIRouter
from fastapi.openapi.docs import get_swagger_ui_html
from starlette.responses import FileResponse, HTMLResponse, Response
from starlette.staticfiles import StaticFiles

__all__ = ["STATIC", "router", "static_files"]

STATIC = Path(__file__).resolve().parents[2] / "web" / "static"
#: The page loads only its own files and talks only to this server.
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'"
)

router = APIRouter(include_in_schema=False)


@router.get("/")
async def read_index() -> FileResponse:
    headers = {
        "Content-Security-Policy": CSP,
        "Cache-Control": "no-cache",
        "X-Content-Type-Options": "nosniff",
    }
    return FileResponse(STATIC / "index.html", media_type="text/html; charset=utf-8", headers=headers)


@router.get("/docs")
async def read_swagger_ui() -> HTMLResponse:
    """Swagger UI over ``/openapi.json``, from the package's own copy (``static/vendor``)."""
    return get_swagger_ui_html(
        openapi_url="/openapi.json",
        title="lrs - Swagger UI",
        swagger_js_url="/static/vendor/swagger-ui-bundle.js",
        swagger_css_url="/static/vendor/swagger-ui.css",
        swagger_favicon_url="/static/vendor/swagger-favicon-32x32.png",
    )


class _StaticFiles(StaticFiles):
    def file_response(self, *args: Any, **kwargs: Any) -> Response:
        response = super().file_response(*args, **kwargs)
        response.headers["X-Content-Type-Options"] = "nosniff"  # served as the type it says, never sniffed
        return response


def static_files() -> StaticFiles:
    return _StaticFiles(directory=STATIC)
