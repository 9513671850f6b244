"""``DatasetSpec``: the options of a generated dataset, enough to make it again.

A ``Dataset`` does not remember where it came from; a spec is what the DATA
panel remembers for the data it generated and what a shareable recipe writes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from .dataset import Dataset
from .generators import make_dataset


@dataclass(frozen=True)
class DatasetSpec:
    """``make_dataset(preset, n, noise, seed, test_fraction, classes=..., expr=...)``.

    ``classes`` is None for presets that take no class count; ``expr`` is the
    formula (or one condition per class, a tuple) of the ``formula`` generator,
    None for the others.
    """

    preset: str
    n: int
    noise: float
    seed: int
    test_fraction: float
    classes: int | None = None
    expr: str | tuple[str, ...] | None = None

    def make(self) -> Dataset:
        """The dataset this spec generates (ValueError for options out of range)."""
        extra: dict[str, Any] = {}
        if self.classes is not None:
            extra["classes"] = self.classes
        if self.expr is not None:
            extra["expr"] = list(self.expr) if isinstance(self.expr, tuple) else self.expr
        return make_dataset(
            self.preset, n=self.n, noise=self.noise, seed=self.seed, test_fraction=self.test_fraction, **extra
        )


def formula_spec(expr: str | Sequence[str], n: int, noise: float, seed: int, test_fraction: float) -> DatasetSpec:
    """The spec of a formula dataset (a list of conditions is kept as a tuple: hashable)."""
    return DatasetSpec("formula", n, noise, seed, test_fraction, None, expr if isinstance(expr, str) else tuple(expr))
