"""The reference for ``benchmarks/http.py``: a bare Starlette app, one route returning constant JSON.

It answers the same URL as our hot path (``GET /v1/schedules/{name}/lr?step=N``) so that both servers are
loaded with the same request; it ignores the name and the step. Served exactly as our server is:

    python -m uvicorn benchmarks._bare:app --port P --workers W --loop uvloop --http httptools --no-access-log
"""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route


async def lr(request: Request) -> JSONResponse:
    return JSONResponse({"lr": 0.1})


app = Starlette(routes=[Route("/v1/schedules/{name}/lr", lr)])
