"""Real HTTP(S) health endpoints on loopback for the health check and poller tests."""

from __future__ import annotations

import asyncio
import socket
import ssl
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from aiohttp import web

from tests.peers.tls_certs import self_signed, server_ssl_context


def _fixed(response: web.Response):
    """A handler answering with a copy of ``response``'s status, body and type."""

    async def handler(request: web.Request) -> web.Response:
        return web.Response(
            status=response.status, body=response.body, content_type=response.content_type
        )

    return handler


class Endpoint:
    """A real aiohttp server whose routes play healthy, broken and hanging endpoints."""

    def __init__(self) -> None:
        self.hits = 0
        self.healthy = True
        self.release = asyncio.Event()

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_get("/ok", self.ok)
        app.router.add_get("/flip", self.flip)
        app.router.add_get("/fail", _fixed(web.json_response({"error": "db"}, status=503)))
        app.router.add_get("/missing", _fixed(web.Response(status=404, text="no such page")))
        app.router.add_get("/text", _fixed(web.Response(text="<html>It works</html>")))
        app.router.add_get("/down", _fixed(web.json_response({"status": "down"})))
        app.router.add_get("/hang", self.hang)
        app.router.add_get("/trickle", self.trickle)
        app.router.add_get("/huge", self.huge)
        return app

    async def ok(self, request: web.Request) -> web.Response:
        self.hits += 1
        return web.json_response({"status": "ok", "uptime": 12.5, "version": "1.2.3"})

    async def flip(self, request: web.Request) -> web.Response:
        self.hits += 1
        if self.healthy:
            return web.json_response({"status": "ok"})
        return web.json_response({"status": "error"}, status=500)

    async def trickle(self, request: web.Request) -> web.StreamResponse:
        response = web.StreamResponse()
        await response.prepare(request)
        for _ in range(100):  # a byte every 0.1 s: no single read times out
            await response.write(b" ")
            await asyncio.sleep(0.1)
        return response

    async def huge(self, request: web.Request) -> web.Response:
        return web.Response(body=b'{"status": "ok", "pad": "' + b"x" * 5_000_000 + b'"}')

    async def hang(self, request: web.Request) -> web.Response:
        await self.release.wait()
        return web.json_response({"status": "late"})


async def serve(app: web.Application, ssl_context: ssl.SSLContext | None = None):
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0, ssl_context=ssl_context)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    return runner, port


@pytest.fixture
async def endpoint() -> AsyncIterator[tuple[Endpoint, str]]:
    ep = Endpoint()
    runner, port = await serve(ep.app())
    try:
        yield ep, f"http://127.0.0.1:{port}"
    finally:
        ep.release.set()
        await runner.cleanup()


@pytest.fixture
async def tls_endpoint(tmp_path: Path) -> AsyncIterator[tuple[str, Path]]:
    cert_path, key_path = self_signed(tmp_path)
    runner, port = await serve(Endpoint().app(), server_ssl_context(cert_path, key_path))
    try:
        yield f"https://127.0.0.1:{port}", cert_path
    finally:
        await runner.cleanup()


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]
