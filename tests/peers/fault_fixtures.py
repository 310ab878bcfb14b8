"""Fixtures for the fault servers: the Node fault server (one process, one path per fault)
and the Python ones under tests/peers/faults/ (started per test, in the test's loop)."""

from __future__ import annotations

import json
import subprocess
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from pathlib import Path

import jwt
import pytest

from tests.peers import tls_certs
from tests.peers.faults import garbage, http_faults, raw_ws, sio_servers
from tests.peers.faults.fake_eio import silent_heartbeat_app
from tests.peers.node_runtime import NODE_DIR, ensure_node_modules, node_executable

JWT_SECRET = "fault-secret-for-wsmonitor-tests-0123456789"


@contextmanager
def node_fault_server() -> Iterator[str]:
    """Run tests/peers/node/fault_server.js; yields http://127.0.0.1:PORT (bench uses it too)."""
    node = node_executable()
    ensure_node_modules()  # a fresh machine has none: install, never skip
    proc = subprocess.Popen(
        [node, "fault_server.js"],
        cwd=NODE_DIR,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        env={"PATH": _path(), "JWT_SECRET": JWT_SECRET},
    )
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()  # the server prints its port once listening
        if not line:
            pytest.fail("the Node fault server did not start")
        yield f"http://127.0.0.1:{json.loads(line)['port']}"
    finally:
        if proc.stdin:
            proc.stdin.close()  # the server exits when stdin closes
        try:
            proc.wait(5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(5)
        if proc.stdout:
            proc.stdout.close()


@pytest.fixture(scope="session")
def node_faults() -> Iterator[str]:
    """Base URL (http://127.0.0.1:PORT) of tests/peers/node/fault_server.js."""
    with node_fault_server() as url:
        yield url


def _path() -> str:
    import os

    return os.environ.get("PATH", "/usr/bin:/bin")


def make_jwt(exp_offset: float, secret: str = JWT_SECRET) -> str:
    """A HS256 JWT expiring ``exp_offset`` seconds from now (negative: already expired)."""
    now = int(time.time())
    return jwt.encode(
        {"sub": "probe-test", "iat": now - 60, "exp": now + int(exp_offset)},
        secret,
        algorithm="HS256",
    )


@pytest.fixture
async def html_server() -> AsyncIterator[str]:
    async with http_faults.serve_app(http_faults.html_app()) as port:
        yield f"http://127.0.0.1:{port}"


@pytest.fixture
async def error_server() -> AsyncIterator[str]:
    async with http_faults.serve_app(http_faults.error_app(500)) as port:
        yield f"http://127.0.0.1:{port}"


@pytest.fixture
async def silent_server() -> AsyncIterator[str]:
    async with http_faults.silent_server() as port:
        yield f"http://127.0.0.1:{port}"


@pytest.fixture
def closed_port_url() -> str:
    return f"http://127.0.0.1:{http_faults.closed_port()}"


@pytest.fixture
async def stripping_proxy(node_faults: str) -> AsyncIterator[str]:
    """A proxy in front of the Node server that drops Upgrade/Connection headers."""
    async with http_faults.serve_app(http_faults.stripping_proxy_app(node_faults)) as port:
        yield f"http://127.0.0.1:{port}"


@pytest.fixture
async def heartbeat_silent_server() -> AsyncIterator[str]:
    async with http_faults.serve_app(silent_heartbeat_app()) as port:
        yield f"http://127.0.0.1:{port}"


@pytest.fixture
async def raw_ws_server() -> AsyncIterator[str]:
    async with raw_ws.raw_ws_server() as port:
        yield f"ws://127.0.0.1:{port}"


@pytest.fixture
async def python_sio_server() -> AsyncIterator[str]:
    """python-socketio with cors_allowed_origins=[GOOD_ORIGIN] and a /chat namespace."""
    async with http_faults.serve_app(sio_servers.sio_app(check_token=True)) as port:
        yield f"http://127.0.0.1:{port}"


@pytest.fixture
async def garbage_server() -> AsyncIterator[str]:
    """One path per kind of garbage answer (see tests/peers/faults/garbage.py)."""
    async with http_faults.serve_app(garbage.garbage_app()) as port:
        yield f"http://127.0.0.1:{port}"


@pytest.fixture
async def bytes_server() -> AsyncIterator[str]:
    """Answers every connection with bytes that are not HTTP."""
    async with garbage.bytes_server() as port:
        yield f"http://127.0.0.1:{port}"


@pytest.fixture(scope="session")
def tls_cert(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    return tls_certs.self_signed(tmp_path_factory.mktemp("tls"))


@pytest.fixture
async def tls_sio_server(tls_cert: tuple[Path, Path]) -> AsyncIterator[str]:
    """python-socketio over TLS with a self-signed certificate: https://127.0.0.1:PORT."""
    ctx = tls_certs.server_ssl_context(*tls_cert)
    async with http_faults.serve_app(sio_servers.sio_app(), ssl_context=ctx) as port:
        yield f"https://127.0.0.1:{port}"
