"""PyTorch: a named schedule as a ``torch.optim.lr_scheduler.LRScheduler``, identical on every rank.

::

    from lrserve.client.torch import RemoteLRScheduler

    scheduler = RemoteLRScheduler(optimizer, "http://lrs:8000", "resnet50", token=token)
    for batch in data:
        loss(batch).backward()
        optimizer.step()
        scheduler.step()

Like torch's own schedulers, construction sets every ``param_group["lr"]`` to the LR of step 0, and after
the n-th ``step()`` they hold the LR of step n (``last_epoch``). ``step()`` never touches the network: it
evaluates a *pinned* :class:`~lrserve.client.ScheduleCopy` (about a microsecond), while a
:class:`~lrserve.client.RemoteSchedule` refreshes in the background.

**Modes.** ``mode="absolute"`` (default) writes the schedule's LR to every group. ``mode="scale"`` keeps
the groups' ratios: group ``i`` gets ``initial_lr_i * (lr(t) / lr(0))``, its own ``initial_lr`` (the
``lr`` it had when the scheduler was built) times the schedule relative to its first value; ``lr(0)``
must then be positive (a warm-up from 0 needs ``"absolute"``).

**Distributed training.** When ``torch.distributed`` is initialised, only rank 0 talks to the server.
At construction, and then at every step that is a multiple of ``sync_every``, rank 0 broadcasts its
latest copy (``to_dict()``, through ``broadcast_object_list``) and every rank, rank 0 included, pins it
for the steps that follow: all ranks apply the same LR at every step, whatever their threads and the
network did. This loses no revision: the server refuses a revision effective at or before any step it has
promised, and rank 0 is promised ``horizon`` steps (default 1000) past its step, refetching when it
passes half of it. A revision made while rank 0's copy is promised up to step ``P`` therefore takes
effect after ``P``, and rank 0 fetches it from step ``P - horizon/2`` on; with ``sync_every`` below
``horizon/2`` (default 100 vs. 500) a sync boundary lies between that fetch and the revision's first step,
so every rank switches to it before it takes effect. (A forced revision, or a refresh that falls
behind, takes effect at the next boundary instead, on all ranks at once; a warning says so.) Every rank
calls ``step()`` the same number of times, as DDP already requires. Build the scheduler after
``init_process_group`` (with NCCL, after ``torch.cuda.set_device``, as ``broadcast_object_list`` needs).
Without ``torch.distributed`` the single process does the same, switching to its latest copy at the same
boundaries.

**Checkpoints.** ``state_dict()`` holds the step, the schedule's name, the revision in force and the
pinned copy (plus, on rank 0, a newer copy fetched since the last sync); ``load_state_dict()`` restores
the step and that copy (and writes its LRs to the groups), so a resumed run continues with exactly the
same LRs even when the server is down (load the same state dict on every rank); a revision the
checkpoint did not know yet reaches the run when the server is back, at a sync boundary. If the server
cannot be reached at construction, the scheduler leaves the groups' LRs alone, keeps trying to connect
in the background, and works from a loaded state dict; ``step()`` raises only when it has never had any
copy of the schedule (nothing loaded and the server never reached), so a job fails at its first step
rather than train on an LR nobody chose. Once a copy is pinned, network failures never reach
``step()``: the last good copy stays in force (``status`` says STALE).
"""

from __future__ import annotations

import dataclasses
import logging
import random
import threading
from collections.abc import Sequence
from typing import Any, Literal

from .._extras import missing_extra
from ..limits import etag_version

try:
    import torch.distributed as dist
    from torch import Tensor
    from torch.optim import Optimizer
    from torch.optim.lr_scheduler import LRScheduler
except ModuleNotFoundError as exc:
    raise missing_extra(exc, "torch", "lrserve.client.torch") from exc

from ._http import Client
from ._remote import RemoteSchedule, ScheduleCopy, Status

__all__ = ["RemoteLRScheduler"]

log = logging.getLogger("lrs.client")

Mode = Literal["absolute", "scale"]


class RemoteLRScheduler(LRScheduler):
    """Sets the optimizer's LRs from the named schedule ``name`` of the lrs server at ``url``.

    ``remote``: a :class:`RemoteSchedule` to use on rank 0 instead of creating one (then ``url``, ``name``,
    ``token`` and ``remote_kwargs`` are not needed; the caller closes it). ``remote_kwargs`` go to
    :class:`RemoteSchedule` (``horizon``, ``refresh_seconds``, ``cache_path``, ``timeout``, ...).
    Other ranks never connect: they may pass the same arguments, which they ignore.
    """

    def __init__(
        self,
        optimizer: Optimizer,
        url: str | None = None,
        name: str | None = None,
        *,
        token: str | None = None,
        mode: Mode = "absolute",
        sync_every: int = 100,
        remote: RemoteSchedule | None = None,
        **remote_kwargs: Any,
    ) -> None:
        if mode not in ("absolute", "scale"):
            raise ValueError(f"mode must be 'absolute' or 'scale', not {mode!r}")
        if not isinstance(sync_every, int) or sync_every < 1:
            raise ValueError(f"sync_every must be a positive integer, not {sync_every!r}")
        self.mode: Mode = mode
        self.sync_every = sync_every
        self._distributed = dist.is_available() and dist.is_initialized()
        self._rank = dist.get_rank() if self._distributed else 0
        self._url, self._name, self._token = url, name, token
        self._remote_kwargs = remote_kwargs
        self._remote: RemoteSchedule | None = None
        self._owns_remote = False
        self._copy: ScheduleCopy | None = None
        self._candidate: ScheduleCopy | None = None  # rank 0: a newer copy from a loaded state dict
        self._reference = 1.0  # lr(0) of the pinned copy, for mode "scale"
        self._last_error: str | None = None
        self._init_error: str | None = None
        self._closed = threading.Event()
        self._connector: threading.Thread | None = None
        self._torch_checked = False  # the first step() after construction is torch's own (its checks)
        self._last_values: list[float] | None = None  # what get_last_lr() returns, unless torch stepped
        if self._rank == 0:
            self._start(remote)
        # LRScheduler.__init__ records initial_lr and takes the first step (step 0), whose sync hands
        # rank 0's copy, or its error, to every rank.
        self._constructing = True
        try:
            super().__init__(optimizer)
        except BaseException:
            self.close()
            raise
        self._constructing = False

    # -- rank 0: the connection -----------------------------------------------------------------------

    def _start(self, remote: RemoteSchedule | None) -> None:
        if remote is not None:
            self._remote = remote
            horizon = remote.horizon
        elif self._url is None or self._name is None:
            self._init_error = "RemoteLRScheduler needs url and name (or remote=) on rank 0"
            return
        else:
            horizon = self._remote_kwargs.get("horizon", 1000)
            try:
                self._remote = self._connect(0)
                self._owns_remote = True
            except ConnectionError as exc:
                self._last_error = str(exc)
                log.warning("lrs: %s; retrying in the background (load a state dict to resume)", exc)
                self._connector = threading.Thread(target=self._keep_connecting, daemon=True)
                self._connector.start()
            except (TypeError, ValueError) as exc:  # bad remote_kwargs: every rank raises it, see _sync
                self._init_error = f"{type(exc).__name__}: {exc}"
                return
        if isinstance(horizon, int) and self.sync_every >= horizon // 2:
            log.warning(
                "lrs: sync_every=%d is not below half the horizon (%d): a revision may reach the ranks "
                "after its first step",
                self.sync_every,
                horizon,
            )

    def _connect(self, start_step: int) -> RemoteSchedule:
        assert self._url is not None and self._name is not None
        kwargs = dict(self._remote_kwargs)
        client = kwargs.pop("client", None)
        owned = None
        if client is None:  # ours, so that a failed attempt closes its connections
            client = owned = Client(self._url, self._token, timeout=kwargs.get("timeout", 5.0), retries=1)
        try:
            return RemoteSchedule(
                self._url, self._name, token=self._token, start_step=start_step, client=client, **kwargs
            )
        except BaseException:
            if owned is not None:
                owned.close()
            raise

    def _keep_connecting(self) -> None:
        interval = float(self._remote_kwargs.get("refresh_seconds", 15.0))
        while not self._closed.wait(interval * random.uniform(0.8, 1.2)):
            try:
                remote = self._connect(max(self.last_epoch, 0))
            except ConnectionError as exc:
                self._last_error = str(exc)
                continue
            if self._closed.is_set():
                remote.close()
                return
            self._remote, self._owns_remote = remote, True
            log.info("lrs: connected to the server for schedule %r", self._name)
            return

    def _latest(self) -> ScheduleCopy | None:
        """Rank 0's newest copy: its RemoteSchedule's, a newer one from a loaded state dict (the server is
        down, or a cache file is older than the checkpoint), or the pinned one; never an older one."""
        remote = self._remote.copy if self._remote is not None else None
        copies = [c for c in (remote, self._candidate, self._copy) if c is not None]
        if not copies:
            return None
        # the highest ETag is the newest history; on a tie, the first (the freshest promise) wins
        return max(copies, key=lambda c: etag_version(c.etag))

    # -- every rank: the pinned copy ------------------------------------------------------------------

    def _sync(self, step: int) -> None:
        """Pin rank 0's latest copy on every rank (collective when distributed)."""
        latest = self._latest() if self._rank == 0 else None
        if self._distributed:
            payload: dict[str, Any] | None = None
            if self._rank == 0:
                payload = {"error": self._init_error, "copy": None if latest is None else latest.to_dict()}
            box: list[Any] = [payload]
            dist.broadcast_object_list(box, src=0)
            payload = box[0]
            assert payload is not None
            self._init_error = payload["error"]
            if self._rank != 0 and payload["copy"] is not None:
                latest = self._from_dict(payload["copy"])
        if self._init_error is not None:
            raise ValueError(self._init_error)
        if latest is not None and latest is not self._copy:
            self._pin(latest, step)

    def _from_dict(self, data: dict[str, Any]) -> ScheduleCopy:
        pinned = self._copy
        if pinned is not None and data["etag"] == pinned.etag and data["name"] == pinned.name:
            # the same history (an ETag names one), maybe promised further: no need to compile it again
            return dataclasses.replace(
                pinned, promised_until=data["promised_until"], fetched_at=data["fetched_at"]
            )
        return ScheduleCopy.from_dict(data)

    def _pin(self, copy: ScheduleCopy, step: int) -> None:
        old = self._copy
        if self.mode == "scale" and (old is None or copy.etag != old.etag):
            reference = copy.lr(0)
            if reference > 0:
                self._reference = reference
            elif old is None:
                raise ValueError(f"mode='scale' needs lr(0) > 0; schedule {copy.name!r} has {reference!r}")
            else:
                log.warning(
                    "lrs: the new revision of %r has lr(0) = %r; keeping lr(0) = %r for mode='scale'",
                    copy.name,
                    reference,
                    self._reference,
                )
        if old is not None and copy.etag != old.etag:
            known = set(zip(old.compiled.starts, old.compiled.numbers, strict=True))
            for start, number in zip(copy.compiled.starts, copy.compiled.numbers, strict=True):
                if (start, number) in known:
                    continue
                if start < step:
                    log.warning(
                        "lrs: revision %d of %r, effective from step %d, reached this job only at step %d",
                        number,
                        copy.name,
                        start,
                        step,
                    )
                else:
                    log.info("lrs: revision %d of %r takes effect at step %d", number, copy.name, start)
        self._copy = copy

    def _lrs(self, step: int, base_lrs: Sequence[float | Tensor] | None = None) -> list[float]:
        """Each group's LR at ``step`` (``base_lrs``: the groups' ``initial_lr``, for mode "scale")."""
        assert self._copy is not None
        lr = self._copy.lr(step)
        if self.mode == "absolute":
            return [lr] * len(self.optimizer.param_groups)
        ratio = lr / self._reference
        return [float(base) * ratio for base in (self.base_lrs if base_lrs is None else base_lrs)]

    # -- LRScheduler ----------------------------------------------------------------------------------

    def step(self, epoch: int | None = None) -> None:
        """Advance one step and write its LR to the param groups (call it after ``optimizer.step()``)."""
        if epoch is not None:
            raise TypeError("RemoteLRScheduler.step() takes no epoch; use load_state_dict to resume")
        step = self.last_epoch + 1
        if self._copy is None or step % self.sync_every == 0:
            self._sync(step)
        if self._copy is None and not self._constructing:
            raise RuntimeError(
                f"no copy of schedule {self._name!r}: the server was not reachable ({self._last_error}) "
                "and no state dict was loaded"
            )
        if self._remote is not None:
            # tells the RemoteSchedule the step, so that it refetches at half its horizon
            self._remote.observe(step)
        if self._constructing or self._copy is None or not self._torch_checked:
            # torch's own step (its first step at construction, and the first one after: there torch
            # checks that optimizer.step() came first): its counter, last_epoch, then get_lr() written to
            # the groups and kept for get_last_lr()
            self._torch_checked = not self._constructing and self._copy is not None
            self._last_values = None
            super().step()
            return
        # Every later step does what LRScheduler.step() does for a closed-form schedule, without its
        # per-step wrappers (they cost more than the evaluation: benchmarks/client.py), through public
        # attributes: last_epoch, the groups' LRs, and what get_last_lr() (overridden below) returns.
        # The one private write: torch's count of step() calls (its state dict carries it, its order
        # check reads it), which torch offers no public way to advance but its own step().
        self._step_count += 1
        self.last_epoch = step
        values = self._lrs(step)
        self._write(values)
        self._last_values = values

    def _write(self, values: list[float]) -> None:
        """Set the groups' LRs (a tensor LR, as capturable/fused optimizers use, is filled in place)."""
        for group, lr in zip(self.optimizer.param_groups, values, strict=True):
            if isinstance(group["lr"], Tensor):
                group["lr"].fill_(lr)
            else:
                group["lr"] = lr

    def get_lr(self) -> list[float | Tensor]:
        """The groups' LRs at ``last_epoch`` (torch's ``step()`` asks; read them with ``get_last_lr()``)."""
        if self._copy is None:  # not connected yet: leave the groups as they are
            return [group["lr"] for group in self.optimizer.param_groups]
        return list[float | Tensor](self._lrs(self.last_epoch))

    def get_last_lr(self) -> list[float | Tensor]:
        """The LRs the last ``step()`` (or ``load_state_dict()``) wrote to the groups."""
        if self._last_values is None:  # the last step was torch's own
            last: list[float | Tensor] = super().get_last_lr()  # (untyped when torch is not installed)
            return last
        return list[float | Tensor](self._last_values)

    def state_dict(self) -> dict[str, Any]:
        """The step, the schedule's name, the revision in force and the pinned copy (JSON-able); on rank 0
        also its newest copy when that is not pinned yet (a revision fetched since the last sync)."""
        copy = self._copy
        latest = self._latest() if self._rank == 0 else None
        return {
            "last_epoch": self.last_epoch,
            "_step_count": super().state_dict()["_step_count"],  # torch's counter, as its state dict has it
            "name": self.name,
            "revision": self.revision,
            "mode": self.mode,
            "base_lrs": [float(lr) for lr in self.base_lrs],
            "copy": None if copy is None else copy.to_dict(),
            "latest": None if latest is None or latest is copy else latest.to_dict(),
        }

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        """Resume: the step and the pinned copy of ``state_dict``; the groups get that step's LRs."""
        data = state_dict.get("copy")
        if data is None:
            raise ValueError("this state dict holds no copy of the schedule")
        copy = ScheduleCopy.from_dict(data)
        if self._name is not None and copy.name != self._name:
            raise ValueError(f"the state dict is of schedule {copy.name!r}, not {self._name!r}")
        if state_dict.get("mode", self.mode) != self.mode:
            raise ValueError(f"the state dict was saved with mode={state_dict['mode']!r}, not {self.mode!r}")
        last_epoch = int(state_dict["last_epoch"])
        base_lrs = (
            [float(lr) for lr in state_dict["base_lrs"]] if "base_lrs" in state_dict else list(self.base_lrs)
        )
        self._copy, self._candidate = None, None
        self._pin(copy, last_epoch)
        latest = state_dict.get("latest")
        if self._rank == 0 and latest is not None:
            self._candidate = ScheduleCopy.from_dict(latest)  # pinned at the next sync, on every rank
        values = self._lrs(last_epoch, base_lrs)
        self._write(values)
        self._last_values = values
        # torch's own state, in the form its state_dict() has it, through its public load_state_dict: the
        # step, its count of step() calls (which its check that optimizer.step() came first reads) and the
        # base LRs
        step_count = int(state_dict.get("_step_count", last_epoch + 1))
        super().load_state_dict({"last_epoch": last_epoch, "_step_count": step_count, "base_lrs": base_lrs})

    # -- introspection --------------------------------------------------------------------------------

    @property
    def name(self) -> str | None:
        return self._copy.name if self._copy is not None else self._name

    @property
    def copy(self) -> ScheduleCopy | None:
        """The copy in force (the same on every rank); None before any."""
        return self._copy

    @property
    def remote(self) -> RemoteSchedule | None:
        """Rank 0's RemoteSchedule (None on other ranks, and until the server was reached)."""
        return self._remote

    @property
    def revision(self) -> int | None:
        """The revision in force at the current step."""
        return None if self._copy is None else self._copy.revision_at(max(self.last_epoch, 0))

    @property
    def status(self) -> Status | None:
        """Rank 0: its RemoteSchedule's status (STALE on a loaded copy while the server is unreachable,
        ERROR with no copy at all). Other ranks: None (they never connect)."""
        if self._rank != 0:
            return None
        if self._remote is None:
            return Status.ERROR if self._copy is None else Status.STALE
        return self._remote.status

    def close(self) -> None:
        """Stop the background threads (and close the RemoteSchedule this scheduler created)."""
        self._closed.set()
        if self._connector is not None:
            self._connector.join(timeout=10)
        if self._remote is not None and self._owns_remote:
            self._remote.close()
