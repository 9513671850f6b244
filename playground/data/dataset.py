"""The dataset: points in the plane, their classes or target values, and the train/test split.

A :class:`Dataset` is an immutable value. Its arrays are read-only and every
change (an edit, another class) makes a new Dataset, so the undo stack, the
training thread and the plots can share one without copying or locking.

Validation errors are ``ValueError`` whose message starts with the field, in
the form of a path (``"y[4]: label 9 is outside 0..1 (n_classes is 2)"``), so
``from_dict`` can prefix where the dataset sits in a file (``"dataset.y[4]: ..."``).
"""

from __future__ import annotations

import numbers
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from .palette import MAX_CLASSES, OKABE_ITO, hex_to_rgb

DOMAIN: tuple[float, float] = (-6.0, 6.0)
"""The range of both axes of the plane the app shows (as in TensorFlow Playground).

Generators put every point inside it. A Dataset does not enforce it: a loaded
file may hold points beyond the visible plane.
"""

TASKS: tuple[str, ...] = ("classification", "regression")
MIN_CLASSES = 2
MAX_POINTS = 100_000
"""The most points a generator makes or a file may hold (a Dataset in memory is not limited)."""
MAX_CLASS_NAME = 100
"""The longest class name, in characters: names are shown in menus and legends."""

_FIELDS = ("task", "n_classes", "class_names", "class_colors", "X", "y", "is_test")


class Dataset:
    """Points ``X`` (n, 2) with class ids or target values ``y`` (n,) and a train/test split.

    Args:
        X: point coordinates, shape (n, 2); stored as float64.
        y: for classification, integer class ids 0..n_classes-1 (integral floats
            are accepted), stored as int64; for regression, finite targets, stored
            as float64.
        task: ``"classification"`` or ``"regression"``.
        is_test: which points are held out for testing, shape (n,) bool; default none.
        class_names: one name per class; default ``"class 1"``, ``"class 2"``, ...
        class_colors: one ``#RRGGBB`` colour per class; default the Okabe-Ito palette.
        n_classes: the number of classes, 2..8; default ``max(y) + 1`` but at
            least 2, so a class may exist before it has points. A regression
            dataset has no classes: ``n_classes`` is 0 and the names and colours
            are empty tuples.

    An empty dataset (n = 0) is valid: a person may clear the canvas. The
    arrays are copies of the arguments, so the caller's arrays stay writable.
    """

    __slots__ = ("_X", "_y", "_task", "_is_test", "_n_classes", "_class_names", "_class_colors")

    def __init__(
        self,
        X: Any,
        y: Any,
        task: str = "classification",
        is_test: Any = None,
        class_names: Sequence[str] | None = None,
        class_colors: Sequence[str] | None = None,
        n_classes: int | None = None,
    ) -> None:
        if not isinstance(task, str) or task not in TASKS:
            raise ValueError(f"task: expected one of {', '.join(TASKS)}, got {_brief(task)}")
        self._X = as_points(X, "X")
        n = len(self._X)
        values = as_values(y, n, "y")
        self._is_test = as_flags(is_test, n, "is_test")
        self._task = task
        if task == "classification":
            self._n_classes = _class_count(n_classes, values)
            self._y = _labels(values, self._n_classes)
            self._class_names = _class_names(class_names, self._n_classes)
            self._class_colors = _class_colors(class_colors, self._n_classes)
        else:
            _check_no_classes(n_classes, class_names, class_colors)
            self._y = _read_only(values.astype(np.float64))
            self._n_classes = 0
            self._class_names = ()
            self._class_colors = ()

    # -- the value ----------------------------------------------------------------

    @property
    def X(self) -> np.ndarray:
        """Point coordinates, (n, 2) float64, read-only."""
        return self._X

    @property
    def y(self) -> np.ndarray:
        """Class ids (n,) int64 or regression targets (n,) float64, read-only."""
        return self._y

    @property
    def task(self) -> str:
        """``"classification"`` or ``"regression"``."""
        return self._task

    @property
    def is_test(self) -> np.ndarray:
        """(n,) bool, True for the points held out for testing; read-only."""
        return self._is_test

    @property
    def n_classes(self) -> int:
        """The number of classes (2..8), or 0 for regression."""
        return self._n_classes

    @property
    def class_names(self) -> tuple[str, ...]:
        """One display name per class (empty for regression)."""
        return self._class_names

    @property
    def class_colors(self) -> tuple[str, ...]:
        """One ``#RRGGBB`` colour per class (empty for regression)."""
        return self._class_colors

    @property
    def n(self) -> int:
        """The number of points."""
        return len(self._X)

    @property
    def X_train(self) -> np.ndarray:
        """The coordinates of the training points (a read-only copy)."""
        return _read_only(self._X[~self._is_test])

    @property
    def y_train(self) -> np.ndarray:
        """The labels or targets of the training points (a read-only copy)."""
        return _read_only(self._y[~self._is_test])

    @property
    def X_test(self) -> np.ndarray:
        """The coordinates of the test points (a read-only copy)."""
        return _read_only(self._X[self._is_test])

    @property
    def y_test(self) -> np.ndarray:
        """The labels or targets of the test points (a read-only copy)."""
        return _read_only(self._y[self._is_test])

    # -- new values from this one -------------------------------------------------

    def with_points(self, X: Any, y: Any, is_test: Any = None) -> Dataset:
        """A dataset with these points and the same task and classes (what edits use)."""
        return Dataset(X, y, self._task, is_test, self._class_names, self._class_colors, self._n_classes)

    def with_classes(
        self,
        n_classes: int,
        names: Sequence[str] | None = None,
        colors: Sequence[str] | None = None,
    ) -> Dataset:
        """A dataset with ``n_classes`` classes and the same points.

        Without ``names``/``colors`` the existing classes keep theirs and new
        classes get the defaults. Removing a class that still has points raises
        ``ValueError``: relabel or erase them first.
        """
        if self._task != "classification":
            raise ValueError("n_classes: a regression dataset has no classes")
        k = check_int(n_classes, "n_classes", MIN_CLASSES, MAX_CLASSES)
        if self.n and int(self._y.max()) >= k:
            orphan = int(self._y.max())
            count = int(np.count_nonzero(self._y == orphan))
            raise ValueError(
                f"n_classes: class {orphan + 1} ({self._class_names[orphan]!r}) still has "
                f"{count} point(s); relabel or erase them before removing the class"
            )
        kept = min(k, self._n_classes)
        if names is None:
            names = self._class_names[:kept] + _default_names(k)[kept:]
        if colors is None:
            colors = self._class_colors[:kept] + OKABE_ITO[kept:k]
        return Dataset(self._X, self._y, self._task, self._is_test, names, colors, k)

    # -- JSON-safe dictionaries -----------------------------------------------------

    def to_dict(self) -> dict[str, Any]:
        """A dictionary of plain lists, numbers and strings, ready for ``json.dumps``.

        Floats are written as Python floats, whose shortest repr round-trips
        exactly, so ``from_dict(to_dict())`` equals the original.
        """
        return {
            "task": self._task,
            "n_classes": self._n_classes,
            "class_names": list(self._class_names),
            "class_colors": list(self._class_colors),
            "X": self._X.tolist(),
            "y": self._y.tolist(),
            "is_test": self._is_test.tolist(),
        }

    @classmethod
    def from_dict(cls, d: Any, path: str = "dataset") -> Dataset:
        """Rebuild a dataset from :meth:`to_dict` output (for example decoded JSON).

        Types are checked strictly (numbers are not strings, flags are booleans)
        and every error names the field as a path below ``path``, e.g.
        ``"dataset.X: expected a list of [x1, x2] pairs"``. ``X`` and ``y`` are
        required; the other fields default as in the constructor. At most
        ``MAX_POINTS`` points are read.
        """
        if type(d) is not dict:
            raise ValueError(f"{path}: expected an object with the fields {', '.join(_FIELDS)}")
        unknown = [key for key in d if key not in _FIELDS]
        if unknown:
            raise ValueError(f"{path}: unknown field {unknown[0]!r} (expected {', '.join(_FIELDS)})")
        for key in ("X", "y"):
            if key not in d:
                raise ValueError(f"{path}: missing field {key!r}")
        X = json_list(d["X"], f"{path}.X", _is_pair, "[x1, x2] pair")
        if len(X) > MAX_POINTS:
            raise ValueError(f"{path}.X: {len(X)} points is more than the limit of {MAX_POINTS:,}")
        y = json_numbers(d["y"], f"{path}.y")
        is_test = d.get("is_test")
        if is_test is not None:
            is_test = json_list(is_test, f"{path}.is_test", _is_bool, "boolean")
        names = d.get("class_names")
        if names is not None:
            names = json_list(names, f"{path}.class_names", _is_str, "string")
        colors = d.get("class_colors")
        if colors is not None:
            colors = json_list(colors, f"{path}.class_colors", _is_str, "string")
        try:
            return cls(X, y, d.get("task", "classification"), is_test, names, colors, d.get("n_classes"))
        except ValueError as err:
            raise ValueError(f"{path}.{err}") from None

    # -- comparison and display -----------------------------------------------------

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Dataset):
            return NotImplemented
        return (
            self._task == other._task
            and self._n_classes == other._n_classes
            and self._class_names == other._class_names
            and self._class_colors == other._class_colors
            and np.array_equal(self._X, other._X)
            and np.array_equal(self._y, other._y)
            and np.array_equal(self._is_test, other._is_test)
        )

    __hash__ = None  # type: ignore[assignment]  # equal by value, and arrays are not hashable

    def __repr__(self) -> str:
        classes = f", n_classes={self._n_classes}" if self._task == "classification" else ""
        return f"Dataset({self._task}, n={self.n}, n_test={int(self._is_test.sum())}{classes})"


# -- checked conversions shared by the data layer --------------------------------------


def as_points(value: Any, field: str) -> np.ndarray:
    """``value`` as a read-only (n, 2) float64 array of finite coordinates (a copy)."""
    arr = _numeric(value, field)
    if arr.ndim == 1 and arr.size == 0:
        arr = arr.reshape(0, 2)
    if arr.ndim != 2 or arr.shape[1] != 2:
        raise ValueError(f"{field}: expected shape (n, 2), got {arr.shape}")
    _check_finite(arr, field)
    return _read_only(arr.astype(np.float64))


def as_values(value: Any, n: int, field: str) -> np.ndarray:
    """``value`` as a read-only (n,) array of finite numbers, int64 or float64 (a copy)."""
    arr = _numeric(value, field)
    if arr.shape != (n,):
        raise ValueError(f"{field}: expected {n} values (one per point), got shape {arr.shape}")
    _check_finite(arr, field)
    dtype = np.float64 if arr.dtype.kind == "f" else np.int64
    return _read_only(arr.astype(dtype))


def as_flags(value: Any, n: int, field: str) -> np.ndarray:
    """``value`` as a read-only (n,) bool array (a copy); ``None`` means all False."""
    if value is None:
        return _read_only(np.zeros(n, dtype=bool))
    try:
        arr = np.asarray(value)
    except (ValueError, TypeError):  # ragged nesting
        raise ValueError(f"{field}: expected an array of booleans") from None
    if arr.shape != (n,):
        raise ValueError(f"{field}: expected {n} flags (one per point), got shape {arr.shape}")
    if n == 0:  # an empty list decodes as float64; there is nothing to check
        return _read_only(np.zeros(0, dtype=bool))
    if arr.dtype != bool:
        raise ValueError(f"{field}: expected booleans, got {arr.dtype} values")
    return _read_only(arr.copy())


def check_int(value: Any, field: str, lo: int, hi: int | None = None) -> int:
    """``value`` as an int in ``lo..hi`` (no upper bound if ``hi`` is None); bools are refused."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise ValueError(f"{field}: expected an integer, got {_brief(value)}")
    number = int(value)
    if number < lo or (hi is not None and number > hi):
        bounds = f"at least {lo}" if hi is None else f"{lo}..{hi}"
        raise ValueError(f"{field}: expected {bounds}, got {number}")
    return number


def json_list(value: Any, path: str, item_ok: Callable[[Any], bool], item: str) -> list[Any]:
    """Check that decoded JSON ``value`` is a list whose items pass ``item_ok``; return it.

    ``item`` names one item for the message, e.g. ``"number"`` gives
    ``"dataset.y: expected a list of numbers"`` or ``"dataset.y[3]: expected a number, got 'a'"``.
    """
    if type(value) is not list:
        raise ValueError(f"{path}: expected a list of {item}s")
    for i, entry in enumerate(value):
        if not item_ok(entry):
            raise ValueError(f"{path}[{i}]: expected {_article(item)} {item}, got {_brief(entry)}")
    return value


def json_numbers(value: Any, path: str) -> list[Any]:
    """Check that decoded JSON ``value`` is a list of numbers (booleans are not numbers)."""
    return json_list(value, path, _is_number, "number")


def _is_number(value: Any) -> bool:
    # JSON numbers decode to int or float; bool is a subclass of int but not a number here.
    return type(value) in (int, float)


def _is_pair(value: Any) -> bool:
    return type(value) is list and len(value) == 2 and _is_number(value[0]) and _is_number(value[1])


def _is_bool(value: Any) -> bool:
    return type(value) is bool


def _is_str(value: Any) -> bool:
    return type(value) is str


def _article(word: str) -> str:
    return "an" if word[0] in "aeiou" else "a"


def _brief(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


# -- private helpers -----------------------------------------------------------------


def _read_only(arr: np.ndarray) -> np.ndarray:
    arr.flags.writeable = False
    return arr


def _numeric(value: Any, field: str) -> np.ndarray:
    try:
        arr = np.asarray(value)
    except (ValueError, TypeError):  # ragged nesting
        raise ValueError(f"{field}: expected an array of numbers") from None
    # Booleans and strings would convert silently; in a dataset they are mistakes.
    if arr.dtype.kind not in "iuf":
        raise ValueError(f"{field}: expected numbers, got {arr.dtype} values")
    return arr


def _check_finite(arr: np.ndarray, field: str) -> None:
    if arr.dtype.kind == "f":
        bad = ~np.isfinite(arr)
        if bad.any():
            row = int(np.argwhere(bad)[0][0])
            raise ValueError(f"{field}[{row}]: NaN or infinity is not allowed")


def _class_count(n_classes: Any, values: np.ndarray) -> int:
    if n_classes is not None:
        return check_int(n_classes, "n_classes", MIN_CLASSES, MAX_CLASSES)
    if values.size == 0:
        return MIN_CLASSES
    # Clamped so that a label beyond the palette is reported as a bad label by _labels.
    return min(max(MIN_CLASSES, int(values.max()) + 1), MAX_CLASSES)


def _labels(values: np.ndarray, k: int) -> np.ndarray:
    fractional = values != np.round(values)
    if fractional.any():
        i = int(np.argmax(fractional))
        raise ValueError(f"y[{i}]: label {values[i].item()!r} is not an integer class id")
    outside = (values < 0) | (values >= k)
    if outside.any():
        i = int(np.argmax(outside))
        raise ValueError(f"y[{i}]: label {values[i].item()!r} is outside 0..{k - 1} (n_classes is {k})")
    return _read_only(values.astype(np.int64))


def _default_names(k: int) -> tuple[str, ...]:
    return tuple(f"class {i + 1}" for i in range(k))


def _class_names(names: Any, k: int) -> tuple[str, ...]:
    if names is None:
        return _default_names(k)
    names = _per_class(names, k, "class_names")
    for i, name in enumerate(names):
        if not isinstance(name, str) or not name.strip():
            raise ValueError(f"class_names[{i}]: expected a non-empty string, got {_brief(name)}")
        if len(name) > MAX_CLASS_NAME:
            raise ValueError(
                f"class_names[{i}]: {len(name):,} characters, more than the {MAX_CLASS_NAME} a class name may have"
            )
    return tuple(str(name) for name in names)


def _class_colors(colors: Any, k: int) -> tuple[str, ...]:
    if colors is None:
        return OKABE_ITO[:k]
    colors = _per_class(colors, k, "class_colors")
    canonical = []
    for i, color in enumerate(colors):
        if not isinstance(color, str):
            raise ValueError(f"class_colors[{i}]: expected a colour '#RRGGBB', got {_brief(color)}")
        try:
            r, g, b = hex_to_rgb(color)
        except ValueError as err:
            raise ValueError(f"class_colors[{i}]: {err}") from None
        canonical.append(f"#{r:02X}{g:02X}{b:02X}")  # one spelling, so equal colours compare equal
    return tuple(canonical)


def _per_class(items: Any, k: int, field: str) -> tuple[Any, ...]:
    if isinstance(items, str) or not isinstance(items, Sequence):
        raise ValueError(f"{field}: expected a list with one entry per class, got {_brief(items)}")
    if len(items) != k:
        raise ValueError(f"{field}: expected {k} entries (n_classes is {k}), got {len(items)}")
    return tuple(items)


def _check_no_classes(n_classes: Any, names: Any, colors: Any) -> None:
    if n_classes not in (None, 0) or isinstance(n_classes, bool):
        raise ValueError(f"n_classes: a regression dataset has no classes, got {_brief(n_classes)}")
    for field, value in (("class_names", names), ("class_colors", colors)):
        if value is not None and (not isinstance(value, Sequence) or len(value) != 0):
            raise ValueError(f"{field}: a regression dataset has no classes, got {_brief(value)}")
