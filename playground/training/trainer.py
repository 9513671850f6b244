"""``Trainer``: steps a network through epochs of a dataset, and keeps the books.

One epoch is one pass over the training points in shuffled mini-batches. The
trainer owns the model, the optimiser, the random stream for shuffling and
dropout, and the history. Changes arrive between epochs, as a person expects
while training runs: hyperparameters apply from the next step with the weights
kept; a new architecture rebuilds the network (seeded) and says so.

``step`` trains whole epochs; ``epoch_steps`` trains one epoch a mini-batch at a
time, so that a caller with a long epoch (100,000 points) can answer commands
between mini-batches. Both run the same generator, ``_epoch``. An epoch either
completes or leaves no trace: abandoned half-way, or failing with an error
(``TrainingError``), the trainer is put back exactly where the epoch began.
"""

from __future__ import annotations

import contextvars
import copy
import dataclasses
import math
import numbers
import typing
from collections.abc import Generator
from dataclasses import dataclass
from typing import Any

import numpy as np

from .. import nn
from ..data import Dataset
from ..data.features import Standardizer, compute_features
from ..engine import RecordedSteps, Replay, Tensor, is_grad_enabled, no_grad
from ..nn.regularization import add_penalty_gradient
from .config import TrainingConfig
from .gradient_book import GradientBook
from .history import EpochStats, History
from .numbers import format_number
from .state_copies import WeightsCopy, copy_state, read_only, read_only_state

# Test sets up to this many points have their evaluation's graph recorded and replayed
# (Trainer._evaluate); above it building is a small share of the arithmetic.
EVALUATION_REPLAY_POINTS = 4096


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

    @staticmethod
    def head_output(head: str, out: np.ndarray) -> np.ndarray:
        """``output`` from the head ``head``'s activation ``out``: both class probabilities of a
        sigmoid, the values of a regression (one column), a softmax's probabilities as they are."""
        if head == "sigmoid":
            return np.concatenate([1.0 - out, out], axis=1)
        if head == "identity":
            return out[:, 0]
        return out


@dataclass(frozen=True)
class Snapshot:
    """Everything needed to put a trainer back exactly where it was."""

    epoch: int
    params: np.ndarray
    optimizer: dict[str, Any]
    rng_state: dict[str, Any]
    best_loss: float
    epochs_since_best: int


@dataclass(frozen=True)
class EpochProgress:
    """How far the epoch ``Trainer.epoch_steps`` is training has got.

    ``points`` of the ``total`` training points have been trained on; the last
    item of an epoch carries its ``stats`` (and ``done`` is true).
    """

    points: int
    total: int
    stats: EpochStats | None = None

    @property
    def done(self) -> bool:
        return self.stats is not None


@dataclass(frozen=True)
class Divergence:
    """Why training stopped on non-finite numbers: in ``epoch``, at learning rate ``lr``."""

    epoch: int  # the epoch that failed; the weights are those after epoch - 1
    cause: str  # in words, e.g. "the loss became inf"
    lr: float


@dataclass(frozen=True)
class TrainerState:
    """The whole trainer, for undoing a change of configuration (``Trainer.capture``).

    Unlike a ``Snapshot`` (one network's weights along its own training), this
    holds the network itself: its configuration, weights, optimiser, random
    stream, history, epoch, input standardisation, stop-rule counters and
    status. The arrays are private read-only copies, so one state can be
    restored any number of times.
    """

    config: TrainingConfig
    task: str
    n_classes: int
    params: np.ndarray
    grad: np.ndarray
    optimizer: dict[str, Any]
    optimizer_lr: float
    rng_state: dict[str, Any]
    history: History
    epoch: int
    standardizer: Standardizer | None
    best_loss: float
    epochs_since_best: int
    status: str
    notice: str
    divergence: Divergence | None


class TrainingError(RuntimeError):
    """A failure inside an epoch (an overflow, a corrupt optimiser state, ...).

    The trainer was put back exactly where the epoch began, so it can be shown,
    saved or reset; ``epoch`` is the epoch that failed, ``batch`` its mini-batch
    (1-based) of ``batches``, and ``__cause__`` the original exception.
    """

    def __init__(self, epoch: int, batch: int, batches: int, error: BaseException) -> None:
        self.epoch, self.batch, self.batches, self.error = epoch, batch, batches, error
        detail = str(error) or "no details"
        super().__init__(
            f"training failed in epoch {epoch} (mini-batch {batch} of {batches}): "
            f"{type(error).__name__}: {detail}. The network is as it was after epoch "
            f"{epoch - 1}; change the settings or press Reset."
        )


@dataclass(frozen=True)
class _EpochStart(WeightsCopy):
    """What an epoch changes before it completes, as it was when the epoch began."""

    rng_state: dict[str, Any]


class Trainer:
    """Trains an MLP on a ``Dataset`` according to a ``TrainingConfig``.

    ``step(epochs)`` trains and returns the last epoch's ``EpochStats``;
    ``epoch_steps()`` trains one epoch a mini-batch at a time; ``predict`` and
    ``probe`` evaluate without building a graph; ``history`` holds every epoch.
    ``snapshot``/``restore`` move along one network's training, ``capture``/
    ``restore_state`` swap whole networks (undo of a configuration change), and
    ``set_parameter`` edits one weight or bias by hand.
    """

    def __init__(self, dataset: Dataset, config: TrainingConfig | None = None) -> None:
        if not isinstance(dataset, Dataset):
            raise TypeError(f"Trainer: dataset must be a Dataset, got {type(dataset).__name__}")
        self._dataset = dataset
        self._config = config if config is not None else TrainingConfig()
        if not isinstance(self._config, TrainingConfig):
            raise TypeError(f"Trainer: config must be a TrainingConfig, got {type(config).__name__}")
        self.notice = ""
        self._open_epoch: Generator[EpochProgress, None, EpochStats] | None = None
        self._open_start: _EpochStart | None = None
        self._standardizer: Standardizer | None = None
        self._baseline: float | None = None
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

    @property
    def n_train(self) -> int:
        """The number of training points an epoch passes over."""
        return len(self._F_train)

    def baseline_loss(self) -> float:
        """The training loss of the best constant guess: the class frequencies, or
        the mean target. A network that learned nothing from the inputs scores
        this; doing worse means training is making things worse. NaN without
        training points."""
        if self._baseline is None:
            self._baseline = self._constant_loss()
        return self._baseline

    def _constant_loss(self) -> float:
        y, n = self._y_train, self.n_train
        if n == 0:
            return float("nan")
        if self.head.name == "sigmoid":
            p = min(max(float(np.mean(y)), 1e-12), 1.0 - 1e-12)
            logits = np.full((n, 1), math.log(p / (1.0 - p)))
        elif self.head.name == "softmax":
            share = np.bincount(y, minlength=self._dataset.n_classes) / n
            logits = np.tile(np.log(np.maximum(share, 1e-12)), (n, 1))
        else:
            logits = np.full((n, 1), float(np.mean(y)))
        with no_grad():
            return float(self.head.loss(Tensor(logits.astype(self.model.dtype)), y).item())

    @property
    def in_epoch(self) -> bool:
        """True while an ``epoch_steps`` epoch is under way (begun, neither finished nor abandoned)."""
        return self._open_start is not None

    def set_standardizer(self, standardizer: Standardizer | None) -> None:
        """Use a given standardisation (a loaded session's) instead of fitting one."""
        self._abandon_epoch()
        self._standardizer = standardizer if self._config.standardize else None
        self._prepare_data()

    # ---------------------------------------------------------------- set-up
    def reset(self) -> None:
        """Re-initialise the network (seeded), the optimiser and the history; epoch 0."""
        self._abandon_epoch()
        self._build_network()
        # Shuffling and dropout draw from their own stream, so the initial weights
        # depend on the seed alone.
        self.rng = np.random.default_rng([self._config.seed, 1])
        self.history = History(len(self.model.layers))
        self.epoch = 0
        self.status = "ok"
        self.divergence: Divergence | None = None
        self._best_loss = math.inf
        self._epochs_since_best = 0
        self._standardizer = None
        self._prepare_data()

    def _build_network(self) -> None:
        """The head, the model (initial weights from the seed) and a fresh optimiser for the config."""
        cfg, ds = self._config, self._dataset
        self.head = nn.head_for_task(ds.task, ds.n_classes)
        self.model = nn.MLP(
            len(cfg.features),
            cfg.hidden,
            self.head.n_outputs(ds.n_classes),
            cfg.activations,
            cfg.init,
            seed=cfg.seed,
            dtype=np.dtype(cfg.dtype),
            residual=cfg.residual,
        )
        self.optimizer = nn.make_optimizer(cfg.optimizer, self.model.params, cfg.lr, cfg.momentum, cfg.weight_decay)
        # Where each layer's biases sit in the flat gradient: a unit whose bias gets no
        # gradient in a whole epoch learned nothing from any point (a dead ReLU).
        offsets = self.model.params.offsets
        self._bias_index = np.concatenate(
            [np.arange(offsets[k], offsets[k + 1]) for k in range(1, len(offsets) - 1, 2)]
        )
        self._bias_starts = np.concatenate([[0], np.cumsum(self.model.sizes[1:-1])]).astype(np.intp)
        # The step's graph, recorded per batch shape and replayed (engine/replay.py): a new
        # network or head starts without recordings, and _check_recordings checks they are its own.
        self._recorded = RecordedSteps()
        # The test set's loss graph, recorded too: the epoch's evaluation replays it (forward only).
        self._evaluations = RecordedSteps(limit=2)
        self._recorded_for = (self.model, self.head)
        self._schedule: tuple[TrainingConfig, nn.Schedule] | None = None

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
        self._baseline = None  # computed when first asked for
        self._F_test, self._y_test = F[ds.is_test], targets[ds.is_test]

    def set_config(self, config: TrainingConfig) -> None:
        """Apply a new config from the next step.

        Hyperparameters keep the weights; an architecture change rebuilds the
        network and leaves a note in ``notice`` (and in the next epoch's stats).
        """
        if not isinstance(config, TrainingConfig):
            raise TypeError(f"set_config: expected a TrainingConfig, got {type(config).__name__}")
        self._abandon_epoch()
        old, self._config = self._config, config
        changed = old.architecture_changes(config)
        if changed:
            self.reset()
            self.notice = (
                f"network rebuilt ({', '.join(changed)} changed): weights re-initialised with seed {config.seed}"
            )
            return
        if config.optimizer != old.optimizer:
            # A different optimiser starts with fresh running averages; the weights stay.
            self.optimizer = nn.make_optimizer(
                config.optimizer, self.model.params, config.lr, config.momentum, config.weight_decay
            )
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
        self._abandon_epoch()
        old, self._dataset = self._dataset, dataset
        if (old.task, old.n_classes) != (dataset.task, dataset.n_classes):
            self.reset()
            what = "task" if old.task != dataset.task else "number of classes"
            self.notice = f"network rebuilt ({what} changed): weights re-initialised with seed {self._config.seed}"
            return
        self._prepare_data()

    # -------------------------------------------------------------- training
    def step(self, epochs: int = 1) -> EpochStats:
        """Train ``epochs`` epochs (stopping early on divergence or a stop rule).

        Raises ``TrainingError`` if an epoch fails with an exception; the trainer
        is then as it was before that epoch.
        """
        if isinstance(epochs, bool) or not isinstance(epochs, int) or epochs < 1:
            raise ValueError(f"step: epochs must be a whole number >= 1, got {epochs!r}")
        self._abandon_epoch()
        for _ in range(epochs):
            # Without pauses the epoch yields once, at its end, with its stats.
            stats = typing.cast(EpochStats, next(self._epoch(0)).stats)
            if stats.status != "ok":
                break
        return stats  # epochs >= 1, so the loop ran

    def epoch_steps(self, every: int = 1) -> Generator[EpochProgress, None, EpochStats]:
        """Train one epoch, yielding an ``EpochProgress`` after every mini-batch (after every
        ``every``-th one with ``every`` > 1: a caller whose mini-batches take microseconds need
        not look up after each).

        The last item carries the epoch's stats (``progress.done``), which are
        also the generator's return value (``stats = yield from ...``). Between
        items the caller may read the trainer (``probe``, ``predict`` see the
        weights so far; ``snapshot`` and ``capture`` describe the epoch's start)
        or abandon the epoch with ``close()``: the trainer is then exactly as it
        was before the epoch (weights, gradients, optimiser, random stream,
        counters), as if it had never begun. Changing the trainer (``set_config``,
        ``step``, ``set_parameter``, ...) abandons it the same way. The numbers
        are those of ``step(1)``, bit for bit.
        """
        if isinstance(every, bool) or not isinstance(every, int) or every < 1:
            raise ValueError(f"epoch_steps: every must be a whole number of mini-batches >= 1, got {every!r}")
        self._abandon_epoch()
        run = _in_private_context(self._epoch(every))
        self._open_epoch = run
        return run

    def _abandon_epoch(self) -> None:
        """Roll back an ``epoch_steps`` epoch under way, if any (a change arrives between epochs)."""
        run, self._open_epoch = self._open_epoch, None
        if run is not None:
            run.close()

    def last_stats(self, status: str = "ok", message: str = "") -> EpochStats:
        """The newest epoch's stats from the history (NaNs before the first epoch)."""
        layers = len(self.model.layers)
        if not len(self.history):
            nan = float("nan")
            return EpochStats(
                self.epoch,
                nan,
                nan,
                nan,
                nan,
                self._config.lr,
                np.full(layers, nan),
                np.full(layers, nan),
                self.model.weight_norms(),
                status,
                message,
                np.full(layers, nan),
            )
        h = self.history
        newest = {
            name: float(h.array(name)[-1]) for name in ("train_loss", "test_loss", "train_metric", "test_metric", "lr")
        }
        return EpochStats(
            int(h.array("epoch")[-1]),
            **newest,
            grad_norms=h.array("grad_norms")[-1].copy(),
            bias_grad_norms=h.array("bias_grad_norms")[-1].copy(),
            weight_norms=h.array("weight_norms")[-1].copy(),
            status=status,
            message=message,
            dead_units=h.array("dead_units")[-1].copy(),
        )

    def stats_now(self) -> EpochStats:
        """:meth:`last_stats` with the loss and the metric of the weights as they are now, on the data
        as it is now (NaNs before the first epoch, as there).

        An epoch's training loss is the mean over its mini-batches while the weights moved; once the
        data or a weight is edited between epochs it describes a network and points no longer there
        (a readout of 99.5% beside a plane the edited network paints one colour), so both sets are
        evaluated afresh, as the test set is after every epoch.
        """
        stats = self.last_stats()
        if not len(self.history):
            return stats
        train_loss, train_metric = self._evaluate(self._F_train, self._y_train)
        test_loss, test_metric = self._evaluate(self._F_test, self._y_test)
        return dataclasses.replace(
            stats, train_loss=train_loss, train_metric=train_metric, test_loss=test_loss, test_metric=test_metric
        )

    def _epoch(self, every: int) -> Generator[EpochProgress, None, EpochStats]:
        """One epoch; the last item yielded (and the return value) holds its stats.

        With ``every`` > 0 it also yields after every ``every``-th mini-batch but the last.
        """
        stats = self._refusal()
        if stats is None:
            stats = yield from self._train_epoch(every)
        yield EpochProgress(self.n_train, self.n_train, stats)
        return stats

    def _refusal(self) -> EpochStats | None:
        """The stats of an epoch that must not run (a stop rule, no points), else None."""
        cfg = self._config
        if cfg.max_epochs and self.epoch >= cfg.max_epochs:
            return self._stop(f"reached the epoch limit ({cfg.max_epochs})")
        if cfg.patience and self._epochs_since_best >= cfg.patience:
            # Stopped early stays stopped until the patience changes or a reset.
            return self._stop(
                f"early stopping: no improvement for {cfg.patience} epochs "
                f"(best {format_number(self._best_loss)}); raise the patience or Reset to go on"
            )
        if self.n_train == 0:
            return self._stop("there are no training points to learn from")
        return None

    def _train_epoch(self, every: int) -> Generator[EpochProgress, None, EpochStats]:
        """The mini-batches of one epoch, then its bookkeeping; rolls back unless it completes."""
        cfg = self._config
        n = self.n_train
        batch = min(cfg.batch_size, n)
        batches_total = -(-n // batch)
        lr = self._schedule_of(cfg).lr_at(cfg.lr, self.epoch)
        start = self._open_start = self._mark()
        batches = 0
        try:
            # Overflow on the way to divergence is expected and handled (the weights
            # are restored and the status says so), so numpy need not warn about it.
            with np.errstate(over="ignore", invalid="ignore"):
                self.optimizer.lr = lr
                params = self.model.params
                grad = params.grad
                order = self.rng.permutation(n) if batch < n else None
                self._check_recordings()
                # Per-step bookkeeping in as few numpy calls as the values allow (a call on a
                # tiny array costs 1 to 2 us, as much as the step's arithmetic): the gradients'
                # norms and "got a gradient" are kept by a GradientBook (one call a batch for a
                # small network). A count of correct predictions is exact in any grouping, so
                # classification counts once per epoch from the logits kept; squared errors are
                # summed per batch, in the order the history always used.
                book = GradientBook(params.offsets[:-1], grad.size, grad.dtype, batches_total)
                counting = self.head.name != "identity"
                epoch_logits = np.empty((n, self.model.n_out), dtype=self.model.dtype) if counting else None
                penalised = bool(cfg.l1 or cfg.l2)
                loss_sum = metric_sum = 0.0
                replays: dict[int, Replay | None] = {}  # this epoch's recordings by batch size
                for begin in range(0, n, batch):
                    grad.fill(0.0)  # zero_grad, without two calls to get here
                    loss, replay, yb = self._batch_loss(order, begin, batch, cfg.dropout, replays)
                    value = float(loss.data)
                    if not math.isfinite(value):
                        return self._diverged(start, f"the loss became {format_number(value)}", lr)
                    if replay is None:
                        loss.backward()
                    else:
                        replay.backward()
                    logits = loss.parents[0].data
                    book.add(grad)  # before the penalty's gradient: the data's own
                    if penalised:
                        add_penalty_gradient(params, cfg.l1, cfg.l2)
                    self.optimizer.step()
                    loss_sum += value * len(yb)
                    if epoch_logits is None:
                        metric_sum += self._metric_sum(logits, yb)
                    else:
                        epoch_logits[begin : begin + batch] = logits
                    batches += 1
                    if every and batches < batches_total and not batches % every:
                        yield EpochProgress(begin + batch, n)

                weight_norms = self.model.weight_norms()
                if not np.all(np.isfinite(weight_norms)):
                    return self._diverged(start, "a weight became NaN or infinite", lr)
                if epoch_logits is not None:
                    metric_sum = self._metric_sum(
                        epoch_logits, self._y_train if order is None else self._y_train[order]
                    )
                norm_sum = book.norm_sums()
                train_loss = loss_sum / n
                train_metric = self._finish_metric(metric_sum, n)
                test_loss, test_metric = self._evaluate(self._F_test, self._y_test)
                dead = np.add.reduceat(~book.alive()[self._bias_index], self._bias_starts).astype(np.float64)
        except Exception as error:
            self._rollback(start)
            raise TrainingError(self.epoch + 1, min(batches + 1, batches_total), batches_total, error) from error
        except BaseException:
            # Abandoned (GeneratorExit from close()) or interrupted (Ctrl+C): leave no trace.
            self._rollback(start)
            raise
        finally:
            self._open_start = None
        # Only bookkeeping from here on, so an epoch either completes or rolls back whole.
        self.epoch += 1
        stats = EpochStats(
            self.epoch,
            train_loss,
            test_loss,
            train_metric,
            test_metric,
            lr,
            norm_sum[:, 0] / batches,
            norm_sum[:, 1] / batches,
            weight_norms,
            "ok",
            self.notice,
            dead,
        )
        self.notice = ""
        self.divergence = None
        self.history.append(stats)
        self.status = "ok"
        return self._apply_stop_rules(stats)

    def _check_recordings(self) -> None:
        """Forget the recorded steps and evaluations if the model or head was swapped since
        they were recorded."""
        if self._recorded_for[0] is not self.model or self._recorded_for[1] is not self.head:
            self._recorded.clear()
            self._evaluations.clear()
            self._recorded_for = (self.model, self.head)

    def _schedule_of(self, config: TrainingConfig) -> nn.Schedule:
        """The learning-rate schedule ``config`` asks for, made once per config (a Schedule
        checks its fields when made, which cost more than the rest of an epoch's set-up)."""
        kept = self._schedule
        if kept is None or kept[0] is not config:
            kept = self._schedule = (config, nn.Schedule(config.schedule, config.schedule_gamma, config.schedule_every))
        return kept[1]

    def _batch_loss(
        self,
        order: np.ndarray | None,
        begin: int,
        batch: int,
        dropout: float,
        replays: dict[int, Replay | None],
    ) -> tuple[Tensor, Replay | None, np.ndarray]:
        """The loss of the mini-batch at ``begin`` of ``order`` (None: the whole training
        set), the recording that computed it if any, and the batch's targets.

        A batch of a shape seen before replays that step's recorded graph (no new nodes),
        its rows taken straight into the recording's buffers; otherwise the graph is
        built and recorded, on private copies of the rows. Dropout draws new masks
        every step, so it always builds. ``replays`` keeps the epoch's recordings by
        batch size: nothing an epoch runs replaces the arrays a recording holds (a
        change to the trainer abandons the epoch first), so each is looked up once.
        """
        F, y = self._F_train, self._y_train
        rows = None if order is None else order[begin : begin + batch]
        count = len(F) if rows is None else len(rows)
        if not dropout:
            if count in replays:
                replay = replays[count]
            else:
                layouts = (((count, F.shape[1]), F.dtype), ((count, *y.shape[1:]), y.dtype))
                replay = replays[count] = self._recorded.find_for(*layouts)
            if replay is not None:
                xf, yf = replay.feeds
                if rows is None:
                    np.copyto(xf, F)
                    np.copyto(yf, y)
                else:
                    # The method, not np.take (a Python wrapper); "clip": no checking copy, the rows are valid.
                    F.take(rows, axis=0, out=xf, mode="clip")
                    y.take(rows, axis=0, out=yf, mode="clip")
                return replay.recompute(), replay, yf
        if rows is not None:
            xb, yb = F[rows], y[rows]
        else:  # the whole set: a recording's buffers must be its own, not the trainer's arrays
            xb, yb = (F, y) if dropout else (F.copy(), y.copy())
        batch_input = Tensor(xb)
        loss = self.head.loss(self.model(batch_input, dropout=dropout, rng=self.rng), yb)
        if not dropout:
            replays[count] = self._recorded.record(loss, (batch_input.data, yb))
        return loss, None, yb

    def _mark(self) -> _EpochStart:
        """Copies of what an epoch changes before it completes."""
        params = self.model.params
        return _EpochStart(
            params.copy_data(),
            params.grad.copy(),
            self.optimizer.state_dict(),
            self.optimizer.lr,
            dict(self.rng.bit_generator.state),
        )

    def _last_whole_epoch(self) -> _EpochStart:
        """Copies of the weights, optimiser and random state after the last completed
        epoch: now, or at the start of an ``epoch_steps`` epoch under way."""
        start = self._open_start
        if start is None:
            return self._mark()
        return _EpochStart(
            start.params.copy(),
            start.grad.copy(),
            copy_state(start.optimizer),
            start.optimizer_lr,
            copy.deepcopy(start.rng_state),
        )

    def _rollback(self, start: _EpochStart) -> None:
        """Put back what ``_mark`` copied (the counters only change once an epoch completes)."""
        self._restore_weights(start)
        self.rng.bit_generator.state = start.rng_state

    def _restore_weights(self, start: WeightsCopy) -> None:
        self.model.params.load_data(start.params)
        np.copyto(self.model.params.grad, start.grad)
        self.optimizer.load_state_dict(copy_state(start.optimizer))
        self.optimizer.lr = start.optimizer_lr

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
        """Loss and metric of the current weights on (F, y); NaNs if there are no points.

        Up to ``EVALUATION_REPLAY_POINTS`` points, the loss's graph is recorded the first
        time and replayed after that (forward only: no new nodes; the same ops, so the
        same numbers as a fresh evaluation, bit for bit). Above it, building costs little
        next to the arithmetic, and a recording would keep every layer's values for all
        the points alive between epochs.
        """
        if len(F) == 0:
            return float("nan"), float("nan")
        replayable = len(F) <= EVALUATION_REPLAY_POINTS and is_grad_enabled()
        # Weights on their way to diverging may overflow here too; the stats then say so.
        with np.errstate(over="ignore", invalid="ignore"):
            replay = self._evaluations.find(F, y) if replayable else None
            if replay is not None:
                loss = replay.forward(F, y, check=False)
                logits = loss.parents[0].data
            elif replayable:
                # Recorded on private copies: a recording's buffers are overwritten by its feeds.
                inputs, targets = Tensor(F.copy()), y.copy()
                loss = self.head.loss(self.model(inputs), targets)
                self._evaluations.record(loss, (inputs.data, targets))
                logits = loss.parents[0].data
            else:
                with no_grad():
                    output = self.model(Tensor(F))
                    loss = self.head.loss(output, y)
                logits = output.data
        return float(loss.data), self._finish_metric(self._metric_sum(logits, y), len(F))

    def _apply_stop_rules(self, stats: EpochStats) -> EpochStats:
        """Early stopping on the test loss (train loss without test points), and the epoch limit."""
        cfg = self._config
        self._best_loss, self._epochs_since_best = early_stopping_counters(
            stats, self._best_loss, self._epochs_since_best
        )
        if cfg.patience and self._epochs_since_best >= cfg.patience:
            reason = (
                f"early stopping: the {'test' if math.isfinite(stats.test_loss) else 'training'} "
                f"loss has not improved for {cfg.patience} epochs (best {format_number(self._best_loss)})"
            )
        elif cfg.max_epochs and self.epoch >= cfg.max_epochs:
            reason = f"reached the epoch limit ({cfg.max_epochs})"
        else:
            return stats
        self.status = "stopped"
        return dataclasses.replace(stats, status="stopped", message=_join(stats.message, reason))

    def _stop(self, reason: str) -> EpochStats:
        self.status = "stopped"
        return self.last_stats("stopped", reason)

    def _diverged(self, start: _EpochStart, cause: str, lr: float) -> EpochStats:
        """Put back the last finite weights and report what happened and what helps.

        The random stream stays where the failed epoch left it, so pressing Step
        again tries other mini-batches (as it always has).
        """
        self._restore_weights(start)
        self.status = "diverged"
        self.divergence = Divergence(self.epoch + 1, cause, lr)
        message = (
            f"training diverged in epoch {self.epoch + 1}: {cause}. The weights were "
            f"restored to epoch {self.epoch}. Lower the learning rate (now "
            f"{format_number(lr)}) or press Reset."
        )
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

    def probe(self, X: np.ndarray, model: nn.MLP | None = None) -> Probe:
        """Every layer's ``z`` and ``a`` for points ``X``, in one pass with no graph.

        One probe over a grid gives the output map and every neuron's map at once.
        ``model`` evaluates a twin of the network instead (the same layers and weights
        in another dtype: the frame's float32 grid probe, ``probes.grid_probe``).
        """
        model = self.model if model is None else model
        F = self.features(X).astype(model.dtype, copy=False)
        trace: list[nn.LayerTrace] = []
        # Weights on their way to diverging may overflow here; the plots show NaN as
        # background, so numpy need not warn.
        with no_grad(), np.errstate(over="ignore", invalid="ignore"):
            model(Tensor(F), trace=trace)
            out = self.head.activate(trace[-1].z.data)
        z = [t.z.data for t in trace]
        a = [t.a.data for t in trace[:-1]]
        a.append(out)
        return Probe(F, z, a, Probe.head_output(self.head.name, out))

    # -------------------------------------------------------------- snapshots
    def snapshot(self) -> Snapshot:
        """A copy of the parameters, optimiser state, random state and stop-rule counters.

        During an ``epoch_steps`` epoch it describes the epoch's start (the last
        completed epoch), so that what is saved is always a whole epoch.
        """
        if self._open_start is None:  # the usual case (the timeline takes one every epoch): no gradient to copy
            params = self.model.params.copy_data()
            optimizer = self.optimizer.state_dict()
            rng_state = dict(self.rng.bit_generator.state)
        else:
            now = self._last_whole_epoch()
            params, optimizer, rng_state = now.params, now.optimizer, now.rng_state
        return Snapshot(self.epoch, params, optimizer, rng_state, self._best_loss, self._epochs_since_best)

    def restore(self, snapshot: Snapshot) -> None:
        """Put the trainer back exactly as it was at ``snapshot``; later history is dropped."""
        if snapshot.params.shape != self.model.params.data.shape:
            raise ValueError(
                f"restore: the snapshot has {snapshot.params.size} parameters, "
                f"this network has {self.model.params.size}"
            )
        if snapshot.epoch > len(self.history):
            raise ValueError(
                f"restore: snapshot epoch {snapshot.epoch} is beyond the history ({len(self.history)} epochs)"
            )
        self._abandon_epoch()
        self.model.params.load_data(snapshot.params)
        self.optimizer.load_state_dict(copy_state(snapshot.optimizer))
        self.rng.bit_generator.state = snapshot.rng_state
        self.epoch = snapshot.epoch
        self._best_loss, self._epochs_since_best = snapshot.best_loss, snapshot.epochs_since_best
        self.history.truncate(snapshot.epoch)
        self.status = "ok"
        self.divergence = None

    def capture(self) -> TrainerState:
        """The whole trainer as a ``TrainerState``, for ``restore_state`` (undo of a config change).

        Deep copies: training on changes nothing in the state. During an
        ``epoch_steps`` epoch it describes the epoch's start.
        """
        now = self._last_whole_epoch()
        return TrainerState(
            config=self._config,
            task=self._dataset.task,
            n_classes=self._dataset.n_classes,
            params=read_only(now.params),
            grad=read_only(now.grad),
            optimizer=read_only_state(now.optimizer),
            optimizer_lr=now.optimizer_lr,
            rng_state=now.rng_state,
            history=self.history.copy(),
            epoch=self.epoch,
            standardizer=copy.deepcopy(self._standardizer),
            best_loss=self._best_loss,
            epochs_since_best=self._epochs_since_best,
            status=self.status,
            notice=self.notice,
            divergence=self.divergence,
        )

    def restore_state(self, state: TrainerState) -> None:
        """Bring back everything ``capture`` recorded: the network's architecture and
        weights, optimiser, random stream, history, epoch, standardisation, counters.

        The dataset stays the current one; it must have the task and number of
        classes the state's network was built for (ValueError otherwise, and
        nothing changes). Continuing then trains exactly as the captured trainer
        would have.
        """
        if not isinstance(state, TrainerState):
            raise TypeError(f"restore_state: expected a TrainerState, got {type(state).__name__}")
        ds = self._dataset
        if (state.task, state.n_classes) != (ds.task, ds.n_classes):
            raise ValueError(
                f"restore_state: the state's network is for {state.task} with "
                f"{state.n_classes} classes, the dataset is {ds.task} with {ds.n_classes}"
            )
        cfg = state.config
        sizes = [len(cfg.features), *cfg.hidden, nn.head_for_task(ds.task, ds.n_classes).n_outputs(ds.n_classes)]
        expected = sum(a * b + b for a, b in zip(sizes[:-1], sizes[1:]))
        if state.params.shape != (expected,):
            raise ValueError(
                f"restore_state: the state has {state.params.size} parameters, its configuration needs {expected}"
            )
        self._abandon_epoch()
        self._config = cfg
        self._build_network()
        self._restore_weights(WeightsCopy(state.params, state.grad, dict(state.optimizer), state.optimizer_lr))
        self.rng = np.random.default_rng()
        self.rng.bit_generator.state = copy.deepcopy(state.rng_state)
        self.history = state.history.copy()
        self.epoch = state.epoch
        self._best_loss, self._epochs_since_best = state.best_loss, state.epochs_since_best
        self.status, self.notice, self.divergence = state.status, state.notice, state.divergence
        self._standardizer = copy.deepcopy(state.standardizer)
        self._prepare_data()

    # ------------------------------------------------------------ hand edits
    def set_parameter(self, layer: int, kind: str, index: int | tuple[int, int], value: float) -> float:
        """Set one weight or bias of the network by hand; returns the value it had.

        ``layer`` counts weight layers from 0 (the first hidden layer) to the
        output layer, as the history's per-layer columns do. ``kind`` "weight"
        takes ``index`` ``(i, j)``, the weight from input (or unit) ``i`` of the
        layer below to unit ``j``; "bias" takes ``index`` ``j``. A bad kind, a
        layer or index out of range, or a value that is not a finite number in
        the network's dtype is a ValueError naming it, and nothing changes. The
        optimiser's running averages and the history are kept.
        """
        layers = self.model.layers
        if isinstance(layer, bool) or not isinstance(layer, (int, np.integer)) or not 0 <= layer < len(layers):
            raise ValueError(
                f"set_parameter: layer must be a whole number in 0..{len(layers) - 1} "
                f"(0 = first hidden layer, {len(layers) - 1} = output), got {layer!r}"
            )
        target = layers[int(layer)]
        where: tuple[int, ...]
        if kind == "weight":
            if not isinstance(index, (tuple, list)) or len(index) != 2:
                raise ValueError(f"set_parameter: a weight's index is a pair (i, j), got {index!r}")
            i = _check_index("i", index[0], target.n_in, layer)
            j = _check_index("j", index[1], target.n_out, layer)
            tensor, where = target.W, (i, j)
        elif kind == "bias":
            tensor, where = target.b, (_check_index("j", index, target.n_out, layer),)
        else:
            raise ValueError(f"set_parameter: kind must be 'weight' or 'bias', got {kind!r}")
        if isinstance(value, bool) or not isinstance(value, numbers.Real):
            raise ValueError(f"set_parameter: value must be a number, got {value!r}")
        try:
            with np.errstate(over="ignore"):
                cast = np.asarray(value, dtype=self.model.dtype)
        except OverflowError:  # a whole number beyond any float, such as 10**400
            cast = np.asarray(np.inf)
        if not np.isfinite(cast):
            raise ValueError(
                f"set_parameter: value must be a finite {self.model.dtype} number, got {format_number(value)}"
            )
        self._abandon_epoch()
        old = float(tensor.data[where])
        tensor.data[where] = cast  # a view into the flat buffer the optimiser updates
        return old


def _check_index(name: str, value: object, size: int, layer: int) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or not 0 <= value < size:
        raise ValueError(
            f"set_parameter: index {name} must be a whole number in 0..{size - 1} for layer {layer}, got {value!r}"
        )
    return int(value)


def _in_private_context(run: Generator[EpochProgress, None, EpochStats]) -> Generator[EpochProgress, None, EpochStats]:
    """Drive ``run`` in a context of its own, so that settings it makes (numpy's
    error state) while suspended never reach the code between its items."""
    context = contextvars.copy_context()
    try:
        while True:
            try:
                item = context.run(next, run)
            except StopIteration as end:
                stats: EpochStats = end.value
                return stats
            yield item
    finally:
        context.run(run.close)


def early_stopping_counters(stats: EpochStats, best_loss: float, epochs_since_best: int) -> tuple[float, int]:
    """Early stopping's counters after the epoch of ``stats``: the best loss watched so far
    and the epochs since it. The test loss is watched; without test points, the training loss."""
    watched = stats.test_loss if math.isfinite(stats.test_loss) else stats.train_loss
    if watched < best_loss:
        return watched, 0
    return best_loss, epochs_since_best + 1


def _join(first: str, second: str) -> str:
    return f"{first}; {second}" if first else second
