"""The "Transforms" view: the input plane carried through the network stage by stage."""

from .transforms_feature import TransformsFeature, install_transforms

__all__ = ["TransformsFeature", "install_transforms"]
