"""A plain PyTorch training loop whose learning rate is served by lrs.

LRS_URL=http://127.0.0.1:8000 LRS_TOKEN=<admin token> python examples/torch_loop.py

RemoteLRScheduler is a torch LRScheduler: step() evaluates a local copy of the schedule (no request per
step); a background thread picks up revisions. Under torch.distributed the same code keeps every rank on
the same LR (rank 0 fetches and broadcasts). Checkpoint ``scheduler.state_dict()`` with the model.
"""

from __future__ import annotations

import os

import torch
from lrserve.client import Client, NotFoundError
from lrserve.client.torch import RemoteLRScheduler

URL, TOKEN, NAME, STEPS = os.environ["LRS_URL"], os.environ.get("LRS_TOKEN"), "example-torch", 40

with Client(URL, TOKEN) as client:
    try:
        client.get_schedule(NAME)
    except NotFoundError:
        # torch's own CosineAnnealingLR, written as JSON (the "torch" dialect)
        spec = {"kind": "torch", "name": "CosineAnnealingLR", "base_lr": 0.1, "args": {"T_max": STEPS}}
        client.put_schedule(NAME, spec, "PyTorch example")

torch.manual_seed(0)
model = torch.nn.Linear(3, 1)
optimizer = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
scheduler = RemoteLRScheduler(optimizer, URL, NAME, token=TOKEN)
x = torch.randn(256, 3)
y = x @ torch.tensor([[1.0], [-2.0], [0.5]])

for step in range(STEPS):
    lr = optimizer.param_groups[0]["lr"]  # the LR this step trains with
    optimizer.zero_grad()
    loss = torch.nn.functional.mse_loss(model(x), y)
    loss.backward()
    optimizer.step()
    scheduler.step()
    print(f"step {step} lr {lr!r} loss {loss.item():.6f}")

print(f"revision {scheduler.revision}, status {scheduler.status}, next lr {scheduler.get_last_lr()}")
scheduler.close()
