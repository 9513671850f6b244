"""The unfused teaching graph of one point: values, gradients, the step-through and the layout."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from playground.nn import MLP
from playground.training.graph import build_point_graph, leaf_indices, paths_to_loss
from playground.training.graph_layout import layer_nodes, layout_graph
from playground.training.graph_steps import backward_steps, forward_steps, gradients_after, is_elementwise, shares_into
from playground.training.inspect import WeightId, inspect_point, snapshot_model

CASES = [  # (hidden, activation, head, outputs, target)
    ([4, 2], "tanh", "sigmoid", 1, 1.0),
    ([4, 2], "tanh", "sigmoid", 1, 0.0),
    ([3], "relu", "softmax", 3, 2.0),
    ([3, 2], "sigmoid", "identity", 1, 0.4),
    ([], "tanh", "sigmoid", 1, 1.0),
    ([2], "linear", "identity", 1, -1.5),
]


def snapshot(hidden, activation, head, outputs, target, seed=3, x=(0.3, -0.7)):
    model = MLP(2, hidden, outputs, activation, seed=seed)
    return snapshot_model(model, head, np.array(x), target)


def expansions(layers: int) -> list[tuple[int, ...]]:
    return [(), tuple(range(layers)), (0,), (layers - 1,)]


@pytest.mark.parametrize("case", CASES)
def test_unfused_gradients_equal_the_fused_trainer_step(case):
    snap = snapshot(*case)
    fused = inspect_point(snap)  # the model's fused linear layers and fused loss, as the trainer runs them
    for expanded in expansions(len(snap.weights)):
        graph = build_point_graph(snap, expanded)
        assert graph.note == ""
        assert graph.loss == pytest.approx(fused.loss, abs=1e-12)
        for (dW, db), layer in zip(graph.parameter_grads(), fused.layers):
            np.testing.assert_allclose(dW, layer.dL_dW, rtol=0, atol=1e-12)
            np.testing.assert_allclose(db, layer.dL_db, rtol=0, atol=1e-12)


def test_every_shown_number_is_the_engines():
    snap = snapshot([4, 2], "tanh", "sigmoid", 1, 1.0)
    fused = inspect_point(snap)
    graph = build_point_graph(snap)
    for node, tensor in zip(graph.nodes, graph.tensors):
        np.testing.assert_array_equal(node.value, tensor.data)
        if node.grad is not None:
            np.testing.assert_array_equal(node.grad, tensor.grad)
        assert node.op == (tensor.op if tensor.parents else "")  # a constant keeps no op
    by_label = {node.label: node for node in graph.nodes}
    for layer in fused.layers:
        z = by_label[f"z{'⁽' + '¹²³'[layer.index] + '⁾'}"]
        np.testing.assert_allclose(z.value[0], layer.z, atol=1e-12)
        np.testing.assert_allclose(z.grad[0], layer.dL_dz, atol=1e-12)
    assert by_label["p"].value.item() == pytest.approx(fused.output.a[0])
    assert {by_label[name].kind for name in ("x", "W⁽¹⁾", "b⁽³⁾")} == {"input", "parameter"}
    assert by_label["y"].kind == "target" and by_label["y"].grad is None


def _loss(snap, weights=None, inputs=None):
    return build_point_graph(
        snap.__class__(
            **{
                **snap.__dict__,
                **({"weights": weights} if weights else {}),
                **({"inputs": inputs} if inputs is not None else {}),
            }
        )
    ).loss


@pytest.mark.parametrize("case", CASES[:4])
def test_leaf_gradients_equal_central_differences(case):
    snap = snapshot(*case)
    graph = build_point_graph(snap, expanded=(0,))
    eps = 1e-6
    for (dW, db), index in zip(graph.parameter_grads(), range(len(snap.weights))):
        for which, grad in ((0, dW), (1, db)):
            for pos in np.ndindex(grad.shape):
                nudged = []
                for sign in (1, -1):
                    weights = [[W.copy(), b.copy()] for W, b in snap.weights]
                    weights[index][which][pos] += sign * eps
                    nudged.append(_loss(snap, weights=tuple(map(tuple, weights))))
                assert grad[pos] == pytest.approx((nudged[0] - nudged[1]) / (2 * eps), abs=1e-7)
    inputs = [n for n in graph.nodes if n.kind == "input"]
    assert len(inputs) == 2  # the first layer is expanded: one leaf per input
    for i, node in enumerate(inputs):
        up, down = snap.inputs.copy(), snap.inputs.copy()
        up[i] += eps
        down[i] -= eps
        numeric = (_loss(snap, inputs=up) - _loss(snap, inputs=down)) / (2 * eps)
        assert node.grad.item() == pytest.approx(numeric, abs=1e-7)


@pytest.mark.parametrize("case", CASES)
def test_walking_the_backward_pass_adds_up_to_each_gradient(case):
    snap = snapshot(*case)
    for expanded in expansions(len(snap.weights)):
        graph = build_point_graph(snap, expanded)
        steps = backward_steps(graph)
        assert len(steps) == sum(node.kind == "op" for node in graph.nodes)
        final = gradients_after(graph, steps, len(steps))
        for node in graph.nodes:
            if node.grad is None:
                assert node.index not in final
                continue
            total = (
                sum(share.value for _, share in shares_into(steps, node.index))
                if node.index != graph.root
                else np.ones_like(node.value)
            )
            np.testing.assert_allclose(total, node.grad, rtol=0, atol=1e-13)
            np.testing.assert_allclose(final[node.index], node.grad, rtol=0, atol=1e-13)
        # The engine's order: a node is stepped only after every node it feeds.
        done = set()
        children = graph.children()
        for step in steps:
            assert all(child in done for child in children[step.node])
            done.add(step.node)


def test_elementwise_shares_are_incoming_times_local():
    graph = build_point_graph(snapshot([4, 2], "tanh", "sigmoid", 1, 1.0))
    checked = 0
    for step in backward_steps(graph):
        op = graph.nodes[step.node].op
        for share in step.contributions:
            if is_elementwise(op):
                product = step.incoming * share.local
                np.testing.assert_allclose(
                    share.value,
                    product.reshape(-1)[: share.value.size].reshape(share.value.shape)
                    if product.shape != share.value.shape
                    else product,
                    atol=1e-15,
                )
                checked += 1
            else:
                assert share.local is None
    assert checked >= 8
    tanh = next(s for s in backward_steps(graph) if graph.nodes[s.node].op == "tanh")
    a = graph.nodes[tanh.node].value
    np.testing.assert_allclose(tanh.contributions[0].local, 1 - a * a, atol=1e-15)


def test_a_node_reached_by_two_paths_shows_both_shares():
    graph = build_point_graph(snapshot([4, 2], "tanh", "sigmoid", 1, 0.0))
    steps = backward_steps(graph)
    p = next(node for node in graph.nodes if node.label == "p")
    shares = shares_into(steps, p.index)
    assert len(shares) == 2  # through log p and through 1 − p
    assert sum(share.value for _, share in shares).item() == pytest.approx(p.grad.item(), abs=1e-15)
    partial = gradients_after(graph, steps, shares[0][0] + 1)
    np.testing.assert_allclose(partial[p.index], shares[0][1].value)


def test_forward_steps_follow_creation_order_with_their_inputs():
    graph = build_point_graph(snapshot([4, 2], "tanh", "sigmoid", 1, 1.0), expanded=(1,))
    steps = forward_steps(graph)
    seen = {node.index for node in graph.nodes if node.is_leaf}
    for step in steps:
        node = graph.nodes[step.node]
        assert set(node.parents) <= seen
        for value, parent in zip(step.inputs, node.parents):
            np.testing.assert_array_equal(value, graph.nodes[parent].value)
        seen.add(step.node)
    assert steps[-1].node == graph.root


def test_saturated_point_ends_in_the_fused_loss_and_says_why():
    snap = snapshot([], "tanh", "sigmoid", 1, 1.0, x=(40.0, 40.0))
    weights = ((np.array([[1.0], [1.0]]), np.array([0.0])),)
    snap = snap.__class__(**{**snap.__dict__, "weights": weights})  # z = 80: σ(z) rounds to 1
    graph = build_point_graph(snap)
    assert "fused bce_with_logits" in graph.note
    assert graph.nodes[graph.root].op == "bce_with_logits"
    fused = inspect_point(snap)
    np.testing.assert_allclose(graph.parameter_grads()[0][0], fused.layers[0].dL_dW, atol=1e-15)


def test_a_diverged_regression_network_gives_inf_quietly():
    # Found by the monkey test: inspecting a point of a diverged regression raised numpy's overflow warning.
    snap = snapshot([2], "linear", "identity", 1, 0.0)
    weights = tuple((w * 1e200, b) for w, b in snap.weights)
    snap = snap.__class__(**{**snap.__dict__, "weights": weights})
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        graph = build_point_graph(snap)
    assert not np.isfinite(graph.nodes[graph.root].value).all()


def test_collapsed_default_network_stays_small_and_expansion_names_weights():
    snap = snapshot([16, 16], "tanh", "sigmoid", 1, 1.0)
    graph = build_point_graph(snap)
    assert len(graph.nodes) < 30
    assert graph.find_weight(WeightId(1, 3, 5)) == next(n.index for n in graph.nodes if n.label == "W⁽²⁾")
    small = build_point_graph(snapshot([4, 2], "tanh", "sigmoid", 1, 1.0), expanded=(0, 1, 2))
    w = small.find_weight(WeightId(0, 0, 0))
    assert small.nodes[w].label == "w₁₁⁽¹⁾"
    nodes, edges, count = paths_to_loss(small, w)
    assert count == 2 * 2  # through the 2 units of layer 2, then p's two paths (log p, 1 − p)
    assert small.root in nodes and all(p in nodes and c in nodes for p, c in edges)
    assert set(leaf_indices(small)) >= {w}
    with pytest.raises(ValueError, match="cannot expand \\[5\\]"):
        build_point_graph(snap, expanded=(5,))


def test_layout_runs_left_to_right_and_orders_to_avoid_crossings():
    for expanded in ((), (0, 1, 2)):
        graph = build_point_graph(snapshot([4, 2], "tanh", "sigmoid", 1, 1.0), expanded)
        layout = layout_graph(len(graph.nodes), graph.edges)
        for parent, child in graph.edges:
            assert layout.positions[parent][0] < layout.positions[child][0]
            path = layout.paths[(parent, child)]
            assert [x for x, _ in path] == list(np.arange(path[0][0], path[-1][0] + 1))
        assert len(set(layout.positions.values())) == len(graph.nodes)
    assert (
        layout_graph(
            len(build_point_graph(snapshot([16, 16], "tanh", "sigmoid", 1, 1.0)).nodes),
            build_point_graph(snapshot([16, 16], "tanh", "sigmoid", 1, 1.0)).edges,
        ).crossings
        == 0
    )
    # Two sources listed crosswise: 0 feeds 3, 1 feeds 2; barycentres uncross them.
    crossed = layout_graph(4, [(0, 3), (1, 2)])
    assert crossed.crossings == 0
    # A leaf sits just left of its first consumer.
    assert layer_nodes(4, [(0, 1), (1, 3), (2, 3)]) == [0, 1, 1, 2]
    with pytest.raises(ValueError, match="against the node order"):
        layer_nodes(2, [(1, 0)])
