"""Train a tiny linear model with optax, its learning rate served by lrs.

LRS_URL=http://127.0.0.1:8000 LRS_TOKEN=<admin token> python examples/optax_train.py
"""

from __future__ import annotations

import os

import jax
import jax.numpy as jnp
import optax
from lrserve.client import Client, NotFoundError, RemoteSchedule
from lrserve.client.optax import schedule_fn

URL, TOKEN, NAME, STEPS = os.environ["LRS_URL"], os.environ.get("LRS_TOKEN"), "example-optax", 200

with Client(URL, TOKEN) as client:
    try:
        client.get_schedule(NAME)
    except NotFoundError:
        spec = {
            "kind": "warmup_cosine",
            "base_lr": 0.1,
            "warmup_steps": 20,
            "decay_steps": 180,
            "min_lr": 1e-4,
        }
        client.put_schedule(NAME, spec, "optax example")

with RemoteSchedule(URL, NAME, token=TOKEN) as remote:
    tx = optax.sgd(learning_rate=schedule_fn(remote, total_steps=STEPS))

key = jax.random.PRNGKey(0)
x = jax.random.normal(key, (256, 3))
y = x @ jnp.array([1.0, -2.0, 0.5])
params = jnp.zeros(3)
state = tx.init(params)


@jax.jit
def step(params: jax.Array, state: optax.OptState) -> tuple[jax.Array, optax.OptState, jax.Array]:
    loss, grads = jax.value_and_grad(lambda p: jnp.mean((x @ p - y) ** 2))(params)
    updates, state = tx.update(grads, state, params)
    return optax.apply_updates(params, updates), state, loss


for i in range(STEPS):
    params, state, loss = step(params, state)
    if i % 50 == 0:
        print(f"step {i}: loss {float(loss):.5f}")
print(f"final loss {float(loss):.6f}")
