"""Shared helpers for the admin-channel tests (real servers, no mocks); holds no tests."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import Any

import socketio

from wsmonitor.net.admin_config import AdminConnectionConfig
from wsmonitor.net.monitor_session import MonitorSession, SessionConfig

WAIT = 20.0  # generous: the machine is shared and bcrypt is slow


async def wait_for(condition: Callable[[], Any], timeout: float = WAIT, what: str = "") -> Any:
    """Poll ``condition`` until truthy; fail with ``what`` after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what or condition}")
        await asyncio.sleep(0.05)


def node_session(peer: Any, **admin: Any) -> MonitorSession:
    """A session on a Node peer (``tests.peers.node_fixtures.NodePeer``) with its credentials."""
    config = AdminConnectionConfig(
        url=peer.url,
        namespace=admin.pop("namespace", peer.admin_namespace),
        socketio_path=peer.path,
        username=admin.pop("username", peer.admin_username),
        password=admin.pop("password", peer.admin_password),
        **admin,
    )
    return MonitorSession(SessionConfig(admin=config))


async def app_client(url: str, nsp: str = "/chat", **connect: Any) -> socketio.AsyncClient:
    """An ordinary application client (the churn a server sees)."""
    client = socketio.AsyncClient(reconnection=False, handle_sigint=False)
    await client.connect(url, namespaces=[nsp], wait_timeout=10, **connect)
    return client


def test_error_texts_are_classified_plainly() -> None:
    """The exact texts aiohttp/engineio produce (seen against real servers) -> kind and words."""
    from wsmonitor.net.admin_status import ErrorKind, classify_error

    cases = {
        "Cannot connect to host 127.0.0.1:1 ssl:default [Connect call failed ('127.0.0.1', 1)]": (
            ErrorKind.REFUSED,
            "connection refused",
        ),
        "Cannot connect to host nowhere.invalid:80 ssl:default [Name or service not known]": (
            ErrorKind.DNS,
            "host name does not resolve",
        ),
        "Cannot connect to host 127.0.0.1:8443 ssl:True [SSLCertVerificationError: (1, '[SSL: "
        "CERTIFICATE_VERIFY_FAILED] certificate verify failed: self-signed certificate "
        "(_ssl.c:1006)')]": (ErrorKind.TLS, "TLS: certificate verify failed: self-signed"),
        "Unexpected status code 404 in server response": (ErrorKind.HTTP, "HTTP 404"),
        "invalid credentials": (ErrorKind.AUTH, "invalid credentials"),
        "authentication failed": (ErrorKind.AUTH, "invalid credentials"),
    }
    for text, (kind, words) in cases.items():
        got_kind, message = classify_error(text, 0.1, 5.0)
        assert got_kind is kind and message.startswith(words), (text, message)
    assert classify_error("Connection refused by the server", 5.0, 5.0)[0] is ErrorKind.TIMEOUT
