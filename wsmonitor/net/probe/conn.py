"""What the two transports share: the packet queue the engine reads, the close marker, errors."""

from __future__ import annotations

import asyncio
import logging
import re
import socket
import ssl
import traceback
from collections.abc import Awaitable
from dataclasses import dataclass
from typing import Any, Protocol

RELEVANT_HEADERS = (
    "content-type",
    "content-length",
    "access-control-allow-origin",
    "access-control-allow-credentials",
    "upgrade",
    "connection",
    "sec-websocket-accept",
    "sec-websocket-extensions",
    "server",
    "location",
    "set-cookie",
    "www-authenticate",
)

_RELEVANT = frozenset(RELEVANT_HEADERS)


@dataclass
class Closed:
    """The connection ended: queued after the last packet. ``code`` is a websocket close code."""

    code: int | None
    reason: str
    by: str  # server | client
    error: str = ""


class ProbeStop(Exception):
    """The evidence is complete (a refusal was recorded): stop the probe here."""


class HttpRefused(Exception):
    """The server answered with a status that refuses the request."""

    def __init__(self, status: int, body: str, content_type: str, phase: str) -> None:
        super().__init__(f"HTTP {status}")
        self.status, self.body, self.content_type, self.phase = status, body, content_type, phase


class NotEngineIO(Exception):
    """An answer that is not Engine.IO (HTML page, JSON API...)."""


PacketQueue = asyncio.Queue  # items: list[str] | Closed


def relevant_headers(headers: object) -> dict[str, str]:
    """The headers a timeline shows, lower-cased."""
    items = getattr(headers, "items", None)
    if items is None:
        return {}
    # One pass over what the server sent (a 101 has three or four headers) rather than a
    # lookup per relevant name; the first value of a name wins, as get() would give.
    found: dict[str, str] = {}
    for name, value in items():
        low = name.lower()
        if low in _RELEVANT and low not in found:
            found[low] = str(value)
    out: dict[str, str] = {}
    for name in RELEVANT_HEADERS:  # in the usual order
        if name in found:
            value = found[name]
            out[name] = _mask_cookie(value) if name == "set-cookie" else value
    return out


def _mask_cookie(value: str) -> str:
    """A server's session cookie is a secret too: keep its name, mask its value."""
    from wsmonitor.core.secrets import mask_secret

    name, sep, rest = value.partition("=")
    cookie, semi, attributes = rest.partition(";")
    return f"{name}{sep}{mask_secret(cookie)}{semi}{attributes}" if sep else value


def _chain(exc: BaseException) -> list[BaseException]:
    seen: list[BaseException] = []
    current: BaseException | None = exc
    while current is not None and current not in seen and len(seen) < 8:
        seen.append(current)
        current = current.__cause__ or current.__context__
    return seen


def classify_error(exc: BaseException) -> tuple[str, str]:
    """(failure kind, detail) for a transport exception; kinds as in verdict.FAILURES."""
    import aiohttp
    import httpx

    chain = _chain(exc)
    for item in chain:
        if isinstance(item, ssl.SSLError | aiohttp.ClientSSLError):
            return "tls", _short(item)
    for item in chain:
        if isinstance(item, socket.gaierror | aiohttp.ClientConnectorDNSError):
            return "dns", _short(item)
        if isinstance(item, ConnectionRefusedError):
            return "refused", "connection refused"
        if isinstance(item, TimeoutError | httpx.TimeoutException | aiohttp.ServerTimeoutError):
            return "timeout", _short(item) or "timed out"
    first = chain[0]
    text = str(first).lower()
    if "status line" in text or "invalid http" in text or "illegal header" in text:
        # Bytes came back, but not HTTP (often a TLS port spoken to in plain text).
        return "protocol", "the answer is not HTTP: " + _short(first)
    if isinstance(first, httpx.ConnectError | aiohttp.ClientConnectorError):
        text = _short(first)
        return (
            "tls" if "ssl" in text.lower() or "certificate" in text.lower() else "connect"
        ), text
    if isinstance(
        first,
        httpx.RemoteProtocolError
        | httpx.ReadError
        | httpx.WriteError
        | aiohttp.ServerDisconnectedError
        | aiohttp.ClientPayloadError
        | ConnectionResetError,
    ):
        return "read", _short(first) or type(first).__name__
    if isinstance(first, OSError | aiohttp.ClientOSError):
        return "connect", _short(first)
    return "protocol", _short(first)


def _short(exc: BaseException) -> str:
    """One line of at most 200 characters (library messages span lines and quote bytes)."""
    text = re.sub(r"\s+", " ", str(exc)).strip() or type(exc).__name__
    return text if len(text) <= 200 else text[:200] + "…"


async def finish_closing(closing: Awaitable[Any]) -> None:
    """Await ``closing`` to its end even when the caller is cancelled meanwhile, then re-raise.

    Closing is bounded (1 s timeouts); interrupting it half way leaves an aiohttp session or an
    httpx client open ("Unclosed client session" at exit). A cancellation that arrives while
    closing is kept and raised once everything is closed.
    """
    task = asyncio.ensure_future(closing)
    cancelled = False
    while not task.done():
        try:
            await asyncio.shield(task)
        except asyncio.CancelledError:
            if task.cancelled():  # closing itself was cancelled (loop shutting down)
                raise
            cancelled = True
    if cancelled:
        raise asyncio.CancelledError


class _Masker(Protocol):
    def mask(self, text: str) -> str: ...


def log_masked(log: logging.Logger, tl: _Masker, exc: BaseException) -> None:
    """Log a probe error with its traceback at debug level, secrets masked.

    The logging redactor masks the message only; a traceback (exc_info) could quote a URL
    with the token in it, so it is formatted and masked here instead.
    """
    if log.isEnabledFor(logging.DEBUG):
        text = "".join(traceback.format_exception(exc))
        log.debug("probe error:\n%s", tl.mask(text))
