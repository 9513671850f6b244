"""Files that are not files, permissions and symlinks kept by saves, and stale temporary files."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from playground.data import make_dataset, save_dataset
from playground.data.files import parse_json, read_json_file, read_text_file, remove_stale_temp_files, write_text_atomic

posix_only = pytest.mark.skipif(os.name != "posix", reason="devices, FIFOs and modes are POSIX")

# Run in a child with a hard timeout and a 2 GiB address-space limit, so that a reader
# that blocks on a FIFO or reads /dev/zero forever fails this test instead of hanging
# the suite or eating the machine's memory.
_CHILD = textwrap.dedent("""
    import json, resource, sys
    resource.setrlimit(resource.RLIMIT_AS, (2048 * 2**20, 2048 * 2**20))
    from playground.data import load_dataset
    from playground.training import load_session
    results = {}
    for path in sys.argv[1:]:
        reader = load_session if path.endswith(".playground.json") else load_dataset
        try:
            reader(path)
            results[path] = "loaded"
        except ValueError as exc:
            results[path] = "ValueError: " + str(exc)
        except BaseException as exc:
            results[path] = type(exc).__name__ + ": " + str(exc)
    print(json.dumps(results))
""")


@posix_only
def test_devices_and_pipes_are_refused_without_blocking_or_reading(tmp_path):
    os.mkfifo(tmp_path / "pipe.csv")  # no writer: opening it for reading would wait forever
    os.mkfifo(tmp_path / "pipe.playground.json")
    for device in ("zero", "urandom"):
        (tmp_path / f"{device}.csv").symlink_to(f"/dev/{device}")
        (tmp_path / f"{device}.playground.json").symlink_to(f"/dev/{device}")
    paths = sorted(str(p) for p in tmp_path.iterdir())
    # One BLAS thread: each thread reserves address space, which the limit counts.
    env = {**os.environ, "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
    done = subprocess.run(
        [sys.executable, "-c", _CHILD, *paths],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=Path(__file__).resolve().parents[2],
        env=env,
    )
    assert done.returncode == 0, done.stderr
    results = json.loads(done.stdout)
    for path in paths:
        name = Path(path).name
        assert results[path].startswith(f"ValueError: {name}: is not a regular file"), results[path]
    assert "a named pipe" in results[str(tmp_path / "pipe.csv")]
    assert "a device" in results[str(tmp_path / "zero.playground.json")]


@posix_only
def test_a_symlink_to_a_regular_file_is_read(tmp_path):
    save_dataset(tmp_path / "real.csv", make_dataset("xor", n=10, seed=0))
    (tmp_path / "link.csv").symlink_to(tmp_path / "real.csv")
    assert read_text_file(tmp_path / "link.csv") == (tmp_path / "real.csv").read_text()


def test_a_file_growing_past_the_limit_is_cut_at_limit_plus_one(tmp_path, monkeypatch):
    path = tmp_path / "grows.csv"
    path.write_bytes(b"x" * 10)
    real_fstat = os.fstat

    def stale_fstat(fd):  # the size fstat saw before the file grew
        info = real_fstat(fd)
        return os.stat_result((info.st_mode, *info[1:6], 5, *info[7:]))

    monkeypatch.setattr(os, "fstat", stale_fstat)
    with pytest.raises(ValueError, match=r"^grows\.csv: the file is larger than the 9 bytes"):
        read_text_file(path, max_bytes=9)


def test_parse_json_counts_before_it_builds():
    text = "[" + "[]," * 1000 + "[]]"
    with pytest.raises(ValueError, match=r"^f\.json: holds 1,002 lists and objects, more than the 100"):
        parse_json(text, "f.json", max_containers=100)
    with pytest.raises(ValueError, match=r"^f\.json: holds about 1,002 values, more than the 1,000"):
        parse_json("[" + "0," * 1000 + "0]", "f.json", max_items=1000)
    assert parse_json("[" + "0," * 99 + "0]", "f.json", max_items=101, max_containers=1) == [0] * 100


def test_a_json_file_of_empty_lists_is_refused_after_reading_only_its_start(tmp_path, monkeypatch):
    path = tmp_path / "hostile.json"
    path.write_text("[" + "[]," * 3_000_000 + "[]]")  # 9 MB
    read = []
    real_read = os.read
    monkeypatch.setattr(os, "read", lambda fd, n: read.append(n) or real_read(fd, n))
    with pytest.raises(ValueError, match=r"^hostile\.json: holds more than the 100,000 lists and objects"):
        read_json_file(path, 20 * 2**20, max_items=10**9, max_containers=100_000)
    assert len(read) == 1  # refused after the first megabyte


# ------------------------------------------------------------------ permissions and symlinks
@posix_only
@pytest.mark.parametrize("mode", [0o644, 0o664, 0o600, 0o640])
def test_saving_over_a_file_keeps_its_mode(tmp_path, mode):
    path = tmp_path / "shared.csv"
    path.write_text("old")
    path.chmod(mode)
    write_text_atomic(path, "new")
    assert path.read_text() == "new"
    assert stat.S_IMODE(path.stat().st_mode) == mode


@posix_only
@pytest.mark.parametrize("umask", [0o022, 0o002, 0o077])
def test_a_new_file_gets_the_umask_default(tmp_path, umask):
    old = os.umask(umask)
    try:
        write_text_atomic(tmp_path / "new.json", "{}")
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "new.json").stat().st_mode) == 0o666 & ~umask


@posix_only
def test_saving_onto_a_symlink_writes_its_target(tmp_path):
    shared = tmp_path / "shared"
    shared.mkdir()
    target = shared / "lesson.csv"
    target.write_text("old")
    target.chmod(0o644)
    link = tmp_path / "lesson.csv"
    link.symlink_to(target)
    ds = make_dataset("moons", n=20, seed=1)
    save_dataset(link, ds)
    assert link.is_symlink() and os.readlink(link) == str(target)  # the link stays a link...
    assert target.read_text().startswith("x1,x2,label,split\n")  # ...and its target holds the data
    assert stat.S_IMODE(target.stat().st_mode) == 0o644
    assert sorted(p.name for p in tmp_path.iterdir()) == ["lesson.csv", "shared"]
    assert sorted(p.name for p in shared.iterdir()) == ["lesson.csv"]  # no temporary file left


@posix_only
def test_a_dangling_symlink_creates_its_target(tmp_path):
    link = tmp_path / "link.json"
    link.symlink_to(tmp_path / "later.json")
    write_text_atomic(link, "{}")
    assert link.is_symlink() and (tmp_path / "later.json").read_text() == "{}"


# ------------------------------------------------------------------ stale temporary files
def _age(path: Path, seconds: float) -> None:
    then = time.time() - seconds
    os.utime(path, (then, then), follow_symlinks=False)


def test_remove_stale_temp_files_removes_only_old_leftovers_of_the_app(tmp_path):
    stale = [".autosave-1a2b.playground.json.k2j3h4x9.tmp", ".data.csv.0123abcd.tmp", ".s.json.ab_cd_ef.tmp"]
    keep = [
        ".autosave-9.playground.json.abcdefgh.tmp",  # young: another window may be saving it now
        "autosave-1.playground.json",  # a real session
        ".notes.txt.abcdefgh.tmp",  # not a file the app writes
        ".data.csv.short.tmp",  # not the writer's pattern
        "report.docx.tmp",
    ]
    for name in stale + keep:
        (tmp_path / name).write_text("x")
        _age(tmp_path / name, 3600)
    _age(tmp_path / keep[0], 1)
    (tmp_path / ".old.json.abcdefgh.tmp").mkdir()  # a folder with the pattern: left alone
    _age(tmp_path / ".old.json.abcdefgh.tmp", 3600)
    removed = remove_stale_temp_files(tmp_path, older_than=60)
    assert sorted(p.name for p in removed) == sorted(stale)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(keep + [".old.json.abcdefgh.tmp"])


@posix_only
def test_remove_stale_temp_files_does_not_follow_symlinks(tmp_path):
    victim = tmp_path / "precious.json"
    victim.write_text("keep me")
    link = tmp_path / ".x.json.abcdefgh.tmp"
    link.symlink_to(victim)
    _age(link, 3600)
    assert remove_stale_temp_files(tmp_path) == []
    assert victim.read_text() == "keep me" and link.is_symlink()


def test_remove_stale_temp_files_of_a_missing_folder_is_nothing(tmp_path):
    assert remove_stale_temp_files(tmp_path / "nowhere") == []


def test_an_interrupted_write_leaves_a_file_that_the_cleanup_recognises(tmp_path, monkeypatch):
    def killed(*args):
        raise KeyboardInterrupt  # stands for the kill: the writer's cleanup is bypassed below

    monkeypatch.setattr(os, "replace", killed)
    monkeypatch.setattr(Path, "unlink", lambda self, missing_ok=False: None)  # as if killed first
    with pytest.raises(KeyboardInterrupt):
        write_text_atomic(tmp_path / "autosave-1.playground.json", "{}")
    monkeypatch.undo()
    (left,) = tmp_path.iterdir()
    _age(left, 120)
    assert remove_stale_temp_files(tmp_path) == [left]
    assert list(tmp_path.iterdir()) == []
