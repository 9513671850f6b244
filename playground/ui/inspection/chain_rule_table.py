"""The network table of the chain-rule panel: one point's forward and backward pass, tied to the network.

A tree in the shape of the graph: each layer holds its units; a unit's
activation ``a`` is made from its ``z``, and ``z`` from the incoming weights and
the bias. Every row shows a value (the tensor's ``.data``) and the loss's
gradient with respect to it (the tensor's ``.grad``); tooltips name the array
each number was read from. Clicking a weight or a bias row chooses it for the
written-out chain rule.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHeaderView, QTreeWidget, QTreeWidgetItem, QWidget

from ...training.inspect import PointInspection, WeightId
from .chain_rule_text import (
    a_citation,
    input_symbol,
    loss_citation,
    num,
    output_symbol,
    sup,
    unit_symbol,
    weight_symbol,
    z_citation,
)

VALUE, GRAD = 1, 2  # columns
EXPAND_LIMIT = 12  # a unit's weights start folded when it has more inputs than this

FUSED, NO_GRAD = "fused", "—"
GRAD_TIPS = {
    FUSED: "The loss op fuses the output activation: the engine goes from L to z in one step",
    NO_GRAD: "The input is data, not a parameter: backward() computes no gradient for it",
}

Key = tuple  # ("x", i), ("layer", l), ("a", l, j), ("z", l, j), ("w", l, i, j), ("b", l, j), ("loss",)


class NetworkTable(QTreeWidget):
    """Layer → unit (a) → z → weights and bias, each with its value and ∂L/∂ of it.

    ``weightChosen(WeightId)`` is emitted when a weight or bias row is selected.
    The rows are built once per network shape and refilled for each inspection,
    so a person's folding and scrolling survive a training step.
    """

    weightChosen = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("chainRuleTable")
        self.setColumnCount(3)
        self.setHeaderLabels(["node", "value", "∂L/∂ node"])
        self.headerItem().setToolTip(VALUE, "The tensor's .data for this point")
        self.headerItem().setToolTip(GRAD, "The tensor's .grad after loss.backward(): ∂L/∂ of this node")
        header = self.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column in (VALUE, GRAD):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
            self.headerItem().setTextAlignment(column, Qt.AlignmentFlag.AlignRight)
        self.setIndentation(14)
        self.setUniformRowHeights(True)
        self.setAlternatingRowColors(True)
        self._rows: dict[Key, QTreeWidgetItem] = {}
        self._shape: tuple | None = None
        self.itemSelectionChanged.connect(self._selection_changed)

    # --------------------------------------------------------------- content
    def show_inspection(self, inspection: PointInspection) -> None:
        """Show every number of ``inspection``, rebuilding the rows only if the network changed."""
        snap = inspection.snapshot
        shape = (tuple(snap.sizes), snap.feature_labels, snap.head, snap.activations, snap.residual)
        if shape != self._shape:
            self._build(inspection)
            self._shape = shape
        self._fill(inspection)

    def clear_rows(self) -> None:
        """Show nothing (no point is inspected)."""
        self.clear()
        self._rows = {}
        self._shape = None

    def select(self, weight: WeightId) -> None:
        """Select the row of ``weight`` (unfolding its unit) without emitting ``weightChosen``."""
        item = self.item_for(weight)
        if item is None:
            return
        parent = item.parent()
        while parent is not None:
            parent.setExpanded(True)
            parent = parent.parent()
        self.blockSignals(True)
        self.setCurrentItem(item)
        self.blockSignals(False)
        self.scrollToItem(item)

    def item_for(self, weight: WeightId) -> QTreeWidgetItem | None:
        """The row that shows ``weight``."""
        l = weight.layer + 1
        key = ("b", l, weight.unit) if weight.is_bias else ("w", l, weight.source, weight.unit)
        return self._rows.get(key)

    # -------------------------------------------------------------- building
    def _build(self, inspection: PointInspection) -> None:
        self.clear_rows()
        inputs = self._row(None, ("input",), "", group=True)
        for i in range(len(inspection.snapshot.inputs)):
            self._row(inputs, ("x", i), input_symbol(inspection, 0, i))
        for layer in inspection.layers:
            l = layer.number
            group = self._row(None, ("layer", l), "", group=True)
            for j in range(layer.units):
                a = self._row(group, ("a", l, j), "")
                z = self._row(a, ("z", l, j), unit_symbol("z", l, j))
                if layer.skip:  # a = σ(z) + a⁽ˡ⁻¹⁾: the skip is a's second part, beside z
                    self._row(a, ("skip", l, j), f"+ {input_symbol(inspection, layer.index, j)}  (skip)")
                for i in range(len(layer.inputs)):
                    weight = WeightId(layer.index, i, j)
                    source = input_symbol(inspection, layer.index, i)
                    self._row(z, ("w", l, i, j), f"{weight_symbol(weight)}  ← {source}", weight=weight)
                self._row(z, ("b", l, j), unit_symbol("b", l, j), weight=WeightId(layer.index, None, j))
                a.setExpanded(True)
                z.setExpanded(len(layer.inputs) <= EXPAND_LIMIT)
            group.setExpanded(True)
        self._row(None, ("loss",), "")
        inputs.setExpanded(True)

    def _row(
        self,
        parent: QTreeWidgetItem | None,
        key: Key,
        name: str,
        *,
        group: bool = False,
        weight: WeightId | None = None,
    ) -> QTreeWidgetItem:
        item = QTreeWidgetItem([name, "", ""])
        for column in (VALUE, GRAD):
            item.setTextAlignment(column, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if weight is None:
            # Only parameters can be chosen; other rows just fold and unfold.
            item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsSelectable)
        else:
            item.setData(0, Qt.ItemDataRole.UserRole, weight)
        if parent is None:
            self.addTopLevelItem(item)
        else:
            parent.addChild(item)
        if group:
            item.setFirstColumnSpanned(True)
            font = item.font(0)
            font.setBold(True)
            item.setFont(0, font)
        self._rows[key] = item
        return item

    # --------------------------------------------------------------- filling
    def _fill(self, inspection: PointInspection) -> None:
        snap = inspection.snapshot
        standardised = ", standardised" if snap.standardized else ""
        self._set(("input",), f"Input x{sup(0)}: the network's {len(snap.inputs)} features{standardised}")
        for i, value in enumerate(snap.inputs):
            self._set(("x", i), None, value, NO_GRAD, tip=f"x.data[0, {i}]: the input the engine was given")
        for layer in inspection.layers:
            l, index = layer.number, layer.index
            title = "Output" if layer.is_output else f"Layer {l}"
            self._set(("layer", l), f"{title} · {z_citation(layer)} · {a_citation(layer)}")
            for j in range(layer.units):
                if layer.is_output:
                    # ŷ is z itself; p is made inside the fused loss, which never forms ∂L/∂p.
                    grad = layer.dL_dz[j] if layer.activation == "identity" else FUSED
                    self._set(
                        ("a", l, j),
                        output_symbol(layer.activation, j, layer.units),
                        layer.a[j],
                        grad,
                        tip=f"{layer.activation} of z{sup(l)}; the loss op takes z directly",
                    )
                else:
                    self._set(
                        ("a", l, j),
                        unit_symbol("a", l, j),
                        layer.a[j],
                        layer.dL_da[j],
                        tip=f"trace[{index}].a .data / .grad [0, {j}]",
                    )
                self._set(("z", l, j), None, layer.z[j], layer.dL_dz[j], tip=f"trace[{index}].z .data / .grad [0, {j}]")
                if layer.skip and layer.dL_da is not None:
                    self._set(
                        ("skip", l, j),
                        None,
                        layer.inputs[j],
                        layer.dL_da[j],
                        tip="the skip adds its input unchanged (slope 1), so it passes ∂L/∂a down as it is",
                    )
                for i in range(len(layer.inputs)):
                    self._set(
                        ("w", l, i, j),
                        None,
                        layer.W[i, j],
                        layer.dL_dW[i, j],
                        tip=f"layers[{index}].W .data / .grad [{i}, {j}]",
                    )
                self._set(("b", l, j), None, layer.b[j], layer.dL_db[j], tip=f"layers[{index}].b .data / .grad [{j}]")
        self._set(
            ("loss",),
            f"Loss · {loss_citation(inspection)}, y = {num(snap.target)}",
            inspection.loss,
            1.0,
            tip="loss.data; ∂L/∂L = 1 is the seed backward() starts from",
        )

    def _set(
        self, key: Key, name: str | None, value: float | None = None, grad: float | str = NO_GRAD, tip: str = ""
    ) -> None:
        """Set a row's name (if given) and its value and gradient cells (if a value is given)."""
        item = self._rows[key]
        if name is not None:
            item.setText(0, name)
            item.setToolTip(0, name)
        if value is not None:
            item.setText(VALUE, num(float(value)))
            item.setText(GRAD, grad if isinstance(grad, str) else num(float(grad)))
            item.setToolTip(VALUE, tip)
            item.setToolTip(GRAD, GRAD_TIPS.get(grad, tip) if isinstance(grad, str) else tip)

    # ------------------------------------------------------------- choosing
    def _selection_changed(self) -> None:
        items = self.selectedItems()
        weight = items[0].data(0, Qt.ItemDataRole.UserRole) if items else None
        if isinstance(weight, WeightId):
            self.weightChosen.emit(weight)
