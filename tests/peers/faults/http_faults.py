"""Plain HTTP faults: a web server that is not Socket.IO, a 500 server, a port that accepts TCP
and never answers, a closed port, and a reverse proxy that strips Upgrade and Connection."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import aiohttp
from aiohttp import web

_CLIENT = web.AppKey("client", aiohttp.ClientSession)
_HOP_HEADERS = {
    "upgrade",
    "connection",
    "host",
    "content-length",
    "transfer-encoding",
    "keep-alive",
    "sec-websocket-key",
    "sec-websocket-version",
    "sec-websocket-extensions",
}


@asynccontextmanager
async def serve_app(app: web.Application, ssl_context: object = None) -> AsyncIterator[int]:
    """Run an aiohttp app on a free loopback port; yields the port."""
    runner = web.AppRunner(app, access_log=None, shutdown_timeout=0.1)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0, ssl_context=ssl_context)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    try:
        yield port
    finally:
        await runner.cleanup()


def html_app() -> web.Application:
    """A web site, not Socket.IO: 200 text/html for every path, ignores Upgrade."""

    async def page(request: web.Request) -> web.Response:
        return web.Response(text="<html><body>Welcome</body></html>", content_type="text/html")

    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", page)
    return app


def error_app(status: int = 500) -> web.Application:
    async def fail(request: web.Request) -> web.Response:
        return web.Response(status=status, text="Internal Server Error")

    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", fail)
    return app


@asynccontextmanager
async def silent_server() -> AsyncIterator[int]:
    """Accepts TCP connections and never sends a byte."""
    writers: list[asyncio.StreamWriter] = []

    async def hold(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        writers.append(writer)

    server = await asyncio.start_server(hold, "127.0.0.1", 0)
    try:
        yield server.sockets[0].getsockname()[1]
    finally:
        for w in writers:
            w.close()
        server.close()
        await server.wait_closed()


def closed_port() -> int:
    """A port nothing listens on (bound, then released)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def stripping_proxy_app(upstream: str) -> web.Application:
    """A reverse proxy that forwards every request as plain HTTP, dropping Upgrade/Connection.

    That is what nginx does without ``proxy_set_header Upgrade``: the websocket request reaches
    the server as an ordinary GET.
    """

    async def on_startup(app: web.Application) -> None:
        app[_CLIENT] = aiohttp.ClientSession(auto_decompress=False)

    async def on_cleanup(app: web.Application) -> None:
        await app[_CLIENT].close()

    async def forward(request: web.Request) -> web.StreamResponse:
        headers = {k: v for k, v in request.headers.items() if k.lower() not in _HOP_HEADERS}
        body = await request.read()
        async with request.app[_CLIENT].request(
            request.method, upstream + request.path_qs, headers=headers, data=body or None
        ) as response:
            payload = await response.read()
            out = {k: v for k, v in response.headers.items() if k.lower() not in _HOP_HEADERS}
            return web.Response(status=response.status, body=payload, headers=out)

    app = web.Application()
    app.on_startup.append(on_startup)
    app.on_cleanup.append(on_cleanup)
    app.router.add_route("*", "/{tail:.*}", forward)
    return app
