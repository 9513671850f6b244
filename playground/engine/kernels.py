"""Elementwise kernels faster than numpy's own for the shapes training uses.

numpy's float64 ``tanh`` is a scalar loop here (no SIMD version for this
processor), 2 to 2.5 times slower than its vectorised ``exp``. For arrays
large enough that the difference is more than the extra calls,
``tanh(x) = 2 / (1 + exp(-2x)) - 1`` in place, in chunks that stay in the
processor's cache, is the faster (``benchmarks/engine_vs_torch.py``; a
full-batch epoch at 100,000 points spent 42% of its time in ``np.tanh``).
Its error is absolute: below 4e-16 in float64 and 2e-7 in float32 (the
rounding of ``1 + exp(-2x)``; near 0 the relative error is the larger). It
keeps tanh's limits (``exp`` overflowing to inf gives exactly -1), and NaN
stays NaN. The loss landscape's float32 layers use the in-place form too
(``training/forward.py``).

The same chunking serves two memory-bound float64 steps: a layer's ``x @ W + b``
(``affine_into``: the bias is added to each block of rows while the block is still in
cache, not in a second pass over the whole product; a row may differ from one whole
product in the last bit) and tanh's derivative ``g (1 - a^2)`` (``tanh_grad``: three
passes per chunk in cache instead of over the whole array, bit for bit the same).
float32 arrays, half the bytes, gained nothing measurable and keep the plain forms.

A large layer's backward reads its incoming gradient ``g`` once, block of rows by block
of rows (``affine_grads``): each block gives its rows of ``dx = g W^T`` and adds its share
of ``dW = x^T g`` and ``db = 1^T g`` while it is in cache, where the three whole products
read ``g`` from memory three times (at 100,000 x 16 in float64, 12.8 MB each time; about
15% of the layer's backward, in both dtypes).
"""

from __future__ import annotations

import functools

import numpy as np

# Below this many values, four more ufunc calls (about 1 us each) cost more than they save.
_FAST_TANH_MIN_SIZE = 4096
# Below this many values softplus_into is np.logaddexp itself (the same reason).
SOFTPLUS_MIN_SIZE = _FAST_TANH_MIN_SIZE
# Values per chunk: 128 KiB of float64, so each chunk's five passes read the cache, not memory.
_CHUNK = 16384
CHUNK = _CHUNK  # public: the ops choose their chunked path by it
# Values in a block of affine_into's output: 4,096 rows of 16 float64 units. Measured at 100,000
# rows (thread CPU, interleaved), 16 -> 16 units took 8.2 ms in blocks of 1,024 rows, 7.3 in
# blocks of 4,096, 8.9 in one product; 2 -> 16 units 4.4, 3.9 and 5.7.
_AFFINE_BLOCK_VALUES = 65536
# Values per chunk of tanh_grad: 3.99 -> 3.65 ms at 100,000 x 16 from 16,384 (fewer calls).
_GRAD_CHUNK = 32768


def tanh_from_exp(e: np.ndarray) -> np.ndarray:
    """``tanh(z)`` in place from ``e = exp(-2 z)``."""
    e += 1.0
    np.divide(2.0, e, out=e)
    e -= 1.0
    return e


def tanh_in_place(z: np.ndarray) -> np.ndarray:
    """``tanh(z)`` overwriting ``z``, as ``2 / (1 + exp(-2 z)) - 1`` (errors as in the module docstring)."""
    return _tanh_into(z, z)


def _tanh_into(out: np.ndarray, x: np.ndarray) -> np.ndarray:
    """``tanh(x)`` written into ``out`` (which may be ``x``)."""
    # -2x overflows past 9e307, and exp(-2x) is inf below x = -355 (the limit -1 comes out exact)
    # and 0 above 372: np.tanh warns of none of these.
    with np.errstate(over="ignore", under="ignore"):
        np.multiply(x, -2.0, out=out)
        np.exp(out, out=out)
    return tanh_from_exp(out)


def tanh(x: np.ndarray) -> np.ndarray:
    """``np.tanh(x)`` as a new array; float64 arrays of 4,096 values or more by the exp form, chunk by chunk.

    float32 keeps ``np.tanh``, which is vectorised and, on whole layers, not slower.
    """
    if x.dtype != np.float64 or x.size < _FAST_TANH_MIN_SIZE:
        return np.asarray(np.tanh(x))
    return tanh_into(np.empty(x.shape, dtype=np.float64), x)


def tanh_into(out: np.ndarray, x: np.ndarray) -> np.ndarray:
    """``tanh(x)`` written into ``out`` (C-contiguous, ``x``'s shape and dtype; it may be ``x``),
    by the same rule and arithmetic as ``tanh``: a replayed graph recomputes its values with it."""
    if x.dtype != np.float64 or x.size < _FAST_TANH_MIN_SIZE:
        np.tanh(x, out=out)
        return out
    source, target = np.ascontiguousarray(x).reshape(-1), out.reshape(-1)
    for start in range(0, target.size, _CHUNK):
        _tanh_into(target[start : start + _CHUNK], source[start : start + _CHUNK])
    return out


def is_blocked_affine(x: np.ndarray, W: np.ndarray) -> bool:
    """Whether ``affine_into`` goes block by block for these operands (a float64 product
    of more than one chunk); otherwise it is one ``np.dot`` and one bias add."""
    return len(x) * W.shape[1] > max(_CHUNK, W.shape[1]) and np.result_type(x, W) == np.float64


def affine_into(out: np.ndarray | None, x: np.ndarray, W: np.ndarray, b: np.ndarray | None) -> np.ndarray:
    """``x @ W + b`` (2-D ``x`` and ``W``) written into ``out`` (C-contiguous, of ``np.dot(x, W)``'s
    shape and dtype), or into a new array if ``out`` is None.

    float64 products of more than one chunk go block of rows by block of rows, each
    block's bias added while it is in cache. OpenBLAS picks its kernels by the block's
    shape, so a few rows may differ from one whole product in the last bit (as a different
    BLAS would); the same shapes always give the same values, so a replay repeats them.
    """
    # Blocks of a multiple of 16 rows, the last one taking the rest: never a one-row
    # block, which OpenBLAS would send to its slower matrix-vector routine.
    rows = max(16, _AFFINE_BLOCK_VALUES // max(W.shape[1], 1) // 16 * 16)
    if len(x) < 2 * rows or not is_blocked_affine(x, W):
        # Small or float32: one product, which allocates its own result when there is no buffer.
        out = np.dot(x, W) if out is None else np.dot(x, W, out=out)
        if b is not None:
            out += b
        return out
    if out is None:
        out = np.empty((len(x), W.shape[1]), dtype=np.float64)
    starts = range(0, len(x) - rows + 1, rows)
    for start in starts:
        stop = start + rows if start + 2 * rows <= len(x) else len(x)
        block = out[start:stop]
        np.dot(x[start:stop], W, out=block)
        if b is not None:
            block += b
    return out


def tanh_grad(a: np.ndarray, g: np.ndarray) -> np.ndarray:
    """tanh's backward ``(1 - a * a) * g`` from its output ``a``, as a new array.

    Large float64 arrays (contiguous, ``g`` of ``a``'s shape and dtype) are done chunk by
    chunk in one buffer; the arithmetic per value is the same, so the result is identical.
    """
    # The size first: a small batch's step pays for every comparison (a dtype's costs most).
    if (
        a.size <= _CHUNK
        or a.dtype != np.float64
        or g.shape != a.shape
        or g.dtype != a.dtype
        or not (a.flags.c_contiguous and g.flags.c_contiguous)
    ):
        # Built in the one buffer that a * a allocates (a separate empty_like costs as much
        # as a small ufunc). A 0-d input gives numpy scalars, which have no buffer to write into.
        slope: np.ndarray = a * a
        if slope.ndim == 0:
            return np.asarray((1.0 - slope) * g)
        np.subtract(1.0, slope, out=slope)
        slope *= g
        return slope
    out = np.empty(a.shape, dtype=np.float64)
    flat_a, flat_g, flat_out = a.reshape(-1), g.reshape(-1), out.reshape(-1)
    for start in range(0, flat_out.size, _GRAD_CHUNK):
        chunk, values = flat_out[start : start + _GRAD_CHUNK], flat_a[start : start + _GRAD_CHUNK]
        np.multiply(values, values, out=chunk)
        np.subtract(1.0, chunk, out=chunk)
        np.multiply(chunk, flat_g[start : start + _GRAD_CHUNK], out=chunk)
    return out


def softplus_into(out: np.ndarray, z: np.ndarray, e: np.ndarray, scratch: np.ndarray) -> np.ndarray:
    """``log(1 + e^z)`` written into ``out``, as ``max(z, 0) + log1p(exp(-|z|))``, leaving
    ``exp(-|z|)`` in ``e`` (the loss's backward builds sigmoid from it); ``e`` and ``scratch``:
    buffers of ``z``'s shape and dtype.

    The same formula as ``np.logaddexp(0, z)``, which evaluates it value by value in a
    scalar loop; as whole-array ufuncs (numpy's vectorised exp) it takes half the time at
    100,000 values. The values are ``logaddexp``'s to a unit or two in the last place (numpy's
    vectorised exp and log1p are its own SIMD routines, float64 ones too from numpy 2.4). A small batch
    gains nothing from it (``SOFTPLUS_MIN_SIZE``): six calls cost more than logaddexp's one.
    """
    np.abs(z, out=e)
    np.negative(e, out=e)
    np.exp(e, out=e)  # at most 1: no overflow, and an underflow to 0 is the exact limit
    np.log1p(e, out=out)
    np.maximum(z, 0.0, out=scratch)
    np.add(scratch, out, out=out)
    return out


@functools.lru_cache(maxsize=32)
def ones(n: int, dtype: np.dtype) -> np.ndarray:
    """A read-only vector of ``n`` ones, kept: batches repeat the same few sizes. A row of ones
    times ``g`` sums its columns; numpy's axis-0 reduction of a narrow (n, k) array is several
    times slower than this product."""
    values = np.ones(n, dtype=dtype)
    values.flags.writeable = False
    return values


# Bytes of g in a backward block: 2,048 rows of 16 float64 units, 4,096 of float32. Measured at
# 100,000 x 16: float64 gains the same from 1,024 to 8,192 rows, float32 more the longer the
# block (BLAS calls on short blocks cost more than the cache saves).
_GRAD_BLOCK_BYTES = 256 << 10


def grad_block_rows(n: int, k_in: int, k_out: int, itemsize: int) -> int:
    """The rows of each of ``affine_grads``'s blocks for an (n, k_in) @ (k_in, k_out) layer of
    ``itemsize``-byte floats, or 0 when it is too small to gain from blocks (fewer than 4 blocks,
    so always below 64 rows: then one product each)."""
    rows = max(16, _GRAD_BLOCK_BYTES // itemsize // max(k_in, k_out, 1) // 16 * 16)
    return rows if n >= 4 * rows else 0


def affine_grads(
    g: np.ndarray,
    x: np.ndarray,
    W: np.ndarray,
    rows: int,
    need_dx: bool,
    need_dW: bool,
    need_db: bool,
    tanh_slope: np.ndarray | None = None,
) -> tuple[np.ndarray | None, np.ndarray | None, np.ndarray | None]:
    """``(g W^T, x^T g, 1^T g)`` for the layer ``x @ W + b`` (each None when not needed), going
    through ``g`` (C-contiguous, ``(len(x), W.shape[1])``, ``x``'s dtype) once in blocks of
    ``rows`` rows (``grad_block_rows``), the last block taking the rest.

    ``dx``'s rows are each block's own product, as a whole product would give them up to the
    last bit (OpenBLAS picks kernels by shape); ``dW`` and ``db`` add the blocks' sums in
    order, a different rounding from one product's, within a few eps of it.

    With ``tanh_slope`` (a buffer of ``x``'s shape; ``x`` C-contiguous and the output of a
    tanh, ``need_dx``), each block also writes ``(1 - x * x) * dx`` there while both are in
    cache: the tanh's own backward of ``dx``, value for value the arithmetic of ``tanh_grad``.
    """
    n, k_in, k_out = len(x), W.shape[0], W.shape[1]
    dtype = g.dtype
    dx = np.empty((n, k_in), dtype=dtype) if need_dx else None
    dW = np.zeros((k_in, k_out), dtype=dtype) if need_dW else None
    db = np.zeros(k_out, dtype=dtype) if need_db else None
    part_W = np.empty((k_in, k_out), dtype=dtype)
    part_b = np.empty(k_out, dtype=dtype)
    Wt, xt = W.T, x.T
    for start in range(0, n - rows + 1, rows):
        stop = start + rows if start + 2 * rows <= n else n
        block = g[start:stop]
        if dx is not None:
            np.dot(block, Wt, out=dx[start:stop])
            if tanh_slope is not None:
                slope, values = tanh_slope[start:stop], x[start:stop]
                np.multiply(values, values, out=slope)
                np.subtract(1.0, slope, out=slope)
                np.multiply(slope, dx[start:stop], out=slope)
        if dW is not None:
            np.dot(xt[:, start:stop], block, out=part_W)
            dW += part_W
        if db is not None:
            np.dot(ones(stop - start, dtype), block, out=part_b)
            db += part_b
    return dx, dW, db
