"""Which preset, if any, made a dataset: what the DATA panel's generator controls may claim.

A Dataset does not remember where it came from, so the panel keeps the recipe
of every dataset it generated (found again by identity, which covers undo and
redo), and recognises a dataset from elsewhere (a new or opened session) by
regenerating a few likely recipes and comparing values. Anything else (a
file, a painted edit) is custom: no preset claims it.

Qt-free, so it is tested without a window.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

from ...data import Dataset
from ...data.generators import DATASET_NAMES, takes_classes, task_of
from ...data.spec import DatasetSpec
from ...training.defaults import DEFAULT_NOISE, DEFAULT_PRESET, DEFAULT_SEED

REMEMBERED = 64  # recipes kept for undo and redo; older generated datasets count as custom
# Recognising regenerates a few dozen candidates (about 250 ms at 10,000 points); larger data
# is not worth the wait on opening, and the panel's presets go up to 10,000 points anyway.
MAX_RECOGNISED = 20_000


Recipe = DatasetSpec
"""The generator's options (``make_dataset(preset, n, noise, seed, test_fraction, ...)``):
the data layer's ``DatasetSpec``, which a shareable recipe writes too."""


class Recipes:
    """The recipes of the datasets the panel generated, newest last (at most ``REMEMBERED``)."""

    def __init__(self) -> None:
        self._made: list[tuple[Dataset, Recipe]] = []

    def remember(self, dataset: Dataset, recipe: Recipe) -> None:
        """Note that ``recipe`` made ``dataset`` (this very object)."""
        self._made = [(d, r) for d, r in self._made if d is not dataset][-(REMEMBERED - 1) :]
        self._made.append((dataset, recipe))

    def of(self, dataset: Dataset) -> Recipe | None:
        """The recipe that made ``dataset`` (this object, or an equal one: an edit then
        its undo gives back equal points); None if the panel made no such dataset."""
        for made, recipe in reversed(self._made):
            if made is dataset:
                return recipe
        for made, recipe in reversed(self._made):
            if made.n == dataset.n and made == dataset:
                return recipe
        return None


def recognise(dataset: Dataset, likely: Iterable[tuple[float, int]] = ()) -> Recipe | None:
    """The recipe that regenerates ``dataset`` exactly, trying each preset of its task with
    the noise and seed pairs in ``likely`` and the app's defaults; None if none does.

    Only the preset, noise and seed are guessed: the size, test count and class
    count are read from the dataset, so a handful of generations settle it.
    """
    n, n_test = dataset.n, int(dataset.is_test.sum())
    if not 1 <= n <= MAX_RECOGNISED or n_test == n or not _balanced(dataset):
        return None
    pairs = list(dict.fromkeys([*likely, (DEFAULT_NOISE, DEFAULT_SEED)]))
    names = sorted(DATASET_NAMES, key=lambda name: name != DEFAULT_PRESET)  # the likeliest first
    for name in names:
        if task_of(name) != dataset.task:
            continue
        classes = dataset.n_classes if takes_classes(name) else None
        if classes is None and dataset.task == "classification" and dataset.n_classes != 2:
            continue
        for noise, seed in pairs:
            # n_test / n gives exactly n_test test points: make_dataset holds out round(n * f).
            recipe = Recipe(name, n, noise, seed, n_test / n, classes)
            try:
                if recipe.make() == dataset:
                    return recipe
            except ValueError:
                continue
    return None


def _balanced(dataset: Dataset) -> bool:
    """Whether the classes have the counts a generator gives them (equal, the first ones one
    more): a cheap test that rules out most files and edits before anything is generated."""
    if dataset.task != "classification":
        return True
    n, k = dataset.n, dataset.n_classes
    expected = [n // k + (c < n % k) for c in range(k)]
    return np.bincount(dataset.y, minlength=k).tolist() == expected
