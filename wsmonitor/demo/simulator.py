"""A seeded population of simulated clients that keeps a demo server realistically busy.

The population drifts around a target size through normal, burst and quiet phases. Each new
client draws a behaviour (leaves, vanishes, stops answering pings, gets kicked, bad token, ...)
so that a monitor sees every disconnect reason within the first half minute.
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

import aiohttp

from wsmonitor.demo.server import CHAT_NAMESPACE
from wsmonitor.demo.sim_clients import Behaviour, ClientPlan, SimulatedClient, Transport
from wsmonitor.demo.tokens import TokenIssuer

log = logging.getLogger(__name__)

BEHAVIOUR_WEIGHTS: dict[Behaviour, float] = {
    Behaviour.LEAVES_NORMALLY: 40,
    Behaviour.SHORT_LIVED: 12,
    Behaviour.VANISHES: 10,
    Behaviour.STOPS_PONGING: 8,
    Behaviour.GETS_KICKED: 8,
    Behaviour.EXPIRED_TOKEN: 6,
    Behaviour.FORGED_TOKEN: 4,
}
TRANSPORT_WEIGHTS: dict[Transport, float] = {
    Transport.WEBSOCKET: 55,
    Transport.UPGRADE: 30,
    Transport.POLLING: 15,
}
ROOMS = ("lobby", "orders", "alerts", None)
_TICK_S = 0.25


@dataclass(frozen=True)
class Phase:
    name: str
    target_factor: float
    duration_s: float


class TrafficSimulator:
    """Keeps about ``target`` simulated clients connected to one demo server."""

    def __init__(
        self,
        base_url: str,
        socketio_path: str,
        issuer: TokenIssuer,
        target: int,
        seed: int | None = None,
        on_log: Callable[[str], None] | None = None,
    ) -> None:
        self._base_url = base_url
        self._path = socketio_path
        self._issuer = issuer
        self._target = max(0, target)
        self._rng = random.Random(seed)
        self._on_log = on_log or (lambda line: None)
        self._tasks: set[asyncio.Task[str]] = set()
        self._session: aiohttp.ClientSession | None = None
        self._runner: asyncio.Task[None] | None = None
        self.outcomes: Counter[str] = Counter()
        self.started: Counter[Behaviour] = Counter()
        self._serial = 0
        self._valid_token = issuer.mint("sim-user")
        self._expired_token = issuer.mint_expired("sim-user")
        self._forged_token = issuer.mint_forged("sim-user")

    @property
    def active(self) -> int:
        return len(self._tasks)

    def start(self) -> None:
        connector = aiohttp.TCPConnector(limit=0, force_close=True)
        self._session = aiohttp.ClientSession(connector=connector)
        self._runner = asyncio.create_task(self._run(), name="demo-simulator")

    async def stop(self) -> None:
        if self._runner is not None:
            self._runner.cancel()
        for task in list(self._tasks):
            task.cancel()
        pending = [t for t in (self._runner, *self._tasks) if t is not None]
        if pending:
            await asyncio.wait(pending, timeout=5)
        if self._session is not None:
            await self._session.close()

    # -- planning ----------------------------------------------------------------------------
    def _next_phase(self) -> Phase:
        roll = self._rng.random()
        if roll < 0.2:
            return Phase("burst", 1.7, self._rng.uniform(6, 12))
        if roll < 0.4:
            return Phase("quiet", 0.5, self._rng.uniform(8, 16))
        return Phase("steady", 1.0, self._rng.uniform(10, 25))

    def _plan(self) -> ClientPlan:
        behaviour = self._rng.choices(*zip(*BEHAVIOUR_WEIGHTS.items(), strict=True))[0]
        transport = self._rng.choices(*zip(*TRANSPORT_WEIGHTS.items(), strict=True))[0]
        if behaviour is Behaviour.SHORT_LIVED:
            lifetime = self._rng.uniform(0.3, 2.0)
        elif behaviour is Behaviour.VANISHES:
            lifetime = self._rng.uniform(2, 15)
        else:
            lifetime = self._rng.expovariate(1 / 25)
        return ClientPlan(
            behaviour=behaviour,
            transport=transport,
            namespace=CHAT_NAMESPACE if self._rng.random() < 0.25 else "/",
            lifetime_s=min(lifetime, 120),
            messages=self._rng.randint(0, 4),
            room=self._rng.choice(ROOMS),
        )

    def _token_for(self, behaviour: Behaviour) -> str:
        if behaviour is Behaviour.EXPIRED_TOKEN:
            return self._expired_token
        if behaviour is Behaviour.FORGED_TOKEN:
            return self._forged_token
        return self._valid_token

    # -- running -----------------------------------------------------------------------------
    async def _run(self) -> None:
        loop = asyncio.get_running_loop()
        # The first wave covers every behaviour at once, so a new monitor sees every reason
        # within one ping timeout instead of waiting for the dice.
        for behaviour in BEHAVIOUR_WEIGHTS:
            if self._target:
                self._spawn(behaviour_override=behaviour)
        phase, phase_end = self._next_phase(), loop.time()
        while True:
            if loop.time() >= phase_end:
                phase = self._next_phase()
                phase_end = loop.time() + phase.duration_s
                self._on_log(f"simulator: {phase.name} phase, {self.active} clients active")
            wanted = int(self._target * phase.target_factor)
            # Never open more than a slice per tick: real populations arrive, not teleport.
            for _ in range(min(max(0, wanted - self.active), max(2, self._target // 20))):
                self._spawn()
            await asyncio.sleep(_TICK_S)

    def _spawn(self, behaviour_override: Behaviour | None = None) -> None:
        assert self._session is not None
        plan = self._plan()
        if behaviour_override is not None:
            plan = ClientPlan(
                behaviour_override,
                Transport.WEBSOCKET,
                "/",
                plan.lifetime_s,
                plan.messages,
                plan.room,
            )
            if behaviour_override is Behaviour.STOPS_PONGING:
                plan = ClientPlan(behaviour_override, Transport.WEBSOCKET, "/", 60, 0, None)
        self._serial += 1
        client = SimulatedClient(
            self._session,
            self._base_url,
            self._path,
            plan,
            self._token_for(plan.behaviour),
            random.Random(self._rng.random()),
        )
        self.started[plan.behaviour] += 1
        task = asyncio.create_task(client.run(), name=f"sim-client-{self._serial}")
        self._tasks.add(task)
        task.add_done_callback(self._finished)

    def _finished(self, task: asyncio.Task[str]) -> None:
        self._tasks.discard(task)
        if task.cancelled():
            return
        if task.exception() is not None:
            log.debug("simulated client failed", exc_info=task.exception())
            self.outcomes["crashed"] += 1
            return
        self.outcomes[task.result()] += 1
