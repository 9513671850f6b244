"""The commands in docs/guide.md and README.md run, their pictures exist and are made by the
render command (docs/make_screenshots.py), and every install hint names backprop-playground.

Headless commands (train, --help, --version) run for real, in order, in one folder (so a
session that ``train`` saves is there for the command that opens it); ``render`` and window
commands are parsed by the app's own parsers (rendering is what make_screenshots.py does, and
a window would need a person to close it). Each ``train`` must end with a well-trained network.
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs"
sys.path.insert(0, str(DOCS))
import make_screenshots  # noqa: E402 - the docs folder is not a package

from playground.ui.app import parse_arguments  # noqa: E402
from playground.ui.media.render import build_parser as render_parser  # noqa: E402

# Every way the docs start Playground: the installed commands, in a venv or not, and the module.
LAUNCHER = re.compile(
    r"^(?:\S*/)?(?:playground-cli|playground|(?:\S*/)?python3? -m playground|py -m playground)"
    r"(?=\s|$)"
)
WELL_TRAINED = 0.95  # a README or guide example must not end on a half-learned spiral


def code_lines(path: Path) -> list[str]:
    """The command lines of ``path``'s fenced code blocks (backslash continuations joined)."""
    lines: list[str] = []
    inside = False
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip().startswith("```"):
            inside = not inside
            continue
        if inside:
            if lines and lines[-1].endswith("\\"):
                lines[-1] = lines[-1][:-1] + " " + line.strip()
            else:
                lines.append(line.strip())
    return [line for line in lines if line and not line.startswith("#")]


def playground_commands(path: Path) -> list[list[str]]:
    """The Playground command lines of ``path``, as argument lists after the launcher; a line that
    chains commands with && counts for each part."""
    commands = []
    for line in code_lines(path):
        for part in line.split("&&"):
            match = LAUNCHER.match(part.strip())
            if match and "pip" not in part and ".bench" not in part:
                commands.append(shlex.split(part.strip()[match.end() :]))
    return commands


DOCUMENTS = [ROOT / "README.md", DOCS / "guide.md", DOCS / "reference.md", DOCS / "python.md"]


def test_the_documents_have_commands_to_check():
    assert len(playground_commands(DOCS / "guide.md")) >= 5
    assert any(args[:1] == ["train"] for args in playground_commands(ROOT / "README.md"))


@pytest.mark.parametrize("document", DOCUMENTS[:2], ids=lambda p: p.name)
def test_every_command_runs(document, tmp_path):
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PLAYGROUND_DATA_DIR=str(tmp_path / "data"))
    for args in playground_commands(document):
        if args[:1] == ["render"]:
            options = render_parser().parse_args(args[1:])
            assert Path(options.out).suffix in (".gif", ".mp4")
            continue
        if args[:1] != ["train"] and not {"--help", "--version"} & set(args):
            options = parse_arguments(args)  # the window: parsed, not opened
            assert options.file is None or (tmp_path / options.file).is_file(), args
            continue
        done = subprocess.run(
            [sys.executable, "-m", "playground", *args],
            cwd=tmp_path,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert done.returncode == 0, (args, done.stderr[-2000:])
        if args[:1] == ["train"] and "--help" not in args:
            found = re.search(r"accuracy ([\d.]+)% train / ([\d.]+)% test", done.stdout)
            assert found and float(found[1]) / 100 >= WELL_TRAINED, (args, done.stdout)


def test_readme_states_what_its_train_example_prints(tmp_path):
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    (args,) = [a for a in playground_commands(ROOT / "README.md") if a[:1] == ["train"]]
    done = subprocess.run(
        [sys.executable, "-m", "playground", *args],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
        env=dict(os.environ, PLAYGROUND_DATA_DIR=str(tmp_path)),
    )
    pattern = r"accuracy ([\d.]+)% train / ([\d.]+)% test"
    quoted = [float(x) for x in re.search(pattern, text).groups()]
    printed = [float(x) for x in re.search(pattern, done.stdout).groups()]
    # Other numpy and BLAS builds round differently over 300 epochs: the same to a point or so.
    assert all(abs(q - p) <= 1.5 for q, p in zip(quoted, printed)), (quoted, printed)


def test_one_interpreter_path_in_the_readme():
    """Commands that run Python in the README all use the venv's interpreter."""
    for line in code_lines(ROOT / "README.md"):
        for part in line.split("&&"):
            words = part.split()
            program = words[0].rsplit("/", 1)[-1] if words else ""
            if program in ("python", "python3", "pip", "playground", "playground-cli") and words[1:3] != ["-m", "venv"]:
                assert words[0].startswith(".venv/bin/"), part  # only the system python3 makes the venv


@pytest.mark.parametrize("document", DOCUMENTS, ids=lambda p: p.name)
def test_pictures_exist_and_install_hints_name_the_distribution(document):
    text = document.read_text(encoding="utf-8")
    for target in re.findall(r"!\[[^\]]*\]\(([^)]+)\)", text):
        assert (document.parent / target).is_file(), target
    for hint in re.findall(r"pip install(?= )[^`\n&]*", text):
        packages = [word.strip('"') for word in hint.split()[2:] if not word.startswith("-")]
        # The distribution by its name, its wheel file, or a source tree (".", ".[test]").
        assert all(p.startswith(("backprop-playground", "backprop_playground-", ".")) for p in packages), hint
    for path in re.findall(r"sh (resources/\S+)", text):
        assert (ROOT / path).is_file(), path


def test_screenshots_are_made_by_the_render_command():
    pictures = {
        Path(target).stem
        for document in DOCUMENTS
        for target in re.findall(r"!\[[^\]]*\]\((?:docs/)?images/([^)]+)\)", document.read_text(encoding="utf-8"))
    }
    assert pictures and pictures <= set(make_screenshots.SHOTS) | {"window-labelled"}
    for name in make_screenshots.SHOTS:  # each shot is a valid render command line
        render_parser().parse_args([*make_screenshots.SHOTS[name], "--out", f"{name}.mp4"])


def test_the_guide_covers_what_a_teacher_needs():
    text = (DOCS / "guide.md").read_text(encoding="utf-8")
    for heading in (
        "### Windows",
        "### macOS",
        "### Linux",
        "**Without `venv`**",
        "## The window",
        "## A first lesson",
        "## Recording a tutorial",
        "## Keyboard shortcuts",
        "## Where settings and autosaves live",
    ):
        assert heading in text, heading
