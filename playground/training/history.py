"""Per-epoch history as growable numpy arrays the plots can read without copying loops."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

SCALARS = ("epoch", "train_loss", "test_loss", "train_metric", "test_metric", "lr")
PER_LAYER = ("grad_norms", "bias_grad_norms", "weight_norms", "dead_units")
# Columns that histories written before they existed lack: read as NaN ("not known").
OPTIONAL = ("dead_units",)


@dataclass(frozen=True)
class EpochStats:
    """What one epoch did.

    ``train_metric``/``test_metric`` are accuracy (0..1) for classification and
    RMSE for regression; test values are NaN when there are no test points.
    ``grad_norms``/``bias_grad_norms`` are per layer (hidden layers, then output):
    the L2 norm of dLoss/dW and dLoss/db, averaged over the epoch's mini-batches.
    ``status`` is ``"ok"``, ``"diverged"`` (weights restored to the last finite
    ones) or ``"stopped"`` (early stopping or the epoch limit); ``message`` says
    why in words, and also notes a re-initialised network. ``dead_units`` counts,
    per layer, the units whose bias got exactly zero gradient in every
    mini-batch of the epoch, so that none of their weights learned from any
    point (dead ReLU units, or units saturated beyond float precision); NaN
    where not known.
    """

    epoch: int
    train_loss: float
    test_loss: float
    train_metric: float
    test_metric: float
    lr: float
    grad_norms: np.ndarray
    bias_grad_norms: np.ndarray
    weight_norms: np.ndarray
    status: str = "ok"
    message: str = ""
    dead_units: np.ndarray | None = None


@dataclass
class History:
    """Every epoch's numbers; ``array(name)`` is a view of the first ``len`` rows."""

    n_layers: int
    _size: int = 0
    _columns: dict[str, np.ndarray] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not self._columns:
            self._allocate(256)

    def _allocate(self, capacity: int) -> None:
        old = self._columns
        self._columns = {name: np.full(capacity, np.nan) for name in SCALARS}
        self._columns.update({name: np.full((capacity, self.n_layers), np.nan) for name in PER_LAYER})
        for name, values in old.items():
            self._columns[name][: self._size] = values[: self._size]

    def __len__(self) -> int:
        return self._size

    def append(self, stats: EpochStats) -> None:
        """Add one epoch (amortised O(1): capacity doubles when full)."""
        if self._size == len(self._columns["epoch"]):
            self._allocate(2 * self._size)
        row = self._size
        for name in SCALARS:
            self._columns[name][row] = getattr(stats, name)
        for name in PER_LAYER:
            value = getattr(stats, name)
            self._columns[name][row] = np.nan if value is None else value
        self._size += 1

    def array(self, name: str) -> np.ndarray:
        """The column ``name`` for every recorded epoch (a read-only view)."""
        if name not in self._columns:
            raise KeyError(f"history has no column {name!r}; it has {', '.join(self._columns)}")
        view = self._columns[name][: self._size]
        view.flags.writeable = False
        return view

    def truncate(self, n_epochs: int) -> None:
        """Forget everything after the first ``n_epochs`` rows (used when scrubbing back)."""
        self._size = max(0, min(self._size, int(n_epochs)))

    def copy(self) -> History:
        """An independent copy (no array shared with this history)."""
        twin = History(self.n_layers)
        twin._allocate(max(256, self._size))
        for name, values in self._columns.items():
            twin._columns[name][: self._size] = values[: self._size]
        twin._size = self._size
        return twin

    def to_dict(self) -> dict[str, object]:
        """JSON-safe columns; NaN (no test points) is written as null."""

        def clean(values: np.ndarray) -> list[Any]:
            boxed = values.astype(object)
            boxed[~np.isfinite(values)] = None
            cleaned: list[Any] = boxed.tolist()
            return cleaned

        return {"n_layers": self.n_layers, **{name: clean(self.array(name)) for name in (*SCALARS, *PER_LAYER)}}

    @classmethod
    def from_dict(cls, data: dict[str, object]) -> History:
        """Rebuild from ``to_dict`` output; ValueError on inconsistent columns."""
        try:
            n_layers = int(data["n_layers"])  # type: ignore[call-overload]
            columns = {
                name: np.asarray(data[name], dtype=np.float64)
                for name in (*SCALARS, *PER_LAYER)
                if name in data or name not in OPTIONAL
            }
        except (KeyError, TypeError, ValueError) as exc:
            raise ValueError(f"history: missing or malformed column ({exc})") from None
        size = len(columns["epoch"])
        for name in OPTIONAL:
            columns.setdefault(name, np.full((size, n_layers), np.nan))
        for name in SCALARS:
            if columns[name].shape != (size,):
                raise ValueError(f"history.{name}: expected {size} numbers, got shape {columns[name].shape}")
        for name in PER_LAYER:
            if columns[name].shape != (size, n_layers) and size:
                raise ValueError(f"history.{name}: expected shape ({size}, {n_layers}), got {columns[name].shape}")
        history = cls(n_layers)
        history._allocate(max(256, size))
        for name, values in columns.items():
            history._columns[name][:size] = values.reshape(history._columns[name][:size].shape)
        history._size = size
        return history
