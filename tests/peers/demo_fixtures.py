"""The embedded demo server, run as users run it: ``wsmonitor demo --no-gui`` in a subprocess.

A subprocess, not an in-process server, because python-socketio's ``instrument()`` patches
engine.io classes process-wide: two instrumented servers in one process would count each other's
packets.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest


@dataclass
class DemoProcess:
    """A running ``wsmonitor demo --no-gui`` and the connection info it printed."""

    process: subprocess.Popen[str]
    info: dict[str, Any]
    output: list[str] = field(default_factory=list)

    @property
    def url(self) -> str:
        return self.info["url"]

    @property
    def health_url(self) -> str:
        return self.info["health_url"]

    @property
    def admin_namespace(self) -> str:
        return self.info["admin_namespace"]

    @property
    def admin_username(self) -> str:
        return self.info["admin_username"]

    @property
    def admin_password(self) -> str:
        return self.info["admin_password"]

    @property
    def token(self) -> str:
        return self.info["token"]

    def stop(self) -> int:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)
        return self.process.returncode


def start_demo_process(*args: str, timeout: float = 30) -> DemoProcess:
    """Start ``wsmonitor demo --no-gui ARGS`` and wait for its JSON line."""
    env = dict(os.environ, PYTHONUNBUFFERED="1")
    process = subprocess.Popen(
        [sys.executable, "-m", "wsmonitor", "demo", "--no-gui", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=env,
    )
    first: list[str] = []
    ready = threading.Event()
    output: list[str] = []

    def pump() -> None:
        assert process.stdout is not None
        for line in process.stdout:
            if not first:
                first.append(line)
                ready.set()
            else:
                output.append(line.rstrip("\n"))
        ready.set()

    threading.Thread(target=pump, daemon=True).start()
    if not ready.wait(timeout) or not first:
        process.kill()
        raise RuntimeError(f"wsmonitor demo did not start: {''.join(output)[-2000:]}")
    try:
        info = json.loads(first[0])
    except json.JSONDecodeError as exc:
        process.kill()
        raise RuntimeError(f"wsmonitor demo printed {first[0]!r} instead of JSON") from exc
    return DemoProcess(process, info, output)


@pytest.fixture
def demo_server_factory() -> Iterator[Callable[..., DemoProcess]]:
    """Start demo servers with any CLI arguments; all are stopped at teardown."""
    started: list[DemoProcess] = []

    def start(*args: str) -> DemoProcess:
        demo = start_demo_process(*args)
        started.append(demo)
        return demo

    yield start
    for demo in started:
        demo.stop()


@pytest.fixture
def demo_server(demo_server_factory: Callable[..., DemoProcess]) -> DemoProcess:
    """A quiet demo server (no simulated clients): tests bring their own traffic."""
    return demo_server_factory("--clients", "0")


@pytest.fixture
def demo_server_with_traffic(demo_server_factory: Callable[..., DemoProcess]) -> DemoProcess:
    """A demo server with its seeded simulator running (40 clients)."""
    return demo_server_factory("--clients", "40", "--seed", "7")
