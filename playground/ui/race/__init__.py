"""The "Optimiser race": SGD, momentum, Nesterov and Adam rolling down the same two-parameter function."""

from .race_feature import RaceFeature, install_race

__all__ = ["RaceFeature", "install_race"]
