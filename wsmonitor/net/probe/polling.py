"""HTTP long-polling transport over httpx: handshake, POST packets, a background poll loop.

The poll loop is a task that feeds the engine's queue. Cancelling a pending GET would make Node
close the session ("poll connection closed prematurely"), so the loop is only paused between
polls (for an upgrade) or abandoned at the very end.
"""

from __future__ import annotations

import asyncio
import contextlib
import ssl
import time
from typing import Any

# httpx imports httpcore (which imports trio when installed) only when the first client is built,
# and anyio loads its asyncio backend on the first request: ~100 ms on the first probe, which the
# timeline showed as network time. Pay it at import instead.
import httpcore  # noqa: F401
import httpx

with contextlib.suppress(ImportError):
    import anyio._backends._asyncio  # noqa: F401

from wsmonitor.net.probe import eio
from wsmonitor.net.probe.conn import Closed, HttpRefused, NotEngineIO, relevant_headers
from wsmonitor.net.probe.options import ProbeOptions
from wsmonitor.net.probe.timeline import Timeline

_MAX_BODY = 2000
# A poll answer carries at most maxPayload (1 MB by default) of packets; a server streaming more
# is not Engine.IO, and reading it all would only eat memory until the timeout.
_MAX_READ = 8_000_000


class PollingTransport:
    """One Engine.IO polling session."""

    name = "polling"

    def __init__(self, opts: ProbeOptions, tl: Timeline) -> None:
        self.opts, self.tl = opts, tl
        self.queue: asyncio.Queue[list[str] | Closed] = asyncio.Queue()
        self.sid: str | None = None
        self.client = httpx.AsyncClient(
            verify=opts.ssl_context() or _plain_context(),
            timeout=opts.timeout,
            headers=opts.request_headers(),
        )
        self._task: asyncio.Task[None] | None = None
        self._paused = False
        self.last_headers: dict[str, str] = {}

    async def _request(self, method: str, phase: str, content: str | None = None) -> str:
        url = self.opts.engine_url("polling", self.sid)
        trace = _Trace(self, f"{method} {url}", phase)
        request = self.client.build_request(
            method,
            url,
            content=content,
            extensions={"trace": trace},
            headers={"Content-Type": "text/plain;charset=UTF-8"} if content is not None else None,
        )
        try:
            response = await self.client.send(request, stream=True)
        except BaseException:
            if not trace.sent:  # the row says what was attempted, when it gave up
                self.tl.add("out", "http_request", f"{trace.line} (not sent)", phase=phase)
            raise
        try:
            self.last_headers = relevant_headers(response.headers)
            row = self.tl.add(
                "in",
                "http_response",
                f"{response.status_code} {response.reason_phrase}",
                status=response.status_code,
                headers=self.last_headers,
                phase=phase,
            )
            self.tl.mark("http", row.t_ms)  # the first answer's headers end the HTTP phase
            body = await _read_capped(response)
        finally:
            await response.aclose()
        if response.status_code != 200:
            raise HttpRefused(
                response.status_code,
                body[:_MAX_BODY],
                response.headers.get("content-type", ""),
                phase,
            )
        return body

    async def handshake(self) -> list[str]:
        """GET the open packet (plus whatever the server sent with it)."""
        body = await self._request("GET", "handshake")
        try:
            packets = eio.decode_payload(body, self.opts.eio)
            if not packets or packets[0][0] != eio.OPEN:
                raise eio.FramingError("first packet is not an open packet")
            self.sid = eio.parse_open(packets[0])["sid"]
        except (eio.FramingError, ValueError) as exc:
            ctype = self.last_headers.get("content-type", "?")
            raise NotEngineIO(f"HTTP 200 ({ctype}) but {exc}: {body[:80]!r}") from None
        return packets

    async def send(self, packets: list[str]) -> None:
        for p in packets:
            self.tl.add("out", _kind(p), f"{eio.describe(p)}: {p}", transport="polling")
        body = await self._request("POST", "send", eio.encode_payload(packets, self.opts.eio))
        if body.strip().lower() != "ok":  # Node answers "ok", python-engineio "OK"
            self.tl.add("-", "info", f"unexpected POST answer {body[:60]!r}")

    async def recv(self) -> list[str] | Closed:
        """The packets of the next poll answer, or Closed. Safe to cancel (the poll goes on)."""
        return await self.queue.get()

    def start(self) -> None:
        self._task = asyncio.create_task(self._poll_loop())

    async def _poll_loop(self) -> None:
        try:
            while not self._paused:
                body = await self._request("GET", "poll")
                packets = eio.decode_payload(body, self.opts.eio)
                await self.queue.put(packets)
                if eio.CLOSE in packets:
                    await self.queue.put(Closed(None, "engine close packet", "server"))
                    return
        except HttpRefused as exc:
            await self.queue.put(
                Closed(None, f"poll answered HTTP {exc.status}: {exc.body[:80]}", "server")
            )
        except Exception as exc:  # a transport error or garbage: the session is over
            await self.queue.put(Closed(None, "", "server", error=f"{type(exc).__name__}: {exc}"))

    async def pause(self, timeout: float) -> bool:
        """Stop polling after the pending poll returns (the upgrade's noop). True when paused."""
        self._paused = True
        if self._task is None:
            return True
        try:
            # asyncio.timeout, not wait_for: on 3.11 wait_for loses a cancellation that
            # arrives as the poll returns, and the probe would hold on after Cancel.
            async with asyncio.timeout(timeout):
                await asyncio.shield(self._task)
        except TimeoutError:
            return False
        return True

    async def close(self, send_close: bool) -> None:
        """Say goodbye (best effort), stop the poll loop, and always close the client."""
        self._paused = True
        try:
            if send_close and self.sid:
                with contextlib.suppress(httpx.HTTPError, HttpRefused, TimeoutError, NotEngineIO):
                    async with asyncio.timeout(1.0):
                        await self.send([eio.CLOSE])
            if self._task is not None and not self._task.done():
                self._task.cancel()
                await asyncio.gather(self._task, return_exceptions=True)
        finally:
            await self.client.aclose()


class _Trace:
    """httpcore's trace hook for one request: TCP, TLS, and the moment the request is sent.

    The request row is added when its headers go on the wire, after any connection set-up, so
    the timeline and the waterfall show network time rather than our own preparation.
    """

    def __init__(self, transport: PollingTransport, line: str, phase: str) -> None:
        self.transport, self.line, self.phase = transport, line, phase
        self.sent = False
        self._started = 0.0

    async def __call__(self, name: str, info: dict[str, Any]) -> None:
        tl = self.transport.tl
        if name.endswith(".started"):
            self._started = time.perf_counter()
        if name == "connection.connect_tcp.complete":
            host, port = self.transport.opts.host_port()
            row = tl.add("-", "tcp", f"TCP connected to {host}:{port} ({self._ms():.1f} ms)")
            tl.mark("tcp", row.t_ms)
        elif name == "connection.start_tls.complete":
            stream = info.get("return_value")
            ssl_obj = stream.get_extra_info("ssl_object") if stream is not None else None
            # Version and cipher, as the websocket transport writes them (ws_connect_timing).
            cipher = ssl_obj.cipher() if ssl_obj is not None else None
            facts = " ".join(
                part
                for part in (ssl_obj.version() if ssl_obj is not None else "", cipher and cipher[0])
                if part
            )
            row = tl.add("-", "tls", f"TLS handshake done {facts} ({self._ms():.1f} ms)")
            tl.mark("tls", row.t_ms)
        elif name == "http11.send_request_headers.started":
            self.sent = True
            tl.add("out", "http_request", self.line, phase=self.phase)

    def _ms(self) -> float:
        return (time.perf_counter() - self._started) * 1000


async def _read_capped(response: httpx.Response) -> str:
    """The body as text; NotEngineIO past _MAX_READ bytes."""
    raw = bytearray()
    async for chunk in response.aiter_bytes():
        raw += chunk
        if len(raw) > _MAX_READ:
            raise NotEngineIO(
                f"HTTP {response.status_code} with an answer over {_MAX_READ // 1_000_000} MB"
            )
    return raw.decode(response.encoding or "utf-8", errors="replace")


_PLAIN: ssl.SSLContext | None = None


def _plain_context() -> ssl.SSLContext:
    """For http:// httpx still builds an SSL context per client; share one that loads nothing."""
    global _PLAIN
    if _PLAIN is None:
        _PLAIN = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    return _PLAIN


def _kind(packet: str) -> str:
    if packet.startswith(eio.PING):
        return "ping"
    if packet.startswith(eio.PONG):
        return "pong"
    return "packet"
