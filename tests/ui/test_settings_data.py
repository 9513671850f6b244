"""Settings are read as data: a tampered settings.ini can at worst reset a preference.

PySide6's QSettings unpickles ``@Variant(... PySide::PyObjectWrapper ...)`` values
when it reads them, so a crafted file ran a command at start. The app's own INI
reader takes only text, lists of text and the geometry bytes, and the writer
stores nothing else; both stay in QSettings' dialect (files of earlier versions
read, and QSettings reads ours: checked here on clean files only).
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from PySide6.QtCore import QByteArray
from test_cli_app import _run

from playground.ui.shell.ini import format_ini, parse_ini, read_ini, write_ini
from playground.ui.shell.settings import Settings


def _crafted_settings(folder: Path, marker: Path) -> Path:
    """A settings.ini whose theme is a pickle that creates ``marker`` when unpickled,
    made the way an attacker would: by QSettings itself, in another process."""
    path = folder / "settings.ini"
    script = textwrap.dedent(f"""
        import pathlib
        from PySide6.QtCore import QCoreApplication, QSettings
        class Payload:
            def __reduce__(self):
                return (pathlib.Path.touch, (pathlib.Path({str(marker)!r}),))
        app = QCoreApplication([])
        store = QSettings({str(path)!r}, QSettings.Format.IniFormat)
        store.setValue("appearance/theme", Payload())
        store.setValue("files/recent", [Payload(), "/tmp/x.playground.json"])
        store.setValue("autosave/interval", "7")
        store.sync()
    """)
    folder.mkdir(parents=True, exist_ok=True)
    subprocess.run([sys.executable, "-c", script], check=True, timeout=60)
    text = path.read_text(encoding="latin-1")
    assert "PySide::PyObjectWrapper" in text and not marker.exists()
    return path


def test_a_pickled_value_is_ignored_and_nothing_runs(tmp_path):
    marker = tmp_path / "ran"
    path = _crafted_settings(tmp_path / "data", marker)
    settings = Settings(path)
    assert settings.theme == "light"  # the pickle reads as absent
    assert settings.recent_files() == []  # a list with a pickle in it, too
    assert settings.autosave_seconds == 7.0  # plain values beside them still count
    settings.theme = "dark"
    assert not marker.exists()
    text = path.read_text(encoding="latin-1")
    assert "PyObjectWrapper" not in text and "@Variant" not in text  # never written back
    assert Settings(path).theme == "dark"


def test_the_real_app_starts_on_a_crafted_settings_file_and_runs_nothing(tmp_path):
    marker = tmp_path / "ran"
    _crafted_settings(tmp_path / "data", marker)
    report, errors, _ = _run(tmp_path)
    assert errors == [] and report["theme"] == "light"
    assert not marker.exists()
    text = (tmp_path / "data" / "settings.ini").read_text(encoding="latin-1")
    assert "PyObjectWrapper" not in text  # the exit wrote the geometry, and only plain values


CLEAN = {
    "a/plain": "plain",
    "a/comma": "x, y;z=w",
    "a/quote": 'say "hi" \\ back',
    "a/unicode": "Grüße ✓ 日本",
    "a/at": "@Variant(not really)",
    "a/at2": "@@x",
    "a/spaces": "  lead and trail  ",
    "a/control": "tab\there\nnl\0z1",
    "a/hex_after": "\x01abc",
    "a/empty": "",
    "b/list": ["/a/b c.json", "/d,e/f", "@x"],
    "top": "t",
    "c/geometry": bytes(range(256)) + b"0123abc\x00f",
}


def _written_by_qsettings(path: Path) -> None:
    script = textwrap.dedent(f"""
        import json
        from PySide6.QtCore import QByteArray, QCoreApplication, QSettings
        app = QCoreApplication([])
        store = QSettings({str(path)!r}, QSettings.Format.IniFormat)
        values = json.loads({__import__("json").dumps({k: v for k, v in CLEAN.items() if k != "c/geometry"})!r})
        for key, value in values.items():
            store.setValue(key, value)
        store.setValue("c/geometry", QByteArray(bytes.fromhex({CLEAN["c/geometry"].hex()!r})))
        store.sync()
    """)
    subprocess.run([sys.executable, "-c", script], check=True, timeout=60)


def test_files_written_by_qsettings_read_the_same(tmp_path):
    path = tmp_path / "qt.ini"
    _written_by_qsettings(path)
    assert read_ini(path) == CLEAN


def test_qsettings_reads_what_we_write(tmp_path):
    path = tmp_path / "ours.ini"
    write_ini(path, CLEAN)
    assert read_ini(path) == CLEAN
    script = textwrap.dedent(f"""
        import json
        from PySide6.QtCore import QByteArray, QCoreApplication, QSettings
        app = QCoreApplication([])
        store = QSettings({str(path)!r}, QSettings.Format.IniFormat)
        values = {{key: store.value(key) for key in store.allKeys()}}
        values = {{k: bytes(v).hex() if isinstance(v, QByteArray) else v for k, v in values.items()}}
        print(json.dumps(values))
    """)
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True, timeout=60)
    got = __import__("json").loads(done.stdout)
    assert bytes.fromhex(got.pop("c/geometry")) == CLEAN["c/geometry"]
    assert got == {k: v for k, v in CLEAN.items() if k != "c/geometry"}


@pytest.mark.parametrize(
    "line", ["theme=@Variant(\\0\\0\\0\\x7f)", "theme=@Rect(1 2 3 4)", "theme=\\x40Variant(\\0)", "theme=@Point(1 2)"]
)
def test_typed_values_read_as_absent(line):
    assert parse_ini(f"[appearance]\n{line}\n") == {}


def test_other_files_read_as_empty(tmp_path):
    assert read_ini(tmp_path / "missing.ini") == {}
    assert read_ini(tmp_path) == {}  # a folder
    link = tmp_path / "zero.ini"
    link.symlink_to("/dev/zero")
    assert read_ini(link) == {}  # a device would never end
    big = tmp_path / "big.ini"
    big.write_text("[a]\nb=" + "x" * (2 * 2**20) + "\n")
    assert read_ini(big) == {}


def test_one_item_list_and_empty_list(tmp_path):
    settings = Settings(tmp_path / "s.ini")
    settings.add_recent(tmp_path / "one.playground.json")
    assert settings.recent_files() == [str(tmp_path / "one.playground.json")]
    settings.clear_recent()
    assert settings.recent_files() == []
    assert "recent" in format_ini({"files/recent": []})
    settings.geometry = QByteArray(b"\x00\x01\x02geometry\xff")
    assert bytes(Settings(tmp_path / "s.ini").geometry) == b"\x00\x01\x02geometry\xff"
