"""A fake Engine.IO websocket server whose heartbeat stops: it never pings (EIO=4) and never
answers pings (EIO=3), with pingInterval and pingTimeout of 200 ms so the loss shows quickly.

On ``/drop/`` it accepts the Socket.IO CONNECT and then cuts the TCP connection without a
close frame (what a crashing server or an idle-killing proxy does).
"""

from __future__ import annotations

import asyncio
import json

from aiohttp import WSMsgType, web

OPEN = {
    "sid": "fakesid",
    "upgrades": [],
    "pingInterval": 200,
    "pingTimeout": 200,
    "maxPayload": 1000000,
}


async def _socketio(request: web.Request) -> web.WebSocketResponse:
    eio = request.query.get("EIO", "3")
    ws = web.WebSocketResponse(autoping=True)
    await ws.prepare(request)
    await ws.send_str("0" + json.dumps(OPEN))
    if eio == "3":
        await ws.send_str("40")  # Socket.IO v4 joins "/" by itself
    async for msg in ws:
        if msg.type != WSMsgType.TEXT:
            break
        if msg.data.startswith("40") and eio == "4":
            await ws.send_str('40{"sid":"fakesocket"}')
            if request.path == "/drop/":
                await asyncio.sleep(0.05)
                assert request.transport is not None
                request.transport.abort()
                return ws
        # pings ("2") are deliberately left unanswered
    return ws


def silent_heartbeat_app() -> web.Application:
    app = web.Application()
    app.router.add_get("/socket.io/", _socketio)
    app.router.add_get("/drop/", _socketio)
    return app
