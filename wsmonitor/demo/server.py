"""The embedded demo server: python-socketio with instrument(), /health, JWT auth and /ws.

It behaves like the incident's production server: a JWT middleware on the default namespace,
an admin channel for monitors, a health endpoint, and the raw WebSocket route the incident
report proposed as a native alternative.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs

import socketio
from aiohttp import WSMsgType, web

from wsmonitor.demo.config import DemoConfig
from wsmonitor.demo.tokens import TokenIssuer, TokenRejected

log = logging.getLogger(__name__)

#: Namespaces the simulated clients use besides "/".
CHAT_NAMESPACE = "/chat"


@dataclass(frozen=True)
class DemoEndpoints:
    """What a client needs to reach a running demo server."""

    url: str
    health_url: str
    ws_url: str
    port: int


def token_from_request(environ: dict[str, Any], auth: Any) -> str | None:
    """The token from the auth payload, the ``token`` query parameter or a Bearer header."""
    if isinstance(auth, dict) and isinstance(auth.get("token"), str):
        return auth["token"]
    query = parse_qs(environ.get("QUERY_STRING", ""))
    if query.get("token"):
        return query["token"][0]
    header = environ.get("HTTP_AUTHORIZATION", "")
    if header.lower().startswith("bearer "):
        return header[7:].strip()
    return None


class DemoServer:
    """One demo server on one port. ``await start()``, then ``await stop()``."""

    def __init__(self, config: DemoConfig) -> None:
        self.config = config
        self.issuer = TokenIssuer(config.jwt_secret)
        self.started_at = time.time()
        self.sio = socketio.AsyncServer(
            async_mode="aiohttp",
            cors_allowed_origins="*",
            ping_interval=config.ping_interval,
            ping_timeout=config.ping_timeout,
            logger=False,
            engineio_logger=False,
        )
        self.sio.instrument(
            auth={"username": config.admin_username, "password": config.admin_password},
            mode=config.mode,
            namespace=config.admin_namespace,
            server_stats_interval=config.stats_interval,
        )
        self.app = web.Application()
        self.sio.attach(self.app, socketio_path=config.socketio_path)
        self.app.router.add_get("/health", self._health)
        self.app.router.add_get("/ws", self._raw_websocket)
        self._runner: web.AppRunner | None = None
        self._raw_clients = 0
        self.endpoints: DemoEndpoints | None = None
        self._register_handlers()

    # -- lifecycle ---------------------------------------------------------------------------
    async def start(self) -> DemoEndpoints:
        # A demo that is told to stop must stop now, not after its clients' 60 s grace period.
        self._runner = web.AppRunner(
            self.app, handle_signals=False, access_log=None, shutdown_timeout=1.0
        )
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.config.host, self.config.port)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        host = self.config.host if ":" not in self.config.host else f"[{self.config.host}]"
        base = f"http://{host}:{port}"
        self.endpoints = DemoEndpoints(
            url=base, health_url=f"{base}/health", ws_url=f"ws://{host}:{port}/ws", port=port
        )
        self.started_at = time.time()
        log.info("demo server listening on %s", base)
        return self.endpoints

    async def stop(self) -> None:
        if self._runner is None:
            return
        try:
            await asyncio.wait_for(self.sio.shutdown(), timeout=3)
        except (TimeoutError, Exception):  # shutting down: nothing left to tell anyone
            log.debug("socket.io shutdown did not finish cleanly", exc_info=True)
        await self._runner.cleanup()
        self._runner = None

    # -- socket.io handlers ------------------------------------------------------------------
    def _register_handlers(self) -> None:
        for namespace in ("/", CHAT_NAMESPACE):
            self.sio.on("connect", self._on_connect, namespace=namespace)
            self.sio.on("message", self._on_message, namespace=namespace)
            self.sio.on("join", self._room_joiner(namespace), namespace=namespace)
            self.sio.on("misbehave", self._kicker(namespace), namespace=namespace)

    async def _on_connect(self, sid: str, environ: dict[str, Any], auth: Any = None) -> None:
        try:
            self.issuer.verify(token_from_request(environ, auth))
        except TokenRejected as exc:
            # The same shape as a Node middleware's next(new Error(...)).
            raise socketio.exceptions.ConnectionRefusedError(
                f"Authentication error: {exc}", {"code": "auth_failed", "reason": str(exc)}
            ) from None

    async def _on_message(self, sid: str, data: Any = None) -> str:
        return "ok"  # acknowledgement

    def _room_joiner(self, namespace: str) -> Callable[..., Awaitable[None]]:
        async def join(sid: str, room: Any = None) -> None:
            if isinstance(room, str) and room:
                await self.sio.enter_room(sid, room, namespace=namespace)

        return join

    def _kicker(self, namespace: str) -> Callable[..., Awaitable[None]]:
        # The demo's moderation rule: a client that misbehaves is kicked by the server.
        async def kick(sid: str, data: Any = None) -> None:
            self.sio.start_background_task(self._kick_soon, sid, namespace)

        return kick

    async def _kick_soon(self, sid: str, namespace: str) -> None:
        await asyncio.sleep(0.05)
        await self.sio.disconnect(sid, namespace=namespace)

    # -- HTTP --------------------------------------------------------------------------------
    async def _health(self, request: web.Request) -> web.Response:
        engine_clients = len(self.sio.eio.sockets)
        return web.json_response(
            {
                "status": "ok",
                "uptime": round(time.time() - self.started_at, 1),
                "clients": engine_clients,
                "raw_websocket_clients": self._raw_clients,
            }
        )

    async def _raw_websocket(self, request: web.Request) -> web.StreamResponse:
        token = request.query.get("token")
        try:
            self.issuer.verify(token)
        except TokenRejected as exc:
            return web.json_response({"error": str(exc)}, status=401)
        ws = web.WebSocketResponse(heartbeat=self.config.ping_interval)
        await ws.prepare(request)
        self._raw_clients += 1
        try:
            await ws.send_json({"type": "welcome", "server_time": time.time()})
            async for message in ws:
                if message.type == WSMsgType.TEXT:
                    await ws.send_str(message.data)  # echo
        finally:
            self._raw_clients -= 1
        return ws
