"""Shareable recipes, formula datasets and export as code: one feature of the window."""

from .controller import RecipeController, controller_of, install_recipes

__all__ = ["RecipeController", "controller_of", "install_recipes"]
