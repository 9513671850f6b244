"""Numbers written for people: readouts, tooltips and the trainer's messages.

One rule everywhere, so a loss reads the same in the status bar, a tooltip and
a message: at most four significant digits, scientific notation when a number
is large or tiny (``1.235e7``, ``3e-5``: no ``+`` and no padded exponent), and
``nan``, ``inf`` and ``-inf`` spelled as such. A loss of ``1e90`` then prints
as ``1e90`` rather than as ninety digits.
"""

from __future__ import annotations

import decimal
import math
import numbers

SIGNIFICANT = 4
# Plain notation from 1e-3 up to 10**digits (9999 at four digits); outside it,
# scientific notation (below 1e-3 the leading zeros outnumber the digits that matter).
SMALLEST_EXPONENT = -3
_CONTEXT = decimal.Context(prec=400, Emin=-999_999, Emax=999_999)


def format_number(x: object, digits: int = SIGNIFICANT) -> str:
    """``x`` in at most ``digits`` significant digits, for a person to read.

    >>> [format_number(v) for v in (0.0, 0.693147, 1234.5, 12345.0, 1e90, 3.2e-5, -7, float("nan"))]
    ['0', '0.6931', '1235', '1.235e4', '1e90', '3.2e-5', '-7', 'nan']

    Accepts Python and numpy numbers, including integers too large for a float
    (``10**400`` gives ``1e400``). Anything else, or ``digits`` outside 1..17,
    is a ValueError naming it.
    """
    if isinstance(digits, bool) or not isinstance(digits, int) or not 1 <= digits <= 17:
        raise ValueError(f"format_number: digits must be a whole number in 1..17, got {digits!r}")
    if isinstance(x, bool) or not isinstance(x, numbers.Real):
        raise ValueError(f"format_number: expected a number, got {type(x).__name__} {x!r}")
    if isinstance(x, numbers.Integral):
        exact = decimal.Decimal(int(x))
    else:
        value = float(x)
        if math.isnan(value):
            return "nan"
        if math.isinf(value):
            return "inf" if value > 0 else "-inf"
        # The shortest repr is the decimal a person would write for this float
        # (0.1, not 0.1000000000000000055...), so halves round up as in school.
        exact = decimal.Decimal(repr(value))
    if exact == 0:
        return "0"  # also -0.0: a sign on zero means nothing to a reader
    # Enough precision to round any float exactly (a repr has at most 17 digits,
    # exponents to +-324); a larger integer gets a context of its own size.
    context = (
        _CONTEXT
        if len(exact.as_tuple().digits) < _CONTEXT.prec
        else decimal.Context(prec=len(exact.as_tuple().digits) + 2)
    )
    quantum = decimal.Decimal(1).scaleb(exact.adjusted() - digits + 1, context)
    rounded = exact.quantize(quantum, rounding=decimal.ROUND_HALF_UP, context=context)
    exponent = rounded.adjusted()  # rounding may carry: 9999.6 -> 1.000e4
    if SMALLEST_EXPONENT <= exponent < digits:
        return _trim(f"{rounded:f}")
    return f"{_trim(f'{rounded.scaleb(-exponent, context):f}')}e{exponent}"


def _trim(text: str) -> str:
    """Drop trailing zeros after the decimal point: ``"0.5000"`` -> ``"0.5"``."""
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text
