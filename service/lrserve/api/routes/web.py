"""The web page at ``/``: static files shipped in the package (``service/lrserve/web/static``), no CDN."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter
from starlette.responses import FileResponse
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


def static_files() -> StaticFiles:
    return StaticFiles(directory=STATIC)
