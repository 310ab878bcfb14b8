"""The wsmonitor command as a user meets it: help, version, errors, pipes and the self-test."""

from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys

import pytest

from wsmonitor import __version__, cli
from wsmonitor.cli import COMMAND_MODULES, EXIT_BROKEN_PIPE


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


def _refused_url() -> str:
    """A loopback URL nothing listens on: the probe answers at once (connection refused)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}"


def test_json_into_a_closed_pipe_ends_quietly() -> None:
    """``wsmonitor probe URL --json | head -c 0``: the reader is gone before the JSON comes."""
    command = [sys.executable, "-m", "wsmonitor", "probe", _refused_url(), "--json"]
    process = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=dict(os.environ)
    )
    assert process.stdout is not None
    # The only read end of the pipe: from now on every write to the child's stdout is EPIPE.
    process.stdout.close()
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == EXIT_BROKEN_PIPE, stderr
    assert stderr == ""


def test_json_into_an_open_pipe_is_unchanged() -> None:
    """The same probe read to the end: a refused connection is a failed check, exit 1."""
    result = _run("probe", _refused_url(), "--json")
    assert result.returncode == 1, result.stderr
    assert result.stdout.startswith('{"verdict": "unreachable"'), result.stdout


def test_a_broken_pipe_elsewhere_is_still_an_internal_error(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A socket's EPIPE is a bug to report, not a reader that went away."""

    def broken(args: argparse.Namespace) -> int:
        raise BrokenPipeError(32, "Broken pipe")

    monkeypatch.setattr(cli, "_run_self_test", broken)
    monkeypatch.setattr("wsmonitor.logging_setup.configure_logging", lambda **kw: None)
    assert cli.main(["--self-test"]) == 1
    assert "internal error: BrokenPipeError" in capsys.readouterr().err
