"""RemoteLRScheduler against a real server: exact LRs in both modes, checkpoints, no network in step(),
and a 2-rank DDP job (gloo) that takes a live revision, outlives the server and resumes without it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from lrserve import evaluate  # noqa: E402
from lrserve.client import Client, ConflictError, RemoteSchedule, Status  # noqa: E402
from lrserve.client.torch import RemoteLRScheduler  # noqa: E402

from .._server import ADMIN, REPO, Server, free_port  # noqa: E402

WARMUP_COSINE = {
    "kind": "warmup_cosine",
    "base_lr": 0.1,
    "warmup_steps": 30,
    "decay_steps": 270,
    "min_lr": 1e-4,
}
LINEAR = {"kind": "linear", "start_lr": 0.2, "end_lr": 0.01, "steps": 400}
CONSTANT = {"kind": "constant", "lr": 0.05}
WORKER = Path(__file__).with_name("_ddp_worker.py")


@pytest.fixture
def client(server: Server) -> Iterator[Client]:
    with Client(server.url, ADMIN) as c:
        yield c


def schedule(client: Client, spec: dict[str, Any]) -> str:
    name = f"torch-{uuid.uuid4().hex[:10]}"
    client.put_schedule(name, spec)
    return name


def optimizer(*lrs: float) -> Any:
    """SGD over one tiny parameter per group, group i starting at lrs[i]."""
    groups = [{"params": [torch.nn.Parameter(torch.zeros(2))], "lr": lr} for lr in lrs]
    return torch.optim.SGD(groups)


def train(opt: Any, scheduler: RemoteLRScheduler, steps: int) -> list[list[float]]:
    """The LRs of every group at each step, as optimizer.step() used them."""
    seen = []
    for _ in range(steps):
        seen.append([group["lr"] for group in opt.param_groups])
        for group in opt.param_groups:
            group["params"][0].grad = torch.ones(2)
        opt.step()
        scheduler.step()
    return seen


# -- one process ---------------------------------------------------------------------------------------


def test_absolute_mode_writes_the_server_lr_to_every_group(client: Client, server: Server) -> None:
    name = schedule(client, WARMUP_COSINE)
    opt = optimizer(1.0, 0.5, 3.0)
    scheduler = RemoteLRScheduler(opt, server.url, name, sync_every=7, refresh_seconds=60)
    try:
        seen = train(opt, scheduler, 300)
        expected = evaluate(WARMUP_COSINE, np.arange(300))
        assert seen == [[lr] * 3 for lr in expected.tolist()]  # exactly: the same doubles
        assert scheduler.get_last_lr() == [evaluate(WARMUP_COSINE, 300).item()] * 3
        assert scheduler.last_epoch == 300
        assert scheduler.revision == 1
        assert scheduler.status is Status.READY
        assert scheduler.name == name
        with pytest.raises(TypeError, match="epoch"):
            scheduler.step(3)  # torch's deprecated form: not supported
        # the server's own answer for a step agrees too
        assert client.lr(name, 123).lr == seen[123][0]
    finally:
        scheduler.close()


def test_a_tensor_lr_is_filled_in_place(client: Client, server: Server) -> None:
    name = schedule(client, LINEAR)
    lr = torch.tensor(0.5)
    opt = torch.optim.SGD([torch.nn.Parameter(torch.zeros(2))], lr=lr)
    scheduler = RemoteLRScheduler(opt, server.url, name)
    seen = []
    try:
        for _ in range(5):
            seen.append(lr.item())
            train(opt, scheduler, 1)
    finally:
        scheduler.close()
    assert opt.param_groups[0]["lr"] is lr  # the optimizer's tensor, not a float in its place
    assert seen == evaluate(LINEAR, np.arange(5)).astype(np.float32).tolist()
    assert lr.item() == np.float32(evaluate(LINEAR, 5).item())


def test_scale_mode_keeps_each_groups_ratio(client: Client, server: Server) -> None:
    name = schedule(client, LINEAR)
    opt = optimizer(0.3, 0.003)
    scheduler = RemoteLRScheduler(opt, server.url, name, mode="scale", sync_every=10)
    try:
        seen = train(opt, scheduler, 50)
    finally:
        scheduler.close()
    lr, lr0 = evaluate(LINEAR, np.arange(50)).tolist(), evaluate(LINEAR, 0).item()
    assert seen == [[0.3 * (x / lr0), 0.003 * (x / lr0)] for x in lr]
    assert seen[0] == [0.3, 0.003]  # the groups start at their own LR


def test_scale_mode_refuses_a_schedule_that_starts_at_zero(client: Client, server: Server) -> None:
    name = schedule(client, {"kind": "linear", "start_lr": 0.0, "end_lr": 0.1, "steps": 10})
    with pytest.raises(ValueError, match="lr\\(0\\) > 0"):
        RemoteLRScheduler(optimizer(0.1), server.url, name, mode="scale")


def test_a_revision_switches_at_its_step_at_a_sync_boundary(client: Client, server: Server) -> None:
    """A RemoteSchedule passed in (no background thread): the revision is fetched at step 30 and pinned
    at the next multiple of sync_every, before the step it takes effect at."""
    name = schedule(client, LINEAR)
    opt = optimizer(1.0)
    with RemoteSchedule(server.url, name, horizon=40, background=False) as remote:
        scheduler = RemoteLRScheduler(opt, remote=remote, sync_every=10)
        seen = train(opt, scheduler, 30)
        with pytest.raises(ConflictError) as refused:
            client.add_revision(name, CONSTANT, 31)
        start = refused.value.smallest_allowed_step
        assert start == 41  # promised up to 0 + horizon
        client.add_revision(name, CONSTANT, start)
        assert remote.refresh(30)
        seen += train(opt, scheduler, 30)
        assert scheduler.copy is remote.copy  # pinned at step 40
        assert scheduler.revision == 2
        scheduler.close()
    expected = [evaluate(LINEAR, t).item() if t < start else 0.05 for t in range(60)]
    assert [lrs[0] for lrs in seen] == expected


def test_state_dict_round_trip_continues_the_same_lrs(client: Client, server: Server) -> None:
    name = schedule(client, LINEAR)
    opt = optimizer(1.0, 2.0)
    scheduler = RemoteLRScheduler(opt, server.url, name, mode="scale", sync_every=8)
    train(opt, scheduler, 45)
    state = json.loads(json.dumps(scheduler.state_dict()))  # plain data: JSON, or torch.load(weights_only)
    assert state["last_epoch"] == 45
    assert state["name"] == name
    assert state["revision"] == 1
    assert state["copy"]["schedule"]["revisions"][0]["schedule"] == LINEAR
    rest = train(opt, scheduler, 40)
    scheduler.close()

    opt2 = optimizer(1.0, 2.0)
    resumed = RemoteLRScheduler(opt2, server.url, name, mode="scale", sync_every=8)
    resumed.load_state_dict(state)
    assert resumed.last_epoch == 45
    try:
        assert train(opt2, resumed, 40) == rest
    finally:
        resumed.close()
    other = RemoteLRScheduler(optimizer(1.0, 2.0), server.url, name)
    try:
        with pytest.raises(ValueError, match="mode"):
            other.load_state_dict(state)
    finally:
        other.close()


def test_torch_checks_that_the_optimizer_steps_first(client: Client, server: Server) -> None:
    """The first step() after construction is torch's own, so torch's warning about the order of
    optimizer.step() and scheduler.step() is given as for its own schedulers."""
    name = schedule(client, LINEAR)
    opt = optimizer(1.0)
    scheduler = RemoteLRScheduler(opt, server.url, name)
    try:
        with pytest.warns(UserWarning, match="before `optimizer.step\\(\\)`"):
            scheduler.step()
        assert train(opt, scheduler, 3) == [[lr] for lr in evaluate(LINEAR, np.arange(1, 4)).tolist()]
        assert scheduler.get_last_lr() == [evaluate(LINEAR, 4).item()]
    finally:
        scheduler.close()


def test_get_last_lr_after_a_resume_is_the_resumed_steps(client: Client, server: Server) -> None:
    name = schedule(client, LINEAR)
    opt = optimizer(1.0, 2.0)
    scheduler = RemoteLRScheduler(opt, server.url, name, mode="scale")
    train(opt, scheduler, 12)
    state = scheduler.state_dict()
    scheduler.close()
    opt = optimizer(1.0, 2.0)
    resumed = RemoteLRScheduler(opt, server.url, name, mode="scale")
    try:
        resumed.load_state_dict(state)
        lr = evaluate(LINEAR, 12).item() / evaluate(LINEAR, 0).item()
        assert resumed.get_last_lr() == [group["lr"] for group in opt.param_groups] == [lr, 2.0 * lr]
        assert resumed.state_dict()["_step_count"] == state["_step_count"] == 13
    finally:
        resumed.close()


def test_step_makes_no_request(client: Client, server: Server) -> None:
    name = schedule(client, WARMUP_COSINE)
    opt = optimizer(1.0)
    scheduler = RemoteLRScheduler(opt, server.url, name, horizon=100_000, refresh_seconds=600, sync_every=10)
    try:
        before = schedule_reads(client)
        assert before >= 1  # the scheduler's own fetch is counted
        train(opt, scheduler, 2000)
        assert schedule_reads(client) == before  # its speed is measured in benchmarks/client.py
    finally:
        scheduler.close()


def schedule_reads(client: Client) -> float:
    text = client.http.get("/metrics").text
    total = 0.0
    for line in text.splitlines():
        if (
            line.startswith("lrs_http_requests_total{")
            and 'method="GET"' in line
            and "/v1/schedules/" in line
        ):
            total += float(line.rsplit(" ", 1)[1])
    assert "lrs_http_requests_total" in text
    return total


def test_server_down_at_construction(client: Client, server: Server) -> None:
    name = schedule(client, LINEAR)
    scheduler = RemoteLRScheduler(optimizer(1.0), server.url, name)
    train(scheduler.optimizer, scheduler, 10)
    state = scheduler.state_dict()
    scheduler.close()
    nowhere = f"http://127.0.0.1:{free_port()}"
    # nothing to resume from: the groups are left alone, and the first step() says why it cannot go on
    opt = optimizer(0.7)
    orphan = RemoteLRScheduler(opt, nowhere, name, timeout=0.5)
    try:
        assert opt.param_groups[0]["lr"] == 0.7
        assert orphan.status is Status.ERROR
        with pytest.raises(RuntimeError, match="no copy of schedule"):
            train(opt, orphan, 1)
    finally:
        orphan.close()
    # with a state dict, the same job resumes exactly
    opt = optimizer(0.7)
    resumed = RemoteLRScheduler(opt, nowhere, name, timeout=0.5, sync_every=3)
    try:
        resumed.load_state_dict(state)
        assert resumed.status is Status.STALE
        seen = train(opt, resumed, 20)
    finally:
        resumed.close()
    assert [lrs[0] for lrs in seen] == evaluate(LINEAR, np.arange(10, 30)).tolist()


def test_a_late_revision_is_applied_at_the_next_boundary_with_a_warning(
    client: Client, server: Server, caplog: pytest.LogCaptureFixture
) -> None:
    """A forced revision inside the promised horizon cannot reach every rank in time: it takes effect at
    the next sync boundary (on all ranks at once), and the scheduler says so."""
    name = schedule(client, LINEAR)
    opt = optimizer(1.0)
    with RemoteSchedule(server.url, name, horizon=40, background=False) as remote:
        scheduler = RemoteLRScheduler(opt, remote=remote, sync_every=10)
        seen = train(opt, scheduler, 12)
        client.add_revision(name, CONSTANT, 5, "forced", force=True)
        assert remote.refresh(12)
        with caplog.at_level("WARNING", logger="lrs.client"):
            seen += train(opt, scheduler, 18)
        scheduler.close()
    assert [lrs[0] for lrs in seen] == [evaluate(LINEAR, t).item() if t < 20 else 0.05 for t in range(30)]
    assert (
        "revision 2 of" in caplog.text
        and "effective from step 5, reached this job only at step 20" in caplog.text
    )


def test_a_checkpoint_carries_a_revision_fetched_but_not_yet_in_force(client: Client, server: Server) -> None:
    """Rank 0 fetched a revision but the job stopped before the next sync: the checkpoint holds that newer
    copy too, so a run resumed with the server down still switches before the revision's step."""
    name = schedule(client, LINEAR)
    opt = optimizer(1.0)
    with RemoteSchedule(server.url, name, horizon=40, background=False) as remote:
        scheduler = RemoteLRScheduler(opt, remote=remote, sync_every=10)
        train(opt, scheduler, 12)
        start = post_revision(client, name, CONSTANT, 13)
        assert start == 41
        assert remote.refresh(12)
        state = json.loads(json.dumps(scheduler.state_dict()))
        scheduler.close()
    assert state["revision"] == 1 and state["latest"] is not None
    opt = optimizer(1.0)
    resumed = RemoteLRScheduler(opt, f"http://127.0.0.1:{free_port()}", name, sync_every=10, timeout=0.5)
    try:
        resumed.load_state_dict(state)
        seen = train(opt, resumed, 48)
    finally:
        resumed.close()
    assert [lrs[0] for lrs in seen] == [evaluate(LINEAR, t).item() if t < 41 else 0.05 for t in range(12, 60)]


def test_bad_arguments() -> None:
    with pytest.raises(ValueError, match="mode"):
        RemoteLRScheduler(optimizer(1.0), "http://x", "y", mode="relative")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="sync_every"):
        RemoteLRScheduler(optimizer(1.0), "http://x", "y", sync_every=0)
    with pytest.raises(ValueError, match="url and name"):
        RemoteLRScheduler(optimizer(1.0))


# -- two ranks -----------------------------------------------------------------------------------------


def launch(config: dict[str, Any], control: Path) -> list[subprocess.Popen[bytes]]:
    control.mkdir(parents=True, exist_ok=True)
    path = control / "config.json"
    path.write_text(json.dumps(config))
    env = {**os.environ, "OMP_NUM_THREADS": "1"}
    procs = []
    for rank in range(config["world_size"]):
        log = (control / f"rank-{rank}.log").open("wb")
        procs.append(
            subprocess.Popen(
                [sys.executable, str(WORKER), str(path), str(rank)], cwd=REPO, env=env, stdout=log, stderr=log
            )
        )
        log.close()
    return procs


def logs(control: Path) -> str:
    return "\n".join(
        f"--- {p.name}\n{p.read_text(errors='replace')}" for p in sorted(control.glob("rank-*.log"))
    )


def wait_for(path: Path, procs: list[subprocess.Popen[bytes]], control: Path, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while not path.exists():
        failed = [p.returncode for p in procs if p.poll() not in (None, 0)]
        if failed or time.monotonic() > deadline:
            stop(procs)
            pytest.fail(f"waiting for {path.name}: exit codes {failed}\n{logs(control)}")
        time.sleep(0.02)


def finish(procs: list[subprocess.Popen[bytes]], control: Path, seconds: float = 60) -> list[dict[str, Any]]:
    deadline = time.monotonic() + seconds
    for proc in procs:
        try:
            proc.wait(max(deadline - time.monotonic(), 0.1))
        except subprocess.TimeoutExpired:
            stop(procs)
            pytest.fail(f"the job did not finish in {seconds} s\n{logs(control)}")
    codes = [p.returncode for p in procs]
    assert codes == [0] * len(procs), f"exit codes {codes}\n{logs(control)}"
    return [json.loads((control / f"lrs-{rank}.json").read_text()) for rank in range(len(procs))]


def stop(procs: list[subprocess.Popen[bytes]]) -> None:
    for proc in procs:
        if proc.poll() is None:
            proc.kill()
            proc.wait(10)


def post_revision(client: Client, name: str, spec: dict[str, Any], step: int) -> int:
    """Add a revision at ``step`` or, if the server has promised that far, at the first step it allows."""
    for _ in range(5):
        try:
            client.add_revision(name, spec, step, "live change")
            return step
        except ConflictError as exc:
            assert exc.smallest_allowed_step is not None
            step = exc.smallest_allowed_step
    raise AssertionError("the server kept moving its promise")


def expected_lrs(client: Client, name: str, steps: range) -> list[float]:
    """The LRs the server's history defines: each timeline piece's spec at the absolute step."""
    body = client.get_schedule(name)
    assert body is not None
    specs = {r.revision: r.schedule for r in body.revisions}
    starts = [(piece.from_step, specs[piece.revision]) for piece in body.timeline]
    out = []
    for step in steps:
        spec = [s for start, s in starts if start <= step][-1]
        out.append(evaluate(spec, step).item())
    return out


def test_ddp_ranks_apply_identical_lrs_through_a_revision_an_outage_and_a_resume(tmp_path: Path) -> None:
    # The checkpoint is taken once the revision is in force: a run resumed with the server down knows the
    # revisions its checkpoint knew (a later one reaches it when the server is back, at a sync boundary).
    steps, pause, kill_at, sync_every = 300, 120, 240, 10
    checkpoint_at = kill_at
    srv = Server(tmp_path / "data", env={"LRS_ADMIN_TOKEN": ADMIN}).start()
    procs: list[subprocess.Popen[bytes]] = []
    try:
        with Client(srv.url, ADMIN) as client:
            name = schedule(client, LINEAR)
            base = {
                "world_size": 2,
                "url": srv.url,
                "name": name,
                "steps": steps,
                "horizon": 100,
                "sync_every": sync_every,
                "refresh_seconds": 0.3,
                "sleep": 0.004,  # a training step takes time: the refresh thread runs meanwhile
            }
            control = tmp_path / "run"
            config = {**base, "port": free_port(), "control": str(control), "pause_at": [pause, kill_at]}
            config.update(checkpoint_at=checkpoint_at, expect_stale=True)
            procs = launch(config, control)

            # halfway: the operator changes the schedule at the first step the server still allows
            wait_for(control / f"paused-{pause}", procs, control)
            paused = json.loads((control / f"paused-{pause}").read_text())
            effective = post_revision(client, name, CONSTANT, pause + 1)
            why = f"revision at {effective}; at the pause {paused}"
            assert pause + 1 < effective <= pause + 100 + 1, why  # past rank 0's promised horizon
            (control / f"go-{pause}").touch()

            # later: the server dies; training goes on with the copy it has
            wait_for(control / f"paused-{kill_at}", procs, control)
            expected = expected_lrs(client, name, range(steps))
        srv.kill()
        (control / f"go-{kill_at}").touch()
        ranks = finish(procs, control)
        why += f"; pinned (step: ETag) {ranks[0]['pinned']} and {ranks[1]['pinned']}\n{logs(control)}"
        assert ranks[0]["lrs"] == ranks[1]["lrs"], why  # identical on both ranks at every step
        # both ranks pinned the revised copy at the same sync boundary, before its first step
        assert ranks[0]["pinned"] == ranks[1]["pinned"], why
        switched = [int(step) for step in ranks[0]["pinned"]]
        assert len(switched) == 2 and switched[0] == 0, why
        assert switched[1] % sync_every == 0 and switched[1] <= effective, why
        applied = [ranks[0]["lrs"][str(t)] for t in range(steps)]
        assert applied == [[lr, lr] for lr in expected], why  # both groups, exactly the server's numbers
        assert applied[effective - 1][0] == evaluate(LINEAR, effective - 1).item()
        assert applied[effective][0] == CONSTANT["lr"]  # the change took effect exactly at its step
        assert ranks[0]["status"] == "stale" and ranks[1]["status"] is None, why
        assert ranks[0]["revision"] == ranks[1]["revision"] == 2

        # resume from the checkpoint in a new job, with the server still down
        resumed_dir = tmp_path / "resumed"
        config = {
            **base,
            "port": free_port(),
            "control": str(resumed_dir),
            "resume": str(control / "checkpoint.pt"),
        }
        procs = launch(config, resumed_dir)
        again = finish(procs, resumed_dir)
        why = logs(resumed_dir)
        assert again[0]["lrs"] == again[1]["lrs"], why
        assert again[0]["status"] == "stale", why  # running on the checkpoint's copy
        assert list(again[0]["lrs"]) == [str(t) for t in range(checkpoint_at, steps)]
        assert [again[0]["lrs"][str(t)] for t in range(checkpoint_at, steps)] == applied[checkpoint_at:]
    finally:
        stop(procs)
        if srv.proc is not None and srv.proc.poll() is None:
            srv.kill()


# -- the example ---------------------------------------------------------------------------------------


def test_torch_loop_example(server: Server) -> None:
    done = subprocess.run(
        [sys.executable, str(REPO / "examples" / "torch_loop.py")],
        env={**os.environ, "LRS_URL": server.url, "LRS_TOKEN": ADMIN, "OMP_NUM_THREADS": "1"},
        capture_output=True,
        text=True,
        timeout=60,
        cwd=REPO,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    lines = [line.split() for line in done.stdout.splitlines() if line.startswith("step ")]
    assert len(lines) >= 10, done.stdout
    with Client(server.url, ADMIN) as client:
        body = client.get_schedule("example-torch")
    assert body is not None
    spec = body.schedule
    for _, step, _, lr, *_ in lines:
        assert float(lr) == evaluate(spec, int(step)).item(), done.stdout
