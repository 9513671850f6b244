"""The command line: ``playground [FILE] [--preset NAME] [--seed N] [--presentation]``,
checked by parsing in-process (``--help`` and ``--version`` through the same ``main``) and by
starting the real app offscreen in a subprocess."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from file_fixtures import CONFIG, answers, app_command, app_env, driver_records, window, write_driver  # noqa: F401

import playground
from playground.__main__ import main
from playground.data import DATASET_NAMES, load_dataset, make_dataset, save_dataset
from playground.training import Trainer, load_session, save_session
from playground.ui.app import parse_arguments, remember_theme
from playground.ui.shell.settings import Settings
from playground.ui.shell.theme import apply_theme, theme_state


def _run(tmp_path, *args, steps=(), timeout=60):
    """Start the app with ``args``; the driver runs ``steps``, reports, saves and quits."""
    out = tmp_path / "final.playground.json"
    driver = write_driver(
        tmp_path / "driver.json",
        [
            *steps,
            {"after": 0.1, "report": True},
            {"after": 0.0, "save_session": str(out)},
            {"after": 0.0, "quit": True},
        ],
    )
    done = subprocess.run(
        app_command(*args),
        env=app_env(tmp_path / "data", driver),
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    assert done.returncode == 0, done.stderr
    records = driver_records(done.stdout)
    errors = [r["error"] for r in records if "error" in r]
    report = next(r for r in records if r.get("action") == "report")
    return report, errors, load_session(out)


def _main_exits(capsys, *args: str) -> tuple[int | str | None, str]:
    """``python -m playground ARGS`` in this process, for the options that print and exit: status, stdout."""
    with pytest.raises(SystemExit) as exited:
        main(list(args))
    return exited.value.code, capsys.readouterr().out


def test_help_explains_every_option(capsys):
    status, out = _main_exits(capsys, "--help")
    assert status == 0
    text = " ".join(out.split())  # argparse wraps lines
    assert text.startswith("usage: playground")
    for phrase in (
        "FILE a session to open (.playground.json) or a dataset to import (.csv or .json)",
        "--preset NAME the dataset to start with",
        "--seed N seed of the starting dataset",
        "--presentation start in presentation mode",
        "--restore restore a session autosaved",
        "--no-restore start without restoring",
        "playground train --help",
        "--version show program's version number",
        "commands: COMMAND train train a network without a window",
        "render train without a window and write a video",
        "run playground-cli instead",
    ):
        assert phrase in text
    assert all(name in text for name in DATASET_NAMES)


def test_version(capsys):
    assert _main_exits(capsys, "--version") == (0, f"playground {playground.__version__}\n")


@pytest.mark.parametrize(
    "argv, command, arguments",
    [
        (["train", "--epochs", "3", "--help"], "train", ["--epochs", "3", "--help"]),
        (["render", "--out", "a.gif"], "render", ["--out", "a.gif"]),
        (["render"], "render", []),
    ],
)
def test_commands_are_argparse_subcommands_that_hand_on_their_arguments(argv, command, arguments):
    options = parse_arguments(argv)
    assert (options.command, options.arguments) == (command, arguments)
    assert parse_arguments(["train.csv"]).command is None  # a FILE, not a command


def test_train_dispatch(capsys):
    status, out = _main_exits(capsys, "train", "--help")
    assert status == 0 and "--epochs" in out


def test_gui_script_entry_point():
    script = Path(sys.executable).with_name("playground")
    if not script.exists():
        pytest.skip("the playground entry script is not installed next to this Python")
    done = subprocess.run([str(script), "--help"], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0 and done.stdout.startswith("usage: playground")


@pytest.mark.parametrize(
    "args, message",
    [
        (["--preset", "nosuch"], "argument --preset: invalid choice: 'nosuch'"),
        (["--seed", "-1"], "argument --seed: expected 0 to 2147483647, got -1"),
        (["--seed", "ten"], "argument --seed: expected a whole number, got 'ten'"),
        (["a.csv", "--preset", "xor"], "FILE and --preset/--seed both choose the starting data"),
        (["--restore", "--no-restore"], "not allowed with argument"),
        (["a.csv", "b.csv"], "unrecognized arguments: b.csv"),
    ],
)
def test_bad_arguments_exit_with_a_message(args, message, capsys):
    with pytest.raises(SystemExit) as exited:
        parse_arguments(args)
    assert exited.value.code == 2
    assert message in capsys.readouterr().err


def test_good_arguments():
    options = parse_arguments(["--preset", "moons", "--seed", "5", "--presentation", "--no-restore"])
    assert (options.file, options.preset, options.seed, options.presentation, options.restore) == (
        None,
        "moons",
        5,
        True,
        False,
    )
    assert parse_arguments([]).restore is None  # ask
    assert parse_arguments(["x.playground.json", "--restore"]).file == "x.playground.json"


def test_bad_arguments_exit_status_from_the_real_command():
    done = subprocess.run(app_command("--preset", "nosuch"), capture_output=True, text=True, timeout=60)
    assert done.returncode == 2 and "invalid choice: 'nosuch'" in done.stderr


def test_preset_seed_presentation_and_the_remembered_theme_start(tmp_path):
    """One start with every option the report shows (each start costs seconds); the defaults
    (no presentation, the light theme) are checked on the start without options below."""
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "settings.ini").write_text("[appearance]\ntheme=dark\n")
    report, errors, session = _run(tmp_path, "--preset", "moons", "--seed", "5", "--presentation")
    assert errors == []
    assert report == {
        "step": 0,
        "action": "report",
        "title": "untitled — Playground",
        "modified": False,
        "points": 300,
        "epoch": 0,
        "preset": "moons",
        "seed": 5,
        "presentation": True,
        "theme": "dark",
    }
    assert session.dataset == make_dataset("moons", n=300, noise=0.1, seed=5, test_fraction=0.3)


def test_file_opens_a_session(tmp_path):
    trainer = Trainer(make_dataset("circle", n=60, noise=0.1, seed=1, test_fraction=0.2), CONFIG)
    trainer.step(7)
    path = tmp_path / "lesson.playground.json"
    save_session(path, trainer)
    report, errors, session = _run(tmp_path, str(path))
    assert errors == []
    assert report["title"] == "lesson.playground.json — Playground" and not report["modified"]
    assert report["epoch"] == 7 and session.dataset == trainer.dataset
    settings = Settings(tmp_path / "data" / "settings.ini")
    assert settings.recent_files() == [str(path)] and settings.last_folder == str(tmp_path)
    assert not settings.geometry.isEmpty()  # written at exit, for the next start


def test_file_imports_a_dataset(tmp_path):
    path = tmp_path / "points.csv"
    save_dataset(path, make_dataset("blobs", n=40, noise=0.2, seed=3, classes=3))
    report, errors, session = _run(tmp_path, str(path))
    assert errors == []
    assert session.dataset == load_dataset(path)
    assert report["title"] == "untitled* — Playground" and report["modified"]  # not saved as a session yet


def test_bad_file_shows_the_error_and_starts_with_the_default_session(tmp_path):
    path = tmp_path / "broken.playground.json"
    path.write_text('{"format": "playground-session", "version": 1, "dataset": {"X": [[1, 2]')
    with pytest.raises(ValueError) as raised:
        load_session(path)
    report, errors, session = _run(tmp_path, str(path))
    assert errors == [{"title": "Open session", "text": str(raised.value)}]
    assert report["title"] == "untitled — Playground" and report["points"] == 300
    assert session.dataset == make_dataset("spiral", n=300, noise=0.1, seed=0, test_fraction=0.3)
    # Without options or settings: the default preset and seed, no presentation, the light theme.
    assert (report["preset"], report["seed"], report["presentation"], report["theme"]) == ("spiral", 0, False, "light")


def test_theme_changes_are_remembered(window, tmp_path):
    path = tmp_path / "settings.ini"
    Settings(path).theme = "dark"
    remember_theme(window, Settings(path))
    try:
        assert theme_state(window).theme == "dark"
        apply_theme(window, "light")
        assert Settings(path).theme == "light"
    finally:
        apply_theme(window, "light")  # the application's palette is shared with later tests
