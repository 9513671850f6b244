"""``Trainer``: steps a network through epochs of a dataset, and keeps the books.

One epoch is one pass over the training points in shuffled mini-batches. The
trainer owns the model, the optimiser, the random stream for shuffling and
dropout, and the history. Changes arrive between epochs, as a person expects
while training runs: hyperparameters apply from the next step with the weights
kept; a new architecture rebuilds the network (seeded) and says so.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from .. import nn
from ..data import Dataset
from ..data.features import Standardizer, compute_features
from ..engine import Tensor, no_grad
from ..nn.regularization import add_penalty_gradient
from .config import TrainingConfig
from .history import EpochStats, History


@dataclass(frozen=True)
class Probe:
    """Every layer's values for a batch of points, from one forward pass.

    ``inputs`` is what the network sees (features, standardised if asked);
    ``z[l]`` and ``a[l]`` are layer ``l``'s pre-activation and activation, hidden
    layers first and the output last, where ``a`` is the head's output
    (sigmoid probability, softmax probabilities or the regression value).
    """

    inputs: np.ndarray
    z: list[np.ndarray]
    a: list[np.ndarray]
    output: np.ndarray


@dataclass(frozen=True)
class Snapshot:
    """Everything needed to put a trainer back exactly where it was."""

    epoch: int
    params: np.ndarray
    optimizer: dict[str, Any]
    rng_state: dict[str, Any]
    best_loss: float
    epochs_since_best: int


class Trainer:
    """Trains an MLP on a ``Dataset`` according to a ``TrainingConfig``.

    ``step(epochs)`` trains and returns the last epoch's ``EpochStats``;
    ``predict`` and ``probe`` evaluate without building a graph; ``history``
    holds every epoch.
    """

    def __init__(self, dataset: Dataset, config: TrainingConfig | None = None) -> None:
        if not isinstance(dataset, Dataset):
            raise TypeError(f"Trainer: dataset must be a Dataset, got {type(dataset).__name__}")
        self._dataset = dataset
        self._config = config if config is not None else TrainingConfig()
        if not isinstance(self._config, TrainingConfig):
            raise TypeError(f"Trainer: config must be a TrainingConfig, got {type(config).__name__}")
        self.notice = ""
        self.reset()

    # ------------------------------------------------------------ properties
    @property
    def dataset(self) -> Dataset:
        return self._dataset

    @property
    def config(self) -> TrainingConfig:
        return self._config

    @property
    def dtype(self) -> np.dtype:
        return self.model.dtype

    @property
    def standardizer(self) -> Standardizer | None:
        """The input standardisation in use (None when the config does not standardise)."""
        return self._standardizer

    def set_standardizer(self, standardizer: Standardizer | None) -> None:
        """Use a given standardisation (a loaded session's) instead of fitting one."""
        self._standardizer = standardizer if self._config.standardize else None
        self._prepare_data()

    # ---------------------------------------------------------------- set-up
    def reset(self) -> None:
        """Re-initialise the network (seeded), the optimiser and the history; epoch 0."""
        cfg, ds = self._config, self._dataset
        self.head = nn.head_for_task(ds.task, ds.n_classes)
        self.model = nn.MLP(len(cfg.features), cfg.hidden, self.head.n_outputs(ds.n_classes),
                            cfg.activations, cfg.init, seed=cfg.seed, dtype=np.dtype(cfg.dtype))
        self.optimizer = nn.make_optimizer(cfg.optimizer, self.model.params, cfg.lr,
                                           cfg.momentum, cfg.weight_decay)
        # Shuffling and dropout draw from their own stream, so the initial weights
        # depend on the seed alone.
        self.rng = np.random.default_rng([cfg.seed, 1])
        self.history = History(len(self.model.layers))
        self.epoch = 0
        self.status = "ok"
        self._best_loss = math.inf
        self._epochs_since_best = 0
        self._standardizer: Standardizer | None = None
        self._prepare_data()

    def _prepare_data(self) -> None:
        """Compute the training and test inputs once per dataset or feature change."""
        cfg, ds = self._config, self._dataset
        F = compute_features(ds.X, cfg.features)
        if cfg.standardize:
            # Fitted once per network, on the training points, so that adding a
            # point does not shift the whole input mapping under the weights.
            if self._standardizer is None and len(ds.X_train):
                self._standardizer = Standardizer.fit(compute_features(ds.X_train, cfg.features))
            if self._standardizer is not None:
                F = self._standardizer.transform(F)
        F = F.astype(self.model.dtype)
        if ds.task == "classification":
            targets = ds.y.astype(self.model.dtype) if self.head.name == "sigmoid" else ds.y.astype(np.int64)
        else:
            targets = ds.y.astype(self.model.dtype)
        train = ~ds.is_test
        self._F_train, self._y_train = F[train], targets[train]
        self._F_test, self._y_test = F[ds.is_test], targets[ds.is_test]

    def set_config(self, config: TrainingConfig) -> None:
        """Apply a new config from the next step.

        Hyperparameters keep the weights; an architecture change rebuilds the
        network and leaves a note in ``notice`` (and in the next epoch's stats).
        """
        if not isinstance(config, TrainingConfig):
            raise TypeError(f"set_config: expected a TrainingConfig, got {type(config).__name__}")
        old, self._config = self._config, config
        changed = old.architecture_changes(config)
        if changed:
            self.reset()
            self.notice = (f"network rebuilt ({', '.join(changed)} changed): weights "
                           f"re-initialised with seed {config.seed}")
            return
        if config.optimizer != old.optimizer:
            # A different optimiser starts with fresh running averages; the weights stay.
            self.optimizer = nn.make_optimizer(config.optimizer, self.model.params, config.lr,
                                               config.momentum, config.weight_decay)
        else:
            self.optimizer.lr = config.lr
            self.optimizer.weight_decay = config.weight_decay
            if isinstance(self.optimizer, nn.SGD) and config.optimizer != "sgd":
                self.optimizer.momentum = config.momentum

    def set_dataset(self, dataset: Dataset) -> None:
        """Train on ``dataset`` from the next epoch on.

        A change of task or of the number of classes changes the output layer, so
        the network is rebuilt (with a note); otherwise the weights are kept.
        """
        if not isinstance(dataset, Dataset):
            raise TypeError(f"set_dataset: expected a Dataset, got {type(dataset).__name__}")
        old, self._dataset = self._dataset, dataset
        if (old.task, old.n_classes) != (dataset.task, dataset.n_classes):
            self.reset()
            what = "task" if old.task != dataset.task else "number of classes"
            self.notice = f"network rebuilt ({what} changed): weights re-initialised with seed {self._config.seed}"
            return
        self._prepare_data()

    # -------------------------------------------------------------- training
    def step(self, epochs: int = 1) -> EpochStats:
        """Train ``epochs`` epochs (stopping early on divergence or a stop rule)."""
        if isinstance(epochs, bool) or not isinstance(epochs, int) or epochs < 1:
            raise ValueError(f"step: epochs must be a whole number >= 1, got {epochs!r}")
        # Overflow on the way to divergence is expected and handled (the weights are
        # restored and the status says so), so numpy need not warn about it.
        with np.errstate(over="ignore", invalid="ignore"):
            for _ in range(epochs):
                stats = self._run_epoch()
                if stats.status != "ok":
                    break
        return stats  # epochs >= 1, so the loop ran

    def last_stats(self, status: str = "ok", message: str = "") -> EpochStats:
        """The newest epoch's stats from the history (NaNs before the first epoch)."""
        layers = len(self.model.layers)
        if not len(self.history):
            nan = float("nan")
            return EpochStats(self.epoch, nan, nan, nan, nan, self._config.lr, np.full(layers, nan),
                              np.full(layers, nan), self.model.weight_norms(), status, message)
        h = self.history
        return EpochStats(int(h.array("epoch")[-1]), *(float(h.array(name)[-1]) for name in
                          ("train_loss", "test_loss", "train_metric", "test_metric", "lr")),
                          h.array("grad_norms")[-1].copy(), h.array("bias_grad_norms")[-1].copy(),
                          h.array("weight_norms")[-1].copy(), status, message)

    def _run_epoch(self) -> EpochStats:
        cfg = self._config
        if cfg.max_epochs and self.epoch >= cfg.max_epochs:
            return self._stop(f"reached the epoch limit ({cfg.max_epochs})")
        if cfg.patience and self._epochs_since_best >= cfg.patience:
            # Stopped early stays stopped until the patience changes or a reset.
            return self._stop(f"early stopping: no improvement for {cfg.patience} epochs "
                              f"(best {self._best_loss:.4g}); raise the patience or Reset to go on")
        n = len(self._F_train)
        if n == 0:
            return self._stop("there are no training points to learn from")
        lr = nn.Schedule(cfg.schedule, cfg.schedule_gamma, cfg.schedule_every).lr_at(cfg.lr, self.epoch)
        self.optimizer.lr = lr
        params = self.model.params
        before, optimizer_before = params.copy_data(), self.optimizer.state_dict()

        batch = min(cfg.batch_size, n)
        order = self.rng.permutation(n) if batch < n else None
        layers = len(self.model.layers)
        grad_sum, bias_grad_sum = np.zeros(layers), np.zeros(layers)
        loss_sum = metric_sum = 0.0
        batches = 0
        for start in range(0, n, batch):
            if order is None:
                xb, yb = self._F_train, self._y_train
            else:
                rows = order[start:start + batch]
                xb, yb = self._F_train[rows], self._y_train[rows]
            self.model.zero_grad()
            logits = self.model(Tensor(xb), dropout=cfg.dropout, rng=self.rng)
            loss = self.head.loss(logits, yb)
            value = loss.item()
            if not math.isfinite(value):
                return self._diverged(before, optimizer_before, f"the loss became {value}", lr)
            loss.backward()
            norms = self.model.grad_norms()
            grad_sum += norms[:, 0]
            bias_grad_sum += norms[:, 1]
            add_penalty_gradient(params, cfg.l1, cfg.l2)
            self.optimizer.step()
            loss_sum += value * len(xb)
            metric_sum += self._metric_sum(logits.data, yb)
            batches += 1

        weight_norms = self.model.weight_norms()
        if not np.all(np.isfinite(weight_norms)):
            return self._diverged(before, optimizer_before, "a weight became NaN or infinite", lr)
        self.epoch += 1
        train_loss = loss_sum / n
        train_metric = self._finish_metric(metric_sum, n)
        test_loss, test_metric = self._evaluate(self._F_test, self._y_test)
        stats = EpochStats(self.epoch, train_loss, test_loss, train_metric, test_metric, lr,
                           grad_sum / batches, bias_grad_sum / batches, weight_norms,
                           "ok", self.notice)
        self.notice = ""
        self.history.append(stats)
        self.status = "ok"
        return self._apply_stop_rules(stats)

    def _metric_sum(self, logits: np.ndarray, y: np.ndarray) -> float:
        """Correct predictions (classification) or squared error (regression), summed."""
        if self.head.name == "sigmoid":
            return float(np.count_nonzero((logits[:, 0] > 0) == (y > 0.5)))
        if self.head.name == "softmax":
            return float(np.count_nonzero(logits.argmax(axis=1) == y))
        diff = logits[:, 0] - y
        return float(diff @ diff)

    def _finish_metric(self, total: float, n: int) -> float:
        """Accuracy (fraction) or RMSE from a ``_metric_sum`` over ``n`` points."""
        if n == 0:
            return float("nan")
        return math.sqrt(total / n) if self.head.name == "identity" else total / n

    def _evaluate(self, F: np.ndarray, y: np.ndarray) -> tuple[float, float]:
        """Loss and metric of the current weights on (F, y); NaNs if there are no points."""
        if len(F) == 0:
            return float("nan"), float("nan")
        with no_grad():
            logits = self.model(Tensor(F))
            loss = self.head.loss(logits, y).item()
        return loss, self._finish_metric(self._metric_sum(logits.data, y), len(F))

    def _apply_stop_rules(self, stats: EpochStats) -> EpochStats:
        """Early stopping on the test loss (train loss without test points), and the epoch limit."""
        cfg = self._config
        watched = stats.test_loss if math.isfinite(stats.test_loss) else stats.train_loss
        if watched < self._best_loss:
            self._best_loss, self._epochs_since_best = watched, 0
        else:
            self._epochs_since_best += 1
        if cfg.patience and self._epochs_since_best >= cfg.patience:
            reason = (f"early stopping: the {'test' if math.isfinite(stats.test_loss) else 'training'} "
                      f"loss has not improved for {cfg.patience} epochs (best {self._best_loss:.4g})")
        elif cfg.max_epochs and self.epoch >= cfg.max_epochs:
            reason = f"reached the epoch limit ({cfg.max_epochs})"
        else:
            return stats
        self.status = "stopped"
        return dataclasses.replace(stats, status="stopped", message=_join(stats.message, reason))

    def _stop(self, reason: str) -> EpochStats:
        self.status = "stopped"
        return self.last_stats("stopped", reason)

    def _diverged(self, params: np.ndarray, optimizer_state: dict[str, Any], cause: str,
                  lr: float) -> EpochStats:
        """Put back the last finite weights and report what happened and what helps."""
        self.model.params.load_data(params)
        self.optimizer.load_state_dict(optimizer_state)
        self.status = "diverged"
        message = (f"training diverged in epoch {self.epoch + 1}: {cause}. The weights were "
                   f"restored to epoch {self.epoch}. Lower the learning rate (now {lr:g}) or press Reset.")
        return self.last_stats("diverged", message)

    # ------------------------------------------------------------ evaluation
    def features(self, X: np.ndarray) -> np.ndarray:
        """The network's input for points ``X`` (n, 2): features, standardised if configured."""
        X = np.asarray(X, dtype=np.float64)
        if X.ndim != 2 or X.shape[1] != 2:
            raise ValueError(f"expected points of shape (n, 2), got {X.shape}")
        F = compute_features(X, self._config.features)
        if self._standardizer is not None:
            F = self._standardizer.transform(F)
        return F.astype(self.model.dtype)

    def predict(self, X: np.ndarray) -> np.ndarray:
        """Class probabilities (n, k), or regression values (n,), for points ``X`` (n, 2)."""
        return self.probe(X).output

    def probe(self, X: np.ndarray) -> Probe:
        """Every layer's ``z`` and ``a`` for points ``X``, in one pass with no graph.

        One probe over a grid gives the output map and every neuron's map at once.
        """
        F = self.features(X)
        trace: list[nn.LayerTrace] = []
        # Weights on their way to diverging may overflow here; the plots show NaN as
        # background, so numpy need not warn.
        with no_grad(), np.errstate(over="ignore", invalid="ignore"):
            self.model(Tensor(F), trace=trace)
            out = self.head.activate(trace[-1].z.data)
        z = [t.z.data for t in trace]
        a = [t.a.data for t in trace[:-1]]
        a.append(out)
        if self.head.name == "sigmoid":
            output = np.concatenate([1.0 - out, out], axis=1)
        elif self.head.name == "identity":
            output = out[:, 0]
        else:
            output = out
        return Probe(F, z, a, output)

    # -------------------------------------------------------------- snapshots
    def snapshot(self) -> Snapshot:
        """A copy of the parameters, optimiser state, random state and stop-rule counters."""
        return Snapshot(self.epoch, self.model.params.copy_data(), _copy_state(self.optimizer.state_dict()),
                        self.rng.bit_generator.state, self._best_loss, self._epochs_since_best)

    def restore(self, snapshot: Snapshot) -> None:
        """Put the trainer back exactly as it was at ``snapshot``; later history is dropped."""
        if snapshot.params.shape != self.model.params.data.shape:
            raise ValueError(f"restore: the snapshot has {snapshot.params.size} parameters, "
                             f"this network has {self.model.params.size}")
        if snapshot.epoch > len(self.history):
            raise ValueError(f"restore: snapshot epoch {snapshot.epoch} is beyond the history "
                             f"({len(self.history)} epochs)")
        self.model.params.load_data(snapshot.params)
        self.optimizer.load_state_dict(_copy_state(snapshot.optimizer))
        self.rng.bit_generator.state = snapshot.rng_state
        self.epoch = snapshot.epoch
        self._best_loss, self._epochs_since_best = snapshot.best_loss, snapshot.epochs_since_best
        self.history.truncate(snapshot.epoch)
        self.status = "ok"


def _copy_state(state: dict[str, Any]) -> dict[str, Any]:
    return {key: value.copy() if isinstance(value, np.ndarray) else value for key, value in state.items()}


def _join(first: str, second: str) -> str:
    return f"{first}; {second}" if first else second
