"""TrainingConfig: validation that names the field, tuples, dict round trips, architecture diffs."""

from __future__ import annotations

import dataclasses
import json
import math

import pytest

from playground.training import TrainingConfig
from playground.training.config import ARCHITECTURE_FIELDS, MAX_HIDDEN_LAYERS


def test_defaults_are_valid_and_documented_values():
    cfg = TrainingConfig()
    assert cfg.hidden == (8, 8)
    assert cfg.activation == "tanh"
    assert cfg.activations == ("tanh", "tanh")
    assert cfg.features == ("x1", "x2")
    assert cfg.optimizer == "sgd" and cfg.lr == 0.03 and cfg.batch_size == 10
    assert cfg.l1 == cfg.l2 == cfg.weight_decay == cfg.dropout == 0.0
    assert cfg.patience == 0 and cfg.max_epochs == 0 and cfg.seed == 0
    assert cfg.dtype == "float64" and cfg.standardize is False
    # Every field survives a re-validation unchanged.
    assert TrainingConfig(**{f.name: getattr(cfg, f.name) for f in dataclasses.fields(cfg)}) == cfg


def test_is_frozen():
    with pytest.raises(dataclasses.FrozenInstanceError):
        TrainingConfig().lr = 1.0  # type: ignore[misc]


BAD_VALUES = [
    ("lr", math.nan),
    ("lr", math.inf),
    ("lr", -math.inf),
    ("lr", -0.1),
    ("lr", 0),
    ("lr", 0.0),
    ("lr", "0.1"),
    ("lr", None),
    ("lr", True),
    ("lr", 1e6),
    ("momentum", 1.0),
    ("momentum", 1),
    ("momentum", 1.5),
    ("momentum", -0.1),
    ("momentum", math.nan),
    ("batch_size", 0),
    ("batch_size", -5),
    ("batch_size", 10.0),
    ("batch_size", 2.5),
    ("batch_size", True),
    ("batch_size", False),
    ("batch_size", "10"),
    ("dropout", 1),
    ("dropout", 1.0),
    ("dropout", -0.1),
    ("dropout", math.nan),
    ("l1", -1e-3),
    ("l1", math.inf),
    ("l2", -1.0),
    ("l2", math.nan),
    ("weight_decay", -0.5),
    ("weight_decay", 2.0),
    ("activation", "swish"),
    ("activation", "Tanh"),
    ("activation", ""),
    ("activation", 3),
    ("activation", None),
    ("optimizer", "rmsprop"),
    ("optimizer", "SGD"),
    ("optimizer", None),
    ("init", "glorot"),
    ("init", ""),
    ("init", 0),
    ("schedule", "cosine"),
    ("schedule", None),
    ("schedule_gamma", 0.0),
    ("schedule_gamma", 1.5),
    ("schedule_every", 0),
    ("features", ("x1", "x3")),
    ("features", ("x1", "cos(x1)")),
    ("features", ("x1", "x1")),
    ("features", ["x1", "x2", "x1"]),
    ("features", ()),
    ("features", []),
    ("features", "x1"),
    ("features", None),
    ("hidden", (8,) * (MAX_HIDDEN_LAYERS + 1)),
    ("hidden", (0,)),
    ("hidden", (-3, 4)),
    ("hidden", (4.0,)),
    ("hidden", (True,)),
    ("hidden", (65,)),
    ("hidden", "8,8"),
    ("hidden", 8),
    ("hidden", None),
    ("seed", -1),
    ("seed", 1.5),
    ("seed", True),
    ("seed", 2**32),
    ("seed", "0"),
    ("patience", -1),
    ("patience", 2.0),
    ("max_epochs", -1),
    ("max_epochs", None),
    ("standardize", 1),
    ("standardize", "yes"),
    ("standardize", None),
    ("dtype", "float16"),
    ("dtype", "int64"),
    ("dtype", None),
]


@pytest.mark.parametrize("field,value", BAD_VALUES, ids=[f"{f}={v!r}" for f, v in BAD_VALUES])
def test_invalid_values_raise_valueerror_naming_the_field(field, value):
    with pytest.raises(ValueError) as info:
        TrainingConfig(**{field: value})
    assert f"TrainingConfig.{field}" in str(info.value)
    # The message shows the offending value too, so the person can see what was wrong.
    assert "got" in str(info.value)


@pytest.mark.parametrize(
    "activation,hidden",
    [
        (("tanh",), (8, 8)),
        (("tanh", "relu", "tanh"), (8, 8)),
        ((), (8,)),
        (("tanh", "swish"), (8, 8)),
        (["relu"], ()),
    ],
)
def test_per_layer_activation_list_must_fit_the_layers(activation, hidden):
    with pytest.raises(ValueError, match=r"TrainingConfig\.activation"):
        TrainingConfig(hidden=hidden, activation=activation)


def test_boundary_values_are_accepted():
    cfg = TrainingConfig(
        lr=100.0,
        momentum=0.999,
        batch_size=1,
        dropout=0.9,
        l1=0.0,
        l2=10.0,
        weight_decay=1.0,
        seed=2**32 - 1,
        hidden=(64,) * MAX_HIDDEN_LAYERS,
        activation="relu",
        schedule_gamma=1.0,
        patience=0,
        max_epochs=0,
    )
    assert cfg.lr == 100.0 and cfg.momentum == 0.999 and len(cfg.hidden) == MAX_HIDDEN_LAYERS
    assert TrainingConfig(momentum=0).momentum == 0
    assert TrainingConfig(hidden=[]).hidden == ()  # no hidden layer: logistic regression
    assert TrainingConfig(hidden=[], activation=[]).activations == ()


def test_lists_are_stored_as_tuples():
    cfg = TrainingConfig(hidden=[4, 2], activation=["relu", "tanh"], features=["x1", "x2", "x1*x2"])
    assert cfg.hidden == (4, 2) and type(cfg.hidden) is tuple
    assert cfg.activation == ("relu", "tanh") and type(cfg.activation) is tuple
    assert cfg.features == ("x1", "x2", "x1*x2") and type(cfg.features) is tuple
    assert cfg.activations == ("relu", "tanh")
    hash(cfg)  # hashable because everything is a tuple
    assert cfg == TrainingConfig(hidden=(4, 2), activation=("relu", "tanh"), features=("x1", "x2", "x1*x2"))


def test_replace_validates():
    cfg = TrainingConfig()
    assert cfg.replace(lr=0.5).lr == 0.5
    assert cfg.replace(lr=0.5).hidden == cfg.hidden
    with pytest.raises(ValueError, match=r"TrainingConfig\.lr"):
        cfg.replace(lr=-1.0)
    with pytest.raises(ValueError, match=r"TrainingConfig\.batch_size"):
        dataclasses.replace(cfg, batch_size=0)


# Every field but residual away from its default: the round trip and the hyperparameter test use it.
AWAY_FROM_DEFAULTS = TrainingConfig(
    hidden=[4, 2],
    activation=["relu", "sigmoid"],
    features=["x1^2", "x2^2", "sin(x1)"],
    standardize=True,
    init="he",
    optimizer="adam",
    lr=0.2,
    momentum=0.5,
    batch_size=50,
    l1=1e-4,
    l2=0.003,
    weight_decay=0.01,
    dropout=0.25,
    schedule="step",
    schedule_gamma=0.3,
    schedule_every=7,
    patience=12,
    max_epochs=2000,
    seed=12345,
    dtype="float32",
)


@pytest.mark.parametrize(
    "cfg",
    [
        TrainingConfig(),
        AWAY_FROM_DEFAULTS,
        TrainingConfig(hidden=[], activation="linear", features=["x2"]),
    ],
)
def test_to_dict_from_dict_round_trips_exactly(cfg):
    d = cfg.to_dict()
    assert set(d) == {f.name for f in dataclasses.fields(TrainingConfig)}
    # JSON-safe: survives a trip through json text too.
    again = TrainingConfig.from_dict(json.loads(json.dumps(d, allow_nan=False)))
    assert again == cfg
    assert TrainingConfig.from_dict(d) == cfg
    assert again.activation == cfg.activation and type(again.activation) is type(cfg.activation)
    assert again.to_dict() == d


def test_to_dict_writes_lists():
    d = TrainingConfig(hidden=[4, 2], activation=["relu", "tanh"]).to_dict()
    assert d["hidden"] == [4, 2] and d["activation"] == ["relu", "tanh"] and d["features"] == ["x1", "x2"]
    assert d["lr"] == 0.03 and d["optimizer"] == "sgd"


def test_from_dict_fills_missing_keys_with_defaults():
    assert TrainingConfig.from_dict({"lr": 0.5}) == TrainingConfig(lr=0.5)
    assert TrainingConfig.from_dict({}) == TrainingConfig()


def test_from_dict_rejects_unknown_keys():
    with pytest.raises(ValueError, match="learning_rate") as info:
        TrainingConfig.from_dict({"learning_rate": 0.1})
    assert "unknown" in str(info.value)
    with pytest.raises(ValueError, match="unknown"):
        TrainingConfig.from_dict({**TrainingConfig().to_dict(), "extra": 1})


@pytest.mark.parametrize("data", [None, [], [("lr", 0.1)], "lr=0.1", 3, 0.5])
def test_from_dict_rejects_non_dicts(data):
    with pytest.raises(ValueError, match="TrainingConfig"):
        TrainingConfig.from_dict(data)  # type: ignore[arg-type]


def test_from_dict_validates_values():
    with pytest.raises(ValueError, match=r"TrainingConfig\.batch_size"):
        TrainingConfig.from_dict({"batch_size": 0})
    with pytest.raises(ValueError, match=r"TrainingConfig\.hidden"):
        TrainingConfig.from_dict({"hidden": "8,8"})


# ------------------------------------------------------------------ architecture_changes
def test_architecture_fields_are_the_documented_ones():
    assert set(ARCHITECTURE_FIELDS) == {
        "hidden",
        "activation",
        "residual",
        "features",
        "standardize",
        "init",
        "seed",
        "dtype",
    }


def test_hyperparameter_changes_are_not_architecture_changes():
    base = TrainingConfig()
    hyperparameters = [f.name for f in dataclasses.fields(TrainingConfig) if f.name not in ARCHITECTURE_FIELDS]
    other = base.replace(**{name: getattr(AWAY_FROM_DEFAULTS, name) for name in hyperparameters})
    assert [name for name in hyperparameters if getattr(other, name) == getattr(base, name)] == []
    assert base.architecture_changes(other) == []
    assert other.architecture_changes(base) == []
    assert base.architecture_changes(base) == []


@pytest.mark.parametrize(
    "changes,expected",
    [
        ({"hidden": (8,)}, ["hidden"]),
        ({"hidden": (8, 8, 8)}, ["hidden"]),  # "tanh" for every layer is still "tanh"
        ({"hidden": (4, 4)}, ["hidden"]),
        ({"activation": "relu"}, ["activation"]),
        ({"activation": ("tanh", "relu")}, ["activation"]),
        ({"features": ("x1", "x2", "x1^2")}, ["features"]),
        ({"features": ("x2", "x1")}, ["features"]),
        ({"standardize": True}, ["standardize"]),
        ({"init": "he"}, ["init"]),
        ({"seed": 1}, ["seed"]),
        ({"dtype": "float32"}, ["dtype"]),
        ({"hidden": (3,), "activation": "relu", "seed": 9, "lr": 0.9}, ["hidden", "activation", "seed"]),
        ({"init": "uniform", "features": ("x1",), "dtype": "float32", "batch_size": 1}, ["features", "init", "dtype"]),
    ],
)
def test_architecture_changes_lists_exactly_the_changed_fields(changes, expected):
    base = TrainingConfig()
    other = base.replace(**changes)
    assert base.architecture_changes(other) == expected
    assert sorted(other.architecture_changes(base)) == sorted(expected)


def test_one_activation_equals_the_same_name_per_layer():
    one = TrainingConfig(hidden=(8, 8), activation="tanh")
    per_layer = TrainingConfig(hidden=(8, 8), activation=("tanh", "tanh"))
    assert one != per_layer  # different field values...
    assert one.architecture_changes(per_layer) == []  # ...but the same network
    assert per_layer.architecture_changes(one) == []
    mixed = TrainingConfig(hidden=(8, 8), activation=("tanh", "relu"))
    assert one.architecture_changes(mixed) == ["activation"]
    assert mixed.architecture_changes(per_layer) == ["activation"]
    # With no hidden layer the activation does not matter.
    assert TrainingConfig(hidden=()).architecture_changes(TrainingConfig(hidden=(), activation="relu")) == []
