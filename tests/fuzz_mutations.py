"""Hypothesis strategies that mutate valid playground files (shared by the fuzz tests).

A mutation of decoded JSON replaces, deletes or adds a value at a random path
with one of the values hostile files use (numbers beyond any float, 1e309
which JSON reads as infinity, null and booleans where numbers belong, wrong
containers, long text); a mutation of text flips, inserts, deletes or
duplicates bytes. CSV is mutated cell by cell, row by row and in its
separators, as spreadsheets and people get it wrong.
"""

from __future__ import annotations

import copy
import json
from typing import Any

from hypothesis import strategies as st

LITERAL = "@@literal:"  # a string marker replaced by a bare JSON literal after dumping
NASTY_VALUES: list[Any] = [
    10**400,
    -(10**400),
    2**64,
    2**63,
    2**53 + 1,
    -1,
    0,
    1,
    2,
    3,
    7,
    8,
    9,
    255,
    10**6,
    10**12,
    0.5,
    1.5,
    -0.0,
    1e-320,
    1e308,
    -1e308,
    f"{LITERAL}1e309",
    f"{LITERAL}-1e309",
    f"{LITERAL}NaN",
    f"{LITERAL}Infinity",
    None,
    True,
    False,
    "",
    "x",
    "AAAA",
    "A" * 64,
    "!!!!",
    "#FFFFFF",
    "PCG64",
    "adam",
    "relu",
    "\u0000",
    "\U0001f600" * 30,
    "d" * 101,
    [],
    [0],
    [None],
    [[0, 0]],
    [[]],
    [1e308, -1e308],
    {},
    {"a": 1},
]


def dumps(data: Any) -> str:
    """JSON text of ``data``, with the ``LITERAL`` markers turned into bare literals."""
    text = json.dumps(data, allow_nan=False)
    while f'"{LITERAL}' in text:
        start = text.index(f'"{LITERAL}')
        end = text.index('"', start + 1)
        literal = text[start + 1 + len(LITERAL) : end]
        text = text[:start] + literal + text[end + 1 :]
    return text


def _children(node: Any) -> list:
    if isinstance(node, dict):
        return list(node)
    if isinstance(node, list):
        return list(range(len(node)))
    return []


@st.composite
def mutated_json(draw, valid: Any) -> str:
    """The JSON text of ``valid`` with one to three mutations at random paths."""
    data = copy.deepcopy(valid)
    for _ in range(draw(st.integers(1, 3))):
        parent, key, node = None, None, data
        while _children(node) and (parent is None or draw(st.integers(0, 3)) > 0):
            # Lists and objects are picked four times as often as plain values, so that
            # mutations reach deep fields (a snapshot's optimiser state) as often as the top.
            keys = [k for k in _children(node) for _ in range(4 if _children(node[k]) else 1)]
            parent, key = node, keys[draw(st.integers(0, len(keys) - 1))]
            node = node[key]
        if parent is None:
            continue
        kind = draw(st.sampled_from(["replace", "replace", "replace", "delete", "add", "grow"]))
        if kind == "replace":
            parent[key] = copy.deepcopy(draw(st.sampled_from(NASTY_VALUES)))  # never share (and mutate) the pool
        elif kind == "delete":
            del parent[key]
        elif kind == "add" and isinstance(parent, dict):
            parent[draw(st.sampled_from(["extra", "X", "epochs", "steps"]))] = copy.deepcopy(
                draw(st.sampled_from(NASTY_VALUES))
            )
        elif isinstance(parent, list):
            parent.extend(copy.deepcopy([parent[key]] * draw(st.integers(1, 5))))  # a list too long
    text = dumps(data)
    if draw(st.integers(0, 9)) == 0:
        text = draw(mutated_text(text))
    return text


@st.composite
def mutated_text(draw, text: str) -> str:
    """``text`` with a few byte-level edits (kept as text: the readers take bytes as well)."""
    chars = list(text)
    for _ in range(draw(st.integers(1, 4))):
        if not chars:
            break
        at = draw(st.integers(0, len(chars) - 1))
        kind = draw(st.sampled_from(["flip", "insert", "delete", "truncate", "duplicate"]))
        if kind == "flip":
            chars[at] = draw(st.sampled_from(list('0123456789-+.eE,;"[]{}: \n\tabcxyz\u00e9\u0000')))
        elif kind == "insert":
            chars.insert(at, draw(st.sampled_from(list('0,;"\n-[{}]e'))))
        elif kind == "delete":
            del chars[at]
        elif kind == "truncate":
            del chars[at:]
        else:
            end = min(len(chars), at + draw(st.integers(1, 40)))
            chars[at:at] = chars[at:end]
    return "".join(chars)


NASTY_CELLS = [
    "",
    " ",
    "nan",
    "NaN",
    "inf",
    "-inf",
    "1e400",
    "-1e400",
    "1e308",
    "-0",
    "0",
    "1",
    "2",
    "7",
    "8",
    "-1",
    "1.5",
    "1,5",
    "2,5,5",
    "1_000",
    "0x10",
    "\u0661\u0662",
    "abc",
    "test",
    "train",
    "TEST",
    '"',
    "label",
    "x1",
    "class",
    ";",
    "\t",
    "d" * 101,
    "9" * 400,
]
HEADER_NAMES = ["x1", "x2", "X1", "x", "y", "label", "Label", "class", "value", "split", "set", "z", "colour", ""]


@st.composite
def mutated_csv(draw, rows: list[list[str]]) -> str:
    """CSV text from ``rows`` (header first) after cell, row and separator mutations."""
    rows = [list(row) for row in rows]
    for _ in range(draw(st.integers(1, 4))):
        kind = draw(
            st.sampled_from(
                ["cell", "cell", "header", "delete_cell", "add_cell", "delete_row", "duplicate_row", "swap_rows"]
            )
        )
        r = draw(st.integers(0, len(rows) - 1)) if rows else 0
        if not rows:
            break
        row = rows[r]
        if kind == "cell" and row:
            row[draw(st.integers(0, len(row) - 1))] = draw(st.sampled_from(NASTY_CELLS))
        elif kind == "header" and rows[0]:
            rows[0][draw(st.integers(0, len(rows[0]) - 1))] = draw(st.sampled_from(HEADER_NAMES))
        elif kind == "delete_cell" and row:
            del row[draw(st.integers(0, len(row) - 1))]
        elif kind == "add_cell":
            row.append(draw(st.sampled_from(NASTY_CELLS)))
        elif kind == "delete_row":
            del rows[r]
        elif kind == "duplicate_row":
            rows.insert(r, list(row))
        elif len(rows) > 1:
            s = draw(st.integers(0, len(rows) - 1))
            rows[r], rows[s] = rows[s], rows[r]
    separator = draw(st.sampled_from([",", ",", ";", "\t"]))
    ending = draw(st.sampled_from(["\n", "\r\n"]))
    text = ending.join(separator.join(row) for row in rows) + ending
    if draw(st.integers(0, 9)) == 0:
        text = draw(mutated_text(text))
    return text
