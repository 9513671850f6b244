"""The plane carried through the network: stages equal the trainer's probe, planes held, morphs interpolate."""

from __future__ import annotations

import numpy as np
import pytest

from playground.data.features import compute_features
from playground.data.generators import make_dataset
from playground.training import Trainer, TrainingConfig, grid_points
from playground.training.forward import Network
from playground.training.planes import output_plane
from playground.training.transforms import (
    StageProjector,
    decision_line,
    grid_lines,
    morph,
    network_on_features,
    network_stages,
    trainer_stages,
)


def _trainer(hidden: tuple[int, ...], activation: str = "tanh", epochs: int = 3, **fields: object) -> Trainer:
    trainer = Trainer(
        make_dataset("vshape", n=80, noise=0.1, seed=0), TrainingConfig(hidden=hidden, activation=activation, **fields)
    )
    trainer.step(epochs)
    return trainer


def _carried(count: int = 5, samples: int = 7) -> tuple[np.ndarray, np.ndarray]:
    lines = grid_lines(count, samples)
    points = make_dataset("vshape", n=30, seed=1).X
    return lines, np.concatenate([lines.reshape(-1, 2), points])


def test_grid_lines_are_straight_lines_across_the_domain() -> None:
    lines = grid_lines(3, 4, (-1.0, 1.0))
    assert lines.shape == (6, 4, 2)
    np.testing.assert_allclose(lines[0], [[-1, -1], [-1 / 3, -1], [1 / 3, -1], [1, -1]])
    np.testing.assert_allclose(lines[4], [[0, -1], [0, -1 / 3], [0, 1 / 3], [0, 1]])
    with pytest.raises(ValueError, match="count"):
        grid_lines(1)


def test_two_unit_stages_equal_the_probe_exactly_with_chapter_labels() -> None:
    trainer = _trainer((4, 2))
    _, X = _carried()
    stages = trainer_stages(trainer, X)
    assert [s.label for s in stages] == [
        "a(0) = x",
        "z(1) = W(1) a(0) + b(1)",
        "a(1) = tanh(z(1))",
        "z(2) = W(2) a(1) + b(2)",
        "a(2) = tanh(z(2))",
        "z(3) = W(3) a(2) + b(3)",
        "a(3) = sigmoid(z(3))",
    ]
    probe = trainer.probe(X)
    expected = [probe.inputs]
    for z, a in zip(probe.z, probe.a):
        expected += [z, a]
    assert len(expected) == len(stages)
    for stage, values in zip(stages, expected):
        np.testing.assert_allclose(stage.values, values, atol=1e-12)
    coords = StageProjector().project(stages, Network.from_trainer(trainer))
    # Two-unit layers are drawn as they are; the one-unit output on the horizontal axis.
    np.testing.assert_allclose(coords[4], probe.a[1], atol=1e-12)
    np.testing.assert_allclose(coords[5], np.column_stack([probe.z[2][:, 0], np.zeros(len(X))]), atol=1e-12)


def test_wide_stages_are_projected_on_planes_held_across_epochs() -> None:
    trainer = _trainer((16, 16))
    _, X = _carried()
    network = Network.from_trainer(trainer)
    projector = StageProjector("output")
    projector.project(trainer_stages(trainer, X), network)
    planes = list(projector.planes)
    # The stage feeding the output (a(2)) is drawn in the output-aligned plane of the first picture.
    first_a2 = trainer.probe(X).a[1]
    np.testing.assert_allclose(planes[4].basis, output_plane(network.weights[-1][0][:, 0], first_a2).basis)
    trainer.step(5)
    stages = trainer_stages(trainer, X)
    later = Network.from_trainer(trainer)
    coords = projector.project(stages, later)
    # PCA planes are held, not refitted; the output-aligned one turns with the output weights (exact),
    # around the same origin.
    assert all(a is b for i, (a, b) in enumerate(zip(projector.planes, planes)) if i != 4)
    turned = projector.planes[4]
    np.testing.assert_allclose(turned.origin, planes[4].origin)
    w = later.weights[-1][0][:, 0]
    np.testing.assert_allclose(turned.basis[0], w / np.linalg.norm(w), atol=1e-12)
    assert turned.basis[1] @ planes[4].basis[1] > 0.5  # the same sign: no flip
    probe = trainer.probe(X)
    for coord, values, plane in ((coords[1], probe.z[0], planes[1]), (coords[4], probe.a[1], turned)):
        np.testing.assert_allclose(coord, (values - plane.origin) @ plane.basis.T, atol=1e-12)
    projector.refit()
    projector.project(stages, Network.from_trainer(trainer))
    assert not np.allclose(projector.planes[4].origin, planes[4].origin)


def test_the_decision_line_is_exact_in_the_output_aligned_plane() -> None:
    trainer = _trainer((16, 16))
    _, X = _carried()
    network = Network.from_trainer(trainer)
    stages = network_stages(network, trainer.features(X))
    projector = StageProjector("output")
    coords = projector.project(stages, network)
    normal, offset = decision_line(network, stages[4], projector.planes[4])
    np.testing.assert_allclose(coords[4] @ normal + offset, trainer.probe(X).z[2][:, 0], atol=1e-10)
    assert decision_line(network, stages[2], projector.planes[2]) is None  # a(1) does not feed the output


def test_morph_interpolates_positions_between_consecutive_stages() -> None:
    a, b, c = np.zeros((2, 2)), np.ones((2, 2)), np.full((2, 2), 3.0)
    np.testing.assert_allclose(morph([a, b, c], 1.0), b)
    np.testing.assert_allclose(morph([a, b, c], 1.25), np.full((2, 2), 1.5))
    np.testing.assert_allclose(morph([a, b, c], 2.0), c)
    with pytest.raises(ValueError, match=r"\[0, 2\]"):
        morph([a, b, c], 2.5)


def test_unknown_projection_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown projection 'tsne'"):
        StageProjector("tsne")


def test_a_frames_probe_gives_the_network_on_raw_features_standardisation_included() -> None:
    trainer = _trainer((5, 3), standardize=True, features=("x1", "x2", "x1^2"))
    grid, _ = grid_points(12, (-6.0, 6.0))
    names = trainer.config.features
    network = Network.from_trainer(trainer)
    fitted = network_on_features(
        network.weights, network.activations, network.head, compute_features(grid, names), trainer.probe(grid).z[0]
    )
    _, X = _carried()
    stages = network_stages(fitted, compute_features(X, names))
    probe = trainer.probe(X)
    np.testing.assert_allclose(stages[0].values, compute_features(X, names))  # the raw features
    np.testing.assert_allclose(stages[1].values, probe.z[0], atol=1e-9)
    np.testing.assert_allclose(stages[-1].values, probe.a[-1], atol=1e-9)


@pytest.mark.parametrize("classes", [3, 2])
def test_softmax_output_plane_is_exact_and_its_edges_classify_every_point(classes: int) -> None:
    """For k classes the decision between i and j is linear in the last hidden layer; with k <= 3 the
    logit-difference directions span at most a plane, so the regions drawn on it are the network's."""
    from playground.training.planes import classes_in_plane, is_exact, logits_in_plane
    from playground.training.transforms import decision_segments

    name = "blobs" if classes == 3 else "spiral"
    trainer = Trainer(
        make_dataset(name, n=150, noise=0.3, seed=1, classes=classes),
        TrainingConfig(hidden=(8, 6), activation="relu"),
    )
    trainer.step(8)
    network = Network.from_trainer(trainer)
    if classes == 2:  # two classes train a sigmoid; force a softmax head of two logits
        W, b = network.weights[-1]
        network = Network(
            (*network.weights[:-1], (np.column_stack([-W[:, 0], W[:, 0]]) / 2, np.array([0.0, 0.0]))),
            network.activations,
            "softmax",
        )
    points, _ = grid_points(40, (-6.0, 6.0))
    stages = network_stages(network, trainer.features(points))
    projector = StageProjector("output")
    coords = projector.project(stages, network)
    feeding = next(i for i, s in enumerate(stages) if s.kind == "activation" and s.layer == 2)
    plane = projector.planes[feeding]
    W, b = network.weights[-1]
    assert plane.labels == (
        ("output direction 1", "output direction 2") if classes == 3 else ("output direction", "main other direction")
    )
    assert is_exact(W, plane) and np.ptp(coords[feeding], axis=0).min() > 0  # a plane, not a line
    A, c = logits_in_plane(W, b, plane)
    drawn = classes_in_plane(A, c, coords[feeding])
    np.testing.assert_array_equal(drawn, network.logits(trainer.features(points)).argmax(axis=1))
    assert len(set(drawn)) > 1
    # The drawn edges lie where two classes' logits tie and beat the others.
    uv = coords[feeding]
    rect = (*uv.min(axis=0), *uv.max(axis=0))
    edges = decision_segments(network, stages[feeding], plane, rect)
    assert edges is not None and len(edges)
    logits = edges @ A + c
    top2 = np.sort(logits, axis=1)[:, -2:]
    np.testing.assert_allclose(top2[:, 0], top2[:, 1], atol=1e-8)
    assert decision_segments(network, stages[feeding - 1], projector.planes[feeding - 1], rect) is None


def test_a_skip_connection_shows_in_the_stage_and_its_formula() -> None:
    trainer = _trainer((4, 4), residual=(False, True))
    _, X = _carried()
    stages = trainer_stages(trainer, X)
    probe = trainer.probe(X)
    assert stages[4].label == "a(2) = tanh(z(2)) + a(1)"
    np.testing.assert_allclose(stages[4].values, probe.a[1], atol=1e-12)
    np.testing.assert_allclose(stages[4].values, np.tanh(probe.z[1]) + probe.a[0], atol=1e-12)
