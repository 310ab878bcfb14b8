"""One watched server (profile): admin client + aggregator + health poller + history, Qt-free.

The GUI creates one ``MonitorSession`` per profile, ``await start()``s it, and reads
``snapshot()`` and ``session.aggregator.series`` on a timer. Switching profiles is ``await
stop()`` on one session and ``start()`` on another. The headless recorder uses the same class.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from wsmonitor.core.aggregator import Aggregator, AggregatorConfig
from wsmonitor.core.aggregator_snapshot import AggregatorSnapshot
from wsmonitor.core.socket_store import SocketFeed
from wsmonitor.net.admin_client import AdminClient
from wsmonitor.net.admin_config import AdminConnectionConfig
from wsmonitor.net.admin_status import ConnectionStatus, ConnState
from wsmonitor.net.history_recorder import HISTORY_LAG_S, HistoryRecorder, HistorySink

if TYPE_CHECKING:
    from wsmonitor.core.health import HealthSample
    from wsmonitor.net.health import HealthPoller

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class SessionConfig:
    """Everything one watched profile needs."""

    admin: AdminConnectionConfig
    aggregator: AggregatorConfig = field(default_factory=AggregatorConfig)
    health_url: str | None = None
    health_interval: float = 5.0
    profile_name: str | None = None
    history_interval: float = 2.0


@dataclass(frozen=True, slots=True)
class SessionSnapshot:
    """What the GUI timer reads (cheap to build; no series copies)."""

    t: float
    status: ConnectionStatus
    stats: AggregatorSnapshot
    health: HealthSample | None
    health_ok: bool | None
    health_down_since: float | None


class MonitorSession:
    """Owns the admin client, the aggregator and, optionally, a health poller and a history."""

    def __init__(
        self,
        config: SessionConfig,
        *,
        history: HistorySink | None = None,
        health: HealthPoller | None = None,
    ) -> None:
        self.config = config
        self.aggregator = Aggregator(config.aggregator)
        self.client = AdminClient(config.admin, on_event=self._on_event, on_status=self._on_status)
        self.history = history
        self.health = health if health is not None else self._make_health()
        self._listeners: list[Callable[[object], object]] = []
        self._health_listeners: list[Callable[[HealthSample], object]] = []
        self._tasks: list[asyncio.Task[None]] = []
        self._was_connected = False
        self._recorder = None if history is None else HistoryRecorder(self.aggregator, history)
        self._down_since: float | None = None
        if self._recorder is not None:
            self.aggregator.recount_listeners.append(self._recorder.on_recount)

    def _make_health(self) -> HealthPoller | None:
        if not self.config.health_url:
            return None
        from wsmonitor.net.health import HealthPoller

        admin = self.config.admin
        return HealthPoller(
            self.config.health_url,
            interval=self.config.health_interval,
            verify=admin.tls_verify,
            ca_file=admin.ca_file,
            on_sample=self._on_health,
        )

    # ------------------------------------------------------------------ lifecycle

    async def start(self) -> None:
        """Connect (in the background) and start polling; returns at once."""
        self.client.start()
        if self.health is not None:
            self.health.start()
        if self.history is not None and not self._tasks:
            loop = asyncio.get_running_loop()
            self._tasks.append(loop.create_task(self._history_loop(), name="session-history"))

    async def stop(self) -> None:
        """Disconnect, stop polling, write what is pending; idempotent."""
        tasks, self._tasks = self._tasks, []
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        await self.client.stop()
        if self.health is not None:
            await self.health.stop()
        if self.history is not None:
            self._record_history(time.time() + HISTORY_LAG_S)
            self.history.flush()

    # ------------------------------------------------------------------ reading

    def snapshot(self, now: float | None = None) -> SessionSnapshot:
        now = time.time() if now is None else now
        latest = self.health.latest if self.health is not None else None
        down_since = None
        if latest is not None and not latest.ok and self.health is not None:
            down_since = self._down_since
            if down_since is None:  # an injected poller whose samples we did not see
                from wsmonitor.core.health import down_since as find_down_since

                down_since = find_down_since(self.health.samples)
        return SessionSnapshot(
            t=now,
            status=self.client.status,
            stats=self.aggregator.snapshot(now),
            health=latest,
            health_ok=None if latest is None else latest.ok,
            health_down_since=down_since,
        )

    def open_socket_feed(self) -> SocketFeed:
        """Incremental changes of the socket list, for one table model (drain on a timer)."""
        return self.aggregator.sockets.open_feed()

    def add_listener(self, callback: Callable[[object], object]) -> None:
        """Call ``callback(typed_event)`` after each admin event is applied (recorder, logs)."""
        self._listeners.append(callback)

    def add_health_listener(self, callback: Callable[[HealthSample], object]) -> None:
        self._health_listeners.append(callback)

    def set_short_lived_s(self, seconds: float) -> None:
        """Change the short-lived threshold live, recounting what the disconnect log holds."""
        self.aggregator.set_short_lived_s(seconds)

    def can(self, feature: str) -> bool:
        """Whether the server's ``config`` allows an operation ("DISCONNECT", "EMIT", ...)."""
        return self.client.connected and self.client.supports(feature)

    async def disconnect_socket(self, nsp: str, socket_id: str, close: bool = False) -> None:
        """Ask the server to disconnect one socket (the GUI asks for confirmation first)."""
        await self.client.disconnect_sockets(nsp, socket_id, close)

    def alert_metrics(self, now: float | None = None) -> Any:
        """A ``wsmonitor.core.alerts.MetricsSnapshot`` for the alert engine."""
        from wsmonitor.core.alert_conditions import MetricsSnapshot

        samples = self.health.samples if self.health is not None else None
        return MetricsSnapshot.from_aggregator(
            self.aggregator.snapshot(now), health_samples=samples or None
        )

    # ------------------------------------------------------------------ callbacks

    def _on_event(self, name: str, args: tuple[Any, ...]) -> None:
        event = self.aggregator.feed_raw(name, args)
        if event is not None and self._listeners:
            for listener in self._listeners:
                listener(event)

    def _on_status(self, status: ConnectionStatus) -> None:
        now = status.since
        if status.state is ConnState.CONNECTED:
            self.aggregator.on_admin_connected(now)
            if self._was_connected and self.history is not None:
                gap = self.aggregator.gaps()[-1] if self.aggregator.gaps() else None
                if gap is not None and gap.end is not None:
                    data = {"end": gap.end, "reason": gap.reason}
                    self.history.record_event("gap", gap.start, data=data)
            self._was_connected = True
        elif self.aggregator.admin_connected:
            stopped = status.state is ConnState.STOPPED
            self.aggregator.on_admin_disconnected(status.message, now, gap=not stopped)

    def _on_health(self, sample: HealthSample) -> None:
        if sample.ok:
            self._down_since = None
        elif self._down_since is None:
            self._down_since = sample.t  # kept here: the GUI asks 30 times a second
        if self.history is not None:
            self.history.record_health(sample)
        for listener in self._health_listeners:
            listener(sample)

    # ------------------------------------------------------------------ history

    async def _history_loop(self) -> None:
        while True:
            await asyncio.sleep(self.config.history_interval)
            try:
                self._record_history(time.time())
                assert self.history is not None
                self.history.flush()
            except Exception:  # history is a nice-to-have: never kill the session for it
                log.exception("recording history failed")

    def _record_history(self, now: float) -> None:
        """Copy settled seconds and new disconnects into the history store (see recorder)."""
        if self._recorder is not None:
            self._recorder.record(now)
