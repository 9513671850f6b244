"""format_number: four significant digits, scientific when large or tiny, readable nan/inf."""

from __future__ import annotations

import numpy as np
import pytest

from playground.training.numbers import format_number


@pytest.mark.parametrize(
    "value, text",
    [
        (0.0, "0"),
        (-0.0, "0"),
        (1.0, "1"),
        (100.0, "100"),
        (0.5, "0.5"),
        (12.5, "12.5"),
        (0.693147, "0.6931"),
        (0.1 + 0.2, "0.3"),
        (-7, "-7"),
        (42, "42"),
        (9999, "9999"),
        (1234.5, "1235"),  # halves round up, as people do (not to even)
        (0.001, "0.001"),
        (0.0012345, "0.001235"),
        (0.99996, "1"),  # rounding carries into a new digit
    ],
)
def test_plain_numbers_have_at_most_four_significant_digits(value, text):
    assert format_number(value) == text


@pytest.mark.parametrize(
    "value, text",
    [
        (12345.0, "1.235e4"),
        (10000, "1e4"),
        (9999.6, "1e4"),
        (99999, "1e5"),
        (123456789, "1.235e8"),
        (1e90, "1e90"),
        (-2.5e12, "-2.5e12"),
        (3.2e-5, "3.2e-5"),
        (0.00099996, "0.001"),
        (-0.00012345, "-1.235e-4"),
        (1.7976931348623157e308, "1.798e308"),
        (5e-324, "5e-324"),
        (10**400, "1e400"),  # an integer no float can hold (a corrupt session's step count)
        (-(10**4000) * 7, "-7e4000"),
    ],
)
def test_large_and_tiny_numbers_use_short_scientific_notation(value, text):
    assert format_number(value) == text


def test_a_ninety_digit_loss_prints_short():
    assert format_number(float(10**90 + 123)) == "1e90"
    assert len(format_number(1.2345678e89)) <= len("1.235e89")


@pytest.mark.parametrize(
    "value, text",
    [
        (float("nan"), "nan"),
        (float("inf"), "inf"),
        (-float("inf"), "-inf"),
        (np.float32("nan"), "nan"),
        (np.float64("-inf"), "-inf"),
    ],
)
def test_non_finite_values_read_as_words(value, text):
    assert format_number(value) == text


def test_numpy_scalars_format_like_python_numbers():
    assert format_number(np.float32(0.1)) == "0.1"  # not 0.1000000015
    assert format_number(np.float64(2.0 / 3.0)) == "0.6667"
    assert format_number(np.int64(123456)) == "1.235e5"


def test_digits_can_be_chosen():
    assert format_number(3.14159, 2) == "3.1"
    assert format_number(3.14159, 6) == "3.14159"
    assert format_number(123.456, 17) == "123.456"
    assert format_number(0.000123, 1) == "1e-4"


@pytest.mark.parametrize("value", ["1.5", None, [1.0], True, 1 + 2j])
def test_non_numbers_are_refused_by_name(value):
    with pytest.raises(ValueError, match="format_number: expected a number"):
        format_number(value)  # type: ignore[arg-type]


@pytest.mark.parametrize("digits", [0, 18, 2.0, True])
def test_bad_digit_counts_are_refused(digits):
    with pytest.raises(ValueError, match="digits must be a whole number in 1..17"):
        format_number(1.0, digits)  # type: ignore[arg-type]
