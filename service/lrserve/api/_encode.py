"""Tables as JSON (orjson), CSV or ``.npy``, chosen by the ``Accept`` header.

Floats are written in their shortest round-trip form (JSON and CSV), or as raw float64 (``.npy``), so a
client reads back exactly the numbers the core computed.
"""

from __future__ import annotations

import io

import numpy as np
import orjson
from starlette.responses import Response

from ..core import FloatArray, IntArray

__all__ = ["CSV", "JSON", "NPY", "TABLE_TYPES", "json_response", "negotiate", "npy_buffer", "table_response"]

JSON, CSV, NPY = "application/json", "text/csv", "application/x-npy"
TABLE_TYPES = (JSON, CSV, NPY)
_OPTS = orjson.OPT_SERIALIZE_NUMPY


def json_response(content: object, status_code: int = 200, headers: dict[str, str] | None = None) -> Response:
    return Response(orjson.dumps(content, option=_OPTS), status_code, headers, media_type=JSON)


def negotiate(accept: str | None) -> str | None:
    """The table type for an ``Accept`` header (JSON for none or ``*/*``); None when nothing fits."""
    if not accept:
        return JSON
    best, best_q = None, 0.0
    for part in accept.split(","):
        kind, *params = (p.strip() for p in part.split(";"))
        q = 1.0
        for param in params:
            key, _, value = param.partition("=")
            if key.strip() == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        kind = kind.lower()
        match = JSON if kind in ("*/*", "application/*") else ("text/csv" if kind == "text/*" else kind)
        if match in TABLE_TYPES and q > best_q:
            best, best_q = match, q
    return best


def npy_buffer(rows: int) -> tuple[memoryview, FloatArray]:
    """A whole ``.npy`` file of ``rows`` float64 and a view of its data part: the core writes the table
    straight into the response body (a 1e6-row table is 8 MB; each copy of it costs page faults)."""
    header = io.BytesIO()
    np.lib.format.write_array_header_1_0(
        header,
        {
            "descr": np.lib.format.dtype_to_descr(np.dtype(np.float64)),
            "fortran_order": False,
            "shape": (rows,),
        },
    )
    offset = len(header.getvalue())  # a multiple of 64: the data is aligned
    body = bytearray(offset + 8 * rows)
    body[:offset] = header.getvalue()
    return memoryview(body), np.frombuffer(body, dtype=np.float64, offset=offset)


def table_response(steps: IntArray, lr: FloatArray, media_type: str, headers: dict[str, str]) -> Response:
    """A JSON (``{"steps", "lr"}``) or CSV table (a ``.npy`` is made by :func:`npy_buffer`)."""
    if media_type == CSV:
        step_text = orjson.dumps(steps, option=_OPTS)[1:-1].split(b",")
        lr_text = orjson.dumps(lr, option=_OPTS)[1:-1].split(b",")
        rows = (
            b"\n".join([b"%b,%b" % pair for pair in zip(step_text, lr_text, strict=True)])
            if steps.size
            else b""
        )
        body = b"step,lr\n" + rows + (b"\n" if steps.size else b"")
        return Response(body, headers=headers, media_type="text/csv; charset=utf-8")
    body = orjson.dumps({"steps": steps, "lr": lr}, option=_OPTS)
    return Response(body, headers=headers, media_type=JSON)
