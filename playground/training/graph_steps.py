"""The forward and backward pass of a ``PointGraph`` as steps a student can walk through.

Backward: the nodes in the order the engine's ``backward()`` visits them
(newest first, by creation order; see ``engine/tensor.py``). At each step the
node's incoming gradient ``∂L/∂node`` is complete, and its own backward closure
(the very function the engine ran) splits it onto the parents; each share is
added (``+=``) into that parent. A node fed by two paths receives two shares.
Where the op is elementwise the share is written as ``incoming × local``, with
the local derivative ``∂node/∂parent`` taken from the same closure.

Forward: the op nodes in creation order, each with its parents' values.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..engine import unbroadcast
from .graph import PointGraph

# Ops whose local derivative is one number per element (the share is incoming × local).
ELEMENTWISE = {"add", "sub", "mul", "div", "neg", "exp", "log", "tanh", "sigmoid", "relu", "sin", "cos", "tan", "abs"}

LOCAL_RULES = {
    "matmul": "the other factor, transposed (g Wᵀ for the row, aᵀ g for the matrix)",
    "linear": "Wᵀ for the input, aᵀ g for W, the sum over rows for b",
    "sum": "1 for every entry",
    "concat": "each part gets its own entry",
    "bce_with_logits": "fused: σ(z) − y",
    "softmax_cross_entropy": "fused: softmax(z) − onehot(y)",
    "mse": "fused: 2 (ŷ − y)",
}


def is_elementwise(op: str) -> bool:
    """Whether ``op`` acts entry by entry (so its local derivative is an array like its output)."""
    return op in ELEMENTWISE or op.startswith(("pow", "leaky_relu"))


@dataclass(frozen=True, eq=False)
class Contribution:
    """What one step adds into one parent: ``value`` (the parent's shape).

    ``local`` is ``∂node/∂parent`` entry by entry for an elementwise op (then
    ``value`` is ``incoming × local``, summed back over broadcast axes), else None.
    """

    parent: int
    value: np.ndarray
    local: np.ndarray | None


@dataclass(frozen=True, eq=False)
class BackwardStep:
    node: int
    incoming: np.ndarray  # ∂L/∂node, complete when the engine reaches it
    contributions: tuple[Contribution, ...]


@dataclass(frozen=True, eq=False)
class ForwardStep:
    node: int
    inputs: tuple[np.ndarray, ...]  # the parents' values
    value: np.ndarray


def backward_steps(graph: PointGraph) -> list[BackwardStep]:
    """The backward pass, one op node per step, in the engine's own order."""
    tensors = graph.tensors
    order = sorted(
        (node for node in graph.nodes if node.kind == "op"), key=lambda node: tensors[node.index]._order, reverse=True
    )
    steps = []
    for node in order:
        tensor = tensors[node.index]
        incoming = graph.nodes[node.index].grad
        closure = tensor._backward
        if incoming is None or closure is None:
            continue
        elementwise = is_elementwise(node.op)
        # The engine's own closures, run again: where the engine's backward overflowed to inf or made
        # NaN (1e10 × 1e308, 0 × inf), they do the same, and that IEEE value is what the steps show.
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            shares = closure(incoming.copy())
            locals_ = closure(np.ones_like(incoming)) if elementwise else [None] * len(node.parents)
        contributions = []
        for parent, share, local in zip(node.parents, shares, locals_):
            if share is None or graph.nodes[parent].grad is None:
                continue
            shape = graph.nodes[parent].shape
            slope = None if local is None else np.broadcast_to(np.asarray(local), incoming.shape).copy()
            contributions.append(Contribution(parent, np.array(unbroadcast(np.asarray(share), shape)), slope))
        steps.append(BackwardStep(node.index, incoming.copy(), tuple(contributions)))
    return steps


def forward_steps(graph: PointGraph) -> list[ForwardStep]:
    """The forward pass: every op node in the order the engine made it."""
    tensors = graph.tensors
    order = sorted((node for node in graph.nodes if node.kind == "op"), key=lambda node: tensors[node.index]._order)
    return [ForwardStep(node.index, tuple(graph.nodes[p].value for p in node.parents), node.value) for node in order]


def gradients_after(graph: PointGraph, steps: list[BackwardStep], done: int) -> dict[int, np.ndarray]:
    """Each node's gradient as it stands after the first ``done`` steps: the seed ∂L/∂L = 1 on the
    loss, plus every share added so far. Nodes nothing reached yet are absent."""
    root = graph.nodes[graph.root]
    grads: dict[int, np.ndarray] = {graph.root: np.ones_like(root.value)}
    with np.errstate(over="ignore", invalid="ignore"):  # inf + inf, inf − inf: as the engine's += made them
        for step in steps[:done]:
            for share in step.contributions:
                if share.parent in grads:
                    grads[share.parent] = grads[share.parent] + share.value
                else:
                    grads[share.parent] = share.value.copy()
    return grads


def shares_into(steps: list[BackwardStep], node: int) -> list[tuple[int, Contribution]]:
    """Every (step number, share) that adds into ``node``: two or more where paths meet."""
    return [(k, share) for k, step in enumerate(steps) for share in step.contributions if share.parent == node]


def local_rule(op: str) -> str:
    """A sentence for the local derivative of an op that is not elementwise."""
    if op.startswith("["):
        return "1 for the picked entry, 0 elsewhere"
    return LOCAL_RULES.get(op, "")
