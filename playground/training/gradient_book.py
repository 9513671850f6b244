"""An epoch's books on its mini-batches' gradients: per tensor, the L2 norm summed over the
batches, and which entries got a gradient (nonzero or NaN) in any batch.

The trainer records every mini-batch's gradient (before any penalty is added) and reads the
totals once the epoch is done. A numpy call on a small network's few hundred gradients costs
1 to 2 us, as much as its arithmetic, so a small network's gradients are copied into a table,
one row per batch, and squared, summed per tensor and tested for zero there, a table at a
time: one call per batch instead of three. A large network's gradients are worked on as they
come (a copy would cost memory bandwidth, and the calls are a small share of its step).

The numbers are those of ``total += sqrt(reduceat(g * g))`` batch after batch, bit for bit:
``np.add.reduceat`` along a table's rows adds each segment as it does for one row, and the
batches' square roots are summed over them in order (``summed_norms``).
"""

from __future__ import annotations

import numpy as np

# Up to this many parameters, gradients are kept in a table; its rows fill about 256 KiB.
TABLE_MAX_PARAMETERS = 4096
TABLE_BYTES = 256 * 1024


class GradientBook:
    """The books of one epoch of ``batches`` mini-batches over a flat gradient whose tensors
    start at ``starts`` (``FlatParameters.offsets[:-1]``)."""

    def __init__(self, starts: np.ndarray, size: int, dtype: np.dtype, batches: int) -> None:
        if batches < 1:
            raise ValueError(f"GradientBook: an epoch has at least one mini-batch, got {batches}")
        self._starts = starts
        self._squares = np.empty((batches, starts.size), dtype=dtype)  # one row per batch
        self._alive = np.zeros(size, dtype=bool)
        self._count = 0  # batches recorded
        if size <= TABLE_MAX_PARAMETERS:
            rows = max(1, min(batches, TABLE_BYTES // max(1, size * np.dtype(dtype).itemsize)))
            self._table: np.ndarray | None = np.empty((rows, size), dtype=dtype)
        else:
            self._table = None
            self._scratch = np.empty(size, dtype=dtype)
        self._filled = 0  # rows of the table not yet worked on

    def add(self, grad: np.ndarray) -> None:
        """Record one mini-batch's flat gradient (copied or worked on now: ``grad`` may change after)."""
        table = self._table
        if table is None:
            scratch = self._scratch
            np.multiply(grad, grad, out=scratch)
            np.add.reduceat(scratch, self._starts, out=self._squares[self._count])
            np.logical_or(self._alive, grad, out=self._alive)
            self._count += 1
            return
        table[self._filled] = grad
        self._filled += 1
        if self._filled == len(table):
            self._flush()

    def _flush(self) -> None:
        rows = self._filled
        if not rows or self._table is None:
            return
        part = self._table[:rows]
        squared = part * part
        np.add.reduceat(squared, self._starts, axis=1, out=self._squares[self._count : self._count + rows])
        self._alive |= (part != 0).any(axis=0)  # NaN != 0: a NaN gradient counts as one
        self._count += rows
        self._filled = 0

    @property
    def batches(self) -> int:
        """Mini-batches recorded so far."""
        return self._count + self._filled

    def norm_sums(self) -> np.ndarray:
        """(tensors / 2, 2): each tensor's gradient norm summed over the batches recorded
        (weights in column 0, biases in column 1, one row per layer)."""
        self._flush()
        return summed_norms(self._squares[: self._count])

    def alive(self) -> np.ndarray:
        """(size,) bool: the entries whose gradient was nonzero (or NaN) in some batch."""
        self._flush()
        return self._alive


def summed_norms(batch_squares: np.ndarray) -> np.ndarray:
    """(tensors / 2, 2) sums over the batches (rows) of each tensor's gradient norm, from the
    batches' squared norms: as ``total += sqrt(squares)`` batch after batch in float64 (numpy
    adds the rows of a reduction over axis 0 one after another, and 0 + x is x for a norm)."""
    roots = np.sqrt(batch_squares).astype(np.float64, copy=False)
    total: np.ndarray = roots.sum(axis=0).reshape(-1, 2)
    return total
