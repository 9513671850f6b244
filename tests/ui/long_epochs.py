"""A session whose epoch lasts about a second or more (28,000 training points at batch 1; 7,000 took
0.22 s on a fast machine, shorter than the tests' waits), for the tests of
what the training thread does between mini-batches: frames from an epoch's middle, commands
answered without waiting for the epoch's end."""

from __future__ import annotations

import pytest

from playground.data import make_dataset
from playground.training import TrainingConfig
from playground.ui.session.session_model import SessionModel

CONFIG = TrainingConfig(hidden=(16, 16), activation="tanh", optimizer="adam", lr=0.03, batch_size=1, seed=0)


@pytest.fixture(scope="module")
def big():
    """40,000 spiral points, 28,000 of them for training."""
    return make_dataset("spiral", n=40_000, noise=0.1, seed=0, test_fraction=0.3)


@pytest.fixture
def session(qtbot, big):
    """A SessionModel on ``big`` that has sent its first frame; shut down afterwards."""
    model = SessionModel(big, CONFIG)
    qtbot.waitUntil(lambda: model.latest_frame is not None, timeout=10000)
    yield model
    model.shutdown()
