"""Several copies of one session trained side by side, differing in one setting.

``Comparison(dataset, config, variable, values)`` makes up to ``MAX_COPIES``
copies of a session's configuration that differ in one thing (the seed, the
learning rate, the activation, the optimiser or the hidden width) and trains
them. Copies of one shape train as ONE batch: their weights are stacked along a
leading copy axis, so a layer is one batched product ``(c, n, d) @ (c, d, h)``
through the engine and one backward pass serves every copy. Each copy keeps
its own random stream (shuffling, dropout), optimiser state and stop rules, so
its numbers are those of a ``Trainer`` training that copy alone, batch for
batch (``tests/training/test_compare.py`` checks the loss curves). Copies of
other widths train as separate groups.

Why a sum of the copies' losses gives each copy its own gradient: the copies
share no weight, so the derivative of copy ``i``'s loss with respect to any
other copy's weights is zero. The batched loss is the mean over all ``c * b``
rows, whose backward is seeded with ``c``: each row's gradient is then
``(p - y) * c / (c * b)``, which is ``(p - y) / b`` in floating point too.
"""

from __future__ import annotations

import copy
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, cast

import numpy as np

from .. import nn
from ..data import DOMAIN, Dataset
from ..engine import Tensor, no_grad
from ..nn.activations import activate
from ..nn.optim import Optimizer
from ..nn.parameters import FlatParameters
from ..nn.regularization import add_penalty_gradient
from .config import TrainingConfig
from .history import EpochStats, History
from .numbers import format_number
from .probes import grid_points
from .state_copies import WeightsCopy, copy_state, read_only, read_only_state
from .trainer import Divergence, Trainer, TrainerState, early_stopping_counters

MAX_COPIES = 9
GRID_RESOLUTION = 48  # cells per side of each copy's boundary picture (small multiples)
VARIABLES: dict[str, str] = {
    "seed": "the random seed of the initial weights (and of the shuffling)",
    "lr": "the learning rate",
    "activation": "the activation of every hidden layer",
    "optimizer": "the optimiser",
    "width": "the number of units in every hidden layer",
}


# ------------------------------------------------------------------ the copies
def variant_configs(base: TrainingConfig, variable: str, values: Sequence[object]) -> list[TrainingConfig]:
    """One configuration per value: ``base`` with ``variable`` set to it.

    A bad request is a ValueError naming the field: an unknown variable, no
    values or more than ``MAX_COPIES``, or a value the configuration refuses
    (a non-finite learning rate, an unknown activation, ...).
    """
    if variable not in VARIABLES:
        raise ValueError(f"compare: variable must be one of {', '.join(VARIABLES)}, got {variable!r}")
    values = list(values)
    if not values:
        raise ValueError(f"compare: {variable}: give at least one value")
    if len(values) > MAX_COPIES:
        raise ValueError(f"compare: {variable}: at most {MAX_COPIES} copies, got {len(values)} values")
    if variable == "width" and not base.hidden:
        raise ValueError("compare: width: the network has no hidden layer to widen")
    configs = []
    for k, value in enumerate(values):
        try:
            configs.append(base.replace(**_changes(base, variable, value)))
        except (ValueError, TypeError) as error:
            raise ValueError(f"compare: {variable} value {k + 1} ({value!r}): {error}") from None
    return configs


def _changes(base: TrainingConfig, variable: str, value: object) -> dict[str, object]:
    if variable == "width":
        return {"hidden": (value,) * len(base.hidden)}
    if variable == "lr" and isinstance(value, (int, float)) and not isinstance(value, bool):
        return {"lr": float(value)}
    return {variable: value}


def describe_value(variable: str, value: object) -> str:
    """How a copy is named in a legend: "seed 3", "lr 0.1", "relu", "adam", "8 units"."""
    if variable == "seed":
        return f"seed {value}"
    if variable == "lr":
        return f"lr {float(cast(float, value)):g}"
    if variable == "width":
        return f"{value} units"
    return str(value)


# ------------------------------------------------------------------- results
@dataclass(frozen=True)
class CopyResult:
    """One copy as far as it has trained.

    ``history`` holds every epoch (``train_loss`` is its loss curve);
    ``grid_output`` is the head's output over ``grid_axis`` x ``grid_axis``
    (row-major, x2 constant along a row, as the main boundary plot's probe):
    class probabilities (r*r, k), or regression values (r*r,). ``state`` is
    the whole trainer, for ``Trainer.restore_state`` (promoting the copy).
    """

    index: int
    label: str
    config: TrainingConfig
    history: History
    train_metric: float
    test_metric: float
    status: str
    message: str
    grid_axis: np.ndarray
    grid_output: np.ndarray
    state: TrainerState

    @property
    def epoch(self) -> int:
        return len(self.history)

    @property
    def losses(self) -> np.ndarray:
        """The training loss of every epoch (the loss curve)."""
        return self.history.array("train_loss")


class _StackedParams:
    """The attributes an optimiser uses of ``FlatParameters``, over every copy at once:
    ``data`` and ``grad`` are (copies, parameters), ``weight_mask`` (parameters,) broadcasts."""

    def __init__(self, data: np.ndarray, grad: np.ndarray, weight_mask: np.ndarray) -> None:
        self.data, self.grad, self.weight_mask = data, grad, weight_mask


@dataclass
class _Copy:
    """One copy's own state: its trainer (initial weights, optimiser, random stream,
    standardisation), epoch counters and status."""

    index: int
    label: str
    trainer: Trainer
    best_loss: float = math.inf
    epochs_since_best: int = 0
    status: str = "ok"
    message: str = ""
    divergence: Divergence | None = None
    train_metric: float = math.nan
    test_metric: float = math.nan

    @property
    def config(self) -> TrainingConfig:
        return self.trainer.config


@dataclass(frozen=True)
class _Mark:
    """Copies of the stacked weights, gradients and optimiser states (one per optimiser) and their rates."""

    data: np.ndarray
    grad: np.ndarray
    optimizers: list[dict[str, Any]]
    lrs: list[float]


class _Group:
    """Copies of one shape, trained as one batch with stacked weights."""

    def __init__(self, copies: list[_Copy]) -> None:
        self.copies = copies
        first = copies[0].trainer
        self.head = first.head
        self.sizes = list(first.model.sizes)
        self.residual = list(getattr(first.model, "residual", [False] * (len(self.sizes) - 2)))
        self.dtype = first.model.dtype
        self.history = [History(len(first.model.layers)) for _ in copies]
        self.epoch = 0
        k = len(copies)
        params = [c.trainer.model.params for c in copies]
        self.data = np.stack([p.data for p in params])
        self.grad = np.zeros_like(self.data)
        offsets = params[0].offsets
        self._starts = offsets[:-1]
        # Each copy's FlatParameters and layer tensors now view its row of the stack, so its
        # own optimiser, ``predict`` and ``capture``-like reads see the trained weights.
        for row, p in enumerate(params):
            _bind(p, self.data[row], self.grad[row])
        self.weights: list[Tensor] = []
        self.biases: list[Tensor] = []
        for layer, (n_in, n_out) in enumerate(zip(self.sizes[:-1], self.sizes[1:])):
            w0, b0 = offsets[2 * layer], offsets[2 * layer + 1]
            self.weights.append(_leaf(self.data, self.grad, w0, (k, n_in, n_out)))
            self.biases.append(_leaf(self.data, self.grad, b0, (k, 1, n_out)))
        self._bias_index = np.concatenate(
            [np.arange(offsets[i], offsets[i + 1]) for i in range(1, len(offsets) - 1, 2)]
        )
        self._bias_starts = np.concatenate([[0], np.cumsum(self.sizes[1:-1])]).astype(np.intp)
        names = [c.config.activations for c in copies]
        self.activations = [[acts[layer] for acts in names] for layer in range(len(self.sizes) - 2)]
        self.optimizers = self._optimizers()
        self.frozen: dict[int, WeightsCopy] = {}  # copies that train no more (their weights kept), by row
        self.F_train, self.y_train, self.F_test, self.y_test = _inputs(first)
        # The test points, once per copy and contiguous: numpy's batched product takes its fast
        # (BLAS) path only for such operands, not for a broadcast (stride 0) view.
        self._test_inputs = np.ascontiguousarray(np.broadcast_to(self.F_test, (k, *self.F_test.shape)))

    def _optimizers(self) -> list[tuple[slice, Optimizer]]:
        """One optimiser over the whole stack when every copy updates alike (the same kind and
        hyperparameters: seeds, activations, widths), else each copy's own on its row."""
        configs = [c.config for c in self.copies]
        key = {(c.optimizer, c.lr, c.momentum, c.weight_decay) for c in configs}
        if len(key) == 1:
            mask = self.copies[0].trainer.model.params.weight_mask
            shared = cast(FlatParameters, _StackedParams(self.data, self.grad, mask))
            cfg = configs[0]
            return [(slice(None), nn.make_optimizer(cfg.optimizer, shared, cfg.lr, cfg.momentum, cfg.weight_decay))]
        return [(slice(row, row + 1), c.trainer.optimizer) for row, c in enumerate(self.copies)]

    # --------------------------------------------------------------- forward
    def forward(self, x: Tensor, masks: list[np.ndarray | None] | None = None) -> Tensor:
        """The logits (c, n, out) of every copy for inputs ``x`` (c, n, in)."""
        a = x
        for layer in range(len(self.sizes) - 2):
            z = a @ self.weights[layer] + self.biases[layer]
            out = _activate(self.activations[layer], z)
            if masks is not None and masks[layer] is not None:
                out = out * masks[layer]
            a = out + a if self.residual[layer] else out
        return a @ self.weights[-1] + self.biases[-1]

    def _dropout_masks(self, batch: int, active: list[bool]) -> list[np.ndarray | None] | None:
        """Each copy's inverted-dropout masks drawn from its own stream, in the order its trainer draws them."""
        dropout = self.copies[0].config.dropout
        if not dropout:
            return None
        keep = 1.0 - dropout
        masks: list[np.ndarray | None] = []
        for units in self.sizes[1:-1]:
            rows = [
                (c.trainer.rng.random((batch, units)) < keep).astype(self.dtype) * (1.0 / keep)
                if on
                else np.ones((batch, units), dtype=self.dtype)
                for c, on in zip(self.copies, active)
            ]
            masks.append(np.stack(rows))
        return masks

    # ------------------------------------------------------------------ epoch
    def train_epoch(self) -> None:
        """One epoch of every copy still training, batch by batch as each one's trainer would."""
        active = [row not in self.frozen and self._may_train(c) for row, c in enumerate(self.copies)]
        for row, on in enumerate(active):
            if not on and row not in self.frozen:
                self._freeze(row, self._mark())
        if not any(active):
            return
        cfg = self.copies[0].config
        n, k = len(self.F_train), len(self.copies)
        batch = min(cfg.batch_size, n)
        lrs = [_lr_at(c.config, self.epoch) for c in self.copies]
        for slot, optimizer in self.optimizers:
            optimizer.lr = lrs[slot.start or 0]
        start = self._mark()
        identity = np.arange(n)
        orders = np.stack(
            [c.trainer.rng.permutation(n) if on and batch < n else identity for c, on in zip(self.copies, active)]
        )
        layers = len(self.sizes) - 1
        grad_sum, bias_grad_sum = np.zeros((k, layers)), np.zeros((k, layers))
        alive = np.zeros((k, self._bias_index.size), dtype=bool)
        loss_sum, metric_sum = np.zeros(k), np.zeros(k)
        batches = 0
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            for begin in range(0, n, batch):
                rows = orders[:, begin : begin + batch]
                xb, yb = self.F_train[rows], self.y_train[rows]
                self.grad.fill(0.0)
                logits = self.forward(Tensor(xb), self._dropout_masks(len(rows[0]), active))
                values = _per_copy_loss(self.head.name, logits.data, yb)
                for row, value in enumerate(values):
                    if row not in self.frozen and not math.isfinite(value):
                        self._diverge(row, start, f"the loss became {format_number(value)}", lrs[row])
                flat = logits.reshape(k * len(rows[0]), self.sizes[-1])
                self.head.loss(flat, yb.reshape(-1)).backward(np.asarray(float(k)))
                norms = np.sqrt(np.add.reduceat(self.grad * self.grad, self._starts, axis=1)).reshape(k, -1, 2)
                grad_sum += norms[:, :, 0]
                bias_grad_sum += norms[:, :, 1]
                alive |= self.grad[:, self._bias_index] != 0.0
                if cfg.l1 or cfg.l2:
                    add_penalty_gradient(cast(FlatParameters, self._stacked()), cfg.l1, cfg.l2)
                for slot, optimizer in self.optimizers:
                    if slot.start is None or slot.start not in self.frozen:
                        optimizer.step()
                self._keep_frozen()
                loss_sum += values * len(rows[0])
                metric_sum += _metric_sums(self.head.name, logits.data, yb)
                batches += 1
            weight_norms = np.sqrt(np.add.reduceat(self.data * self.data, self._starts, axis=1))[:, 0::2]
            test_loss, test_metric = self._evaluate()
        self.epoch += 1
        for row, c in enumerate(self.copies):
            if row in self.frozen:
                continue
            if not np.all(np.isfinite(weight_norms[row])):
                self._diverge(row, start, "a weight became NaN or infinite", lrs[row])
                self._keep_frozen()
                continue
            dead = np.add.reduceat(~alive[row], self._bias_starts).astype(np.float64)
            stats = EpochStats(
                len(self.history[row]) + 1,
                float(loss_sum[row] / n),
                float(test_loss[row]),
                _finish(self.head.name, float(metric_sum[row]), n),
                float(test_metric[row]),
                lrs[row],
                grad_sum[row] / batches,
                bias_grad_sum[row] / batches,
                weight_norms[row],
                "ok",
                "",
                dead,
            )
            self.history[row].append(stats)
            c.train_metric, c.test_metric = stats.train_metric, stats.test_metric
            c.divergence = None
            self._stop_rules(c, stats)
            if c.status != "ok":
                self._freeze(row, self._mark())

    def _may_train(self, c: _Copy) -> bool:
        """The refusals of ``Trainer``: a stopped or diverged copy trains no more here."""
        if c.status != "ok":
            return False
        cfg = c.config
        if cfg.max_epochs and self.epoch >= cfg.max_epochs:
            c.status, c.message = "stopped", f"reached the epoch limit ({cfg.max_epochs})"
            return False
        if not len(self.F_train):
            c.status, c.message = "stopped", "there are no training points to learn from"
            return False
        return True

    def _stop_rules(self, c: _Copy, stats: EpochStats) -> None:
        """Early stopping on the test loss (the training loss without test points), and the epoch limit."""
        cfg = c.config
        c.best_loss, c.epochs_since_best = early_stopping_counters(stats, c.best_loss, c.epochs_since_best)
        if cfg.patience and c.epochs_since_best >= cfg.patience:
            c.status, c.message = "stopped", f"early stopping: no improvement for {cfg.patience} epochs"
        elif cfg.max_epochs and self.epoch >= cfg.max_epochs:
            c.status, c.message = "stopped", f"reached the epoch limit ({cfg.max_epochs})"

    def _stacked(self) -> _StackedParams:
        return _StackedParams(self.data, self.grad, self.copies[0].trainer.model.params.weight_mask)

    def _mark(self) -> _Mark:
        """What an epoch changes, as it is now (to put back a copy that diverges in the epoch)."""
        states = [copy_state(opt.state_dict()) for _, opt in self.optimizers]
        return _Mark(self.data.copy(), self.grad.copy(), states, [opt.lr for _, opt in self.optimizers])

    def _freeze(self, row: int, mark: _Mark) -> None:
        """Copy ``row`` trains no more: keep its weights and optimiser state as ``mark`` has them."""
        slot = self._slot(row)
        self.frozen[row] = WeightsCopy(
            mark.data[row].copy(),
            mark.grad[row].copy(),
            self._optimizer_row(row, mark.optimizers[slot]),
            mark.lrs[slot],
        )

    def _diverge(self, row: int, start: _Mark, cause: str, lr: float) -> None:
        """As ``Trainer`` does: the copy goes back to the weights the epoch began with, and says why."""
        c = self.copies[row]
        c.status = "diverged"
        c.divergence = Divergence(self.epoch + 1, cause, lr)
        c.message = (
            f"diverged in epoch {self.epoch + 1}: {cause}; the weights are those of epoch {self.epoch} "
            f"(learning rate {format_number(lr)})"
        )
        self._freeze(row, start)

    def _keep_frozen(self) -> None:
        """Copies that train no more keep their weights (a shared optimiser moves their rows too)."""
        for row, frozen in self.frozen.items():
            self.data[row] = frozen.params
            self.grad[row] = frozen.grad

    def _slot(self, row: int) -> int:
        return 0 if len(self.optimizers) == 1 else row

    def _optimizer_row(self, row: int, state: dict[str, Any]) -> dict[str, Any]:
        """Copy ``row``'s part of an optimiser state (the shared one holds every copy's rows)."""
        if len(self.optimizers) > 1:
            return copy_state(state)
        return {key: value[row].copy() if isinstance(value, np.ndarray) else value for key, value in state.items()}

    def _evaluate(self) -> tuple[np.ndarray, np.ndarray]:
        """Every copy's loss and metric on the test points (NaN without any)."""
        k = len(self.copies)
        if not len(self.F_test):
            return np.full(k, np.nan), np.full(k, np.nan)
        with no_grad():
            logits = self.forward(Tensor(self._test_inputs)).data
        y = np.broadcast_to(self.y_test, (k, *self.y_test.shape))
        metric = np.array(
            [_finish(self.head.name, s, len(self.F_test)) for s in _metric_sums(self.head.name, logits, y)]
        )
        return _per_copy_loss(self.head.name, logits, y), metric

    def outputs(self, points: np.ndarray) -> np.ndarray:
        """The head's output (c, n, out) of every copy at ``points`` (n, 2), as ``Trainer.predict`` gives it."""
        F = self.copies[0].trainer.features(points)
        k = len(self.copies)
        with no_grad(), np.errstate(over="ignore", invalid="ignore"):
            logits = self.forward(Tensor(np.ascontiguousarray(np.broadcast_to(F, (k, *F.shape))))).data
            return np.stack([self.head.activate(z) for z in logits])

    def state(self, row: int) -> TrainerState:
        """Copy ``row`` as a whole trainer, for ``Trainer.restore_state``."""
        c = self.copies[row]
        optimizer = self.optimizers[self._slot(row)][1]
        weights = self.frozen.get(row) or WeightsCopy(
            self.data[row], self.grad[row], self._optimizer_row(row, optimizer.state_dict()), optimizer.lr
        )
        return TrainerState(
            config=c.config,
            task=c.trainer.dataset.task,
            n_classes=c.trainer.dataset.n_classes,
            params=read_only(weights.params.copy()),
            grad=read_only(weights.grad.copy()),
            optimizer=read_only_state(copy_state(weights.optimizer)),
            optimizer_lr=weights.optimizer_lr,
            rng_state=copy.deepcopy(dict(c.trainer.rng.bit_generator.state)),
            history=self.history[row].copy(),
            epoch=len(self.history[row]),
            standardizer=copy.deepcopy(c.trainer.standardizer),
            best_loss=c.best_loss,
            epochs_since_best=c.epochs_since_best,
            status=c.status,
            notice="",
            divergence=c.divergence,
        )


class Comparison:
    """Copies of a session that differ in ``variable``, one per value, trained side by side.

    ``step(epochs)`` trains every copy that is still training; ``results()``
    reports each copy (loss history, accuracies, its boundary's grid of
    predictions, its whole trainer state). Copies of one width train as one batch.
    """

    def __init__(
        self,
        dataset: Dataset,
        config: TrainingConfig,
        variable: str,
        values: Sequence[object],
        grid_resolution: int = GRID_RESOLUTION,
    ) -> None:
        self.variable = variable
        self.values = list(values)
        self.configs = variant_configs(config, variable, self.values)
        self.dataset = dataset
        copies = [
            _Copy(k, describe_value(variable, value), Trainer(dataset, cfg))
            for k, (value, cfg) in enumerate(zip(self.values, self.configs))
        ]
        shapes: dict[tuple[object, ...], list[_Copy]] = {}
        for c in copies:
            shapes.setdefault((c.config.hidden, getattr(c.config, "residual", ())), []).append(c)
        self.groups = [_Group(members) for members in shapes.values()]
        self._places = {c.index: (group, row) for group in self.groups for row, c in enumerate(group.copies)}
        self._grid, self.grid_axis = grid_points(grid_resolution, DOMAIN)

    def __len__(self) -> int:
        return len(self.configs)

    @property
    def epoch(self) -> int:
        """Epochs trained (every copy that still trains is at this epoch)."""
        return max(group.epoch for group in self.groups)

    @property
    def training(self) -> bool:
        """True while at least one copy may train on."""
        return any(c.status == "ok" for group in self.groups for c in group.copies)

    def step(self, epochs: int = 1, go_on: Callable[[], bool] | None = None) -> None:
        """Train ``epochs`` epochs of every copy still training; ``go_on()`` is asked between epochs."""
        if isinstance(epochs, bool) or not isinstance(epochs, int) or epochs < 1:
            raise ValueError(f"compare: epochs must be a whole number >= 1, got {epochs!r}")
        for _ in range(epochs):
            if go_on is not None and not go_on():
                return
            for group in self.groups:
                group.train_epoch()
            if not self.training:
                return

    def result(self, index: int, outputs: dict[int, np.ndarray] | None = None) -> CopyResult:
        """Copy ``index`` (in the order of the values) as it is now. ``outputs`` keeps each
        group's grid outputs (by ``id``) between calls: one batched probe serves its copies."""
        group, row = self._places[index]
        c = group.copies[row]
        outputs = {} if outputs is None else outputs
        if id(group) not in outputs:
            outputs[id(group)] = group.outputs(self._grid)
        output = outputs[id(group)][row]
        if group.head.name == "sigmoid":
            output = np.concatenate([1.0 - output, output], axis=1)
        elif group.head.name == "identity":
            output = output[:, 0]
        return CopyResult(
            index,
            c.label,
            c.config,
            group.history[row].copy(),
            c.train_metric,
            c.test_metric,
            c.status,
            c.message,
            self.grid_axis,
            output,
            group.state(row),
        )

    def results(self) -> list[CopyResult]:
        """Every copy, in the order of the values."""
        outputs: dict[int, np.ndarray] = {}
        return [self.result(k, outputs) for k in range(len(self))]


# ------------------------------------------------------------------- helpers
def _bind(params: FlatParameters, data: np.ndarray, grad: np.ndarray) -> None:
    """Make ``params`` and its tensors views of ``data`` and ``grad`` (a row of the stack)."""
    data[...] = params.data
    params.data, params.grad = data, grad
    for t, begin, end in zip(params.tensors, params.offsets[:-1], params.offsets[1:]):
        t.data = data[begin:end].reshape(t.shape)
        t.grad = grad[begin:end].reshape(t.shape)


def _leaf(data: np.ndarray, grad: np.ndarray, begin: int, shape: tuple[int, int, int]) -> Tensor:
    """A parameter of every copy at once: (c, rows, cols) views of the stacked buffers."""
    size = shape[1] * shape[2]
    leaf = Tensor(data[:, begin : begin + size].reshape(shape), requires_grad=True)
    leaf.grad = grad[:, begin : begin + size].reshape(shape)  # accumulates in place, as FlatParameters' views do
    return leaf


def _activate(names: list[str], z: Tensor) -> Tensor:
    """Each copy's activation of ``z`` (c, n, h): one op when the copies share it, else
    every distinct one, masked to its copies (1 * a + 0 * b is exactly a)."""
    distinct = list(dict.fromkeys(names))
    if len(distinct) == 1:
        return activate(distinct[0], z)
    total: Tensor | None = None
    for name in distinct:
        mask = np.array([name == other for other in names], dtype=z.dtype).reshape(-1, 1, 1)
        part = activate(name, z) * mask
        total = part if total is None else total + part
    assert total is not None
    return total


def _inputs(trainer: Trainer) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The training and test inputs and targets, as ``trainer`` computes them."""
    ds = trainer.dataset
    F = trainer.features(ds.X) if ds.n else np.zeros((0, len(trainer.config.features)), dtype=trainer.dtype)
    if ds.task == "classification" and trainer.head.name == "softmax":
        y = ds.y.astype(np.int64)
    else:
        y = ds.y.astype(trainer.dtype)
    train = ~ds.is_test
    return F[train], y[train], F[ds.is_test], y[ds.is_test]


def _per_copy_loss(head: str, logits: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Each copy's mean loss (c,) from its logits (c, n, out) and targets (c, n), as the head's loss computes it."""
    n = max(y.shape[1], 1)
    if head == "sigmoid":
        z = logits[:, :, 0]
        per_point = np.logaddexp(0.0, z)
        per_point -= z * y
        return np.asarray(per_point.sum(axis=1) / n)
    if head == "softmax":
        shifted = logits - logits.max(axis=2, keepdims=True)
        total = np.exp(shifted).sum(axis=2)
        picked = np.take_along_axis(shifted, y[:, :, None], axis=2)[:, :, 0]
        return np.asarray((np.log(total) - picked).sum(axis=1) / n)
    diff = logits[:, :, 0] - y
    return np.asarray((diff * diff).sum(axis=1) / n)


def _metric_sums(head: str, logits: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Correct predictions (classification) or squared error (regression) of each copy, summed."""
    if head == "sigmoid":
        return np.asarray(np.count_nonzero((logits[:, :, 0] > 0) == (y > 0.5), axis=1), dtype=np.float64)
    if head == "softmax":
        return np.asarray(np.count_nonzero(logits.argmax(axis=2) == y, axis=1), dtype=np.float64)
    diff = logits[:, :, 0] - y
    return np.asarray((diff * diff).sum(axis=1), dtype=np.float64)


def _finish(head: str, total: float, n: int) -> float:
    if n == 0:
        return math.nan
    return math.sqrt(total / n) if head == "identity" else total / n


def _lr_at(config: TrainingConfig, epoch: int) -> float:
    return nn.Schedule(config.schedule, config.schedule_gamma, config.schedule_every).lr_at(config.lr, epoch)
