"""playground/code_cache.py: code compiled from text at every start, kept from one start to the next.
The code it gives is the code ``compile`` gives (``__future__`` flags inherited from the caller
included), dataclasses made through it are the same, a second start compiles nothing, and a file of
another Python, a broken one or an unwritable folder are no errors."""

from __future__ import annotations

import builtins
import dataclasses
import json
import marshal
import os
import subprocess
import sys
import types

import pytest
from start_up_child import run_start_up

import playground.code_cache as code_cache
from playground.code_cache import FORMAT, CodeCache


@pytest.fixture
def compiles(monkeypatch):
    """The texts the cache hands to Python's own compile."""
    seen: list[object] = []
    real = code_cache._real_compile

    def counting(source, *args, **kwargs):
        seen.append(source)
        return real(source, *args, **kwargs)

    monkeypatch.setattr(code_cache, "_real_compile", counting)
    return seen


@pytest.fixture(autouse=True)
def bytecode_written(monkeypatch):
    monkeypatch.setattr(sys, "dont_write_bytecode", False)


ANNOTATED = "def f(x: int) -> str:\n    return str(x)\n"


def function_of(code: types.CodeType) -> types.FunctionType:
    namespace: dict[str, object] = {}
    exec(code, namespace)
    return namespace["f"]  # type: ignore[return-value]


def test_the_code_is_what_compile_gives_with_the_callers_future_flags(tmp_path):
    cache = CodeCache(str(tmp_path / "code.marshal"))
    # This module imports annotations from __future__: compile() here makes them strings, and so does the cache.
    assert function_of(cache.compile(ANNOTATED, "<text>", "exec")).__annotations__ == {"x": "int", "return": "str"}
    assert function_of(compile(ANNOTATED, "<text>", "exec")).__annotations__ == {"x": "int", "return": "str"}
    plain = cache.compile(ANNOTATED, "<text>", "exec", dont_inherit=True)
    assert function_of(plain).__annotations__ == {"x": int, "return": str}
    assert plain.co_code == compile(ANNOTATED, "<text>", "exec", dont_inherit=True).co_code
    assert function_of(cache.compile(ANNOTATED.encode(), "<bytes>", "exec"))(3) == "3"


def test_a_files_code_and_an_ast_are_not_kept(tmp_path, compiles):
    cache = CodeCache(str(tmp_path / "code.marshal"))
    module = tmp_path / "module.py"
    module.write_text(ANNOTATED)
    cache.compile(ANNOTATED, str(module), "exec")  # importlib's compile of a module: its .pyc's business
    tree = cache.compile(ANNOTATED, "<text>", "exec", 0x400)  # ast.PyCF_ONLY_AST
    assert type(tree).__name__ == "Module"
    assert cache.used == {} and len(compiles) == 2


@dataclasses.dataclass(frozen=True, order=True)
class Plain:
    x: int
    label: str = "a"
    items: list[int] = dataclasses.field(default_factory=list, compare=False)


def make_cached(cache: CodeCache) -> type:
    with cache.dataclass_methods():

        @dataclasses.dataclass(frozen=True, order=True)
        class Cached:
            x: int
            label: str = "a"
            items: list[int] = dataclasses.field(default_factory=list, compare=False)

    return Cached


def test_dataclasses_made_through_the_cache_are_the_same_and_a_second_start_compiles_nothing(tmp_path, compiles):
    path = str(tmp_path / "folder" / "code.marshal")
    first = CodeCache(path)
    cached = make_cached(first)
    assert "exec" not in dataclasses.__dict__  # put back as it was
    made = len(compiles)
    assert made >= 4  # __init__, __repr__, __eq__, the ordering, __setattr__ and __delattr__, __hash__
    for name in ("__init__", "__repr__", "__eq__", "__lt__", "__hash__", "__setattr__"):
        assert getattr(cached, name).__code__.co_code == getattr(Plain, name).__code__.co_code, name
    assert cached.__init__.__annotations__ == Plain.__init__.__annotations__
    value = cached(2, "b")
    assert repr(value).endswith("Cached(x=2, label='b', items=[])")
    assert value == cached(2, "b", [1]) and value < cached(3) and hash(value) == hash(cached(2, "b"))
    with pytest.raises(dataclasses.FrozenInstanceError):
        value.x = 3  # type: ignore[misc]

    assert first.save() is True  # the folder is made
    assert first.save() is False  # nothing new since
    second = CodeCache(path)
    again = make_cached(second)
    assert len(compiles) == made  # every method from the file
    assert again(1) == again(1) and second.save() is False


def test_a_start_that_compiles_less_keeps_the_file_and_one_that_compiles_more_rewrites_it(tmp_path):
    path = str(tmp_path / "code.marshal")
    cache = CodeCache(path)
    cache.compile("a = 1", "<a>", "exec")
    cache.compile("b = 2", "<b>", "exec")
    cache.save()
    fewer = CodeCache(path)
    fewer.compile("a = 1", "<a>", "exec")
    assert fewer.save() is False
    more = CodeCache(path)
    more.compile("a = 1", "<a>", "exec")
    more.compile("c = 3", "<c>", "exec")
    assert more.save() is True
    assert {key[1] for key in CodeCache(path).loaded} == {"<a>", "<c>"}  # what start-up no longer compiles goes


def test_another_pythons_file_a_broken_one_and_an_unwritable_folder_are_no_errors(tmp_path, monkeypatch):
    path = tmp_path / "code.marshal"
    path.write_bytes(marshal.dumps((b"\x00\x00\r\n", 1)) + marshal.dumps({("x", "<x>", "exec", 0, -1): 1}))
    assert CodeCache(str(path)).loaded == {}  # another bytecode: not read
    path.write_bytes(marshal.dumps(FORMAT)[:-3])
    assert CodeCache(str(path)).loaded == {}
    blocked = tmp_path / "file"
    blocked.write_text("")
    cache = CodeCache(str(blocked / "code.marshal"))  # its folder is a file
    cache.compile("a = 1", "<a>", "exec")
    assert cache.save() is False
    monkeypatch.setattr(sys, "dont_write_bytecode", True)
    elsewhere = CodeCache(str(tmp_path / "other.marshal"))
    elsewhere.compile("a = 1", "<a>", "exec")
    assert elsewhere.save() is False and not os.path.exists(tmp_path / "other.marshal")


def test_compiling_routes_compile_within_only(tmp_path):
    cache = CodeCache(str(tmp_path / "code.marshal"))
    with cache.compiling():
        assert builtins.compile == cache.compile
        exec(builtins.compile("a = 1", "<a>", "exec"), {})
    assert builtins.compile is code_cache._real_compile
    assert [key[1] for key in cache.used] == ["<a>"]


START_UP = """
import builtins, dataclasses, json, os, sys
import playground.ui.app

out = sys.argv[1]
report = {}
app = None
pending = []
run_app = playground.ui.app.run_app


class QTimer:
    # Qt is not imported before the entry point imports it, as the app does (the signature modules are
    # then compiled through the cache): at_start waits for the QApplication run_app is given.
    @staticmethod
    def singleShot(interval, function):
        pending.append(function)


def watched_run_app(options, compiled=None):
    global app
    playground.ui.app.import_qt(compiled)
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    app = QApplication([sys.argv[0]])
    for function in pending:
        QTimer.singleShot(0, function)
    return run_app(options, compiled)


playground.ui.app.run_app = watched_run_app


def at_start():
    window = next(w for w in app.topLevelWidgets() if type(w).__qualname__ == "MainWindow")
    from playground.code_cache import CodeCache, default_path

    report["visible"] = window.isVisible()
    report["dataclasses_own_exec"] = "exec" not in dataclasses.__dict__
    report["builtin_compile"] = type(builtins.compile).__name__ == "builtin_function_or_method"
    path = default_path()
    report["path"] = path
    report["kept"] = sorted({key[1] for key in CodeCache(path).loaded})
"""


def test_the_window_start_up_keeps_its_compiled_code_and_a_second_start_compiles_nothing_new(tmp_path, monkeypatch):
    # Bytecode written (the test run may have it off), under a folder of the test's own.
    monkeypatch.delenv("PYTHONDONTWRITEBYTECODE", raising=False)
    monkeypatch.setenv("PYTHONPYCACHEPREFIX", str(tmp_path / "pycache"))
    first = run_start_up(tmp_path, START_UP)
    assert first["visible"] and first["dataclasses_own_exec"] and first["builtin_compile"]
    assert first["path"].startswith(str(tmp_path / "pycache"))
    # The dataclasses' methods ("<string>") and PySide6's signature modules, compiled from its embedded zip.
    assert "<string>" in first["kept"]
    assert "shibokensupport/signature/loader.py" in first["kept"]
    written = os.stat(first["path"]).st_mtime_ns
    second = run_start_up(tmp_path, START_UP)
    assert second["kept"] == first["kept"] and os.stat(first["path"]).st_mtime_ns == written  # nothing new to write


SIGNATURE_MODULES = """
import json, sys, types
if sys.argv[1] == "cached":
    from playground.code_cache import CodeCache, default_path

    cache = CodeCache(default_path())
    with cache.compiling():
        import PySide6.QtCore
    cache.save()
    taken = sum(key in cache.loaded for key in cache.used)
else:
    import PySide6.QtCore
    taken = 0
functions = {}
for name, module in sorted(sys.modules.items()):
    if name.startswith("shibokensupport"):
        for attribute, value in vars(module).items():
            if isinstance(value, types.FunctionType) and value.__module__ == module.__name__:
                code = value.__code__
                functions[f"{name}.{attribute}"] = [code.co_flags, code.co_code.hex(), repr(value.__annotations__)]
print(json.dumps({"taken": taken, "functions": functions}))
"""


def test_pysides_signature_modules_from_the_cache_are_the_modules_compile_makes(tmp_path):
    # Compiled by shiboken's loader, whose __future__ import (annotations) the cache's compile inherits.
    env = {key: value for key, value in os.environ.items() if key != "PYTHONDONTWRITEBYTECODE"}
    env.update(PYTHONPYCACHEPREFIX=str(tmp_path), QT_QPA_PLATFORM="offscreen")

    def run(kind: str) -> dict:
        done = subprocess.run(
            [sys.executable, "-c", SIGNATURE_MODULES, kind], capture_output=True, text=True, timeout=120, env=env
        )
        assert done.returncode == 0, done.stderr
        return json.loads(done.stdout.splitlines()[-1])

    plain = run("plain")
    run("cached")  # compiles them, and keeps them
    cached = run("cached")
    assert cached["taken"] >= 10  # every signature module from the file (14 in PySide6 6.10)
    assert len(plain["functions"]) > 50
    assert cached["functions"] == plain["functions"]
