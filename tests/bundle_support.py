"""What the bundle tests share: one PyInstaller build per session, and helpers to run processes.

``built_bundle`` builds ``build.spec`` once per test session (the session fixture ``bundle``
in tests/conftest.py calls it for tests/test_bundle*.py and tests/ui/test_real_display.py).
``WSMONITOR_PREBUILT_BUNDLE=path/to/dist/wsmonitor`` tests a bundle built earlier instead.
"""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
import socketio

ROOT = Path(__file__).resolve().parent.parent
ADMIN_PASSWORD_VAR = "WSMONITOR_TEST_ADMIN_PASSWORD"


@dataclass(frozen=True)
class Bundle:
    """A built one-folder bundle and the environment its processes run in."""

    folder: Path
    executable: Path
    home: Path

    def env(self, **extra: str) -> dict[str, str]:
        base = {"QT_QPA_PLATFORM": "offscreen", "WSMONITOR_HOME": str(self.home)}
        return {**os.environ, **base, **extra}

    def run(self, *args: str, timeout: float = 120, **env: str) -> subprocess.CompletedProcess:
        command, env = [str(self.executable), *args], self.env(**env)
        return subprocess.run(command, capture_output=True, text=True, timeout=timeout, env=env)


_built: dict[str, Bundle] = {}  # the session's one build, whichever module asked first


def _build(work: Path) -> Bundle:
    prebuilt = os.environ.get("WSMONITOR_PREBUILT_BUNDLE")
    if prebuilt:
        folder = Path(prebuilt).resolve()
    else:
        command = [sys.executable, "-m", "PyInstaller", str(ROOT / "build.spec"), "--noconfirm"]
        command += ["--distpath", str(work / "dist"), "--workpath", str(work / "build")]
        build = subprocess.run(command, cwd=work, capture_output=True, text=True, timeout=850)
        if build.returncode != 0:
            pytest.fail(f"pyinstaller failed:\n{build.stderr[-3000:]}")
        folder = work / "dist" / "wsmonitor"
    executable = folder / ("wsmonitor.exe" if os.name == "nt" else "wsmonitor")
    assert executable.exists(), f"no executable in {folder}"
    return Bundle(folder, executable, work / "home")


def built_bundle(tmp_path_factory: pytest.TempPathFactory) -> Bundle:
    """The bundle built from build.spec (once per session; see the module docstring)."""
    if "bundle" not in _built:
        _built["bundle"] = _build(tmp_path_factory.mktemp("bundle"))
    return _built["bundle"]


def wait_for(condition: Callable[[], Any], what: str, process: subprocess.Popen) -> Any:
    """Poll until ``condition()`` is truthy (its value is returned); fail if the process ends."""
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        if process.poll() is not None:
            pytest.fail(f"the process exited ({process.returncode}) before {what}")
        time.sleep(0.2)
    pytest.fail(f"timed out waiting for {what}")


def start(command: list[str], out: Path, env: dict[str, str]) -> subprocess.Popen:
    """Start ``command`` with its output going to ``out`` (a file never fills up like a pipe)."""
    with out.open("w", encoding="utf-8") as handle:
        return subprocess.Popen(command, stdout=handle, stderr=subprocess.STDOUT, env=env)


def stop(process: subprocess.Popen) -> int:
    """Terminate ``process`` (kill it if it lingers) and return its exit status."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=30)
    return process.returncode


def first_line(path: Path) -> str | None:
    text = path.read_text(encoding="utf-8", errors="replace")
    return text.split("\n", 1)[0] if "\n" in text else None


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def health(url: str) -> dict | None:
    try:
        return httpx.get(url, timeout=5).json()
    except (httpx.HTTPError, ValueError):
        return None


async def admin_stats(
    url: str, username: str, password: str, until: Callable[[list[dict]], bool]
) -> list[dict]:
    """``server_stats`` a stock python-socketio client receives on /admin until ``until``."""
    client = socketio.AsyncClient(handle_sigint=False, reconnection=False)
    stats: list[dict] = []
    done = asyncio.Event()

    @client.on("server_stats", namespace="/admin")
    def on_stats(data: dict) -> None:
        stats.append(data)
        if until(stats):
            done.set()

    auth = {"username": username, "password": password}
    await client.connect(url, namespaces=["/admin"], auth=auth, wait_timeout=30)
    try:
        await asyncio.wait_for(done.wait(), timeout=90)
    finally:
        await client.disconnect()
    return stats


def gui_watched_long_enough(stats: list[dict]) -> bool:
    """The GUI's admin client shows as a second /admin socket next to ours, for 5 more stats."""
    admins = [
        next((n["socketsCount"] for n in s["namespaces"] if n["name"] == "/admin"), 0)
        for s in stats
    ]
    both = [i for i, count in enumerate(admins) if count >= 2]
    return bool(both) and len(stats) - both[0] > 5
