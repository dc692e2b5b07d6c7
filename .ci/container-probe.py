"""Probe a running lrs container: health, an authenticated write, the hot path and a raw table.

Run by .ci/run through ../shared/tools/container-check, which sets LRS_CONTAINER_URL; the admin token
is the one the container was started with (LRS_ADMIN_TOKEN). Standard library only, so any python3
runs it. Prints one line per check and exits 1 if any failed.
"""

from __future__ import annotations

import ast
import json
import math
import os
import struct
import sys
import urllib.error
import urllib.request
from typing import Any

BASE = os.environ.get("LRS_CONTAINER_URL", "http://127.0.0.1:8000").rstrip("/")
TOKEN = os.environ.get("LRS_ADMIN_TOKEN", "")
NAME = "probe"
BASE_LR, MIN_LR, T_MAX = 0.1, 0.001, 10
SPEC = {"kind": "cosine_annealing", "base_lr": BASE_LR, "min_lr": MIN_LR, "t_max": T_MAX}
EXPECTED_LR = {0: 0.1, 5: 0.0505, 10: 0.001}
TOL = 1e-12

failures: list[str] = []


def check(ok: bool, what: str, detail: str = "") -> bool:
    print(f"{'ok  ' if ok else 'FAIL'} {what}" + (f" ({detail})" if detail else ""), flush=True)
    if not ok:
        failures.append(what)
    return ok


def request(
    method: str, path: str, body: Any = None, headers: dict[str, str] | None = None
) -> tuple[int, dict[str, str], bytes]:
    """One HTTP exchange; HTTP error statuses (and 0 for no answer) are returned, not raised."""
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(BASE + path, data=data, method=method, headers=dict(headers or {}))
    if data is not None:
        req.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(req, timeout=10) as resp:
            return resp.status, {k.lower(): v for k, v in resp.headers.items()}, resp.read()
    except urllib.error.HTTPError as err:
        return err.code, {k.lower(): v for k, v in err.headers.items()}, err.read()
    except OSError as err:  # refused, reset, timed out: no HTTP answer at all (status 0)
        return 0, {}, repr(err).encode()


def as_json(raw: bytes) -> Any:
    try:
        return json.loads(raw)
    except ValueError:
        return None


def parse_npy(raw: bytes) -> tuple[str, tuple[int, ...], list[float]]:
    """Read a version 1/2/3 .npy of a little-endian float64 array: (descr, shape, values)."""
    if raw[:6] != b"\x93NUMPY":
        raise ValueError(f"not an .npy (starts {raw[:8]!r})")
    major = raw[6]
    if major == 1:
        (hlen,), start = struct.unpack("<H", raw[8:10]), 10
    else:
        (hlen,), start = struct.unpack("<I", raw[8:12]), 12
    header = ast.literal_eval(raw[start : start + hlen].decode("latin1"))
    descr, shape = header["descr"], tuple(header["shape"])
    if header.get("fortran_order"):
        raise ValueError("fortran_order")
    if descr != "<f8":  # what numpy writes for float64 on any little-endian machine
        return descr, shape, []
    payload = raw[start + hlen :]
    n = math.prod(shape)
    if len(payload) != 8 * n:
        raise ValueError(f"payload is {len(payload)} bytes for {n} float64")
    return descr, shape, list(struct.unpack(f"<{n}d", payload))


def cosine(step: int) -> float:
    return MIN_LR + (BASE_LR - MIN_LR) * (1 + math.cos(math.pi * step / T_MAX)) / 2


def main() -> int:
    print(f"probing {BASE}")
    if not check(bool(TOKEN), "LRS_ADMIN_TOKEN is set for the probe"):
        return 1
    auth = {"Authorization": f"Bearer {TOKEN}"}

    for path in ("/livez", "/readyz"):
        status, _, raw = request("GET", path)
        check(status == 200, f"GET {path} -> 200", f"{status} {raw[:200]!r}")

    body = {"schedule": SPEC, "description": "probe"}

    # A write without a token must be refused, before anything exists under that name.
    status, headers, raw = request("PUT", f"/v1/schedules/{NAME}", body)
    check(status == 401, "PUT without a token -> 401", f"{status} {raw[:200]!r}")
    ctype = headers.get("content-type", "")
    check(ctype.startswith("application/problem+json"), "the 401 is application/problem+json", ctype)

    # Create (201); if a previous probe left it there, replace it with If-Match (200).
    put_headers = dict(auth)
    status, headers, _ = request("GET", f"/v1/schedules/{NAME}", headers=auth)
    if status == 200 and "etag" in headers:
        put_headers["If-Match"] = headers["etag"]
    status, headers, raw = request("PUT", f"/v1/schedules/{NAME}", body, put_headers)
    check(
        status in (200, 201),
        f"PUT /v1/schedules/{NAME} with the admin token -> 201/200",
        f"{status} {raw[:300]!r}",
    )
    check("etag" in headers, "the PUT answer has an ETag", headers.get("etag", "none"))

    for step, want in EXPECTED_LR.items():
        status, _, raw = request("GET", f"/v1/schedules/{NAME}/lr?step={step}")
        doc = as_json(raw)
        lr = doc.get("lr") if isinstance(doc, dict) else None
        ok = (
            status == 200
            and isinstance(lr, float | int)
            and abs(lr - want) <= TOL
            and doc.get("step") == step
            and doc.get("name") == NAME
            and "revision" in doc
        )
        check(ok, f"GET /v1/schedules/{NAME}/lr?step={step} -> lr {want}", f"{status} {raw[:200]!r}")

    status, headers, raw = request(
        "GET", f"/v1/schedules/{NAME}/table?start=0&stop=11", headers={"Accept": "application/x-npy"}
    )
    ctype = headers.get("content-type", "")
    if check(status == 200, "GET table?start=0&stop=11 as application/x-npy -> 200", f"{status} {ctype}"):
        check(ctype.startswith("application/x-npy"), "the table's Content-Type is application/x-npy", ctype)
        try:
            descr, shape, values = parse_npy(raw)
        except (ValueError, KeyError, SyntaxError, struct.error) as err:
            check(False, "the table parses as .npy", str(err))
        else:
            check(descr == "<f8", "the table's dtype is float64", descr)
            check(shape == (11,), "the table has 11 rows", str(shape))
            worst = max((abs(v - cosine(i)) for i, v in enumerate(values)), default=math.inf)
            check(worst <= TOL, "the table matches the closed-form cosine", f"max error {worst:.3g}")
        try:  # the same bytes through numpy too, when this python has it (the project's venv does)
            import io

            import numpy as np
        except ImportError:
            print("     (numpy not importable here: the stdlib .npy reader above stands alone)")
        else:
            try:
                arr = np.load(io.BytesIO(raw), allow_pickle=False)
            except ValueError as err:
                check(False, "numpy loads the table", str(err))
            else:
                check(
                    arr.dtype == np.float64 and arr.shape == (11,),
                    "numpy loads it as float64[11]",
                    str(arr.dtype),
                )

    # the web page and a plot ship in the image (static files of the package, no CDN)
    status, headers, raw = request("GET", "/")
    ctype = headers.get("content-type", "")
    check(status == 200 and ctype.startswith("text/html"), "GET / -> the web page", f"{status} {ctype}")
    check(b"static/app.js" in raw, "the page loads its own script", raw[:120].decode(errors="replace"))
    for asset in ("/static/app.js", "/static/vendor/uPlot.iife.min.js", "/static/vendor/uPlot.LICENSE"):
        status, _, raw = request("GET", asset)
        check(status == 200 and len(raw) > 100, f"GET {asset} -> 200", f"{status} {len(raw)} bytes")
    status, headers, raw = request("GET", f"/v1/schedules/{NAME}/plot.svg")
    ctype = headers.get("content-type", "")
    ok = status == 200 and raw.startswith(b"<svg")
    check(ok, f"GET /v1/schedules/{NAME}/plot.svg -> SVG", f"{status} {ctype}")

    print(f"{len(failures)} failed" if failures else "container probe: all checks passed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
