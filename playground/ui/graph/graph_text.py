"""What the graph view writes: numbers, arrays in a few characters, and one sentence per step."""

from __future__ import annotations

import numpy as np

from ...training.graph import GraphNode, PointGraph, sub, sup
from ...training.graph_steps import BackwardStep, ForwardStep, is_elementwise, local_rule
from ...training.inspect import Route, WeightId
from ...training.numbers import format_number

SHOWN_ENTRIES = 3  # a vector node shows this many entries, then "…"; its tooltip shows all


def num(x: float) -> str:
    """A number at display precision with a real minus sign."""
    return format_number(float(x)).replace("-", "−")


def wrap(label: str) -> str:
    """A label that is a formula, in parentheses, so ``∂(1 − p)`` reads as one thing."""
    return f"({label})" if any(c in label for c in " ·+−*/") else label


def brief(values: np.ndarray | None) -> str:
    """A value in a node's width: a number, ``[a, b, c, …]`` for a row, ``2×4`` for a matrix."""
    if values is None:
        return "—"
    array = np.asarray(values)
    if array.size == 1:
        return num(array.reshape(-1)[0])
    flat = array.reshape(-1)
    if array.ndim <= 1 or min(array.shape) == 1:
        shown = ", ".join(num(v) for v in flat[:SHOWN_ENTRIES])
        return f"[{shown}{', …' if flat.size > SHOWN_ENTRIES else ''}]"
    return f"{'×'.join(map(str, array.shape))}, |·| {num(magnitude(array))}"


def magnitude(array: np.ndarray) -> float:
    """The L2 norm of ``array``, computed on it scaled by its largest entry: a diverging run's
    gradients of 1e200 square to more than a float holds (numpy's norm then overflows with a
    warning), but their norm is a number, or inf past the float limit; NaN if an entry is NaN."""
    largest = float(np.max(np.abs(array)))
    if largest == 0.0 or not np.isfinite(largest):
        return largest
    return largest * float(np.linalg.norm(array / largest))  # Python floats go to inf silently


def full(values: np.ndarray | None) -> str:
    """Every entry, for a tooltip."""
    if values is None:
        return "—"
    array = np.asarray(values)
    if array.size == 1:
        return num(array.reshape(-1)[0])
    rows = array.reshape(-1, array.shape[-1]) if array.ndim > 1 else array.reshape(1, -1)
    return "\n".join("[" + ", ".join(num(v) for v in row) + "]" for row in rows)


KIND_WORDS = {
    "input": "input",
    "parameter": "parameter",
    "target": "target (a constant: no gradient)",
    "constant": "constant (no gradient)",
    "op": "operation",
}


def node_title(node: GraphNode) -> str:
    """The first line of a node: the quantity and the engine's op."""
    return f"{node.label}   {node.op}" if node.op and node.op != node.label else node.label


def node_tooltip(node: GraphNode, root: str = "L") -> str:
    return (
        f"{node_title(node)} ({KIND_WORDS[node.kind]}, shape {node.shape})\nvalue:\n{full(node.value)}"
        f"\n∂{root}/∂{node.label}:\n{full(node.grad)}"
    )


def root_name(graph: PointGraph) -> str:
    """What the graph computes: the loss ``L`` of a network, or a formula's value ``f``."""
    return "L" if graph.snapshot is not None else "f"


def backward_sentence(graph: PointGraph, step: BackwardStep) -> str:
    """One step of the backward pass in words and numbers."""
    R = root_name(graph)  # noqa: N806 - the chapter's letter
    node = graph.nodes[step.node]
    name = wrap(node.label)
    parts = [f"<b>{node.label}</b> ({node.op}): incoming ∂{R}/∂{name} = {brief(step.incoming)}"]
    for share in step.contributions:
        parent = graph.nodes[share.parent]
        if node.op == "matmul":  # which factor: the row gets g Bᵀ, the matrix Aᵀ g
            a, b = (graph.nodes[p].label for p in node.parents)
            rule = f"incoming · {b}ᵀ" if share.parent == node.parents[0] else f"{a}ᵀ · incoming"
            parts.append(f"∂{R}/∂{wrap(parent.label)} += {rule} = {brief(share.value)}")
            continue
        if share.local is not None and is_elementwise(node.op):
            with np.errstate(over="ignore", invalid="ignore"):  # 1e10 × 1e308 is inf, inf × 0 NaN: as the engine's
                product = step.incoming * share.local
            parts.append(
                f"∂{name}/∂{wrap(parent.label)} = {brief(share.local)}, product "
                f"{brief(product)} → ∂{R}/∂{wrap(parent.label)} += {brief(share.value)}"
            )
        else:
            rule = local_rule(node.op)
            parts.append(f"∂{R}/∂{wrap(parent.label)} += {brief(share.value)}" + (f" ({rule})" if rule else ""))
    if not step.contributions:
        parts.append("nothing upstream needs a gradient")
    return "; ".join(parts)


def forward_sentence(graph: PointGraph, step: ForwardStep) -> str:
    node = graph.nodes[step.node]
    inputs = ", ".join(f"{graph.nodes[p].label} = {brief(v)}" for p, v in zip(node.parents, step.inputs))
    return f"<b>{node.label}</b> = {node.op}({inputs}) = {brief(step.value)}"


def shares_sentence(graph: PointGraph, node: GraphNode, shares: list[np.ndarray]) -> str:
    """``∂L/∂p = a + b = c`` for a node that two or more paths reach."""
    if len(shares) < 2 or node.grad is None:
        return ""
    terms = " + ".join(brief(s) for s in shares)
    R = root_name(graph)  # noqa: N806 - the chapter's letter
    return f"{node.label} is reached by {len(shares)} paths: ∂{R}/∂{node.label} = {terms} = {brief(node.grad)}"


def route_name(weight: WeightId, route: Route) -> str:
    """One route out of the weight's unit, as the chain-rule panel's sum names its term."""
    number = weight.layer + 2  # the chapter's number of the next layer
    if route.skip:
        return f"the skip into a{sub(route.unit + 1)}{sup(number)}"
    return f"z{sub(route.unit + 1)}{sup(number)}"


def routes_sentence(weight: WeightId, routes: tuple[Route, ...]) -> list[str]:
    """The paths named as the chain-rule panel's Σ writes them (nothing for an output unit's weight)."""
    if not routes:
        return []
    names = [route_name(weight, route) for route in routes]
    listed = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
    unit = f"a{sub(weight.unit + 1)}{sup(weight.layer + 1)}"
    return [f"From {unit} the paths go on through {listed}: the terms of the chain-rule panel's Σ."]
