"""A form section whose controls edit fields of the session's ``TrainingConfig``.

The model is the truth: a control asks ``model.update_config`` for its change,
and whatever the model then holds is what every control shows. A refused
change (``update_config`` returned False and sent its message) puts the
model's value back; ``configChanged`` from anywhere re-syncs all controls.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtWidgets import QAbstractButton, QComboBox, QDoubleSpinBox, QSpinBox, QWidget

from ...training import TrainingConfig
from ..session.session_model import SessionModel
from .form import Section, W, blocked, select_data


class ConfigSection(Section):
    """A :class:`Section` that binds controls to config fields (see the module docstring).

    Subclasses with controls that map to fields less directly (several widgets
    for one field, one widget for several) extend :meth:`sync` and call
    :meth:`commit` themselves.
    """

    def __init__(self, model: SessionModel, title: str, parent: QWidget | None = None) -> None:
        super().__init__(title, parent)
        self.model = model
        self._bound: dict[str, tuple[QWidget, Callable[[Any], None]]] = {}
        model.configChanged.connect(self.sync)

    def bind(self, field: str, widget: W, label: str, tooltip: str = "", *, advanced: bool = False) -> W:
        """Add ``widget`` as a labelled row that shows and edits ``config.<field>``
        (behind the expander if ``advanced``)."""
        return self.add_row(label, self.bound(field, widget), tooltip, advanced=advanced)

    def bound(self, field: str, widget: W) -> W:
        """Make ``widget`` show and edit ``config.<field>``; the caller places it (several
        controls may share a row)."""
        read, write, changed = _accessors(widget)
        self._bound[field] = (widget, write)
        changed.connect(lambda *_: self.commit(**{field: read()}))
        return widget

    def control(self, field: str) -> QWidget:
        """The control that shows ``config.<field>`` (for tests and keyboard focus)."""
        return self._bound[field][0]

    def commit(self, **changes: Any) -> bool:
        """Ask the model for ``changes``; if it refuses, show its values again."""
        accepted = self.model.update_config(**changes)
        if not accepted:
            self.sync(self.model.config)
        return accepted

    def sync(self, config: TrainingConfig) -> None:
        """Show ``config`` in the bound controls without sending edits back."""
        widgets = [widget for widget, _ in self._bound.values()]
        with blocked(*widgets):
            for field, (_, write) in self._bound.items():
                write(getattr(config, field))


def _accessors(widget: QWidget) -> tuple[Callable[[], Any], Callable[[Any], None], Any]:
    """(read, write, changed signal) for the kinds of control a config field uses."""
    if isinstance(widget, QComboBox):
        return widget.currentData, lambda value: select_data(widget, value), widget.currentIndexChanged
    if isinstance(widget, (QSpinBox, QDoubleSpinBox)):
        return widget.value, widget.setValue, widget.valueChanged
    if isinstance(widget, QAbstractButton) and widget.isCheckable():
        return widget.isChecked, widget.setChecked, widget.toggled
    raise TypeError(f"cannot bind a {type(widget).__name__} to a config field")
