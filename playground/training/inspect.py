"""The chain rule for one point: every number of its forward and backward pass, read from the engine.

``snapshot_point`` copies what is needed (the weights, the point's network input,
its target, the head) inside the training thread. ``inspect_point`` rebuilds a
scratch MLP from those copies, so the live model's parameters and gradient
buffers are never touched, pushes the one point through it as a (1, n_in)
batch, takes the head's loss and calls ``backward()``. Everything is then read
off the graph the engine built:

* ``z`` and ``a`` of every layer from the trace tensors' ``.data``,
* ``∂L/∂z`` and ``∂L/∂a`` from the same tensors' ``.grad`` (the engine clears an
  inner node's gradient at the start of ``backward`` and fills it on the way, so
  after one call it holds exactly this point's gradient),
* ``∂L/∂W`` and ``∂L/∂b`` from the scratch model's parameters' ``.grad``,
* the ops (``z.op``, ``a.op``, ``loss.op``) and which tensors fed them (``.parents``).

``explain`` then writes one weight's gradient out as the product the chapter
teaches, ``∂L/∂w = ∂z/∂w · ∂a/∂z · ∂L/∂a``, with ``∂L/∂a`` of a hidden unit as
the sum over the paths through the next layer, and checks it against the
engine's own ``∂L/∂w``.

Layer numbers in this module are 0-based indices into ``MLP.layers``; the
chapter's superscript ``(l)`` is the index + 1.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Sequence

import numpy as np

from ..data.features import FEATURES
from ..engine import Tensor
from ..nn import MLP, LayerTrace, get_head
from ..nn.activations import activate

if TYPE_CHECKING:  # only for annotations: the trainer imports nothing from here
    from .trainer import Trainer

PICK_RADIUS = 0.3
"""How far (data units) from a data point a click may land and still pick it."""

GraphRef = tuple[str, int]
"""A tensor of the graph named as the chapter does: ``("x", 0)``, ``("a", l)``, ``("z", l)``,
``("W", l)``, ``("b", l)``, with ``l`` the chapter's 1-based layer number."""


# ---------------------------------------------------------------- the input
@dataclass(frozen=True, eq=False)  # holds arrays: compare the fields you mean
class PointSnapshot:
    """Copies of everything one point's pass needs; safe to use on any thread."""

    point: np.ndarray  # (2,) the point's coordinates x1, x2
    inputs: np.ndarray  # (n_in,) what the network sees: features, standardised if set
    target: float  # class id, or the regression value
    head: str  # "sigmoid" | "softmax" | "identity"
    activations: tuple[str, ...]  # one per hidden layer
    weights: tuple[tuple[np.ndarray, np.ndarray], ...]  # (W, b) per layer, W of shape (n_in, n_out)
    feature_labels: tuple[str, ...] = ()  # e.g. ("x₁", "x₂"), one per input
    standardized: bool = False  # whether the inputs were standardised before the network
    epoch: int = 0
    training_extras: tuple[str, ...] = ()  # what a training step adds that this pass leaves out
    residual: tuple[bool, ...] = ()  # empty, or one flag per hidden layer: a(l) = σ(z(l)) + a(l−1)

    @property
    def skips(self) -> tuple[bool, ...]:
        """One skip flag per hidden layer (all false without skips)."""
        return self.residual if any(self.residual) else (False,) * len(self.activations)

    @property
    def dtype(self) -> np.dtype:
        return self.weights[0][0].dtype

    @property
    def sizes(self) -> list[int]:
        return [self.weights[0][0].shape[0], *(W.shape[1] for W, _ in self.weights)]


def snapshot_model(
    model: MLP,
    head: str,
    inputs: np.ndarray,
    target: float,
    *,
    point: Sequence[float] | np.ndarray = (np.nan, np.nan),
    feature_labels: Sequence[str] = (),
    standardized: bool = False,
    epoch: int = 0,
    training_extras: Sequence[str] = (),
) -> PointSnapshot:
    """A ``PointSnapshot`` of ``model``'s current weights (copied) for one input row."""
    inputs = np.array(inputs, dtype=model.dtype).reshape(-1)
    if inputs.size != model.n_in:
        raise ValueError(f"inspect: the network takes {model.n_in} inputs, got {inputs.size}")
    get_head(head)  # a misspelt head fails here, not later on another thread
    weights = tuple((layer.W.data.copy(), layer.b.data.copy()) for layer in model.layers)
    return PointSnapshot(
        np.array(point, dtype=np.float64),
        inputs,
        float(target),
        head,
        tuple(model.activations),
        weights,
        tuple(feature_labels),
        bool(standardized),
        int(epoch),
        tuple(training_extras),
        tuple(model.residual) if any(model.residual) else (),
    )


def snapshot_point(trainer: Trainer, point: Sequence[float], target: float) -> PointSnapshot:
    """The snapshot of ``trainer``'s network for the data point at ``point`` with ``target``.

    Call it in the training thread (``SessionModel.run_in_worker``): it reads the
    live weights and the input standardisation, and copies them.
    """
    xy = np.asarray(point, dtype=np.float64).reshape(2)
    cfg = trainer.config
    extras = [
        f"{label} {value:g}"
        for label, value in (
            ("dropout", cfg.dropout),
            ("L1", cfg.l1),
            ("L2", cfg.l2),
            ("weight decay", cfg.weight_decay),
        )
        if value
    ]
    labels = [FEATURES[name][0] for name in cfg.features]
    return snapshot_model(
        trainer.model,
        trainer.head.name,
        trainer.features(xy[None, :])[0],
        target,
        point=xy,
        feature_labels=labels,
        standardized=trainer.standardizer is not None,
        epoch=trainer.epoch,
        training_extras=extras,
    )


def nearest_point(
    X: np.ndarray, at: Sequence[float], radius: float = PICK_RADIUS, candidates: np.ndarray | None = None
) -> int | None:
    """Index of the point of ``X`` (n, 2) nearest to ``at`` within ``radius``, or None.

    ``candidates`` (n,) bool limits the choice (e.g. to the points that are drawn).
    """
    X = np.asarray(X, dtype=np.float64).reshape(-1, 2)
    distance = np.hypot(X[:, 0] - at[0], X[:, 1] - at[1])
    if candidates is not None:
        distance = np.where(candidates, distance, np.inf)
    if not len(distance):
        return None
    index = int(np.argmin(distance))
    return index if distance[index] <= radius else None


# --------------------------------------------------------------- the result
@dataclass(frozen=True)
class WeightId:
    """One parameter: ``W⁽ˡ⁾[source, unit]``, or the bias ``b⁽ˡ⁾[unit]`` when ``source`` is None."""

    layer: int  # 0-based index into the model's layers
    source: int | None  # the unit of layer l−1 (input i for the first layer); None: the bias
    unit: int  # the unit j of layer l the weight feeds

    @property
    def is_bias(self) -> bool:
        return self.source is None


@dataclass(frozen=True, eq=False)
class LayerInspection:
    """One layer for one point. Hidden layers hold the engine's ``a`` and its gradient;
    the output layer's ``a`` is the head's prediction (see ``HeadStep`` for its gradient)."""

    index: int  # 0-based; the chapter's layer number is index + 1
    activation: str  # hidden: the activation's name; output: the head's name
    is_output: bool
    inputs: np.ndarray  # a⁽ˡ⁻¹⁾, the values this layer's weights multiply
    W: np.ndarray  # (n_in, n_out)
    b: np.ndarray
    z: np.ndarray  # (n_out,)
    a: np.ndarray
    dL_dz: np.ndarray
    dL_dW: np.ndarray
    dL_db: np.ndarray
    da_dz: np.ndarray | None  # hidden: the activation's local slope at z; output: None
    dL_da: np.ndarray | None  # hidden: the engine's ∂L/∂a; output: None (the loss is fused)
    z_op: str  # "linear"
    z_parents: tuple[GraphRef, ...]
    a_op: str  # "tanh", ...; "" when a is z itself (linear activation) or the head
    skip: bool = False  # a hidden layer with a skip connection: a = σ(z) + a⁽ˡ⁻¹⁾ (``a`` is that sum)

    @property
    def number(self) -> int:
        """The chapter's layer number ``l``."""
        return self.index + 1

    @property
    def units(self) -> int:
        return len(self.z)


@dataclass(frozen=True)
class HeadStep:
    """An output unit's ``∂L/∂z`` written as ``∂L/∂a · ∂a/∂z``, the step the fused loss takes at once.

    sigmoid + cross-entropy: ``∂L/∂p · ∂p/∂z = (−y/p + (1−y)/(1−p)) · p(1−p) = p − y``;
    softmax + cross-entropy, true class c: ``∂L/∂p_c · ∂p_c/∂z_j = (−1/p_c) · p_c(δ_cj − p_j)
    = p_j − δ_cj``;
    identity + squared error: ``∂L/∂ŷ · ∂ŷ/∂z = 2(ŷ − y) · 1``.
    """

    head: str
    unit: int  # j
    via: int  # the output whose ∂L/∂a is used: c for softmax, else j
    prediction: float  # a_j: p, p_j or ŷ
    target: float  # y_j: 0/1, the one-hot entry δ_cj, or the value
    dL_da: float  # ∂L/∂a_via
    da_dz: float  # ∂a_via/∂z_j
    closed_form: float  # p − y, p_j − δ_cj, 2(ŷ − y)
    engine: float  # the engine's ∂L/∂z_j

    @property
    def product(self) -> float:
        return self.dL_da * self.da_dz

    @property
    def value(self) -> float:
        """The written-out ∂L/∂z_j; the closed form where a saturated p makes the product ∞ · 0."""
        product = self.product
        return product if math.isfinite(product) else self.closed_form


@dataclass(frozen=True, eq=False)
class PointInspection:
    """The whole pass for one point: layers in order (the output last), the loss and its op."""

    snapshot: PointSnapshot
    layers: tuple[LayerInspection, ...]
    loss: float
    loss_op: str
    loss_parents: tuple[GraphRef, ...]
    head_steps: tuple[HeadStep, ...]  # one per output unit

    @property
    def output(self) -> LayerInspection:
        return self.layers[-1]

    def has(self, weight: WeightId) -> bool:
        """Whether this network has the parameter ``weight``."""
        if not 0 <= weight.layer < len(self.layers):
            return False
        layer = self.layers[weight.layer]
        source_ok = weight.source is None or 0 <= weight.source < len(layer.inputs)
        return source_ok and 0 <= weight.unit < layer.units


def inspect_point(snapshot: PointSnapshot) -> PointInspection:
    """Run the engine on the snapshot's one point and collect every number from its graph."""
    head = get_head(snapshot.head)
    model = _scratch_model(snapshot)
    x = Tensor(snapshot.inputs.reshape(1, -1))
    trace: list[LayerTrace] = []
    # Diverging weights overflow to inf and NaN; the panel shows them as such.
    with np.errstate(over="ignore", invalid="ignore"):
        logits = model.forward(x, trace=trace)
        loss = head.loss(logits, _targets(snapshot))
        loss.backward()

    names: dict[int, GraphRef] = {id(x): ("x", 0)}
    layers = []
    for index, (layer, step) in enumerate(zip(model.layers, trace)):
        number, is_output = index + 1, index == len(trace) - 1
        names.update({id(layer.W): ("W", number), id(layer.b): ("b", number), id(step.z): ("z", number)})
        inputs = step.z.parents[0].data[0]  # the linear op's first parent: a⁽ˡ⁻¹⁾ (or x)
        if is_output:
            a, da_dz, dL_da, a_op = head.activate(step.z.data)[0], None, None, ""
            activation = head.name
        else:
            activation = model.activations[index]
            # A linear activation returns z itself: one node, so its .grad is both ∂L/∂z and ∂L/∂a.
            a, dL_da = step.a.data[0], _grad(step.a)[0]
            da_dz = local_slope(activation, step.z.data[0])
            # With a skip, a is the add node σ(z) + a⁽ˡ⁻¹⁾; σ(z) is its first parent.
            sigma = step.a.parents[0] if model.residual[index] else step.a
            a_op = "" if sigma is step.z else sigma.op  # z's own op is the layer's "linear"
            names.setdefault(id(step.a), ("a", number))
        layers.append(
            LayerInspection(
                index,
                activation,
                is_output,
                inputs,
                layer.W.data.copy(),
                layer.b.data.copy(),
                step.z.data[0],
                a,
                _grad(step.z)[0],
                _grad(layer.W),
                _grad(layer.b),
                da_dz,
                dL_da,
                step.z.op,
                tuple(names[id(p)] for p in step.z.parents),
                a_op,
                not is_output and model.residual[index],
            )
        )
    output = layers[-1]
    steps = tuple(_head_step(snapshot.head, output, snapshot.target, j) for j in range(output.units))
    return PointInspection(
        snapshot, tuple(layers), loss.item(), loss.op, tuple(names[id(p)] for p in loss.parents), steps
    )


def local_slope(activation: str, z: np.ndarray) -> np.ndarray:
    """``∂a/∂z`` of ``activation`` at ``z``, elementwise, from the engine's own derivative.

    A tiny graph ``a = activation(z)`` seeded with ones: the engine's backward
    closure for that op is what the network's backward used.
    """
    node = Tensor(np.array(z, copy=True), requires_grad=True)
    activate(activation, node).backward(np.ones_like(node.data))
    assert node.grad is not None  # a leaf that requires a gradient gets one from backward
    return node.grad


def _scratch_model(snapshot: PointSnapshot) -> MLP:
    """A fresh MLP with the snapshot's weights, so nothing of the live model is touched."""
    sizes = snapshot.sizes
    model = MLP(
        sizes[0], sizes[1:-1], sizes[-1], list(snapshot.activations), dtype=snapshot.dtype, residual=snapshot.residual
    )
    model.params.load_data(np.concatenate([part.reshape(-1) for pair in snapshot.weights for part in pair]))
    return model


def _targets(snapshot: PointSnapshot) -> np.ndarray:
    """The target as a one-point batch, typed as the head's loss wants it."""
    if snapshot.head == "softmax":
        return np.array([int(snapshot.target)])
    return np.array([snapshot.target], dtype=snapshot.dtype)


def _grad(node: Tensor) -> np.ndarray:
    """A copy of the gradient ``backward()`` left on ``node``."""
    if node.grad is None:
        raise RuntimeError(f"inspect: the {node.op or 'parameter'} node got no gradient from backward()")
    return node.grad.copy()


def _head_step(head: str, output: LayerInspection, target: float, unit: int) -> HeadStep:
    """Unit ``unit``'s ``∂L/∂z`` written out through the head, next to the engine's value."""
    p, z, engine = output.a, output.z, float(output.dL_dz[unit])
    # A probability that rounded to exactly 0 or 1 has an infinite ∂L/∂p: the reason the loss is fused.
    if head == "sigmoid":
        y, pj = float(target), float(p[unit])
        dL_da = _ratio(-y, pj) + _ratio(1.0 - y, 1.0 - pj)
        da_dz = float(local_slope("sigmoid", z)[unit])
        return HeadStep(head, unit, unit, pj, y, dL_da, da_dz, pj - y, engine)
    if head == "softmax":
        c = int(target)
        delta = 1.0 if unit == c else 0.0
        pc, pj = float(p[c]), float(p[unit])
        dL_da = _ratio(-1.0, pc)
        return HeadStep(head, unit, c, pj, delta, dL_da, pc * (delta - pj), pj - delta, engine)
    y_hat, y = float(p[unit]), float(target)
    return HeadStep(
        head, unit, unit, y_hat, y, 2.0 * (y_hat - y), float(local_slope("linear", z)[unit]), 2.0 * (y_hat - y), engine
    )


def _ratio(numerator: float, denominator: float) -> float:
    """``numerator / denominator`` where a zero numerator wins and a zero denominator gives ±∞."""
    if numerator == 0.0:
        return 0.0
    return numerator / denominator if denominator else math.copysign(math.inf, numerator)


# ------------------------------------------------------------ the chain rule
@dataclass(frozen=True)
class PathTerm:
    """One path from unit j to the loss through unit k of the next layer:
    ``∂z_k/∂a_j · ∂a_k/∂z_k · ∂L/∂a_k`` (with ``∂z_k/∂a_j = w_jk``).

    When the next layer is the output, its ``∂a_k/∂z_k · ∂L/∂a_k`` is the head's
    fused ``∂L/∂z_k``: then ``local`` is None and ``upstream`` is that ``∂L/∂z_k``.

    A ``skip`` term is the path along the next layer's skip connection: ``a_j``
    itself is added into ``a_j`` of the next layer, so ``∂a_j⁽ˡ⁺¹⁾/∂a_j⁽ˡ⁾ = 1``
    (``weight`` 1, ``local`` None) and ``upstream`` is that unit's ``∂L/∂a``.
    """

    unit: int
    weight: float
    local: float | None
    upstream: float
    skip: bool = False

    @property
    def value(self) -> float:
        return self.weight * (1.0 if self.local is None else self.local) * self.upstream


@dataclass(frozen=True)
class WeightChain:
    """One parameter's ``∂L/∂w`` written out as the chain rule, with the engine's value beside it."""

    weight: WeightId
    value: float  # w itself
    dz_dw: float  # ∂z_j/∂w: a_i⁽ˡ⁻¹⁾, or 1 for a bias
    dL_dz: float  # the engine's ∂L/∂z_j
    engine: float  # the engine's ∂L/∂w
    da_dz: float | None = None  # hidden unit: ∂a_j/∂z_j
    dL_da: float | None = None  # hidden unit: the engine's ∂L/∂a_j
    paths: tuple[PathTerm, ...] = ()  # hidden unit: the terms whose sum is ∂L/∂a_j
    head: HeadStep | None = None  # output unit: ∂L/∂z_j = ∂L/∂a · ∂a/∂z
    rounding: float = 0.0  # relative rounding allowed between written-out and engine values

    @property
    def is_output(self) -> bool:
        return self.head is not None

    @property
    def paths_sum(self) -> float:
        """``Σ_k`` of the path terms: ∂L/∂a_j written out (hidden units only)."""
        return math.fsum(term.value for term in self.paths)

    @property
    def written_dL_dz(self) -> float:
        """∂L/∂z_j from the written-out pieces."""
        if self.head is not None:
            return self.head.value
        return self._hidden_slope * self.paths_sum

    @property
    def _hidden_slope(self) -> float:
        """∂a_j/∂z_j of a hidden unit (an output unit's chain goes through ``head`` instead)."""
        if self.da_dz is None:
            raise ValueError(f"inspect: {self.weight} belongs to an output unit, which has no ∂a/∂z term")
        return self.da_dz

    @property
    def written(self) -> float:
        """∂L/∂w from the written-out pieces: ``∂z/∂w · ∂a/∂z · ∂L/∂a``."""
        return self.dz_dw * self.written_dL_dz

    @property
    def agrees(self) -> bool:
        """Whether the written-out product equals the engine's ∂L/∂w up to rounding."""
        scale = (
            abs(self.dz_dw * self.written_dL_dz)
            if self.head is not None
            else math.fsum(abs(self.dz_dw * self._hidden_slope * term.value) for term in self.paths)
        )
        return abs(self.written - self.engine) <= self.rounding * (scale + abs(self.engine))

    @property
    def paths_agree(self) -> bool:
        """Whether the sum over paths equals the engine's ∂L/∂a_j up to rounding (hidden units)."""
        scale = sum(abs(term.value) for term in self.paths) + abs(self.dL_da or 0.0)
        return self.dL_da is not None and abs(self.paths_sum - self.dL_da) <= self.rounding * scale


@dataclass(frozen=True)
class Route:
    """One way a hidden unit ``a_j⁽ˡ⁾`` reaches the next layer: through unit ``k``'s weight
    ``w_jk⁽ˡ⁺¹⁾``, or (``skip``) along the next layer's skip connection into its own unit ``j``."""

    unit: int
    skip: bool = False


def next_routes(sizes: Sequence[int], skips: Sequence[bool], weight: WeightId) -> tuple[Route, ...]:
    """The routes from the unit ``weight`` feeds to the layer after it: one per unit of that layer,
    and the skip if that layer has one. Empty for an output unit (the loss is next).

    The one list both the chain-rule panel's sum over paths (``explain``) and the graph view's
    description of the highlighted paths are made from. ``sizes`` are the layer widths (inputs
    first), ``skips`` one flag per hidden layer (or empty).
    """
    after = weight.layer + 1  # the 0-based layer after the weight's own
    if after >= len(sizes) - 1:
        return ()
    through = tuple(Route(k) for k in range(sizes[after + 1]))
    flagged = after < len(skips) and bool(skips[after])
    return (*through, Route(weight.unit, skip=True)) if flagged else through


def parameter_ids(inspection: PointInspection) -> list[WeightId]:
    """Every parameter, layer by layer, unit by unit: its incoming weights, then its bias."""
    return [
        WeightId(layer.index, source, unit)
        for layer in inspection.layers
        for unit in range(layer.units)
        for source in (*range(len(layer.inputs)), None)
    ]


def _path_term(inspection: PointInspection, after: LayerInspection, j: int, route: Route) -> PathTerm:
    """The chain rule's term for one route from unit ``j`` into the layer ``after``."""
    k = route.unit
    if route.skip:  # the next layer adds a_j to its own unit j: slope 1, then that unit's ∂L/∂a
        assert after.dL_da is not None  # a layer with a skip is hidden
        return PathTerm(k, 1.0, None, float(after.dL_da[k]), skip=True)
    if after.is_output:
        return PathTerm(k, float(after.W[j, k]), None, inspection.head_steps[k].value)
    assert after.da_dz is not None and after.dL_da is not None  # a hidden layer has both
    return PathTerm(k, float(after.W[j, k]), float(after.da_dz[k]), float(after.dL_da[k]))


def explain(inspection: PointInspection, weight: WeightId) -> WeightChain:
    """The chain rule for one parameter, every factor taken from ``inspection``."""
    if not inspection.has(weight):
        raise ValueError(
            f"inspect: the network ({' → '.join(map(str, inspection.snapshot.sizes))}) has no parameter {weight}"
        )
    layers = inspection.layers
    layer = layers[weight.layer]
    j, i = weight.unit, weight.source
    if i is None:
        value, dz_dw, engine = layer.b[j], 1.0, layer.dL_db[j]
    else:
        value, dz_dw, engine = layer.W[i, j], layer.inputs[i], layer.dL_dW[i, j]
    # Each factor and term carries a few ulps of the network's dtype, so the written-out
    # value may differ from the engine's by that much of the terms' size.
    base: dict[str, Any] = dict(
        weight=weight,
        value=float(value),
        dz_dw=float(dz_dw),
        dL_dz=float(layer.dL_dz[j]),
        engine=float(engine),
        rounding=64.0 * float(np.finfo(inspection.snapshot.dtype).eps),
    )
    if layer.is_output:
        return WeightChain(**base, head=inspection.head_steps[j])
    after = layers[weight.layer + 1]
    paths = tuple(
        _path_term(inspection, after, j, route)
        for route in next_routes(inspection.snapshot.sizes, inspection.snapshot.skips, weight)
    )
    assert layer.da_dz is not None and layer.dL_da is not None  # so has this one, a hidden layer too
    return WeightChain(**base, da_dz=float(layer.da_dz[j]), dL_da=float(layer.dL_da[j]), paths=paths)
