"""The runs whose numbers ``test_epoch_steps.py`` compares with a saved reference.

``python tests/training/step_reference.py`` wrote ``data/step_reference.npz``
with the trainer as it was before ``Trainer.step`` was rebuilt on the epoch
generator that ``epoch_steps`` shares (commit b924125's trainer and engine); the
test checks that every run still gives those numbers bit for bit. A change of
the engine that moves results by a rounding error (a new order of summation)
fails it too: then check that the change is meant, and rewrite the file.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from playground.data import make_dataset
from playground.training import Trainer, TrainingConfig

REFERENCE = Path(__file__).with_name("data") / "step_reference.npz"
COLUMNS = (
    "epoch",
    "train_loss",
    "test_loss",
    "train_metric",
    "test_metric",
    "lr",
    "grad_norms",
    "bias_grad_norms",
    "weight_norms",
)

# name: (dataset arguments, config fields, epochs per step() call, calls)
RUNS: dict[str, tuple[dict, dict, int, int]] = {
    "window_default": (
        dict(name="spiral", n=300, noise=0.1, seed=0, test_fraction=0.3),
        dict(hidden=(16, 16), activation="tanh", optimizer="adam", lr=0.03, batch_size=32, seed=0),
        5,
        6,
    ),
    "relu_momentum_dropout": (
        dict(name="xor", n=120, noise=0.2, seed=1, test_fraction=0.25),
        dict(
            hidden=(8, 6),
            activation="relu",
            optimizer="momentum",
            lr=0.05,
            batch_size=10,
            dropout=0.2,
            l2=0.01,
            weight_decay=0.01,
            schedule="step",
            schedule_every=5,
            init="he",
            seed=4,
        ),
        1,
        20,
    ),
    "full_batch_sigmoid_float32": (
        dict(name="circle", n=80, noise=0.1, seed=2, test_fraction=0.0),
        dict(hidden=(5,), activation="sigmoid", optimizer="sgd", lr=0.5, batch_size=500, dtype="float32", seed=1),
        3,
        4,
    ),
    "softmax_nesterov_l1": (
        dict(name="blobs", n=150, noise=0.3, seed=3, test_fraction=0.2, classes=3),
        dict(
            hidden=(6,),
            activation="leaky_relu",
            optimizer="nesterov",
            lr=0.02,
            batch_size=16,
            l1=0.001,
            standardize=True,
            features=("x1", "x2", "x1^2"),
            seed=2,
        ),
        4,
        3,
    ),
    "regression_adam": (
        dict(name="plane", n=100, noise=0.1, seed=0, test_fraction=0.3),
        dict(hidden=(4,), activation="tanh", optimizer="adam", lr=0.01, batch_size=8, seed=5),
        2,
        5,
    ),
    "linear_diverges": (
        dict(name="spiral", n=300, noise=0.1, seed=0, test_fraction=0.3),
        dict(hidden=(16, 16), activation="linear", optimizer="adam", lr=100.0, batch_size=32, seed=0),
        1,
        12,
    ),
}


def run(name: str) -> dict[str, np.ndarray]:
    """Train run ``name`` and return its numbers: history columns, final state, statuses."""
    data, fields, epochs, calls = RUNS[name]
    data = dict(data)
    trainer = Trainer(make_dataset(data.pop("name"), **data), TrainingConfig(**fields))
    statuses = []
    for _ in range(calls):
        statuses.append(trainer.step(epochs).status)
    out = {f"{name}/{col}": trainer.history.array(col).copy() for col in COLUMNS}
    out[f"{name}/params"] = trainer.model.params.data.copy()
    out[f"{name}/grad"] = trainer.model.params.grad.copy()
    for key, value in trainer.optimizer.state_dict().items():
        out[f"{name}/optimizer.{key}"] = np.asarray(value)
    out[f"{name}/rng"] = trainer.rng.random(4)  # the stream's next draws stand for its state
    out[f"{name}/statuses"] = np.array(statuses)
    return out


if __name__ == "__main__":
    numbers: dict[str, np.ndarray] = {}
    for run_name in RUNS:
        numbers.update(run(run_name))
    REFERENCE.parent.mkdir(exist_ok=True)
    np.savez_compressed(REFERENCE, **numbers)
    print(f"wrote {len(numbers)} arrays to {REFERENCE}")
