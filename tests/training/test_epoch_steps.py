"""Training a mini-batch at a time: ``Trainer.epoch_steps``, rollback of an abandoned
epoch, errors inside an epoch, and ``step`` against numbers saved before the rework."""

from __future__ import annotations

import numpy as np
import pytest
from step_reference import REFERENCE, RUNS, run

from playground.data import make_dataset
from playground.training import Trainer, TrainingConfig
from playground.training.history import PER_LAYER, SCALARS
from playground.training.trainer import EpochProgress, TrainingError

WINDOW_CONFIG = TrainingConfig(hidden=(16, 16), activation="tanh", optimizer="adam", lr=0.03, batch_size=32, seed=0)


@pytest.fixture(scope="module")
def spiral():
    return make_dataset("spiral", n=300, noise=0.1, seed=0, test_fraction=0.3)


def fingerprint(tr: Trainer) -> dict[str, object]:
    """Everything an epoch may touch, copied."""
    return {
        "params": tr.model.params.data.copy(),
        "grad": tr.model.params.grad.copy(),
        "optimizer": {k: np.copy(v) for k, v in tr.optimizer.state_dict().items()},
        "optimizer_lr": tr.optimizer.lr,
        "rng": tr.rng.bit_generator.state,
        "epoch": tr.epoch,
        "history": {name: tr.history.array(name).copy() for name in (*SCALARS, *PER_LAYER)},
        "counters": (tr._best_loss, tr._epochs_since_best),
        "status": tr.status,
        "notice": tr.notice,
        "divergence": tr.divergence,
    }


def assert_same(a: dict[str, object], b: dict[str, object]) -> None:
    assert a.keys() == b.keys()
    for key in a:
        if key in ("optimizer", "history"):
            assert a[key].keys() == b[key].keys(), key
            for name in a[key]:
                np.testing.assert_array_equal(a[key][name], b[key][name], err_msg=f"{key}.{name}")
        elif isinstance(a[key], np.ndarray):
            np.testing.assert_array_equal(a[key], b[key], err_msg=key)
        else:
            assert a[key] == b[key], key


def drain(steps) -> list[EpochProgress]:
    return list(steps)


# ------------------------------------------------------- step is unchanged
@pytest.mark.parametrize("name", sorted(RUNS))
def test_step_gives_the_numbers_saved_before_it_was_rebuilt(name):
    """Losses, metrics, norms, final weights, gradients, optimiser and random state: counts, statuses
    and random state exactly, floats to a relative 1e-10 of the largest value (1e-5 for a float32
    run, whose history columns are float64 but computed in float32). numpy's SIMD exp and log differ
    in the last bit between numpy versions and CPUs, and a few epochs carry that bit up to about
    1e-14 (a float32 ulp in a float32 run); a learning rate off by one part in 1e7 already moves
    the float64 runs by 1.5e-7 to 1.6e-6 of their largest value."""
    reference = np.load(REFERENCE)
    computed_in = RUNS[name][1].get("dtype", "float64")
    relative = 1e-5 if computed_in == "float32" else 1e-10
    for key, value in run(name).items():
        expected = reference[key]
        assert value.dtype == expected.dtype, key
        if value.dtype.kind == "f" and not key.endswith(("/rng", "/epoch")):
            largest = np.abs(expected[np.isfinite(expected)]).max(initial=0.0)
            np.testing.assert_allclose(value, expected, rtol=0, atol=relative * largest, err_msg=key)
        else:
            np.testing.assert_array_equal(value, expected, err_msg=key)


# ------------------------------------------------------------- epoch_steps
def test_epoch_steps_yields_after_every_mini_batch_and_ends_with_the_stats(spiral):
    tr = Trainer(spiral, WINDOW_CONFIG)
    n = tr.n_train
    assert n == 210
    items = drain(tr.epoch_steps())
    # 210 points in batches of 32: six full batches and one of 18.
    assert [p.points for p in items] == [32, 64, 96, 128, 160, 192, 210]
    assert all(p.total == 210 for p in items)
    assert [p.done for p in items] == [False] * 6 + [True]
    stats = items[-1].stats
    assert stats.epoch == 1 and tr.epoch == 1 and len(tr.history) == 1
    assert stats.train_loss == tr.history.array("train_loss")[0]
    assert not tr.in_epoch


def test_epoch_steps_returns_the_stats_to_yield_from(spiral):
    tr = Trainer(spiral, WINDOW_CONFIG)

    def consumer():
        stats = yield from tr.epoch_steps()
        return stats

    gen = consumer()
    items = 0
    with pytest.raises(StopIteration) as end:
        while True:
            next(gen)
            items += 1
    stats = end.value.value
    assert items == 7 and stats.epoch == 1 and stats.train_loss == tr.history.array("train_loss")[0]
    np.testing.assert_array_equal(stats.grad_norms, tr.history.array("grad_norms")[0])


@pytest.mark.parametrize(
    "fields",
    [
        {},
        dict(
            activation="relu",
            optimizer="momentum",
            dropout=0.3,
            l1=0.001,
            l2=0.01,
            weight_decay=0.01,
            schedule="step",
            schedule_every=2,
            batch_size=10,
        ),
        dict(batch_size=1000),  # full batch: a single item
        dict(dtype="float32", optimizer="nesterov", batch_size=7),
    ],
)
def test_epoch_steps_trains_exactly_as_step(spiral, fields):
    a, b = Trainer(spiral, WINDOW_CONFIG.replace(**fields)), Trainer(spiral, WINDOW_CONFIG.replace(**fields))
    for _ in range(5):
        sa = a.step(1)
        items = drain(b.epoch_steps())
        sb = items[-1].stats
        assert sa.train_loss == sb.train_loss and sa.test_metric == sb.test_metric
    assert_same(fingerprint(a), fingerprint(b))
    if fields.get("batch_size") == 1000:
        assert len(items) == 1


@pytest.mark.parametrize("every, points", [(3, [96, 192]), (7, []), (100, [])])
def test_epoch_steps_every_k_yields_after_every_kth_mini_batch_and_trains_as_step(spiral, every, points):
    a, b = Trainer(spiral, WINDOW_CONFIG), Trainer(spiral, WINDOW_CONFIG)  # 210 training points: 7 mini-batches
    for _ in range(3):
        a.step(1)
        items = drain(b.epoch_steps(every))
        assert [item.points for item in items[:-1]] == points
        assert items[-1].done and items[-1].points == 210
    assert_same(fingerprint(a), fingerprint(b))


@pytest.mark.parametrize("every", [0, -1, 1.5, True, "2"])
def test_epoch_steps_refuses_a_bad_every(spiral, every):
    trainer = Trainer(spiral, WINDOW_CONFIG)
    with pytest.raises(ValueError, match="every must be a whole number"):
        trainer.epoch_steps(every)
    assert trainer.epoch == 0 and not trainer.in_epoch


def test_an_abandoned_epoch_leaves_no_trace(spiral):
    cfg = WINDOW_CONFIG.replace(dropout=0.2)  # dropout draws from the random stream too
    tr, twin = Trainer(spiral, cfg), Trainer(spiral, cfg)
    tr.step(3)
    twin.step(3)
    before = fingerprint(tr)
    steps = tr.epoch_steps()
    for _ in range(4):
        progress = next(steps)
    assert progress.points == 128 and tr.in_epoch
    assert not np.array_equal(tr.model.params.data, before["params"])  # it did train
    steps.close()
    assert not tr.in_epoch
    assert_same(fingerprint(tr), before)
    with pytest.raises(StopIteration):
        next(steps)
    # And continuing is the run that never saw the abandoned epoch.
    tr.step(2)
    twin.step(2)
    assert_same(fingerprint(tr), fingerprint(twin))


def test_an_unstarted_or_finished_epoch_closes_without_effect(spiral):
    tr = Trainer(spiral, WINDOW_CONFIG)
    tr.step(1)
    before = fingerprint(tr)
    tr.epoch_steps().close()  # never started
    assert_same(fingerprint(tr), before)
    steps = tr.epoch_steps()
    items = drain(steps)
    after = fingerprint(tr)
    steps.close()  # finished: the epoch stays
    assert_same(fingerprint(tr), after)
    assert tr.epoch == 2 and items[-1].stats.epoch == 2


def test_changing_the_trainer_mid_epoch_abandons_the_epoch_first(spiral):
    tr, twin = Trainer(spiral, WINDOW_CONFIG), Trainer(spiral, WINDOW_CONFIG)
    tr.step(2)
    twin.step(2)
    steps = tr.epoch_steps()
    next(steps)
    next(steps)
    tr.set_config(tr.config.replace(lr=0.01))  # a hyperparameter: the weights are kept...
    twin.set_config(twin.config.replace(lr=0.01))
    assert_same(fingerprint(tr), fingerprint(twin))  # ...as they were before the epoch
    with pytest.raises(StopIteration):
        next(steps)
    for change in (lambda t: t.step(1), lambda t: t.set_parameter(0, "bias", 0, 0.5), lambda t: t.reset()):
        steps = tr.epoch_steps()
        next(steps)
        change(tr)
        change(twin)
        assert_same(fingerprint(tr), fingerprint(twin))
    # A new epoch_steps abandons the one before it.
    first = tr.epoch_steps()
    next(first)
    second = tr.epoch_steps()
    drain(second)
    twin.step(1)
    assert_same(fingerprint(tr), fingerprint(twin))


def test_snapshot_and_capture_during_an_epoch_describe_its_start(spiral):
    tr = Trainer(spiral, WINDOW_CONFIG)
    tr.step(2)
    before = tr.snapshot()
    steps = tr.epoch_steps()
    next(steps)
    during, state = tr.snapshot(), tr.capture()
    assert during.epoch == 2
    np.testing.assert_array_equal(during.params, before.params)
    np.testing.assert_array_equal(state.params, before.params)
    assert during.rng_state == before.rng_state
    for key in before.optimizer:
        np.testing.assert_array_equal(during.optimizer[key], before.optimizer[key])
    drain(steps)
    # Restoring what was taken mid-epoch gives epoch 2 again, and the same epoch 3.
    third = tr.model.params.data.copy()
    tr.restore(during)
    tr.step(1)
    np.testing.assert_array_equal(tr.model.params.data, third)


def test_an_epoch_that_must_not_run_finishes_at_once(spiral):
    tr = Trainer(spiral, WINDOW_CONFIG.replace(max_epochs=1))
    drain(tr.epoch_steps())
    items = drain(tr.epoch_steps())
    assert len(items) == 1 and items[0].done
    assert items[0].stats.status == "stopped" and "epoch limit (1)" in items[0].stats.message
    assert tr.epoch == 1


def test_divergence_mid_epoch_restores_the_weights(spiral):
    tr = Trainer(spiral, WINDOW_CONFIG.replace(activation="linear", optimizer="sgd", lr=100.0))
    before = fingerprint(tr)
    items = drain(tr.epoch_steps())
    stats = items[-1].stats
    assert stats.status == "diverged" and tr.status == "diverged"
    assert "training diverged in epoch 1: a weight became NaN or infinite" in stats.message
    np.testing.assert_array_equal(tr.model.params.data, before["params"])
    np.testing.assert_array_equal(tr.model.params.grad, before["grad"])
    assert tr.divergence.epoch == 1 and tr.divergence.lr == 100.0
    assert tr.epoch == 0 and len(tr.history) == 0


def test_numpy_error_settings_do_not_leak_between_items(spiral):
    tr = Trainer(spiral, WINDOW_CONFIG)
    outside = np.geterr()
    steps = tr.epoch_steps()
    next(steps)
    assert np.geterr() == outside  # the epoch's "ignore overflow" stays inside it
    steps.close()
    assert np.geterr() == outside


# ------------------------------------------------------- errors in an epoch
def corrupt_adam(spiral) -> Trainer:
    """A trainer whose Adam step count is 10**400, as a hostile session file could say."""
    tr = Trainer(spiral, WINDOW_CONFIG)
    tr.step(2)
    state = tr.optimizer.state_dict()
    state["steps"] = 10**400
    tr.optimizer.load_state_dict(state)
    return tr


def test_an_overflow_inside_an_epoch_is_a_training_error_and_changes_nothing(spiral):
    tr = corrupt_adam(spiral)
    before = fingerprint(tr)
    with pytest.raises(TrainingError) as failure:
        tr.step(1)
    error = failure.value
    assert isinstance(error.__cause__, OverflowError) and error.error is error.__cause__
    assert (error.epoch, error.batch, error.batches) == (3, 1, 7)
    assert str(error).startswith("training failed in epoch 3 (mini-batch 1 of 7): OverflowError: ")
    assert "as it was after epoch 2" in str(error)
    assert_same(fingerprint(tr), before)  # Adam's m and v were updated before the overflow: put back


def test_an_error_inside_epoch_steps_rolls_back_too(spiral):
    tr = corrupt_adam(spiral)
    before = fingerprint(tr)
    steps = tr.epoch_steps()
    with pytest.raises(TrainingError, match="epoch 3"):
        next(steps)
    assert_same(fingerprint(tr), before)
    assert not tr.in_epoch
    # Repairing the state lets training go on.
    state = tr.optimizer.state_dict()
    state["steps"] = 14
    tr.optimizer.load_state_dict(state)
    assert tr.step(1).status == "ok" and tr.epoch == 3


def fail_optimizer_step(monkeypatch, tr: Trainer, call: int, error: BaseException) -> None:
    """Make the ``call``-th optimiser step from now on raise ``error``; the others step as usual."""
    calls = 0
    real = tr.optimizer.step

    def failing() -> None:
        nonlocal calls
        calls += 1
        if calls == call:
            raise error
        real()

    monkeypatch.setattr(tr.optimizer, "step", failing)


def test_an_error_after_a_few_mini_batches_names_the_mini_batch(spiral, monkeypatch):
    tr = Trainer(spiral, WINDOW_CONFIG)
    tr.step(1)
    before = fingerprint(tr)
    fail_optimizer_step(monkeypatch, tr, 4, FloatingPointError("overflow encountered in multiply"))
    with pytest.raises(TrainingError, match=r"epoch 2 \(mini-batch 4 of 7\): FloatingPointError"):
        tr.step(1)
    assert_same(fingerprint(tr), before)


def test_an_interrupt_inside_an_epoch_rolls_back_and_is_not_wrapped(spiral, monkeypatch):
    """Ctrl+C in the middle of a headless epoch: KeyboardInterrupt as such, nothing half done."""
    tr = Trainer(spiral, WINDOW_CONFIG)
    tr.step(1)
    before = fingerprint(tr)
    fail_optimizer_step(monkeypatch, tr, 3, KeyboardInterrupt())
    with pytest.raises(KeyboardInterrupt):
        tr.step(1)
    assert_same(fingerprint(tr), before)


def test_a_snapshot_between_epochs_is_a_copy_that_restores_exactly(spiral):
    tr, twin = Trainer(spiral, WINDOW_CONFIG), Trainer(spiral, WINDOW_CONFIG)
    tr.step(2)
    twin.step(2)
    snap = tr.snapshot()
    assert snap.params is not tr.model.params.data and not np.shares_memory(snap.params, tr.model.params.data)
    assert not np.shares_memory(snap.optimizer["m"], tr.optimizer.m)
    tr.step(3)  # changes nothing in the snapshot
    tr.restore(snap)
    assert_same(fingerprint(tr) | {"grad": None}, fingerprint(twin) | {"grad": None})
    tr.step(1)
    twin.step(1)
    assert_same(fingerprint(tr), fingerprint(twin))
