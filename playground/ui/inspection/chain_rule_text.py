"""The chain rule written out for people: symbols, numbers and the HTML the chain-rule panel shows.

Plain strings, no widgets. Symbols follow the chapter: ``z₂⁽¹⁾`` is unit 2 of
layer 1 (units counted from 1), ``a⁽⁰⁾`` is the input ``x``, ``w⁽²⁾[3→1]`` the
weight from unit 3 of layer 1 to unit 1 of layer 2. Where a number comes from
the engine, the text names the array it was read from, in Python's 0-based
indexing (``layers[1].W.grad[2, 0]``), so a reader can find it in a notebook.
"""

from __future__ import annotations

import math
from html import escape

from ...nn.activations import LEAKY_SLOPE
from ...training.inspect import GraphRef, HeadStep, LayerInspection, PointInspection, WeightChain, WeightId

_SUP = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")
_SUB = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")
DIGITS = 4  # significant digits shown; the checks below are against the full values

SLOPES = {  # ∂a/∂z of each activation, written in terms of z and a
    "tanh": "1 − a²",
    "sigmoid": "a(1 − a)",
    "relu": "1 if z > 0, else 0",
    "leaky_relu": f"1 if z > 0, else {LEAKY_SLOPE:g}",
    "linear": "1 (a is z itself: the same node)",
}
FUSED_DZ = {  # ∂L/∂z_k of an output unit as the fused loss computes it, by head
    "sigmoid": "p − y",
    "softmax": "p<sub>k</sub> − δ<sub>ck</sub>",
    "identity": "2(ŷ − y)",
}
LOSSES = {  # the loss of one point, by head
    "sigmoid": "L = −y log p − (1 − y) log(1 − p)",
    "softmax": "L = −log p<sub>c</sub>",
    "identity": "L = (ŷ − y)²",
}


# ------------------------------------------------------------------ symbols
def sup(layer_number: int) -> str:
    """``⁽¹⁾`` for layer 1."""
    return f"⁽{str(layer_number).translate(_SUP)}⁾"


def sub(index: int) -> str:
    """``₁₂`` for 12."""
    return str(index).translate(_SUB)


def num(value: float) -> str:
    """A number at display precision, with a real minus sign."""
    if math.isnan(value):
        return "nan"
    if math.isinf(value):
        return "−∞" if value < 0 else "∞"
    text = f"{value:.{DIGITS}g}"
    return "0" if float(text) == 0.0 else text.replace("-", "−")


def factor(value: float) -> str:
    """A number as a factor of a product: negative ones in parentheses."""
    text = num(value)
    return f"({text})" if text.startswith("−") else text


def unit_symbol(letter: str, layer_number: int, unit: int) -> str:
    """``a₃⁽¹⁾``: ``letter`` of unit ``unit`` (0-based) in layer ``layer_number``."""
    return f"{letter}{sub(unit + 1)}{sup(layer_number)}"


def output_symbol(head: str, unit: int, units: int) -> str:
    """What the head makes of output unit ``unit``: ``p``, ``p₂`` or ``ŷ``."""
    if head == "identity":
        return "ŷ"
    return "p" if units == 1 else f"p{sub(unit + 1)}"


def input_symbol(inspection: PointInspection, layer: int, source: int) -> str:
    """What weight ``source`` of layer ``layer`` (0-based) multiplies: a feature or a unit."""
    if layer > 0:
        return unit_symbol("a", layer, source)
    labels = inspection.snapshot.feature_labels
    return labels[source] if source < len(labels) else f"x{sub(source + 1)}"


def weight_symbol(weight: WeightId) -> str:
    """``w⁽²⁾[3→1]`` (from unit 3 of the layer before to unit 1), or the bias ``b₁⁽²⁾``."""
    if weight.is_bias:
        return unit_symbol("b", weight.layer + 1, weight.unit)
    return f"w{sup(weight.layer + 1)}[{weight.source + 1}→{weight.unit + 1}]"


def ref_symbol(ref: GraphRef) -> str:
    """A graph tensor by the chapter's name: ``x``, ``a⁽¹⁾``, ``W⁽²⁾``."""
    name, layer_number = ref
    return name if name == "x" else f"{name}{sup(layer_number)}"


def z_citation(layer: LayerInspection) -> str:
    """``z⁽²⁾ = linear(a⁽¹⁾, W⁽²⁾, b⁽²⁾)``, from the node's op and parents."""
    parents = ", ".join(ref_symbol(ref) for ref in layer.z_parents)
    return f"z{sup(layer.number)} = {layer.z_op}({parents})"


def a_citation(layer: LayerInspection) -> str:
    """``a⁽¹⁾ = tanh(z⁽¹⁾)``; for the output, what the head does with z."""
    l = sup(layer.number)
    if layer.is_output:
        if layer.activation == "identity":
            return f"ŷ = z{l}"
        return f"p = {layer.activation}(z{l}), inside the loss"
    # A skip adds a⁽ˡ⁻¹⁾, which does not depend on z: the slope along z is the activation's alone.
    skip = f" + {'x' if layer.index == 0 else 'a' + sup(layer.index)}, the skip" if layer.skip else ""
    if not layer.a_op:
        return f"a{l} = z{l}{skip} (linear: no op{', one add' if skip else ', the same node'})"
    return f"a{l} = {layer.a_op}(z{l}){skip}"


def loss_citation(inspection: PointInspection) -> str:
    """``L = bce_with_logits(z⁽²⁾, y)``."""
    parents = ", ".join(ref_symbol(ref) for ref in inspection.loss_parents)
    return f"L = {inspection.loss_op}({parents}, y)"


# --------------------------------------------------------------------- HTML
# The verdict on a pale chip of its own, dark text on it (contrast above 6), so it reads on either theme:
# green or red text alone on the dark theme's background was 2.6:1.
AGREES = "<span style='background-color:#DFF3E8; color:#005C3D'>&nbsp;✓ equal to display precision&nbsp;</span>"
DIFFERS = "<span style='background-color:#FDECEA; color:#8A1C12'>&nbsp;✗ differs&nbsp;</span>"


def _check(written: float, engine: float, agrees: bool, where: str) -> str:
    mark = AGREES if agrees else DIFFERS
    return f"engine: <code>{escape(where)}</code> = {num(engine)} &nbsp; (written out: {num(written)}) &nbsp; {mark}"


def _engine_index(weight: WeightId) -> str:
    if weight.is_bias:
        return f"layers[{weight.layer}].b.grad[{weight.unit}]"
    return f"layers[{weight.layer}].W.grad[{weight.source}, {weight.unit}]"


def head_step_html(step: HeadStep, layer: LayerInspection, loss_op: str) -> str:
    """∂L/∂z of an output unit as ∂L/∂a · ∂a/∂z, and why the engine needs only its fused form."""
    z = unit_symbol("z", layer.number, step.unit)
    a = output_symbol(step.head, step.via, layer.units)
    closed = f"{num(step.prediction)} − {factor(step.target)}"
    if step.head == "identity":
        formula = f"∂L/∂{z} = ∂L/∂ŷ · ∂ŷ/∂{z} = 2(ŷ − y) · 1"
        closed = f"2({closed})"
        why = f"<code>{loss_op}</code> takes ŷ = z directly, so ∂L/∂z is its gradient."
    elif step.head == "sigmoid":
        formula = f"∂L/∂{z} = ∂L/∂p · ∂p/∂{z} = (−y/p + (1 − y)/(1 − p)) · p(1 − p) = p − y"
        why = (
            f"<code>{loss_op}</code> fuses the sigmoid into the cross-entropy, so the engine goes "
            f"from L to z in one step, ∂L/∂z = p − y."
        )
    else:
        c, pj = sub(step.via + 1), output_symbol(step.head, step.unit, layer.units)
        delta = f"δ{c}{sub(step.unit + 1)}"
        formula = f"∂L/∂{z} = ∂L/∂{a} · ∂{a}/∂{z} = (−1/p{c}) · p{c}({delta} − {pj}) = {pj} − {delta}"
        why = (
            f"<code>{loss_op}</code> fuses the softmax into the cross-entropy (true class c = "
            f"{step.via + 1}; the label y = {step.via} counts from 0), so the engine goes from L to z "
            f"in one step, ∂L/∂z<sub>j</sub> = p<sub>j</sub> − δ<sub>cj</sub>."
        )
    if math.isfinite(step.product):
        product = f"{factor(step.dL_da)} · {factor(step.da_dz)} = {num(step.product)}"
    else:
        product = (
            f"{factor(step.dL_da)} · {factor(step.da_dz)}: p rounded to exactly 0 or 1, "
            f"the very case the fused op exists for"
        )
    return (
        f"{why} For one point {LOSSES[step.head]}.<br>{formula}<br>"
        f"&nbsp;&nbsp;= {product} = {closed} = <b>{num(step.value)}</b>"
    )


def chain_html(inspection: PointInspection, chain: WeightChain) -> str:
    """One parameter's gradient written out as the chain rule, checked against the engine."""
    weight = chain.weight
    layer = inspection.layers[weight.layer]
    l, j = layer.number, weight.unit
    z = unit_symbol("z", l, j)
    # The parameter is named once in the heading; the formulas call it plain w (or b).
    p = "b" if weight.is_bias else "w"
    unit = f"output unit {j + 1}" if layer.is_output else f"unit {j + 1} of layer {l}"
    if weight.is_bias:
        role = f"bias of {unit}"
        dz_text = f"∂{z}/∂b = 1 &nbsp;(<i>{z_citation(layer)}</i> adds b once)"
    else:
        source = input_symbol(inspection, weight.layer, weight.source)
        role = f"from {source} to {unit}"
        dz_text = (
            f"∂{z}/∂w = {source} = {num(chain.dz_dw)} &nbsp;(<i>{z_citation(layer)}</i> adds "
            f"{source} · w, so its slope along w is {source})"
        )
    # Cross-entropy depends on the true class's p_c alone, so softmax's chain runs through p_c.
    a = output_symbol(layer.activation, chain.head.via, layer.units) if layer.is_output else unit_symbol("a", l, j)
    parts = [
        f"<p><b>{p} = {weight_symbol(weight)} = {num(chain.value)}</b> &nbsp;({role})</p>",
        f"<p style='font-size:11pt'>∂L/∂{p} = ∂{z}/∂{p} · ∂{a}/∂{z} · ∂L/∂{a}</p>",
        f"<ul><li>{dz_text}</li>",
    ]
    if layer.is_output:
        step = chain.head
        parts.append(f"<li>∂{a}/∂{z} · ∂L/∂{a} = ∂L/∂{z}: {head_step_html(step, layer, inspection.loss_op)}</li></ul>")
        product = f"{factor(chain.dz_dw)} · {factor(step.value)}"
    else:
        parts.append(
            f"<li>∂{a}/∂{z} = {layer.activation}′(z) = {SLOPES[layer.activation]} = "
            f"{num(chain.da_dz)} &nbsp;(<i>{a_citation(layer)}</i>)</li>"
        )
        parts.append(f"<li>{_paths_html(inspection, chain)}</li></ul>")
        product = f"{factor(chain.dz_dw)} · {factor(chain.da_dz)} · {factor(chain.paths_sum)}"
    parts.append(f"<p style='font-size:11pt'><b>∂L/∂{p} = {product} = {num(chain.written)}</b></p>")
    parts.append(f"<p>{_check(chain.written, chain.engine, chain.agrees, _engine_index(weight))}</p>")
    return "".join(parts)


def _paths_html(inspection: PointInspection, chain: WeightChain) -> str:
    """∂L/∂a of a hidden unit as the sum over the paths through the next layer, term by term."""
    weight = chain.weight
    after = inspection.layers[weight.layer + 1]
    a = unit_symbol("a", weight.layer + 1, weight.unit)
    n = sup(after.number)
    zk, ak = f"z<sub>k</sub>{n}", f"a<sub>k</sub>{n}"
    where = "the output" if after.is_output else f"layer {after.number}"
    skips = [term for term in chain.paths if term.skip]
    through = len(chain.paths) - len(skips)
    skip_text = f", and one more along layer {after.number}'s skip connection" if skips else ""
    if len(chain.paths) == 1:
        lead = f"∂L/∂{a}: {a} reaches the loss along one path, through the one unit of {where}:"
    else:
        lead = (
            f"∂L/∂{a}: {a} reaches the loss along {len(chain.paths)} paths, "
            f"{'one' if through == 1 else 'one through each unit k'} of {where}{skip_text}; "
            f"the chain rule adds them:"
        )
    # The skip adds a_j itself into unit j of the next layer: slope 1, then that unit's ∂L/∂a.
    a_next = unit_symbol("a", after.number, weight.unit)
    skip_formula = f" + ∂L/∂{a_next} <i>(skip)</i>" if skips else ""
    if after.is_output:
        formula = f"∂L/∂{a} = Σ<sub>k</sub> ∂{zk}/∂{a} · ∂L/∂{zk}"
        header = ["k", f"∂{zk}/∂{a} = w", f"∂L/∂{zk} (fused)", "term"]
        note = f"each ∂{ak}/∂{zk} · ∂L/∂{ak} of the output is the fused step ∂L/∂{zk} = {FUSED_DZ[after.activation]}."
    else:
        formula = f"∂L/∂{a} = Σ<sub>k</sub> ∂{zk}/∂{a} · ∂{ak}/∂{zk} · ∂L/∂{ak}{skip_formula}"
        header = ["k", f"∂{zk}/∂{a} = w", f"∂{ak}/∂{zk}", f"∂L/∂{ak} (engine)", "term"]
        note = (
            f"each ∂L/∂{ak} is read from the engine and is itself a sum over the paths through the "
            f"next layer: pick a weight of layer {after.number} to see it written out."
        )
    rows = ["<tr>" + "".join(f"<th align='right'>{h}</th>" for h in header) + "</tr>"]
    for term in chain.paths:
        if term.skip:
            cells = [f"skip → {term.unit + 1}", "1", "—", num(term.upstream), num(term.value)]
            rows.append("<tr>" + "".join(f"<td align='right'><i>{c}</i></td>" for c in cells) + "</tr>")
            continue
        local = [] if term.local is None else [num(term.local)]
        cells = [str(term.unit + 1), num(term.weight), *local, num(term.upstream), num(term.value)]
        rows.append("<tr>" + "".join(f"<td align='right'>{c}</td>" for c in cells) + "</tr>")
    rows.append(
        f"<tr><td colspan='{len(header) - 1}' align='right'><b>Σ</b></td>"
        f"<td align='right'><b>{num(chain.paths_sum)}</b></td></tr>"
    )
    check = _check(chain.paths_sum, chain.dL_da, chain.paths_agree, f"trace[{weight.layer}].a.grad[0, {weight.unit}]")
    return (
        f"{lead}<br>{formula}<table cellspacing='0' cellpadding='3'>{''.join(rows)}</table>"
        f"<small>{note}</small><br>{check}"
    )


def summary_html(inspection: PointInspection, description: str) -> str:
    """One line about the point: where it is, its label, the prediction and the loss with its op."""
    snap = inspection.snapshot
    output = inspection.output
    if snap.head == "identity":
        prediction = f"ŷ = {num(float(output.a[0]))}"
    elif snap.head == "sigmoid":
        prediction = f"p = {num(float(output.a[0]))}"
    else:
        c = int(snap.target)
        prediction = f"p{sub(c + 1)} = {num(float(output.a[c]))} (true class)"
    x1, x2 = snap.point
    return (
        f"<b>Point ({num(x1)}, {num(x2)})</b>, {escape(description)} · epoch {snap.epoch} · "
        f"{prediction} · <i>{loss_citation(inspection)}</i> = <b>{num(inspection.loss)}</b>"
    )


def extras_note(inspection: PointInspection) -> str:
    """What a training step adds that this one-point pass leaves out ('' if nothing)."""
    extras = inspection.snapshot.training_extras
    if not extras:
        return ""
    return (
        f"<p><small>Training also uses {escape(', '.join(extras))}, left out here: this is "
        f"the loss of this one point as the network predicts it.</small></p>"
    )
