"""Ctrl-C (SIGINT) and SIGTERM close the GUI the way File › Quit does, with a clean exit 0.

The real thing runs ``python -m wsmonitor demo`` offscreen in a subprocess, waits until the
window's monitor is connected to its own demo server, sends the signal and reads the exit
status and the log. Qt's C++ event loop used to swallow SIGINT, and SIGTERM killed the app
without its clean-up (exit 143).
"""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest

from wsmonitor.ui.app import install_signal_handlers

pytestmark = pytest.mark.skipif(os.name == "nt", reason="POSIX signals")

PASSWORD_VAR = "WSMONITOR_TEST_ADMIN_PASSWORD"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _health(url: str) -> bool:
    try:
        return httpx.get(url, timeout=5).status_code == 200
    except httpx.HTTPError:
        return False


def _read(path: Path) -> str:
    return path.read_text(encoding="utf-8", errors="replace") if path.exists() else ""


def _wait_for(condition: Callable[[], bool], what: str, process: subprocess.Popen) -> None:
    """Poll ``condition`` (generous deadline); fail at once if the GUI exits meanwhile."""
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if condition():
            return
        if process.poll() is not None:
            pytest.fail(f"the GUI exited ({process.returncode}) before {what}")
        time.sleep(0.2)
    pytest.fail(f"timed out waiting for {what}")


@pytest.mark.timeout(300)
@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_signal_closes_the_demo_gui_cleanly(sig: signal.Signals, tmp_path: Path) -> None:
    port, home, out = _free_port(), tmp_path / "home", tmp_path / "gui.out"
    log_file = home / "logs" / "wsmonitor.log"
    command = [sys.executable, "-m", "wsmonitor", "demo", "--port", str(port), "--seed", "7"]
    command += ["--admin-password-env", PASSWORD_VAR]
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", WSMONITOR_HOME=str(home))
    env[PASSWORD_VAR] = "signal-test-password"
    with out.open("w", encoding="utf-8") as handle:
        gui = subprocess.Popen(command, stdout=handle, stderr=subprocess.STDOUT, env=env)
    try:
        _wait_for(lambda: _health(f"http://127.0.0.1:{port}/health"), "/health", gui)
        # The monitor's admin channel is up: the shutdown has a live session to stop.
        _wait_for(lambda: ": connected" in _read(log_file), "the admin channel", gui)
        gui.send_signal(sig)
        returncode = gui.wait(timeout=120)
    finally:
        if gui.poll() is None:
            gui.kill()
            gui.wait(timeout=30)
    output, log = _read(out), _read(log_file)
    assert returncode == 0, output[-3000:] + log[-3000:]
    assert "Traceback" not in output + log, output[-3000:] + log[-3000:]
    assert f"{sig.name} received: closing the window" in log
    assert "admin channel" in log and ": stopped" in log, log[-3000:]
    assert "shut down cleanly" in log
    assert not _health(f"http://127.0.0.1:{port}/health"), "the demo server outlived the GUI"


@pytest.mark.skipif(not hasattr(signal, "SIGUSR1"), reason="needs SIGUSR1")
async def test_fallback_handlers_run_on_the_loop(
    qapp: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Loops without ``add_signal_handler`` (Windows) get a plain handler and a wake-up timer."""
    loop = asyncio.get_running_loop()

    def unsupported(*args: object) -> None:
        raise NotImplementedError

    monkeypatch.setattr(loop, "add_signal_handler", unsupported)
    got: list[str] = []
    done = asyncio.Event()

    def on_signal(name: str) -> None:
        got.append(name)
        done.set()

    before = signal.getsignal(signal.SIGUSR1)
    undo = install_signal_handlers(loop, on_signal, signals=(signal.SIGUSR1,))
    try:
        assert signal.getsignal(signal.SIGUSR1) is not before, "no handler installed"
        os.kill(os.getpid(), signal.SIGUSR1)
        await asyncio.wait_for(done.wait(), timeout=30)
    finally:
        undo()
    assert got == ["SIGUSR1"]
    assert signal.getsignal(signal.SIGUSR1) is before
