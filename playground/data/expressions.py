"""A small, safe expression language for formulas a person types (``x2 > sin(3*x1)``).

The text never reaches ``eval`` or Python's compiler: a tokenizer and a Pratt
parser over an explicit whitelist build a tree of frozen nodes, and the tree is
evaluated with numpy, a whole column of points at once.

>>> f = parse("x2 > sin(3*x1)")
>>> f.evaluate({"x1": np.array([0.0]), "x2": np.array([1.0])})
array([ True])

The language: numbers (``2``, ``0.5``, ``1e-3``), ``pi``, the variables the
caller allows (``x1`` and ``x2`` by default; any name with ``variables=None``),
``+ - * / **`` and unary minus, parentheses, the functions ``sin cos tan exp log
abs sqrt tanh``, the comparisons ``< <= > >= == !=`` (chains such as ``0 < x1 < 2``
mean both), and ``and``, ``or``, ``not`` on conditions. ``**`` binds tightest and
groups to the right, as in Python (``-x1**2`` is ``-(x1**2)``).

Anything else (a string, an attribute, ``__import__``, an unknown name, unbalanced
parentheses, a text longer than ``MAX_LENGTH``) is a ``ValueError`` whose message
names the column and shows the text with a caret under the offending character.
Parts made only of numbers are computed while parsing, so ``9**9**9`` is refused
at once as too large; a formula that is not finite at some points (``log(x1)``
for negative ``x1``) is reported by ``evaluate``, with the first such point.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass

import numpy as np

MAX_LENGTH = 500
"""The longest formula, in characters: far beyond any formula a person types, short
enough that parsing and the error messages stay instant."""
MAX_DEPTH = 60
"""How deeply parentheses, functions and operators may nest (the parser recurses)."""

FUNCTIONS: dict[str, Callable[[np.ndarray], np.ndarray]] = {
    "sin": np.sin,
    "cos": np.cos,
    "tan": np.tan,
    "exp": np.exp,
    "log": np.log,
    "abs": np.abs,
    "sqrt": np.sqrt,
    "tanh": np.tanh,
}
CONSTANTS: dict[str, float] = {"pi": math.pi}
KEYWORDS = ("and", "or", "not")
DEFAULT_VARIABLES = ("x1", "x2")

_ARITHMETIC: dict[str, Callable[[np.ndarray, np.ndarray], np.ndarray]] = {
    "+": np.add,
    "-": np.subtract,
    "*": np.multiply,
    "/": np.divide,
    "**": np.power,
}
_COMPARISONS: dict[str, Callable[[np.ndarray, np.ndarray], np.ndarray]] = {
    "<": np.less,
    "<=": np.less_equal,
    ">": np.greater,
    ">=": np.greater_equal,
    "==": np.equal,
    "!=": np.not_equal,
}
# Binding powers of the infix operators: a higher number binds tighter.
_INFIX_POWER = {"or": 1, "and": 2, **dict.fromkeys(_COMPARISONS, 4), "+": 5, "-": 5, "*": 6, "/": 6, "**": 8}
_NOT_POWER, _UNARY_MINUS_POWER = 3, 7

_TOKEN = re.compile(
    r"""
    (?P<space>\s+)
  | (?P<number>(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)
  | (?P<name>[A-Za-z_][A-Za-z0-9_]*)
  | (?P<op>\*\*|<=|>=|==|!=|[-+*/<>()])
""",
    re.VERBOSE,
)
_HINTS = {
    "^": "use ** for powers",
    ".": "attribute access is not allowed",
    "'": "text in quotes is not allowed",
    '"': "text in quotes is not allowed",
    "=": "use == to compare",
    ",": "functions take one argument",
    "&": "use and",
    "|": "use or",
    "!": "use not or !=",
}


# -- errors -----------------------------------------------------------------------------


def formula_error(text: str, column: int, message: str) -> ValueError:
    """A ValueError saying ``message`` at ``column`` (0-based) of ``text``, with a caret line.

    Long texts are cut to a window around the column, so the message stays one screen.
    """
    start = max(0, column - 30)
    end = min(len(text), column + 30)
    excerpt = ("…" if start else "") + text[start:end] + ("…" if end < len(text) else "")
    caret = " " * (column - start + (1 if start else 0)) + "^"
    excerpt = excerpt.replace("\n", " ").replace("\t", " ")
    return ValueError(f"formula: {message} at column {column + 1}\n  {excerpt}\n  {caret}")


# -- the tree ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Node:
    """A part of a parsed formula; ``column`` is where it starts in the text (0-based)."""

    column: int

    @property
    def is_condition(self) -> bool:
        """True for a comparison or a combination of them (a true/false value)."""
        return False


@dataclass(frozen=True)
class Number(Node):
    value: float


@dataclass(frozen=True)
class Name(Node):
    """A variable, looked up in the values given to ``evaluate``."""

    name: str


@dataclass(frozen=True)
class Negate(Node):
    operand: Node


@dataclass(frozen=True)
class Binary(Node):
    """``left op right`` for one of ``+ - * / **``; ``op_column`` is where the operator is."""

    op: str
    left: Node
    right: Node
    op_column: int


@dataclass(frozen=True)
class Call(Node):
    function: str
    argument: Node


@dataclass(frozen=True)
class Condition(Node):
    """A part whose value is true or false: a comparison, or a combination of them."""

    @property
    def is_condition(self) -> bool:
        return True


@dataclass(frozen=True)
class Compare(Condition):
    """A chain ``a < b <= c``: true where every link holds."""

    operands: tuple[Node, ...]
    ops: tuple[str, ...]


@dataclass(frozen=True)
class Logic(Condition):
    """``and`` / ``or`` of two conditions, or ``not`` of one (``right`` is None)."""

    op: str
    left: Node
    right: Node | None


# -- the compiled formula -----------------------------------------------------------------


@dataclass(frozen=True)
class Expression:
    """A parsed formula: ``root`` is its tree, ``names`` the variables it uses, in order."""

    text: str
    root: Node
    names: tuple[str, ...]

    @property
    def is_condition(self) -> bool:
        """True when the formula is a condition (a comparison): its value is true or false."""
        return self.root.is_condition

    def evaluate(self, values: Mapping[str, np.ndarray | float]) -> np.ndarray:
        """The formula at every point: a float array, or a bool array for a condition.

        ``values`` maps each variable to an array (all of one shape) or a number.
        A number the formula needs that is not finite at some point (``log`` of a
        negative number, a division by zero, an overflow) is a ValueError naming the
        part of the formula and the first such point.
        """
        missing = [name for name in self.names if name not in values]
        if missing:
            raise ValueError(f"formula: no value given for {', '.join(missing)}")
        arrays = {name: np.asarray(values[name], dtype=np.float64) for name in self.names}
        with np.errstate(all="ignore"):
            result = _Evaluator(self.text, arrays).run(self.root)
        return np.asarray(result)


class _Evaluator:
    def __init__(self, text: str, values: dict[str, np.ndarray]) -> None:
        self.text, self.values = text, values

    def run(self, node: Node) -> np.ndarray:
        out = self.value(node)
        if not node.is_condition:
            self.check_finite(node, out)
        return out

    def value(self, node: Node) -> np.ndarray:
        if isinstance(node, Number):
            return np.float64(node.value)  # type: ignore[return-value]
        if isinstance(node, Name):
            return self.values[node.name]
        if isinstance(node, Negate):
            return np.asarray(np.negative(self.value(node.operand)))
        if isinstance(node, Binary):
            return _ARITHMETIC[node.op](self.value(node.left), self.value(node.right))
        if isinstance(node, Call):
            return FUNCTIONS[node.function](self.value(node.argument))
        if isinstance(node, Compare):
            operands = [self.value(part) for part in node.operands]
            for part, value in zip(node.operands, operands):
                # NaN compares false everywhere, which would hide a broken formula as a class.
                self.check_finite(part, value)
            links = [_COMPARISONS[op](a, b) for op, a, b in zip(node.ops, operands, operands[1:])]
            return np.logical_and.reduce(links) if len(links) > 1 else links[0]
        if isinstance(node, Logic):
            if node.op == "not":
                return np.asarray(np.logical_not(self.value(node.left)))
            combine = np.logical_and if node.op == "and" else np.logical_or
            return combine(self.value(node.left), self.value(node.right))  # type: ignore[arg-type]
        raise TypeError(f"formula: unknown node {type(node).__name__}")

    def check_finite(self, node: Node, value: np.ndarray) -> None:
        bad = ~np.isfinite(value)
        if not bad.any():
            return
        count, total = int(np.count_nonzero(bad)), int(bad.size)
        where = ""
        if np.ndim(value) and self.values:
            first = int(np.flatnonzero(bad)[0])
            at = ", ".join(
                f"{name}={_brief(np.broadcast_to(v, value.shape).flat[first])}" for name, v in self.values.items()
            )
            where = f" (first at {at})"
        raise formula_error(self.text, node.column, f"not a finite number at {count} of {total} points{where}")


def _children(node: Node) -> list[Node]:
    """The operands of an arithmetic node (``fold`` computes those that are all numbers)."""
    if isinstance(node, Binary):
        return [node.left, node.right]
    if isinstance(node, Negate):
        return [node.operand]
    if isinstance(node, Call):
        return [node.argument]
    return []


def _brief(x: float) -> str:
    return f"{float(x):.4g}"


# -- parsing ------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Token:
    kind: str  # "number", "name", "op", "end", or "bad" (then ``text`` says what is wrong)
    text: str
    column: int


def parse(text: str, variables: Collection[str] | None = DEFAULT_VARIABLES) -> Expression:
    """Parse ``text`` into an ``Expression``; ValueError pointing at the first bad character.

    ``variables`` are the names a formula may use (``None``: any name that is not
    a function, a keyword or ``pi``, and does not start with ``_``).
    """
    if not isinstance(text, str):
        raise ValueError(f"formula: expected text, got {type(text).__name__}")
    if len(text) > MAX_LENGTH:
        raise formula_error(text, MAX_LENGTH, f"too long ({len(text)} characters; at most {MAX_LENGTH})")
    parser = _Parser(text, _tokens(text), variables)
    root = parser.expression(0)
    token = parser.peek()
    if token.kind != "end":
        message = (
            "unbalanced ')': no '(' opens it"
            if token.text == ")"
            else f"unexpected {_what(token)}: an operator is missing before it"
        )
        raise formula_error(text, token.column, message)
    return Expression(text, root, tuple(dict.fromkeys(parser.names)))


def _tokens(text: str) -> list[_Token]:
    out: list[_Token] = []
    at = 0
    while at < len(text):
        match = _TOKEN.match(text, at)
        if match is None:
            # Reported when the parser reaches it, so that an earlier mistake (the unknown
            # name in ``__import__('os')``) is the one named.
            char = text[at]
            hint = _HINTS.get(char)
            out.append(_Token("bad", f"unexpected character {char!r}" + (f": {hint}" if hint else ""), at))
            return out
        kind = match.lastgroup or "space"
        if kind != "space":
            out.append(_Token(kind, match.group(), at))
        at = match.end()
    out.append(_Token("end", "", len(text)))
    return out


def _what(token: _Token) -> str:
    return "end of the formula" if token.kind == "end" else repr(token.text)


class _Parser:
    """A Pratt parser: ``expression(power)`` reads operators that bind tighter than ``power``."""

    def __init__(self, text: str, tokens: list[_Token], variables: Collection[str] | None) -> None:
        self.text, self.tokens, self.at = text, tokens, 0
        self.variables = variables
        self.names: list[str] = []
        self.depth = 0

    def peek(self) -> _Token:
        token = self.tokens[self.at]
        if token.kind == "bad":
            raise formula_error(self.text, token.column, token.text)
        return token

    def take(self) -> _Token:
        token = self.peek()
        self.at += 1
        return token

    def fail(self, token: _Token, message: str) -> ValueError:
        return formula_error(self.text, token.column, message)

    def expression(self, power: int) -> Node:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise self.fail(self.peek(), f"nested too deeply (at most {MAX_DEPTH} levels)")
        left = self.prefix()
        while True:
            token = self.peek()
            op = token.text if token.kind in ("op", "name") else ""
            bind = _INFIX_POWER.get(op)
            if bind is None or bind <= power:
                break
            self.take()
            if op in _COMPARISONS:
                left = self.comparison(left, token)
            elif op in ("and", "or"):
                right = self.expression(bind)
                self.need_condition(left, op, token)
                self.need_condition(right, op, token)
                left = Logic(left.column, op, left, right)
            else:
                # ** groups to the right: its right side may hold another **.
                right = self.expression(bind - 1 if op == "**" else bind)
                left = self.arithmetic(Binary(left.column, op, left, right, token.column), token)
        self.depth -= 1
        return left

    def prefix(self) -> Node:
        token = self.take()
        if token.kind == "number":
            value = float(token.text)
            if not math.isfinite(value):
                raise self.fail(token, "number too large")
            return Number(token.column, value)
        if token.text == "(":
            inner = self.expression(0)
            close = self.take()
            if close.text != ")":
                raise formula_error(self.text, token.column, "unbalanced '(': no ')' closes it")
            return inner
        if token.text == "-":
            operand = self.expression(_UNARY_MINUS_POWER)
            self.need_number(operand, "-", token)
            return self.fold(Negate(token.column, operand), token)
        if token.text == "+":
            operand = self.expression(_UNARY_MINUS_POWER)
            self.need_number(operand, "+", token)
            return operand
        if token.text == "not":
            operand = self.expression(_NOT_POWER)
            self.need_condition(operand, "not", token)
            return Logic(token.column, "not", operand, None)
        if token.kind == "name":
            return self.name(token)
        if token.kind == "end":
            raise self.fail(token, "the formula ends too early: a number, name or '(' is missing")
        if token.text == ")":
            raise self.fail(
                token,
                "unbalanced ')': no '(' opens it" if self.depth <= 1 else "a number, name or '(' is missing before ')'",
            )
        raise self.fail(token, f"a number, name or '(' is missing before {_what(token)}")

    def name(self, token: _Token) -> Node:
        word = token.text
        if word in FUNCTIONS:
            open_ = self.take()
            if open_.text != "(":
                raise self.fail(open_, f"{word} needs its argument in parentheses: {word}(...)")
            argument = self.expression(0)
            close = self.take()
            if close.text != ")":
                raise formula_error(self.text, open_.column, f"unbalanced '(': no ')' closes {word}(")
            self.need_number(argument, word, token)
            return self.fold(Call(token.column, word, argument), token)
        if word in CONSTANTS:
            return Number(token.column, CONSTANTS[word])
        if word in KEYWORDS:
            raise self.fail(token, f"{word!r} needs a condition before it")
        allowed = self.variables
        if (word not in allowed) if allowed is not None else word.startswith("_"):
            expected = ", ".join(allowed) if allowed is not None else "names not starting with _"
            raise self.fail(
                token, f"unknown name {word!r}; use numbers, {expected}, pi and the functions {' '.join(FUNCTIONS)}"
            )
        if self.peek().text == "(":
            raise self.fail(self.peek(), f"{word!r} is not a function")
        self.names.append(word)
        return Name(token.column, word)

    def comparison(self, left: Node, first: _Token) -> Node:
        operands, ops = [left], [first.text]
        while True:
            right = self.expression(_INFIX_POWER["<"])
            operands.append(right)
            if self.peek().text not in _COMPARISONS:
                break
            ops.append(self.take().text)
        for part in operands:
            self.need_number(part, "a comparison", first)
        return Compare(left.column, tuple(operands), tuple(ops))

    def arithmetic(self, node: Binary, token: _Token) -> Node:
        self.need_number(node.left, token.text, token)
        self.need_number(node.right, token.text, token)
        return self.fold(node, token)

    def fold(self, node: Node, token: _Token) -> Node:
        """A part made of numbers only, computed now: an overflow (``9**9**9``) or a
        division by zero is refused at its operator before anything is evaluated."""
        parts = _children(node)
        values = [part.value for part in parts if isinstance(part, Number)]
        if len(values) < len(parts):
            return node
        if isinstance(node, Binary) and node.op == "**" and values[0] != 0 and abs(values[0]) != 1:
            # log10 of the result bounds its size without computing it.
            magnitude = values[1] * math.log10(abs(values[0]))
            if magnitude > 308:
                raise self.fail(
                    token, f"{_brief(values[0])}**{_brief(values[1])} is too large (about 10**{_brief(magnitude)})"
                )
        with np.errstate(all="ignore"):
            result = float(_Evaluator(self.text, {}).value(node))
        if not math.isfinite(result):
            raise self.fail(
                token,
                "this part is not a finite number (too large, a division by zero or outside the function's domain)",
            )
        return Number(node.column, result)

    def need_number(self, node: Node, what: str, token: _Token) -> None:
        if node.is_condition:
            raise formula_error(
                self.text,
                node.column,
                f"{what} needs a number here, not a condition (put the comparison in parentheses elsewhere)",
            )

    def need_condition(self, node: Node, what: str, token: _Token) -> None:
        if not node.is_condition:
            raise formula_error(
                self.text, node.column, f"{what!r} needs a condition here (a comparison such as x1 > 0)"
            )
