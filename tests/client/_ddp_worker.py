"""One rank of a tiny DDP job (gloo, CPU) whose LR comes from RemoteLRScheduler; run by test_torch.py.

``python tests/client/_ddp_worker.py CONFIG.json RANK``. The config names the rendezvous port, the
server, the steps, and a control directory: at each step of ``pause_at`` rank 0 writes ``paused-<step>``
and waits for the test to write ``go-<step>`` (the other rank waits in DDP's all-reduce meanwhile). At
``checkpoint_at`` rank 0 saves a checkpoint; with ``resume`` the job starts from one. Each rank writes
``lrs-<rank>.json``: the LR of every param group at every step it trained, i.e. the LR that
``optimizer.step()`` used for that step.
"""

from __future__ import annotations

import json
import sys
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

import torch
import torch.distributed as dist
from lrserve.client import Status
from lrserve.client.torch import RemoteLRScheduler
from torch.nn.parallel import DistributedDataParallel


def wait_for(path: Path, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while not path.exists():
        if time.monotonic() > deadline:
            raise TimeoutError(f"no {path.name} after {seconds} s")
        time.sleep(0.01)


def main(config: dict[str, Any], rank: int) -> None:
    torch.set_num_threads(1)
    started = time.monotonic()
    control = Path(config["control"])
    dist.init_process_group(
        "gloo",
        init_method=f"tcp://127.0.0.1:{config['port']}",
        rank=rank,
        world_size=config["world_size"],
        timeout=timedelta(seconds=60),
    )
    try:
        torch.manual_seed(0)
        model = DistributedDataParallel(torch.nn.Linear(4, 1))
        weight, bias = model.module.weight, model.module.bias
        # two groups: "absolute" mode writes the schedule's LR to both
        optimizer = torch.optim.SGD([{"params": [weight]}, {"params": [bias], "lr": 0.5}], lr=1.0)
        scheduler = RemoteLRScheduler(
            optimizer,
            config["url"],
            config["name"],
            token=config.get("token"),
            sync_every=config["sync_every"],
            horizon=config["horizon"],
            refresh_seconds=config["refresh_seconds"],
            timeout=2.0,
        )
        start = 0
        if config.get("resume"):
            checkpoint = torch.load(config["resume"])  # weights_only: the scheduler state is plain data
            model.module.load_state_dict(checkpoint["model"])
            optimizer.load_state_dict(checkpoint["optimizer"])
            scheduler.load_state_dict(checkpoint["scheduler"])
            start = scheduler.last_epoch
        generator = torch.Generator().manual_seed(rank)
        x = torch.randn(64, 4, generator=generator)
        y = x @ torch.tensor([[1.0], [-2.0], [0.5], [0.0]])
        lrs: dict[int, list[float]] = {}
        pinned: dict[int, str] = {}  # the step at which each copy (by ETag) came into force
        for step in range(start, config["steps"]):
            lrs[step] = [float(group["lr"]) for group in optimizer.param_groups]
            assert scheduler.copy is not None
            if scheduler.copy.etag not in pinned.values():
                pinned[step] = scheduler.copy.etag
            optimizer.zero_grad()
            torch.nn.functional.mse_loss(model(x), y).backward()
            optimizer.step()
            scheduler.step()
            done = step + 1  # the scheduler is now at this step
            if rank == 0 and done == config.get("checkpoint_at"):
                state = {
                    "model": model.module.state_dict(),
                    "optimizer": optimizer.state_dict(),
                    "scheduler": scheduler.state_dict(),
                }
                torch.save(state, control / "checkpoint.tmp")
                (control / "checkpoint.tmp").rename(control / "checkpoint.pt")
            if rank == 0 and done in config.get("pause_at", []):
                remote = scheduler.remote
                assert remote is not None
                info = {"revision": scheduler.revision, "promised_until": remote.copy.promised_until}
                (control / f"paused-{done}").write_text(json.dumps(info))
                wait_for(control / f"go-{done}", 60)
            time.sleep(config.get("sleep", 0.0))
        if rank == 0 and config.get("expect_stale"):
            # the server is gone: the background refresh fails (bounded wait: it runs every refresh_seconds)
            deadline = time.monotonic() + 10
            while scheduler.status is Status.READY and time.monotonic() < deadline:
                time.sleep(0.05)
        status = scheduler.status
        result = {
            "rank": rank,
            "lrs": lrs,
            "status": None if status is None else status.value,
            "revision": scheduler.revision,
            "pinned": pinned,
            "seconds": time.monotonic() - started,
            "last_lr": scheduler.get_last_lr(),
        }
        (control / f"lrs-{rank}.json").write_text(json.dumps(result))
        scheduler.close()
        dist.barrier()
    finally:
        dist.destroy_process_group()


if __name__ == "__main__":
    main(json.loads(Path(sys.argv[1]).read_text()), int(sys.argv[2]))
