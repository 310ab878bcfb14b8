"""The Qt binding we install does not leak references on void calls.

PySide6-Essentials 6.12.0 on Python 3.11 drops a reference to None on every void Qt call
(``setText``, ``setPen``…), so a live dashboard aborted with "Fatal Python error: none_dealloc"
within a minute. pyproject.toml keeps that release out; this test fails if a binding with the
bug comes back. It runs in a subprocess because the bug kills the interpreter.
"""

from __future__ import annotations

import os
import subprocess
import sys

PROBE = """
import sys
from PySide6.QtWidgets import QApplication, QLabel
app = QApplication([])
label = QLabel()
before = sys.getrefcount(None)
for _ in range(200_000):
    label.setText("x")
print(sys.getrefcount(None) - before)
"""


def test_void_qt_calls_keep_none_alive() -> None:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    result = subprocess.run(
        [sys.executable, "-c", PROBE], capture_output=True, text=True, timeout=120, env=env
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert abs(int(result.stdout.strip())) < 1000, "the Qt binding leaks references to None"
