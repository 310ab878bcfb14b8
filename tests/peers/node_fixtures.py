"""Pytest fixtures that run the real Node.js Socket.IO + admin-ui peers in tests/peers/node.

``node_admin_peer`` and ``node_cluster_peer`` are factories: call them with options to start a
server (or a cluster) on a free loopback port; everything started is stopped at teardown.
See tests/peers/node/README.md for the config keys and the /__peer/ control API.
"""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import time
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import suppress
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.peers.node_runtime import (
    NODE_DIR,
    NodePeerError,
    ensure_node_modules,
    node_executable,
)

START_TIMEOUT = 20.0  # seconds to wait for the "listening" line (a cold CI machine is slow)


class PeerEndpoint:
    """One Socket.IO server: where to connect, the admin credentials, and its /__peer/ API."""

    def __init__(self, info: dict[str, Any], config: dict[str, Any]) -> None:
        self.config = config
        self._set_info(info)
        auth = config.get("auth") or None
        self.admin_username: str | None = auth["username"] if auth else None
        self.admin_password: str | None = auth["password"] if auth else None

    def _set_info(self, info: dict[str, Any]) -> None:
        self.info = info
        self.url: str = info["url"]
        self.port: int = info["port"]
        self.pid: int = info["pid"]
        self.server_id: str = info["serverId"]
        self.admin_namespace: str = info["adminNamespace"]
        self.path: str = info["path"]
        self.mode: str = info["mode"]

    @property
    def monitor_auth(self) -> dict[str, str] | None:
        """The `auth` payload a monitor sends to the admin namespace (None without auth)."""
        if self.admin_username is None:
            return None
        return {"username": self.admin_username, "password": self.admin_password or ""}

    def _control_url(self, route: str, params: dict[str, Any] | None) -> str:
        query = urllib.parse.urlencode({k: v for k, v in (params or {}).items() if v is not None})
        return f"{self.url}/__peer/{route}" + (f"?{query}" if query else "")

    def control(
        self, method: str, route: str, params: dict[str, Any] | None = None, body: Any = None
    ) -> dict[str, Any]:
        """Calls the control API synchronously; raises NodePeerError on a non-200 answer."""
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(self._control_url(route, params), data=data, method=method)
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                return json.loads(response.read())
        except urllib.error.HTTPError as err:
            raise NodePeerError(f"{method} /__peer/{route}: {err.code} {err.read()!r}") from err

    async def acontrol(
        self, method: str, route: str, params: dict[str, Any] | None = None, body: Any = None
    ) -> dict[str, Any]:
        """Same as control(), without blocking the event loop."""
        async with httpx.AsyncClient(timeout=10) as client:
            response = await client.request(
                method, self._control_url(route, params), json=body if body is not None else None
            )
        if response.status_code != 200:
            raise NodePeerError(f"{method} /__peer/{route}: {response.status_code} {response.text}")
        return response.json()

    def stats(self) -> dict[str, Any]:
        """Ground-truth counters (README: "GET /__peer/stats")."""
        return self.control("GET", "stats")

    async def astats(self) -> dict[str, Any]:
        return await self.acontrol("GET", "stats")

    def emissions(self, since: int = 0) -> list[dict[str, Any]]:
        """server_stats emissions (seq > since) with the engine deltas behind each one."""
        return self.control("GET", "emissions", {"since": since})["emissions"]

    def sockets(self, nsp: str | None = None) -> list[dict[str, Any]]:
        return self.control("GET", "sockets", {"nsp": nsp})["sockets"]

    def kick(self, sid: str, nsp: str | None = None, close: bool = False) -> None:
        """Server-side socket.disconnect(close) of one Socket.IO socket."""
        self.control("POST", "kick", {"id": sid, "nsp": nsp, "close": int(close)})

    def kick_all(
        self, nsp: str | None = None, close: bool = False, monitors: bool = False
    ) -> list[str]:
        params = {"nsp": nsp, "close": int(close), "monitors": int(monitors)}
        return self.control("POST", "kick-all", params)["kicked"]

    def close_engine(self, engine_or_socket_id: str) -> None:
        """Closes the engine connection (Engine.IO reason "forced close")."""
        self.control("POST", "close-engine", {"id": engine_or_socket_id})

    def emit(self, sid: str, event: str, *args: Any, nsp: str | None = None) -> None:
        self.control("POST", "emit", {"id": sid, "event": event, "nsp": nsp}, list(args))


def _spawn(
    script: str, config: dict[str, Any], workdir: Path, timeout: float
) -> tuple[subprocess.Popen[bytes], dict[str, Any]]:
    """Starts `node script config` and waits for its JSON "listening" line on stdout."""
    workdir.mkdir(parents=True, exist_ok=True)
    out_path, err_path = workdir / "stdout.log", workdir / "stderr.log"
    with open(out_path, "wb") as out, open(err_path, "wb") as err:
        proc = subprocess.Popen(
            [node_executable(), str(NODE_DIR / script), json.dumps(config)],
            cwd=NODE_DIR,
            stdin=subprocess.PIPE,  # closed by us (or by our death): the peer then exits
            stdout=out,
            stderr=err,
        )
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        text = out_path.read_text(errors="replace")
        if "\n" in text:
            line = json.loads(text.splitlines()[0])
            if line.get("event") == "listening":
                return proc, line
        if proc.poll() is not None:
            break
        time.sleep(0.02)
    exited = proc.poll() is not None
    _terminate(proc, graceful=False)
    why = "exited" if exited else f"gave no listening line within {timeout} s"
    raise NodePeerError(
        f"node {script} {why} (code {proc.returncode})\nconfig: {json.dumps(config)}\n"
        f"stdout: {out_path.read_text(errors='replace')}\n"
        f"stderr: {err_path.read_text(errors='replace')}"
    )


def _terminate(proc: subprocess.Popen[bytes], graceful: bool = True) -> None:
    """Graceful: SIGTERM (Socket.IO closes its sockets), then kill after 5 s. Else kill now."""
    if proc.poll() is None:
        if graceful:
            proc.terminate()
            try:
                proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                proc.kill()
        else:
            proc.kill()
    proc.wait(timeout=10)
    if proc.stdin:
        proc.stdin.close()


def _start_with_retry(
    script: str, config: dict[str, Any], workdir: Path, timeout: float
) -> tuple[subprocess.Popen[bytes], dict[str, Any]]:
    """_spawn, retried while a fixed port is still busy (restart right after a stop)."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            return _spawn(script, config, workdir, timeout)
        except NodePeerError as err:
            if "EADDRINUSE" not in str(err) or time.monotonic() > deadline:
                raise
            time.sleep(0.2)


class NodePeer(PeerEndpoint):
    """A running admin_server.js process (one Socket.IO server with instrument())."""

    def __init__(self, config: dict[str, Any], workdir: Path, timeout: float) -> None:
        self._workdir, self._timeout, self.restarts = workdir, timeout, 0
        self.proc, info = _start_with_retry("admin_server.js", config, workdir, timeout)
        super().__init__(info, config)

    @property
    def running(self) -> bool:
        return self.proc.poll() is None

    def stop(self, graceful: bool = True) -> None:
        """Stops the server: graceful = SIGTERM ("server shutting down"), else SIGKILL (a crash)."""
        _terminate(self.proc, graceful)

    def restart(self, graceful: bool = True) -> None:
        """Stops and starts again on the SAME port (new pid, fresh counters and sessions)."""
        self.stop(graceful)
        self.restarts += 1
        config = {**self.config, "port": self.port}
        workdir = self._workdir.with_name(f"{self._workdir.name}-r{self.restarts}")
        self.proc, info = _start_with_retry("admin_server.js", config, workdir, self._timeout)
        self._set_info(info)


class NodeClusterPeer:
    """A running cluster.js: N workers sharing state through @socket.io/cluster-adapter."""

    def __init__(self, config: dict[str, Any], workdir: Path, timeout: float) -> None:
        self.config, self._workdir, self._timeout, self.restarts = config, workdir, timeout, 0
        self.proc, info = _start_with_retry("cluster.js", config, workdir, timeout)
        self._set_info(info)

    def _set_info(self, info: dict[str, Any]) -> None:
        self.pid: int = info["pid"]  # the primary's
        self.workers = [PeerEndpoint(worker, self.config) for worker in info["workers"]]
        self.url, self.port = self.workers[0].url, self.workers[0].port
        self.server_ids = [worker.server_id for worker in self.workers]

    def kill_worker(self, index: int) -> None:
        """SIGKILLs one worker (it is not replaced): a cluster node going down."""
        os.kill(self.workers[index].pid, 9)

    def stop(self, graceful: bool = True) -> None:
        if not graceful:
            for worker in self.workers:
                with suppress(ProcessLookupError, PermissionError):
                    os.kill(worker.pid, 9)
        _terminate(self.proc, graceful)

    def restart(self, graceful: bool = True) -> None:
        """Stops and starts the whole cluster again, each worker on its previous port."""
        self.stop(graceful)
        self.restarts += 1
        config = {**self.config, "ports": [worker.port for worker in self.workers]}
        workdir = self._workdir.with_name(f"{self._workdir.name}-r{self.restarts}")
        self.proc, info = _start_with_retry("cluster.js", config, workdir, self._timeout)
        self._set_info(info)


def build_config(
    *,
    auth: bool = True,
    username: str = "admin",
    password: str | None = None,
    mode: str = "development",
    readonly: bool = False,
    server_id: str | None = None,
    admin_namespace: str = "/admin",
    path: str = "/socket.io",
    allow_eio3: bool = False,
    namespaces: tuple[str, ...] | list[str] = ("/chat",),
    ping_interval: int = 25000,
    ping_timeout: int = 20000,
    port: int = 0,
    **extra: Any,
) -> dict[str, Any]:
    """The peer's JSON config from Python-style options; `extra` keys pass through as given."""
    return {
        "port": port,
        "auth": {"username": username, "password": password or secrets.token_urlsafe(12)}
        if auth
        else False,
        "mode": mode,
        "readonly": readonly,
        "serverId": server_id,
        "adminNamespace": admin_namespace,
        "path": path,
        "allowEIO3": allow_eio3,
        "namespaces": list(namespaces),
        "pingInterval": ping_interval,
        "pingTimeout": ping_timeout,
        "watchStdin": True,
        **extra,
    }


@pytest.fixture
def node_admin_peer(tmp_path: Path) -> Iterator[Callable[..., NodePeer]]:
    """Factory: ``start(**options) -> NodePeer``; options as build_config (+ ``timeout``)."""
    ensure_node_modules()
    started: list[NodePeer] = []

    def start(*, timeout: float = START_TIMEOUT, **options: Any) -> NodePeer:
        workdir = tmp_path / f"node-peer-{len(started)}"
        started.append(NodePeer(build_config(**options), workdir, timeout))
        return started[-1]

    yield start
    for peer in started:
        peer.stop()


@pytest.fixture
def node_cluster_peer(tmp_path: Path) -> Iterator[Callable[..., NodeClusterPeer]]:
    """Factory: ``start(workers=2, **options) -> NodeClusterPeer`` (options as build_config)."""
    ensure_node_modules()
    started: list[NodeClusterPeer] = []

    def start(*, workers: int = 2, timeout: float = START_TIMEOUT, **opts: Any) -> NodeClusterPeer:
        workdir = tmp_path / f"node-cluster-{len(started)}"
        started.append(NodeClusterPeer(build_config(workers=workers, **opts), workdir, timeout))
        return started[-1]

    yield start
    for cluster in started:
        cluster.stop()
