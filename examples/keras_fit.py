"""Fit a tiny Keras model whose learning rate is served by lrs (any Keras 3 backend; JAX here).

LRS_URL=http://127.0.0.1:8000 LRS_TOKEN=<admin token> KERAS_BACKEND=jax python examples/keras_fit.py
"""

from __future__ import annotations

import os

import keras
import numpy as np
from lrserve.client import Client, NotFoundError
from lrserve.client.keras import RemoteLearningRateSchedule

URL, TOKEN, NAME = os.environ["LRS_URL"], os.environ.get("LRS_TOKEN"), "example-keras"

with Client(URL, TOKEN) as client:
    try:
        client.get_schedule(NAME)
    except NotFoundError:
        spec = {
            "kind": "keras",
            "name": "CosineDecay",
            "args": {"initial_learning_rate": 0.05, "decay_steps": 100},
        }
        client.put_schedule(NAME, spec, "Keras example")

lr = RemoteLearningRateSchedule(URL, NAME, total_steps=100, token=TOKEN)
model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1)])
model.compile(optimizer=keras.optimizers.SGD(learning_rate=lr), loss="mse")
rng = np.random.default_rng(0)
x = rng.normal(size=(320, 3))
y = x @ np.array([[1.0], [-2.0], [0.5]])
history = model.fit(x, y, batch_size=32, epochs=10, verbose=0)
print(f"final loss {history.history['loss'][-1]:.6f}, lr now {float(model.optimizer.learning_rate):.6f}")
