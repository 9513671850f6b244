"""Reading and writing the app's files safely: the plumbing under dataset and session files.

- ``read_text_file`` opens only regular files (never a device, a FIFO or a
  socket, which could block forever or never end) and reads at most the limit
  plus one byte, so no path can cost more memory than the limit or hang.
- ``parse_json`` decodes strictly and first counts what the text would build,
  so a small file of empty arrays cannot cost gigabytes.
- ``write_text_atomic`` replaces a file in one rename, keeping the file's mode
  (or the umask's default for a new file) and writing through a symlink.
- ``remove_stale_temp_files`` clears what an interrupted write left behind.

Every refusal is a ValueError that starts with the file's name.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import stat
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

MAX_FILE_BYTES = 20 * 1024 * 1024
TEMP_SUFFIX = ".tmp"
# ".<name>.<8 characters>.tmp": what write_text_atomic makes (and what tempfile.mkstemp
# made in earlier versions), for files the app writes (.json, .csv).
_TEMP_NAME = re.compile(r"^\..+\.(json|csv)\.[A-Za-z0-9_]{8}\.tmp$", re.IGNORECASE)
_READ_CHUNK = 1 << 20


# ------------------------------------------------------------------ reading
def read_text_file(
    path: str | os.PathLike[str], max_bytes: int = MAX_FILE_BYTES, check: Callable[[bytes], None] | None = None
) -> str:
    """The file's UTF-8 text; ValueError for anything that is not a regular text file
    of at most ``max_bytes`` bytes (missing, a folder, a device, a FIFO, binary, huge).

    ``check``, if given, sees each chunk as it is read and may refuse the file
    (by raising ValueError) before the rest is read.
    """
    path = Path(path)
    name = path.name or str(path)
    raw = _read_bytes(path, name, max_bytes, check)
    if b"\0" in raw:
        raise ValueError(f"{name}: is a binary file, not text")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise ValueError(f"{name}, line {line}: not UTF-8 text") from None


def _too_big(name: str, size: int | None, max_bytes: int) -> ValueError:
    size_text = "larger than" if size is None else f"{size:,} bytes, more than"
    return ValueError(
        f"{name}: the file is {size_text} the {max_bytes:,} bytes ({max_bytes / 2**20:.0f} MiB) this playground reads"
    )


def _read_bytes(path: Path, name: str, max_bytes: int, check: Callable[[bytes], None] | None) -> bytes:
    # O_NONBLOCK: opening a FIFO with no writer returns at once instead of waiting for
    # one; fstat then tells what was really opened (after any symlinks), and only a
    # regular file is read. Regular files ignore O_NONBLOCK.
    flags = (
        os.O_RDONLY
        | getattr(os, "O_NONBLOCK", 0)
        | getattr(os, "O_NOCTTY", 0)
        | getattr(os, "O_BINARY", 0)
        | getattr(os, "O_CLOEXEC", 0)
    )
    try:
        fd = os.open(path, flags)
    except FileNotFoundError:
        raise ValueError(f"{name}: no such file") from None
    except IsADirectoryError:
        raise ValueError(f"{name}: is a folder, not a file") from None
    except OSError as exc:
        raise ValueError(f"{name}: cannot be read ({exc.strerror})") from None
    try:
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode):
            raise ValueError(f"{name}: is a folder, not a file")
        if not stat.S_ISREG(info.st_mode):
            raise ValueError(
                f"{name}: is not a regular file ({_kind_of(info.st_mode)}); this playground reads only ordinary files"
            )
        if info.st_size > max_bytes:
            raise _too_big(name, info.st_size, max_bytes)
        # Read at most one byte past the limit: the file may grow after fstat.
        chunks, total = [], 0
        while total <= max_bytes:
            chunk = os.read(fd, min(_READ_CHUNK, max_bytes + 1 - total))
            if not chunk:
                break
            if check is not None:
                check(chunk)
            chunks.append(chunk)
            total += len(chunk)
        if total > max_bytes:
            raise _too_big(name, None, max_bytes)
        return b"".join(chunks)
    except OSError as exc:
        raise ValueError(f"{name}: cannot be read ({exc.strerror})") from None
    finally:
        os.close(fd)


def _kind_of(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        return "a named pipe"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not an ordinary file"


def read_json_file(path: str | os.PathLike[str], max_bytes: int, max_items: int, max_containers: int) -> Any:
    """The decoded JSON of a file (see ``read_text_file`` and ``parse_json``).

    The values and containers are counted as the file is read (``[``, ``{`` and
    ``,`` are single bytes in UTF-8, never part of another character), so a file
    of empty lists is refused after reading a few megabytes, whatever its size.
    """
    name = Path(path).name or str(path)
    counts = [0, 0]  # containers, commas

    def count(chunk: bytes) -> None:
        counts[0] += chunk.count(b"[") + chunk.count(b"{")
        counts[1] += chunk.count(b",")
        _check_counts(name, counts[0], counts[0] + counts[1] + 1, max_items, max_containers, partial=True)

    text = read_text_file(path, max_bytes, count)
    return parse_json(text, name)


def _check_counts(
    name: str, containers: int, items: int, max_items: int | None, max_containers: int | None, partial: bool = False
) -> None:
    """Refuse ``containers`` lists and objects or ``items`` values beyond the bounds
    (``partial``: counted so far, the file not yet read to its end)."""
    for count, bound, what in ((containers, max_containers, "lists and objects"), (items, max_items, "values")):
        if bound is not None and count > bound:
            if partial:
                raise ValueError(f"{name}: holds more than the {bound:,} {what} a playground file can have")
            raise ValueError(
                f"{name}: holds {'about ' if what == 'values' else ''}{count:,} {what}, "
                f"more than the {bound:,} a playground file can have"
            )


def parse_json(text: str, name: str, max_items: int | None = None, max_containers: int | None = None) -> Any:
    """Decode JSON strictly: NaN and Infinity are refused, and every failure is a
    ValueError that starts with the file's ``name``.

    ``max_items`` bounds the values the text may hold and ``max_containers`` its
    lists and objects (the costly values: an empty list takes 56 bytes of memory
    for 3 bytes of text). Both are counted on the text before decoding: every
    value but the first in a list or object follows a comma, and every container
    opens with ``[`` or ``{``, so the counts bound what decoding would build.
    """
    if max_containers is not None or max_items is not None:
        containers = text.count("[") + text.count("{")
        _check_counts(name, containers, containers + text.count(",") + 1, max_items, max_containers)

    def reject(constant: str) -> None:
        raise ValueError(f"{constant} is not a number this playground accepts")

    try:
        return json.loads(text, parse_constant=reject)
    except json.JSONDecodeError as exc:
        raise ValueError(f"{name}: not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})") from None
    except RecursionError:
        raise ValueError(f"{name}: the JSON is nested too deeply to be a playground file") from None
    except ValueError as exc:  # our constants, and integers of more than 4,300 digits
        raise ValueError(f"{name}: {exc}") from None


# ------------------------------------------------------------------ writing
def write_text_atomic(path: str | os.PathLike[str], text: str) -> None:
    """Write ``text`` (UTF-8) to a temporary file beside ``path``, then rename it over ``path``.

    A crash mid-write leaves the previous file intact. The new file keeps the
    old one's permissions (a new file gets what the umask gives any new file,
    not the 0600 of a private temporary file), and a symlink stays a link: its
    target is what gets replaced.
    """
    target = Path(os.path.realpath(path))
    try:
        old_mode: int | None = stat.S_IMODE(os.stat(target).st_mode)
    except FileNotFoundError:
        old_mode = None
    fd, temp = _create_temp(target)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as out:
            if old_mode is not None and hasattr(os, "fchmod"):
                os.fchmod(out.fileno(), old_mode)
            out.write(text)
            out.flush()
            os.fsync(out.fileno())
        if old_mode is not None and not hasattr(os, "fchmod"):  # Windows: only the read-only bit
            os.chmod(temp, old_mode)
        os.replace(temp, target)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise


def _create_temp(target: Path) -> tuple[int, Path]:
    """A new file ``.<name>.<8 hex digits>.tmp`` beside ``target``, opened for writing.

    Created with mode 0666 so that the umask (and a folder's default ACL) decide
    the permissions, as for any new file the user makes.
    """
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0) | getattr(os, "O_CLOEXEC", 0)
    for _ in range(100):
        temp = target.with_name(f".{target.name}.{secrets.token_hex(4)}{TEMP_SUFFIX}")
        try:
            return os.open(temp, flags, 0o666), temp
        except FileExistsError:
            continue
    raise FileExistsError(f"{target.name}: could not create a temporary file beside it")


def remove_stale_temp_files(folder: str | os.PathLike[str], older_than: float = 60.0) -> list[Path]:
    """Delete the temporary files an interrupted ``write_text_atomic`` left in ``folder``.

    Only the app's own leftovers are touched: regular files named
    ``.<name>.json.<8 characters>.tmp`` or ``.<name>.csv.<8 characters>.tmp``
    whose last change is more than ``older_than`` seconds ago (a younger one
    may be another window's save in progress). Symlinks, folders and other
    names are left alone, and a file that cannot be removed is skipped.
    Returns the removed paths; a missing folder gives an empty list.
    """
    removed: list[Path] = []
    cutoff = time.time() - older_than
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return removed
    for entry in entries:
        if not _TEMP_NAME.match(entry.name):
            continue
        try:
            if not entry.is_file(follow_symlinks=False) or entry.stat(follow_symlinks=False).st_mtime > cutoff:
                continue
            os.unlink(entry.path)
        except OSError:
            continue
        removed.append(Path(entry.path))
    return removed
