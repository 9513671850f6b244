"""The banner above the plots: what is wrong with training, and what helps.

It shows one of two things. An error the app reported (a file that could not
be written, training paused by a failure) stays until training plays again or
the session is replaced. Otherwise it shows the most serious diagnosis of the
run (``playground.training.diagnosis``, carried by each frame): its message and
its advice, styled by severity (error, warning, note); it goes once frames no
longer have it (after a reset, a lower learning rate; File > New at once).

A warning or note comes and goes with hysteresis: while playing, a diagnosis
near its threshold came and went from frame to frame, and the banner (and in
presentation mode the curves that make room for it) flickered. A change of
cause shows once the frames have asked for it for ``HOLD_S`` without a break,
and what is shown stays at least ``STAY_S``. Errors (a divergence, a reported
failure) show and go at once: they stop training, so they do not flicker.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Sequence

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QLabel, QWidget

from ...training.diagnosis import DIVERGED, ERROR, NOTE, WARNING, Diagnosis

# Background, text and border per severity: dark text on a pale ground, readable (contrast
# above 4.5) in both themes, since the banner keeps its own colours.
STYLES = {
    ERROR: ("#FDECEA", "#8A1C12", "#D55E00"),
    WARNING: ("#FFF4DC", "#6B4200", "#E69F00"),
    NOTE: ("#E8F1FA", "#0B4470", "#0072B2"),
}
# The box (padding, border) in a rule of its own, matched from the start: Qt makes it the label's contents
# margins, which its height for a width counts, only for a rule that matched when the sheet was set. In the
# severity's rule, matched only once the property is set, the label was as tall as its text alone, the
# border drawn over it (14 px at the normal size, 20 in presentation mode's larger text, not 28 and 33).
_SHEET = "QLabel#banner { padding: 6px; border: 1px solid; border-radius: 3px; }" + "".join(
    f'QLabel#banner[severity="{severity}"] {{ background: {ground}; color: {text}; border-color: {border}; }}'
    for severity, (ground, text, border) in STYLES.items()
)


HOLD_S = 0.5  # a new cause (or its absence) must last this long, about 30 frames, before it shows
STAY_S = 2.0  # what the banner shows stays at least this long: time to start reading it

Shown = tuple[str, str, str]  # severity, text, tooltip


class Banner(QLabel):
    """The banner; ``severity()`` and ``text()`` say what it shows (hidden: nothing).

    ``clock`` (seconds) times the hysteresis; tests pass a fake one.
    """

    def __init__(self, parent: QWidget | None = None, *, clock: Callable[[], float] = time.monotonic) -> None:
        super().__init__(parent, objectName="banner", wordWrap=True)
        self.setStyleSheet(_SHEET)
        self._clock = clock
        self._error = ""
        self._diagnoses: tuple[Diagnosis, ...] = ()
        self._shown: Shown | None = None
        self._shown_cause = ""  # the cause shown, or "" (nothing, or a reported error)
        self._shown_at = -math.inf
        self._asked: tuple[str, float] | None = None  # a cause other than the shown one, and since when
        # Frames stop when training pauses: the change they asked for is made when it is due all the same.
        self._due = QTimer(self, singleShot=True)
        self._due.timeout.connect(self._update)
        self.hide()

    def severity(self) -> str:
        """The severity shown (ERROR, WARNING or NOTE), or "" when the banner is hidden."""
        return self._shown[0] if self._shown else ""

    def diagnosis(self) -> Diagnosis | None:
        """The most serious diagnosis the banner was last given (shown unless an error takes its place)."""
        return self._diagnoses[0] if self._diagnoses else None

    def changing(self) -> bool:
        """Whether a change the frames asked for waits for its time (``HOLD_S``, ``STAY_S``) to show."""
        return self._due.isActive()

    def show_error(self, text: str) -> None:
        """Show an error the app reported, until ``clear_error``."""
        self._error = text
        self._update(at_once=True)

    def clear_error(self) -> None:
        self._error = ""
        self._update(at_once=True)

    def show_diagnoses(self, diagnoses: Sequence[Diagnosis]) -> None:
        """The run's diagnoses, most serious first (a frame's); [] when it is healthy."""
        # Each frame counts, the same as the last one too: it is how long a change was asked for.
        self._diagnoses = tuple(diagnoses)
        self._update()

    def forget(self) -> None:
        """Forget the error and the diagnosis (the session was replaced)."""
        self._error = ""
        self._diagnoses = ()
        self._update(at_once=True)

    def _wanted(self) -> tuple[Shown | None, str]:
        """What the banner should show now, and the diagnosis's cause ("" for none or a report)."""
        diagnosis = self.diagnosis()
        # A divergence is an error of its own, with a cause and advice: it outranks a report.
        if self._error and not (diagnosis is not None and diagnosis.cause == DIVERGED):
            return (ERROR, self._error, ""), ""
        if diagnosis is None:
            return None, ""
        more = len(self._diagnoses) - 1
        text = diagnosis.text + (f" ({more} more: hover here.)" if more else "")
        return (diagnosis.severity, text, "\n\n".join(d.text for d in self._diagnoses) if more else ""), diagnosis.cause

    def _update(self, at_once: bool = False) -> None:
        shown, cause = self._wanted()
        if shown == self._shown:
            self._asked = None
            return
        calm = ERROR not in (shown[0] if shown else "", self.severity())  # an error comes and goes at once
        if not at_once and calm and cause != self._shown_cause and not self._due_now(cause):
            return
        self._asked = None
        self._due.stop()
        if cause != self._shown_cause or (shown is None) != (self._shown is None):
            self._shown_at = self._clock()  # the same cause in other words (a count changed) is no news
        self._shown_cause = cause
        self._shown = shown
        if shown is None:
            self.hide()
            return
        self.setProperty("severity", shown[0])
        self.setText(shown[1])
        self.setToolTip(shown[2])
        self.style().unpolish(self)  # a dynamic property changed: restyle by it
        self.style().polish(self)
        self.show()

    def _due_now(self, cause: str) -> bool:
        """Whether frames have asked for ``cause`` (instead of the shown one) long enough, and the shown
        one was up long enough, to change now; if not, the change is checked again when it is due."""
        now = self._clock()
        if self._asked is None or self._asked[0] != cause:
            self._asked = (cause, now)  # a break in the asking starts the wait afresh
        due = max(self._asked[1] + HOLD_S, self._shown_at + STAY_S if self._shown is not None else -math.inf)
        if now >= due:
            return True
        self._due.start(max(1, math.ceil((due - now) * 1000)))
        return False
