"""The epoch's per-batch bookkeeping, vectorised: the gradient norms summed over the batches
from a table of squared norms give exactly the running sum the history always kept."""

from __future__ import annotations

import numpy as np
import pytest

from playground.training.gradient_book import GradientBook, summed_norms


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("batches, tensors", [(1, 6), (2, 6), (7, 6), (25, 22), (2188, 6)])
def test_summed_norms_equal_the_running_sum_batch_after_batch(dtype, batches, tensors):
    rng = np.random.default_rng(batches * tensors)
    squares = (rng.random((batches, tensors)) * 10.0 ** rng.integers(-30, 5, (batches, tensors))).astype(dtype)
    running = np.zeros((tensors // 2, 2))
    for row in squares:
        running += np.sqrt(row).reshape(-1, 2)  # what the epoch did before, one batch at a time
    assert summed_norms(squares).tobytes() == running.tobytes()


def test_a_nan_gradient_norm_stays_nan():
    squares = np.array([[1.0, 4.0], [np.nan, 0.0], [9.0, 16.0]])
    summed = summed_norms(squares)
    assert np.isnan(summed[0, 0]) and summed[0, 1] == 6.0


def _direct(grads: list[np.ndarray], starts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The books kept batch by batch, as the trainer kept them before the table."""
    total = np.zeros((starts.size // 2, 2))
    alive = np.zeros(grads[0].size, dtype=bool)
    for g in grads:
        total += np.sqrt(np.add.reduceat(g * g, starts)).reshape(-1, 2)
        alive |= g != 0
        alive |= np.isnan(g)
    return total, alive


@pytest.mark.parametrize(
    "sizes, batches, dtype",
    [
        ((12, 4, 20, 5, 6, 1), 7, "float64"),  # a small network: one table
        ((12, 4, 20, 5, 6, 1), 300, "float32"),  # the table fills and is worked on several times
        ((3000, 60, 1200, 20), 5, "float64"),  # above TABLE_MAX_PARAMETERS: worked on as they come
    ],
)
def test_the_book_equals_the_batch_by_batch_books(sizes, batches, dtype):
    rng = np.random.default_rng(len(sizes) * batches)
    starts = np.concatenate([[0], np.cumsum(sizes)[:-1]]).astype(np.intp)
    size = int(sum(sizes))
    book = GradientBook(starts, size, np.dtype(dtype), batches)
    grads = []
    for k in range(batches):
        g = (rng.normal(size=size) * (rng.random(size) < 0.7)).astype(dtype)  # some exact zeros
        g[0] = 0.0  # an entry that never gets a gradient (a dead unit's bias)
        if k == 3:
            g[5] = np.nan
        grads.append(g.copy())
        book.add(g)
        g[:] = 99.0  # the caller reuses its buffer: the book kept what it was given
    assert book.batches == batches
    total, alive = _direct(grads, starts)
    assert book.norm_sums().tobytes() == total.tobytes()
    np.testing.assert_array_equal(book.alive(), alive)
    assert book.alive()[5] and not book.alive()[0]


def test_a_book_needs_a_mini_batch():
    with pytest.raises(ValueError, match="at least one mini-batch"):
        GradientBook(np.array([0, 2]), 4, np.dtype("float64"), 0)
