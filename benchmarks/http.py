"""HTTP speed of the service beside a bare Starlette endpoint, served and loaded the same way, in one run.

    python benchmarks/http.py                  # 5 s per wrk run, 5 rounds
    python benchmarks/http.py --quick          # 2 s per run, 1 round, fewer table requests
    python benchmarks/http.py --duration 10 --rounds 3
    python benchmarks/http.py --bare-only      # only the bare reference (no lrs server needed)

It needs ``wrk`` as the load generator (``apt-get update && apt-get install -y wrk``): a Python client
saturates before the server does on 2 cores. Every server is a subprocess on 127.0.0.1 on a free port,
stopped at the end whatever happens; every run and every request is bounded in time.

It prints, side by side:
- ``GET /v1/schedules/{name}/lr?step=N`` (the hot path): requests/s and p50/p99 latency at 1 and 64
  connections (wrk -t1 / -t2, ``--latency``, a warm-up run, then a measured run), with 1 and 2 uvicorn
  workers, for our server (``lrs serve``) and for the bare Starlette route of ``benchmarks/_bare.py`` (uvicorn
  ``--loop uvloop --http httptools --no-access-log``, same worker count), and the ratio ours/bare of
  requests/s (median over rounds of back-to-back pairs; the two servers alternate which goes first).
  Beside it, the server's CPU time per request (all its processes, from /proc) and the ratio bare/ours
  of that: a figure that a shared, noisy machine disturbs much less than req/s.
- ``POST /v1/table`` for 1e4 and 1e6 steps, as JSON and as .npy (``Accept: application/x-npy``), over one
  keep-alive connection: client wall time (median, p90) and the server's own time from its
  ``Server-Timing: app;dur=<ms>`` header (median), or client time only when the header is missing; beside
  them, the same table evaluated in this process and ``np.cos(x, out=y)`` over as many floats, for scale.
Targets: the bare route's server CPU per request over ours >= 0.80 (median of the rounds; 1 worker, 64
connections is the figure to quote); a 1e6-step table <= 15 ms as .npy and <= 60 ms as JSON (server time).
The markdown tables at the end can be pasted into the docs.
"""

# ruff: noqa: E402
from __future__ import annotations

import sys
from pathlib import Path

# This file is named http.py: run as a script, its directory is sys.path[0] and would shadow the standard
# library's ``http`` package (http.client is used below). Drop that entry before importing anything.
_HERE = Path(__file__).resolve().parent
if sys.path and Path(sys.path[0] or ".").resolve() == _HERE:
    del sys.path[0]

import argparse
import contextlib
import http.client
import json
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

ROOT = _HERE.parent
NAME = "bench"
STEP = 123_457
TOKEN = "bench"
SPEC: dict[str, Any] = {
    "kind": "warmup_cosine",
    "base_lr": 0.1,
    "warmup_steps": 5000,
    "decay_steps": 10_000_000,
    "min_lr": 1e-6,
}
LR_PATH = f"/v1/schedules/{NAME}/lr?step={STEP}"
UVICORN_OPTS = ["--loop", "uvloop", "--http", "httptools", "--no-access-log"]
#: The target: bare/ours server CPU per request (median over rounds), 1 worker, 64 connections.
TARGET_RATIO = 0.80
#: Server-time targets (ms) for POST /v1/table, by (format, steps).
TABLE_TARGETS = {("npy", 1_000_000): 15.0, ("json", 1_000_000): 60.0}
ACCEPT = {"json": "application/json", "npy": "application/x-npy"}
WRK_MISSING = (
    "wrk not found on PATH. This benchmark uses wrk as its load generator (a Python client saturates "
    "before the server on 2 cores). Install it with:\n"
    "    apt-get update && apt-get install -y wrk      (Debian/Ubuntu; brew install wrk on macOS)"
)


# --------------------------------------------------------------------------------------------- servers
@dataclass
class Server:
    label: str
    proc: subprocess.Popen[bytes]
    port: int
    log: Path

    def log_tail(self, lines: int = 30) -> str:
        try:
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no log)"


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def _request(
    port: int,
    method: str,
    path: str,
    body: bytes | None = None,
    headers: dict[str, str] | None = None,
    timeout: float = 30.0,
) -> tuple[int, dict[str, str], bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        resp = conn.getresponse()
        return resp.status, {k.lower(): v for k, v in resp.getheaders()}, resp.read()
    finally:
        conn.close()


def _stop(server: Server) -> None:
    """Terminate, then kill; also whatever is left of the session we started (uvicorn's worker processes)."""
    proc = server.proc
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(proc.pid, signal.SIGKILL)
            with contextlib.suppress(subprocess.TimeoutExpired):
                proc.wait(timeout=5)
    # The session (process group) is ours: start_new_session made the server its leader.
    for sig in (signal.SIGTERM, signal.SIGKILL):
        try:
            os.killpg(proc.pid, 0)
        except (ProcessLookupError, PermissionError):
            return
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(proc.pid, sig)
        time.sleep(1.0)


@contextlib.contextmanager
def _serve(
    label: str, argv: list[str], env: dict[str, str], workdir: Path, ready_path: str, timeout: float
) -> Iterator[Server]:
    log = workdir / f"{label.replace(' ', '_')}.log"
    with log.open("wb") as fh:
        proc = subprocess.Popen(
            argv,
            cwd=ROOT,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=fh,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    server = Server(label, proc, int(argv[argv.index("--port") + 1]), log)
    try:
        _wait_ready(server, ready_path, timeout)
        yield server
    finally:
        _stop(server)


def _wait_ready(server: Server, path: str, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    last = "no answer"
    while time.monotonic() < deadline:
        rc = server.proc.poll()
        if rc is not None:
            raise RuntimeError(
                f"{server.label} exited with code {rc} before it was ready. Log:\n{server.log_tail()}"
            )
        try:
            status, _, _ = _request(server.port, "GET", path, timeout=2.0)
            if status == 200:
                return
            last = f"HTTP {status}"
        except OSError as exc:
            last = repr(exc)
        time.sleep(0.1)
    raise RuntimeError(
        f"{server.label} not ready after {timeout:.0f} s (GET {path}: {last}). Log:\n{server.log_tail()}"
    )


def _base_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("LRS_")}
    env["PYTHONUNBUFFERED"] = "1"
    return env


def _bare(
    python: Path, workers: int, workdir: Path, timeout: float
) -> contextlib.AbstractContextManager[Server]:
    port = _free_port()
    argv = [str(python), "-m", "uvicorn", "benchmarks._bare:app", "--host", "127.0.0.1", "--port", str(port)]
    argv += ["--workers", str(workers), *UVICORN_OPTS]
    return _serve(f"bare w{workers}", argv, _base_env(), workdir, LR_PATH, timeout)


@contextlib.contextmanager
def _ours(lrs: Path, workers: int, workdir: Path, timeout: float) -> Iterator[Server]:
    port = _free_port()
    data_dir = workdir / f"data-w{workers}"
    data_dir.mkdir()
    argv = [str(lrs), "serve", "--host", "127.0.0.1", "--port", str(port), "--workers", str(workers)]
    argv += ["--data-dir", str(data_dir)]
    env = _base_env() | {"LRS_ADMIN_TOKEN": TOKEN, "LRS_ACCESS_LOG": "false"}
    with _serve(f"ours w{workers}", argv, env, workdir, "/livez", timeout) as server:
        _create_schedule(server, workers)
        yield server


def _create_schedule(server: Server, workers: int) -> None:
    body = json.dumps({"schedule": SPEC, "description": "benchmarks/http.py"}).encode()
    headers = {"Content-Type": "application/json", "Authorization": f"Bearer {TOKEN}"}
    status, _, data = _request(server.port, "PUT", f"/v1/schedules/{NAME}", body, headers)
    if status not in (200, 201):
        raise RuntimeError(f"PUT /v1/schedules/{NAME} -> {status}: {data[:500]!r}")
    # Warm the step we load, so it is cached; new connections spread over the workers.
    for _ in range(10 * workers):
        status, _, data = _request(server.port, "GET", LR_PATH)
        if status != 200 or b'"lr"' not in data:
            raise RuntimeError(f"GET {LR_PATH} -> {status}: {data[:500]!r}")


# ------------------------------------------------------------------------------------------------- wrk
@dataclass
class WrkResult:
    rps: float
    p50_ms: float
    p99_ms: float
    requests: int
    errors: int  # non-2xx/3xx responses + socket errors
    cpu_us: float | None = None  # server CPU time (all its processes) per request, microseconds


_UNIT_MS = {"us": 1e-3, "ms": 1.0, "s": 1e3, "m": 60e3, "h": 3600e3}


def _ms(text: str) -> float:
    m = re.fullmatch(r"([\d.]+)(us|ms|s|m|h)", text.strip())
    if not m:
        raise ValueError(f"unparsable wrk latency {text!r}")
    return float(m.group(1)) * _UNIT_MS[m.group(2)]


def _parse_wrk(out: str) -> WrkResult:
    def find(pattern: str) -> str:
        m = re.search(pattern, out, re.MULTILINE)
        if not m:
            raise ValueError(f"wrk output lacks {pattern!r}:\n{out}")
        return m.group(1)

    errors = 0
    if m := re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out):
        errors += int(m.group(1))
    if m := re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out):
        errors += sum(int(g) for g in m.groups())
    return WrkResult(
        rps=float(find(r"^Requests/sec:\s+([\d.]+)")),
        p50_ms=_ms(find(r"^\s+50%\s+(\S+)\s*$")),
        p99_ms=_ms(find(r"^\s+99%\s+(\S+)\s*$")),
        requests=int(find(r"^\s*(\d+) requests in")),
        errors=errors,
    )


def _cpu_seconds(pgid: int) -> float | None:
    """User + system CPU time of the processes of a process group (Linux /proc), in seconds."""
    ticks = 0
    try:
        pids = [p for p in os.listdir("/proc") if p.isdigit()]
    except OSError:
        return None
    for pid in pids:
        try:
            with open(f"/proc/{pid}/stat") as fh:
                stat = fh.read()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2 :].split()  # from field 3 (state) on
        if int(fields[2]) == pgid:  # field 5: pgrp; 14, 15: utime, stime
            ticks += int(fields[11]) + int(fields[12])
    return ticks / os.sysconf("SC_CLK_TCK")


def _measure(server: Server, conns: int, seconds: int) -> WrkResult:
    before = _cpu_seconds(server.proc.pid)
    result = _wrk(server.port, conns, seconds)
    after = _cpu_seconds(server.proc.pid)
    if before is not None and after is not None and result.requests:
        result.cpu_us = (after - before) / result.requests * 1e6
    return result


def _wrk(port: int, conns: int, seconds: int) -> WrkResult:
    threads = 1 if conns == 1 else 2
    url = f"http://127.0.0.1:{port}{LR_PATH}"
    argv = ["wrk", f"-t{threads}", f"-c{conns}", f"-d{seconds}s", "--latency", "--timeout", "5s", url]
    done = subprocess.run(argv, capture_output=True, text=True, timeout=seconds + 30, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(argv)} -> exit {done.returncode}:\n{done.stdout}{done.stderr}")
    return _parse_wrk(done.stdout)


@dataclass
class LoadRow:
    workers: int
    conns: int
    runs: dict[str, list[WrkResult]] = field(default_factory=lambda: {"ours": [], "bare": []})

    def med(self, who: str, attr: str) -> float | None:
        values = [v for r in self.runs[who] if (v := getattr(r, attr)) is not None]
        return statistics.median(values) if values else None

    def cpu_ratio(self) -> float | None:
        """bare/ours server CPU per request (median over rounds of the two runs made back to back in a
        round): what the req/s ratio would be on otherwise idle cores. The target is on this figure, which
        a shared, noisy machine disturbs much less than req/s."""
        pairs = zip(self.runs["ours"], self.runs["bare"], strict=False)
        ratios = [b.cpu_us / o.cpu_us for o, b in pairs if o.cpu_us and b.cpu_us]
        return statistics.median(ratios) if ratios else None

    def errors(self, who: str) -> int:
        return sum(r.errors for r in self.runs[who])

    def ratio(self) -> float | None:
        """Median over rounds of ours/bare, each from the two runs made back to back in that round."""
        pairs = zip(self.runs["ours"], self.runs["bare"], strict=False)
        ratios = [o.rps / b.rps for o, b in pairs if b.rps > 0]
        return statistics.median(ratios) if ratios else None


def _fmt_run(who: str, r: WrkResult) -> str:
    err = f"  ERRORS {r.errors}/{r.requests}" if r.errors else ""
    cpu = f"  server CPU {r.cpu_us:6.1f} us/req" if r.cpu_us is not None else ""
    return f"{who:5} {r.rps:10,.0f} req/s  p50 {r.p50_ms:7.3f} ms  p99 {r.p99_ms:7.3f} ms{cpu}{err}"


def _load(
    servers: dict[str, Server], workers: int, conns_list: list[int], args: argparse.Namespace
) -> list[LoadRow]:
    rows = [LoadRow(workers, c) for c in conns_list]
    for rnd in range(args.rounds):
        order = sorted(servers, reverse=rnd % 2 == 1)  # bare first in even rounds, ours first in odd ones
        for row in rows:
            for who in order:
                _wrk(servers[who].port, row.conns, args.warmup)  # warm-up, discarded
                result = _measure(servers[who], row.conns, args.duration)
                row.runs[who].append(result)
                print(
                    f"  workers={workers} c={row.conns:<3} round {rnd + 1}: {_fmt_run(who, result)}",
                    flush=True,
                )
    for row in rows:
        ratio, cpu = row.ratio(), row.cpu_ratio()
        if cpu is not None:
            verdict = "ok" if cpu >= TARGET_RATIO else f"MISSES {TARGET_RATIO:.2f}"
            print(
                f"  workers={workers} c={row.conns:<3} bare/ours server CPU per request = {cpu:.2f} "
                f"({verdict}); ours/bare req/s = {_opt(ratio, '.2f')}",
                flush=True,
            )
    return rows


# ----------------------------------------------------------------------------------------------- table
@dataclass
class TableRow:
    steps: int
    fmt: str
    wall_ms: list[float]
    server_ms: list[float]
    nbytes: int
    timing_missing: bool
    eval_ms: float | None = None  # the same table evaluated in this process (no HTTP, no encoding)
    cos_ms: float | None = None  # np.cos(x, out=y) over as many float64: numpy's floor, for scale

    def target(self) -> float | None:
        return TABLE_TARGETS.get((self.fmt, self.steps))


def _server_timing(header: str | None) -> float | None:
    """The ``dur`` of the ``app`` metric of a Server-Timing header, in ms."""
    for metric in (header or "").split(","):
        name, *params = (p.strip() for p in metric.split(";"))
        if name == "app":
            for p in params:
                key, _, value = p.partition("=")
                if key.strip() == "dur":
                    with contextlib.suppress(ValueError):
                        return float(value.strip().strip('"'))
    return None


def _check_table(fmt: str, steps: int, ctype: str, data: bytes) -> None:
    if fmt == "npy":
        # .npy v1/v2/v3 magic; float64 payload of `steps` values after the header.
        if not data.startswith(b"\x93NUMPY") or len(data) < 8 * steps:
            raise RuntimeError(
                f"POST /v1/table as .npy: not a .npy of {steps} float64 ({ctype}, {len(data)} B)"
            )
    else:
        obj = json.loads(data)
        if not isinstance(obj, dict) or len(obj.get("lr", ())) != steps:
            raise RuntimeError(f"POST /v1/table as JSON: expected {steps} lr values ({ctype})")


def _table(port: int, steps: int, fmt: str, requests: int) -> TableRow:
    body = json.dumps({"schedule": SPEC, "start": 0, "stop": steps, "stride": 1}).encode()
    headers = {"Content-Type": "application/json", "Accept": ACCEPT[fmt]}
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    walls: list[float] = []
    servers: list[float] = []
    missing = False
    nbytes = 0
    try:
        for i in range(requests + 1):  # the first is a warm-up (and is checked), not counted
            t0 = time.perf_counter()
            conn.request("POST", "/v1/table", body=body, headers=headers)
            resp = conn.getresponse()
            data = resp.read()
            wall = (time.perf_counter() - t0) * 1e3
            if resp.status != 200:
                raise RuntimeError(f"POST /v1/table ({steps} steps, {fmt}) -> {resp.status}: {data[:500]!r}")
            if i == 0:
                _check_table(fmt, steps, resp.getheader("content-type", "?"), data)
                nbytes = len(data)
                continue
            walls.append(wall)
            dur = _server_timing(resp.getheader("server-timing"))
            if dur is None:
                missing = True
            else:
                servers.append(dur)
    finally:
        conn.close()
    return TableRow(steps, fmt, walls, [] if missing else servers, nbytes, missing)


def _p90(xs: list[float]) -> float:
    return statistics.quantiles(xs, n=10, method="inclusive")[8] if len(xs) > 1 else xs[0]


def _best_ms(fn: Callable[[], object], repeat: int = 5) -> float:
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best * 1e3


def _eval_ms(steps: int) -> tuple[float | None, float | None]:
    """Best of 5 of evaluating the same table in this process (the server's floor before encoding), and
    of ``np.cos(x, out=y)`` over as many float64 (numpy's floor, the scale of this machine right now)."""
    try:
        import numpy as np
        from lrserve import compile_spec
    except ImportError:
        return None, None
    schedule = compile_spec(SPEC)
    t = np.arange(steps, dtype=np.int64)
    x = np.linspace(0.0, 3.0, steps)
    y = np.empty_like(x)
    return _best_ms(lambda: schedule(t)), _best_ms(lambda: np.cos(x, out=y))


def _tables(port: int, requests: int) -> list[TableRow]:
    rows = []
    for steps in (10_000, 1_000_000):
        eval_ms, cos_ms = _eval_ms(steps)
        for fmt in ("json", "npy"):
            row = _table(port, steps, fmt, requests)
            row.eval_ms, row.cos_ms = eval_ms, cos_ms
            rows.append(row)
            server = (
                f"server p50 {statistics.median(row.server_ms):7.2f} ms"
                if row.server_ms
                else "server n/a (no Server-Timing: app;dur header; client time only)"
            )
            wall = statistics.median(row.wall_ms)
            print(
                f"  POST /v1/table {steps:>9,} steps {fmt:4}: client p50 {wall:7.2f} ms"
                f"  p90 {_p90(row.wall_ms):7.2f} ms  {server}  core eval {_opt(eval_ms, '.2f')} ms"
                f"  ({row.nbytes / 1e6:.2f} MB)",
                flush=True,
            )
    return rows


# ---------------------------------------------------------------------------------------------- report
def _facts(python: Path) -> dict[str, str]:
    code = (
        "import json, platform, importlib.metadata as m\n"
        "v = {'python': platform.python_version()}\n"
        "for d in ('uvicorn', 'uvloop', 'httptools', 'starlette', 'fastapi'):\n"
        "    try: v[d] = m.version(d)\n"
        "    except m.PackageNotFoundError: v[d] = 'missing'\n"
        "print(json.dumps(v))"
    )
    done = subprocess.run([str(python), "-c", code], capture_output=True, text=True, timeout=60, check=True)
    facts: dict[str, str] = json.loads(done.stdout)
    facts["nproc"] = str(len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count())
    wrk = subprocess.run(["wrk", "--version"], capture_output=True, text=True, timeout=10, check=False)
    m = re.search(r"wrk\s+(\S+)", wrk.stdout + wrk.stderr)
    facts["wrk"] = m.group(1) if m else "?"
    facts["load"] = _loadavg()
    return facts


def _loadavg() -> str:
    return f"{os.getloadavg()[0]:.2f}" if hasattr(os, "getloadavg") else "?"


def _opt(x: float | None, spec: str) -> str:
    return "—" if x is None else format(x, spec)


LOAD_HEAD = (
    "| workers | connections | ours req/s | bare req/s | ours/bare "
    "| ours p50 / p99 ms | bare p50 / p99 ms | server CPU µs/req ours / bare | bare/ours CPU |\n"
    "|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
)
TABLE_HEAD = (
    "| steps | format | client p50 ms | client p90 ms | server p50 ms | core eval ms | np.cos ms | body MB "
    "| target (server time) |\n"
    "|---:|---|---:|---:|---:|---:|---:|---:|---|"
)


def _load_line(row: LoadRow) -> str:
    ratio, cpu = row.ratio(), row.cpu_ratio()
    mark = "" if cpu is None or cpu >= TARGET_RATIO else " ✗"
    cells = [str(row.workers), str(row.conns)]
    for who in ("ours", "bare"):
        err = f" ({row.errors(who)} errors)" if row.errors(who) else ""
        cells.append(_opt(row.med(who, "rps"), ",.0f") + err)
    cells.append(_opt(ratio, ".2f"))
    cells += [
        f"{_opt(row.med(w, 'p50_ms'), '.2f')} / {_opt(row.med(w, 'p99_ms'), '.2f')}" for w in ("ours", "bare")
    ]
    cells.append(f"{_opt(row.med('ours', 'cpu_us'), '.0f')} / {_opt(row.med('bare', 'cpu_us'), '.0f')}")
    cells.append(_opt(cpu, ".2f") + mark)
    return "| " + " | ".join(cells) + " |"


def _table_line(t: TableRow) -> str:
    server = f"{statistics.median(t.server_ms):.2f}" if t.server_ms else "n/a"
    target = t.target()
    verdict = ""
    if target is not None:
        value = statistics.median(t.server_ms) if t.server_ms else statistics.median(t.wall_ms)
        verdict = f"<= {target:.0f} ms: {'ok' if value <= target else 'MISS'}"
        if not t.server_ms:
            verdict += " (client time)"
    fmt = ".npy" if t.fmt == "npy" else "JSON"
    wall = f"{statistics.median(t.wall_ms):.2f} | {_p90(t.wall_ms):.2f}"
    rest = f"{_opt(t.eval_ms, '.2f')} | {_opt(t.cos_ms, '.2f')} | {t.nbytes / 1e6:.2f} | {verdict}"
    return f"| {t.steps:,} | {fmt} | {wall} | {server} | {rest} |"


def _report(
    facts: dict[str, str], args: argparse.Namespace, load: list[LoadRow], tables: list[TableRow]
) -> None:
    f = facts
    print("\n## HTTP benchmark (`python benchmarks/http.py`)\n")
    print(
        f"nproc {f['nproc']}, Python {f['python']}, uvicorn {f['uvicorn']} (uvloop {f['uvloop']}, "
        f"httptools {f['httptools']}), Starlette {f['starlette']}, FastAPI {f['fastapi']}, wrk {f['wrk']}. "
        "Loopback; wrk shares the cores with the server; wrk -t1 at 1 connection, -t2 at 64; "
        f"{args.duration} s per run after a {args.warmup} s warm-up; median of {args.rounds} round(s), "
        f"ours and bare alternating. 1-min load average {f['load']} before the run, {_loadavg()} after "
        "(the benchmark itself adds about 2)."
    )
    if load:
        print(
            f"\n`GET {LR_PATH}`: ours (`lrs serve`) beside a bare Starlette route (`benchmarks/_bare.py`)\n"
        )
        print(LOAD_HEAD)
        for row in load:
            print(_load_line(row))
        print(
            "\nRatios: medians over rounds of the two back-to-back runs of a round. Server CPU: user + "
            "system time of all the server's processes during the run, per request (from /proc; wrk's "
            "own CPU not counted); bare/ours CPU is the req/s ratio to expect when the server, not the "
            f"machine, is the limit. Target: bare/ours CPU >= {TARGET_RATIO:.2f} (✗ marks a miss)."
        )
    if tables:
        print(
            f"\n`POST /v1/table`, one keep-alive connection, {args.requests} requests each after a warm-up\n"
        )
        print(TABLE_HEAD)
        for t in tables:
            print(_table_line(t))
        if any(t.timing_missing for t in tables):
            print(
                "\nThe server sent no `Server-Timing: app;dur=<ms>` header: server time n/a, "
                "targets checked against client wall time."
            )
        else:
            print("\nServer time: the `Server-Timing: app;dur=<ms>` header of each response.")
        print(
            f"core eval: the same table (`{SPEC['kind']}`) evaluated in the benchmark's process, best of 5: "
            "the part of the server time that is not HTTP or encoding; np.cos: `np.cos(x, out=y)` over as "
            "many float64, numpy's floor (8.7 ms at 1e6 on an idle machine of this kind)."
        )


# ------------------------------------------------------------------------------------------------ main
def _venv_bin(arg: str | None) -> Path:
    candidates = [Path(arg) / "bin"] if arg else [Path(sys.executable).parent, ROOT / ".venv" / "bin"]
    for c in candidates:
        if (c / "python").exists():
            return c
    sys.exit(f"no Python venv found in {', '.join(map(str, candidates))} (use --venv)")


def _sigterm(signum: int, frame: Any) -> None:
    raise SystemExit(128 + signum)  # unwinds through the context managers: servers are stopped


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="2 s runs, 1 round, 8 table requests")
    parser.add_argument("--duration", type=int, default=None, help="seconds per measured wrk run (default 5)")
    parser.add_argument("--warmup", type=int, default=1, help="seconds of wrk warm-up before each run")
    parser.add_argument(
        "--rounds", type=int, default=None, help="rounds of runs; median reported (default 5)"
    )
    parser.add_argument(
        "--requests", type=int, default=None, help="POST /v1/table requests each (default 20)"
    )
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--connections", type=int, nargs="+", default=[1, 64])
    parser.add_argument("--bare-only", action="store_true", help="only the bare Starlette reference")
    parser.add_argument("--venv", default=None, help="venv holding lrs and uvicorn (default: this one)")
    parser.add_argument("--start-timeout", type=float, default=30.0, help="seconds for a server to be ready")
    args = parser.parse_args()
    args.duration = args.duration or (2 if args.quick else 5)
    args.rounds = args.rounds or (1 if args.quick else 5)
    args.requests = args.requests or (8 if args.quick else 20)
    if min(args.duration, args.warmup, args.rounds, args.requests) < 1:
        parser.error("--duration, --warmup, --rounds and --requests must be >= 1")
    if shutil.which("wrk") is None:
        sys.exit(WRK_MISSING)
    vbin = _venv_bin(args.venv)
    python, lrs = vbin / "python", vbin / "lrs"
    if not args.bare_only and not lrs.exists():
        sys.exit(f"{lrs} not found: pip install -e '.[server]' into the venv, or use --bare-only")
    signal.signal(signal.SIGTERM, _sigterm)

    facts = _facts(python)
    load: list[LoadRow] = []
    tables: list[TableRow] = []
    try:
        with tempfile.TemporaryDirectory(prefix="lrs-bench-http-") as tmp:
            workdir = Path(tmp)
            for workers in args.workers:
                print(f"workers={workers}: starting servers", flush=True)
                with contextlib.ExitStack() as stack:
                    bare = stack.enter_context(_bare(python, workers, workdir, args.start_timeout))
                    servers = {"bare": bare}
                    if not args.bare_only:
                        servers["ours"] = stack.enter_context(
                            _ours(lrs, workers, workdir, args.start_timeout)
                        )
                    load += _load(servers, workers, args.connections, args)
                    if "ours" in servers and not tables:
                        tables = _tables(servers["ours"].port, args.requests)
    except (RuntimeError, OSError, subprocess.TimeoutExpired) as exc:
        sys.exit(f"benchmark failed: {exc}")
    _report(facts, args, load, tables)


if __name__ == "__main__":
    main()
