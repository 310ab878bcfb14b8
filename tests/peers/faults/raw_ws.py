"""A hand-written websocket server for close behaviours libraries hide.

Paths: ``/nostatus`` sends a close frame with an empty body (the client must report 1005),
``/drop`` cuts the TCP connection without a close frame (1006), ``/echo`` echoes text frames
and closes normally when the client does, ``/deny`` answers 401.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

_GUID = b"258EAFA5-E914-47DA-95CA-C5AB0DC85B11"


async def _handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, delay: float) -> None:
    try:
        head = await reader.readuntil(b"\r\n\r\n")
    except (asyncio.IncompleteReadError, asyncio.LimitOverrunError):
        writer.close()
        return
    lines = head.decode("latin-1").split("\r\n")
    path = lines[0].split(" ")[1].split("?")[0]
    headers = {
        k.strip().lower(): v.strip() for k, _, v in (x.partition(":") for x in lines[1:]) if k
    }
    if path == "/deny":
        writer.write(
            b"HTTP/1.1 401 Unauthorized\r\nContent-Length: 12\r\n"
            b"Connection: close\r\n\r\nbad token!!\n"
        )
        await writer.drain()
        writer.close()
        return
    key = headers.get("sec-websocket-key", "").encode()
    accept = base64.b64encode(hashlib.sha1(key + _GUID).digest()).decode()
    writer.write(
        (
            "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
            f"Connection: Upgrade\r\nSec-WebSocket-Accept: {accept}\r\n\r\n"
        ).encode()
    )
    await writer.drain()
    await asyncio.sleep(delay)
    if path == "/nostatus":
        writer.write(b"\x88\x00")  # FIN + close opcode, empty payload: no status code
        await writer.drain()
        await asyncio.sleep(0.5)
        writer.close()
    elif path == "/drop":
        writer.transport.abort()  # type: ignore[attr-defined]
    else:
        await _echo(reader, writer)


async def _echo(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    while True:
        try:
            b1, b2 = await reader.readexactly(2)
            length = b2 & 0x7F
            if length == 126:
                length = int.from_bytes(await reader.readexactly(2), "big")
            elif length == 127:
                length = int.from_bytes(await reader.readexactly(8), "big")
            mask = await reader.readexactly(4) if b2 & 0x80 else b"\0\0\0\0"
            data = bytes(b ^ mask[i % 4] for i, b in enumerate(await reader.readexactly(length)))
        except (asyncio.IncompleteReadError, ConnectionError):
            writer.close()
            return
        opcode = b1 & 0x0F
        if opcode == 8:
            writer.write(b"\x88\x02\x03\xe8")  # close 1000
            await writer.drain()
            writer.close()
            return
        if opcode == 1 and len(data) < 126:
            writer.write(bytes([0x81, len(data)]) + data)
            await writer.drain()


@asynccontextmanager
async def raw_ws_server(delay: float = 0.05) -> AsyncIterator[int]:
    """Serve on a free loopback port; ``delay`` is how long a faulty path stays open."""
    server = await asyncio.start_server(lambda r, w: _handle(r, w, delay), "127.0.0.1", 0)
    try:
        yield server.sockets[0].getsockname()[1]
    finally:
        server.close()
        await asyncio.wait_for(server.wait_closed(), 2)
