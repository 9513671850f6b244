"""Saving a session without holding up training or the window.

``capture`` runs in the training thread (between steps, so the copy is
consistent) and only copies: the weights, the history's arrays and the list of
the timeline's snapshots (which never change once recorded). That takes a few
milliseconds whatever the length of the history. ``capture_json`` then turns the
copy into the session file's text in any thread: the same text that
``session_to_json`` gives for the live trainer, so whatever is saved opens.

``json.dumps`` of one large value is a single call that holds Python's global
lock throughout (half a second for a 22 MB session), freezing the window even
from a background thread; ``encode_json`` writes the same text in pieces of
bounded size instead.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Iterator

import numpy as np

from ...training import Trainer
from ...training.sessions import MAX_BYTES, session_to_dict
from ...training.timeline import Bookmark, Timeline
from ...training.trainer import Snapshot

PIECE = 1 << 16  # characters or items per json.dumps call: well under a millisecond each
_DUMP = dict(allow_nan=False, separators=(",", ":"))


@dataclass(frozen=True)
class _FrozenTrainer:
    """What ``session_to_dict`` reads from a trainer, copied at one moment."""

    dataset: Any
    config: Any
    history: Any
    standardizer: Any
    status: str
    dtype: np.dtype
    model: object  # compared by identity only (Timeline.snapshots_of)
    state: Snapshot

    @property
    def epoch(self) -> int:
        return self.state.epoch

    def snapshot(self) -> Snapshot:
        return self.state


@dataclass(frozen=True)
class _FrozenTimeline:
    """A timeline's snapshots of one run, as ``session_to_dict`` reads them."""

    model: object
    kept: tuple[Snapshot, ...]
    per_level: int
    bookmarks: tuple[Bookmark, ...] = ()

    def snapshots_of(self, trainer: _FrozenTrainer) -> list[Snapshot]:
        return list(self.kept) if trainer.model is self.model else []


@dataclass(frozen=True)
class SessionCapture:
    """A session as it was at one moment; ``capture_json`` makes its file's text."""

    trainer: _FrozenTrainer
    timeline: _FrozenTimeline | None

    @property
    def epoch(self) -> int:
        return self.trainer.epoch


def capture(trainer: Trainer, timeline: Timeline | None = None) -> SessionCapture:
    """Copy what the session file of ``trainer`` (and ``timeline``) holds. Call it in the
    thread that trains (``session.run_in_worker``); the copy is then safe anywhere."""
    frozen = _FrozenTrainer(
        trainer.dataset,
        trainer.config,
        trainer.history.copy(),
        trainer.standardizer,
        trainer.status,
        trainer.dtype,
        trainer.model,
        trainer.snapshot(),
    )
    kept = None
    if timeline is not None:
        kept = _FrozenTimeline(
            trainer.model, tuple(timeline.snapshots_of(trainer)), timeline.per_level, timeline.bookmarks
        )
    return SessionCapture(frozen, kept)


def capture_json(captured: SessionCapture) -> str:
    """The session file's text for ``captured`` (ValueError for a session that
    would not open again: too many points, epochs or bytes)."""
    data = session_to_dict(captured.trainer, captured.timeline)  # type: ignore[arg-type]
    text = encode_json(data)
    if len(text) > MAX_BYTES:
        raise ValueError(f"the session needs {len(text):,} bytes, more than the {MAX_BYTES:,} a session file may have")
    return text


def encode_json(value: Any) -> str:
    """``json.dumps(value, allow_nan=False, separators=(",", ":"))``, made in pieces."""
    return "".join(_pieces(value))


def _small(item: Any) -> bool:
    """A value whose JSON is short: a number, a short text, a short list of numbers."""
    if isinstance(item, str):
        return len(item) <= 1024
    if isinstance(item, (list, tuple)):
        return len(item) <= 16 and not any(isinstance(x, (dict, list, tuple, str)) for x in item)
    return not isinstance(item, dict)


def _key(key: Any) -> str:
    # json's own spelling of a non-text key (1 -> "1", True -> "true").
    return json.dumps(key) if isinstance(key, str) else json.dumps({key: 0}, **_DUMP)[1:-3]


def _pieces(value: Any) -> Iterator[str]:
    if isinstance(value, dict):
        yield "{"
        for index, (key, item) in enumerate(value.items()):
            yield ("," if index else "") + _key(key) + ":"
            yield from _pieces(item)
        yield "}"
    elif isinstance(value, (list, tuple)) and len(value) > 1:
        yield "["
        for start in range(0, len(value), PIECE):
            chunk = value[start : start + PIECE]
            if all(_small(item) for item in chunk):  # one call for the whole chunk
                yield ("," if start else "") + json.dumps(list(chunk), **_DUMP)[1:-1]
                continue
            for index, item in enumerate(chunk):
                if start or index:
                    yield ","
                yield from _pieces(item)
        yield "]"
    elif isinstance(value, str) and len(value) > PIECE:
        # Escaping is per character, so the pieces' escapes join into the whole's.
        yield '"' + "".join(json.dumps(value[i : i + PIECE])[1:-1] for i in range(0, len(value), PIECE)) + '"'
    else:
        yield json.dumps(value, **_DUMP)
