"""The terminal progress bar: redrawn in place on a terminal, a few plain lines in a log."""

from __future__ import annotations

import io
import sys

from playground.cli import end_progress, progress_bar


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def _run(total: int, step: int) -> None:
    for done in range(step, total + step, step):
        progress_bar(min(done, total), total, f"loss {1 / done:.3f}")
    end_progress()


def test_a_log_gets_a_plain_line_at_the_start_and_each_quarter(monkeypatch):
    log = io.StringIO()
    monkeypatch.setattr(sys, "stderr", log)
    _run(500, 5)
    assert log.getvalue().splitlines() == [
        "5/500 loss 0.200",
        "125/500 loss 0.008",
        "250/500 loss 0.004",
        "375/500 loss 0.003",
        "500/500 loss 0.002",
    ]
    assert "\r" not in log.getvalue()
    log.seek(0), log.truncate()
    _run(3, 1)  # a second run in the same process starts its own lines
    assert log.getvalue().splitlines() == ["1/3 loss 1.000", "2/3 loss 0.500", "3/3 loss 0.333"]


def test_a_terminal_gets_one_line_redrawn_in_place(monkeypatch):
    terminal = Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    _run(100, 50)
    assert terminal.getvalue() == (
        "\r[###############...............] 50/100 loss 0.020\r[##############################] 100/100 loss 0.010\n"
    )
