"""Named choices (activations, inits, optimisers, heads) checked one way, with one message."""

from __future__ import annotations

from collections.abc import Collection


def unknown_name(what: str, name: object, names: Collection[str]) -> ValueError:
    """The error for ``name``, which is not one of ``names``: ``unknown <what> 'x'; choose one of a, b``."""
    return ValueError(f"unknown {what} {name!r}; choose one of {', '.join(names)}")


def check_name(what: str, name: str, names: Collection[str]) -> str:
    """``name`` if it is one of ``names``; else the ValueError of :func:`unknown_name`."""
    if name not in names:
        raise unknown_name(what, name, names)
    return name
