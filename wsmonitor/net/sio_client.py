"""The python-socketio client class of the admin channel, and its TLS session factory.

Two per-message costs of a stock client are avoided, through python-socketio's public seams
(no library code is copied): it starts one asyncio task per received message (the admin
channel's handler is a quick, synchronous parse + count, so it runs inline in the read loop), and
its default JSON module builds a new decoder for every packet (ours reuses one decoder, with the
same guard against huge integers).
"""

from __future__ import annotations

import functools
import json
import ssl
from collections.abc import Callable
from typing import Any

MAX_INT_DIGITS = 100  # engineio's own guard: a huge integer literal costs quadratic time


def _bounded_int(text: str) -> int:
    if len(text) > MAX_INT_DIGITS:
        raise ValueError("integer literal too long")
    return int(text)


class PacketJson:
    """The ``json`` of admin-channel packets: standard ``json`` with one reused decoder."""

    dumps = staticmethod(json.dumps)
    loads = staticmethod(json.JSONDecoder(parse_int=_bounded_int).decode)


def http_session_factory(ca_file: str) -> Callable[[], Any]:
    """aiohttp sessions trusting ``ca_file`` (engineio closes each one on disconnect)."""
    import aiohttp

    context = ssl.create_default_context(cafile=ca_file)

    def factory() -> aiohttp.ClientSession:
        return aiohttp.ClientSession(connector=aiohttp.TCPConnector(ssl=context))

    return factory


@functools.cache
def admin_client_class() -> type:
    """python-socketio's AsyncClient, with Engine.IO messages handled inline.

    Stock python-socketio starts one asyncio task per received message; our handler is a quick,
    synchronous parse + count, so running it inline in the read loop saves most of the
    per-event cost (and keeps events strictly in order). The pinned versions' extension hook
    ``_engineio_client_class`` is the seam; packets decode with ``PacketJson`` (the
    ``serializer`` parameter: a ``Packet`` subclass).
    """
    import engineio
    import socketio
    from socketio.packet import Packet

    class AdminPacket(Packet):  # type: ignore[misc]
        json = PacketJson  # a class attribute of this subclass only: other clients keep theirs

    class InlineEngineIOClient(engineio.AsyncClient):  # type: ignore[misc]
        async def _trigger_event(self, event: str, *args: Any, **kwargs: Any) -> Any:
            if event == "message":
                kwargs["run_async"] = False
            return await super()._trigger_event(event, *args, **kwargs)

    class AdminSocketIOClient(socketio.AsyncClient):  # type: ignore[misc]
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            kwargs.setdefault("serializer", AdminPacket)  # python-socketio's documented seam
            super().__init__(*args, **kwargs)

        def _engineio_client_class(self) -> type:
            return InlineEngineIOClient

    return AdminSocketIOClient
