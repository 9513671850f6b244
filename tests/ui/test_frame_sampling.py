"""Frames of a large dataset probe an even, fixed subsample of its points; the canvas keeps
its points' painting cached (the map under them changes every frame, they do not)."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtWidgets import QGraphicsItem

from playground.data import make_dataset
from playground.training import Trainer, TrainingConfig
from playground.ui import MainWindow
from playground.ui.session import worker
from playground.ui.session.worker import make_frame, probed_rows

CONFIG = TrainingConfig(hidden=(4, 3), activation="tanh", lr=0.05, batch_size=20, seed=0)


@pytest.mark.parametrize(
    "n, expected", [(0, 0), (1, 1), (5000, 5000), (5001, 2501), (10_000, 5000), (100_000, 5000), (99_999, 5000)]
)
def test_probed_rows_are_all_points_up_to_the_limit_then_every_kth(n, expected):
    rows = probed_rows(n)
    assert len(rows) == expected <= worker.MAX_PROBED_POINTS
    if n:
        assert rows[0] == 0 and rows[-1] < n
        assert len(set(np.diff(rows).tolist())) <= 1  # evenly spaced
    np.testing.assert_array_equal(rows, probed_rows(n))  # the same rows every frame


def test_a_frame_probes_the_rows_it_names(monkeypatch):
    monkeypatch.setattr(worker, "MAX_PROBED_POINTS", 50)
    ds = make_dataset("spiral", n=200, noise=0.1, seed=0, test_fraction=0.3)
    trainer = Trainer(ds, CONFIG)
    trainer.step(1)
    frame = make_frame(trainer, False, trainer.last_stats())
    np.testing.assert_array_equal(frame.point_rows, np.arange(0, 200, 4))
    expected = trainer.probe(ds.X[frame.point_rows])
    for got, want in zip(frame.point_a + frame.point_z, expected.a + expected.z):
        np.testing.assert_array_equal(got, want)


def test_a_small_dataset_is_probed_whole():
    ds = make_dataset("xor", n=60, noise=0.0, seed=0)
    trainer = Trainer(ds, CONFIG)
    frame = make_frame(trainer, False, trainer.last_stats())
    np.testing.assert_array_equal(frame.point_rows, np.arange(60))
    np.testing.assert_array_equal(frame.point_a[0], trainer.probe(ds.X).a[0])


def _window(qtbot, n: int) -> MainWindow:
    ds = make_dataset("spiral", n=n, noise=0.1, seed=0, test_fraction=0.3)
    window = MainWindow(ds, CONFIG)
    qtbot.addWidget(window)
    window.resize(1280, 720)
    window.show()
    qtbot.waitExposed(window)
    qtbot.waitUntil(lambda: window.session.latest_frame is not None, timeout=10000)
    qtbot.waitUntil(lambda: window._drawn is window.session.latest_frame, timeout=5000)
    return window


def test_the_views_of_a_sampled_frame_read_its_rows(qtbot, monkeypatch):
    monkeypatch.setattr(worker, "MAX_PROBED_POINTS", 100)
    window = _window(qtbot, 1000)
    frame = window.session.latest_frame
    rows = frame.point_rows
    np.testing.assert_array_equal(rows, np.arange(0, 1000, 10))
    # The activation space draws exactly the probed points, where the layer puts them.
    assert window.activation_plot.points_drawn() == len(rows)
    drawn = np.concatenate(list(window.activation_plot.drawn_points().values()))
    images = window.activation_view.plane().project(frame.point_a[-2])
    np.testing.assert_allclose(np.sort(drawn, axis=0), np.sort(images, axis=0), atol=1e-9)
    # The canvas draws every point of the dataset.
    assert window.boundary_plot.points_drawn() == 1000
    # The diagram's mean activation is over the sampled training points, and says so.
    diagram = window.network_view.diagram
    train = ~frame.dataset.is_test[rows]
    mean = frame.point_a[0][train, 1].mean()
    expected = f"{mean:.3g} (mean over the {train.sum():,} evenly sampled training points)"
    assert diagram.prose.mean_activation(1, 1) == expected
    window.close()


def test_the_canvas_points_are_painted_from_a_cache_and_the_moving_ones_are_not(qtbot):
    window = _window(qtbot, 300)
    canvas = window.boundary_plot._points._items
    moving = window.activation_plot._points._items
    assert canvas and moving
    assert {item.cacheMode() for item in canvas} == {QGraphicsItem.CacheMode.DeviceCoordinateCache}
    assert {item.cacheMode() for item in moving} == {QGraphicsItem.CacheMode.NoCache}
    window.close()
