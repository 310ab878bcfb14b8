"""python-socketio servers (aiohttp): a healthy one with a CORS list, a token check and a
namespace; the TLS variant gets its certificate from tests.peers.tls_certs."""

from __future__ import annotations

import socketio
from aiohttp import web

GOOD_ORIGIN = "https://good.example"
GOOD_TOKEN = "python-good-token-0123456789"


def sio_app(*, check_token: bool = False, **server_kwargs: object) -> web.Application:
    """python-socketio on aiohttp; ``check_token`` refuses CONNECTs without GOOD_TOKEN."""
    kwargs: dict[str, object] = {
        "async_mode": "aiohttp",
        "ping_interval": 0.3,
        "ping_timeout": 0.3,
        "cors_allowed_origins": [GOOD_ORIGIN],
    }
    kwargs.update(server_kwargs)
    sio = socketio.AsyncServer(**kwargs)

    @sio.event
    async def connect(sid: str, environ: dict, auth: dict | None) -> None:
        if check_token and (auth or {}).get("token") != GOOD_TOKEN:
            raise socketio.exceptions.ConnectionRefusedError("invalid token")

    @sio.on("connect", namespace="/chat")
    async def chat_connect(sid: str, environ: dict, auth: dict | None) -> None:
        return None

    app = web.Application()
    sio.attach(app)
    return app
