"""What the data tests mean by two datasets being the same."""

from __future__ import annotations

from playground.data import Dataset


def identical(a: Dataset, b: Dataset) -> bool:
    """Equal as values, and byte for byte in the same order and dtypes."""
    return (
        a == b
        and a.X.tobytes() == b.X.tobytes()
        and a.y.dtype == b.y.dtype
        and a.y.tobytes() == b.y.tobytes()
        and a.is_test.tobytes() == b.is_test.tobytes()
    )
