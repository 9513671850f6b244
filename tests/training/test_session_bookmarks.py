"""Timeline bookmarks in session files: saved with the timeline, read strictly, absent in old files."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

from playground.data import make_dataset
from playground.training import Trainer, TrainingConfig, read_session, save_session
from playground.training.sessions import session_and_timeline_from_dict, session_to_dict
from playground.training.timeline import MAX_BOOKMARKS, Bookmark, Timeline, with_bookmark

MARKS = (Bookmark(0, "the start"), Bookmark(3, "here the second unit dies"), Bookmark(7, "später: ünïcode"))


def trained() -> tuple[Trainer, Timeline]:
    trainer = Trainer(make_dataset("xor", n=30, seed=2), TrainingConfig(hidden=(3,), seed=4))
    timeline = Timeline()
    for _ in range(8):
        trainer.step()
        timeline.follow(trainer)
    return trainer, timeline


def test_bookmarks_round_trip_through_a_saved_session(tmp_path: Path) -> None:
    trainer, timeline = trained()
    timeline.bookmarks = MARKS
    save_session(tmp_path / "s.playground.json", trainer, timeline)
    loaded = read_session(tmp_path / "s.playground.json")
    assert loaded.bookmarks == MARKS
    assert loaded.timeline.bookmarks == MARKS
    assert json.loads((tmp_path / "s.playground.json").read_text(encoding="utf-8"))["bookmarks"][1] == {
        "epoch": 3,
        "caption": "here the second unit dies",
    }


def test_a_session_without_bookmarks_is_written_as_before_and_opens_with_none(tmp_path: Path) -> None:
    trainer, timeline = trained()
    data = session_to_dict(trainer, timeline)
    assert "bookmarks" not in data  # older files look exactly like this
    assert session_and_timeline_from_dict(data).bookmarks == ()
    assert "bookmarks" not in session_to_dict(trainer)  # no timeline, no marks


def test_a_reset_keeps_the_marks_and_with_bookmark_replaces_by_epoch() -> None:
    trainer, timeline = trained()
    timeline.bookmarks = MARKS
    trainer.reset()
    timeline.follow(trainer)  # a new network: the snapshots go, the marks stay
    assert len(timeline) == 1 and timeline.bookmarks == MARKS
    marks = with_bookmark(MARKS, Bookmark(3, "renamed"))
    assert marks == (MARKS[0], Bookmark(3, "renamed"), MARKS[2])
    assert with_bookmark(marks, Bookmark(5, "five"))[2] == Bookmark(5, "five")


BAD = [
    ({"epoch": 1}, "bookmarks[0]: expected the fields caption and epoch, got epoch"),
    ({"epoch": 1, "caption": "a", "colour": 1}, "bookmarks[0]: expected the fields caption and epoch"),
    ({"epoch": -1, "caption": "a"}, "bookmarks[0].epoch: expected a whole number in 0.."),
    ({"epoch": 1.5, "caption": "a"}, "bookmarks[0].epoch: expected a whole number, got a number"),
    ({"epoch": True, "caption": "a"}, "bookmarks[0].epoch: expected a whole number, got a boolean"),
    ({"epoch": 1, "caption": ""}, "bookmarks[0].caption: expected 1..400 characters, got 0"),
    ({"epoch": 1, "caption": " \n"}, "bookmarks[0].caption: is blank"),
    ({"epoch": 1, "caption": "x" * 401}, "bookmarks[0].caption: expected 1..400 characters, got 401"),
    ({"epoch": 1, "caption": 5}, "bookmarks[0].caption: expected text"),
    ("mark", "bookmarks[0]: expected an object"),
]


@pytest.mark.parametrize(("entry", "message"), BAD, ids=[b[1][:40] for b in BAD])
def test_malformed_bookmarks_are_refused_naming_the_field(entry: object, message: str) -> None:
    trainer, timeline = trained()
    data = session_to_dict(trainer, timeline)
    data["bookmarks"] = [entry]
    before = copy.deepcopy(data)
    with pytest.raises(ValueError, match="^" + message.replace("[", r"\[").replace(".", r"\.")):
        session_and_timeline_from_dict(data)
    assert data == before


def test_bookmark_lists_out_of_order_or_too_long_are_refused() -> None:
    trainer, timeline = trained()
    data = session_to_dict(trainer, timeline)
    data["bookmarks"] = [{"epoch": 4, "caption": "a"}, {"epoch": 4, "caption": "b"}]
    with pytest.raises(ValueError, match=r"^bookmarks\[1\]\.epoch: 4 is not after the previous bookmark's 4"):
        session_and_timeline_from_dict(data)
    data["bookmarks"] = [{"epoch": i, "caption": "a"} for i in range(MAX_BOOKMARKS + 1)]
    with pytest.raises(ValueError, match=f"^bookmarks: {MAX_BOOKMARKS + 1} bookmarks, more than"):
        session_and_timeline_from_dict(data)
    data["bookmarks"] = {"epoch": 1}
    with pytest.raises(ValueError, match="^bookmarks: expected a list"):
        session_and_timeline_from_dict(data)


def test_file_errors_name_the_file(tmp_path: Path) -> None:
    trainer, timeline = trained()
    data = session_to_dict(trainer, timeline)
    data["bookmarks"] = [{"epoch": "1", "caption": "a"}]
    path = tmp_path / "bad.playground.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(ValueError, match=r"^bad\.playground\.json: bookmarks\[0\]\.epoch"):
        read_session(path)
