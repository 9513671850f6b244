"""The epoch's per-batch bookkeeping, vectorised: the gradient norms summed over the batches
from a table of squared norms give exactly the running sum the history always kept."""

from __future__ import annotations

import numpy as np
import pytest

from playground.training.trainer import _summed_norms


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("batches, tensors", [(1, 6), (2, 6), (7, 6), (25, 22), (2188, 6)])
def test_summed_norms_equal_the_running_sum_batch_after_batch(dtype, batches, tensors):
    rng = np.random.default_rng(batches * tensors)
    squares = (rng.random((batches, tensors)) * 10.0 ** rng.integers(-30, 5, (batches, tensors))).astype(dtype)
    running = np.zeros((tensors // 2, 2))
    for row in squares:
        running += np.sqrt(row).reshape(-1, 2)  # what the epoch did before, one batch at a time
    assert _summed_norms(squares).tobytes() == running.tobytes()


def test_a_nan_gradient_norm_stays_nan():
    squares = np.array([[1.0, 4.0], [np.nan, 0.0], [9.0, 16.0]])
    summed = _summed_norms(squares)
    assert np.isnan(summed[0, 0]) and summed[0, 1] == 6.0
