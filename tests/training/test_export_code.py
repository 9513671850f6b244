"""Export as code: the exported script, run on its own, trains with the Trainer's loss curve."""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from playground.data import Dataset, make_dataset
from playground.training import Trainer, TrainingConfig
from playground.training.defaults import default_session
from playground.training.export_code import export_script

TOLERANCE = 1e-6


def _run(script: str, tmp_path: Path, epochs: int, python: str = sys.executable) -> dict[str, list[float | None]]:
    """Run an exported script in its own interpreter (nothing of the app imported) and read its curves."""
    path = tmp_path / "exported.py"
    path.write_text(script, encoding="utf-8")
    done = subprocess.run(
        [python, "-I", str(path), "--epochs", str(epochs), "--json"],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout)


def _assert_same_curves(curves, trainer: Trainer, first_epoch: int = 0) -> None:
    train = trainer.history.array("train_loss")[first_epoch:]
    test = trainer.history.array("test_loss")[first_epoch:]
    assert len(curves["train_loss"]) == len(train)
    np.testing.assert_allclose(curves["train_loss"], train, rtol=0, atol=TOLERANCE)
    if np.isnan(test).all():
        assert all(value is None for value in curves["test_loss"])
    else:
        np.testing.assert_allclose(curves["test_loss"], test, rtol=0, atol=TOLERANCE)


def test_full_batch_sgd_for_100_epochs_gives_the_trainers_loss_curve(tmp_path):
    dataset, config = default_session()
    trainer = Trainer(dataset, config.replace(optimizer="sgd", lr=0.1, batch_size=dataset.n))
    curves = _run(export_script(trainer, "numpy", "initial"), tmp_path, 100)
    trainer.step(100)
    _assert_same_curves(curves, trainer)
    assert curves["train_loss"][-1] < curves["train_loss"][0]  # it did learn


def test_full_batch_sgd_with_skip_connections_gives_the_trainers_loss_curve(tmp_path):
    dataset, config = default_session()
    config = config.replace(hidden=(6, 6, 6), residual=(False, True, True), optimizer="sgd", lr=0.1)
    trainer = Trainer(dataset, config.replace(batch_size=dataset.n))
    script = export_script(trainer, "numpy", "initial")
    assert "RESIDUAL = [False, True, True]" in script
    curves = _run(script, tmp_path, 100)
    trainer.step(100)
    _assert_same_curves(curves, trainer)
    # Without the skips the same weights train differently: the script does use them.
    plain = Trainer(dataset, config.replace(batch_size=dataset.n, residual=()))
    plain.step(100)
    assert abs(plain.history.array("train_loss")[-1] - curves["train_loss"][-1]) > 1e-4


SESSIONS = {
    "adam, mini-batches, dropout, L1, L2, decay, step schedule": (
        make_dataset("spiral", n=200, noise=0.1, seed=1, test_fraction=0.25),
        TrainingConfig(
            hidden=(8, 6),
            activation=("relu", "tanh"),
            optimizer="adam",
            lr=0.02,
            batch_size=16,
            l1=1e-4,
            l2=1e-3,
            weight_decay=0.01,
            dropout=0.2,
            schedule="step",
            schedule_gamma=0.5,
            schedule_every=10,
            seed=3,
        ),
    ),
    "momentum, softmax over 3 classes, features, standardised": (
        make_dataset("blobs", n=150, noise=0.3, seed=2, test_fraction=0.2),
        TrainingConfig(
            hidden=(5,),
            activation="leaky_relu",
            features=("x1", "x2", "x1^2", "x1*x2", "sin(x2)"),
            standardize=True,
            optimizer="momentum",
            momentum=0.8,
            lr=0.05,
            batch_size=20,
            init="he",
            schedule="exponential",
            schedule_gamma=0.98,
        ),
    ),
    "nesterov regression without test points": (
        make_dataset("bumps", n=120, noise=0.1, seed=4),
        TrainingConfig(
            hidden=(10, 10),
            activation="sigmoid",
            optimizer="nesterov",
            lr=0.05,
            batch_size=32,
            init="uniform",
            features=("x1", "x2", "x2^2", "sin(x1)"),
        ),
    ),
    "skip connections, dropout, adam": (
        make_dataset("circle", n=120, noise=0.1, seed=6, test_fraction=0.2),
        TrainingConfig(
            hidden=(2, 6, 6),
            residual=(True, False, True),
            activation=("tanh", "relu", "tanh"),
            optimizer="adam",
            lr=0.02,
            batch_size=16,
            dropout=0.1,
            l2=1e-3,
            seed=2,
        ),
    ),
    "no hidden layer, early stopping": (
        make_dataset("linear", n=100, noise=0.2, seed=5, test_fraction=0.3),
        TrainingConfig(hidden=(), optimizer="sgd", lr=0.5, batch_size=100, patience=3),
    ),
}


@pytest.mark.parametrize("name", SESSIONS)
def test_every_supported_setting_trains_the_same(name, tmp_path):
    dataset, config = SESSIONS[name]
    trainer = Trainer(dataset, config)
    curves = _run(export_script(trainer, "numpy", "initial"), tmp_path, 40)
    for _ in range(40):
        if trainer.step(1).status != "ok":
            break
    _assert_same_curves(curves, trainer)


def test_trained_weights_continue_where_the_app_is(tmp_path):
    dataset, config = SESSIONS["adam, mini-batches, dropout, L1, L2, decay, step schedule"]
    trainer = Trainer(dataset, config)
    trainer.step(25)
    script = export_script(trainer, "numpy", "trained")
    trainer.step(30)  # what the app would train next
    curves = _run(script, tmp_path, 30)
    _assert_same_curves(curves, trainer, first_epoch=25)


def test_the_numpy_script_writes_the_chain_rule_and_imports_no_app_code():
    script = export_script(Trainer(*default_session()), "numpy", "initial")
    assert "def backward(g, layers, a_last):" in script
    assert "dL/dW = a^T dL/dz" in script
    assert "playground" not in script.split('"""', 2)[2].replace("playground_numpy.py", "")
    compile(script, "exported.py", "exec")  # valid Python


def test_what_cannot_be_reproduced_is_refused():
    dataset, config = default_session()
    with pytest.raises(ValueError, match="float64 networks only"):
        export_script(Trainer(dataset, config.replace(dtype="float32")))
    with pytest.raises(ValueError, match="flavour must be one of numpy, torch"):
        export_script(Trainer(dataset, config), flavour="tensorflow")
    with pytest.raises(ValueError, match="weights must be one of initial, trained"):
        export_script(Trainer(dataset, config), weights="best")
    empty = Trainer(Dataset(np.empty((0, 2)), np.empty(0, dtype=int)), config)
    with pytest.raises(ValueError, match="no training points"):
        export_script(empty)


# torch stays out of the project's dependencies: the test runs the script with this interpreter
# if it has torch, or with the one PLAYGROUND_TORCH_PYTHON names (a venv with torch and numpy).
TORCH_PYTHON = os.environ.get("PLAYGROUND_TORCH_PYTHON") or (
    sys.executable if importlib.util.find_spec("torch") is not None else ""
)


@pytest.mark.skipif(
    not TORCH_PYTHON,
    reason="torch is not installed: pip install torch==2.13.0, or set "
    "PLAYGROUND_TORCH_PYTHON to a Python that has torch",
)
@pytest.mark.parametrize("name", ["full batch sgd", *SESSIONS])
def test_the_torch_script_gives_the_same_loss_curve(name, tmp_path):
    if name == "full batch sgd":
        dataset, config = default_session()
        config = config.replace(optimizer="sgd", lr=0.1, batch_size=dataset.n)
    else:
        dataset, config = SESSIONS[name]
    trainer = Trainer(dataset, config)
    epochs = 100 if name == "full batch sgd" else 40
    curves = _run(export_script(trainer, "torch", "initial"), tmp_path, epochs, TORCH_PYTHON)
    for _ in range(epochs):
        if trainer.step(1).status != "ok":
            break
    _assert_same_curves(curves, trainer)


@pytest.mark.skipif(
    not TORCH_PYTHON,
    reason="torch is not installed: pip install torch==2.13.0, or set "
    "PLAYGROUND_TORCH_PYTHON to a Python that has torch",
)
def test_the_torch_script_continues_from_trained_weights(tmp_path):
    dataset, config = SESSIONS["adam, mini-batches, dropout, L1, L2, decay, step schedule"]
    trainer = Trainer(dataset, config)
    trainer.step(25)
    script = export_script(trainer, "torch", "trained")
    trainer.step(30)
    _assert_same_curves(_run(script, tmp_path, 30, TORCH_PYTHON), trainer, first_epoch=25)
