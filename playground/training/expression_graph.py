"""A typed formula's computational graph: the calculus primer's chain rule on named variables.

``build_expression_graph("tanh(w1*x1 + w2*x2 + b)", values)`` parses the text
with the project's safe parser (``data/expressions.py``: a whitelist, never
``eval``), builds the formula out of engine ops with one leaf per variable,
calls ``backward()`` and returns the same ``PointGraph`` the network's loss
gives, so the graph view steps through it the same way. ``evaluate_grid``
runs the same engine ops on whole arrays (no graph) for a height map.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Callable

import numpy as np

from ..data.expressions import Binary, Call, Expression, Name, Negate, Node, Number, parse
from ..engine import Tensor, no_grad
from ..engine.pieces import absolute, cos, sin, tan
from .graph import NodeMeta, PointGraph, collect_graph
from .graph_steps import backward_steps, shares_into
from .numbers import format_number

MAX_VARIABLES = 8
"""More names than a primer's formula needs; the variable boxes would not fit."""

_PRECEDENCE = {"+": 1, "-": 1, "*": 2, "/": 2, "**": 4}
_SYMBOL = {"-": "−", "*": "·"}
_FUNCTIONS: dict[str, Callable[[Tensor], Tensor]] = {
    "exp": Tensor.exp,
    "log": Tensor.log,
    "tanh": Tensor.tanh,
    "sin": sin,
    "cos": cos,
    "tan": tan,
    "abs": absolute,
    "sqrt": lambda t: t**0.5,
}


def parse_formula(text: str) -> Expression:
    """Parse ``text`` as a formula of named variables; ValueError for a condition or too many names."""
    expression = parse(text, variables=None)
    if expression.is_condition:
        raise ValueError(
            "formula: a comparison is true or false and has no gradient; type a formula "
            "whose value is a number, such as a*b + c"
        )
    if not expression.names:
        raise ValueError("formula: it has no variable, so there is nothing to take the gradient for")
    if len(expression.names) > MAX_VARIABLES:
        raise ValueError(f"formula: {len(expression.names)} variables; at most {MAX_VARIABLES}")
    return expression


def formula_text(node: Node, outer: int = 0) -> str:
    """The part of the formula ``node`` stands for, written back with only the parentheses it needs."""
    if isinstance(node, Number):
        return f"{node.value:g}"
    if isinstance(node, Name):
        return node.name
    if isinstance(node, Negate):
        return f"−{formula_text(node.operand, 3)}"
    if isinstance(node, Call):
        return f"{node.function}({formula_text(node.argument)})"
    if isinstance(node, Binary):
        power = _PRECEDENCE[node.op]
        # ** groups to the right, the others to the left: the other side needs parentheses at a tie.
        left = formula_text(node.left, power + (1 if node.op == "**" else 0))
        right = formula_text(node.right, power + (0 if node.op == "**" else 1))
        text = f"{left}{node.op}{right}" if node.op == "**" else f"{left} {_SYMBOL.get(node.op, node.op)} {right}"
        return f"({text})" if power < outer else text
    raise ValueError(f"formula: {type(node).__name__} has no value to differentiate")


class _Builder:
    def __init__(self, values: Mapping[str, Tensor]) -> None:
        self.values = values
        self.meta: dict[int, NodeMeta] = {}
        self.keep: list[Tensor] = []

    def name(self, tensor: Tensor, node: Node, kind: str = "op") -> Tensor:
        if id(tensor) not in self.meta:
            self.meta[id(tensor)] = NodeMeta(kind, formula_text(node))
            self.keep.append(tensor)
        return tensor

    def build(self, node: Node) -> Tensor:
        if isinstance(node, Number):
            return self.name(Tensor(np.array(node.value)), node, "constant")
        if isinstance(node, Name):
            return self.name(self.values[node.name], node, "input")
        if isinstance(node, Negate):
            return self.name(-self.build(node.operand), node)
        if isinstance(node, Call):
            return self.name(_FUNCTIONS[node.function](self.build(node.argument)), node)
        if isinstance(node, Binary):
            left = self.build(node.left)
            if node.op == "**" and isinstance(node.right, Number):
                return self.name(left**node.right.value, node)
            right = self.build(node.right)
            if node.op == "**":  # a variable exponent: a**b = exp(b log a), defined for a > 0
                return self.name((left.log() * right).exp(), node)
            ops = {"+": Tensor.__add__, "-": Tensor.__sub__, "*": Tensor.__mul__, "/": Tensor.__truediv__}
            return self.name(ops[node.op](left, right), node)
        raise ValueError(f"formula: {type(node).__name__} has no value to differentiate")


def expression_tensor(expression: Expression, leaves: Mapping[str, Tensor]) -> Tensor:
    """The formula built from engine ops on the caller's ``leaves`` (one tensor per variable, any shape
    that broadcasts), for callers that run ``backward()`` themselves (the optimiser race)."""
    return _PlainBuilder(leaves).build(expression.root)


class _PlainBuilder(_Builder):
    """Builds without naming the nodes: no graph is shown, and naming (writing each part's formula
    back as text) took half of an optimiser race's time."""

    def name(self, tensor: Tensor, node: Node, kind: str = "op") -> Tensor:
        return tensor


def _leaves(expression: Expression, values: Mapping[str, object], grad: bool) -> dict[str, Tensor]:
    missing = [name for name in expression.names if name not in values]
    if missing:
        raise ValueError(f"formula: no value given for {', '.join(missing)}")
    return {name: Tensor(np.asarray(values[name], dtype=np.float64), requires_grad=grad) for name in expression.names}


def build_expression_graph(formula: str | Expression, values: Mapping[str, float]) -> PointGraph:
    """The graph of ``formula`` at ``values`` (one number per variable), after ``backward()``.

    A value that is not finite anywhere in the graph (``log`` of a negative number,
    a division by zero) is a ValueError naming the part of the formula.
    """
    expression = parse_formula(formula) if isinstance(formula, str) else formula
    leaves = _leaves(expression, values, grad=True)
    builder = _Builder(leaves)
    with np.errstate(all="ignore"):
        root = builder.build(expression.root)
        for tensor in builder.keep:
            if not np.all(np.isfinite(tensor.data)):
                raise ValueError(
                    f"formula: {builder.meta[id(tensor)].label} is not a finite number at "
                    + ", ".join(f"{k} = {float(v.data):g}" for k, v in leaves.items())
                )
        root.backward()
    return collect_graph(builder.meta, root)


def gradient(graph: PointGraph) -> dict[str, float]:
    """∂f/∂variable for each variable of a formula's graph."""
    return {
        node.label: float(node.grad.reshape(()))
        for node in graph.nodes
        if node.kind == "input" and node.grad is not None
    }


def gradient_note(graph: PointGraph) -> str:
    """What went wrong where a formula's gradient is not a finite number (inf or NaN), or ``""``.

    Names the first backward step whose share is not finite though its incoming gradient is (an
    overflow such as ``1e10 × 1e308``, a local derivative that is infinite, ``0 × inf``), or else the
    node whose finite shares added up past the largest float. The values stay the engine's IEEE ones.
    """
    bad = {name: value for name, value in gradient(graph).items() if not math.isfinite(value)}
    if not bad:
        return ""
    listed = ", ".join(f"∂f/∂{name} = {format_number(value)}" for name, value in bad.items())
    return f"{listed}: not a finite number. {_where_not_finite(graph)}"


def _where_not_finite(graph: PointGraph) -> str:
    steps = backward_steps(graph)
    for step in steps:
        if not np.isfinite(step.incoming).all():
            continue
        for share in step.contributions:
            if not np.isfinite(share.value).all():
                here, parent = graph.nodes[step.node].label, graph.nodes[share.parent].label
                how = (
                    ""
                    if share.local is None
                    else f" (∂f/∂{_wrap(here)} = {_brief(step.incoming)} × local {_brief(share.local)})"
                )
                return (
                    f"It arose at {here}: the share it passes to {parent} is {_brief(share.value)}{how}, "
                    f"{_KIND[_kind(share.value)]}."
                )
    for node in graph.nodes:
        shares = [share.value for _, share in shares_into(steps, node.index)]
        if node.grad is not None and not np.isfinite(node.grad).all() and all(np.isfinite(s).all() for s in shares):
            return f"The shares into {node.label} add up to {_brief(node.grad)}, {_KIND[_kind(node.grad)]}."
    return ""


_KIND = {
    "inf": "infinite: beyond the largest float (about 1.8e308), or a division by zero",
    "nan": "a number IEEE arithmetic cannot give (0 × inf, inf − inf)",
}


def _wrap(label: str) -> str:
    return f"({label})" if " " in label else label


def _kind(values: np.ndarray) -> str:
    return "nan" if np.isnan(values).any() else "inf"


def _brief(values: np.ndarray) -> str:
    return format_number(float(np.asarray(values).reshape(-1)[0]))


def evaluate_grid(expression: Expression, values: Mapping[str, np.ndarray | float]) -> np.ndarray:
    """The formula over arrays, by the same engine ops without a graph; NaN where it is undefined."""
    leaves = _leaves(expression, values, grad=False)
    with no_grad(), np.errstate(all="ignore"):
        out = _Builder(leaves).build(expression.root).data
    shape = np.broadcast_shapes(*(leaf.shape for leaf in leaves.values()))
    result = np.broadcast_to(out, shape).astype(np.float64)
    return np.where(np.isfinite(result), result, np.nan)


def unit_range(values: np.ndarray) -> np.ndarray:
    """A map of ``f`` scaled to [0, 1] for an image (NaN stays NaN; a flat map is 0).

    Done here, not by the image's levels: the plotting library's 255 / (max − min) overflowed for a map
    as flat as ``x*1e-320`` (a span of 1e-319). Halves first, so that a span beyond the largest
    float (-1e308 to 1e308) does not overflow either."""
    finite = values[np.isfinite(values)]
    if not len(finite):
        return values
    low, half_span = float(finite.min()) / 2, float(finite.max()) / 2 - float(finite.min()) / 2
    if half_span == 0.0:
        return np.where(np.isfinite(values), 0.0, np.nan)
    return (values / 2 - low) / half_span  # NaN where f is undefined stays NaN
