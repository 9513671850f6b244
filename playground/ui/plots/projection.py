"""Planes through a hidden layer's space for the activation space view: re-exported from
``training/planes.py``, the one implementation (numpy only), which the transforms view uses too."""

from __future__ import annotations

from ...training.planes import (
    Plane,
    class_edges_in_plane,
    classes_in_plane,
    classes_on_grid,
    exact_plane,
    is_exact,
    logits_in_plane,
    output_plane,
    pca_2d,
    pca_plane,
    separating_directions,
    unit_plane,
)

__all__ = [
    "Plane",
    "class_edges_in_plane",
    "classes_in_plane",
    "classes_on_grid",
    "exact_plane",
    "is_exact",
    "logits_in_plane",
    "output_plane",
    "pca_2d",
    "pca_plane",
    "separating_directions",
    "unit_plane",
]
