"""The wsmonitor command as a user meets it: help, version, errors and the GUI self-test."""

from __future__ import annotations

import os
import subprocess
import sys

from wsmonitor import __version__
from wsmonitor.cli import COMMAND_MODULES


def _run(*args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "wsmonitor", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env=dict(os.environ),
    )


def test_version() -> None:
    result = _run("--version")
    assert result.returncode == 0
    assert result.stdout.strip() == f"wsmonitor {__version__}"


def test_help_lists_every_sub_command_with_one_line() -> None:
    result = _run("--help")
    assert result.returncode == 0
    for name in COMMAND_MODULES:
        assert f"    {name}" in result.stdout, name


def test_usage_error_is_one_line_and_exit_2() -> None:
    result = _run("demo", "--port", "not-a-port")
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert "invalid int value" in result.stderr


def test_headless_commands_do_not_import_qt() -> None:
    probe = (
        "import sys; from wsmonitor.cli import build_parser; build_parser(); "
        "import wsmonitor.demo.runner; "
        "print(sorted(m for m in sys.modules if m.startswith(('PySide6', 'pyqtgraph', 'qasync'))))"
    )
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


def test_self_test_builds_the_window_offscreen() -> None:
    result = _run("--self-test", timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "self-test passed" in result.stdout
