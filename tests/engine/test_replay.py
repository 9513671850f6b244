"""Replaying a recorded graph gives the fresh build's numbers bit for bit (engine/replay.py)."""

from __future__ import annotations

import copy

import numpy as np
import pytest

from playground import nn
from playground.engine import NotReplayable, RecordedSteps, Replay, Tensor, kernels
from playground.engine.replay import _walk


def _batches(n_in: int, head: str, classes: int, dtype: str, steps: int, size: int = 10, seed: int = 0) -> list:
    rng = np.random.default_rng(seed)
    out = []
    for _ in range(steps):
        x = rng.normal(size=(size, n_in)).astype(dtype)
        if head == "softmax":
            y = rng.integers(0, classes, size)
        elif head == "sigmoid":
            y = (rng.random(size) > 0.5).astype(dtype)
        else:
            y = rng.normal(size=size).astype(dtype)
        out.append((x, y))
    return out


def _network(activation: str, head: str, classes: int, dtype: str, residual: bool) -> tuple[nn.MLP, nn.Head]:
    out = classes if head == "softmax" else 1
    model = nn.MLP(3, [3, 3], out, activation, seed=2, dtype=dtype, residual=(False, True) if residual else ())
    return model, nn.get_head(head)


def _fresh(model: nn.MLP, head: nn.Head, x: np.ndarray, y: np.ndarray) -> Tensor:
    model.zero_grad()
    loss = head.loss(model(Tensor(x)), y)
    loss.backward()
    return loss


def _nodes(root: Tensor) -> list[Tensor]:
    return _walk(root)[0]


CASES = [
    ("tanh", "sigmoid", 2, "float64", False),
    ("relu", "sigmoid", 2, "float64", False),
    ("sigmoid", "sigmoid", 2, "float64", False),
    ("leaky_relu", "identity", 1, "float64", False),
    ("tanh", "identity", 1, "float64", True),
    ("relu", "softmax", 4, "float64", True),
    ("tanh", "softmax", 3, "float32", False),
    ("sigmoid", "identity", 1, "float32", True),
]


@pytest.mark.parametrize(("activation", "head_name", "classes", "dtype", "residual"), CASES)
def test_replay_gives_the_fresh_builds_values_and_gradients_bit_for_bit(
    activation, head_name, classes, dtype, residual
):
    fresh_model, head = _network(activation, head_name, classes, dtype, residual)
    replay_model, _ = _network(activation, head_name, classes, dtype, residual)
    fresh_opt = nn.make_optimizer("adam", fresh_model.params, 0.05)
    replay_opt = nn.make_optimizer("adam", replay_model.params, 0.05)
    batches = _batches(3, head_name, classes, dtype, steps=30)
    x0, y0 = batches[0]
    batch, targets = Tensor(x0.copy()), y0.copy()
    replay_model.zero_grad()
    recorded_root = head.loss(replay_model(batch), targets)
    recorded_root.backward()
    replay = Replay(recorded_root, (batch.data, targets))
    for step, (x, y) in enumerate(batches):
        fresh_loss = _fresh(fresh_model, head, x, y)
        replay_model.zero_grad()
        root = replay.run(x, y)
        assert root is recorded_root  # no new nodes
        assert root.data.tobytes() == fresh_loss.data.tobytes(), f"loss differs at step {step}"
        assert replay_model.params.grad.tobytes() == fresh_model.params.grad.tobytes(), f"gradient at step {step}"
        # Every inner node holds the value and gradient the fresh graph's node has.
        for mine, theirs in zip(_nodes(root), _nodes(fresh_loss), strict=True):
            assert mine.op == theirs.op
            assert mine.data.tobytes() == theirs.data.tobytes(), f"{mine.op} value at step {step}"
            assert mine.grad is not None and theirs.grad is not None
            assert mine.grad.tobytes() == theirs.grad.tobytes(), f"{mine.op} gradient at step {step}"
        fresh_opt.step()
        replay_opt.step()
    assert replay_model.params.data.tobytes() == fresh_model.params.data.tobytes()


def test_a_replay_reads_weights_edited_in_place():
    model, head = _network("tanh", "sigmoid", 2, "float64", False)
    twin, _ = _network("tanh", "sigmoid", 2, "float64", False)
    (x, y), (x2, y2) = _batches(3, "sigmoid", 2, "float64", steps=2)
    batch, targets = Tensor(x.copy()), y.copy()
    root = head.loss(model(batch), targets)
    root.backward()
    replay = Replay(root, (batch.data, targets))
    for m in (model, twin):
        m.layers[1].W.data[0, 2] = 1.75  # a hand edit writes into the flat buffer
        m.layers[0].b.data[1] = -0.5
    model.zero_grad()
    replay.run(x2, y2)
    fresh = _fresh(twin, head, x2, y2)
    assert root.item() == fresh.item()
    assert model.params.grad.tobytes() == twin.params.grad.tobytes()


def test_the_replayed_graph_stays_the_engines_own():
    """The chain-rule and graph views walk ``parents`` and read values; Tensor.backward works on it too."""
    model, head = _network("relu", "softmax", 3, "float64", True)
    (x, y), (x2, y2) = _batches(3, "softmax", 3, "float64", steps=2)
    batch, labels = Tensor(x.copy()), y.copy()
    root = head.loss(model(batch), labels)
    root.backward()
    replay = Replay(root, (batch.data, labels))
    replay.forward(x2, y2)
    model.zero_grad()
    root.backward()  # the engine's own walk over the replayed nodes
    by_walk = model.params.grad.copy()
    model.zero_grad()
    replay.backward()
    assert model.params.grad.tobytes() == by_walk.tobytes()
    assert [node.op for node in replay.nodes] == [
        "linear",
        "relu",
        "linear",
        "relu",
        "add",
        "linear",
        "softmax_cross_entropy",
    ]
    np.testing.assert_array_equal(batch.data, x2)


def test_an_op_without_a_forward_cannot_be_recorded():
    w = Tensor(np.ones(3), requires_grad=True)
    root = (w.exp() * 2.0).sum()
    with pytest.raises(NotReplayable, match="'exp'"):
        Replay(root, ())


def test_a_feed_the_graph_does_not_read_is_refused():
    model, head = _network("tanh", "sigmoid", 2, "float64", False)
    x, y = _batches(3, "sigmoid", 2, "float64", steps=1)[0]
    batch = Tensor(x)
    root = head.loss(model(batch), y)
    with pytest.raises(NotReplayable, match="feed 1"):
        Replay(root, (batch.data, y.copy()))  # the loss keeps y, not this copy
    with pytest.raises(NotReplayable, match="root"):
        Replay(Tensor(np.ones(2)), ())


def test_values_that_do_not_fit_are_refused_and_change_nothing():
    model, head = _network("tanh", "sigmoid", 2, "float64", False)
    x, y = _batches(3, "sigmoid", 2, "float64", steps=1)[0]
    batch, targets = Tensor(x.copy()), y.copy()
    root = head.loss(model(batch), targets)
    replay = Replay(root, (batch.data, targets))
    before = root.item()
    for bad in ((x[:5], y[:5]), (x.astype(np.float32), y), (x,)):
        assert not replay.fits(*bad)
        with pytest.raises(ValueError, match="recorded graph takes"):
            replay.forward(*bad)
    np.testing.assert_array_equal(batch.data, x)
    assert root.item() == before


def test_a_rebound_leaf_makes_the_recording_unfit():
    model, head = _network("tanh", "sigmoid", 2, "float64", False)
    x, y = _batches(3, "sigmoid", 2, "float64", steps=1)[0]
    batch, targets = Tensor(x.copy()), y.copy()
    replay = Replay(head.loss(model(batch), targets), (batch.data, targets))
    assert replay.fits(x, y)
    model.layers[0].W.data = model.layers[0].W.data.copy()  # the closures still hold the old array
    assert not replay.fits(x, y)


def test_replayed_labels_are_checked_like_fresh_ones():
    model, head = _network("tanh", "softmax", 3, "float64", False)
    x, y = _batches(3, "softmax", 3, "float64", steps=1)[0]
    batch, labels = Tensor(x.copy()), y.copy()
    replay = Replay(head.loss(model(batch), labels), (batch.data, labels))
    with pytest.raises(ValueError, match=r"labels must lie in 0\.\.2"):
        replay.forward(x, np.full(10, 3))


def test_recorded_steps_keep_one_recording_per_shape():
    model, head = _network("tanh", "sigmoid", 2, "float64", False)
    steps = RecordedSteps(limit=2)
    full, short = _batches(3, "sigmoid", 2, "float64", steps=1)[0], _batches(3, "sigmoid", 2, "float64", 1, size=4)[0]
    assert steps.find(*full) is None
    for x, y in (full, short):
        batch, targets = Tensor(x.copy()), y.copy()
        assert steps.record(head.loss(model(batch), targets), (batch.data, targets)) is not None
    assert len(steps) == 2
    assert steps.find(*full) is not steps.find(*short)
    assert steps.find(*full).fits(*full)
    w = Tensor(np.ones(3), requires_grad=True)
    assert steps.record(w.exp().sum(), ()) is None  # not replayable: nothing recorded
    assert steps.record(w.tanh() + w, ()) is None  # that layout was refused: not tried again until clear()
    x, y = _batches(3, "sigmoid", 2, "float64", 1, size=7)[0]
    batch, targets = Tensor(x.copy()), y.copy()
    steps.record(head.loss(model(batch), targets), (batch.data, targets))
    assert len(steps) == 1  # a third shape: the shapes keep changing, start over
    steps.clear()
    assert len(steps) == 0
    assert steps.record(w.tanh() + w, ()) is not None
    with pytest.raises(ValueError, match="limit"):
        RecordedSteps(limit=0)


@pytest.mark.parametrize("size", [5, 5000, 40000])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_tanh_into_writes_what_tanh_returns(size, dtype):
    x = np.random.default_rng(1).normal(scale=3.0, size=size).astype(dtype)
    out = np.empty_like(x)
    assert kernels.tanh_into(out, x) is out
    assert out.tobytes() == kernels.tanh(x).tobytes()
    kernels.tanh_into(x, x)  # in place
    assert x.tobytes() == out.tobytes()


def test_a_copy_never_shares_a_recording():
    """Copied tensors would keep the original closures: a copy of the steps starts empty instead."""
    model, head = _network("tanh", "sigmoid", 2, "float64", False)
    x, y = _batches(3, "sigmoid", 2, "float64", steps=1)[0]
    steps = RecordedSteps(limit=3)
    batch, targets = Tensor(x.copy()), y.copy()
    replay = steps.record(head.loss(model(batch), targets), (batch.data, targets))
    for copied in (copy.deepcopy(steps), copy.copy(steps)):
        assert len(copied) == 0 and copied.limit == 3
    for copier in (copy.deepcopy, copy.copy):
        with pytest.raises(TypeError, match="cannot be copied"):
            copier(replay)
