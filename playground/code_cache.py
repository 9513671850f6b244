"""Code that Python compiles from text at every start, kept compiled from one start to the next.

Start-up compiles two kinds of code from text, not from files, so Python's bytecode cache (``.pyc``)
never holds them: the methods ``dataclasses`` writes for each dataclass (``__init__``, ``__repr__``,
``__eq__``...: about 320 small functions for the window's 60 dataclasses, which Python 3.11 parses and
compiles one by one at every start) and the Qt binding's signature modules, which its runtime compiles from a zip
embedded in its library (14 modules). A :class:`CodeCache` compiles each text once and keeps the code
objects in a file beside the package's own bytecode (``__pycache__``, so ``PYTHONPYCACHEPREFIX`` and
``PYTHONDONTWRITEBYTECODE`` apply as they do to ``.pyc`` files). An entry's key is the whole text with
every argument of the compilation, the compiler flags inherited from the caller's ``__future__``
imports included, so a changed text or flag compiles anew and the code is what ``compile`` would
give; a file of another Python, or one that does not read back, is ignored.

The window's entry point (``playground/__main__.py``) routes the ``exec`` of ``dataclasses`` through the
cache from its first import until the window is shown (:meth:`CodeCache.dataclass_methods`), and
``compile`` during the Qt binding's import (:meth:`CodeCache.compiling`, ``ui/app.py``'s ``import_qt``); then
:meth:`CodeCache.finish` writes what start-up compiled, if anything was new.
"""

from __future__ import annotations
import __future__

import builtins
import dataclasses
import importlib.util
import marshal
import os
import sys
from contextlib import contextmanager
from types import CodeType
from typing import Any, Iterator

# The compiler flags that compile() and exec() of a text inherit from the calling code: its __future__
# imports (CPython's PyCF_MASK; nested_scopes and generators are no longer flags).
FUTURE_FLAGS = 0
for _feature in __future__.all_feature_names:
    if _feature not in ("nested_scopes", "generators"):
        FUTURE_FLAGS |= getattr(__future__, _feature).compiler_flag
# Flags for which compile() gives something other than a plain code object (an AST, top-level await,
# type comments): such calls are not cached.
UNCACHED_FLAGS = ~FUTURE_FLAGS & ~0x0100  # 0x0100: PyCF_SOURCE_IS_UTF8, which changes nothing kept
FORMAT = (importlib.util.MAGIC_NUMBER, 1)  # the file's first object: this Python's bytecode, this layout

Key = tuple[str | bytes, str, str, int, int]
_real_compile = builtins.compile


def default_path() -> str:
    """Where the window's start-up code is kept: ``__pycache__`` of this package (under
    ``sys.pycache_prefix`` when set), named for this Python."""
    folder = os.path.dirname(importlib.util.cache_from_source(os.path.abspath(__file__)))
    return os.path.join(folder, f"start-up-code.{sys.implementation.cache_tag}.marshal")


class CodeCache:
    """Code objects compiled from texts, read from and written to the file ``path``."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.loaded: dict[Key, CodeType] = self._read()
        self.used: dict[Key, CodeType] = {}  # what this process compiled or took from the file

    def _read(self) -> dict[Key, CodeType]:
        try:
            with open(self.path, "rb") as file:
                header, entries = marshal.load(file), marshal.load(file)
        except (OSError, EOFError, ValueError, TypeError):  # no file yet, or not one this Python wrote
            return {}
        return entries if header == FORMAT and isinstance(entries, dict) else {}

    def compile(
        self,
        source: Any,
        filename: Any,
        mode: str,
        flags: int = 0,
        dont_inherit: bool = False,
        optimize: int = -1,
        _depth: int = 1,
        **more: Any,
    ) -> Any:
        """``compile(source, filename, mode, flags, dont_inherit, optimize)`` as called from the frame
        ``_depth`` levels up (whose ``__future__`` flags it inherits unless ``dont_inherit``)."""
        if not dont_inherit:
            flags |= sys._getframe(_depth).f_code.co_flags & FUTURE_FLAGS
        if (
            more
            or flags & UNCACHED_FLAGS
            or not isinstance(source, (str, bytes))
            or not isinstance(filename, str)
            or os.path.isfile(filename)  # a module imported from its file: its .pyc is Python's business
        ):
            return _real_compile(source, filename, mode, flags, True, optimize, **more)
        key = (source, filename, mode, flags, optimize)
        code = self.used.get(key) or self.loaded.get(key)
        if code is None:
            code = _real_compile(source, filename, mode, flags, True, optimize)
        self.used[key] = code
        return code

    def exec(self, source: Any, globals: dict[str, Any] | None = None, locals: Any = None, **more: Any) -> None:
        """``exec(source, globals, locals)`` as called from the frame above, a text compiled through the cache."""
        if globals is None:  # the caller's namespaces, as exec() takes them
            caller = sys._getframe(1)
            globals, locals = caller.f_globals, caller.f_locals if locals is None else locals
        if isinstance(source, (str, bytes)):
            source = self.compile(source, "<string>", "exec", _depth=2)
        builtins.exec(source, globals, locals, **more)

    @contextmanager
    def dataclass_methods(self) -> Iterator[CodeCache]:
        """Within (unless :meth:`finish` ends it earlier), the methods ``dataclasses`` writes are compiled
        through this cache: its ``exec`` is this one (a global of the module, found before the builtin)."""
        dataclasses.exec = self.exec  # type: ignore[attr-defined]
        try:
            yield self
        finally:
            self._restore_dataclasses()

    def _restore_dataclasses(self) -> None:
        if dataclasses.__dict__.get("exec") == self.exec:
            del dataclasses.exec  # type: ignore[attr-defined]

    @contextmanager
    def compiling(self) -> Iterator[CodeCache]:
        """Within, ``compile`` of a text not read from a file goes through this cache (for the Qt
        binding's import, which compiles its signature modules); a file's code is left to Python's ``.pyc``."""
        builtins.compile = self.compile  # type: ignore[assignment]
        try:
            yield self
        finally:
            builtins.compile = _real_compile

    def finish(self) -> None:
        """Start-up is over: dataclasses compile as they do without the cache, and what start-up
        compiled is saved (:meth:`save`)."""
        self._restore_dataclasses()
        self.save()

    def save(self) -> bool:
        """Write what this process compiled if it compiled anything the file lacks (what the file had and
        this process did not use is left out: the texts of code since changed), unless bytecode is not
        written (``sys.dont_write_bytecode``); True if written. A folder that cannot be written is no error.
        """
        if sys.dont_write_bytecode or self.used.keys() <= self.loaded.keys():
            return False
        import tempfile  # here: start-up reads the cache, it rarely writes it

        folder = os.path.dirname(self.path)
        try:
            os.makedirs(folder, exist_ok=True)
            # Written whole, then renamed into place: a start reading it meanwhile sees the old file or the new.
            handle, temporary = tempfile.mkstemp(dir=folder, prefix=".start-up-code-")
            try:
                with os.fdopen(handle, "wb") as file:
                    marshal.dump(FORMAT, file)
                    marshal.dump(self.used, file)
                os.replace(temporary, self.path)
            except BaseException:
                os.unlink(temporary)
                raise
        except OSError:
            return False
        self.loaded = dict(self.used)
        return True
