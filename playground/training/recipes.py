"""A shareable recipe: one human-readable line that rebuilds a session exactly.

    spiral n=300 noise=0.1 seed=0 test=0.3 | 16,16 tanh | adam lr=0.03 batch=32

Three parts separated by ``|``: the dataset (the generator and its options),
the network (hidden layer sizes, ``none`` for no hidden layer, a ``+`` after
the size of a layer with a skip connection, as in ``16,16+``, and the
activation, one or one per layer), and the training (the optimiser, the
learning rate and the batch size). After those, each part lists only the
settings that differ from ``TrainingConfig``'s defaults, under the config's own
names (``l2=0.001``, ``dropout=0.2``, ``features=x1,x2,sin(x1)``, ``init=he``,
``seed=3``, ``standardize``). A formula dataset writes its formula in quotes:
``formula expr="x2 > sin(3*x1)" n=300 ...``; one condition per class are
separated by ``;``.

``parse_recipe(recipe_of(spec, config))`` gives back ``(spec, config)``, so a
fresh ``Trainer(spec.make(), config)`` trains bit for bit as the session the
recipe came from did from its start. Painted or loaded data has no generator,
so it has no recipe.
"""

from __future__ import annotations

import dataclasses
import math
import shlex
from typing import Any

from ..data.formula import parse_formulas
from ..data.generators import DATASET_NAMES, FORMULA, takes_classes
from ..data.spec import DatasetSpec
from .config import TrainingConfig

MAX_RECIPE = 2000
"""The longest recipe read, in characters (a recipe is one line; a formula at most 500)."""

_DEFAULTS = TrainingConfig()
# The parts always written, in order; everything else only when it is not the default.
_ALWAYS = ("hidden", "activation", "residual", "optimizer", "lr", "batch_size")
_NETWORK = ("features", "standardize", "init", "seed", "dtype")
# Every other field belongs to training (momentum, l1, l2, weight_decay, dropout, the schedule,
# patience, max_epochs, and any field added later), so a recipe never drops a setting.
_TRAINING = tuple(f.name for f in dataclasses.fields(TrainingConfig) if f.name not in (*_ALWAYS, *_NETWORK))
_RENAMED = {"batch_size": "batch"}  # the recipe's shorter word for a config field
SKIP_MARK = "+"  # after a layer's size: that layer has a skip connection (``16,16+``)
_DATASET_WORDS = {
    "n": "n",
    "noise": "noise",
    "seed": "seed",
    "test": "test_fraction",
    "classes": "classes",
    "expr": "expr",
}
CUSTOM_DATA = (
    "custom data (loaded from a file or painted by hand) has no recipe: only data made "
    "by a preset or a formula can be rebuilt from one; save the session instead"
)


# -- writing ------------------------------------------------------------------------------


def recipe_of(dataset_spec: DatasetSpec | None, config: TrainingConfig) -> str:
    """The one-line recipe of a session: its data's generator options and its config.

    ``dataset_spec`` None (custom data) is a ValueError that says why it has no recipe.
    """
    if dataset_spec is None:
        raise ValueError(f"recipe: {CUSTOM_DATA}")
    spec = dataset_spec
    data = [spec.preset]
    if spec.expr is not None:
        text = spec.expr if isinstance(spec.expr, str) else "; ".join(spec.expr)
        data.append(f'expr="{text}"')
    if spec.classes is not None:
        data.append(f"classes={spec.classes}")
    data += [f"n={spec.n}", f"noise={_number(spec.noise)}", f"seed={spec.seed}", f"test={_number(spec.test_fraction)}"]
    activation = config.activation if isinstance(config.activation, str) else ",".join(config.activation)
    network = [_layers(config), activation, *_extras(config, _NETWORK)]
    training = [config.optimizer, f"lr={_number(config.lr)}", f"batch={config.batch_size}", *_extras(config, _TRAINING)]
    return " | ".join(" ".join(words) for words in (data, network, training))


def _layers(config: TrainingConfig) -> str:
    """The hidden layers' sizes, ``16,16+`` (a skip on layer 2), or ``none``."""
    skips = config.residual or (False,) * len(config.hidden)
    return ",".join(f"{size}{SKIP_MARK if skip else ''}" for size, skip in zip(config.hidden, skips)) or "none"


def _extras(config: TrainingConfig, fields: tuple[str, ...]) -> list[str]:
    words = []
    for name in fields:
        value = getattr(config, name)
        if value == getattr(_DEFAULTS, name):
            continue
        if isinstance(value, bool):
            words.append(name)  # a flag: present means true (its default is false)
        elif isinstance(value, tuple):
            words.append(f"{name}={','.join(value)}")
        elif isinstance(value, float):
            words.append(f"{name}={_number(value)}")
        else:
            words.append(f"{name}={value}")
    return words


def _number(value: float) -> str:
    """The shortest text that reads back as exactly ``value`` (``0.03``, ``1e-05``, ``2``)."""
    value = float(value)
    if value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return repr(value)


# -- reading ------------------------------------------------------------------------------


def parse_recipe(text: str) -> tuple[DatasetSpec, TrainingConfig]:
    """The dataset spec and config a recipe describes; ValueError naming the bad part.

    The spec's options are checked as far as they can be without generating the
    data (the generator's name, whole numbers, the formula); ``spec.make()``
    checks their ranges.
    """
    if not isinstance(text, str):
        raise ValueError(f"recipe: expected text, got {type(text).__name__}")
    text = text.strip()
    if len(text) > MAX_RECIPE:
        raise ValueError(f"recipe: too long ({len(text)} characters; at most {MAX_RECIPE})")
    parts = _split_parts(text)
    if len(parts) != 3:
        raise ValueError(
            f"recipe: expected three parts separated by '|' (dataset | network | "
            f"training), got {len(parts)}: {_brief(text)}"
        )
    data_words, network_words, training_words = (
        _words(part, label) for part, label in zip(parts, ("dataset", "network", "training"))
    )
    spec = _dataset(data_words, parts[0])
    fields: dict[str, Any] = {}
    _network(network_words, parts[1], fields)
    _training(training_words, parts[2], fields)
    try:
        config = TrainingConfig(**fields)
    except (TypeError, ValueError) as exc:
        part = "network" if _field_of(str(exc)) in ("hidden", "activation", "residual", *_NETWORK) else "training"
        raise ValueError(f"recipe: {part} part: {exc}") from None
    return spec, config


def _split_parts(text: str) -> list[str]:
    """``text`` split at each ``|`` outside double quotes."""
    parts: list[str] = []
    current: list[str] = []
    quoted = False
    for char in text:
        if char == '"':
            quoted = not quoted
        if char == "|" and not quoted:
            parts.append("".join(current).strip())
            current = []
        else:
            current.append(char)
    parts.append("".join(current).strip())
    return parts


def _words(part: str, label: str) -> list[str]:
    try:
        words = shlex.split(part)
    except ValueError as exc:  # an unclosed quote
        raise ValueError(f"recipe: {label} part {_brief(part)}: {exc}") from None
    if not words:
        raise ValueError(f"recipe: the {label} part is empty")
    return words


def _options(words: list[str], part: str, label: str) -> dict[str, str]:
    """``key=value`` words as a dict (a bare word maps to ""); repeats are refused."""
    options: dict[str, str] = {}
    for word in words:
        key, _, value = word.partition("=")
        if key in options:
            raise ValueError(f"recipe: {label} part {_brief(part)}: {key} is given twice")
        options[key] = value if "=" in word else ""
    return options


def _dataset(words: list[str], part: str) -> DatasetSpec:
    preset, options = words[0], _options(words[1:], part, "dataset")
    where = f"dataset part {_brief(part)}"
    if preset != FORMULA and preset not in DATASET_NAMES:
        raise ValueError(
            f"recipe: {where}: unknown dataset {preset!r}; expected one of {', '.join(DATASET_NAMES)} or {FORMULA}"
        )
    unknown = [key for key in options if key not in _DATASET_WORDS]
    if unknown:
        raise ValueError(
            f"recipe: {where}: unknown option {unknown[0]!r}; expected "
            f"{', '.join(k for k in _DATASET_WORDS if k not in ('classes', 'expr'))}"
            f" (and classes=, or expr= for formula)"
        )
    missing = [key for key in ("n", "noise", "seed", "test") if key not in options]
    if missing:
        raise ValueError(f"recipe: {where}: {missing[0]}= is missing")
    classes = None
    if "classes" in options:
        if not takes_classes(preset):
            raise ValueError(f"recipe: {where}: {preset} takes no classes=")
        classes = _whole(options["classes"], "classes", where)
    expr: str | tuple[str, ...] | None = None
    if preset == FORMULA:
        if not options.get("expr"):
            raise ValueError(f'recipe: {where}: a formula dataset needs expr="..."')
        conditions = [piece.strip() for piece in options["expr"].split(";")]
        expr = conditions[0] if len(conditions) == 1 else tuple(conditions)
        try:
            parse_formulas(expr if isinstance(expr, str) else list(expr))
        except ValueError as exc:
            raise ValueError(f"recipe: {where}: {exc}") from None
    elif "expr" in options:
        raise ValueError(f"recipe: {where}: only the formula dataset takes expr=")
    return DatasetSpec(
        preset,
        _whole(options["n"], "n", where),
        _real(options["noise"], "noise", where),
        _whole(options["seed"], "seed", where),
        _real(options["test"], "test", where),
        classes,
        expr,
    )


def _network(words: list[str], part: str, fields: dict[str, Any]) -> None:
    where = f"network part {_brief(part)}"
    if len(words) < 2 or "=" in words[0] or "=" in words[1]:
        raise ValueError(
            f"recipe: {where}: expected the layer sizes and the activation first, "
            f"such as '16,16 tanh' (or 'none linear' for no hidden layer)"
        )
    sizes = [] if words[0] == "none" else words[0].split(",")
    skips = tuple(size.endswith(SKIP_MARK) for size in sizes)
    fields["hidden"] = tuple(_whole(size.removesuffix(SKIP_MARK), "layer size", where) for size in sizes)
    fields["residual"] = skips if any(skips) else ()
    names = words[1].split(",")
    fields["activation"] = names[0] if len(names) == 1 else tuple(names)
    _settings(_options(words[2:], part, "network"), _NETWORK, where, fields)


def _training(words: list[str], part: str, fields: dict[str, Any]) -> None:
    where = f"training part {_brief(part)}"
    if "=" in words[0]:
        raise ValueError(f"recipe: {where}: expected the optimiser first, such as 'adam lr=0.03 batch=32'")
    fields["optimizer"] = words[0]
    options = _options(words[1:], part, "training")
    for key in ("lr", "batch"):
        if key not in options:
            raise ValueError(f"recipe: {where}: {key}= is missing")
    fields["lr"] = _real(options.pop("lr"), "lr", where)
    fields["batch_size"] = _whole(options.pop("batch"), "batch", where)
    _settings(options, _TRAINING, where, fields)


def _settings(options: dict[str, str], allowed: tuple[str, ...], where: str, fields: dict[str, Any]) -> None:
    """The optional ``name=value`` settings of a part, read by each field's default's type."""
    for key, value in options.items():
        if key not in allowed:
            raise ValueError(
                f"recipe: {where}: unknown setting {key!r}; this part takes "
                f"{', '.join(_RENAMED.get(name, name) for name in allowed)}"
            )
        default = getattr(_DEFAULTS, key)
        if isinstance(default, bool):
            if value:
                raise ValueError(f"recipe: {where}: {key} is a flag, written alone (no '=')")
            fields[key] = True
        elif isinstance(default, tuple):
            fields[key] = tuple(value.split(","))
        elif isinstance(default, float):
            fields[key] = _real(value, key, where)
        elif isinstance(default, int):
            fields[key] = _whole(value, key, where)
        else:
            fields[key] = value


def _whole(text: str, name: str, where: str) -> int:
    try:
        return int(text, 10)
    except ValueError:
        raise ValueError(f"recipe: {where}: {name} must be a whole number, got {_brief(text)}") from None


def _real(text: str, name: str, where: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not math.isfinite(value):
        raise ValueError(f"recipe: {where}: {name} must be a finite number, got {_brief(text)}")
    return value


def _field_of(message: str) -> str:
    """The config field a TrainingConfig error names ("TrainingConfig.lr: ..." -> "lr")."""
    head = message.split(":", 1)[0]
    return head.removeprefix("TrainingConfig.") if head.startswith("TrainingConfig.") else ""


def _brief(text: str) -> str:
    return repr(text) if len(text) <= 60 else repr(text[:57] + "...")
