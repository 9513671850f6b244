"""``install_compare(window)``: View > Compare, copies of the session trained side by side.

The copies are built from the session's dataset and configuration (the GUI
thread's truth) and trained in a ``CompareThread``; the main session's worker
is not touched until the person promotes a copy. Promoting is one undo step: a
``ConfigCommand`` that swaps whole networks (``Trainer.capture`` and
``restore_state``, as an architecture change does), so Undo brings back the
old network with its weights, epoch and history.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from PySide6.QtCore import QEvent, QObject, QSize, Qt
from PySide6.QtGui import QAction, QFont
from PySide6.QtWidgets import QApplication, QDialog, QVBoxLayout

from ...data import Dataset
from ..session.commands import ConfigCommand
from ..session.config_changes import changed_fields
from ..shell.presentation import SCALE as PRESENTATION_SCALE
from ..shell.screen_fit import keep_on_screen, resize_on_screen

# The window's size as wished for: nine pictures beside the loss curves. It is fitted to the screen
# with the window manager's frame around it (screen_fit.py): on a 1024x768 screen, or beside a
# 1280x720 recording with a panel, 1100x640 and its title bar would spill off the screen.
DIALOG_SIZE = QSize(1100, 640)

if TYPE_CHECKING:
    from ...training.compare import CopyResult
    from ..shell.host import WindowHost
    from .compare_thread import CompareThread
    from .compare_view import CompareView


class PromoteCommand(ConfigCommand):
    """Make a compared copy the session: always a swap of whole networks (even when only
    the learning rate differs), with the copy's trained state ready for the new side."""

    def __init__(self, window: WindowHost, result: CopyResult) -> None:
        session = window.session
        old = session.config
        super().__init__(
            session, old, result.config, f"Use compared copy ({result.label})", changed_fields(old, result.config)
        )
        self.rebuilds = True
        self.states["new"] = (result.state, [], None)


class CompareFeature(QObject):
    """The Compare window (its view built when first opened), its View-menu entry, the training thread and
    promotion."""

    def __init__(self, window: WindowHost) -> None:
        super().__init__(window)
        self._window = window
        self._view: CompareView | None = None
        self.dialog = QDialog(window, objectName="compareDialog")  # type: ignore[call-overload]
        self.dialog.setWindowTitle("Compare runs")
        self.dialog.setWindowFlag(Qt.WindowType.Window, True)
        QVBoxLayout(self.dialog).setContentsMargins(6, 6, 6, 6)
        self._placed = False  # sized to the screen at the first open; then the person's size stays
        self.action = window.menu("&View").addAction("Compare…")
        self.action.setObjectName("compareAction")
        self.action.setToolTip("Train copies of the session that differ in one setting, side by side")
        self.action.triggered.connect(self.open)
        self.thread: CompareThread | None = None
        self._presentation: QAction | None = None
        self._dataset: Dataset | None = None
        self.dialog.finished.connect(lambda _: self.stop())
        window.installEventFilter(self)
        app = QApplication.instance()
        if app is not None:
            app.aboutToQuit.connect(self.stop)

    @property
    def view(self) -> CompareView:
        """The Compare window's view, built at the first use (the window's start-up does not pay for it)."""
        if self._view is None:
            from .compare_view import CompareView  # here: a window never compared never loads the view

            view = CompareView()
            self._window.restyle(view)  # the theme chosen before it existed
            view.start.clicked.connect(self.start)
            view.stop.clicked.connect(self.stop)
            for tile in view.tiles:
                tile.promote.connect(self.promote)
            cast(QVBoxLayout, self.dialog.layout()).addWidget(view)
            self._view = view
        return self._view

    def open(self) -> None:
        """Show the Compare window (non-modal: the main window goes on working)."""
        self.view  # noqa: B018 - built before the dialog shows
        self._follow_presentation()
        if not self._placed:
            self._placed = True
            resize_on_screen(self.dialog, DIALOG_SIZE)
        self.dialog.show()
        keep_on_screen(self.dialog)  # the frame is known once the window manager has framed it
        self.dialog.raise_()
        self.dialog.activateWindow()

    def _follow_presentation(self) -> None:
        """Presentation mode enlarges the window's text; this window is separate, so it follows the
        mode's toggle itself (its plot is scaled with the window's plots already)."""
        action = self._window.findChild(QAction, "presentationAction")
        if action is None or self._presentation is action:
            return
        self._presentation = action
        action.toggled.connect(self._scale_text)
        self._scale_text(action.isChecked())

    def _scale_text(self, presenting: bool) -> None:
        font = QFont(QApplication.font())
        if presenting:
            font.setPointSizeF(font.pointSizeF() * PRESENTATION_SCALE)
        self.dialog.setFont(font)

    @property
    def running(self) -> bool:
        return self.thread is not None and self.thread.isRunning()

    def start(self) -> None:
        """Train copies of the session as it is now; a bad value is named in the status line."""
        self.stop()
        view, session = self.view, self._window.session
        # Imported at the first Start, not with the window: a window never compared never loads them.
        from ...training.compare import variant_configs
        from .compare_thread import CompareThread
        from .compare_view import parse_values

        try:
            values = parse_values(view.variable_name, view.values.text())
            # Validated here, in the GUI thread, so a bad value is named before any thread starts.
            variant_configs(session.config, view.variable_name, values)
        except ValueError as error:
            view.status.setText(str(error))
            return
        self._dataset = session.dataset
        view.clear()
        thread = CompareThread(session.dataset, session.config, view.variable_name, values, view.epochs.value())
        thread.progress.connect(self._show)
        thread.failed.connect(view.status.setText)
        thread.finished.connect(self._finished)
        self.thread = thread
        view.start.setEnabled(False)
        view.stop.setEnabled(True)
        view.status.setText(f"Training {len(values)} copies…")
        thread.start_training()

    def stop(self) -> None:
        """End the training thread (within one epoch) and keep what it trained."""
        thread = self.thread
        if thread is not None:
            thread.stop()
            self._finished()

    def _show(self, results: list[CopyResult]) -> None:
        if self._dataset is None:
            return
        self.view.show_results(results, self._dataset)
        epoch = max((r.epoch for r in results), default=0)
        if self.running:
            self.view.status.setText(f"Training {len(results)} copies: epoch {epoch}")

    def _finished(self) -> None:
        view = self.view
        view.start.setEnabled(True)
        view.stop.setEnabled(False)
        if view.results and not view.status.text().startswith("Compare failed"):
            epoch = max(r.epoch for r in view.results)
            view.status.setText(
                f"{len(view.results)} copies trained for {epoch} epochs. "
                "“Use” under a picture makes that copy the main session (Edit > Undo brings the old one back)."
            )

    def promote(self, index: int) -> None:
        """Make copy ``index`` the main session, as one undoable step."""
        session = self._window.session
        if self.running:
            self.view.status.setText("Stop the training first, then pick the copy to use.")
            return
        if index >= len(self.view.results):
            return
        if session.dataset is not self._dataset:
            self.view.status.setText("The data changed since these copies trained: press Start to train them again.")
            return
        result = self.view.results[index]
        session.pause()
        session.undo_stack.push(PromoteCommand(self._window, result))
        session.message.emit(
            "info",
            f"The session is now the compared copy {result.label} (epoch {result.epoch}); "
            "Undo brings the old one back.",
        )
        self.view.status.setText(f"The main session is now copy {index + 1} ({result.label}).")

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        if watched is self._window and event.type() == QEvent.Type.Close:
            self.stop()  # closing the window ends the thread
        return False


def install_compare(window: WindowHost) -> CompareFeature:
    """Add View > Compare… to ``window``."""
    return CompareFeature(window)
