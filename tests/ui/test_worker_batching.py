"""The training thread looks at its inbox every few milliseconds of training, not after every
mini-batch: it asks the trainer to yield after as many mini-batches as take about
``LOOK_EVERY_S`` (measured in the last epoch), and after every one again once a command ran."""

from __future__ import annotations

import pytest

from playground.data import make_dataset
from playground.training import Trainer, TrainingConfig
from playground.ui.session import worker as worker_module
from playground.ui.session.worker import LOOK_EVERY_S, TrainingWorker

CONFIG = TrainingConfig(hidden=(16, 16), activation="tanh", optimizer="adam", lr=0.03, batch_size=10, seed=0)


@pytest.fixture
def worker(qapp):
    trainer = Trainer(make_dataset("spiral", n=300, noise=0.1, seed=0, test_fraction=0.3), CONFIG)
    asked: list[int] = []
    steps = trainer.epoch_steps

    def epoch_steps(every: int = 1):
        asked.append(every)
        return steps(every)

    trainer.epoch_steps = epoch_steps  # type: ignore[method-assign]
    w = TrainingWorker(trainer)  # never started: its loop's parts run here, in this thread
    w.asked = asked  # type: ignore[attr-defined]
    return w


def test_the_first_epoch_looks_after_every_mini_batch_and_later_ones_every_few_milliseconds(worker):
    assert worker._epoch(lambda: True) is not None
    assert worker.asked == [1]
    measured = worker._batch_seconds
    assert measured > 0.0
    worker._epoch(lambda: True)
    assert worker.asked[-1] == max(1, int(LOOK_EVERY_S / measured))
    assert worker._trainer.epoch == 2


def test_yielding_every_few_mini_batches_trains_exactly_as_after_each(worker):
    twin = Trainer(worker._trainer.dataset, CONFIG)
    worker._batch_seconds = LOOK_EVERY_S / 4  # yield after every 4th of the 21 mini-batches
    looks = []
    stats = worker._epoch(lambda: looks.append(1) or True)
    assert worker.asked == [4] and len(looks) == 5
    assert stats.train_loss == twin.step(1).train_loss
    assert worker._trainer.model.params.data.tobytes() == twin.model.params.data.tobytes()


def test_a_command_makes_the_next_epoch_look_after_every_mini_batch(worker, monkeypatch):
    monkeypatch.setattr(worker_module.TrainingWorker, "_send_frame", lambda self: None)
    worker._batch_seconds = LOOK_EVERY_S / 4
    worker.submit(lambda trainer: trainer.set_config(trainer.config.replace(batch_size=1)))
    worker._inbox.playing = True
    worker._round()  # the command, then one epoch
    assert worker.asked == [1]
    assert worker._trainer.config.batch_size == 1
