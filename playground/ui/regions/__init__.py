"""The "Regions" view: the linear regions of a ReLU network over the plane, and their count over the epochs."""

from .regions_feature import RegionsFeature, install_regions

__all__ = ["RegionsFeature", "install_regions"]
