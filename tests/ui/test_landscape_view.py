"""The Landscape dock: computed in the (here: a stand-in) training thread on paused frames, drawn as
a heatmap with the path, the downhill arrow and the optimiser's step."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import Qt
from test_transforms_view import Host

from playground.data import make_dataset
from playground.training import Trainer, TrainingConfig
from playground.training.landscape import loss_landscape
from playground.training.timeline import Timeline
from playground.ui.landscape import install_landscape
from playground.ui.landscape.landscape_feature import PLAYING_INTERVAL
from playground.ui.landscape.landscape_view import ARROW_SHARE
from playground.ui.session.worker import make_frame


class Worker:
    """Runs calls at once, as the training thread would between mini-batches."""

    def __init__(self, trainer: Trainer) -> None:
        self.trainer, self.timeline, self.calls = trainer, Timeline(), 0

    def call(self, function):
        self.calls += 1
        return function(self.trainer)


class Session:
    def __init__(self, worker: Worker) -> None:
        self.worker = worker


@pytest.fixture
def setup(qtbot):
    trainer = Trainer(
        make_dataset("vshape", n=60, noise=0.1, seed=0), TrainingConfig(hidden=(5, 4), optimizer="momentum", lr=0.05)
    )
    worker = Worker(trainer)
    worker.timeline.follow(trainer)
    host = Host()
    host.session = Session(worker)
    qtbot.addWidget(host)
    feature = install_landscape(host)
    host.show()
    return host, feature, trainer, worker


def _play(trainer: Trainer, worker: Worker, epochs: int, playing: bool = False):
    for _ in range(epochs):
        stats = trainer.step()
        worker.timeline.follow(trainer)
    return make_frame(trainer, playing, stats)


def test_paused_frames_draw_the_slice_path_and_arrows(setup):
    host, feature, trainer, worker = setup
    feature.dock.show()
    assert "at least 3 epochs" in feature.view.label.text()  # PCA before there is a path
    frame = _play(trainer, worker, 6)
    host.views[0](frame)
    path = np.array([s.params for s in worker.timeline.snapshots_of(trainer)])
    want = loss_landscape(trainer, path, "pca")
    view = feature.view
    np.testing.assert_allclose(view.image.image, np.log10(want.loss).T, rtol=1e-6)
    np.testing.assert_allclose(np.column_stack(view.path_item.getData()), want.trajectory)
    span = want.alphas[-1] - want.alphas[0]
    for item, vector in ((view.gradient_item, want.arrow), (view.step_item, want.step)):
        x, y = item.getData()
        tip = np.array([x[1], y[1]])
        assert np.linalg.norm(tip) == pytest.approx(ARROW_SHARE * span)
        np.testing.assert_allclose(tip / np.linalg.norm(tip), vector / np.linalg.norm(vector), atol=1e-9)
    assert "loss here" in view.label.text()
    calls = worker.calls
    host.views[0](frame)  # the same frame again: nothing to recompute
    assert worker.calls == calls
    now = [feature._refreshed + PLAYING_INTERVAL]
    feature._clock = lambda: now[0]
    host.views[0](_play(trainer, worker, 1, playing=True))  # playing: at most once a PLAYING_INTERVAL
    host.views[0](_play(trainer, worker, 1, playing=True))
    now[0] += PLAYING_INTERVAL
    host.views[0](_play(trainer, worker, 1, playing=True))
    assert worker.calls == calls + 2
    calls = worker.calls
    view.methods.setCurrentIndex(1)  # random directions: computed at once
    assert worker.calls == calls + 1 and view.landscape.method == "random"


def test_a_hidden_dock_computes_nothing(setup):
    host, feature, trainer, worker = setup
    host.views[0](_play(trainer, worker, 4))
    assert worker.calls == 0 and feature.view.landscape is None


def test_the_slice_fills_its_plot_in_a_tall_narrow_dock(setup, qtbot):
    """In the dock beside the plots (about 290 x 600 px at 1280x720) the square slice filled a third of
    a plot as tall as the dock, blank above and below: the plot now takes the slice's height at its width."""
    host, feature, trainer, worker = setup
    host.resize(420, 760)
    feature.dock.show()
    host.views[0](_play(trainer, worker, 6))
    view = feature.view
    box = view.plot.getPlotItem().getViewBox()

    def image_share() -> float:
        shown = view.image.mapRectToItem(box, view.image.boundingRect()) & box.rect()
        return shown.width() * shown.height() / (box.width() * box.height())

    # Before: 0.3 of a view as tall as the dock; and no longer a tall, mostly empty plot.
    qtbot.waitUntil(lambda: image_share() >= 0.9 and box.height() <= 1.05 * box.width(), timeout=3000)
    qtbot.wait(50)  # and it stays so once the layouts have settled
    assert image_share() >= 0.9 and box.width() >= 250
    # The words follow right under the picture, not at the dock's bottom.
    gap = view.label.geometry().top() - view.plot.geometry().bottom()
    assert 0 <= gap <= 20


def test_the_directions_box_shows_each_whole_name_in_the_narrow_dock(setup, qtbot):
    # "Main directions of the path (PCA)" was cut to "Main directions of the" in the dock beside the plots.
    from PySide6.QtWidgets import QStyle, QStyleOptionComboBox

    from playground.ui.landscape.landscape_view import METHOD_NAMES, METHOD_TIPS
    from playground.ui.shell.presentation import SCALE

    host, feature, trainer, worker = setup
    host.resize(300, 680)
    feature.dock.show()
    combo = feature.view.methods
    for scale in (1.0, SCALE):
        font = combo.font()
        font.setPointSizeF(host.font().pointSizeF() * scale)
        combo.setFont(font)
        qtbot.wait(20)  # the relayout at the new size
        for index, key in enumerate(METHOD_NAMES):
            combo.setCurrentIndex(index)
            option = QStyleOptionComboBox()
            combo.initStyleOption(option)
            field = combo.style().subControlRect(
                QStyle.ComplexControl.CC_ComboBox, option, QStyle.SubControl.SC_ComboBoxEditField, combo
            )
            assert combo.fontMetrics().horizontalAdvance(combo.currentText()) <= field.width(), (scale, key)
            assert combo.itemData(index, Qt.ItemDataRole.ToolTipRole) == METHOD_TIPS[key]


@pytest.mark.filterwarnings("error::RuntimeWarning")
def test_a_slice_whose_loss_overflows_everywhere_clears_the_picture_and_says_why(setup):
    """Weights grown huge (lr 100 in the long monkey drive) made every point's loss infinite or NaN:
    the view took ``nanmax`` of an all-NaN slice (a RuntimeWarning, a NaN image). Now it clears the
    old picture and says why; a slice that overflows only in part shows its highest finite value there."""
    import dataclasses

    from playground.ui.landscape.landscape_view import NOT_FINITE

    host, feature, trainer, worker = setup
    feature.dock.show()
    host.views[0](_play(trainer, worker, 6))
    view = feature.view
    land = view.landscape
    partly = land.loss.copy()
    partly[0, :3] = (np.inf, np.nan, 1e400)
    view.show_landscape(dataclasses.replace(land, loss=partly))
    highest = np.log10(np.delete(partly.ravel(), [0, 1, 2])).max()
    np.testing.assert_allclose(view.image.image.T[0, :3], highest)
    np.testing.assert_allclose(view.image.image.T[1:], np.log10(partly[1:]))
    view.show_landscape(dataclasses.replace(land, loss=np.full_like(land.loss, np.nan)))
    assert view.image.image is None and view.label.text() == NOT_FINITE
    for item in (view.path_item, view.gradient_item, view.step_item):
        x, _ = item.getData()
        assert x is None or len(x) == 0
    view.show_landscape(land)  # a finite slice again draws again
    np.testing.assert_allclose(view.image.image, np.log10(land.loss).T, rtol=1e-6)
    assert "loss here" in view.label.text()


def test_a_weight_set_by_hand_while_paused_draws_the_new_slice(setup):
    # Editing a weight changes no epoch, dataset or setting: the slice and its 'loss here' stayed the old ones.
    host, feature, trainer, worker = setup
    feature.dock.show()
    frame = _play(trainer, worker, 6)
    host.views[0](frame)
    before = feature.view.label.text()
    trainer.model.layers[-1].b.data[...] = 20.0  # what the diagram's bias editor does, in the training thread
    host.views[0](make_frame(trainer, False, frame.stats))
    want = loss_landscape(trainer, np.array([s.params for s in worker.timeline.snapshots_of(trainer)]), "pca")
    assert feature.view.landscape.centre_loss == pytest.approx(want.centre_loss)
    assert feature.view.label.text() != before


def test_a_past_epoch_on_the_timeline_draws_the_slice_around_its_weights(setup):
    # Scrubbed back to an earlier epoch, the dock went on showing the live network's slice and loss.
    from playground.ui.session.worker import make_view_frame, weights_of

    host, feature, trainer, worker = setup
    feature.dock.show()
    host.views[0](_play(trainer, worker, 12))
    live = feature.view.landscape.centre_loss
    past = worker.timeline.nearest(6)
    host.views[0](make_view_frame(trainer, past))
    path = np.array([s.params for s in worker.timeline.snapshots_of(trainer) if s.epoch <= past.epoch])
    with weights_of(trainer, past):
        want = loss_landscape(trainer, path, "pca")
    view = feature.view
    assert view.landscape.centre_loss == pytest.approx(want.centre_loss) != pytest.approx(live)
    np.testing.assert_allclose(np.column_stack(view.path_item.getData()), want.trajectory)
    assert view.label.text().startswith(f"epoch {past.epoch}, as the timeline shows it: loss here")
    assert len(view.step_item.getData()[0]) == 0  # no optimiser step: its state of then is not at hand
    host.views[0](_play(trainer, worker, 1))  # back to live: the live slice, with the step
    assert not view.label.text().startswith("epoch") and len(view.step_item.getData()[0]) == 2
