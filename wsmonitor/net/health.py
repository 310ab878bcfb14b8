"""Polling an HTTP health endpoint with httpx: one ``check_health`` call or a ``HealthPoller``.

Every failure becomes a ``HealthSample`` with a plain-language ``error`` and a ``FailureKind``;
nothing raises out of a check or out of the poller's loop.
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import inspect
import logging
import math
import socket
import ssl
import time
from collections import deque
from collections.abc import Callable, Mapping
from pathlib import Path

import httpx

from wsmonitor.core.health import (
    FailureKind,
    HealthPeriod,
    HealthSample,
    Timeline,
    classify_status,
    json_says_down,
    summarize_body,
)
from wsmonitor.errors import UserError

log = logging.getLogger(__name__)

MAX_BODY_BYTES = 64 * 1024  # a health body is small; never read a huge one into memory
SampleCallback = Callable[[HealthSample], object]


class HealthConfigError(UserError):
    """The health URL, interval or TLS options cannot work; the message says which."""


def _check_url(url: str) -> httpx.URL:
    text = str(url or "").strip()
    try:
        parsed = httpx.URL(text)
    except (httpx.InvalidURL, TypeError, ValueError) as exc:
        raise HealthConfigError(f"health URL {text!r} is not a valid URL: {exc}") from None
    if parsed.scheme not in ("http", "https"):
        raise HealthConfigError(
            f"health URL {text!r} must start with http:// or https:// "
            f"(got {parsed.scheme or 'no scheme'})"
        )
    if not parsed.host:
        raise HealthConfigError(f"health URL {text!r} has no host name")
    return parsed


def _verify_option(verify: bool, ca_file: str | Path | None) -> ssl.SSLContext | bool:
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
    return _build_client(_verify_option(verify, ca_file), timeout, headers)


def _build_client(
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
            return (
                FailureKind.REFUSED,
                f"connection refused by {host} (nothing listens on that port)",
            )
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
        _check_url(url)
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


def _positive(value: object) -> bool:
    return (
        isinstance(value, int | float)
        and not isinstance(value, bool)
        and math.isfinite(value)
        and value > 0
    )


class HealthPoller:
    """Checks one health URL every ``interval`` seconds and delivers each ``HealthSample``."""

    def __init__(
        self,
        url: str,
        *,
        interval: float = 5.0,
        timeout: float | None = None,
        verify: bool = True,
        ca_file: str | Path | None = None,
        headers: Mapping[str, str] | None = None,
        expect_json: bool = True,
        on_sample: SampleCallback | None = None,
        queue: asyncio.Queue[HealthSample] | None = None,
        keep: int = 17_280,
    ) -> None:
        self.url = str(_check_url(url))
        if not _positive(interval):
            raise HealthConfigError(
                f"health interval must be a positive number of seconds, got {interval!r}"
            )
        if timeout is not None and not _positive(timeout):
            raise HealthConfigError(
                f"health timeout must be a positive number of seconds, got {timeout!r}"
            )
        self.interval = float(interval)
        self.timeout = float(timeout) if timeout is not None else max(1.0, min(self.interval, 5.0))
        self.expect_json = expect_json
        self._verify = _verify_option(verify, ca_file)  # validates the CA file up front
        self._headers = dict(headers or {})
        self._on_sample = on_sample
        self._queue = queue
        self._samples: deque[HealthSample] = deque(maxlen=max(1, keep))
        self._timeline = Timeline()
        self._task: asyncio.Task[None] | None = None
        self._client: httpx.AsyncClient | None = None

    @property
    def running(self) -> bool:
        return self._task is not None and not self._task.done()

    @property
    def latest(self) -> HealthSample | None:
        return self._samples[-1] if self._samples else None

    @property
    def samples(self) -> list[HealthSample]:
        return list(self._samples)

    @property
    def down_since(self) -> float | None:
        """When the current down period began (None when up or no sample yet); O(1)."""
        return self._timeline.down_since

    def periods(self, until: float | None = None) -> list[HealthPeriod]:
        """Up/down timeline of the samples kept so far (kept incrementally: cheap per redraw)."""
        return self._timeline.periods(until)

    def start(self) -> None:
        """Start polling on the running loop (no-op when already running)."""
        if self.running:
            return
        self._task = asyncio.get_running_loop().create_task(self._run(), name=f"health:{self.url}")

    async def stop(self) -> None:
        """Stop polling and release the HTTP client; safe to call twice."""
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        if self._client is not None:
            client, self._client = self._client, None
            await client.aclose()

    async def poll_once(self) -> HealthSample:
        """Check now and deliver the sample like a periodic one."""
        if self._client is None:
            self._client = _build_client(self._verify, self.timeout, self._headers)
        sample = await check_health(
            self.url, timeout=self.timeout, expect_json=self.expect_json, client=self._client
        )
        await self._deliver(sample)
        return sample

    async def _deliver(self, sample: HealthSample) -> None:
        if len(self._samples) == self._samples.maxlen:
            oldest = self._samples[0]
            self._timeline.evict(oldest, self._samples[1].t if len(self._samples) > 1 else None)
        self._samples.append(sample)
        self._timeline.add(sample)
        if self._queue is not None:
            if self._queue.full():
                with contextlib.suppress(asyncio.QueueEmpty):
                    self._queue.get_nowait()  # a slow consumer loses the oldest, not the newest
            self._queue.put_nowait(sample)
        if self._on_sample is not None:
            try:
                result = self._on_sample(sample)
                if inspect.isawaitable(result):
                    await result
            except Exception:
                log.exception("health sample callback failed; polling continues")

    async def _run(self) -> None:
        loop = asyncio.get_running_loop()
        next_tick = loop.time()
        while True:
            try:
                await self.poll_once()
            except asyncio.CancelledError:
                raise
            except Exception:  # a bug must not end monitoring silently; log and keep the cadence
                log.exception("health check of %s failed unexpectedly", self.url)
            next_tick += self.interval
            now = loop.time()
            if next_tick < now:  # a slow check: skip missed ticks rather than bursting
                next_tick = now + self.interval - ((now - next_tick) % self.interval)
            await asyncio.sleep(next_tick - now)
