"""The "Landscape" view: the training loss on a 2D slice of weight space, with the path and the next step."""

from .landscape_feature import LandscapeFeature, install_landscape

__all__ = ["LandscapeFeature", "install_landscape"]
