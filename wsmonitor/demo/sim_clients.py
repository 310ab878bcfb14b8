"""Light Engine.IO v4 clients for the traffic simulator.

A real python-socketio client per simulated user would cost too much to keep 500 alive on two
cores, and it could not misbehave on purpose (vanish without a close, ignore pings). These speak
just enough of the protocol over aiohttp to produce every disconnect reason a real server sees.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import random
import socket
from dataclasses import dataclass
from enum import Enum
from typing import Any

import aiohttp

RECORD_SEPARATOR = "\x1e"


class Behaviour(Enum):
    """What one simulated client does; each ends in its own disconnect reason."""

    LEAVES_NORMALLY = "leaves normally"  # client namespace disconnect
    SHORT_LIVED = "short-lived"  # leaves within a second or two: the incident's symptom
    VANISHES = "vanishes"  # TCP gone without a close frame: transport close
    STOPS_PONGING = "stops answering pings"  # ping timeout
    GETS_KICKED = "gets kicked"  # server namespace disconnect
    EXPIRED_TOKEN = "expired token"  # refused at connect
    FORGED_TOKEN = "forged token"  # refused at connect


class Transport(Enum):
    WEBSOCKET = "websocket"
    POLLING = "polling"
    UPGRADE = "polling, then websocket"


@dataclass(frozen=True)
class ClientPlan:
    """Everything one simulated client will do, decided up front from the seeded RNG."""

    behaviour: Behaviour
    transport: Transport
    namespace: str
    lifetime_s: float
    messages: int
    room: str | None


class Refused(Exception):
    """The server refused the Socket.IO CONNECT (bad token)."""


def connect_packet(namespace: str, token: str) -> str:
    prefix = "40" if namespace == "/" else f"40{namespace},"
    return prefix + json.dumps({"token": token})


def event_packet(namespace: str, event: str, *args: Any) -> str:
    prefix = "42" if namespace == "/" else f"42{namespace},"
    return prefix + json.dumps([event, *args])


def disconnect_packet(namespace: str) -> str:
    return "41" if namespace == "/" else f"41{namespace},"


class SimulatedClient:
    """Runs one ``ClientPlan`` against the demo server; never raises out of ``run``."""

    def __init__(
        self,
        session: aiohttp.ClientSession,
        base_url: str,
        path: str,
        plan: ClientPlan,
        token: str,
        rng: random.Random,
    ) -> None:
        self._session = session
        self._base = base_url.rstrip("/")
        self._path = "/" + path.strip("/") + "/"
        self._plan = plan
        self._token = token
        self._rng = rng
        self._sid: str | None = None

    def _url(self, transport: str, scheme: str = "http") -> str:
        base = self._base if scheme == "http" else self._base.replace("http", "ws", 1)
        url = f"{base}{self._path}?EIO=4&transport={transport}"
        return f"{url}&sid={self._sid}" if self._sid else url

    async def run(self) -> str:
        """Play the plan; returns a short word on how it ended (for the simulator's tally)."""
        try:
            if self._plan.transport is Transport.WEBSOCKET:
                return await self._run_websocket()
            return await self._run_polling()
        except Refused:
            return "refused"
        except (aiohttp.ClientError, OSError, TimeoutError, ValueError):
            return "network error"

    # -- websocket ---------------------------------------------------------------------------
    async def _run_websocket(self, ws: aiohttp.ClientWebSocketResponse | None = None) -> str:
        if ws is None:
            ws = await self._session.ws_connect(self._url("websocket", "ws"), autoping=False)
            opened = await ws.receive_str(timeout=10)
            if not opened.startswith("0"):
                await ws.close()
                return "bad open packet"
            await ws.send_str(connect_packet(self._plan.namespace, self._token))
            reply = await ws.receive_str(timeout=10)
            if reply.startswith("44"):
                await ws.close()
                raise Refused(reply)
        try:
            return await self._live_on_websocket(ws)
        finally:
            if not ws.closed and self._plan.behaviour is not Behaviour.VANISHES:
                await ws.close()

    async def _live_on_websocket(self, ws: aiohttp.ClientWebSocketResponse) -> str:
        plan, loop = self._plan, asyncio.get_running_loop()
        if plan.room:
            await ws.send_str(event_packet(plan.namespace, "join", plan.room))
        if plan.behaviour is Behaviour.GETS_KICKED:
            await asyncio.sleep(min(plan.lifetime_s, 3))
            await ws.send_str(event_packet(plan.namespace, "misbehave"))
        deadline = loop.time() + plan.lifetime_s
        message_gap = plan.lifetime_s / (plan.messages + 1)
        next_message = loop.time() + message_gap
        answer_pings = plan.behaviour is not Behaviour.STOPS_PONGING
        while True:
            now = loop.time()
            if plan.behaviour in (Behaviour.LEAVES_NORMALLY, Behaviour.SHORT_LIVED) and (
                now >= deadline
            ):
                await ws.send_str(disconnect_packet(plan.namespace))
                return "left"
            if plan.behaviour is Behaviour.VANISHES and now >= deadline:
                _drop_connection(ws)
                return "vanished"
            wait = max(0.05, min(next_message, deadline) - now)
            try:
                message = await ws.receive(timeout=wait)
            except TimeoutError:
                if loop.time() >= next_message and plan.behaviour is not Behaviour.VANISHES:
                    await ws.send_str(event_packet(plan.namespace, "message", {"n": 1}))
                    next_message += message_gap
                continue
            if message.type is not aiohttp.WSMsgType.TEXT:
                return "closed by server"
            data: str = message.data
            if data == "2" and answer_pings:
                await ws.send_str("3")
            elif data.startswith("41") or data == "1":
                return "kicked"

    # -- polling (and upgrade) ---------------------------------------------------------------
    async def _poll(self) -> list[str]:
        async with self._session.get(self._url("polling"), timeout=_POLL_TIMEOUT) as response:
            if response.status != 200:
                raise aiohttp.ClientResponseError(response.request_info, (), status=response.status)
            return (await response.text()).split(RECORD_SEPARATOR)

    async def _post(self, *packets: str) -> None:
        body = RECORD_SEPARATOR.join(packets)
        async with self._session.post(self._url("polling"), data=body, timeout=_POLL_TIMEOUT):
            pass

    async def _run_polling(self) -> str:
        opened = (await self._poll())[0]
        if not opened.startswith("0"):
            return "bad open packet"
        self._sid = json.loads(opened[1:])["sid"]
        await self._post(connect_packet(self._plan.namespace, self._token))
        replies = await self._poll()
        if any(packet.startswith("44") for packet in replies):
            raise Refused(replies)
        if self._plan.transport is Transport.UPGRADE:
            return await self._upgrade()
        return await self._live_on_polling()

    async def _upgrade(self) -> str:
        # Like a real client, keep a poll in flight while probing: the server releases it with a
        # noop (6) once the upgrade completes, instead of seeing a stray poll afterwards.
        pending = asyncio.ensure_future(self._poll())
        try:
            ws = await self._session.ws_connect(self._url("websocket", "ws"), autoping=False)
            await ws.send_str("2probe")
            if await ws.receive_str(timeout=10) != "3probe":
                await ws.close()
                return "upgrade failed"
            await ws.send_str("5")
            await asyncio.wait_for(pending, timeout=10)
        except (TimeoutError, aiohttp.ClientError):
            pending.cancel()
            raise
        return await self._run_websocket(ws)

    async def _live_on_polling(self) -> str:
        plan, loop = self._plan, asyncio.get_running_loop()
        if plan.room:
            await self._post(event_packet(plan.namespace, "join", plan.room))
        if plan.behaviour is Behaviour.GETS_KICKED:
            await self._post(event_packet(plan.namespace, "misbehave"))
        deadline = loop.time() + plan.lifetime_s
        while loop.time() < deadline:
            remaining = deadline - loop.time()
            try:
                packets = await asyncio.wait_for(self._poll(), timeout=remaining)
            except TimeoutError:
                break
            if "1" in packets or any(p.startswith("41") for p in packets):
                return "kicked"
            if "2" in packets and plan.behaviour is not Behaviour.STOPS_PONGING:
                await self._post("3")
        if plan.behaviour is Behaviour.STOPS_PONGING:
            await asyncio.sleep(30)  # stay silent until the server gives up on us
            return "timed out"
        if plan.behaviour is Behaviour.VANISHES:
            return "vanished"  # just stop polling; the server notices on its own
        await self._post(disconnect_packet(plan.namespace), "1")
        return "left"


_POLL_TIMEOUT = aiohttp.ClientTimeout(total=40)


def _drop_connection(ws: aiohttp.ClientWebSocketResponse) -> None:
    """Cut the TCP connection without a close frame, like a phone losing its network."""
    sock: socket.socket | None = ws.get_extra_info("socket")
    if sock is not None:
        with contextlib.suppress(OSError):
            sock.shutdown(socket.SHUT_RDWR)
