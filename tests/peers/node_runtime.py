"""Node.js for the test peers: find a usable node, install tests/peers/node once (npm ci)."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

import pytest

NODE_DIR = Path(__file__).parent / "node"
REQUIRED_MODULES = ("socket.io", "@socket.io/admin-ui", "@socket.io/cluster-adapter", "bcryptjs")
MIN_NODE_MAJOR = 18


class NodePeerError(RuntimeError):
    """A Node peer failed to start or to answer; the message carries its stderr."""


def node_executable() -> str:
    """Path of node ($WSMONITOR_NODE or PATH); fails the test with a clear message if missing."""
    node = os.environ.get("WSMONITOR_NODE") or shutil.which("node")
    if not node or not shutil.which(node):
        pytest.fail(
            "Node.js is needed for the Node test peers but `node` is not on PATH "
            f"(install Node.js >= {MIN_NODE_MAJOR}, or set WSMONITOR_NODE to its path)",
            pytrace=False,
        )
    version = subprocess.run([node, "--version"], capture_output=True, text=True, timeout=30)
    major = int(version.stdout.strip().lstrip("v").split(".")[0] or 0)
    if major < MIN_NODE_MAJOR:
        pytest.fail(f"Node.js >= {MIN_NODE_MAJOR} needed, found {version.stdout.strip()}")
    return node


def _modules_installed() -> bool:
    modules = NODE_DIR / "node_modules"
    return all((modules / name / "package.json").is_file() for name in REQUIRED_MODULES)


@contextmanager
def _file_lock(path: Path) -> Iterator[None]:
    """An exclusive inter-process lock (pytest-xdist workers may all want to run npm ci)."""
    with open(path, "a+b") as handle:
        if sys.platform == "win32":
            import msvcrt

            while True:  # LK_LOCK gives up after ~10 s; npm may take longer
                with suppress(OSError):
                    msvcrt.locking(handle.fileno(), msvcrt.LK_LOCK, 1)
                    break
        else:
            import fcntl

            fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
        yield  # closing the file releases the lock


def ensure_node_modules() -> None:
    """Runs `npm ci` in tests/peers/node once if its node_modules are missing."""
    if _modules_installed():
        return
    key = hashlib.sha256(str(NODE_DIR.resolve()).encode()).hexdigest()[:16]
    with _file_lock(Path(tempfile.gettempdir()) / f"wsmonitor-node-peer-{key}.lock"):
        if _modules_installed():  # another worker installed them while we waited
            return
        npm = shutil.which("npm")
        if not npm:
            pytest.fail("tests/peers/node/node_modules is missing and `npm` is not on PATH")
        command = [npm, "ci", "--no-audit", "--no-fund"]
        done = subprocess.run(command, cwd=NODE_DIR, capture_output=True, text=True, timeout=600)
        if done.returncode != 0 or not _modules_installed():
            pytest.fail(f"`npm ci` in {NODE_DIR} failed:\n{done.stdout}\n{done.stderr}")
