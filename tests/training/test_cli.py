"""``python -m playground train``: the headless command, run as a person runs it (a process of its own
for a real run and a refused one), and its options and error lines checked in-process (the same
``main``, without a new interpreter's second of start-up)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from command_files import bad_session, unwritable_folder

from playground.__main__ import main, unknown_command
from playground.training import Trainer, load_session

ROOT = Path(__file__).resolve().parents[2]


def run(*args: str, timeout: float = 60) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    env.pop("QT_QPA_PLATFORM", None)
    return subprocess.run(
        [sys.executable, "-m", "playground", "train", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def run_here(capsys, *args: str) -> subprocess.CompletedProcess:
    """``python -m playground train ARGS`` in this process: its exit status, stdout and stderr."""
    capsys.readouterr()  # what the test printed before is not the command's
    try:
        status = main(["train", *args])
    except SystemExit as exited:  # argparse and ``fail`` exit; --help exits 0
        status = exited.code
    printed = capsys.readouterr()
    return subprocess.CompletedProcess(args, status, printed.out, printed.err)


def test_train_xor_prints_metrics_and_saves_a_session(tmp_path):
    out = tmp_path / "s.playground.json"
    result = run("--preset", "xor", "--hidden", "4", "--epochs", "50", "--points", "200", "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert "epoch 50" in result.stdout
    assert "loss" in result.stdout and "accuracy" in result.stdout
    assert "train" in result.stdout and "test" in result.stdout
    assert f"saved {out}" in result.stdout
    assert "Traceback" not in result.stderr
    assert "50/50" in result.stderr  # the progress bar ends full

    trainer = load_session(out)
    assert trainer.epoch == 50 and len(trainer.history) == 50
    assert trainer.config.hidden == (4,)
    assert trainer.config.optimizer == "adam" and trainer.config.lr == 0.01  # the documented defaults
    assert trainer.dataset.n == 200
    # The printed numbers are the session's last epoch.
    stats = trainer.last_stats()
    line = next(l for l in result.stdout.splitlines() if l.startswith("epoch 50"))
    assert f"loss {stats.train_loss:.4f} train / {stats.test_loss:.4f} test" in line
    assert f"{stats.train_metric * 100:.4g}% train" in line


def test_continuing_a_session_from_the_command_line(tmp_path, capsys):
    first, second = tmp_path / "a.playground.json", tmp_path / "b.playground.json"
    made = run_here(
        capsys, "--preset", "gaussians", "--hidden", "3", "--epochs", "5", "--points", "60", "--out", str(first)
    )
    assert made.returncode == 0
    result = run_here(capsys, "--session", str(first), "--epochs", "7", "--out", str(second))
    assert result.returncode == 0, result.stderr
    assert "epoch 12" in result.stdout
    assert load_session(second).epoch == 12


def test_regression_preset_reports_rmse(capsys):
    result = run_here(capsys, "--preset", "plane", "--hidden", "0", "--epochs", "3", "--points", "50")
    assert result.returncode == 0, result.stderr
    assert "epoch 3" in result.stdout and "RMSE" in result.stdout


def test_help_mentions_every_option(capsys):
    result = run_here(capsys, "--help")
    assert result.returncode == 0
    for option in (
        "--session",
        "--epochs",
        "--out",
        "--preset",
        "--points",
        "--noise",
        "--test-fraction",
        "--classes",
        "--hidden",
        "--activation",
        "--features",
        "--init",
        "--optimizer",
        "--lr",
        "--batch-size",
        "--l2",
        "--schedule",
        "--seed",
    ):
        assert option in result.stdout, option
    for preset in ("xor", "spiral", "vshape", "blobs", "plane", "bumps"):
        assert preset in result.stdout


@pytest.mark.parametrize(
    "args,named",
    [
        (["--lr", "nan"], "--lr"),
        (["--lr", "-1"], "--lr"),
        (["--lr", "fast"], "--lr"),
        (["--preset", "nope"], "--preset"),
        (["--points", "0"], "--points"),
        (["--noise", "2"], "--noise"),
        (["--test-fraction", "1"], "--test-fraction"),
        (["--hidden", "abc"], "--hidden"),
        (["--hidden", "100"], "--hidden"),
        (["--features", "x1,foo"], "--features"),
        (["--activation", "swish"], "--activation"),
        (["--batch-size", "0"], "--batch-size"),
        (["--epochs", "0"], "--epochs"),
        (["--classes", "9", "--preset", "blobs"], "--classes"),
        (["--seed", "-1"], "--seed"),
        (["--bogus"], "--bogus"),
        (["--session", "/nonexistent/s.playground.json"], "--session"),
        (["--out", "/nonexistent/dir/s.playground.json"], "--out"),
    ],
)
def test_bad_option_values_fail_cleanly(args, named, capsys):
    result = run_here(capsys, "--epochs", "1", "--points", "20", *args)  # the option under test comes last and wins
    assert result.returncode != 0
    # The error line itself names the option (the usage text above it names them all).
    error = [line for line in result.stderr.splitlines() if "error:" in line or line.startswith("--")]
    assert len(error) == 1 and named in error[0], result.stderr
    assert "Traceback" not in result.stderr
    assert "epoch 1" not in result.stdout  # nothing was trained


def test_a_bad_session_file_fails_cleanly(tmp_path, capsys):
    bad = tmp_path / "bad.playground.json"
    bad.write_text('{"format": "playground-session", "version": 1}', encoding="utf-8")
    result = run_here(capsys, "--session", str(bad), "--epochs", "1")
    assert result.returncode != 0
    assert "bad.playground.json" in result.stderr and "dataset: missing" in result.stderr
    assert "Traceback" not in result.stderr


def test_an_unwritable_out_folder_fails_before_training(tmp_path):
    folder = unwritable_folder(tmp_path)
    result = run("--epochs", "1", "--points", "20", "--out", os.path.join(folder, "s.playground.json"))
    assert result.returncode == 2
    (line,) = result.stderr.strip().splitlines()  # one line: no usage, no progress bar, no traceback
    assert line == f"python -m playground train: error: --out: cannot write in {folder}: Permission denied"
    assert "epoch" not in result.stdout  # nothing was trained


@pytest.mark.parametrize(
    "section, field, literal",
    [
        ("config", "lr", "1e309"),
        ("config", "batch_size", "1" + "0" * 400),
        ("state", "epoch", "true"),
        ("history", None, '{"epochs": 1e309}'),
    ],
)
def test_a_malformed_session_gives_one_line_and_exit_2(tmp_path, section, field, literal, capsys):
    bad = bad_session(tmp_path, section, field, literal, epochs=2)
    result = run_here(capsys, "--session", str(bad), "--epochs", "1")
    assert result.returncode == 2
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith("python -m playground train: error: --session:") and bad.name in line
    assert "Traceback" not in result.stderr


def test_an_error_while_training_gives_one_line(monkeypatch, capsys):
    def overflow(self, epochs=1):
        raise OverflowError("(34, 'Numerical result out of range')")

    monkeypatch.setattr(Trainer, "step", overflow)
    with pytest.raises(SystemExit) as exit_info:
        main(["train", "--epochs", "3", "--points", "20"])
    assert exit_info.value.code == 2
    lines = [line for line in capsys.readouterr().err.splitlines() if line.strip()]
    assert lines[-1] == (
        "python -m playground train: error: training stopped at epoch 0: (34, 'Numerical result out of range')"
    )


def test_an_unknown_command_does_not_open_the_window(monkeypatch, capsys):
    import playground.ui.app as app

    monkeypatch.setattr(app, "run_app", lambda argv: pytest.fail("the window was opened"))
    assert main(["bogus-command"]) == 2
    (line,) = capsys.readouterr().err.strip().splitlines()
    assert line.startswith("playground: error: unknown command 'bogus-command' (commands: train, render")


def test_unknown_command_rule():
    assert unknown_command("bogus-command") and unknown_command("trian")
    # Files to open, options and paths are left to the window's own parser.
    assert not any(
        unknown_command(word) for word in ("lesson.playground.json", "data.csv", "--preset", "-h", "sub/dir", ".")
    )
