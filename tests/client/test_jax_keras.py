"""optax/JAX and Keras adapters: a fetched schedule as a jittable function and as a Keras schedule that
saves with the model, with exactly the engine's numbers (in float32, as these frameworks compute)."""

from __future__ import annotations

import os
import uuid

import numpy as np
import pytest

os.environ.setdefault("KERAS_BACKEND", "jax")  # before keras is imported anywhere

from lrserve import evaluate
from lrserve.client import Client, RemoteSchedule

from .._server import ADMIN, Server

WARMUP = {"kind": "warmup_cosine", "base_lr": 3e-3, "warmup_steps": 20, "decay_steps": 180, "min_lr": 1e-5}
CONSTANT = {"kind": "constant", "lr": 0.5}


@pytest.fixture
def name(server: Server) -> str:
    name = f"a-{uuid.uuid4().hex[:8]}"
    with Client(server.url, ADMIN) as c:
        c.put_schedule(name, WARMUP)
        c.add_revision(name, CONSTANT, 150, "late change")
    return name


def expected(steps: np.ndarray) -> np.ndarray:
    return np.where(steps < 150, evaluate(WARMUP, steps), 0.5).astype(np.float32)


def test_optax_schedule_is_jittable_and_exact(server: Server, name: str) -> None:
    jax = pytest.importorskip("jax")
    optax = pytest.importorskip("optax")
    from lrserve.client.optax import schedule_fn

    with RemoteSchedule(server.url, name, background=False) as remote:
        schedule = schedule_fn(remote, total_steps=200)
    steps = np.arange(0, 260, 3)
    got = np.asarray(jax.jit(jax.vmap(schedule))(jax.numpy.asarray(steps)))
    np.testing.assert_array_equal(got, expected(np.minimum(steps, 199)))
    # inside an optimizer: SGD on f(x) = x moves x by exactly -lr each step
    tx = optax.sgd(learning_rate=schedule)
    params = jax.numpy.zeros(())
    state = tx.init(params)
    moves = []
    for _ in range(160):
        updates, state = tx.update(jax.numpy.ones(()), state, params)
        moves.append(-float(updates))
    np.testing.assert_allclose(moves, expected(np.arange(160)), rtol=0, atol=0)


# Keras 3.15's JAX backend calls np.array on an object without the numpy 2 `copy` keyword (its bug).
@pytest.mark.filterwarnings(
    "ignore:__array__ implementation doesn't accept a copy keyword:DeprecationWarning"
)
def test_keras_schedule_trains_saves_and_loads_without_the_server(
    server: Server, name: str, tmp_path: os.PathLike[str]
) -> None:
    keras = pytest.importorskip("keras")
    from lrserve.client.keras import RemoteLearningRateSchedule

    lr = RemoteLearningRateSchedule(server.url, name, total_steps=200)
    steps = np.arange(0, 230, 7)
    got = np.array([float(lr(int(s))) for s in steps])
    np.testing.assert_array_equal(got, expected(np.minimum(steps, 199)))

    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=lr), loss="mse")
    x, y = np.random.default_rng(0).normal(size=(64, 2)), np.zeros((64, 1))
    model.fit(x, y, batch_size=8, epochs=1, verbose=0)  # 8 steps
    assert int(model.optimizer.iterations) == 8
    assert float(model.optimizer.learning_rate) == expected(np.array([8]))[0]

    path = os.path.join(tmp_path, "model.keras")
    model.save(path)
    config = lr.get_config()
    assert config["copy"]["name"] == name
    # the saved copy is enough: no server needed to load and go on
    loaded = keras.models.load_model(path)
    restored = loaded.optimizer.learning_rate
    assert float(restored) == expected(np.array([8]))[0]
    again = RemoteLearningRateSchedule.from_config(config)
    np.testing.assert_array_equal([float(again(int(s))) for s in steps], got)
