"""Checked readers for the values of a decoded session file, and the compact array encoding.

Every reader takes the decoded JSON value and ``where`` it sits (a dotted
path such as ``"state.optimizer.steps"``) and returns a plain, valid Python
or numpy value, or raises ValueError starting with ``where``. Types are
exact (a boolean is not a number, a float is not a whole number), numbers
are finite and in range, and sizes are checked before anything is built,
so no file value can raise OverflowError or TypeError later, in training.

Long arrays are stored as base64 text of their little-endian bytes: exact
(every float, NaN included, comes back bit for bit), 4/3 bytes of text per
byte (a float64 takes 10.7 characters, against up to 24 as a JSON number),
and decoded at C speed.
"""

from __future__ import annotations

import base64
import binascii
import math
from typing import Any

import numpy as np
import numpy.typing as npt

MAX_EXACT_INT = 2**53  # beyond this a count no longer fits a float exactly


def brief(value: Any) -> str:
    """A short quote of a file's value for a message."""
    text = type(value).__name__ if isinstance(value, (list, dict)) else repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def field(data: Any, name: str, where: str = "") -> Any:
    """``data[name]`` from a decoded JSON object, which must be an object that has it."""
    if type(data) is not dict:
        raise ValueError(f"{where or 'session'}: expected an object, got {type(data).__name__}")
    if name not in data:
        raise ValueError(f"{join(where, name)}: missing")
    return data[name]


def join(where: str, name: str) -> str:
    """The path of field ``name`` below ``where`` ("state" and "epoch" give "state.epoch")."""
    return f"{where}.{name}" if where else name


def obj(value: Any, where: str) -> dict[str, Any]:
    """``value`` if it is a JSON object."""
    if type(value) is not dict:
        raise ValueError(f"{where}: expected an object, got {_kind(value)}")
    return value


def text(value: Any, where: str, choices: tuple[str, ...] | None = None) -> str:
    """``value`` if it is text (and one of ``choices``, when given)."""
    if type(value) is not str:
        raise ValueError(f"{where}: expected text, got {_kind(value)}")
    if choices is not None and value not in choices:
        raise ValueError(f"{where}: expected one of {', '.join(choices)}, got {brief(value)}")
    return value


def whole(value: Any, where: str, lo: int = 0, hi: int = MAX_EXACT_INT) -> int:
    """An integer (never a boolean or a float) in ``lo..hi``."""
    if type(value) is not int:
        raise ValueError(f"{where}: expected a whole number, got {_kind(value)}")
    if not lo <= value <= hi:
        raise ValueError(f"{where}: expected a whole number in {lo:,}..{hi:,}, got {brief(value)}")
    return value


def real(value: Any, where: str, lo: float = -math.inf, allow_null: bool = False) -> float | None:
    """A finite number >= ``lo`` as a float (None for null when ``allow_null``)."""
    if value is None and allow_null:
        return None
    if type(value) not in (int, float):
        raise ValueError(f"{where}: expected a number{' or null' if allow_null else ''}, got {_kind(value)}")
    try:
        number = float(value)
    except OverflowError:  # a whole number beyond any float
        raise ValueError(f"{where}: the number is too large for a float") from None
    if not math.isfinite(number):
        raise ValueError(f"{where}: expected a finite number, got {brief(value)}")
    if number < lo:
        raise ValueError(f"{where}: expected a number >= {lo:g}, got {brief(value)}")
    return number


def float_list(values: Any, where: str, size: int, dtype: npt.DTypeLike = np.float64) -> np.ndarray:
    """A JSON list of exactly ``size`` finite numbers as an array of ``dtype``."""
    if type(values) is not list:
        raise ValueError(f"{where}: expected a list of numbers, got {_kind(values)}")
    if len(values) != size:
        raise ValueError(f"{where}: expected {size} numbers, got {len(values)}")
    if not set(map(type, values)) <= {int, float}:
        raise ValueError(f"{where}: expected a list of numbers")
    try:
        array = np.asarray(values, dtype=np.float64)
    except OverflowError:  # a whole number too large for a float
        raise ValueError(f"{where}: contains a number too large for a float") from None
    if not np.all(np.isfinite(array)):
        raise ValueError(f"{where}: contains NaN or infinity")
    cast = array.astype(dtype)
    if not np.all(np.isfinite(cast)):
        raise ValueError(f"{where}: contains a number too large for {np.dtype(dtype).name}")
    return cast


# ------------------------------------------------------------------ compact arrays
def encode_array(array: np.ndarray, dtype: npt.DTypeLike = np.float64) -> str:
    """The base64 text of ``array``'s values as little-endian ``dtype``, row by row."""
    little_endian = np.dtype(dtype).newbyteorder("<")
    return base64.b64encode(np.ascontiguousarray(array, dtype=little_endian).tobytes()).decode("ascii")


def encoded_length(count: int, dtype: npt.DTypeLike = np.float64) -> int:
    """How many characters ``encode_array`` writes for ``count`` values."""
    return 4 * math.ceil(count * np.dtype(dtype).itemsize / 3)


def decode_array(
    value: Any, where: str, count: int, dtype: npt.DTypeLike = np.float64, allow_nan: bool = False
) -> np.ndarray:
    """``count`` values of ``dtype`` from ``encode_array`` text; infinity (and NaN unless
    ``allow_nan``) is refused. The length is checked before anything is decoded."""
    dtype = np.dtype(dtype)
    if type(value) is not str:
        raise ValueError(f"{where}: expected base64 text of {count} numbers, got {_kind(value)}")
    if len(value) != encoded_length(count, dtype):
        raise ValueError(
            f"{where}: expected base64 text of {count} numbers "
            f"({encoded_length(count, dtype):,} characters), got {len(value):,} characters"
        )
    try:
        raw = base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        raise ValueError(f"{where}: not valid base64 text") from None
    if len(raw) != count * dtype.itemsize:
        raise ValueError(f"{where}: expected {count} numbers of {dtype.itemsize} bytes")
    array = np.frombuffer(raw, dtype=dtype.newbyteorder("<")).astype(dtype)
    bad = np.isinf(array) if allow_nan else ~np.isfinite(array)
    if bad.any():
        raise ValueError(
            f"{where}[{int(np.argmax(bad))}]: {'infinity' if allow_nan else 'NaN or infinity'} is not allowed"
        )
    return array


def column(value: Any, where: str, rows: int, width: int | None = None) -> np.ndarray:
    """A history column of ``rows`` values (or rows of ``width``) as float64.

    Either base64 text (version 2) or a JSON list of numbers and nulls, a row
    being a list when ``width`` is given (version 1); null and NaN mean "no
    value" (a test loss without test points), infinity is refused.
    """
    shape = (rows,) if width is None else (rows, width)
    count = rows * (width or 1)
    if type(value) is str:
        return decode_array(value, where, count, np.float64, allow_nan=True).reshape(shape)
    if type(value) is not list:
        raise ValueError(f"{where}: expected base64 text or a list, got {_kind(value)}")
    if len(value) != rows:
        raise ValueError(f"{where}: expected {rows} entries (one per epoch), got {len(value)}")
    flat = value
    if width is not None:
        if not set(map(type, value)) <= {list} or not set(map(len, value)) <= {width}:
            raise ValueError(f"{where}: expected {rows} lists of {width} numbers (one per layer)")
        flat = [number for row in value for number in row]
    if not set(map(type, flat)) <= {int, float, type(None)}:
        raise ValueError(f"{where}: expected numbers or null")
    try:
        array = np.array(flat, dtype=np.float64).reshape(shape)  # null becomes NaN
    except OverflowError:
        raise ValueError(f"{where}: contains a number too large for a float") from None
    if np.isinf(array).any():
        raise ValueError(f"{where}: contains infinity")
    return array


# ------------------------------------------------------------------ the random state
_UINT128 = 2**128


def rng_state(value: Any, where: str) -> dict[str, Any]:
    """A numpy ``PCG64`` bit-generator state, checked field by field (numpy itself
    would raise OverflowError or accept nonsense for some values)."""
    state = obj(value, where)
    expected = {"bit_generator", "state", "has_uint32", "uinteger"}
    if set(state) != expected:
        raise ValueError(
            f"{where}: expected the fields {', '.join(sorted(expected))}, got {', '.join(sorted(map(str, state)))}"
        )
    text(state["bit_generator"], join(where, "bit_generator"), ("PCG64",))
    inner = obj(state["state"], join(where, "state"))
    if set(inner) != {"state", "inc"}:
        raise ValueError(f"{where}.state: expected the fields inc and state")
    counter = whole(inner["state"], f"{where}.state.state", 0, _UINT128 - 1)
    increment = whole(inner["inc"], f"{where}.state.inc", 0, _UINT128 - 1)
    if increment % 2 == 0:
        raise ValueError(f"{where}.state.inc: a PCG64 increment is odd, got an even number")
    return {
        "bit_generator": "PCG64",
        "state": {"state": counter, "inc": increment},
        "has_uint32": whole(state["has_uint32"], f"{where}.has_uint32", 0, 1),
        "uinteger": whole(state["uinteger"], f"{where}.uinteger", 0, 2**32 - 1),
    }


def _kind(value: Any) -> str:
    names = {
        dict: "an object",
        list: "a list",
        int: "a whole number",
        float: "a number",
        str: "text",
        bool: "a boolean",
        type(None): "null",
    }
    return names.get(type(value), type(value).__name__)
