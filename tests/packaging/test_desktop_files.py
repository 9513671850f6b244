"""The Linux desktop files agree with each other and with the app: one icon name, one MIME type,
the desktop file name the QApplication announces, and an install script that parses."""

from __future__ import annotations

import configparser
import fnmatch
import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from playground.ui.shell.identity import DESKTOP_FILE_NAME, ICON_NAME, icons_folder

LINUX = Path(__file__).resolve().parents[2] / "resources" / "linux"
MIME_NS = "{http://www.freedesktop.org/standards/shared-mime-info}"


def _desktop_entry() -> configparser.SectionProxy:
    parser = configparser.ConfigParser(interpolation=None)
    parser.optionxform = str  # keys are case-sensitive
    parser.read(LINUX / f"{DESKTOP_FILE_NAME}.desktop", encoding="utf-8")
    return parser["Desktop Entry"]


def test_desktop_entry_names_the_command_icon_and_file_type():
    entry = _desktop_entry()
    assert (entry["Type"], entry["Name"], entry["Icon"], entry["Terminal"]) == (
        "Application",
        "Playground",
        ICON_NAME,
        "false",
    )
    assert entry["Exec"] == "playground %f" and entry["TryExec"] == "playground"
    assert "Education" in entry["Categories"].split(";") and entry["Categories"].endswith(";")
    assert (icons_folder() / f"{ICON_NAME}.svg").is_file()  # what share/icons/hicolor gets


def test_mime_type_matches_session_files_and_the_desktop_entry():
    root = ET.parse(LINUX / f"{DESKTOP_FILE_NAME}-mime.xml").getroot()
    (mime,) = root.findall(f"{MIME_NS}mime-type")
    assert _desktop_entry()["MimeType"] == mime.get("type") + ";"
    (glob,) = mime.findall(f"{MIME_NS}glob")
    assert fnmatch.fnmatch("lesson.playground.json", glob.get("pattern"))
    assert not fnmatch.fnmatch("data.json", glob.get("pattern"))
    assert mime.find(f"{MIME_NS}sub-class-of").get("type") == "application/json"
    assert mime.find(f"{MIME_NS}icon").get("name") == ICON_NAME


@pytest.mark.skipif(shutil.which("sh") is None, reason="no POSIX shell")
def test_install_script_parses_and_refuses_a_missing_command(tmp_path):
    script = LINUX / "install.sh"
    assert subprocess.run(["sh", "-n", str(script)]).returncode == 0
    done = subprocess.run(
        ["sh", str(script), str(tmp_path / "no-such-playground")], capture_output=True, text=True, timeout=30
    )
    assert done.returncode == 2 and "no playground command found" in done.stderr
