"""HTTP long-polling transport over httpx: handshake, POST packets, a background poll loop.

The poll loop is a task that feeds the engine's queue. Cancelling a pending GET would make Node
close the session ("poll connection closed prematurely"), so the loop is only paused between
polls (for an upgrade) or abandoned at the very end.
"""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any

import httpx

from wsmonitor.net.probe import eio
from wsmonitor.net.probe.conn import Closed, HttpRefused, NotEngineIO, relevant_headers
from wsmonitor.net.probe.options import ProbeOptions
from wsmonitor.net.probe.timeline import Timeline

_MAX_BODY = 2000


class PollingTransport:
    """One Engine.IO polling session."""

    name = "polling"

    def __init__(self, opts: ProbeOptions, tl: Timeline) -> None:
        self.opts, self.tl = opts, tl
        self.queue: asyncio.Queue[list[str] | Closed] = asyncio.Queue()
        self.sid: str | None = None
        self.client = httpx.AsyncClient(
            verify=opts.ssl_context(), timeout=opts.timeout, headers=opts.request_headers()
        )
        self._task: asyncio.Task[None] | None = None
        self._paused = False
        self.last_headers: dict[str, str] = {}

    async def _trace(self, name: str, info: dict[str, Any]) -> None:
        # httpx/httpcore report connection steps here; the timeline wants TCP and TLS.
        if name == "connection.connect_tcp.complete":
            self.tl.add("-", "tcp", f"TCP connected to {':'.join(map(str, self.opts.host_port()))}")
        elif name == "connection.start_tls.complete":
            stream = info.get("return_value")
            version = ""
            if stream is not None:
                ssl_obj = stream.get_extra_info("ssl_object")
                version = ssl_obj.version() if ssl_obj is not None else ""
            self.tl.add("-", "tls", f"TLS handshake done {version}".strip())

    async def _request(self, method: str, phase: str, content: str | None = None) -> str:
        url = self.opts.engine_url("polling", self.sid)
        self.tl.add("out", "http_request", f"{method} {url}", phase=phase)
        response = await self.client.request(
            method,
            url,
            content=content,
            extensions={"trace": self._trace},
            headers={"Content-Type": "text/plain;charset=UTF-8"} if content is not None else None,
        )
        body = response.text[:_MAX_BODY]
        self.last_headers = relevant_headers(response.headers)
        self.tl.add(
            "in",
            "http_response",
            f"{response.status_code} {response.reason_phrase}",
            status=response.status_code,
            headers=self.last_headers,
            phase=phase,
        )
        if response.status_code != 200:
            raise HttpRefused(
                response.status_code, body, response.headers.get("content-type", ""), phase
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
        if body.strip() != "ok":
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
        except (httpx.HTTPError, eio.FramingError) as exc:
            await self.queue.put(Closed(None, "", "server", error=f"{type(exc).__name__}: {exc}"))

    async def pause(self, timeout: float) -> bool:
        """Stop polling after the pending poll returns (the upgrade's noop). True when paused."""
        self._paused = True
        if self._task is None:
            return True
        try:
            await asyncio.wait_for(asyncio.shield(self._task), timeout)
        except TimeoutError:
            return False
        return True

    async def close(self, send_close: bool) -> None:
        self._paused = True
        if send_close and self.sid:
            with contextlib.suppress(httpx.HTTPError, HttpRefused, TimeoutError):
                async with asyncio.timeout(1.0):
                    await self.send([eio.CLOSE])
        if self._task is not None and not self._task.done():
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
        await self.client.aclose()


def _kind(packet: str) -> str:
    if packet.startswith(eio.PING):
        return "ping"
    if packet.startswith(eio.PONG):
        return "pong"
    return "packet"
