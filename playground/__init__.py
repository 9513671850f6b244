"""Playground: a desktop application for learning how neural networks learn.

The package is layered (see ARCHITECTURE.md): ``engine`` (autograd on numpy), ``nn``
(layers, losses, optimisers), ``data`` (datasets and their files), ``training``
(the trainer and sessions) and ``ui`` (the only Qt code). Nothing below ``ui``
imports Qt, so the core runs from a script or a notebook with numpy alone.
"""

from ._version import __version__

__all__ = ["__version__"]
