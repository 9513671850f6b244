"""The distribution as a user gets it: an sdist built from a copy of the source tree (so the
working tree is left alone), a wheel built from that sdist (so the sdist is complete), their
contents, and the wheel installed outside the repository running ``playground-cli --version``
and finding its icons.

The setuptools backend is called directly (PEP 517, as ``python -m build --no-isolation``
does), so the test needs no network; about 10 s.
"""

from __future__ import annotations

import email.parser
import os
import shutil
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest

import playground
from playground.ui.shell.identity import ICON_SIZES

pytestmark = pytest.mark.slow  # builds the wheel and sdist and installs one: pytest -m slow

ROOT = Path(__file__).resolve().parents[2]
NAME = "backprop_playground"
IGNORED = shutil.ignore_patterns(
    ".git",
    ".venv*",
    "__pycache__",
    "*.egg-info",
    "build",
    "dist",
    "out",
    ".pytest_cache",
    ".mypy_cache",
    ".ruff_cache",
    ".hypothesis",
    ".coverage*",
)

pytest.importorskip("setuptools", minversion="77", reason="the packaging test builds with setuptools>=77")


def _backend(source: Path, hook: str, out: Path) -> Path:
    """Run the setuptools backend's ``hook`` (build_sdist or build_wheel) in ``source``; the file made."""
    out.mkdir()
    code = f"import sys; from setuptools import build_meta; print(build_meta.{hook}(sys.argv[1]))"
    done = subprocess.run(
        [sys.executable, "-c", code, str(out)], cwd=source, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return out / done.stdout.strip().splitlines()[-1]


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """``(sdist, wheel)``: the sdist from a copy of the tree, the wheel from the unpacked sdist."""
    work = tmp_path_factory.mktemp("dist")
    source = work / "source"
    shutil.copytree(ROOT, source, ignore=IGNORED, symlinks=True)
    sdist = _backend(source, "build_sdist", work / "sdist")
    with tarfile.open(sdist) as archive:
        # The "data" filter (no absolute paths, no links out) where this Python has it (3.10.12+).
        safe = {"filter": "data"} if hasattr(tarfile, "data_filter") else {}
        archive.extractall(work / "unpacked", **safe)
    (unpacked,) = (work / "unpacked").iterdir()
    wheel = _backend(unpacked, "build_wheel", work / "wheel")
    return sdist, wheel


def test_the_sdist_carries_tests_docs_licence_and_resources(built):
    sdist, _ = built
    assert sdist.name == f"{NAME}-{playground.__version__}.tar.gz"
    with tarfile.open(sdist) as archive:
        names = {name.split("/", 1)[1] for name in archive.getnames() if "/" in name}
    for expected in (
        "LICENSE",
        "README.md",
        "pyproject.toml",
        "tests/conftest.py",
        "tests/packaging/test_distribution.py",
        "docs/guide.md",
        "resources/linux/backprop-playground.desktop",
        "resources/icons/render_icons.py",
        "playground/resources/icons/backprop-playground.svg",
    ):
        assert expected in names, expected
    assert not any("__pycache__" in name for name in names)


def test_the_wheel_carries_the_package_icons_guide_and_desktop_files(built):
    _, wheel = built
    assert wheel.name == f"{NAME}-{playground.__version__}-py3-none-any.whl"
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        info = f"{NAME}-{playground.__version__}.dist-info"
        metadata = email.parser.Parser().parsestr(archive.read(f"{info}/METADATA").decode())
        entry_points = archive.read(f"{info}/entry_points.txt").decode()
    sources = {
        path.relative_to(ROOT).as_posix()
        for path in (ROOT / "playground").rglob("*.py")
        if "__pycache__" not in path.parts
    }
    assert sources <= names  # every module, none forgotten by the package finder
    icons = {f"playground/resources/icons/playground-{size}.png" for size in ICON_SIZES}
    assert icons | {"playground/resources/icons/backprop-playground.svg"} <= names
    data = f"{NAME}-{playground.__version__}.data/data/share"
    assert {
        f"{data}/backprop-playground/docs/guide.md",
        f"{data}/applications/backprop-playground.desktop",
        f"{data}/mime/packages/backprop-playground-mime.xml",
        f"{data}/icons/hicolor/scalable/apps/backprop-playground.svg",
    } <= names
    assert {
        f"{data}/backprop-playground/docs/{path.relative_to(ROOT / 'docs').as_posix()}"
        for path in (ROOT / "docs" / "images").glob("*.png")
    } <= names
    assert f"{info}/licenses/LICENSE" in names
    assert not any(name.startswith(("tests/", "benchmarks/")) for name in names)
    assert (metadata["Name"], metadata["Version"], metadata["License-Expression"]) == (
        "backprop-playground",
        playground.__version__,
        "MIT",
    )
    requires = metadata.get_all("Requires-Dist")
    assert "numpy>=2.0" in requires and 'imageio-ffmpeg>=0.4.9; extra == "video"' in requires
    assert not any(r.startswith("imageio>") and "video" in r for r in requires)  # imageio is for tests
    assert "[console_scripts]\nplayground-cli = playground.__main__:main" in entry_points
    assert "[gui_scripts]\nplayground = playground.__main__:main" in entry_points


def test_the_installed_wheel_runs_outside_the_repository(built, tmp_path):
    _, wheel = built
    target = tmp_path / "installed"
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--quiet",
            "--no-deps",
            "--no-index",
            "--target",
            str(target),
            str(wheel),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    # Only the wheel's copy of playground on the path (its dependencies come from this environment).
    env = dict(os.environ, PYTHONPATH=str(target), QT_QPA_PLATFORM="offscreen")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    version = subprocess.run(
        [str(target / "bin" / "playground-cli"), "--version"],
        cwd=elsewhere,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert (version.returncode, version.stdout) == (0, f"playground {playground.__version__}\n"), version.stderr
    check = (
        "import playground, playground.ui.app\n"
        "from PySide6.QtWidgets import QApplication\n"
        "from playground.ui.shell.identity import application_icon\n"
        "app = QApplication([])\n"
        "print(playground.__file__)\n"
        "print(sorted(s.width() for s in application_icon().availableSizes()))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", check], cwd=elsewhere, env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    where, sizes = done.stdout.splitlines()
    assert Path(where).is_relative_to(target)
    assert sizes == str(sorted(set(ICON_SIZES)))
