"""The frame's grid probe (training/probes.py grid_probe): float32 only where the picture cannot tell."""

from __future__ import annotations

import numpy as np
import pytest

from playground.data import DOMAIN
from playground.training import Trainer, grid_points
from playground.training.defaults import default_session
from playground.training.probes import grid_probe

POINTS, _ = grid_points(100, DOMAIN)  # the window's probe grid


def _trained(epochs: int, **changes: object) -> Trainer:
    dataset, config = default_session()
    trainer = Trainer(dataset, config.replace(**changes) if changes else config)
    trainer.step(epochs)
    return trainer


@pytest.mark.parametrize(
    ("changes", "tolerance"),
    [
        ({}, 1e-5),  # the window's default session, 2-16-16-1 tanh
        ({"hidden": (16,) * 8}, 1e-5),  # deep
        ({"hidden": (16,) * 4, "residual": (False, True, True, True)}, 1e-5),  # deep with skips
        # The deepest network allowed: within what 8-bit colours show (1/255 is 4e-3).
        ({"hidden": (64,) * 10}, 1e-4),
    ],
)
def test_float32_grid_equals_float64_grid(changes, tolerance):
    trainer = _trained(30, **changes)
    exact, fast = trainer.probe(POINTS), grid_probe(trainer, POINTS)
    assert fast.output.dtype == np.float32 and exact.output.dtype == np.float64
    assert np.abs(fast.output - exact.output).max() < tolerance
    for a32, a64 in zip(fast.a[:-1], exact.a[:-1]):  # the unit maps of the diagram
        assert np.abs(a32 - a64).max() < 10 * tolerance


def test_training_stays_float64_and_uses_the_live_weights():
    trainer = _trained(5)
    before = grid_probe(trainer, POINTS).output
    trainer.step(5)
    assert trainer.model.params.data.dtype == np.float64
    after = grid_probe(trainer, POINTS).output
    assert np.abs(after - before).max() > 1e-3  # the twin took the new weights
    assert np.abs(after - trainer.probe(POINTS).output).max() < 1e-5
    assert trainer.model.params.data.dtype == np.float64


@pytest.mark.parametrize(
    "changes",
    [{"activation": "relu"}, {"activation": "leaky_relu"}, {"dtype": "float32"}],
)
def test_other_networks_probe_in_their_own_dtype(changes):
    """ReLU-like networks keep exact sign patterns (the regions view counts them)."""
    trainer = _trained(3, **changes)
    fast, exact = grid_probe(trainer, POINTS), trainer.probe(POINTS)
    assert fast.output.dtype == trainer.model.dtype
    np.testing.assert_array_equal(fast.output, exact.output)


def test_large_weights_keep_float64():
    trainer = _trained(1)
    trainer.model.params.data[0] = 5e3  # a run on its way to diverging
    fast, exact = grid_probe(trainer, POINTS), trainer.probe(POINTS)
    assert fast.output.dtype == np.float64
    np.testing.assert_array_equal(fast.output, exact.output)


def test_a_rebuilt_network_gets_its_own_twin():
    trainer = _trained(2)
    grid_probe(trainer, POINTS)
    trainer.set_config(trainer.config.replace(hidden=(8, 8, 8)))
    fast = grid_probe(trainer, POINTS)
    assert [z.shape[1] for z in fast.z] == [8, 8, 8, 1]
    assert np.abs(fast.output - trainer.probe(POINTS).output).max() < 1e-5
