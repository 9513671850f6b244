"""The safe formula parser: values against numpy, and hostile or broken input refused at its character."""

from __future__ import annotations

import numpy as np
import pytest

from playground.data.expressions import MAX_LENGTH, parse

X1 = np.array([-2.0, -0.5, 0.0, 0.5, 2.0])
X2 = np.array([1.0, -1.0, 0.25, 3.0, -2.0])
VALUES = {"x1": X1, "x2": X2}


@pytest.mark.parametrize(
    "text, expected",
    [
        ("sin(x1) * cos(x2)", np.sin(X1) * np.cos(X2)),
        ("-x1**2", -(X1**2)),
        ("2**3**2 + x1", 512.0 + X1),
        ("(x1 + 1) / 2 - x2", (X1 + 1) / 2 - X2),
        (
            "exp(-x1) + abs(x2) + sqrt(x2*x2) + tanh(x1) + tan(x1) + log(1 + x1*x1)",
            np.exp(-X1) + np.abs(X2) + np.sqrt(X2 * X2) + np.tanh(X1) + np.tan(X1) + np.log(1 + X1 * X1),
        ),
        ("2 * pi * x1", 2 * np.pi * X1),
        ("1.5e-1 * x2 + .5", 0.15 * X2 + 0.5),
        ("x2 ** -1", X2**-1.0),
    ],
)
def test_arithmetic_matches_numpy(text, expected):
    e = parse(text)
    assert not e.is_condition
    np.testing.assert_array_equal(e.evaluate(VALUES), expected)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("x2 > sin(3*x1)", X2 > np.sin(3 * X1)),
        ("x1 <= 0", X1 <= 0),
        ("x1 >= 0 and x2 < 0", (X1 >= 0) & (X2 < 0)),
        ("x1 == 0 or x2 != 1", (X1 == 0) | (X2 != 1)),
        ("not x1 > 0", ~(X1 > 0)),
        ("-1 < x1 < 1", (-1 < X1) & (X1 < 1)),
        ("(x1 > 0) and not (x2 > 0) or x1 == -2", ((X1 > 0) & ~(X2 > 0)) | (X1 == -2)),
    ],
)
def test_conditions_match_numpy(text, expected):
    e = parse(text)
    assert e.is_condition
    np.testing.assert_array_equal(e.evaluate(VALUES), expected)


def test_names_and_the_tree_of_a_named_variable_formula():
    e = parse("tanh(w1*x1 + w2*x2 + b)", variables=None)
    assert e.names == ("w1", "x1", "w2", "x2", "b")
    assert float(e.evaluate({"w1": 0.5, "x1": 1.0, "w2": -1.0, "x2": 2.0, "b": 0.1})) == pytest.approx(
        np.tanh(0.5 - 2.0 + 0.1)
    )


def test_constant_parts_are_computed_while_parsing():
    e = parse("2 * 3 + x1")
    assert e.root.left.value == 6.0  # type: ignore[attr-defined]


def _refused(text: str, column: int, words: str, variables=("x1", "x2")) -> str:
    # How fast this is refused is measured by benchmarks/formula_parser.py.
    with pytest.raises(ValueError) as caught:
        parse(text, variables).evaluate(VALUES)
    message = str(caught.value)
    assert f"at column {column}" in message
    assert words in message
    # The caret line puts ^ under the named character of the excerpt line above it.
    _, excerpt, caret = message.split("\n")
    pointer = caret.index("^")
    if len(text) <= 60 and column <= len(text):
        assert excerpt[pointer] == text[column - 1]
    return message


@pytest.mark.parametrize(
    "text, column, words",
    [
        ("__import__('os')", 1, "unknown name '__import__'"),
        ("x1.real", 3, "attribute access is not allowed"),
        ("x1 + (x2 * 2", 6, "unbalanced '('"),
        ("x1 + x2) * 2", 8, "unbalanced ')'"),
        ("sin(x1", 4, "unbalanced '('"),
        ("x1 + y", 6, "unknown name 'y'"),
        ("x1 + open", 6, "unknown name 'open'"),
        ("x1 ^ 2", 4, "use ** for powers"),
        ("x1 = 2", 4, "use == to compare"),
        ("x1 + 'text'", 6, "text in quotes"),
        ("x1 x2", 4, "an operator is missing"),
        ("x1 +", 5, "ends too early"),
        ("x1 and x2 > 0", 1, "'and' needs a condition"),
        ("(x1 > 0) + 1", 2, "needs a number here"),
        ("sin x1", 5, "needs its argument in parentheses"),
        ("x1(2)", 3, "'x1' is not a function"),
        ("1e999 * x1", 1, "number too large"),
        ("1 / 0 + x1", 3, "not a finite number"),
        ("sqrt(-1) + x1", 1, "not a finite number"),
    ],
)
def test_broken_and_hostile_formulas_point_at_the_character(text, column, words):
    _refused(text, column, words)


def test_a_power_tower_is_refused_before_it_is_computed():
    message = _refused("9**9**9", 2, "too large")
    assert "10**" in message


def test_a_non_finite_value_at_some_points_names_the_first_point():
    message = _refused("log(x1) + x2", 1, "not a finite number at 3 of 5 points")
    assert "first at x1=-2, x2=1" in message


def test_an_overflow_at_some_points_is_reported():
    _refused("exp(x1 * 1000)", 1, "not a finite number at 1 of 5 points (first at x1=2)")


def test_a_non_finite_comparison_operand_is_reported_not_taken_as_false():
    _refused("x2 > log(x1)", 6, "not a finite number")


def test_a_very_long_formula_is_refused_at_the_limit():
    text = "x1+" * 3333 + "x1"  # 10,000 characters
    message = _refused(text, MAX_LENGTH + 1, "too long (10001 characters")
    assert len(message) < 300  # an excerpt, not the whole text


def test_deep_nesting_is_refused():
    _refused("(" * 200 + "x1" + ")" * 200, 61, "nested too deeply")


def test_named_variables_refuse_underscores_and_functions_need_calls():
    _refused("__class__ + a", 1, "unknown name '__class__'", variables=None)
    assert parse("a*b + c", variables=None).names == ("a", "b", "c")


def test_non_text_is_refused():
    with pytest.raises(ValueError, match="expected text"):
        parse(42)  # type: ignore[arg-type]
