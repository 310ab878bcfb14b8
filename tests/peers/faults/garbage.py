"""Servers that answer with garbage: what a probe must survive without a traceback or a hang.

One aiohttp app, one path per fault (the path is the probe's ``--path``):

- ``/badopen/``    HTTP 200 with ``0{not json`` (an open packet that does not parse)
- ``/badsid/``     HTTP 200 with an open packet whose sid is a number and pingInterval a string
- ``/noconnect/``  a valid open packet on polling, then every POST answers ``OK`` (the
                   python-engineio spelling) and polls wait; the CONNECT is never answered
- ``/endless/``    HTTP 200 that streams bytes forever (must end at the timeout, bounded memory)
- ``/wsgarbage/``  websocket: 101, then a binary frame and a text frame that is not Engine.IO
- ``/wsbadopen/``  websocket: 101, then ``0{"sid": 1, "pingInterval": "x"}``

``bytes_server`` is a raw TCP server that answers every connection with non-HTTP bytes.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from aiohttp import web

OPEN = {"sid": "garbagesid", "upgrades": [], "pingInterval": 25000, "pingTimeout": 20000}


async def _badopen(request: web.Request) -> web.StreamResponse:
    return web.Response(text="0{not json", content_type="text/plain")


async def _badsid(request: web.Request) -> web.StreamResponse:
    text = "0" + json.dumps({"sid": 12, "upgrades": "websocket", "pingInterval": "soon"})
    return web.Response(text=text, content_type="text/plain")


async def _noconnect(request: web.Request) -> web.StreamResponse:
    if request.method == "POST":
        await request.read()
        return web.Response(text="OK", content_type="text/html")
    if "sid" not in request.query:
        return web.Response(text="0" + json.dumps(OPEN), content_type="text/plain")
    await asyncio.sleep(30)  # a long poll that brings nothing
    return web.Response(text="6", content_type="text/plain")


async def _endless(request: web.Request) -> web.StreamResponse:
    response = web.StreamResponse(headers={"Content-Type": "text/plain"})
    await response.prepare(request)
    chunk = b"x" * 65536
    try:
        while True:
            await response.write(chunk)
            await asyncio.sleep(0)
    except (ConnectionError, asyncio.CancelledError):
        pass
    return response


async def _wsgarbage(request: web.Request) -> web.StreamResponse:
    ws = web.WebSocketResponse()
    await ws.prepare(request)
    await ws.send_bytes(b"\x00\x01\x02")
    await ws.send_str("hello, I am not Engine.IO")
    await asyncio.sleep(1.0)
    await ws.close()
    return ws


async def _wsbadopen(request: web.Request) -> web.StreamResponse:
    ws = web.WebSocketResponse()
    await ws.prepare(request)
    await ws.send_str("0" + json.dumps({"sid": 1, "pingInterval": "x"}))
    await asyncio.sleep(1.0)
    await ws.close()
    return ws


def garbage_app() -> web.Application:
    app = web.Application()
    app.router.add_route("*", "/badopen/", _badopen)
    app.router.add_route("*", "/badsid/", _badsid)
    app.router.add_route("*", "/noconnect/", _noconnect)
    app.router.add_route("*", "/endless/", _endless)
    app.router.add_get("/wsgarbage/", _wsgarbage)
    app.router.add_get("/wsbadopen/", _wsbadopen)
    return app


@asynccontextmanager
async def bytes_server() -> AsyncIterator[int]:
    """Answers every TCP connection with bytes that are not HTTP, then closes it."""

    async def answer(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        writer.write(b"\x16\x03\x01garbage that is not HTTP\r\n\r\n")
        await writer.drain()
        writer.close()

    server = await asyncio.start_server(answer, "127.0.0.1", 0)
    try:
        yield server.sockets[0].getsockname()[1]
    finally:
        server.close()
        await server.wait_closed()
