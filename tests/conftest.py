"""Test-wide setup: Qt renders offscreen, before any QApplication exists; test options."""
import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def pytest_addoption(parser):
    # The monkey test's length: short by default (seconds), thousands for the long run.
    parser.addoption("--monkey-actions", type=int, default=300, metavar="N",
                     help="random actions the monkey test (tests/ui/test_monkey.py) performs (default 300)")
