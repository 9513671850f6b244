"""Fused operations: several elementwise steps as one node with a hand-derived gradient.

Each one could be written with the Tensor operators, but then a layer or a loss
would be five to ten graph nodes and as many temporary arrays. Fused, it is one
node, and the losses are numerically safe where the naive composition is not
(``log(sigmoid(z))`` is ``log(0) = -inf`` once ``z`` is below about -40).
"""

from __future__ import annotations

import numpy as np

from . import kernels
from .tensor import Backward, Tensor, is_walking


def _constant(values: object, like: Tensor, name: str, op: str) -> np.ndarray:
    """Targets are constants: a plain array in the dtype of the prediction."""
    array = values.data if isinstance(values, Tensor) else np.asarray(values)
    if array.dtype.kind not in "fiub":
        raise TypeError(f"{op}: {name} must be numeric, got dtype {array.dtype}")
    return array.astype(like.dtype, copy=False)


def _same_shape(target: np.ndarray, pred: Tensor, name: str, op: str) -> np.ndarray:
    """Accept targets of the prediction's shape, or of the same size ((n,) for (n, 1))."""
    if target.shape != pred.shape:
        if target.size != pred.data.size:
            raise ValueError(f"{op}: {name} has shape {target.shape} but the prediction has shape {pred.shape}")
        target = target.reshape(pred.shape)
    return target


def linear(x: Tensor, W: Tensor, b: Tensor | None = None) -> Tensor:
    """``z = x @ W + b``: one layer of a network, for a batch of rows ``x`` (n, in).

    ``W`` has shape (in, out) so that the batch is a plain row-major matmul;
    ``b`` has shape (out,). Gradients: ``dx = g W^T``, ``dW = x^T g``, ``db = sum_rows g``.
    """
    xd, Wd = x.data, W.data
    if xd.ndim != 2 or Wd.ndim != 2 or xd.shape[1] != Wd.shape[0]:
        raise ValueError(
            f"linear: input of shape {x.shape} does not fit weights of shape "
            f"{W.shape} (need (n, {W.shape[0] if W.ndim == 2 else 'in'}) )"
        )
    if b is not None and b.data.shape != (Wd.shape[1],):
        raise ValueError(
            f"linear: bias of shape {b.shape} does not fit weights of shape {W.shape} (need ({W.shape[1]},))"
        )
    bd = None if b is None else b.data
    # np.dot, not @: the same BLAS call for 2-D arrays, without the matmul ufunc's
    # dispatch, which costs about a third of a small batch's product. A large batch's
    # bias is added block by block in cache (kernels.affine_into); a replay runs the same.
    if kernels.is_blocked_affine(xd, Wd):
        z = kernels.affine_into(None, xd, Wd, bd)

        def forward(out: np.ndarray) -> None:
            kernels.affine_into(out, xd, Wd, bd)

    else:  # a small batch: inline, since a mini-batch step pays for every call
        z = np.dot(xd, Wd)
        if bd is not None:
            z += bd

        def forward(out: np.ndarray) -> None:
            np.dot(xd, Wd, out=out)
            if bd is not None:
                out += bd

    parents = (x, W) if b is None else (x, W, b)

    # The transposes are views and g has z's shape and dtype, so these are taken once:
    # a replayed graph (engine/replay.py) runs this backward again with every batch.
    Wt, xt = Wd.T, xd.T
    # A row of ones times g sums the columns (kernels.ones).
    ones = None if b is None else kernels.ones(len(z), z.dtype)
    # A large layer goes through g once, in blocks of rows (kernels.affine_grads), when the
    # operands share g's dtype (np.dot writes into the blocks of its results).
    # A mini-batch (under 64 rows: never blocked) skips the call and the dtype tests, which it would pay each step.
    large = len(xd) >= 64 and xd.dtype == Wd.dtype == z.dtype
    rows = kernels.grad_block_rows(len(xd), Wd.shape[0], Wd.shape[1], z.dtype.itemsize) if large else 0

    # Over a tanh's output (a hidden layer's input), the blocked backward also does that tanh's
    # backward of dx while each block is in cache, and leaves it to the walk (Tensor._ready): one
    # pass over memory fewer a layer than tanh's backward reading dx and a again.
    over_tanh = bool(rows) and x.op == "tanh" and x._backward is not None and xd.flags.c_contiguous

    def backward(g: np.ndarray) -> tuple[np.ndarray | None, ...]:
        # Skip the products nobody asked for: the input batch never needs one.
        need_db = b is not None and b.requires_grad
        if rows and g.dtype == z.dtype and g.flags.c_contiguous and g.shape == z.shape:
            ahead = over_tanh and x.requires_grad and is_walking()
            slope = np.empty(xd.shape, xd.dtype) if ahead else None
            dx, dW, db = kernels.affine_grads(g, xd, Wd, rows, x.requires_grad, W.requires_grad, need_db, slope)
            if slope is not None and dx is not None:
                x._ready = (dx, (slope,))
            return (dx, dW) if b is None else (dx, dW, db)
        dx = np.dot(g, Wt) if x.requires_grad else None
        dW = np.dot(xt, g) if W.requires_grad else None
        if b is None or ones is None:
            return dx, dW
        return dx, dW, (np.dot(ones, g) if need_db else None)

    return x._make(z, parents, "linear", backward, forward)


def bce_with_logits(z: Tensor, y: object) -> Tensor:
    """Mean binary cross-entropy of ``sigmoid(z)`` against 0/1 targets ``y``.

    Written as ``softplus(z) - z y`` with ``softplus(z) = log(1 + e^z)`` computed by
    ``np.logaddexp(0, z)`` (that is ``max(z, 0) + log(1 + e^{-|z|})``), which is
    finite for every finite ``z``. Its gradient is the famous ``(sigmoid(z) - y) / n``.
    """
    target = _same_shape(_constant(y, z, "targets", "bce_with_logits"), z, "targets", "bce_with_logits")
    zd = z.data
    n = max(zd.size, 1)
    if zd.size < kernels.SOFTPLUS_MIN_SIZE:
        return _small_bce(z, target, n)
    # softplus(z) - z y in buffers kept for a replay (kernels.softplus_into: logaddexp's formula
    # as vectorised ufuncs). It leaves e = exp(-|z|) in its buffer, and a float64 backward builds
    # sigmoid from it: 1 / (1 + e) for z >= 0, e / (1 + e) below, cheap ufuncs instead of
    # numpy's float64 tanh, a scalar loop (100,000 points: 2.3 -> 1.1 ms). float32's tanh is
    # vectorised and faster than the masked product, so float32 keeps _sigmoid_grad.
    per_point, e, product = (np.empty(zd.shape, zd.dtype) for _ in range(3))

    def forward(out: np.ndarray) -> None:
        kernels.softplus_into(per_point, zd, e, product)
        np.multiply(zd, target, out=product)
        np.subtract(per_point, product, out=per_point)
        out[()] = per_point.sum() / n

    def from_exp(g: np.ndarray) -> tuple[np.ndarray]:
        grad = np.add(e, 1.0)
        np.divide(1.0, grad, out=grad)
        np.multiply(grad, e, out=grad, where=zd < 0)  # NaN stays NaN: NaN < 0 is false, e is NaN
        grad -= target
        grad *= float(g) / n  # g: the 0-d gradient of a scalar loss, as a Python float
        return (grad,)

    backward = from_exp if zd.dtype == np.float64 else _sigmoid_grad(zd, target, n)
    loss = np.empty((), dtype=z.dtype)
    forward(loss)
    return z._make(loss, (z,), "bce_with_logits", backward, forward, (target,))


def _small_bce(z: Tensor, target: np.ndarray, n: int) -> Tensor:
    """``bce_with_logits`` for a small batch, in as few numpy calls as can be (a mini-batch step
    pays for every one): logaddexp's one call allocating its result, and tanh's sigmoid."""
    zd = z.data
    per_point = np.logaddexp(0.0, zd)
    product = zd * target
    per_point -= product
    loss = per_point.sum() / n

    def forward(out: np.ndarray) -> None:
        np.logaddexp(0.0, zd, out=per_point)
        np.multiply(zd, target, out=product)
        np.subtract(per_point, product, out=per_point)
        out[()] = per_point.sum() / n

    return z._make(
        np.asarray(loss, dtype=z.dtype), (z,), "bce_with_logits", _sigmoid_grad(zd, target, n), forward, (target,)
    )


def _sigmoid_grad(zd: np.ndarray, target: np.ndarray, n: int) -> Backward:
    """The backward ``(sigmoid(z) - y) g / n`` with sigmoid as ``0.5 + 0.5 tanh(z / 2)``."""

    def backward(g: np.ndarray) -> tuple[np.ndarray]:
        # Built in one buffer. g is the 0-d gradient of a scalar loss: as a Python float it
        # scales without another numpy call.
        grad = np.multiply(zd, 0.5)
        np.tanh(grad, out=grad)
        grad *= 0.5
        grad += 0.5
        grad -= target
        grad *= float(g) / n
        return (grad,)

    return backward


def softmax_cross_entropy(z: Tensor, labels: object) -> Tensor:
    """Mean cross-entropy of ``softmax(z)`` (n, k) against integer class ``labels`` (n,).

    The log-sum-exp subtracts each row's maximum first, so large logits cannot
    overflow. The gradient is ``(softmax(z) - onehot(labels)) / n``.
    """
    if z.ndim != 2:
        raise ValueError(f"softmax_cross_entropy: logits must be (n, k), got shape {z.shape}")
    classes = np.asarray(labels.data if isinstance(labels, Tensor) else labels)
    n, k = z.shape
    if classes.shape != (n,):
        raise ValueError(
            f"softmax_cross_entropy: labels have shape {classes.shape}, expected ({n},) for logits of shape {z.shape}"
        )
    if classes.dtype.kind == "f":
        if not np.all(classes == np.round(classes)):
            raise ValueError("softmax_cross_entropy: labels must be whole class numbers")
        classes = classes.astype(np.int64)
    elif classes.dtype.kind not in "iu":
        raise TypeError(f"softmax_cross_entropy: labels must be integers, got {classes.dtype}")
    _check_classes(classes, k)
    zd = z.data
    shifted = zd - zd.max(axis=1, keepdims=True)
    exp = np.exp(shifted)
    total = exp.sum(axis=1, keepdims=True)
    rows = np.arange(n)
    loss = (np.log(total[:, 0]) - shifted[rows, classes]).sum() / max(n, 1)

    def forward(out: np.ndarray) -> None:
        _check_classes(classes, k)  # a replay's new labels are checked as a fresh call's are
        np.subtract(zd, zd.max(axis=1, keepdims=True), out=shifted)
        np.exp(shifted, out=exp)
        np.sum(exp, axis=1, keepdims=True, out=total)
        out[()] = (np.log(total[:, 0]) - shifted[rows, classes]).sum() / max(n, 1)

    def backward(g: np.ndarray) -> tuple[np.ndarray]:
        grad = exp / total
        grad[rows, classes] -= 1.0
        grad *= float(g) / max(n, 1)  # g: the 0-d gradient of the scalar loss
        return (grad,)

    return z._make(np.asarray(loss, dtype=z.dtype), (z,), "softmax_cross_entropy", backward, forward, (classes,))


def _check_classes(classes: np.ndarray, k: int) -> None:
    """Integer labels must name one of the ``k`` classes."""
    if classes.size and (classes.min() < 0 or classes.max() >= k):
        raise ValueError(f"softmax_cross_entropy: labels must lie in 0..{k - 1}, got {classes.min()}..{classes.max()}")


def mse(pred: Tensor, target: object) -> Tensor:
    """Mean squared error ``mean((pred - target)^2)``; gradient ``2 (pred - target) / n``."""
    t = _same_shape(_constant(target, pred, "target", "mse"), pred, "target", "mse")
    pd = pred.data
    diff = np.asarray(pd - t)  # an array even for 0-d inputs, so that a replay can rewrite it
    n = max(diff.size, 1)
    loss = np.asarray((diff * diff).sum() / n, dtype=pred.dtype)

    def forward(out: np.ndarray) -> None:
        np.subtract(pd, t, out=diff)
        out[()] = (diff * diff).sum() / n

    # g is the 0-d gradient of the scalar loss: a Python float scales without a numpy call.
    return pred._make(loss, (pred,), "mse", lambda g: ((float(g) * 2.0 / n) * diff,), forward, (t,))
