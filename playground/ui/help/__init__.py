"""A "?" on every plot and panel: a short explanation of the view, with a small picture."""

from .explanations import Explanations, install_explanations

__all__ = ["Explanations", "install_explanations"]
