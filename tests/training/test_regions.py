"""Linear regions: patterns per cell, the count of distinct patterns, fold lines, the linear piece at a point."""

from __future__ import annotations

import numpy as np
import pytest

from playground.data.generators import make_dataset
from playground.training import Trainer, TrainingConfig, grid_points
from playground.training.forward import Network
from playground.training.regions import (
    activation_patterns,
    fold_lines,
    linear_piece,
    plane_network,
    region_counts,
    region_map,
)


def _trainer(activation: str = "relu", **fields: object) -> Trainer:
    trainer = Trainer(
        make_dataset("circle", n=80, noise=0.1, seed=0), TrainingConfig(hidden=(8, 6), activation=activation, **fields)
    )
    trainer.step(3)
    return trainer


@pytest.mark.parametrize("activation", ["relu", "leaky_relu"])
def test_region_count_equals_the_distinct_activation_patterns(activation: str) -> None:
    trainer = _trainer(activation)
    network = plane_network(trainer)
    points, _ = grid_points(60, (-6.0, 6.0))
    regions = region_map(network, points)
    probe = trainer.probe(points)
    direct = {tuple(row) for row in np.concatenate([z > 0 for z in probe.z[:-1]], axis=1)}
    assert regions.count == len(direct) > 4
    # Cells share an id exactly when they share a pattern.
    patterns = activation_patterns(network, points)
    np.testing.assert_array_equal(regions.patterns[regions.ids], patterns)
    assert regions.ids[0] == 0 and regions.ids.max() == regions.count - 1


def test_fold_lines_of_a_hand_made_layer() -> None:
    # Unit 1 folds along x1 = 1, unit 2 along x2 = -x1; unit 3 has no weights, so no line.
    W1 = np.array([[1.0, 1.0, 0.0], [0.0, 1.0, 0.0]])
    network = Network(((W1, np.array([-1.0, 0.0, 2.0])), (np.ones((3, 1)), np.zeros(1))), ("relu",))
    segments, units = fold_lines(network, (-2.0, -2.0, 2.0, 2.0))
    np.testing.assert_array_equal(units, [0, 1])
    assert sorted(map(tuple, np.round(segments[:2], 12))) == [(1.0, -2.0), (1.0, 2.0)]
    assert sorted(map(tuple, np.round(segments[2:], 12))) == [(-2.0, 2.0), (2.0, -2.0)]
    assert region_map(network, grid_points(40, (-2.0, 2.0))[0]).count == 4  # two lines crossing in the square


def test_linear_piece_matches_finite_differences_of_the_logit() -> None:
    trainer = _trainer("relu", standardize=True)
    network = plane_network(trainer)
    rng = np.random.default_rng(3)
    for point in rng.uniform(-5, 5, size=(5, 2)):
        piece = linear_piece(network, point)
        h = 1e-6

        def logit(x: np.ndarray) -> float:
            return float(trainer.probe(np.asarray([x])).z[-1][0, 0])

        slopes = [(logit(point + h * e) - logit(point - h * e)) / (2 * h) for e in np.eye(2)]
        np.testing.assert_allclose(piece.slopes[:, 0], slopes, rtol=1e-6, atol=1e-8)
        np.testing.assert_allclose(point @ piece.slopes[:, 0] + piece.offset[0], logit(point), atol=1e-10)


def test_region_counts_over_snapshots() -> None:
    trainer = _trainer()
    first = trainer.snapshot().params
    trainer.step(20)
    points, _ = grid_points(30, (-6.0, 6.0))
    counts = region_counts(trainer, [first, trainer.snapshot().params], points)
    assert counts[1] == region_map(plane_network(trainer), points).count
    assert counts.shape == (2,) and counts.min() >= 1


def test_smooth_activations_and_bent_features_are_refused() -> None:
    with pytest.raises(ValueError, match="layer 1 is tanh"):
        region_map(plane_network(_trainer("tanh")), np.zeros((1, 2)))
    with pytest.raises(ValueError, match="inputs must be x1 and x2"):
        plane_network(_trainer(features=("x1", "x2", "x1^2")))


def test_a_skip_connection_keeps_the_linear_piece_exact() -> None:
    """a(l) = relu(z(l)) + a(l-1): the piece's slopes include the skip's identity path."""
    trainer = Trainer(
        make_dataset("circle", n=80, noise=0.1, seed=0),
        TrainingConfig(hidden=(6, 6, 6), activation="relu", residual=(False, True, True)),
    )
    trainer.step(3)
    network = plane_network(trainer)
    assert network.residual == (False, True, True)
    for point in ([0.5, -1.2], [2.0, 3.0], [-4.0, 0.3]):
        piece = linear_piece(network, np.array(point))
        logit = trainer.probe(np.array([point])).z[-1][0]
        np.testing.assert_allclose(np.array(point) @ piece.slopes + piece.offset, logit, atol=1e-9)
        # and the same function a little way off, inside the region
        step = np.array(point) + 1e-6
        assert (activation_patterns(network, step[None])[0] == piece.pattern).all()
        np.testing.assert_allclose(step @ piece.slopes + piece.offset, trainer.probe(step[None]).z[-1][0], atol=1e-9)


def test_regions_of_a_probes_z_equal_the_networks_and_wide_layers_fall_back_to_rows() -> None:
    from playground.training.regions import folding_patterns, regions_of

    trainer = _trainer("relu")
    points, _ = grid_points(50, (-6.0, 6.0))
    probe = trainer.probe(points)
    from_probe = regions_of(folding_patterns(probe.z, trainer.model.activations))
    direct = region_map(plane_network(trainer), points)
    np.testing.assert_array_equal(from_probe.ids, direct.ids)
    # More than 64 units: the patterns are compared as rows of bytes; the same regions.
    wide = np.repeat(activation_patterns(plane_network(trainer), points), 6, axis=1)
    assert wide.shape[1] > 64
    np.testing.assert_array_equal(regions_of(wide).ids, direct.ids)
    assert regions_of(np.zeros((5, 0), dtype=bool)).count == 1
