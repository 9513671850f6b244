"""What a typed formula says about points: a class per point, or a target value.

``make_dataset("formula", expr=...)`` (in ``generators``) draws the points and
adds the noise; this module only reads the formula:

* a condition (``x2 > sin(3*x1)``): two classes, class 2 where it holds;
* a list of conditions, one per class (``["x1 < -1", "x1 < 1", "x1 >= 1"]``):
  each point gets the first class whose condition holds, and points where none
  holds get the last class (so the last condition only names what is left);
* any other formula (``sin(x1) * cos(x2)``): regression, the formula is the target.

Formulas are parsed by ``expressions.parse`` (a whitelist, never ``eval``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

from .dataset import MIN_CLASSES
from .palette import MAX_CLASSES

if TYPE_CHECKING:
    from .expressions import Expression

CLASSIFICATION, REGRESSION = "classification", "regression"


def parse_formulas(expr: str | Sequence[str]) -> list[Expression]:
    """The parsed formula (one) or conditions (one per class); ValueError naming the bad one."""
    # Imported at the first formula: the parser's eleven frozen dataclasses took a fortieth of the
    # window's start-up, which reads no formula.
    from .expressions import parse

    if isinstance(expr, str):
        return [parse(expr)]
    if not isinstance(expr, (list, tuple)) or not MIN_CLASSES <= len(expr) <= MAX_CLASSES:
        raise ValueError(
            f"expr: expected a formula, or a list of {MIN_CLASSES} to {MAX_CLASSES} "
            f"conditions (one per class), got {_brief(expr)}"
        )
    parsed = []
    for index, text in enumerate(expr):
        try:
            formula = parse(text)
        except ValueError as exc:
            raise ValueError(f"expr[{index}] (class {index + 1}): {exc}") from None
        if not formula.is_condition:
            raise ValueError(
                f"expr[{index}] (class {index + 1}): {text!r} is not a condition; "
                f"each class needs a comparison such as x1 > 0"
            )
        parsed.append(formula)
    return parsed


def label_points(expr: str | Sequence[str], X: np.ndarray) -> tuple[str, np.ndarray, int]:
    """``(task, y, n_classes)`` of points ``X`` (n, 2) under ``expr``.

    Classification gives integer classes and their count; regression float
    targets and 0 classes. A class that gets no point, or a formula that is not
    finite at some point, is a ValueError that says so.
    """
    formulas = parse_formulas(expr)
    values = {"x1": X[:, 0], "x2": X[:, 1]}
    n = len(X)
    if len(formulas) == 1 and not formulas[0].is_condition:
        y = np.broadcast_to(formulas[0].evaluate(values), (n,)).astype(np.float64)
        return REGRESSION, y, 0
    if len(formulas) == 1:
        holds = np.broadcast_to(formulas[0].evaluate(values), (n,))
        y = holds.astype(np.int64)
        k = 2
    else:
        k = len(formulas)
        y = np.full(n, k - 1, dtype=np.int64)
        unlabelled = np.ones(n, dtype=bool)
        for c, formula in enumerate(formulas[:-1]):
            # first true wins: a point keeps the class of the first condition it meets
            now = unlabelled & np.broadcast_to(formula.evaluate(values), (n,))
            y[now] = c
            unlabelled &= ~now
    counts = np.bincount(y, minlength=k)
    if n and (counts == 0).any():
        empty = int(np.flatnonzero(counts == 0)[0])
        if len(formulas) == 1:
            said = "true" if empty == 1 else "false"
            raise ValueError(
                f"expr: {formulas[0].text!r} is {said} at none of the {n} points, so class {empty + 1} would be empty"
            )
        raise ValueError(
            f"expr: class {empty + 1} ({formulas[empty].text!r}) gets none of the {n} "
            f"points (an earlier condition may take them all)"
        )
    return CLASSIFICATION, y, k


def _brief(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."
