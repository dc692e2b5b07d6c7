"""The PyTorch adapter's ``step()`` beside ``torch.optim.lr_scheduler.CosineAnnealingLR.step()``.

    python benchmarks/client.py [--steps 20000] [--rounds 5]

Starts ``lrs serve`` on a free loopback port with a ``cosine_annealing`` schedule, then times, in the same
run and alternating, ``scheduler.step()`` of ``RemoteLRScheduler`` and of torch's own
``CosineAnnealingLR`` on the same optimizer shape, and ``RemoteSchedule.lr(step)`` alone. Target of
issue 4: the adapter's step is not slower than torch's. Needs torch (``pip install -e '.[torch]'``).
"""

from __future__ import annotations

import sys
from pathlib import Path

# Run as a script, this directory is sys.path[0], and its http.py would shadow the standard library's
# http package (which httpx needs): take it off.
if sys.path and Path(sys.path[0] or ".").resolve() == Path(__file__).resolve().parent:
    del sys.path[0]

import argparse
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
import torch
from lrserve.client import Client, RemoteSchedule
from lrserve.client.torch import RemoteLRScheduler

ROOT = Path(__file__).resolve().parents[1]
TOKEN = "bench"
SPEC = {"kind": "cosine_annealing", "base_lr": 0.1, "min_lr": 0.001, "t_max": 10**6}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def per_step_ns(step: object, steps: int) -> float:
    start = time.perf_counter_ns()
    for _ in range(steps):
        step()  # type: ignore[operator]
    return (time.perf_counter_ns() - start) / steps


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=20_000)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    env = {**{k: v for k, v in os.environ.items() if not k.startswith("LRS_")}, "LRS_ADMIN_TOKEN": TOKEN}
    with tempfile.TemporaryDirectory() as tmp:
        argv = [sys.executable, "-m", "lrserve", "serve", "--port", str(port), "--data-dir", tmp]
        server = subprocess.Popen(
            argv, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        try:
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline:
                try:
                    if httpx.get(url + "/readyz", timeout=1).status_code == 200:
                        break
                except httpx.TransportError:
                    time.sleep(0.1)
            with Client(url, TOKEN) as client:
                client.put_schedule("bench", SPEC)
            ours_ns, torch_ns, lr_ns = [], [], []
            # a horizon past the run: the benchmark times step(), not refetches
            remote = RemoteSchedule(url, "bench", horizon=10**7, background=False)
            param = torch.nn.Parameter(torch.zeros(10))
            for _ in range(args.rounds):
                opt = torch.optim.SGD([param], lr=0.1)
                ours = RemoteLRScheduler(opt, remote=remote)
                ours_ns.append(per_step_ns(ours.step, args.steps))
                opt = torch.optim.SGD([param], lr=0.1)
                theirs = torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=10**6, eta_min=0.001)
                torch_ns.append(per_step_ns(theirs.step, args.steps))
                step = iter(range(10**9))
                lr_ns.append(per_step_ns(lambda s=step: remote.lr(next(s)), args.steps))
            remote.close()
        finally:
            server.terminate()
            server.wait(15)
    o, t, r = statistics.median(ours_ns), statistics.median(torch_ns), statistics.median(lr_ns)
    print(f"torch {torch.__version__}, Python {sys.version.split()[0]}, {os.cpu_count()} cores")
    print(f"{args.steps} steps x {args.rounds} rounds, alternating; medians per step:")
    print(f"  RemoteLRScheduler.step()          {o / 1000:8.2f} us")
    print(f"  CosineAnnealingLR.step() (torch)  {t / 1000:8.2f} us")
    print(f"  RemoteSchedule.lr(step) alone     {r / 1000:8.2f} us")
    verdict = "not slower: target met" if o <= t else "slower: target missed"
    print(f"  adapter / torch = {o / t:.2f}  ({verdict})")


if __name__ == "__main__":
    main()
