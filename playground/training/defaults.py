"""The session the window (and ``playground`` with no file) opens on: one definition for all.

The first screen must already be alive: a dataset, a network that learns it
within seconds of Play, a boundary. The command line, the window, File > New
and the UI benchmark all start from here.
"""

from __future__ import annotations

from ..data import Dataset, make_dataset
from .config import TrainingConfig

DEFAULT_PRESET = "spiral"
DEFAULT_NOISE = 0.1
DEFAULT_POINTS = 300
DEFAULT_TEST_FRACTION = 0.3
DEFAULT_SEED = 0
DEFAULT_CONFIG = TrainingConfig(hidden=(16, 16), activation="tanh", optimizer="adam", lr=0.03, batch_size=32, seed=0)


def default_session(preset: str = DEFAULT_PRESET, seed: int = DEFAULT_SEED) -> tuple[Dataset, TrainingConfig]:
    """The default dataset (``preset`` drawn with ``seed``) and the default network."""
    dataset = make_dataset(
        preset, n=DEFAULT_POINTS, noise=DEFAULT_NOISE, seed=seed, test_fraction=DEFAULT_TEST_FRACTION
    )
    return dataset, DEFAULT_CONFIG
