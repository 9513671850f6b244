"""Skip connections through the config, the trainer, session files, recipes, the hand-written
forward passes, the chain rule of one point and the unfused teaching graph."""

from __future__ import annotations

import json

import numpy as np
import pytest

from playground.data.spec import DatasetSpec
from playground.training import Trainer, TrainingConfig
from playground.training.forward import Network, batched_logits
from playground.training.graph import build_point_graph, paths_to_loss, routes_taken, weight_routes
from playground.training.graph_steps import backward_steps, shares_into
from playground.training.inspect import WeightId, explain, inspect_point, parameter_ids, snapshot_point
from playground.training.recipes import parse_recipe, recipe_of
from playground.training.sessions import load_session, save_session

SPEC = DatasetSpec("spiral", 120, 0.1, 0, 0.25, 2)
CONFIG = TrainingConfig(hidden=(2, 4, 4), residual=(True, False, True), optimizer="adam", batch_size=16)


def trained(config: TrainingConfig = CONFIG, epochs: int = 5) -> Trainer:
    trainer = Trainer(SPEC.make(), config)
    trainer.step(epochs)
    return trainer


def test_the_config_checks_one_flag_per_layer_and_equal_widths():
    assert TrainingConfig(hidden=(4, 4), residual=(False, False)).residual == ()  # one spelling of "no skips"
    assert TrainingConfig(hidden=(4, 4), residual=[False, True]).residual == (False, True)
    with pytest.raises(ValueError, match=r"TrainingConfig.residual: needs one flag per hidden layer \(2\)"):
        TrainingConfig(hidden=(4, 4), residual=(True,))
    with pytest.raises(ValueError, match="layer 2 has 8 units but its input has 4"):
        TrainingConfig(hidden=(4, 8), residual=(False, True))
    with pytest.raises(ValueError, match="layer 1 has 4 units but its input has 2"):
        TrainingConfig(hidden=(4, 4), residual=(True, False))  # the input is the two features x1, x2
    with pytest.raises(ValueError, match="TrainingConfig.residual: must be a list of true/false flags"):
        TrainingConfig(hidden=(4,), residual=(1,))
    assert "residual" in CONFIG.architecture_changes(CONFIG.replace(residual=()))


def test_the_trainer_builds_and_trains_the_skips():
    trainer = Trainer(SPEC.make(), CONFIG)
    assert trainer.model.residual == [True, False, True]
    plain = Trainer(SPEC.make(), CONFIG.replace(residual=()))
    X = trainer.dataset.X
    assert np.abs(trainer.predict(X) - plain.predict(X)).max() > 1e-6  # same weights, other network


def test_a_session_with_skips_round_trips_through_a_file(tmp_path):
    trainer = trained()
    path = tmp_path / "residual.json"
    save_session(path, trainer)
    assert json.loads(path.read_text())["config"]["residual"] == [True, False, True]
    loaded = load_session(path)
    assert loaded.config == trainer.config and loaded.model.residual == [True, False, True]
    np.testing.assert_array_equal(loaded.predict(trainer.dataset.X), trainer.predict(trainer.dataset.X))
    trainer.step(3)
    loaded.step(3)
    np.testing.assert_array_equal(loaded.model.params.data, trainer.model.params.data)


def test_an_old_session_file_without_the_field_still_loads(tmp_path):
    trainer = trained(CONFIG.replace(residual=()))
    path = tmp_path / "old.json"
    save_session(path, trainer)
    data = json.loads(path.read_text())
    del data["config"]["residual"]  # as files written before skip connections existed
    path.write_text(json.dumps(data))
    assert load_session(path).config.residual == ()


def test_a_recipe_marks_each_skip_with_a_plus_and_trains_identically():
    text = recipe_of(SPEC, CONFIG)
    assert "| 2+,4,4+ tanh |" in text
    spec, config = parse_recipe(text)
    assert (spec, config) == (SPEC, CONFIG)
    a, b = Trainer(SPEC.make(), CONFIG), Trainer(spec.make(), config)
    a.step(4)
    b.step(4)
    np.testing.assert_array_equal(a.model.params.data, b.model.params.data)
    with pytest.raises(ValueError, match="recipe: network part: .*layer 2 has 4 units but its input has 2"):
        parse_recipe(text.replace("2+,4,4+", "2,4+,4"))


def test_the_numpy_forward_passes_include_the_skips():
    trainer = trained()
    X = trainer.features(trainer.dataset.X)
    network = Network.from_trainer(trainer)
    assert network.residual == (True, False, True)
    logits = trainer.model(X).data
    np.testing.assert_allclose(network.logits(X), logits, rtol=0, atol=1e-12)
    params = np.stack([trainer.model.params.data, trainer.model.params.data * 0.5])
    model = trainer.model
    batched = batched_logits(X, params, model.sizes, model.activations, residual=model.residual)
    np.testing.assert_allclose(batched[0], logits, rtol=0, atol=1e-12)
    half = Network.from_flat(params[1], model.sizes, model.activations, "sigmoid", model.residual)
    np.testing.assert_allclose(batched[1], half.logits(X), rtol=0, atol=1e-12)


@pytest.mark.parametrize("expanded", [(), (0, 1, 2, 3), (1,), (2,), (0, 2)])
def test_the_teaching_graph_gives_the_fused_gradients_with_skips(expanded):
    trainer = trained()
    snap = snapshot_point(trainer, trainer.dataset.X[3], trainer.dataset.y[3])
    assert snap.residual == (True, False, True)
    fused = inspect_point(snap)
    graph = build_point_graph(snap, expanded)
    assert graph.loss == pytest.approx(fused.loss, abs=1e-12)
    for (dW, db), layer in zip(graph.parameter_grads(), fused.layers):
        np.testing.assert_allclose(dW, layer.dL_dW, rtol=0, atol=1e-12)
        np.testing.assert_allclose(db, layer.dL_db, rtol=0, atol=1e-12)
    # a⁽²⁾ feeds both layer 3's product and its skip: its gradient is the sum of two shares.
    steps = backward_steps(graph)
    skip_adds = [n for n in graph.nodes if n.op == "add" and n.layer == 2 and graph.nodes[n.parents[0]].op == "tanh"]
    assert len(skip_adds) == (4 if 2 in expanded else 1)
    for add in skip_adds:
        before = add.parents[1]
        shares = shares_into(steps, before)
        assert len(shares) == len(graph.children()[before]) >= 2
        np.testing.assert_allclose(sum(share.value for _, share in shares), graph.nodes[before].grad, atol=1e-14)


def test_the_chain_rule_sums_the_skip_path_too():
    trainer = trained()
    snap = snapshot_point(trainer, trainer.dataset.X[5], trainer.dataset.y[5])
    inspection = inspect_point(snap)
    assert [layer.skip for layer in inspection.layers] == [True, False, True, False]
    assert inspection.layers[0].a_op == "tanh"  # a = tanh(z) + x: the activation is still tanh
    skipped = 0
    for weight in parameter_ids(inspection):
        chain = explain(inspection, weight)
        assert chain.agrees, weight
        if chain.paths:
            assert chain.paths_agree, weight
            skips = [term for term in chain.paths if term.skip]
            if weight.layer == 1:  # layer 3 adds a⁽²⁾: one more path, through its own unit
                assert len(skips) == 1 and skips[0].unit == weight.unit and skips[0].weight == 1.0
                skipped += 1
            else:
                assert not skips
    assert skipped
    # Without the skip term the sum misses ∂L/∂a: the term is needed.
    chain = explain(inspection, WeightId(1, 0, 1))
    without = sum(term.value for term in chain.paths if not term.skip)
    assert abs(without - chain.dL_da) > 1e-9


@pytest.mark.parametrize("expanded", [(0, 1, 2, 3), (2,), (1, 2)])
def test_the_graph_highlights_the_paths_the_chain_rule_sums(expanded):
    trainer = trained()
    snap = snapshot_point(trainer, trainer.dataset.X[7], trainer.dataset.y[7])
    inspection = inspect_point(snap)
    graph = build_point_graph(snap, expanded)
    for weight in (WeightId(1, 1, 3), WeightId(1, None, 0), WeightId(0, 1, 1), WeightId(2, 0, 2)):
        start = graph.find_weight(weight)
        _, edges, count = paths_to_loss(graph, start)
        panel = [(term.unit, term.skip) for term in explain(inspection, weight).paths]
        shown = [(route.unit, route.skip) for route in routes_taken(graph, weight, edges)]
        assert shown == panel == [(r.unit, r.skip) for r in weight_routes(graph, weight)], weight
        if weight.layer == 1:  # into layer 3, which has a skip: 4 units and the skip
            assert panel[-1] == (weight.unit, True) and len(panel) == 5


def test_a_new_layer_count_or_width_keeps_the_skips_that_still_fit():
    config = TrainingConfig(hidden=(2, 4, 4), residual=(True, False, True))
    assert config.replace(hidden=(2, 4, 4, 4)).residual == (True, False, True, False)
    assert config.replace(hidden=(2, 4, 5)).residual == (True, False, False)
    assert config.replace(hidden=(2,)).residual == (True,)
    assert config.replace(hidden=(3, 3)).residual == ()
    assert config.replace(features=("x1", "x2", "x1^2")).residual == (False, False, True)
    assert config.replace(hidden=(2, 2), residual=(True, True)).residual == (True, True)  # given: as given
    with pytest.raises(ValueError, match="layer 2 has 4 units"):
        config.replace(residual=(True, True, True))
