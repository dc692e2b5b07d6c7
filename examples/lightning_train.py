"""A Lightning module whose learning rate is served by lrs (``interval="step"``).

LRS_URL=http://127.0.0.1:8000 LRS_TOKEN=<admin token> python examples/lightning_train.py
"""

from __future__ import annotations

import os

import lightning as L
import torch
from lrserve.client import Client, NotFoundError
from lrserve.client.torch import RemoteLRScheduler

URL, TOKEN, NAME, STEPS = os.environ["LRS_URL"], os.environ.get("LRS_TOKEN"), "example-lightning", 40

with Client(URL, TOKEN) as client:
    try:
        client.get_schedule(NAME)
    except NotFoundError:
        spec = {"kind": "warmup_cosine", "base_lr": 0.05, "warmup_steps": 5, "decay_steps": 35}
        client.put_schedule(NAME, spec, "Lightning example")


class Regression(L.LightningModule):
    def __init__(self) -> None:
        super().__init__()
        self.layer = torch.nn.Linear(3, 1)

    def training_step(self, batch: tuple[torch.Tensor, torch.Tensor], batch_idx: int) -> torch.Tensor:
        x, y = batch
        print(f"step {self.global_step} lr {self.optimizers().param_groups[0]['lr']!r}")
        return torch.nn.functional.mse_loss(self.layer(x), y)

    def configure_optimizers(self) -> dict[str, object]:
        optimizer = torch.optim.SGD(self.parameters(), lr=0.05)
        scheduler = RemoteLRScheduler(optimizer, URL, NAME, token=TOKEN)
        return {"optimizer": optimizer, "lr_scheduler": {"scheduler": scheduler, "interval": "step"}}


torch.manual_seed(0)
x = torch.randn(320, 3)
y = x @ torch.tensor([[1.0], [-2.0], [0.5]])
data = torch.utils.data.DataLoader(torch.utils.data.TensorDataset(x, y), batch_size=32)
trainer = L.Trainer(
    max_steps=STEPS,
    accelerator="cpu",
    logger=False,
    enable_checkpointing=False,
    enable_progress_bar=False,
    enable_model_summary=False,
)
trainer.fit(Regression(), data)
print("done")
