"""The dialog that asks for a formula dataset: one line, checked as it is typed.

An error is shown under the line in a fixed-width font, so the parser's caret
stands under the offending character; OK stays disabled until the formula
parses, and a formula that then fails on the points (a class with no point)
keeps the dialog open with the reason.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QLayout, QLineEdit, QVBoxLayout, QWidget

from ...data import Dataset
from ...data.expressions import FUNCTIONS
from ...data.formula import parse_formulas

HELP = (
    "A formula of x1 and x2. A condition gives two classes (class 2 where it holds), "
    "conditions separated by ; give one class each (the first that holds wins; the last class "
    "takes the rest), and any other formula is a regression target.<br>"
    f"Allowed: numbers, pi, x1, x2, + - * / **, ( ), {' '.join(FUNCTIONS)}, "
    "&lt; &lt;= &gt; &gt;= == !=, and, or, not."
)
EXAMPLES = (
    "Examples: <tt>x2 &gt; sin(3*x1)</tt> · <tt>x1 &lt; -1; x1 &lt; 1; x1 &gt;= 1</tt> · <tt>sin(x1) * cos(x2)</tt>"
)


MIN_WIDTH = 600  # px: the help in a few lines, and room for a typical error without widening the dialog


def split_conditions(text: str) -> str | list[str]:
    """The line as one formula, or a list of conditions when it holds ``;``."""
    pieces = [piece.strip() for piece in text.split(";")]
    return pieces[0] if len(pieces) == 1 else pieces


class FormulaDialog(QDialog):
    """Asks for a formula; ``make(expr)`` builds the dataset (ValueError shown, dialog kept open).

    After ``accept`` the dataset is in ``dataset`` and the formula in ``expr``.
    """

    def __init__(
        self, make: Callable[[str | list[str]], Dataset], initial: str = "", parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Dataset from a formula")
        self._make = make
        self.dataset: Dataset | None = None
        self.expr: str | list[str] | None = None
        intro = QLabel(HELP, wordWrap=True)
        examples = QLabel(EXAMPLES, wordWrap=True)
        self.line = QLineEdit(initial, placeholderText="x2 > sin(3*x1)")
        self.line.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.feedback = QLabel()
        self.feedback.setObjectName("formulaFeedback")
        self.feedback.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.feedback.setWordWrap(False)
        # Room for the message, its excerpt and the caret line, so the dialog does not jump.
        self.feedback.setMinimumHeight(4 * self.feedback.fontMetrics().lineSpacing())
        self.feedback.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.try_accept)
        self.buttons.rejected.connect(self.reject)
        # The least width is the line's: the layout's SetMinimumSize replaces a minimum set on the dialog
        # itself, which then opened 277 px wide and widened at the first error message (which never wraps).
        self.line.setMinimumWidth(MIN_WIDTH)
        layout = QVBoxLayout(self)
        layout.setSizeConstraint(QLayout.SizeConstraint.SetMinimumSize)  # wrapped text keeps its height
        for widget in (intro, examples, self.line, self.feedback, self.buttons):
            layout.addWidget(widget)
        self.line.textChanged.connect(self._check)
        self._check(initial)

    def _check(self, text: str) -> bool:
        """Parse as the person types: say what the formula makes, or where it is wrong."""
        ok = bool(text.strip())
        if not ok:
            self.feedback.setText("")
        else:
            try:
                formulas = parse_formulas(split_conditions(text))
            except ValueError as exc:
                self.feedback.setText(str(exc))
                ok = False
            else:
                self.feedback.setText(_what_it_makes(formulas))
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(ok)
        return ok

    def try_accept(self) -> bool:
        """Make the dataset; accept on success, else show why and stay open."""
        text = self.line.text()
        if not self._check(text):
            return False
        expr = split_conditions(text)
        try:
            self.dataset = self._make(expr)
        except ValueError as exc:
            self.feedback.setText(str(exc))
            return False
        self.expr = expr
        self.accept()
        return True


def _what_it_makes(formulas: list) -> str:
    if len(formulas) > 1:
        return f"{len(formulas)} classes"
    return "2 classes: class 2 where it holds" if formulas[0].is_condition else "regression"


def ask(
    parent: QWidget | None,
    make: Callable[[str | list[str]], Dataset],
    initial: str,
    done: Callable[[str | list[str], Dataset], None],
) -> FormulaDialog:
    """Open the dialog (window-modal, without blocking the event loop: training and the
    plots go on) and call ``done(formula, dataset)`` once ``make`` accepted a formula.

    Callers look it up on the module at call time, so tests can answer it.
    """
    dialog = FormulaDialog(make, initial, parent)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)

    def accepted() -> None:
        if dialog.expr is not None and dialog.dataset is not None:
            done(dialog.expr, dialog.dataset)

    dialog.accepted.connect(accepted)
    dialog.open()
    return dialog
