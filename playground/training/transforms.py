"""The input plane carried through the network, stage by stage (numpy only).

Stage 0 is the network's input ``a(0) = x`` (the features it sees). Each layer
``l`` then adds two stages: the affine map ``z(l) = W(l) a(l-1) + b(l)``, under
which grid lines stay straight, and the activation ``a(l) = sigma(z(l))``,
under which they bend, fold or are clipped. The output layer's ``z`` is the
logits, and a sigmoid head adds the probability ``a(L) = sigmoid(z(L))``.

Stages of one or two units are drawn exactly; wider ones through a plane that
a :class:`StageProjector` chooses once and then holds, so that the picture does
not jump between stages or epochs (``refit()`` chooses again on request).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from ..data.dataset import DOMAIN
from .forward import Network, activate
from .planes import Plane, class_edges_in_plane, exact_plane, logits_in_plane, output_plane, pca_plane
from .trainer import Trainer

PROJECTIONS = ("output", "pca")


@dataclass(frozen=True)
class Stage:
    """One picture of the plane: ``values`` (n, d) are every carried point's coordinates in this stage.

    ``kind`` is ``"input"``, ``"affine"`` or ``"activation"``; ``layer`` is the
    chapter's ``l`` (0 for the input); ``label`` the formula in the chapter's notation.
    """

    kind: str
    layer: int
    label: str
    values: np.ndarray

    @property
    def dim(self) -> int:
        return int(self.values.shape[1])


def grid_lines(count: int = 13, samples: int = 61, domain: tuple[float, float] = DOMAIN) -> np.ndarray:
    """``(2 * count, samples, 2)``: ``count`` lines of constant x2 then ``count`` of constant x1 across
    ``domain``, each sampled at ``samples`` points so that a bending map can be seen bending it."""
    for name, value in (("count", count), ("samples", samples)):
        if isinstance(value, bool) or not isinstance(value, int) or not 2 <= value <= 1000:
            raise ValueError(f"grid_lines: {name} must be a whole number in 2..1000, got {value!r}")
    low, high = domain
    levels = np.linspace(low, high, count)
    along = np.linspace(low, high, samples)
    horizontal = np.stack(np.broadcast_arrays(along[None, :], levels[:, None]), axis=-1)
    vertical = np.stack(np.broadcast_arrays(levels[:, None], along[None, :]), axis=-1)
    return np.concatenate([horizontal, vertical])


def network_stages(network: Network, inputs: np.ndarray) -> list[Stage]:
    """Every stage of ``network`` for ``inputs`` (n, n_in), input first, output last."""
    zs, acts = network.trace(inputs)
    stages = [Stage("input", 0, "a(0) = x", np.asarray(inputs, dtype=np.float64))]
    last = len(network.weights)
    for l, (z, a) in enumerate(zip(zs, acts), start=1):
        stages.append(Stage("affine", l, f"z({l}) = W({l}) a({l - 1}) + b({l})", z))
        if l < last:
            name = network.activations[l - 1]
            skip = f" + a({l - 1})" if network.residual[l - 1] else ""
            stages.append(Stage("activation", l, f"a({l}) = {name}(z({l})){skip}", a))
    if network.head == "sigmoid":
        with np.errstate(over="ignore", invalid="ignore"):
            p = activate("sigmoid", zs[-1])
        stages.append(Stage("activation", last, f"a({last}) = sigmoid(z({last}))", p))
    return stages


def trainer_stages(trainer: Trainer, X: np.ndarray) -> list[Stage]:
    """:func:`network_stages` of ``trainer``'s current network for plane points ``X`` (n, 2)."""
    return network_stages(Network.from_trainer(trainer), trainer.features(X))


class StageProjector:
    """Chooses one plane per stage from the first stages it sees and keeps them.

    ``mode`` is ``"output"`` (the wide stage feeding the output layer is drawn in
    the output-aligned plane, for a sigmoid unit or a softmax, other wide stages
    by principal directions) or
    ``"pca"`` (every wide stage by principal directions). The planes are kept
    until ``refit()`` or until the network's layer sizes change; the output-aligned
    plane turns with the output weights (keeping its origin and signs), so that it
    stays exact.
    """

    def __init__(self, mode: str = "output") -> None:
        if mode not in PROJECTIONS:
            raise ValueError(f"StageProjector: unknown projection {mode!r}; choose one of {', '.join(PROJECTIONS)}")
        self.mode = mode
        self.planes: list[Plane] = []

    def refit(self) -> None:
        """Choose the planes again from the next stages projected."""
        self.planes = []

    def project(self, stages: list[Stage], network: Network) -> list[np.ndarray]:
        """``(n, 2)`` plane coordinates of every stage (fitting the planes first if needed)."""
        if [p.dim for p in self.planes] != [s.dim for s in stages]:
            self.planes = [self._fit(stage, network) for stage in stages]
        else:
            self.planes = [self._follow(plane, stage, network) for plane, stage in zip(self.planes, stages)]
        return [plane.project(stage.values) for plane, stage in zip(self.planes, stages)]

    def _aligned(self, stage: Stage, network: Network) -> bool:
        return stage.dim > 2 and self.mode == "output" and feeds_output(stage, network)

    def _follow(self, plane: Plane, stage: Stage, network: Network) -> Plane:
        """A held plane for the next picture. The output-aligned one turns with the output weights, so
        its decision edges stay exact as training moves them (held, it would show a slice that grows
        wrong); its axes keep their signs and its origin stays, so it turns smoothly without jumping."""
        if not self._aligned(stage, network):
            return plane
        turned = output_plane(network.weights[-1][0], stage.values, reference=plane)
        return Plane(turned.basis, plane.origin, turned.labels)

    def _fit(self, stage: Stage, network: Network) -> Plane:
        if stage.dim <= 2:
            return exact_plane(stage.dim, "x" if stage.kind == "input" else stage.label[0])
        if self._aligned(stage, network):
            # One sigmoid unit: along its weights; softmax: the logit-difference directions (exact
            # for up to three classes, see planes.py).
            return output_plane(network.weights[-1][0], stage.values)
        return pca_plane(stage.values)


def morph(coords: list[np.ndarray], t: float) -> np.ndarray:
    """The picture at stage position ``t`` in ``[0, len(coords) - 1]``: positions interpolated linearly
    between the two stages either side (``t`` whole: exactly that stage)."""
    if not coords:
        raise ValueError("morph: there are no stages")
    t = float(t)
    if not np.isfinite(t) or not 0.0 <= t <= len(coords) - 1:
        raise ValueError(f"morph: stage position must be in [0, {len(coords) - 1}], got {t!r}")
    i = min(int(np.floor(t)), len(coords) - 2) if len(coords) > 1 else 0
    if len(coords) == 1:
        return coords[0]
    s = t - i
    return (1.0 - s) * coords[i] + s * coords[i + 1]


def feeds_output(stage: Stage, network: Network) -> bool:
    """Whether ``stage`` is the output layer's input ``a(L-1)``."""
    return stage.kind in ("activation", "input") and stage.layer == len(network.weights) - 1


def decision_line(network: Network, stage: Stage, plane: Plane) -> tuple[np.ndarray, float] | None:
    """For ``stage`` drawn on ``plane``, when it feeds a one-unit output layer: ``(normal (2,), offset)``
    with the output's logit on the plane equal to ``(u, v) @ normal + offset`` (class 1 where positive).
    Exact when the output weights lie in the plane (the output-aligned plane, or a two-unit layer).
    None for other stages and for softmax."""
    W, b = network.weights[-1]
    if W.shape[1] != 1 or not feeds_output(stage, network) or W.shape[0] != plane.dim:
        return None
    return plane.basis @ W[:, 0], float(plane.origin @ W[:, 0] + b[0])


def decision_segments(
    network: Network, stage: Stage, plane: Plane, rect: tuple[float, float, float, float]
) -> np.ndarray | None:
    """For ``stage`` drawn on ``plane``, when it feeds a classifying output layer: the edges between
    the classes' regions inside ``rect = (u0, v0, u1, v1)``, as ``(m * 2, 2)`` endpoint pairs (one pair
    for a sigmoid unit's line). Exact where the plane holds the class-separating directions (``is_exact``).
    None for other stages and for a regression output."""
    W, b = network.weights[-1]
    if network.head == "identity" or not feeds_output(stage, network) or W.shape[0] != plane.dim:
        return None
    A, c = logits_in_plane(W, b, plane)
    if A.shape[1] == 1:  # a sigmoid is a softmax over the logits (0, z): the same regions
        A, c = np.column_stack([np.zeros(2), A]), np.array([0.0, c[0]])
    return class_edges_in_plane(A, c, rect)


def network_on_features(
    weights: Sequence[tuple[np.ndarray, np.ndarray]],
    activations: Sequence[str],
    head: str,
    features: np.ndarray,
    z1: np.ndarray,
    residual: Sequence[bool] = (),
) -> Network:
    """The network with ``weights`` as a function of the raw (unstandardised) ``features``, from a probe.

    A frame carries the weights and every layer's ``z`` over the grid, but not the
    standardisation of the inputs; that is affine, so ``z(1)`` is affine in the raw
    features and the first layer that includes it is fitted exactly (least squares)
    from the grid's ``features`` (n, n_in) and its ``z1`` (n, units). ``residual`` flags the hidden
    layers with a skip (a skip on the first layer then adds the raw features, not the standardised ones).
    """
    features = np.asarray(features, dtype=np.float64)
    z1 = np.asarray(z1, dtype=np.float64)
    if len(features) != len(z1) or len(features) <= features.shape[1]:
        raise ValueError(
            f"network_on_features: need more probed points ({len(z1)}) than inputs "
            f"({features.shape[1]}), one z row per features row ({len(features)})"
        )
    design = np.column_stack([features, np.ones(len(features))])
    fitted, *_ = np.linalg.lstsq(design, z1, rcond=None)
    first = (fitted[:-1], fitted[-1])
    return Network(
        (first, *((np.asarray(W, float), np.asarray(b, float)) for W, b in weights[1:])),
        tuple(activations),
        head,
        tuple(residual),
    )
