"""The banner above the plots: what is wrong with training, and what helps.

It shows one of two things. An error the app reported (a file that could not
be written, training paused by a failure) stays until training plays again or
the session is replaced. Otherwise it shows the most serious diagnosis of the
run (``playground.training.diagnosis``, carried by each frame): its message and
its advice, styled by severity (error, warning, note); it goes as soon as a
frame no longer has it (after a reset, a lower learning rate, File > New).
"""

from __future__ import annotations

from collections.abc import Sequence

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


class Banner(QLabel):
    """The banner; ``severity()`` and ``text()`` say what it shows (hidden: nothing)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent, objectName="banner", wordWrap=True)
        self.setStyleSheet(_SHEET)
        self._error = ""
        self._diagnoses: tuple[Diagnosis, ...] = ()
        self._shown: tuple[str, str, str] | None = None  # severity, text, tooltip
        self.hide()

    def severity(self) -> str:
        """The severity shown (ERROR, WARNING or NOTE), or "" when the banner is hidden."""
        return self._shown[0] if self._shown else ""

    def diagnosis(self) -> Diagnosis | None:
        """The most serious diagnosis the banner was last given (shown unless an error takes its place)."""
        return self._diagnoses[0] if self._diagnoses else None

    def show_error(self, text: str) -> None:
        """Show an error the app reported, until ``clear_error``."""
        self._error = text
        self._update()

    def clear_error(self) -> None:
        self._error = ""
        self._update()

    def show_diagnoses(self, diagnoses: Sequence[Diagnosis]) -> None:
        """The run's diagnoses, most serious first (a frame's); [] when it is healthy."""
        diagnoses = tuple(diagnoses)
        if diagnoses != self._diagnoses:
            self._diagnoses = diagnoses
            self._update()

    def forget(self) -> None:
        """Forget the error and the diagnosis (the session was replaced)."""
        self._error = ""
        self._diagnoses = ()
        self._update()

    def _update(self) -> None:
        diagnosis = self.diagnosis()
        # A divergence is an error of its own, with a cause and advice: it outranks a report.
        if self._error and not (diagnosis is not None and diagnosis.cause == DIVERGED):
            shown: tuple[str, str, str] | None = (ERROR, self._error, "")
        elif diagnosis is not None:
            more = len(self._diagnoses) - 1
            text = diagnosis.text + (f" ({more} more: hover here.)" if more else "")
            shown = (diagnosis.severity, text, "\n\n".join(d.text for d in self._diagnoses) if more else "")
        else:
            shown = None
        if shown == self._shown:
            return
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
