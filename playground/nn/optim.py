"""Optimisers that update a model's flat parameter buffer in place.

All arithmetic uses Python floats for the hyperparameters so a float32 model
stays float32 (NumPy 2 would promote ``f32 * np.float64(lr)``).
"""

from __future__ import annotations

import math
from typing import Any, overload

import numpy as np

from .names import unknown_name
from .parameters import FlatParameters


def _check_finite(name: str, value: float, low: float = 0.0, high: float = math.inf, open_low: bool = False) -> float:
    value = float(value)
    too_low = value <= low if open_low else value < low
    if not math.isfinite(value) or too_low or value > high:
        bracket = "(" if open_low else "["
        raise ValueError(f"{name} must be a finite number in {bracket}{low:g}, {high:g}], got {value!r}")
    return value


class _Checked:
    """A hyperparameter attribute checked by :func:`_check_finite` each time it is set.

    The value is kept in ``_<name>``, which the update steps read directly."""

    def __init__(self, low: float, high: float, open_low: bool = False) -> None:
        self.low, self.high, self.open_low = low, high, open_low
        self.name = self.slot = ""

    def __set_name__(self, owner: type, name: str) -> None:
        self.name, self.slot = name, "_" + name

    @overload
    def __get__(self, obj: None, objtype: type | None = None) -> _Checked: ...
    @overload
    def __get__(self, obj: object, objtype: type | None = None) -> float: ...
    def __get__(self, obj: object | None, objtype: type | None = None) -> Any:
        return self if obj is None else getattr(obj, self.slot)

    def __set__(self, obj: object, value: float) -> None:
        setattr(obj, self.slot, _check_finite(self.name, value, self.low, self.high, self.open_low))


class Optimizer:
    """Base: holds the learning rate and decoupled weight decay (weights only)."""

    name = "optimizer"
    lr = _Checked(0.0, 1e3, open_low=True)
    weight_decay = _Checked(0.0, 1.0)
    _lr: float
    _weight_decay: float

    def __init__(self, params: FlatParameters, lr: float, weight_decay: float = 0.0) -> None:
        self.params = params
        self.lr = lr
        self.weight_decay = weight_decay
        self.steps = 0

    def step(self) -> None:
        """Apply one update from the current gradients."""
        self.steps += 1
        if self._weight_decay:
            # Decoupled (AdamW-style): shrink the weights directly, not through the gradient.
            self.params.data -= (self._lr * self._weight_decay) * self.params.weight_mask * self.params.data
        self._update(self.params.data, self.params.grad)

    def _update(self, data: np.ndarray, grad: np.ndarray) -> None:
        raise NotImplementedError

    def state_dict(self) -> dict[str, object]:
        """The optimiser's running state (copies), for snapshots and session files."""
        return {"steps": self.steps}

    def load_state_dict(self, state: dict[str, object]) -> None:
        """Restore what ``state_dict`` returned."""
        steps = state["steps"]
        if isinstance(steps, bool) or not isinstance(steps, (int, np.integer)) or steps < 0:
            raise ValueError(f"{type(self).__name__}.load_state_dict: steps must be a whole number >= 0, got {steps!r}")
        self.steps = int(steps)


class SGD(Optimizer):
    """Stochastic gradient descent, with optional (Nesterov) momentum.

    ``v = momentum * v + g``; the step is ``v``, or ``g + momentum * v`` with Nesterov.
    """

    name = "sgd"
    momentum = _Checked(0.0, 0.999)
    _momentum: float

    def __init__(
        self,
        params: FlatParameters,
        lr: float = 0.03,
        momentum: float = 0.0,
        nesterov: bool = False,
        weight_decay: float = 0.0,
    ) -> None:
        super().__init__(params, lr, weight_decay)
        self.momentum = momentum
        self.nesterov = bool(nesterov)
        self.velocity = np.zeros_like(params.data)

    def _update(self, data: np.ndarray, grad: np.ndarray) -> None:
        if not self._momentum:
            data -= self._lr * grad
            return
        v = self.velocity
        v *= self._momentum
        v += grad
        if self.nesterov:
            data -= self._lr * (grad + self._momentum * v)
        else:
            data -= self._lr * v

    def state_dict(self) -> dict[str, object]:
        return {"steps": self.steps, "velocity": self.velocity.copy()}

    def load_state_dict(self, state: dict[str, object]) -> None:
        super().load_state_dict(state)
        np.copyto(self.velocity, np.asarray(state["velocity"]))


class Adam(Optimizer):
    """Adam: per-parameter steps scaled by running averages of g and g^2, bias-corrected."""

    name = "adam"

    def __init__(
        self,
        params: FlatParameters,
        lr: float = 0.01,
        beta1: float = 0.9,
        beta2: float = 0.999,
        eps: float = 1e-8,
        weight_decay: float = 0.0,
    ) -> None:
        super().__init__(params, lr, weight_decay)
        self.beta1 = _check_finite("beta1", beta1, 0.0, 0.9999)
        self.beta2 = _check_finite("beta2", beta2, 0.0, 0.99999)
        self.eps = _check_finite("eps", eps, 0.0, 1.0, open_low=True)
        # m and v are the two rows of one buffer, so that a step updates both with one call
        # per operation; with two scratch buffers a step allocates nothing (its calls cost more
        # than their arithmetic at a small network's few hundred parameters). Views of the rows
        # are made per step, never kept: a deep copy would not keep a view tied to its buffer.
        # (A comparison's copies train as one batch: its parameters are (copies, size), and so is each row.)
        self._moments = np.zeros((2, *params.data.shape), dtype=params.data.dtype)
        self._pair = np.empty_like(self._moments)
        self._denom = np.empty_like(params.data)
        self._columns: tuple[float, float, np.ndarray, np.ndarray] | None = None

    @property
    def m(self) -> np.ndarray:
        """The running average of the gradient (a view of the optimiser's buffer)."""
        row: np.ndarray = self._moments[0]
        return row

    @property
    def v(self) -> np.ndarray:
        """The running average of the squared gradient (a view of the optimiser's buffer)."""
        row: np.ndarray = self._moments[1]
        return row

    def _beta_columns(self) -> tuple[np.ndarray, np.ndarray]:
        """(b1, b2) and (1 - b1, 1 - b2) as columns in the parameters' dtype, made once per betas:
        a float32 column holds exactly what a Python float scalar is rounded to in the product."""
        b1, b2 = self.beta1, self.beta2
        kept = self._columns
        if kept is None or kept[0] != b1 or kept[1] != b2:
            dtype, column = self._moments.dtype, (2,) + (1,) * (self._moments.ndim - 1)
            decay = np.array([b1, b2], dtype=dtype).reshape(column)
            keep = np.array([1.0 - b1, 1.0 - b2], dtype=dtype).reshape(column)
            kept = self._columns = (b1, b2, decay, keep)
        return kept[2], kept[3]

    def _update(self, data: np.ndarray, grad: np.ndarray) -> None:
        # The textbook order of operations, each written into a buffer kept for it:
        # m = b1 m + (1 - b1) g;  v = b2 v + ((1 - b2) g) g;  data -= (step m) / (sqrt(v) + eps').
        b1, b2, t = self.beta1, self.beta2, self.steps
        moments, pair, denom = self._moments, self._pair, self._denom
        decay, keep = self._beta_columns()
        moments *= decay
        np.multiply(grad, keep, out=pair)
        squared = pair[1]
        squared *= grad
        moments += pair
        # Fold both bias corrections into one scalar step size (Kingma & Ba, section 2).
        correction2 = math.sqrt(1.0 - b2**t)
        step = self._lr * correction2 / (1.0 - b1**t)
        np.sqrt(moments[1], out=denom)
        denom += self.eps * correction2
        scratch = pair[0]
        np.multiply(moments[0], step, out=scratch)
        scratch /= denom
        data -= scratch

    def state_dict(self) -> dict[str, object]:
        return {"steps": self.steps, "m": self.m.copy(), "v": self.v.copy()}

    def load_state_dict(self, state: dict[str, object]) -> None:
        super().load_state_dict(state)
        np.copyto(self.m, np.asarray(state["m"]))
        np.copyto(self.v, np.asarray(state["v"]))


OPTIMIZERS: dict[str, str] = {
    "sgd": "plain gradient descent: w -= lr * gradient",
    "momentum": "gradient descent with momentum: keeps moving in the recent average direction",
    "nesterov": "momentum that looks one step ahead before correcting",
    "adam": "per-weight step sizes from running averages of the gradient and its square",
}


def make_optimizer(
    name: str, params: FlatParameters, lr: float, momentum: float = 0.9, weight_decay: float = 0.0
) -> Optimizer:
    """Build the optimiser called ``name`` (one of OPTIMIZERS)."""
    if name == "sgd":
        return SGD(params, lr, 0.0, weight_decay=weight_decay)
    if name in ("momentum", "nesterov"):
        return SGD(params, lr, momentum, nesterov=name == "nesterov", weight_decay=weight_decay)
    if name == "adam":
        return Adam(params, lr, weight_decay=weight_decay)
    raise unknown_name("optimizer", name, OPTIMIZERS)
