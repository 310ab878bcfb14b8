"""What the admin channel is doing, and what went wrong, in words a user understands.

python-socketio, engineio and aiohttp report failures as free text; ``classify_error`` turns it
into an ``ErrorKind`` (which decides whether retrying makes sense) and a plain message.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

AUTH_MESSAGES = ("invalid credentials", "authentication failed")  # Node, python-socketio


class ConnState(StrEnum):
    IDLE = "idle"
    CONNECTING = "connecting"
    CONNECTED = "connected"
    RETRYING = "retrying"  # waiting for the next attempt (backoff)
    FAILED = "failed"  # will not retry by itself (credentials, namespace, configuration)
    STOPPED = "stopped"


class ErrorKind(StrEnum):
    AUTH = "auth"
    NAMESPACE = "namespace"
    REFUSED = "refused"
    DNS = "dns"
    TLS = "tls"
    TIMEOUT = "timeout"
    HTTP = "http"
    NOT_SOCKETIO = "not_socketio"
    LOST = "lost"
    CONFIG = "config"
    OTHER = "other"


@dataclass(frozen=True, slots=True)
class ConnectionStatus:
    """What the admin channel is doing, in words a user understands."""

    state: ConnState
    message: str = ""
    error_kind: ErrorKind | None = None
    since: float = 0.0
    attempt: int = 0
    next_retry_at: float | None = None
    connected_since: float | None = None


def classify_error(message: str, elapsed: float, request_timeout: float) -> tuple[ErrorKind, str]:
    """Turn a python-socketio/engineio/aiohttp error text into a kind and a plain message."""
    text = message or ""
    low = text.lower()
    if any(m in low for m in AUTH_MESSAGES):
        return ErrorKind.AUTH, "invalid credentials: the server refused the admin username/password"
    # aiohttp names every connection "ssl:default"/"ssl:True": match the SSL error markers only
    if any(m in low for m in ("certificate", "[ssl", "sslerror", "ssl handshake", "tlsv")):
        detail = text.split("[SSL: ", 1)[-1].split("] ", 1)[-1].split(" (_ssl.c")[0]
        return ErrorKind.TLS, f"TLS: {detail.strip(']) ') or 'handshake failed'}"
    if "connect call failed" in low or ("connection refused" in low and "by the server" not in low):
        return ErrorKind.REFUSED, "connection refused (nothing listens on that host and port)"
    if "name or service not known" in low or "nodename nor servname" in low or "getaddrinfo" in low:
        return ErrorKind.DNS, "host name does not resolve"
    if (
        "timeout" in low
        or "timed out" in low
        or (
            # engineio reports an aiohttp timeout (empty text) as "Connection refused by the server"
            "refused by the server" in low and elapsed >= request_timeout * 0.8
        )
    ):
        return ErrorKind.TIMEOUT, f"timeout: no answer within {elapsed:.0f} s"
    if "refused by the server" in low:
        return ErrorKind.REFUSED, "connection refused"
    if "unexpected status code" in low:
        code = "".join(ch for ch in low.split("code", 1)[1][:5] if ch.isdigit())
        return ErrorKind.HTTP, f"HTTP {code} at the Socket.IO path (check the URL and path)"
    if "unexpected response" in low or "open packet" in low:
        return ErrorKind.NOT_SOCKETIO, "the server did not answer like a Socket.IO server"
    return ErrorKind.OTHER, text or "connection error"
