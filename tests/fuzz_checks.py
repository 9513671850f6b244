"""What every fuzz test of a file reader shares: the Hypothesis settings, and the check
that a refused file is refused clearly."""

from __future__ import annotations

from pathlib import Path
from typing import Callable, TypeVar

from hypothesis import HealthCheck, settings

T = TypeVar("T")

# Derandomized and without a database: a run is the same on every machine and in CI.
FUZZ = settings(
    max_examples=150,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def read_or_refusal(path: Path, text: str, reader: Callable[[Path], T]) -> T | None:
    """Write ``text`` to ``path`` and read it with ``reader``: what it read, or None when it
    raised a ValueError, after checking that the message starts with the file's name and
    stays short (one screen)."""
    path.write_bytes(text.encode("utf-8", "surrogatepass"))
    try:
        return reader(path)
    except ValueError as exc:
        message = str(exc)
        assert message.startswith(path.name), message
        assert len(message) < 500, message
        return None
