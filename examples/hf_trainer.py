"""A Hugging Face ``Trainer`` whose learning rate is served by lrs: ``Trainer(optimizers=(opt, sched))``.

LRS_URL=http://127.0.0.1:8000 LRS_TOKEN=<admin token> python examples/hf_trainer.py
"""

from __future__ import annotations

import os
import tempfile

import torch
from lrserve.client import Client, NotFoundError
from lrserve.client.torch import RemoteLRScheduler
from transformers import Trainer, TrainerCallback, TrainingArguments

URL, TOKEN, NAME, STEPS = os.environ["LRS_URL"], os.environ.get("LRS_TOKEN"), "example-hf", 40

with Client(URL, TOKEN) as client:
    try:
        client.get_schedule(NAME)
    except NotFoundError:
        # the schedule transformers would make, written in its own vocabulary
        args = {"num_warmup_steps": 5, "num_training_steps": STEPS}
        spec = {
            "kind": "transformers",
            "name": "get_linear_schedule_with_warmup",
            "base_lr": 0.05,
            "args": args,
        }
        client.put_schedule(NAME, spec, "Hugging Face example")


class Regression(torch.nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.layer = torch.nn.Linear(3, 1)

    def forward(self, x: torch.Tensor, labels: torch.Tensor) -> dict[str, torch.Tensor]:
        return {"loss": torch.nn.functional.mse_loss(self.layer(x), labels)}


class PrintLR(TrainerCallback):  # type: ignore[misc]
    def on_step_begin(self, args: object, state: object, control: object, **kwargs: object) -> None:
        optimizer = kwargs["optimizer"]
        print(f"step {state.global_step} lr {optimizer.param_groups[0]['lr']!r}")  # type: ignore[attr-defined]


torch.manual_seed(0)
x = torch.randn(320, 3)
y = x @ torch.tensor([[1.0], [-2.0], [0.5]])
dataset = [{"x": x[i], "labels": y[i]} for i in range(len(x))]
model = Regression()
optimizer = torch.optim.SGD(model.parameters(), lr=0.05)
scheduler = RemoteLRScheduler(optimizer, URL, NAME, token=TOKEN)
with tempfile.TemporaryDirectory() as out:
    training = TrainingArguments(
        output_dir=out,
        max_steps=STEPS,
        per_device_train_batch_size=32,
        report_to=[],
        use_cpu=True,
        save_strategy="no",
        logging_strategy="no",
        disable_tqdm=True,
    )
    trainer = Trainer(
        model=model,
        args=training,
        train_dataset=dataset,
        optimizers=(optimizer, scheduler),
        callbacks=[PrintLR()],
    )
    trainer.train()
print("done")
