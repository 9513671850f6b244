"""Run a recorded graph again for new inputs of the same shape: no new nodes, no sort.

A mini-batch step builds the same graph every time: the same ops on arrays of
the same shapes, only the batch differs. Building it costs more than the
arithmetic at small batches (a node is a Python object, a closure and a place in
the backward's heap). ``Replay`` records one loss's graph once, in topological
order, and then, for each new batch of the same shape:

* ``forward(*values)`` writes the values into the graph's inputs (the ``feeds``:
  the batch leaf's buffer, the loss's targets) and re-runs every node's
  ``Forward`` in creation order, in place into the node's own buffer;
* ``backward()`` runs the nodes' own backward closures in the recorded reverse
  order, accumulating exactly as ``Tensor.backward`` does.

Because the arithmetic is the ops' own, the values and gradients are bit for bit
those of a freshly built graph, and the graph stays the engine's: its nodes keep
their ops, parents, values and gradients for the chain-rule and graph views.

What is not fed keeps its recorded value, except leaves whose arrays change in
place (parameters after an optimiser step or a hand edit): those are read as
they are now. Anything that replaces an array the graph captured (a rebound
``Tensor.data``) makes ``fits`` false; the caller then builds afresh.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from .tensor import Forward, Tensor, _accumulate


class NotReplayable(ValueError):
    """The graph has an op without an in-place forward, or a feed it does not read."""


class Replay:
    """The graph of ``root`` (a loss), recorded for replay; ``feeds`` are the arrays that
    ``forward`` overwrites with new values, in the order they are passed.

    Each feed must be read by the graph itself: the data of one of its leaves
    (``Tensor(batch)``), or an array an op keeps besides its parents (the targets a
    loss was given, when it kept them without a copy). ``NotReplayable`` otherwise.
    """

    def __init__(self, root: Tensor, feeds: Sequence[np.ndarray]) -> None:
        if not isinstance(root, Tensor) or root._backward is None or not root.requires_grad:
            raise NotReplayable("Replay: the root must be a tensor computed from inputs that require a gradient")
        nodes, leaves = _walk(root)
        for node in nodes:
            if node._forward is None:
                raise NotReplayable(f"Replay: the op {node.op!r} has no in-place forward, so it cannot be replayed")
        read = [array for node in nodes for array in node._reads] + [leaf.data for leaf in leaves]
        for k, feed in enumerate(feeds):
            if not isinstance(feed, np.ndarray) or not any(r is feed or r.base is feed for r in read):
                raise NotReplayable(
                    f"Replay: feed {k} is not an array the graph reads (pass the very array given to Tensor() "
                    "or to the loss, in its dtype)"
                )
        self.root = root
        self.feeds = tuple(feeds)
        self.nodes = nodes  # creation order: every node after its parents
        self._forwards: list[tuple[Forward, np.ndarray]] = [
            (node._forward, node.data) for node in nodes if node._forward is not None
        ]
        self._inner = [node for node in nodes if node is not root]
        # Each node's edges to the parents that take a gradient, worked out once: (position in
        # the backward's result, parent, whether this is the only edge into an inner node).
        feeding: dict[int, int] = {}
        for node in nodes:
            for parent in node.parents:
                feeding[id(parent)] = feeding.get(id(parent), 0) + 1
        self._backwards = [
            (
                node,
                node._backward,
                tuple(
                    (k, parent, parent._backward is not None and feeding[id(parent)] == 1)
                    for k, parent in enumerate(node.parents)
                    if parent.requires_grad
                ),
                node.op,
            )
            for node in reversed(nodes)
        ]
        # A leaf whose array is replaced (not changed in place) would leave stale arrays in the
        # closures, and one that stops or starts needing a gradient would change the edges.
        self._leaf_arrays = [(leaf, leaf.data, leaf.requires_grad) for leaf in leaves]

    def __deepcopy__(self, memo: dict[int, object]) -> Replay:
        # A copy of the tensors would come with the same closures, which would go on
        # reading and writing the original arrays: wrong numbers, silently.
        raise TypeError("Replay: a recorded graph cannot be copied (its ops hold the original arrays); record the copy")

    def __copy__(self) -> Replay:
        return self.__deepcopy__({})

    def fits(self, *values: np.ndarray) -> bool:
        """Whether ``values`` can be fed (same count, shapes and dtypes as the feeds) and
        the graph's leaves still hold the arrays it was recorded with."""
        if len(values) != len(self.feeds):
            return False
        for value, feed in zip(values, self.feeds):
            if value.shape != feed.shape or value.dtype != feed.dtype:
                return False
        return self.current()

    def current(self) -> bool:
        """Whether the graph's leaves still hold the arrays it was recorded with."""
        for leaf, array, wants_grad in self._leaf_arrays:  # a plain loop: all() over a generator costs more here
            if leaf.data is not array or leaf.requires_grad is not wants_grad:
                return False
        return True

    def forward(self, *values: np.ndarray, check: bool = True) -> Tensor:
        """Write ``values`` into the feeds and recompute every node; returns the root.

        Values that do not ``fit`` are a ValueError; ``check=False`` skips the test
        for a caller that has just asked ``fits`` itself.
        """
        if check and not self.fits(*values):
            shapes = ", ".join(f"{np.shape(v)} {getattr(v, 'dtype', type(v).__name__)}" for v in values)
            wanted = ", ".join(f"{feed.shape} {feed.dtype}" for feed in self.feeds)
            raise ValueError(f"Replay.forward: got {shapes or 'nothing'}, the recorded graph takes {wanted}")
        for value, feed in zip(values, self.feeds):
            if value is not feed:
                np.copyto(feed, value)
        return self.recompute()

    def recompute(self) -> Tensor:
        """Recompute every node from the feeds as they are (a caller that wrote them itself,
        ``np.take(..., out=feed)``, saves a copy); returns the root."""
        for forward, out in self._forwards:
            forward(out)
        return self.root

    def backward(self) -> None:
        """The chain rule over the recorded graph, as ``root.backward()`` would apply it.

        The nodes run in the order ``Tensor.backward``'s heap pops them (newest
        first), so every sum of gradients is added in the same order.
        """
        root = self.root
        root.grad = np.array(1.0, dtype=root.dtype) if root.data.ndim == 0 else np.ones_like(root.data)
        for node in self._inner:
            node.grad = None  # what the fresh walk does when it first reaches a node
        for node, backward, edges, op in self._backwards:
            incoming = node.grad
            if incoming is None or backward is None:
                continue
            grads = backward(incoming)
            for k, parent, only in edges:
                g = grads[k]
                if g is None:
                    continue
                if only:
                    # The one gradient of an inner node: _accumulate's first write, inlined.
                    data = parent.data
                    if (
                        g.shape == data.shape
                        and type(g) is np.ndarray
                        and g.dtype == data.dtype
                        and g is not incoming
                        and g.base is None
                        and g.flags.writeable
                    ):
                        parent.grad = g
                        continue
                else:
                    grad = parent.grad
                    if grad is not None and g.shape == grad.shape:
                        grad += g  # what _accumulate does here (a parameter's buffer, a second path)
                        continue
                _accumulate(parent, g, incoming, op)

    def run(self, *values: np.ndarray, check: bool = True) -> Tensor:
        """``forward(*values)`` then ``backward()``; returns the root."""
        root = self.forward(*values, check=check)
        self.backward()
        return root


def _walk(root: Tensor) -> tuple[list[Tensor], list[Tensor]]:
    """The graph's inner nodes in creation order, and its leaves (each once).

    The inner nodes are those ``Tensor.backward`` visits: made by an op and
    needing a gradient. Everything else a node reads is a leaf.
    """
    inner: dict[int, Tensor] = {}
    leaves: dict[int, Tensor] = {}
    stack = [root]
    inner[id(root)] = root
    while stack:
        node = stack.pop()
        for parent in node.parents:
            if parent._backward is not None and parent.requires_grad:
                if id(parent) not in inner:
                    inner[id(parent)] = parent
                    stack.append(parent)
            else:
                leaves.setdefault(id(parent), parent)
    return sorted(inner.values(), key=lambda node: node._order), list(leaves.values())


# The shapes and dtypes of a recording's feeds, in order.
Layout = tuple[tuple[tuple[int, ...], np.dtype], ...]


def _layout(arrays: Sequence[np.ndarray]) -> Layout:
    return tuple((array.shape, array.dtype) for array in arrays)


class RecordedSteps:
    """Recordings of one step's graph, one per shape of its inputs (a full mini-batch and
    an epoch's shorter last one), for a caller that replays whatever it can.

    ``find(*values)`` gives the recording those values fit, or None: the caller then
    builds the graph afresh and offers it to ``record``. ``find_for`` does the same
    from the values' shapes and dtypes, for a caller that writes its batch straight
    into the recording's feeds. ``clear()`` forgets them all (a new model, another
    loss: anything the graphs depend on that ``fits`` cannot see).
    """

    def __init__(self, limit: int = 4) -> None:
        if limit < 1:
            raise ValueError(f"RecordedSteps: limit must be at least 1, got {limit}")
        self.limit = limit
        self._by_layout: dict[Layout, Replay] = {}
        # Layouts whose graph could not be recorded: a step that builds every time should not
        # also pay for a walk of its graph every time.
        self._refused: set[Layout] = set()

    def __len__(self) -> int:
        return len(self._by_layout)

    def __deepcopy__(self, memo: dict[int, object]) -> RecordedSteps:
        """A copy starts without recordings: a recorded graph cannot be copied (``Replay``),
        and whatever holds the copy records its own steps."""
        return RecordedSteps(self.limit)

    def __copy__(self) -> RecordedSteps:
        return RecordedSteps(self.limit)

    def find(self, *values: np.ndarray) -> Replay | None:
        """The recording ``values`` fit, or None."""
        replay = self._by_layout.get(_layout(values))
        return replay if replay is not None and replay.current() else None

    def find_for(self, *layouts: tuple[tuple[int, ...], np.dtype]) -> Replay | None:
        """The recording whose feeds have these ``(shape, dtype)``, in order, or None."""
        replay = self._by_layout.get(layouts)
        return replay if replay is not None and replay.current() else None

    def record(self, root: Tensor, feeds: Sequence[np.ndarray]) -> Replay | None:
        """Record ``root``'s graph for its feeds' shapes; None if it cannot be replayed
        (then, until ``clear()``, graphs for the same layout are not tried again)."""
        if not all(isinstance(feed, np.ndarray) for feed in feeds):
            return None  # Replay would refuse it; there is no layout to remember
        layout = _layout(feeds)
        if layout in self._refused:
            return None
        try:
            replay = Replay(root, feeds)
        except NotReplayable:
            self._refused.add(layout)
            return None
        if len(self._by_layout) >= self.limit:
            self._by_layout.clear()  # shapes keep changing: not worth keeping any
        self._by_layout[layout] = replay
        return replay

    def clear(self) -> None:
        """Forget every recording, and which layouts could not be recorded."""
        self._by_layout.clear()
        self._refused.clear()
