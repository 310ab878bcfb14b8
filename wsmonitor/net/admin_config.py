"""Where and how to reach a server's admin namespace, checked and normalised once."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace

from wsmonitor.errors import UserError


@dataclass(frozen=True, slots=True)
class AdminConnectionConfig:
    """Where and how to reach the admin namespace of one server (or cluster)."""

    url: str
    namespace: str = "/admin"
    socketio_path: str = "/socket.io"
    headers: Mapping[str, str] = field(default_factory=dict)
    username: str | None = None
    password: str | None = field(default=None, repr=False)
    tls_verify: bool = True
    ca_file: str | None = None
    transports: tuple[str, ...] | None = None  # None: polling first, then websocket upgrade
    connect_timeout: float = 10.0  # whole connect incl. namespace auth (bcrypt is slow)
    request_timeout: float = 5.0
    reconnect: bool = True
    backoff_initial: float = 0.5
    backoff_max: float = 15.0


def normalise_config(config: AdminConnectionConfig) -> AdminConnectionConfig:
    """The same config with an http(s) URL (ws:// and wss:// accepted) and a leading slash."""
    url = config.url.strip()
    if url.startswith("ws://"):
        url = "http://" + url[5:]
    elif url.startswith("wss://"):
        url = "https://" + url[6:]
    if not url.startswith(("http://", "https://")):
        raise UserError(f"not an http(s) or ws(s) URL: {config.url!r}")
    namespace = config.namespace if config.namespace.startswith("/") else "/" + config.namespace
    return replace(config, url=url, namespace=namespace)
