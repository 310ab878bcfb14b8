"""One HTTP check of a health endpoint with httpx, described as a ``HealthSample``.

Every failure becomes a sample with a plain-language ``error`` and a ``FailureKind``; nothing
raises out of ``check_health``. ``wsmonitor.net.health.HealthPoller`` runs it on a cadence.
"""

from __future__ import annotations

import asyncio
import errno
import re
import socket
import ssl
import time
from collections.abc import Mapping
from pathlib import Path

import httpx

from wsmonitor.core.health import (
    FailureKind,
    HealthSample,
    classify_status,
    json_says_down,
    summarize_body,
)
from wsmonitor.errors import UserError

MAX_BODY_BYTES = 64 * 1024  # a health body is small; never read a huge one into memory


class HealthConfigError(UserError):
    """The health URL, interval or TLS options cannot work; the message says which."""


def shown_url(url: str) -> str:
    """``url`` fit for a message or a log line: no user info, no query (tokens live there)."""
    text = re.sub(r"//[^/@]*@", "//", str(url))
    base, sep, _ = text.partition("?")
    return base + ("?…" if sep else "")


def check_url(url: str) -> httpx.URL:
    """The parsed health URL, or ``HealthConfigError`` saying what is wrong with it."""
    text = str(url or "").strip()
    shown = repr(shown_url(text))
    try:
        parsed = httpx.URL(text)
    except (httpx.InvalidURL, TypeError, ValueError) as exc:  # httpx names the bad part only
        raise HealthConfigError(f"health URL {shown} is not a valid URL: {exc}") from None
    if parsed.scheme not in ("http", "https"):
        raise HealthConfigError(
            f"health URL {shown} must start with http:// or https:// "
            f"(got {parsed.scheme or 'no scheme'})"
        )
    if not parsed.host:
        raise HealthConfigError(f"health URL {shown} has no host name")
    return parsed


def verify_option(verify: bool, ca_file: str | Path | None) -> ssl.SSLContext | bool:
    """httpx ``verify`` value: a context trusting ``ca_file`` when given, else the flag."""
    if not ca_file:
        return verify
    path = Path(ca_file).expanduser()
    if not path.is_file():
        raise HealthConfigError(f"CA file {str(path)!r} does not exist")
    try:
        context = ssl.create_default_context(cafile=str(path))
    except (ssl.SSLError, OSError, ValueError) as exc:
        raise HealthConfigError(
            f"CA file {str(path)!r} is not a usable PEM certificate: {exc}"
        ) from None
    if not verify:
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
    return context


def make_client(
    *,
    timeout: float = 5.0,
    verify: bool = True,
    ca_file: str | Path | None = None,
    headers: Mapping[str, str] | None = None,
) -> httpx.AsyncClient:
    """An httpx client set up for health checks (fresh connection per check, redirects followed)."""
    return build_client(verify_option(verify, ca_file), timeout, headers)


def build_client(
    verify: ssl.SSLContext | bool, timeout: float, headers: Mapping[str, str] | None
) -> httpx.AsyncClient:
    return httpx.AsyncClient(
        verify=verify,
        timeout=httpx.Timeout(timeout),
        headers=dict(headers or {}),
        follow_redirects=True,
        max_redirects=5,
        # No keep-alive: each check proves a new client can connect, and a server restart
        # between checks cannot turn into a stale-connection false alarm.
        limits=httpx.Limits(max_keepalive_connections=0),
    )


def _chain(exc: BaseException) -> list[BaseException]:
    seen: list[BaseException] = []
    current: BaseException | None = exc
    while current is not None and current not in seen:
        seen.append(current)
        current = current.__cause__ or current.__context__
    return seen


def _refused(host: str) -> str:
    return f"connection refused by {host} (nothing listens on that port)"


def classify_exception(exc: BaseException, url: str, timeout: float) -> tuple[FailureKind, str]:
    """Failure kind and a plain message for an httpx/OS error raised while checking ``url``."""
    host = httpx.URL(url).host if url else "the server"
    if isinstance(exc, httpx.TimeoutException | TimeoutError):
        return FailureKind.TIMEOUT, f"no answer from {host} within {timeout:g} s"
    if isinstance(exc, httpx.UnsupportedProtocol | httpx.InvalidURL):
        return FailureKind.INVALID_URL, f"the health URL cannot be used: {exc}"
    chain = _chain(exc)
    for item in chain:
        if isinstance(item, ssl.SSLCertVerificationError):
            reason = item.verify_message or item.reason or str(item)
            return FailureKind.TLS, (
                f"TLS: the certificate of {host} is not trusted ({reason}); "
                "use a CA file or turn off verification for a self-signed server"
            )
        if isinstance(item, ssl.SSLError):
            reason = item.reason or str(item)
            return FailureKind.TLS, f"TLS handshake with {host} failed ({reason})"
        if isinstance(item, socket.gaierror):
            return FailureKind.DNS, f"host name {host!r} could not be resolved"
        if isinstance(item, ConnectionRefusedError) or (
            isinstance(item, OSError) and item.errno == errno.ECONNREFUSED
        ):
            return FailureKind.REFUSED, _refused(host)
    text = " ".join(str(item) for item in chain).lower()
    if "name or service not known" in text or "nodename nor servname" in text:
        return FailureKind.DNS, f"host name {host!r} could not be resolved"
    if "connection refused" in text or "connect call failed" in text:
        return FailureKind.REFUSED, _refused(host)
    if "ssl" in text or "certificate" in text:
        return FailureKind.TLS, f"TLS handshake with {host} failed ({exc})"
    detail = str(exc) or type(exc).__name__
    return FailureKind.NETWORK, f"network error talking to {host}: {detail}"


async def _fetch(client: httpx.AsyncClient, url: str) -> tuple[int, bytes, str | None]:
    async with client.stream("GET", url) as response:
        body = bytearray()
        async for chunk in response.aiter_bytes():
            body.extend(chunk)
            if len(body) >= MAX_BODY_BYTES:
                break
        return response.status_code, bytes(body), response.headers.get("content-type")


def _sample_from_response(
    t: float, latency_ms: float, status: int, body: bytes, ctype: str | None, expect_json: bool
) -> HealthSample:
    summary, parsed = summarize_body(body, ctype)
    kind = classify_status(status)
    error: str | None = None
    if kind is not FailureKind.OK:
        label = "server error" if kind is FailureKind.HTTP_5XX else "client error"
        error = f"HTTP {status} ({label})" + (f": {summary}" if summary else "")
    elif expect_json and parsed is None:
        kind = FailureKind.NON_JSON
        shown = f": {summary!r}" if summary else " (empty body)"
        error = f"HTTP {status} but the body is not JSON{shown}"
    elif parsed is not None and json_says_down(parsed):
        kind = FailureKind.UNHEALTHY
        error = f"the endpoint reports itself unhealthy ({summary})"
    return HealthSample(t, error is None, status, latency_ms, error, kind.value, summary)


async def check_health(
    url: str,
    *,
    timeout: float = 5.0,
    verify: bool = True,
    ca_file: str | Path | None = None,
    headers: Mapping[str, str] | None = None,
    expect_json: bool = True,
    client: httpx.AsyncClient | None = None,
) -> HealthSample:
    """GET ``url`` once and describe the outcome; never raises (cancellation aside)."""
    t = time.time()
    try:
        check_url(url)
        own = client is None
        active = client or make_client(
            timeout=timeout, verify=verify, ca_file=ca_file, headers=headers
        )
    except HealthConfigError as exc:
        return HealthSample(t, False, None, None, str(exc), FailureKind.INVALID_URL.value)
    started = time.perf_counter()
    try:
        # httpx timeouts are per read; the outer bound also catches a server that trickles bytes.
        async with asyncio.timeout(timeout + 0.5):
            status, body, ctype = await _fetch(active, url)
    except asyncio.CancelledError:
        raise
    except Exception as exc:
        kind, message = classify_exception(exc, url, timeout)
        return HealthSample(t, False, None, None, message, kind.value)
    finally:
        if own:
            await active.aclose()
    latency_ms = (time.perf_counter() - started) * 1000.0
    return _sample_from_response(t, latency_ms, status, body, ctype, expect_json)
