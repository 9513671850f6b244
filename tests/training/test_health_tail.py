"""assess_gradients reads only the last epochs of a long history (the diagram assesses every frame)
and flags exactly what a reading of the whole history flags."""

from __future__ import annotations

import numpy as np
import pytest

from playground.training import health
from playground.training.health import WINDOW, assess_gradients


def _whole_history_reading(norms: np.ndarray, window: int = WINDOW) -> np.ndarray:
    """The rows the assessment used to read: every epoch that ran, then its last 2 x window."""
    return norms[~np.all(np.isnan(norms), axis=1)][-2 * window :]


def _history(epochs: int, nan_rows: list[int], exploding_from: int | None = None) -> np.ndarray:
    norms = np.abs(np.random.default_rng(epochs).standard_normal((epochs, 4))) + 0.1
    norms[:, :2] *= 1e-6  # the first two layers' gradients vanish next to the output's
    if exploding_from is not None:
        norms[exploding_from:, 2] *= 1e4
    norms[nan_rows] = np.nan
    return norms


@pytest.mark.parametrize(
    ("epochs", "nan_rows"),
    [(20_000, [0]), (300, [0]), (7, [0]), (12, [0, 11]), (40, [0, 36, 39]), (40, list(range(40))), (3, [])],
)
def test_the_last_epochs_that_ran_are_those_of_the_whole_history(epochs, nan_rows):
    norms = _history(epochs, nan_rows)
    np.testing.assert_array_equal(health._last_epochs(norms, 2 * WINDOW), _whole_history_reading(norms))


def test_a_long_history_gives_the_flags_of_its_last_epochs():
    norms = _history(20_000, [0], exploding_from=19_995)
    found = assess_gradients(norms, ["tanh", "tanh", "tanh"])
    assert found == assess_gradients(_whole_history_reading(norms), ["tanh", "tanh", "tanh"])
    assert {(f.layer, f.kind) for f in found.flags} == {(0, "vanishing"), (1, "vanishing"), (2, "exploding")}
