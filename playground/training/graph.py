"""The computational graph of one point's loss, unfused for teaching, built by the engine itself.

The trainer computes a layer as one fused ``linear`` op and the loss as one
fused ``bce_with_logits`` (or softmax cross-entropy, or mse): fast and safe,
but a student cannot see the chain rule inside them. ``build_point_graph``
runs the same point through the engine op by op instead:

    a⁽ˡ⁻¹⁾ @ W⁽ˡ⁾  →  + b⁽ˡ⁾  →  activation  →  …  →  head (sigmoid / softmax)  →  the loss's own steps

calls ``backward()`` on the loss and reads every node's op, value and gradient
off the engine's graph (``.op``, ``.parents``, ``.data``, ``.grad``). A layer is
one vector node per step by default; a layer listed in ``expanded`` is drawn
unit by unit (``z_j = a_1 w_1j + a_2 w_2j + … + b_j``), with one leaf per weight,
so each weight's paths to the loss can be followed.

A hidden layer with a skip connection ends in one more ``add`` node,
``a⁽ˡ⁾ = σ(z⁽ˡ⁾) + a⁽ˡ⁻¹⁾``: ``a⁽ˡ⁻¹⁾`` then feeds two nodes (the layer's
product and the add), so its gradient is the sum of two shares.

Where the unfused loss cannot be computed (a probability that rounds to exactly
0 or 1 makes ``log`` infinite) the graph ends in the engine's fused loss
instead, and ``PointGraph.note`` says why: the reason the trainer fuses it.

Layer numbers are 0-based indices, as in ``inspect.py``; labels use the
chapter's 1-based superscripts.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass, field

import numpy as np

from ..engine import Tensor, bce_with_logits, softmax_cross_entropy
from ..engine.pieces import column, concat_columns
from ..nn.activations import activate
from .inspect import PointSnapshot, Route, WeightId, next_routes

_SUP = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")
_SUB = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")

LEAF_KINDS = ("input", "parameter", "target", "constant")


def sup(number: int) -> str:
    """``⁽¹⁾`` for layer number 1."""
    return f"⁽{str(number).translate(_SUP)}⁾"


def sub(index: int) -> str:
    """``₁₂`` for 12."""
    return str(index).translate(_SUB)


@dataclass(frozen=True, eq=False)  # holds arrays
class GraphNode:
    """One tensor of the graph.

    ``kind``: ``"op"`` for a node an operation made, else a leaf: ``"input"``,
    ``"parameter"``, ``"target"`` or ``"constant"``. ``op`` is the engine's label
    (``""`` for leaves); ``label`` names the quantity as the chapter writes it.
    ``grad`` is None for nodes that need no gradient (the target, constants).
    """

    index: int
    kind: str
    op: str
    label: str
    value: np.ndarray
    grad: np.ndarray | None
    parents: tuple[int, ...]
    layer: int | None = None  # the 0-based layer it belongs to; None for the loss's steps
    unit: int | None = None  # in an expanded layer: the unit j
    weight: WeightId | None = None  # a leaf that is one weight or bias of an expanded layer
    matrix: tuple[str, int] | None = None  # a collapsed parameter leaf: ("W", layer) or ("b", layer)

    @property
    def is_leaf(self) -> bool:
        return self.kind != "op"

    @property
    def shape(self) -> tuple[int, ...]:
        return self.value.shape


@dataclass(frozen=True, eq=False)
class PointGraph:
    """The graph of one point's loss: ``nodes`` in a topological order (parents first), ``root`` the loss."""

    nodes: tuple[GraphNode, ...]
    root: int
    snapshot: PointSnapshot | None  # None for a typed formula's graph (``expression_graph.py``)
    expanded: frozenset[int] = frozenset()
    note: str = ""
    # The engine's tensors, by node index: the step-through replays their backward closures.
    tensors: tuple[Tensor, ...] = field(default=(), repr=False)

    @property
    def loss(self) -> float:
        return float(self.nodes[self.root].value.reshape(()))

    @property
    def edges(self) -> list[tuple[int, int]]:
        """(parent, child) pairs: the direction the forward pass flows."""
        return [(p, node.index) for node in self.nodes for p in node.parents]

    def children(self) -> list[list[int]]:
        """For each node, the nodes it feeds."""
        out: list[list[int]] = [[] for _ in self.nodes]
        for parent, child in self.edges:
            out[parent].append(child)
        return out

    def find_weight(self, weight: WeightId) -> int | None:
        """The node that holds ``weight``: its own leaf in an expanded layer, else its W or b leaf."""
        for node in self.nodes:
            if node.weight == weight:
                return node.index
        wanted = ("b" if weight.is_bias else "W", weight.layer)
        for node in self.nodes:
            if node.matrix == wanted:
                return node.index
        return None

    def parameter_grads(self) -> list[tuple[np.ndarray, np.ndarray]]:
        """(∂L/∂W, ∂L/∂b) per layer assembled from the graph's leaves, shaped as the model's."""
        if self.snapshot is None:
            raise ValueError("graph: a formula's graph has no network parameters")
        out = []
        for index, (W, b) in enumerate(self.snapshot.weights):
            dW, db = np.full(W.shape, np.nan), np.full(b.shape, np.nan)
            for node in self.nodes:
                if node.grad is None or node.layer != index:
                    continue
                if node.matrix == ("W", index):
                    dW[...] = node.grad
                elif node.matrix == ("b", index):
                    db[...] = node.grad.reshape(b.shape)
                elif node.weight is not None and node.weight.source is None:
                    db[node.weight.unit] = float(node.grad.reshape(()))
                elif node.weight is not None:
                    dW[node.weight.source, node.weight.unit] = float(node.grad.reshape(()))
            out.append((dW, db))
        return out


def paths_to_loss(graph: PointGraph, start: int) -> tuple[set[int], set[tuple[int, int]], int]:
    """The nodes and edges on every path from ``start`` to the loss, and how many paths there are.

    Every node of the graph feeds the loss, so these are ``start`` and all it feeds.
    """
    children = graph.children()
    reach = {start}
    stack = [start]
    while stack:
        for child in children[stack.pop()]:
            if child not in reach:
                reach.add(child)
                stack.append(child)
    edges = {(p, c) for p, c in graph.edges if p in reach and c in reach}
    count = {graph.root: 1}
    for node in sorted(reach, reverse=True):  # node lists are topological: children come later
        if node != graph.root:
            count[node] = sum(count.get(child, 0) for child in children[node] if child in reach)
    return reach, edges, count.get(start, 0)


def weight_routes(graph: PointGraph, weight: WeightId) -> tuple[Route, ...]:
    """The routes from ``weight``'s unit into the next layer, the terms of the chain rule's sum
    over paths (``inspect.next_routes``: the one list the chain-rule panel writes out too)."""
    if graph.snapshot is None:
        raise ValueError("graph: a formula's graph has no network weights")
    return next_routes(graph.snapshot.sizes, graph.snapshot.skips, weight)


def routes_taken(graph: PointGraph, weight: WeightId, edges: Collection[tuple[int, int]]) -> tuple[Route, ...]:
    """The routes into the next layer that the highlighted ``edges`` take out of ``weight``'s unit,
    read off the graph itself. Exact where the next layer is drawn unit by unit (a vector node of a
    collapsed layer is every unit at once, so there every route is taken)."""
    layer, j = weight.layer, weight.unit
    mine = [n for n in graph.nodes if n.layer == layer and n.unit == j and n.kind == "op"]
    if not mine or layer + 1 not in graph.expanded:
        taken = {child for parent, child in edges if graph.nodes[parent].layer == layer}
        return weight_routes(graph, weight) if any(graph.nodes[c].layer == layer + 1 for c in taken) else ()
    source = mine[-1].index  # the unit's last node: its a (after any skip), or its column of a row
    routes = []
    for parent, child in sorted(edges, key=lambda edge: edge[1]):
        node = graph.nodes[child]
        if parent != source or node.layer != layer + 1 or node.unit is None:
            continue
        skip = node.op == "add" and node.parents[-1] == source  # the skip adds a_j as the last parent
        routes.append(Route(node.unit, skip=skip))
    return tuple(sorted(routes, key=lambda route: (route.skip, route.unit)))


# ------------------------------------------------------------------ building
@dataclass
class NodeMeta:
    """How a builder names a tensor: its kind, its label, and where it belongs in the network."""

    kind: str
    label: str
    layer: int | None = None
    unit: int | None = None
    weight: WeightId | None = None
    matrix: tuple[str, int] | None = None


class _Builder:
    """Runs the point op by op, naming each tensor as it is made."""

    def __init__(self, snapshot: PointSnapshot, expanded: frozenset[int]) -> None:
        self.snapshot, self.expanded = snapshot, expanded
        self.dtype = snapshot.dtype
        self.meta: dict[int, NodeMeta] = {}
        self.keep: list[Tensor] = []  # holds every named tensor so ids stay unique

    def name(self, tensor: Tensor, kind: str, label: str, **extra: object) -> Tensor:
        self.meta[id(tensor)] = NodeMeta(kind, label, **extra)  # type: ignore[arg-type]
        self.keep.append(tensor)
        return tensor

    def leaf(self, value: object, kind: str, label: str, grad: bool = True, **extra: object) -> Tensor:
        tensor = Tensor(np.array(value, dtype=self.dtype), requires_grad=grad)
        return self.name(tensor, kind, label, **extra)

    # -- the network
    def inputs(self) -> Tensor | list[Tensor]:
        x = self.snapshot.inputs
        labels = self.snapshot.feature_labels
        if 0 in self.expanded:
            return [
                self.leaf([[x[i]]], "input", labels[i] if i < len(labels) else f"x{sub(i + 1)}", unit=i)
                for i in range(len(x))
            ]
        return self.leaf(x.reshape(1, -1), "input", "x")

    def layer(self, index: int, a: Tensor | list[Tensor]) -> Tensor | list[Tensor]:
        W, b = self.snapshot.weights[index]
        number, is_output = index + 1, index == len(self.snapshot.weights) - 1
        activation = None if is_output else self.snapshot.activations[index]
        if index not in self.expanded:
            a = self.as_row(a, index)
            Wt = self.leaf(W, "parameter", f"W{sup(number)}", layer=index, matrix=("W", index))
            bt = self.leaf(b, "parameter", f"b{sup(number)}", layer=index, matrix=("b", index))
            product = self.name(a @ Wt, "op", f"{'x' if index == 0 else 'a' + sup(index)} W{sup(number)}", layer=index)
            z = self.name(product + bt, "op", f"z{sup(number)}", layer=index)
            if activation is None:
                return z
            return self.skip(index, a, self.activated(activation, z, f"a{sup(number)}", index))
        sources = self.as_units(a, index)
        units: list[Tensor] = []
        for j in range(W.shape[1]):
            total: Tensor | None = None
            for i, source in enumerate(sources):
                w = self.leaf(
                    [[W[i, j]]],
                    "parameter",
                    f"w{sub(i + 1)}{sub(j + 1)}{sup(number)}",
                    layer=index,
                    unit=j,
                    weight=WeightId(index, i, j),
                )
                term = self.name(
                    source * w, "op", f"{self.meta[id(source)].label}·{self.meta[id(w)].label}", layer=index, unit=j
                )
                total = term if total is None else self.name(total + term, "op", "Σ", layer=index, unit=j)
            bias = self.leaf(
                [[b[j]]],
                "parameter",
                f"b{sub(j + 1)}{sup(number)}",
                layer=index,
                unit=j,
                weight=WeightId(index, None, j),
            )
            assert total is not None  # a layer has at least one input
            z = self.name(total + bias, "op", f"z{sub(j + 1)}{sup(number)}", layer=index, unit=j)
            if activation is not None:
                before = sources[j] if self.snapshot.skips[index] else None  # a skip means equal widths
                z = self.skip(index, before, self.activated(activation, z, f"a{sub(j + 1)}{sup(number)}", index, j))
            units.append(z)
        return units

    def activated(self, activation: str, z: Tensor, label: str, index: int, unit: int | None = None) -> Tensor:
        """``σ(z)`` as its own node; a linear activation is ``z`` itself."""
        if activation == "linear":
            return z
        # With a skip the activation is only σ(z); the add after it is a⁽ˡ⁾.
        name = f"σ({self.meta[id(z)].label})" if self.snapshot.skips[index] else label
        return self.name(activate(activation, z), "op", name, layer=index, unit=unit)

    def skip(self, index: int, before: Tensor | None, out: Tensor) -> Tensor:
        """``a⁽ˡ⁾ = σ(z⁽ˡ⁾) + a⁽ˡ⁻¹⁾`` for a layer with a skip connection (else ``out`` itself)."""
        if before is None or not self.snapshot.skips[index]:
            return out
        unit = self.meta[id(out)].unit if id(out) in self.meta else None
        label = f"a{sup(index + 1)}" if unit is None else f"a{sub(unit + 1)}{sup(index + 1)}"
        return self.name(out + before, "op", label, layer=index, unit=unit)

    def as_row(self, a: Tensor | list[Tensor], index: int) -> Tensor:
        """A collapsed layer takes one row: join the units of an expanded layer before it."""
        if isinstance(a, Tensor):
            return a
        if len(a) == 1:
            return a[0]
        return self.name(concat_columns(a), "op", f"a{sup(index)}" if index else "x", layer=index - 1)

    def as_units(self, a: Tensor | list[Tensor], index: int) -> list[Tensor]:
        """An expanded layer takes one node per unit: split the row of a collapsed layer before it."""
        if not isinstance(a, Tensor):
            return a
        return [
            self.name(column(a, i), "op", f"a{sub(i + 1)}{sup(index)}", layer=index - 1, unit=i)
            for i in range(a.shape[1])
        ]

    # -- the loss
    def loss(self, z: Tensor) -> tuple[Tensor, str]:
        head, target = self.snapshot.head, self.snapshot.target
        if head == "sigmoid":
            return self.binary_loss(z, target)
        if head == "softmax":
            return self.softmax_loss(z, int(target))
        y = self.leaf([[target]], "target", "y", grad=False)
        diff = self.name(z - y, "op", "ŷ − y")
        return self.name(self.name(diff**2, "op", "(ŷ − y)²").sum(), "op", "L"), ""

    def binary_loss(self, z: Tensor, target: float) -> tuple[Tensor, str]:
        """``L = −(y log p + (1 − y) log(1 − p))`` with ``p = σ(z)``, step by step."""
        p = self.name(z.sigmoid(), "op", "p")
        y = self.leaf([[target]], "target", "y", grad=False)
        if not (0.0 < float(p.data.reshape(())) < 1.0):
            return self.fused(bce_with_logits(z, y.data), "p", p)
        one = self.leaf(1.0, "constant", "1", grad=False)
        log_p = self.name(p.log(), "op", "log p")
        q = self.name(one - p, "op", "1 − p")
        log_q = self.name(q.log(), "op", "log(1 − p)")
        not_y = self.name(one - y, "constant", "1 − y")
        both = self.name(
            self.name(y * log_p, "op", "y log p") + self.name(not_y * log_q, "op", "(1−y) log(1−p)"), "op", "sum"
        )
        return self.name(-both, "op", "L"), ""

    def softmax_loss(self, z: Tensor, target: int) -> tuple[Tensor, str]:
        """``L = −log p_c`` with ``p = softmax(z)`` written as ``exp(z − max z) / Σ exp``."""
        shift = self.leaf(z.data.max(axis=1, keepdims=True), "constant", "max z", grad=False)
        e = self.name((self.name(z - shift, "op", "z − max z")).exp(), "op", "exp")
        total = self.name(e.sum(axis=1, keepdims=True), "op", "Σ exp")
        p = self.name(e / total, "op", "p")
        onehot = np.zeros((1, z.shape[1]))
        onehot[0, target] = 1.0
        y = self.leaf(onehot, "target", f"y (class {target})", grad=False)
        pc = self.name((self.name(p * y, "op", "p · y")).sum(), "op", f"p{sub(target)}")
        if not float(pc.data) > 0.0:
            return self.fused(softmax_cross_entropy(z, np.array([target])), f"p{sub(target)}", pc)
        return self.name(-self.name(pc.log(), "op", f"log p{sub(target)}"), "op", "L"), ""

    def fused(self, loss: Tensor, what: str, shown: Tensor) -> tuple[Tensor, str]:
        note = (
            f"{what} rounds to {float(shown.data.reshape(-1)[0]):g}: log would be infinite, so the "
            f"loss is the engine's fused {loss.op} (the reason the trainer fuses it)"
        )
        return self.name(loss, "op", "L"), note


def build_point_graph(snapshot: PointSnapshot, expanded: Collection[int] = ()) -> PointGraph:
    """The engine's graph of the snapshot's loss, unfused, after ``backward()``.

    ``expanded`` lists the 0-based layers drawn unit by unit; the others are one
    vector node per step.
    """
    layers = len(snapshot.weights)
    wanted = frozenset(int(i) for i in expanded)
    bad = sorted(i for i in wanted if not 0 <= i < layers)
    if bad:
        raise ValueError(f"graph: the network has layers 0..{layers - 1}; cannot expand {bad}")
    builder = _Builder(snapshot, wanted)
    # Diverging weights overflow to inf and NaN; the graph shows them as such, like the chain-rule panel.
    with np.errstate(over="ignore", invalid="ignore"):
        a = builder.inputs()
        for index in range(layers):
            a = builder.layer(index, a)
        z = builder.as_row(a, layers)
        loss, note = builder.loss(z)
        loss.backward()
    return collect_graph(builder.meta, loss, snapshot, wanted, note)


def collect_graph(
    meta_by_id: dict[int, NodeMeta],
    root: Tensor,
    snapshot: PointSnapshot | None = None,
    expanded: frozenset[int] = frozenset(),
    note: str = "",
) -> PointGraph:
    """Walk the engine's graph from ``root`` (after ``backward()``) along ``.parents`` and copy
    each node, named by ``meta_by_id`` (``id(tensor)`` → its ``NodeMeta``)."""
    found: dict[int, Tensor] = {}
    stack = [root]
    while stack:
        tensor = stack.pop()
        if id(tensor) in found:
            continue
        found[id(tensor)] = tensor
        stack.extend(tensor.parents)
    ops = sorted((t for t in found.values() if t.parents), key=lambda t: t._order)
    ordered: list[Tensor] = []
    placed: set[int] = set()
    for tensor in ops:  # each leaf just before its first consumer: a topological order
        for parent in tensor.parents:
            if not parent.parents and id(parent) not in placed:
                placed.add(id(parent))
                ordered.append(parent)
        placed.add(id(tensor))
        ordered.append(tensor)
    if not ordered:  # the root is a leaf itself (a formula that is one variable)
        ordered.append(root)
    index = {id(t): k for k, t in enumerate(ordered)}
    nodes = []
    for k, tensor in enumerate(ordered):
        meta = meta_by_id.get(id(tensor)) or (
            NodeMeta("op", tensor.op) if tensor.parents else NodeMeta("constant", _constant_label(tensor))
        )
        kind = meta.kind if tensor.parents else ("constant" if meta.kind == "op" else meta.kind)
        grad = tensor.grad.copy() if tensor.grad is not None and tensor.requires_grad else None
        nodes.append(
            GraphNode(
                k,
                kind,
                tensor.op if tensor.parents else "",
                meta.label,
                tensor.data.copy(),
                grad,
                tuple(index[id(p)] for p in tensor.parents),
                meta.layer,
                meta.unit,
                meta.weight,
                meta.matrix,
            )
        )
    return PointGraph(tuple(nodes), index[id(root)], snapshot, expanded, note, tuple(ordered))


def _constant_label(tensor: Tensor) -> str:
    """A constant the engine lifted from a number (the 1 of ``1 − p``): its value."""
    if tensor.data.size == 1:
        return f"{float(tensor.data.reshape(-1)[0]):g}"
    return f"constant {tensor.shape}"


def leaf_indices(graph: PointGraph, kinds: Sequence[str] = ("input", "parameter")) -> list[int]:
    """The leaves of the given kinds (by default those with a gradient)."""
    return [node.index for node in graph.nodes if node.kind in kinds]
