"""A big network's playing frames probe a coarser grid (and fewer, float32 points); still frames
probe the full grid exactly; after playing, the worker always sends a still frame; every view
draws frames of either size."""

from __future__ import annotations

import time

import numpy as np
import pytest
from PySide6.QtWidgets import QDockWidget

from playground.data import DOMAIN, make_dataset
from playground.training import Trainer, TrainingConfig, grid_points
from playground.training.probes import MIN_PLAYING_POINTS, MIN_RESOLUTION, grid_probe
from playground.training.regions import region_counts
from playground.ui import MainWindow
from playground.ui.plots.unit_maps import thumbnail_samples
from playground.ui.session import worker
from playground.ui.session.worker import TrainingWorker, make_frame, make_view_frame

DEEP = TrainingConfig(hidden=(64,) * 10, activation="tanh", lr=0.01, batch_size=32, seed=0)


def _trainer(n: int = 300, config: TrainingConfig = DEEP, epochs: int = 3) -> Trainer:
    trainer = Trainer(make_dataset("spiral", n=n, noise=0.1, seed=0, test_fraction=0.3), config)
    if epochs:
        trainer.step(epochs)
    return trainer


def test_a_playing_frame_of_the_deepest_network_is_the_model_at_the_coarse_cells_centres():
    trainer = _trainer()
    frame = make_frame(trainer, True, trainer.last_stats())
    points, axis = grid_points(MIN_RESOLUTION, DOMAIN)
    r = len(frame.grid_axis)
    assert r == MIN_RESOLUTION == 40
    np.testing.assert_array_equal(frame.grid_axis, axis)
    assert frame.grid_output.shape == (r * r, 2) and [z.shape[0] for z in frame.grid_z] == [r * r] * 11
    # Exactly the frame's probe of those cells, and the network's own prediction there.
    np.testing.assert_array_equal(frame.grid_output, grid_probe(trainer, points).output)
    cells = frame.grid_output.reshape(r, r, 2)  # [x2 index, x1 index]
    for i, j in [(0, 0), (7, 31), (39, 39), (20, 5)]:
        p1 = trainer.predict(np.array([[axis[j], axis[i]]]))[0, 1]
        assert abs(cells[i, j, 1] - p1) < 1e-4  # float32, far below a colour step (1/255)
    np.testing.assert_allclose(frame.grid_output[:, 1], trainer.predict(points)[:, 1], atol=1e-4)


def test_a_still_frame_is_the_full_grid_and_the_exact_points():
    trainer = _trainer()
    for frame in (
        make_frame(trainer, False, trainer.last_stats()),
        make_view_frame(trainer, trainer.snapshot()),
    ):
        assert len(frame.grid_axis) == worker.GRID_RESOLUTION == 100
        assert frame.grid_output.shape == (10_000, 2)
        exact = trainer.probe(trainer.dataset.X[frame.point_rows])
        np.testing.assert_array_equal(frame.point_a[-1], exact.a[-1])
        assert frame.point_a[0].dtype == np.float64


def test_the_default_network_plays_at_full_resolution_with_every_point():
    trainer = _trainer(config=TrainingConfig(hidden=(16, 16), seed=0))
    frame = make_frame(trainer, True, trainer.last_stats())
    assert len(frame.grid_axis) == 100
    np.testing.assert_array_equal(frame.point_rows, np.arange(trainer.dataset.n))


def test_a_big_network_plays_an_even_sample_of_a_large_dataset_in_float32():
    trainer = _trainer(n=5000, epochs=1)
    frame = make_frame(trainer, True, trainer.last_stats())
    assert len(frame.point_rows) == MIN_PLAYING_POINTS == 1000
    np.testing.assert_array_equal(frame.point_rows, np.arange(0, 5000, 5))
    exact = trainer.probe(trainer.dataset.X[frame.point_rows])
    assert frame.point_a[0].dtype == np.float32
    assert np.abs(frame.point_a[-1] - exact.a[-1]).max() < 1e-4
    still = make_frame(trainer, False, trainer.last_stats())
    assert len(still.point_rows) == 5000  # paused: every point up to MAX_PROBED_POINTS


def test_after_playing_the_worker_sends_a_full_still_frame_whoever_paused(qtbot):
    training = TrainingWorker(_trainer(epochs=0))
    frames = []

    def took(frame) -> None:
        frames.append(frame)
        training.frame_taken()

    training.frameReady.connect(took)
    training.start()
    try:
        training.set_playing(True)
        qtbot.waitUntil(lambda: any(f.playing and f.epoch >= 1 for f in frames), timeout=30_000)
        assert len(next(f for f in frames if f.playing).grid_axis) == MIN_RESOLUTION
        # Paused from inside (as a stop rule or a failure does): no command asks for a frame.
        training.set_playing(False)
        qtbot.waitUntil(lambda: not frames[-1].playing, timeout=10_000)
        assert len(frames[-1].grid_axis) == 100 and frames[-1].point_a[0].dtype == np.float64
        count = len(frames)
        qtbot.wait(300)
        assert len(frames) == count  # one still frame, then quiet
    finally:
        training.stop()


@pytest.mark.parametrize("activation", ["tanh", "relu"])
def test_every_view_draws_a_coarse_playing_frame_and_then_a_full_still_one(qtbot, activation):
    ds = make_dataset("spiral", n=300, noise=0.1, seed=0, test_fraction=0.3)
    window = MainWindow(ds, DEEP.replace(activation=activation))
    qtbot.addWidget(window)
    window.resize(1280, 720)
    window.show()
    qtbot.waitExposed(window)
    qtbot.waitUntil(lambda: window.session.latest_frame is not None, timeout=20_000)
    for dock in window.findChildren(QDockWidget):
        dock.show()  # regions, transforms, landscape, graph, ...: each draws every frame it is shown
    window.session.run_in_worker(lambda trainer: trainer.step(2))
    for playing, side in ((True, MIN_RESOLUTION), (False, 100)):
        frame = window.session.run_in_worker(lambda trainer: make_frame(trainer, playing, trainer.last_stats()))
        window.draw_frame(frame)
        qtbot.wait(50)
        assert window.boundary_plot.map_image().shape[:2] == (side, side)
        diagram = window.network_view.diagram.diagram_scene
        # About THUMBNAIL_SIDE cells a side on any grid: 20 on the coarse playing grid, 25 on the
        # still one (a fixed step of 4 made the playing grid's 10 x 10).
        thumbnail = {MIN_RESOLUTION: MIN_RESOLUTION // 2, 100: 25}[side]
        assert len(thumbnail_samples(side)) == thumbnail
        assert diagram.images[1].shape[1:3] == (thumbnail, thumbnail)
        assert diagram.images[0].shape[1:3] == (thumbnail, thumbnail)  # the inputs' maps follow the grid
        if activation == "relu":
            regions = window.regions
            assert regions.view.ids.shape == (side, side)
            assert regions.count >= 1
    if activation != "relu":
        return
    # A coarse count of a played epoch gives way to the full grid's once a still frame arrives.
    coarse = window.session.run_in_worker(lambda trainer: make_frame(trainer, True, trainer.last_stats()))
    window.draw_frame(coarse)
    regions = window.regions
    assert regions._coarse == {coarse.epoch} and regions.counts[coarse.epoch] == regions.count
    window.session.run_in_worker(lambda trainer: trainer.step(1))
    timeline = window.session.worker.timeline
    still = window.session.run_in_worker(
        lambda trainer: make_frame(trainer, False, trainer.last_stats(), timeline=timeline.epochs)
    )
    window.draw_frame(still)
    full = window.session.run_in_worker(
        lambda trainer: region_counts(
            trainer,
            [s.params for s in timeline.snapshots_of(trainer) if s.epoch == coarse.epoch],
            grid_points(100, DOMAIN)[0],
        )
    )
    assert not regions._coarse and regions.counts[coarse.epoch] == int(full[0])
    assert regions.counts[still.epoch] == regions.count


def test_a_slow_diagnosis_comes_less_often_while_playing(monkeypatch):
    calls = []

    def slow_diagnosis(trainer):
        calls.append(trainer)
        time.sleep(0.05)  # as a big network's probe of 2,000 points in float64 may take
        return []

    monkeypatch.setattr(worker, "diagnose_trainer", slow_diagnosis)
    training = TrainingWorker(_trainer(epochs=1))
    training._inbox.playing = True  # as while playing (the thread is not started)
    training._diagnose()
    assert len(calls) == 1
    assert training._diagnosis_wait >= 0.05 / worker.DIAGNOSIS_SHARE == pytest.approx(2.5)
    time.sleep(1.5 * worker.DIAGNOSIS_INTERVAL)  # past the usual interval: a fast diagnosis would run again
    training._diagnose()
    assert len(calls) == 1
    training._inbox.playing = False  # paused: every frame gets a fresh diagnosis
    training._diagnose()
    assert len(calls) == 2
