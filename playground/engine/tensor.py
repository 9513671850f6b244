"""The autograd engine: a Tensor over a numpy array and the chain rule over its graph.

The idea is micrograd's: every operation computes its output and says, right
beside it, how a gradient flowing into that output splits onto its inputs (its
local derivative). ``backward()`` visits the graph in topological order (newest
node first, from a heap on creation order) and applies the chain rule node by
node. The difference is that a node holds a whole numpy array,
so a dataset flows through a handful of operations instead of millions of scalars.

Conventions:

* A backward closure receives ``g`` (dLoss/dOutput, shaped like the output) and
  returns one gradient per parent, or ``None`` for a parent that needs none.
  Gradients may come back in the broadcast shape; the engine sums them back to
  each parent's shape (``unbroadcast``) and checks the result.
* The first gradient stored on a node is never a view of another node's gradient,
  so later accumulation (``+=``) cannot leak into a neighbour.
* ``no_grad()`` is per thread: the GUI can probe a grid while a worker thread
  trains the same model.
* Beside its backward, an op may give a forward that recomputes its value in
  place from its parents' current values (``Forward``). The backward closures
  read the very arrays the forwards overwrite, so a recorded graph can be run
  again for a new batch of the same shape without building a node
  (``replay.Replay``). Ops without one simply cannot be replayed.
"""

from __future__ import annotations

import contextlib
import heapq
import itertools
import numbers
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence

import numpy as np

from . import kernels

Backward = Callable[[np.ndarray], Sequence["np.ndarray | None"]]
# Recomputes an op's value from its parents' current values into ``out``, the node's
# own buffer, with the same arithmetic as the op itself (``replay.Replay``).
Forward = Callable[[np.ndarray], object]


class _GradMode(threading.local):
    """Per-thread switch; the class attribute is every new thread's default.

    ``walking`` is true while ``Tensor.backward`` walks a graph on this thread: only then may
    an op leave a parent's backward result computed ahead (``Tensor._ready``), which that walk
    takes up (a replay runs the closures itself and never asks for one)."""

    enabled = True
    walking = False


_grad_mode = _GradMode()
_creation_counter = itertools.count()  # orders the graph's nodes; next() is atomic in CPython


def is_walking() -> bool:
    """Whether ``Tensor.backward`` is walking a graph on this thread (see ``Tensor._ready``)."""
    return _grad_mode.walking


def is_grad_enabled() -> bool:
    """Whether operations on this thread currently record a graph."""
    return _grad_mode.enabled


@contextlib.contextmanager
def no_grad() -> Iterator[None]:
    """Run the block without recording a graph (predictions, probes, updates)."""
    previous = _grad_mode.enabled
    _grad_mode.enabled = False
    try:
        yield
    finally:
        _grad_mode.enabled = previous


def unbroadcast(grad: np.ndarray, shape: tuple[int, ...]) -> np.ndarray:
    """Sum ``grad`` back to ``shape``, undoing numpy broadcasting.

    Broadcasting adds leading axes and stretches axes of size 1; the gradient of
    a stretched input is the sum over everything it was stretched across.
    """
    if grad.shape == shape:
        return grad
    extra = grad.ndim - len(shape)
    if extra > 0:
        grad = grad.sum(axis=tuple(range(extra)))
    if grad.ndim != len(shape):  # fewer axes than the target: leave it to the shape check
        return grad
    stretched = tuple(i for i, size in enumerate(shape) if size == 1 and grad.shape[i] != 1)
    if stretched:
        grad = grad.sum(axis=stretched, keepdims=True)
    return grad


def _as_float_array(data: object, dtype: np.dtype | None = None) -> np.ndarray:
    """Floats stay as they are (float32 stays float32); anything else becomes float64."""
    array = np.asarray(data, dtype=dtype)
    if array.dtype.kind != "f":
        array = array.astype(np.float64)
    return array


class Tensor:
    """An n-dimensional array that remembers how it was computed.

    ``data`` is the value, ``grad`` the gradient of the last ``backward()`` root
    with respect to it (or None), ``op`` the label of the operation that made it
    (``""`` for a leaf) and ``parents`` the tensors it was made from.
    """

    __slots__ = (
        "_backward",
        "_forward",
        "_order",
        "_reads",
        "_ready",
        "data",
        "grad",
        "name",
        "op",
        "parents",
        "requires_grad",
    )
    __array_priority__ = 1000  # make ``ndarray * Tensor`` call Tensor.__rmul__
    _order: int  # creation order; set only on nodes that join the graph (see _make)
    # Set only on nodes that join the graph: the op's in-place forward (None if it has
    # none) and the constant arrays it reads besides its parents (a loss's targets).
    _forward: Forward | None
    _reads: tuple[np.ndarray, ...]
    # A backward result computed ahead by the op that consumes this node, while the arrays were
    # in cache (a large linear layer over a tanh's output, functional.linear): (the gradient it
    # was computed from, the results). backward() uses it only if that very array arrives as
    # this node's gradient; adding another gradient into it drops it (_accumulate).
    _ready: tuple[np.ndarray, Sequence[np.ndarray | None]] | None

    def __init__(self, data: object, requires_grad: bool = False, name: str = "") -> None:
        self.data: np.ndarray = (
            data if isinstance(data, np.ndarray) and data.dtype.kind == "f" else _as_float_array(data)
        )
        self.grad: np.ndarray | None = None
        self.requires_grad = bool(requires_grad)
        self.op = ""
        self.parents: tuple[Tensor, ...] = ()
        self._backward: Backward | None = None
        self._ready = None
        self.name = name

    # ----------------------------------------------------------------- basics
    @property
    def shape(self) -> tuple[int, ...]:
        return self.data.shape

    @property
    def ndim(self) -> int:
        return self.data.ndim

    @property
    def dtype(self) -> np.dtype:
        return self.data.dtype

    def __len__(self) -> int:
        return len(self.data)

    def item(self) -> float:
        """The value of a one-element tensor as a Python float."""
        if self.data.size != 1:
            raise ValueError(f"item: only a one-element tensor has a value, this one has shape {self.shape}")
        return float(self.data.reshape(()))  # float() of a (1, 1) array is an error in NumPy 2

    def numpy(self) -> np.ndarray:
        """The underlying array (not a copy)."""
        return self.data

    def detach(self) -> Tensor:
        """The same values, cut off from the graph."""
        return Tensor(self.data)

    def __repr__(self) -> str:
        label = f", op={self.op!r}" if self.op else ""
        name = f", name={self.name!r}" if self.name else ""
        grad = ", requires_grad=True" if self.requires_grad else ""
        return f"Tensor(shape={self.shape}, dtype={self.dtype}{label}{name}{grad})"

    def _lift(self, other: object, op: str = "") -> Tensor:
        """Wrap a number or array in a constant Tensor of this tensor's dtype.

        Python floats follow the tensor's dtype, so ``float32 * 0.5`` stays float32.
        For an elementwise ``op`` the shapes must broadcast; the error names the op.
        """
        if not isinstance(other, Tensor):
            if isinstance(other, np.ndarray) and other.dtype.kind == "f":
                other = Tensor(other)
            else:
                other = Tensor(np.asarray(other, dtype=self.data.dtype))
        if op and other.data.shape != self.data.shape:
            try:
                np.broadcast_shapes(self.data.shape, other.data.shape)
            except ValueError:
                raise ValueError(
                    f"{op}: shapes {self.data.shape} and {other.data.shape} do not broadcast together"
                ) from None
        return other

    def _make(
        self,
        data: np.ndarray,
        parents: tuple[Tensor, ...],
        op: str,
        backward: Backward,
        forward: Forward | None = None,
        reads: tuple[np.ndarray, ...] = (),
    ) -> Tensor:
        """The output of an op: joined to the graph only when some parent needs a gradient.

        ``forward`` recomputes ``data`` in place for a replay, ``reads`` names the
        constant arrays besides the parents that it reads (see the module docstring).
        """
        # Every op runs this, so it fills the slots once, directly, where Tensor()
        # would set them and then have them overwritten (a measurable share of a
        # small mini-batch step).
        out = Tensor.__new__(Tensor)
        out.data = data if type(data) is np.ndarray and data.dtype.kind == "f" else _as_float_array(data)
        out.grad = None
        out.name = ""
        out.op = op
        if _grad_mode.enabled:
            for parent in parents:  # a plain loop: any() with a generator costs more here
                if parent.requires_grad:
                    out.requires_grad = True
                    out.parents = parents
                    out._backward = backward
                    out._forward = forward
                    out._reads = reads
                    out._ready = None
                    out._order = next(_creation_counter)
                    return out
        out.requires_grad = False
        out.parents = ()
        out._backward = None
        return out

    # ------------------------------------------------------------- arithmetic
    def __add__(self, other: object) -> Tensor:
        other = self._lift(other, "add")
        a, b = self.data, other.data
        return self._make(a + b, (self, other), "add", lambda g: (g, g), lambda out: np.add(a, b, out=out))

    def __mul__(self, other: object) -> Tensor:
        other = self._lift(other, "mul")
        a, b = self.data, other.data
        return self._make(a * b, (self, other), "mul", lambda g: (g * b, g * a), lambda out: np.multiply(a, b, out=out))

    def __neg__(self) -> Tensor:
        x = self.data
        return self._make(-x, (self,), "neg", lambda g: (-g,), lambda out: np.negative(x, out=out))

    def __sub__(self, other: object) -> Tensor:
        other = self._lift(other, "sub")
        a, b = self.data, other.data
        return self._make(a - b, (self, other), "sub", lambda g: (g, -g), lambda out: np.subtract(a, b, out=out))

    def __truediv__(self, other: object) -> Tensor:
        other = self._lift(other, "div")
        a, b = self.data, other.data
        return self._make(a / b, (self, other), "div", lambda g: (g / b, -g * a / (b * b)))

    def __pow__(self, exponent: float) -> Tensor:
        if not isinstance(exponent, numbers.Real):  # int, float, numpy scalars; not a Tensor or str
            raise TypeError(f"pow: the exponent must be a Python number, got {type(exponent).__name__}")
        p = float(exponent)
        x = self.data

        def backward(g: np.ndarray) -> tuple[np.ndarray]:
            if p == 0.0:
                # x ** 0 is constant. The general rule would give 0 * 0 ** -1 = 0 * inf = NaN
                # at x = 0; the derivative is 0 everywhere, as in PyTorch.
                return (np.zeros_like(g),)
            return (g * p * x ** (p - 1.0),)

        return self._make(x**p, (self,), f"pow {p:g}", backward)

    def __radd__(self, other: object) -> Tensor:
        return self._lift(other) + self

    def __rsub__(self, other: object) -> Tensor:
        return self._lift(other) - self

    def __rmul__(self, other: object) -> Tensor:
        return self._lift(other) * self

    def __rtruediv__(self, other: object) -> Tensor:
        return self._lift(other) / self

    def __matmul__(self, other: object) -> Tensor:
        other = self._lift(other)
        a, b = self.data, other.data
        if a.ndim == 3 or b.ndim == 3:
            return self._batched_matmul(other)
        if a.ndim not in (1, 2) or b.ndim not in (1, 2) or a.shape[-1] != b.shape[0]:
            raise ValueError(
                f"matmul: shapes {a.shape} and {b.shape} do not fit (need (m, k) @ (k, n) with 1 or 2 dimensions "
                "each, or (c, m, k) @ (c, k, n) for c products at once)"
            )
        # Treat vectors as a row (left) or a column (right) so one rule serves all cases.
        a2 = a if a.ndim == 2 else a[None, :]
        b2 = b if b.ndim == 2 else b[:, None]

        def backward(g: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
            g2 = g.reshape(a2.shape[0], b2.shape[1])
            return (g2 @ b2.T).reshape(a.shape), (a2.T @ g2).reshape(b.shape)

        return self._make(a @ b, (self, other), "matmul", backward)

    def _batched_matmul(self, other: Tensor) -> Tensor:
        """``(c, m, k) @ (c, k, n)``: ``c`` independent products in one node (several
        networks of one shape trained side by side, ``training/compare.py``)."""
        a, b = self.data, other.data
        if a.ndim != 3 or b.ndim != 3 or a.shape[0] != b.shape[0] or a.shape[2] != b.shape[1]:
            raise ValueError(f"matmul: shapes {a.shape} and {b.shape} do not fit (need (c, m, k) @ (c, k, n))")

        def backward(g: np.ndarray) -> tuple[np.ndarray | None, np.ndarray | None]:
            # Product by product, the 2-D rule; skip the side that needs no gradient (the input batch).
            da = np.matmul(g, b.transpose(0, 2, 1)) if self.requires_grad else None
            db = np.matmul(a.transpose(0, 2, 1), g) if other.requires_grad else None
            return da, db

        return self._make(np.matmul(a, b), (self, other), "matmul", backward)

    def __rmatmul__(self, other: object) -> Tensor:
        return self._lift(other) @ self

    # ------------------------------------------------------------ reductions
    def sum(self, axis: int | tuple[int, ...] | None = None, keepdims: bool = False) -> Tensor:
        shape = self.shape

        def backward(g: np.ndarray) -> tuple[np.ndarray]:
            if axis is not None and not keepdims:
                g = np.expand_dims(g, axis)
            return (np.broadcast_to(g, shape),)

        return self._make(self.data.sum(axis=axis, keepdims=keepdims), (self,), "sum", backward)

    def mean(self, axis: int | tuple[int, ...] | None = None, keepdims: bool = False) -> Tensor:
        count = self.data.size if axis is None else int(np.prod([self.shape[i] for i in np.atleast_1d(axis)]))
        out = self.sum(axis=axis, keepdims=keepdims) * (1.0 / max(count, 1))
        out.op = "mean"
        return out

    # ---------------------------------------------------- elementwise functions
    def exp(self) -> Tensor:
        out = np.exp(self.data)
        return self._make(out, (self,), "exp", lambda g: (g * out,))

    def log(self) -> Tensor:
        x = self.data
        return self._make(np.log(x), (self,), "log", lambda g: (g / x,))

    def tanh(self) -> Tensor:
        x = self.data
        out = kernels.tanh(x)

        def backward(g: np.ndarray) -> tuple[np.ndarray]:
            # 1 - tanh^2, built in the one buffer that out * out allocates (a separate
            # empty_like costs as much as a small ufunc). A 0-d input gives numpy
            # scalars, which have no buffer to write into.
            slope = out * out
            if slope.ndim == 0:
                return ((1.0 - slope) * g,)
            np.subtract(1.0, slope, out=slope)
            slope *= g
            return (slope,)

        if out.size > kernels.CHUNK:  # large: chunk by chunk in cache (same values)
            backward = lambda g: (kernels.tanh_grad(out, g),)  # noqa: E731
        return self._make(out, (self,), "tanh", backward, lambda buffer: kernels.tanh_into(buffer, x))

    def sigmoid(self) -> Tensor:
        # 0.5 * (1 + tanh(x / 2)) equals 1 / (1 + e^-x) and never overflows.
        x = self.data
        out = kernels.tanh(0.5 * x)
        out *= 0.5
        out += 0.5

        def forward(buffer: np.ndarray) -> None:
            np.multiply(x, 0.5, out=buffer)
            kernels.tanh_into(buffer, buffer)
            buffer *= 0.5
            buffer += 0.5

        def backward(g: np.ndarray) -> tuple[np.ndarray]:
            slope = 1.0 - out  # sigma (1 - sigma), built in one buffer
            slope *= out
            slope *= g
            return (slope,)

        return self._make(out, (self,), "sigmoid", backward, forward)

    def relu(self) -> Tensor:
        x = self.data
        # The derivative at exactly 0 is taken as 0, as PyTorch does.
        return self._make(
            np.maximum(x, 0.0), (self,), "relu", lambda g: (g * (x > 0),), lambda out: np.maximum(x, 0.0, out=out)
        )

    def leaky_relu(self, slope: float = 0.01) -> Tensor:
        x = self.data
        slope = float(slope)

        def forward(out: np.ndarray) -> None:
            np.multiply(x, slope, out=out)
            np.copyto(out, x, where=x > 0)

        # The backward takes x > 0 afresh rather than keeping the forward's mask: a replay
        # rewrites x in place, and a 0-d mask would be a numpy scalar with no buffer to rewrite.
        return self._make(
            np.where(x > 0, x, slope * x),
            (self,),
            f"leaky_relu {slope:g}",
            lambda g: (np.where(x > 0, g, slope * g),),
            forward,
        )

    # ---------------------------------------------------------------- shapes
    def reshape(self, *shape: int | tuple[int, ...]) -> Tensor:
        dims = shape[0] if len(shape) == 1 and isinstance(shape[0], tuple) else shape
        new_shape: list[int] = []
        for d in dims:
            if not isinstance(d, (int, np.integer)):
                raise TypeError(f"reshape: the new shape must be whole numbers, got {shape}")
            new_shape.append(int(d))
        old_shape = self.shape
        try:
            out = self.data.reshape(new_shape)
        except ValueError:
            raise ValueError(f"reshape: cannot reshape {old_shape} into {tuple(new_shape)}") from None
        return self._make(out, (self,), "reshape", lambda g: (g.reshape(old_shape),))

    @property
    def T(self) -> Tensor:
        return self._make(self.data.T, (self,), "transpose", lambda g: (g.T,))

    # -------------------------------------------------------------- backward
    def backward(self, grad: np.ndarray | float | None = None) -> None:
        """Apply the chain rule from this tensor to every tensor it depends on.

        ``grad`` is dRoot/dSelf; it defaults to ones (so a scalar loss needs none).
        Gradients accumulate: calling ``backward`` twice adds them twice.
        """
        if not self.requires_grad:
            raise RuntimeError(
                "backward: this tensor does not require a gradient "
                "(no input had requires_grad=True, or it was made under no_grad)"
            )
        if grad is None:
            # Ones. A scalar loss, the usual root, takes the one-call path: np.ones_like
            # goes through numpy's Python-level dispatch.
            seed = np.array(1.0, dtype=self.dtype) if self.data.ndim == 0 else np.ones_like(self.data)
        else:
            seed = np.array(grad, dtype=self.dtype)
            if seed.shape != self.data.shape:
                raise ValueError(f"backward: seed gradient has shape {seed.shape}, tensor has {self.shape}")
        if self._backward is None:  # a leaf: nothing to propagate, its gradient accumulates
            if self.grad is None:
                self.grad = seed
            else:
                self.grad += seed  # in place: a parameter's grad is a view of its buffer
            return
        self.grad = seed  # the root's own earlier gradient would be stale
        # Newest node first: creation order is a topological order (an op's inputs
        # exist before it), so a node is popped only after every node that feeds
        # it a gradient. A heap keyed on that order walks and sorts in one pass
        # (PyTorch's engine does the same with its sequence numbers).
        queue: list[tuple[int, Tensor]] = [(-self._order, self)]
        seen = {self}
        walking, _grad_mode.walking = _grad_mode.walking, True
        try:
            while queue:
                node = heapq.heappop(queue)[1]
                incoming, backward, ready = node.grad, node._backward, node._ready
                if ready is not None:
                    node._ready = None
                grads: Iterable[np.ndarray | None]
                if ready is not None and ready[0] is incoming:
                    grads = ready[1]  # computed by its consumer from this very gradient, unchanged since
                elif incoming is not None and backward is not None:
                    grads = backward(incoming)
                else:
                    grads = itertools.repeat(None)
                for parent, g in zip(node.parents, grads):
                    if parent._backward is not None and parent.requires_grad and parent not in seen:
                        seen.add(parent)
                        # Left over from an earlier backward, an inner node's gradient
                        # would be pushed down again and the leaves would get too much.
                        parent.grad = None
                        heapq.heappush(queue, (-parent._order, parent))
                    if g is not None and parent.requires_grad:
                        _accumulate(parent, g, incoming, node.op)
        finally:
            _grad_mode.walking = walking


def _accumulate(node: Tensor, g: np.ndarray, incoming: np.ndarray | None, op: str) -> None:
    """Add ``g`` (summed back to ``node``'s shape) into ``node.grad``.

    The first write is a private copy unless ``g`` is fresh: ``g`` may be the very
    array the child received (``add`` passes it through) or a view of it, and
    storing it as is would let a later ``+=`` change the child's gradient too.
    """
    shape = node.data.shape
    if g.shape != shape:
        g = unbroadcast(g, shape)
        if g.shape != shape:
            raise ValueError(f"backward of {op!r}: gradient shape {g.shape} does not match its input's shape {shape}")
    if node.grad is None:
        if (
            type(g) is np.ndarray
            and g.dtype == node.data.dtype
            and g is not incoming
            and g.base is None
            and g.flags.writeable
        ):
            node.grad = g  # fresh: the op made it for this parent alone
        else:
            # np.array, not astype: a 0-d result of a ufunc is a numpy scalar, and the
            # gradient must be an ndarray that later ``+=`` updates in place.
            node.grad = np.array(g, dtype=node.data.dtype)
    else:
        node.grad += g
        node._ready = None  # a result computed ahead from the first gradient alone is stale now
