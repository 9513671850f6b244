"""Skip connections in the MLP: the forward pass by hand, central differences, and the width checks."""

from __future__ import annotations

import numpy as np
import pytest

from playground import nn
from playground.engine import Tensor, bce_with_logits, gradcheck


def hand_forward(model: nn.MLP, X: np.ndarray, skips: list[bool]) -> np.ndarray:
    """``a(l) = tanh(a(l-1) W + b) (+ a(l-1) on a skip)`` written out in numpy."""
    a = X
    for layer, skip in zip(model.layers[:-1], skips):
        out = np.tanh(a @ layer.W.data + layer.b.data)
        a = out + a if skip else out
    last = model.layers[-1]
    return a @ last.W.data + last.b.data


def test_the_forward_pass_adds_each_flagged_layers_input():
    model = nn.MLP(3, [3, 5, 5, 5], 2, "tanh", seed=4, residual=[True, False, True, True])
    X = np.random.default_rng(0).normal(size=(7, 3))
    logits = model(X).data
    np.testing.assert_allclose(logits, hand_forward(model, X, [True, False, True, True]), rtol=0, atol=1e-14)
    # The skips change the output: the same weights without them give other logits.
    assert np.abs(logits - hand_forward(model, X, [False] * 4)).max() > 1e-3
    trace: list[nn.LayerTrace] = []
    model(X, trace=trace)
    np.testing.assert_allclose(trace[2].a.data, np.tanh(trace[2].z.data) + trace[1].a.data, atol=1e-15)
    assert model.layer_labels()[:2] == ["layer 1: 3 tanh + skip", "layer 2: 5 tanh"]


def test_no_flags_is_the_plain_network():
    plain = nn.MLP(2, [4, 4], 1, seed=1)
    flagged = nn.MLP(2, [4, 4], 1, seed=1, residual=[False, False])
    X = np.random.default_rng(1).normal(size=(5, 2))
    np.testing.assert_array_equal(plain(X).data, flagged(X).data)
    assert plain.residual == flagged.residual == [False, False]


@pytest.mark.parametrize("activation", ["tanh", "relu", "sigmoid", "linear"])
def test_gradients_through_the_skips_equal_central_differences(activation):
    model = nn.MLP(2, [2, 4, 4], 1, activation, seed=2, residual=[True, False, True])
    rng = np.random.default_rng(3)
    X = Tensor(rng.normal(size=(6, 2)), requires_grad=True)
    y = (rng.random((6, 1)) < 0.5).astype(float)
    params = model.parameters()

    def loss(x: Tensor, *weights: Tensor) -> Tensor:
        return bce_with_logits(model(x), y)

    assert gradcheck(loss, [X, *params])


def test_dropout_masks_only_the_layers_own_output():
    model = nn.MLP(2, [2], 1, "tanh", seed=0, residual=[True])
    X = np.random.default_rng(2).normal(size=(50, 2))
    trace: list[nn.LayerTrace] = []
    model(X, trace=trace, dropout=0.5, rng=np.random.default_rng(0))
    a, z = trace[0].a.data, trace[0].z.data
    dropped = np.isclose(a, X)  # a dropped unit passes its input through the skip unchanged
    kept = np.isclose(a, 2.0 * np.tanh(z) + X)
    assert dropped.any() and kept.any() and (dropped | kept).all()


def test_a_skip_needs_a_layer_as_wide_as_its_input():
    with pytest.raises(ValueError, match="hidden layer 2 has a skip connection but 4 units for 3 inputs"):
        nn.MLP(2, [3, 4], 1, residual=[False, True])
    with pytest.raises(ValueError, match="hidden layer 1 .* 3 units for 2 inputs"):
        nn.MLP(2, [3], 1, residual=[True])
    with pytest.raises(ValueError, match="1 residual flags given for 2 hidden layers"):
        nn.MLP(2, [2, 2], 1, residual=[True])


def test_the_network_and_its_config_find_the_same_unequal_skip():
    from playground.nn.mlp import unequal_skip
    from playground.training import TrainingConfig

    assert unequal_skip([2, 2, 2, 5], [True, True, False]) is None
    assert unequal_skip([2, 2, 3, 3], [True, True, True]) == 1
    with pytest.raises(ValueError, match=r"TrainingConfig\.residual: layer 2 has 3 units but its input has 2"):
        TrainingConfig(hidden=(2, 3, 3), residual=(True, True, True))
