"""A frame's probes (training/probes.py frame_probes): shared with a helper thread or not, the same values."""

from __future__ import annotations

import threading

import numpy as np
import pytest

from playground.data import DOMAIN
from playground.training import Trainer, grid_points, probes
from playground.training.defaults import default_session
from playground.training.probes import ROW_BLOCK, frame_probes

GRID, _ = grid_points(40, DOMAIN)


def _trained(epochs: int = 3, **changes: object) -> Trainer:
    dataset, config = default_session()
    trainer = Trainer(dataset, config.replace(**changes) if changes else config)
    trainer.step(epochs)
    return trainer


def _alone(monkeypatch, trainer: Trainer, grid: np.ndarray, data: np.ndarray | None, exact: bool):
    with monkeypatch.context() as m:
        m.setattr(probes, "SHARED_WORK", float("inf"))
        return frame_probes(trainer, grid, data, exact_data=exact)


@pytest.mark.parametrize(
    "changes",
    [
        {"hidden": (64,) * 10},  # float32, shared
        {"hidden": (16,) * 4, "residual": (False, True, True, True), "activation": "sigmoid"},
        {"hidden": (32, 32), "activation": "relu"},  # the session's dtype, each probe whole
    ],
)
@pytest.mark.parametrize("exact", [True, False])
def test_shared_probes_equal_one_thread_probes_bit_for_bit(monkeypatch, changes, exact):
    trainer = _trained(**changes)
    data = trainer.dataset.X
    helpers = []
    real_run = probes._run_shared

    def spy(helper, own):
        helpers.append(len(helper))
        return real_run(helper, own)

    monkeypatch.setattr(probes, "SHARED_WORK", 1)  # share even these
    monkeypatch.setattr(probes, "spare_core", lambda: True)  # as on an idle machine
    monkeypatch.setattr(probes, "_run_shared", spy)
    grid, points = frame_probes(trainer, GRID, data, exact_data=exact)
    assert helpers and helpers[0] >= 1  # the helper thread did part of it
    one_grid, one_points = _alone(monkeypatch, trainer, GRID, data, exact)
    for shared, alone in ((grid, one_grid), (points, one_points)):
        for got, want in zip(shared.z + shared.a + [shared.output], alone.z + alone.a + [alone.output]):
            np.testing.assert_array_equal(got, want)
    if exact:  # the points exactly as the trainer probes them
        exact_probe = trainer.probe(data)
        for got, want in zip(points.z + points.a, exact_probe.z + exact_probe.a):
            np.testing.assert_array_equal(got, want)
            assert got.dtype == trainer.model.dtype


def test_the_float32_pass_is_the_network_to_within_what_a_colour_shows():
    trainer = _trained(30, hidden=(16,) * 3, activation="sigmoid", residual=(False, True, True))
    rows = 3 * ROW_BLOCK + 17  # several blocks and a short last one
    points = np.random.default_rng(0).uniform(*DOMAIN, size=(rows, 2))
    fast, _ = frame_probes(trainer, points)
    exact = trainer.probe(points)
    assert fast.output.dtype == np.float32
    for got, want in zip(fast.z + fast.a + [fast.output], exact.z + exact.a + [exact.output]):
        assert got.shape == want.shape
        assert np.abs(got - want).max() < 1e-5


def test_no_data_gives_no_point_probe_and_a_failing_helper_raises_here(monkeypatch):
    trainer = _trained(hidden=(64,) * 4)
    grid, points = frame_probes(trainer, GRID)
    assert points is None and grid.output.shape == (len(GRID), 2)
    monkeypatch.setattr(probes, "SHARED_WORK", 1)
    monkeypatch.setattr(probes, "spare_core", lambda: True)

    def broken(*_: object) -> None:
        raise RuntimeError("probe failed in the helper")

    ran_in = []

    def run(self, start):
        ran_in.append(threading.current_thread().name)
        if threading.current_thread() is not threading.main_thread():
            broken()

    monkeypatch.setattr(probes._Float32Pass, "run", run)
    with pytest.raises(RuntimeError, match="in the helper"):
        frame_probes(trainer, GRID)
    assert any(name.startswith("frame-probe") for name in ran_in)


def test_a_busy_machine_probes_in_one_thread(monkeypatch):
    trainer = _trained(hidden=(64,) * 4)
    monkeypatch.setattr(probes, "SHARED_WORK", 1)
    monkeypatch.setattr(probes, "spare_core", lambda: False)
    monkeypatch.setattr(probes, "_run_shared", lambda *_: pytest.fail("shared on a busy machine"))
    grid, points = frame_probes(trainer, GRID, trainer.dataset.X, exact_data=True)
    np.testing.assert_array_equal(points.a[-1], trainer.probe(trainer.dataset.X).a[-1])


@pytest.mark.parametrize(
    ("cores", "load", "spare"), [(2, 0.9, True), (2, 1.25, True), (2, 1.5, False), (2, 7.5, False), (1, 0.0, False)]
)
def test_a_core_is_spare_while_the_load_leaves_one_free(monkeypatch, cores, load, spare):
    from playground.training import cores as cores_module

    monkeypatch.setattr(cores_module.os, "cpu_count", lambda: cores)
    monkeypatch.setattr(cores_module.os, "getloadavg", lambda: (load, load, load))
    monkeypatch.setattr(cores_module, "_checked", -float("inf"))
    assert cores_module.spare_core() is spare
    monkeypatch.setattr(cores_module.os, "getloadavg", lambda: (0.0, 0.0, 0.0))
    assert cores_module.spare_core() is spare  # read at most once a second
