"""The settings file read and written as plain data, in the INI dialect QSettings uses.

QSettings itself is not used for the file: PySide6 stores Python objects that are
not Qt types as pickles (``@Variant(... PySide::PyObjectWrapper ...)``) and
unpickles them as soon as the file's values are read, so a crafted settings
file could run code. Here a value is text, a list of texts, or bytes
(``@ByteArray(...)``, the window geometry); anything else (``@Variant``,
``@Rect`` ...) reads as absent. The dialect stays QSettings' own, so files the
app wrote before still read, and ``QSettings`` could read what is written here.

Parsing follows ``QSettingsPrivate::iniUnescapedStringList`` and
``iniEscapedString`` in Qt's qsettings.cpp for the subset above.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Union

from ...data.io import write_text_atomic

Value = Union[str, list[str], bytes]

MAX_SETTINGS_BYTES = 1024 * 1024  # far above what the app writes; a larger file is not ours
_ESCAPES = {
    "a": "\a",
    "b": "\b",
    "f": "\f",
    "n": "\n",
    "r": "\r",
    "t": "\t",
    "v": "\v",
    '"': '"',
    "'": "'",
    "?": "?",
    "\\": "\\",
}
_WRITE_ESCAPES = {
    "\a": "\\a",
    "\b": "\\b",
    "\f": "\\f",
    "\n": "\\n",
    "\r": "\\r",
    "\t": "\\t",
    "\v": "\\v",
    '"': '\\"',
    "\\": "\\\\",
}
_HEX, _OCTAL = set("0123456789abcdefABCDEF"), set("01234567")
_SPECIAL = re.compile(r"^@([A-Za-z]+)\(")
# QSettings writes the keys outside any section under [General], and a section
# really named "General" as [%General].
_SECTION_NAMES = {"General": "", "%General": "General"}
_SECTION_HEADINGS = {"": "General", "General": "%General"}


def _unescape_value(raw: str) -> list[str] | str:
    """One INI value: quoted parts, backslash escapes, and commas that make a list."""
    items: list[str] = []
    current: list[str] = []
    in_quotes = False
    is_list = False
    i = 0
    while i < len(raw):
        ch = raw[i]
        if ch == '"':
            in_quotes = not in_quotes
            i += 1
        elif ch == "\\" and i + 1 < len(raw):
            code = raw[i + 1]
            i += 2
            if code in _ESCAPES:
                current.append(_ESCAPES[code])
            elif code == "x":
                start = i
                while i < len(raw) and raw[i] in _HEX:
                    i += 1
                current.append(chr(int(raw[start:i], 16) % 0x110000) if i > start else "x")
            elif code in _OCTAL:
                start = i - 1
                while i < len(raw) and raw[i] in _OCTAL:
                    i += 1
                current.append(chr(int(raw[start:i], 8) % 0x110000))
            else:
                current.append(code)
        elif ch == "," and not in_quotes:
            is_list = True
            items.append("".join(current).strip())
            current = []
            i += 1
        elif ch == ";" and not in_quotes:
            break  # a comment
        else:
            current.append(ch)
            i += 1
    text = "".join(current)
    if is_list:
        items.append(text.strip())
        return items
    return text.strip() if not raw.lstrip().startswith('"') else text


def _decode(text: str) -> str | bytes | None:
    """A string as QSettings means it: ``@@`` is a literal ``@``, ``@ByteArray(...)``
    bytes; any other ``@Type(...)`` is a value of a type this app never stores: None."""
    if text.startswith("@@"):
        return text[1:]
    if _SPECIAL.match(text):
        if text.startswith("@String(") and text.endswith(")"):  # text with control characters
            return text[len("@String(") : -1]
        if text.startswith("@ByteArray(") and text.endswith(")"):
            try:
                return text[len("@ByteArray(") : -1].encode("latin-1")
            except UnicodeEncodeError:
                return None
        return None
    return text


def parse_ini(text: str) -> dict[str, Value]:
    """``{"section/key": value}`` of an INI text; values of unknown types are left out."""
    values: dict[str, Value] = {}
    section = ""
    for line in text.splitlines():
        line = line.strip()
        if not line or line[0] in ";#":
            continue
        if line.startswith("[") and line.endswith("]"):
            section = line[1:-1].strip()
            section = _SECTION_NAMES.get(section, section)
            continue
        key, equals, raw = line.partition("=")
        if not equals:
            continue
        key = key.strip().replace("\\", "/")
        name = f"{section}/{key}" if section else key
        value = _unescape_value(raw)
        if isinstance(value, list):
            decoded = [_decode(item) for item in value]
            if all(isinstance(item, str) for item in decoded):
                values[name] = decoded  # type: ignore[assignment]
        else:
            single = _decode(value)
            if single is not None:
                values[name] = single
    return values


def _escape(text: str, raw_bytes: bool = False) -> str:
    """``iniEscapedString``: quote when needed, escape control characters (and, for
    bytes, everything outside ASCII) as ``\\x..``, never followed by a bare hex digit."""
    out: list[str] = []
    escape_next_digit = False
    for ch in text:
        if escape_next_digit and ch in _HEX:
            out.append(f"\\x{ord(ch):x}")
            continue
        escape_next_digit = False
        if ch == "\0":
            out.append("\\0")
            escape_next_digit = True
        elif ch in _WRITE_ESCAPES:
            out.append(_WRITE_ESCAPES[ch])
        elif ord(ch) <= 0x1F or (raw_bytes and ord(ch) >= 0x7F):
            out.append(f"\\x{ord(ch):x}")
            escape_next_digit = True
        else:
            out.append(ch)
    escaped = "".join(out)
    if any(c in text for c in ";,=") or escaped[:1] == " " or escaped[-1:] == " ":
        escaped = f'"{escaped}"'
    return escaped


def _encode(value: Value) -> str:
    if isinstance(value, bytes):
        return _escape("@ByteArray(" + value.decode("latin-1") + ")", raw_bytes=True)
    if isinstance(value, list):
        if not value:
            return "@Invalid()"  # QSettings' spelling of an empty list
        # One item is written as a plain string, as QSettings does (readers accept both).
        return ", ".join(_escape(_literal(item)) for item in value)
    return _escape(_literal(value))


def _literal(text: str) -> str:
    return "@" + text if text.startswith("@") else text


def format_ini(values: dict[str, Value]) -> str:
    """The INI text for ``values`` (keys ``section/key``), sections in first-seen order."""
    sections: dict[str, list[str]] = {}
    for name, value in values.items():
        section, _, key = name.rpartition("/")
        sections.setdefault(_SECTION_HEADINGS.get(section, section), []).append(f"{key}={_encode(value)}")
    blocks = [f"[{section}]\n" + "\n".join(lines) + "\n" for section, lines in sections.items()]
    return "\n".join(blocks)


def read_ini(path: Path) -> dict[str, Value]:
    """The values of the INI file at ``path``; {} when it is missing, not a regular
    file, too large, or not text (a damaged file resets the preferences)."""
    if not os.path.isfile(path):  # a device or a pipe would never end, or never start
        return {}
    try:
        with open(path, "rb") as handle:
            raw = handle.read(MAX_SETTINGS_BYTES + 1)
    except OSError:
        return {}
    if len(raw) > MAX_SETTINGS_BYTES:
        return {}
    return parse_ini(raw.decode("utf-8", errors="replace"))


def write_ini(path: Path, values: dict[str, Value]) -> None:
    """Write ``values`` to ``path`` atomically (creating its folder)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    write_text_atomic(path, format_ini(values))
