"""The "Compare" view: copies of the session that differ in one setting, trained side by side."""

from .compare_feature import CompareFeature, install_compare

__all__ = ["CompareFeature", "install_compare"]
