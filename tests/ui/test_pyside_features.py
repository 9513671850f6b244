"""PySide6's check of each imported module, answered from its file (ui/pyside_features.py): the same
answers as PySide6's own ``inspect.getsource`` check, for the modules the window imports."""

import json
import sys
import types

from test_pyqtgraph_import import run_fresh

from playground.ui.pyside_features import quick_check

IMPORTS = """
import json, sys
import PySide6.QtCore
if sys.argv[-1] == "quick":
    from playground.ui.pyside_features import quicken_feature_check
    assert quicken_feature_check() and quicken_feature_check()  # a second call changes nothing
from playground.ui.pyqtgraph_import import import_pyqtgraph
import_pyqtgraph()
import playground.ui.shell.main_window
feature = sys.modules["shibokensupport.feature"]
print(json.dumps(feature.pyside_feature_dict))
"""


def test_the_quick_check_answers_as_pysides_own_for_every_module_the_window_imports():
    own = json.loads(run_fresh(IMPORTS))
    quick = json.loads(run_fresh(IMPORTS.replace('sys.argv[-1] == "quick"', "True")))
    # Imported after PySide6 only in that run (the app imports pyside_features before PySide6), with its imports.
    for name in ("playground.ui.pyside_features", "importlib.machinery"):
        quick.pop(name, None)
    assert quick == own
    # PySide6 6.10 asks about every module imported after it; 6.9 (the lowest allowed) about a few,
    # where the quick check has little to answer (and little to save).
    import PySide6

    if PySide6.__version_info__ >= (6, 10):
        assert len(own) > 300
        assert sum(value == 0 for value in own.values()) > 20  # ours and pyqtgraph's Qt modules use PySide6
    else:
        assert len(own) >= 5


def test_a_file_is_read_a_module_without_source_is_no_user_and_others_go_to_pysides_check(tmp_path):
    asked = []

    def own(module):
        asked.append(module.__name__)
        return False

    check = quick_check(own)
    uses = tmp_path / "uses.py"
    uses.write_text("# Grüße\nfrom PySide6.QtCore import QTimer\n", encoding="utf-8")
    plain = tmp_path / "plain.py"
    plain.write_text("import numpy\n", encoding="latin-1")
    modules = {}
    for path in (uses, plain):
        module = types.ModuleType(path.stem)
        module.__file__ = str(path)
        modules[path.stem] = module
    assert check(modules["uses"]) is True
    assert check(modules["plain"]) is False
    assert asked == []
    assert check(sys) is False  # built in: no file, no source (PySide6's check says False too)
    compiled = types.ModuleType("compiled")
    compiled.__file__ = str(tmp_path / "compiled.cpython-311-x86_64-linux-gnu.so")
    assert check(compiled) is False
    assert asked == []
    gone = types.ModuleType("gone")
    gone.__file__ = str(tmp_path / "gone.py")
    zipped = types.ModuleType("zipped")
    zipped.__file__ = str(tmp_path / "lessons.zip" / "zipped.py")
    assert check(gone) is False and check(zipped) is False
    assert asked == ["gone", "zipped"]  # a .py that cannot be read: PySide6's own check answers
