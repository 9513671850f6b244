"""Check a function's autograd gradients against central finite differences.

What is compared is the Jacobian of ``fn``, not the gradient of its sum. Summing
a non-scalar output sends an all-ones upstream gradient into the last op, and
then a backward that ignores ``g``, averages it or reverses it looks right. So,
as in PyTorch's gradcheck:

* an output of up to ``FULL_JACOBIAN_LIMIT`` elements gets its full Jacobian
  checked, one backward pass per output element (a one-hot upstream gradient);
* a larger output is checked along ``RANDOM_PROJECTIONS`` random upstream
  gradients ``v``: the analytic ``v^T J`` from ``backward(v)`` against ``v^T``
  times the numeric Jacobian.

The numeric Jacobian is built column by column: each input element is nudged by
``±eps`` and the whole output is recorded, so the forward passes cost the same
as before. The inputs are replaced by private contiguous, writable copies while
the check runs (a transposed or read-only array cannot be nudged in place) and
put back afterwards.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager

import numpy as np

from .tensor import Tensor, no_grad

FULL_JACOBIAN_LIMIT = 64  # outputs up to this size: every upstream one-hot, like torch
RANDOM_PROJECTIONS = 3  # larger outputs: this many random upstream gradients
_SEED = 20240611  # a fixed seed: a failing check fails the same way every run


class GradcheckError(AssertionError):
    """The analytic and numeric gradients disagree; the message says where."""


def gradcheck(
    fn: Callable[..., Tensor], inputs: Sequence[Tensor], eps: float = 1e-6, atol: float = 1e-5, rtol: float = 1e-3
) -> bool:
    """Compare the autograd Jacobian of ``fn(*inputs)`` with central differences.

    Every input must be a float64 Tensor (finite differences in float32 are too
    coarse to judge anything). Each element of each input with
    ``requires_grad=True`` is nudged by ``±eps``; every checked entry must match
    within ``atol + rtol * |numeric|``. The upstream gradients are one-hot
    vectors for small outputs and random ones for large outputs (see the module
    docstring). Afterwards each input's ``.grad`` holds the gradient of the
    output's sum, and its ``.data`` is the array it had before.
    Returns True, or raises GradcheckError naming the input, the element, the
    output element (or projection) and both values.
    """
    _check_inputs(inputs)
    with _private_copies(inputs):
        output = fn(*inputs)
        seeds = _upstream_gradients(output.shape)
        # One backward per upstream gradient; products[k][i] is seed_k^T dOutput/dInput_i.
        products = [_vector_jacobian_product(output, seed, inputs) for _, seed in seeds]
        directions = np.array([seed.reshape(-1) for _, seed in seeds]).reshape(len(seeds), output.data.size)
        labels = [label for label, _ in seeds]
        for i, t in enumerate(inputs):
            if not t.requires_grad:
                continue
            analytic = np.array([product[i] for product in products]).reshape((len(seeds),) + t.shape)
            numeric = np.tensordot(directions, _numeric_jacobian(fn, inputs, t, eps), axes=1)
            _compare(analytic, numeric, labels, i, t.shape, atol, rtol)
        # Leave the gradient of the sum behind, as the summed check always did.
        _vector_jacobian_product(output, np.ones(output.shape), inputs)
    return True


def _check_inputs(inputs: Sequence[Tensor]) -> None:
    for i, t in enumerate(inputs):
        if not isinstance(t, Tensor):
            raise TypeError(f"gradcheck: input {i} is a {type(t).__name__}, not a Tensor")
        if t.dtype != np.float64:
            raise TypeError(f"gradcheck: input {i} is {t.dtype}; gradcheck needs float64")


@contextmanager
def _private_copies(inputs: Sequence[Tensor]) -> Iterator[None]:
    """Swap each input's array for a contiguous, writable copy; restore the originals."""
    originals = [t.data for t in inputs]
    try:
        for t in inputs:
            t.data = np.array(t.data, dtype=np.float64, order="C", copy=True)
        yield
    finally:
        for t, data in zip(inputs, originals):
            t.data = data


def _upstream_gradients(shape: tuple[int, ...]) -> list[tuple[str, np.ndarray]]:
    """The upstream gradients to check along, each with a label for the error message."""
    size = int(np.prod(shape, dtype=np.int64))
    if size <= FULL_JACOBIAN_LIMIT:
        seeds = []
        for k in range(size):
            one_hot = np.zeros(size)
            one_hot[k] = 1.0
            seeds.append((f"output element {_index(k, shape)}", one_hot.reshape(shape)))
        return seeds
    rng = np.random.default_rng(_SEED)
    return [(f"random upstream gradient {k}", rng.standard_normal(shape)) for k in range(RANDOM_PROJECTIONS)]


def _vector_jacobian_product(output: Tensor, seed: np.ndarray, inputs: Sequence[Tensor]) -> list[np.ndarray]:
    """``seed^T J`` for every input, from one backward pass over ``output``'s graph."""
    for t in inputs:
        t.grad = None
    output.backward(seed)
    return [np.zeros_like(t.data) if t.grad is None else t.grad.copy() for t in inputs]


def _numeric_jacobian(fn: Callable[..., Tensor], inputs: Sequence[Tensor], t: Tensor, eps: float) -> np.ndarray:
    """d output / d t by central differences: shape (output size, *t.shape)."""
    flat = t.data.reshape(-1)  # a view: t.data is a private contiguous copy here
    columns = []
    with no_grad():
        for j in range(flat.size):
            original = flat[j]
            flat[j] = original + eps
            plus = np.array(fn(*inputs).data, dtype=np.float64).reshape(-1)
            flat[j] = original - eps
            minus = np.array(fn(*inputs).data, dtype=np.float64).reshape(-1)
            flat[j] = original
            columns.append((plus - minus) / (2 * eps))
    out_size = columns[0].size if columns else 0
    jacobian = np.array(columns).T if columns else np.zeros((out_size, 0))
    return jacobian.reshape((out_size,) + t.shape)


def _compare(
    analytic: np.ndarray,
    numeric: np.ndarray,
    labels: list[str],
    i: int,
    shape: tuple[int, ...],
    atol: float,
    rtol: float,
) -> None:
    """Raise GradcheckError at the first entry outside ``atol + rtol * |numeric|``."""
    # Written as 'not within' so that a NaN on either side counts as a mismatch.
    bad = ~(np.abs(analytic - numeric) <= atol + rtol * np.abs(numeric))
    if not bad.any():
        return
    k, *where = (int(n) for n in np.unravel_index(int(np.argmax(bad)), bad.shape))
    element = tuple(where)
    raise GradcheckError(
        f"gradcheck: input {i} (shape {shape}) element {element}, {labels[k]}: analytic "
        f"{analytic[k][element]:.8g} vs numeric {numeric[k][element]:.8g}"
    )


def _index(flat: int, shape: tuple[int, ...]) -> tuple[int, ...]:
    """A flat position as a tuple of plain ints (not ``np.int64``), for messages."""
    return tuple(int(n) for n in np.unravel_index(flat, shape)) if shape else ()
