"""Websocket transport over aiohttp: the handshake with its HTTP facts, a reader task, close codes.

aiohttp reports a close frame without a body as code 0: we report 1005, as RFC 6455 says a
client must. A connection that ends without any close frame is 1006.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

import aiohttp

from wsmonitor.net.probe import eio
from wsmonitor.net.probe.conn import Closed, HttpRefused, relevant_headers
from wsmonitor.net.probe.options import ProbeOptions
from wsmonitor.net.probe.timeline import Timeline
from wsmonitor.net.probe.ws_connect_timing import ConnectTiming, TimedConnector

_MAX_BODY = 2000
_MAX_MESSAGE = 16 * 1024 * 1024  # larger frames end the probe with 1009 instead of eating memory
# aiohttp's own close timeout bounds the wait for the server's close frame (one timer fewer
# than wrapping close() in asyncio.timeout); receiving has no timeout, the probe sets its own.
_WS_TIMEOUT = aiohttp.ClientWSTimeout(ws_receive=None, ws_close=1.0)
NO_STATUS = 1005
ABNORMAL = 1006


@dataclass
class WsClient:
    """An aiohttp session, the timeline it reports to, and its last refused handshake."""

    session: aiohttp.ClientSession
    tl: Timeline
    refused: dict[str, tuple[int, str, str]] = field(default_factory=dict)
    pending: tuple[str, str] | None = None  # (request line, phase) until the request is sent
    # Work for the time the server takes to answer the next handshake (run once, in order).
    while_waiting: list[Callable[[], None]] = field(default_factory=list)
    # The connection set-up's timing (TCP, TLS), its rows held until the request is written.
    connecting: ConnectTiming | None = None

    async def close(self) -> None:
        await self.session.close()

    def record_request(self, at: float | None = None, not_sent: bool = False) -> None:
        """Add the rows held back (connection, request) in their order, with their times."""
        if self.connecting is not None:
            timing, self.connecting = self.connecting, None
            timing.record()
        if self.pending is not None:
            line, phase = self.pending
            self.pending = None
            self.tl.add(
                "out",
                "http_request",
                f"{line} (not sent)" if not_sent else line,
                at=at,
                phase=phase,
            )


# The client whose request is in flight: the connector and response classes below are shared
# (building classes per session costs more than the exchange they time), so they find the
# timeline here. Set around each ws_connect, in the caller's task.
_CURRENT: ContextVar[WsClient | None] = ContextVar("wsmonitor_probe_ws_client", default=None)


class _Connector(TimedConnector):
    """Times TCP and TLS for the client whose request is in flight."""

    def holder(self) -> WsClient | None:
        return _CURRENT.get()


class _Request(aiohttp.ClientRequest):
    """Records the handshake request when it is written, i.e. after the connection is set up."""

    async def send(self, conn: Any) -> aiohttp.ClientResponse:
        client = _CURRENT.get()
        if client is None:
            return await super().send(conn)
        at = client.tl.now_ms()
        try:
            response = await super().send(conn)  # the request is written: the server is busy
        finally:
            client.record_request(at)  # the rows, now that they no longer delay the request
        while client.while_waiting:
            client.while_waiting.pop(0)()
        return response


class _Response(aiohttp.ClientResponse):
    """Reports the handshake answer, and keeps the body of a refused one (aiohttp drops it)."""

    async def start(self, connection: Any) -> aiohttp.ClientResponse:
        response = await super().start(connection)
        client = _CURRENT.get()
        if client is None:
            return response
        row = client.tl.add(
            "in",
            "http_response",
            f"{self.status} {self.reason}",
            status=self.status,
            headers=relevant_headers(self.headers),
            phase="ws_handshake",
        )
        client.tl.mark("http", row.t_ms)
        if self.status != 101:
            body = ""
            try:
                # asyncio.timeout, not wait_for: wait_for can lose a cancellation on 3.11.
                async with asyncio.timeout(2.0):
                    raw = await self._excerpt()
                body = raw.decode("utf-8", errors="replace")[:_MAX_BODY]
            except (aiohttp.ClientError, TimeoutError, ValueError):
                pass
            client.refused["last"] = (self.status, body, self.headers.get("content-type", ""))
        return response

    async def _excerpt(self) -> bytes:
        """The start of the body: enough to quote, never all of an endless one."""
        data = bytearray()
        while len(data) < _MAX_BODY * 4:
            chunk = await self.content.read(_MAX_BODY * 4 - len(data))
            if not chunk:
                break
            data += chunk
        return bytes(data)


def make_session(tl: Timeline) -> WsClient:
    """A session whose connection steps and handshake answers land in ``tl``.

    aiohttp trace hooks could do this, but they fire a dozen signals per request (~0.2 ms).
    """
    session = aiohttp.ClientSession(
        connector=_Connector(), request_class=_Request, response_class=_Response
    )
    return WsClient(session, tl)


class WebsocketTransport:
    """One websocket (a fresh Engine.IO session, or the upgrade of a polling one)."""

    name = "websocket"

    def __init__(self, opts: ProbeOptions, tl: Timeline, client: WsClient) -> None:
        self.opts, self.tl, self.client = opts, tl, client
        self.ws: aiohttp.ClientWebSocketResponse | None = None
        self.closing_by_client = False

    async def connect(self, url: str, phase: str) -> None:
        """Open the websocket; HttpRefused when the server answers without 101."""
        self.client.pending = (f"GET {url} (Upgrade: websocket)", phase)
        token = _CURRENT.set(self.client)
        try:
            self.ws = await self.client.session.ws_connect(
                url,
                headers=self.opts.request_headers(),
                ssl=self.opts.ssl_context(),
                autoping=True,
                max_msg_size=_MAX_MESSAGE,
                timeout=_WS_TIMEOUT,
            )
        except aiohttp.WSServerHandshakeError as exc:
            status, body, ctype = self.client.refused.pop("last", (exc.status, exc.message, ""))
            raise HttpRefused(status, body, ctype, phase) from None
        finally:
            _CURRENT.reset(token)
            self.client.record_request(not_sent=True)  # if it failed before the request went out
        self.tl.add("in", "ws_open", "websocket open (101 Switching Protocols)")

    async def send(self, packet: str, kind: str = "packet") -> None:
        # Send first, then describe: the frame is written at once, and the server's answer is
        # not delayed by our bookkeeping (the row's time is when the frame went out).
        try:
            await self.send_frame(packet)
        finally:
            self.record_sent(packet, kind)

    async def send_frame(self, packet: str) -> None:
        """Write ``packet`` without a timeline row; the caller adds it with record_sent."""
        assert self.ws is not None
        await self.ws.send_str(packet)

    def record_sent(self, packet: str, kind: str, at: float | None = None) -> None:
        """The timeline row of a frame sent (at ``at``, default now)."""
        detail = f"{eio.describe(packet)}: {packet}"
        self.tl.add("out", kind, detail, at=at, transport="websocket")

    async def recv(self) -> list[str] | Closed:
        """The next text frame (as a one-packet list), or Closed. Safe to cancel."""
        assert self.ws is not None
        try:
            msg = await self.ws.receive()
        except (aiohttp.ClientError, ConnectionError) as exc:
            return Closed(ABNORMAL, "", "server", error=str(exc))
        item = self._convert(msg)
        return item if isinstance(item, Closed) else [item]

    def _convert(self, msg: aiohttp.WSMessage) -> str | Closed:
        assert self.ws is not None
        if msg.type == aiohttp.WSMsgType.TEXT:
            return str(msg.data)
        if msg.type == aiohttp.WSMsgType.BINARY:
            return f"4<binary {len(msg.data)} bytes>"
        by = "client" if self.closing_by_client else "server"
        if msg.type == aiohttp.WSMsgType.CLOSE:
            code = int(msg.data or 0) or NO_STATUS
            return Closed(code, str(msg.extra or ""), by)
        if msg.type == aiohttp.WSMsgType.ERROR:
            # Bad frames from the server: aiohttp itself closes with 1002 (protocol error).
            code = self.ws.close_code or ABNORMAL
            what = f"{type(msg.data).__name__}: {msg.data}"
            if code == 1002:  # the server's fault, the client's close code
                what = f"the server sent an invalid frame ({msg.data}); the client closed with 1002"
            return Closed(code, "", by, error=what)
        # CLOSED / CLOSING: the TCP connection ended without a close frame from the server.
        code = self.ws.close_code
        return Closed(ABNORMAL if code in (None, 0) else code, "", by)

    async def close(self) -> None:
        """Close with 1000 and wait (up to _WS_TIMEOUT.ws_close) for the server's close frame."""
        self.closing_by_client = True
        if self.ws is not None and not self.ws.closed:
            try:  # noqa: SIM105 - cheaper than contextlib.suppress on every probe
                await self.ws.close()
            except (TimeoutError, aiohttp.ClientError, ConnectionError):
                pass
