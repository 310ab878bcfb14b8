"""Turns admin events into what the dashboard and the recorder show: the orchestrator.

One ``Aggregator`` per watched server (or cluster). ``feed_raw(name, args)`` is the single entry
point from the network: parse (``admin_parse``), then hand the typed event to the part that owns
it: ``StatsApplier`` (``server_stats``: cluster state, Engine.IO counters and reasons, client
gauges) or ``SocketActivity`` (socket events: the ``SocketStore``, socket counts and reasons,
the ``DisconnectLog`` with its short-lived detector). ``SeriesSet`` holds every live series. The
GUI reads ``snapshot()`` (built in ``aggregator_snapshot``) and the series on a timer, never per
message. ``set_short_lived_s`` changes the short-lived threshold live and recounts what the
disconnect log still holds (``short_lived_recount``).
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from wsmonitor.core.admin_events import AllSockets, Config, ServerStats, Session
from wsmonitor.core.admin_parse import ParseErrors
from wsmonitor.core.aggregator_config import AggregatorConfig
from wsmonitor.core.aggregator_routes import TIMED_SOCKET_EVENTS, build_routes, no_gc, stamp_dialect
from wsmonitor.core.aggregator_snapshot import (
    AggregatorSnapshot,
    Gap,
    Totals,
    build_snapshot,
    preferred_reason_source,
)
from wsmonitor.core.cluster_state import ClusterState
from wsmonitor.core.disconnect_log import DisconnectLog, DisconnectRecord
from wsmonitor.core.reasons import ReasonCounts, ReasonSource
from wsmonitor.core.series import TimeSeries
from wsmonitor.core.series_set import SOCKET_COUNTERS, SecondWriter, SeriesSet
from wsmonitor.core.short_lived_recount import (
    ShortLivedRecount,
    check_threshold,
    recount_short_lived,
)
from wsmonitor.core.socket_activity import SocketActivity
from wsmonitor.core.socket_store import SocketStore
from wsmonitor.core.stats_applier import StatsApplier

# Callers import AggregatorConfig from here (its home is aggregator_config).
__all__ = ["Aggregator", "AggregatorConfig"]


class Aggregator:
    """Parsed admin events in, dashboard figures out. Not thread-safe: one asyncio loop."""

    def __init__(self, config: AggregatorConfig | None = None) -> None:
        self._config = cfg = config or AggregatorConfig()
        self.errors = ParseErrors()
        self.series = SeriesSet(cfg.series_capacity, cfg.max_server_series)
        self.sockets = SocketStore(cfg.max_sockets)
        self.cluster = ClusterState(cfg.stale_after_s)
        self.disconnects = DisconnectLog(
            cfg.disconnect_log_size, cfg.short_lived_log_size, cfg.short_lived_s
        )
        self.disconnect_log = self.disconnects.records
        self.short_lived_log = self.disconnects.short_lived
        by_source = self.series.reasons
        limits = {"max_reasons": cfg.max_reasons, "capacity": cfg.series_capacity}
        self.engine_reasons = ReasonCounts(
            ReasonSource.ENGINE, by_source[ReasonSource.ENGINE], **limits
        )
        self.socket_reasons = ReasonCounts(
            ReasonSource.SOCKET, by_source[ReasonSource.SOCKET], **limits
        )
        self.stats = StatsApplier(
            self.series, self.cluster, self.engine_reasons, stale_after_s=cfg.stale_after_s
        )
        self.features: frozenset[str] = frozenset()
        self.session_id: str | None = None
        self.admin_connected = False
        self.events_total = 0
        self.unknown_events = 0
        self.last_event_at: float | None = None
        self._gaps: deque[Gap] = deque(maxlen=1000)
        self.short_lived_recount: ShortLivedRecount | None = None  # the latest threshold change
        # called with each recount (the history recorder corrects the seconds it has stored)
        self.recount_listeners: list[Callable[[ShortLivedRecount], object]] = []
        self.activity = activity = SocketActivity(
            self.sockets,
            self.disconnects,
            self.socket_reasons,
            admin_namespace=cfg.admin_namespace,
            coverage=self.stats.covered_until,
        )
        self._writer = SecondWriter()
        self._writer.track(activity.counts, {n: getattr(self.series, n) for n in SOCKET_COUNTERS})
        self._writer.track(self.socket_reasons.totals, self.socket_reasons.series)
        self._by_type, self._by_name = build_routes(
            {
                "session": self._on_session,
                "config": self._on_config,
                "server_stats": self._on_server_stats,
                "all_sockets": self._on_all_sockets,
                "socket_connected": activity.on_connected,
                "socket_updated": activity.on_updated,
                "socket_disconnected": activity.on_disconnected,
                "room_joined": activity.on_room_joined,
                "room_left": activity.on_room_left,
                "event_received": activity.on_event_received,
                "event_sent": activity.on_event_sent,
            }
        )

    # ------------------------------------------------------------------ input

    def feed_raw(self, name: str, args: tuple[Any, ...], now: float | None = None) -> object:
        """Parse and apply one raw admin event; returns the typed event or None if dropped."""
        now = time.time() if now is None else now
        self.events_total += 1
        self.last_event_at = now
        entry = self._by_name.get(name)
        if entry is None:
            self.unknown_events += 1
            return None
        event = entry[0](args, self.errors)
        if event is None:
            return None
        if self.activity.dialect == "unknown" and name in TIMED_SOCKET_EVENTS:
            dialect = stamp_dialect(args[-1])
            if dialect is not None:
                self._set_dialect(dialect)
        second = int(now)
        if second != self._writer.second:
            self._writer.advance(second)
        entry[1](event, now)
        return event

    def apply(self, event: object, now: float | None = None) -> None:
        """Apply an already parsed event (tests, replays)."""
        handler = self._by_type.get(type(event))
        if handler is not None:
            now = time.time() if now is None else now
            if int(now) != self._writer.second:
                self._writer.advance(int(now))
            handler(event, now)

    def on_admin_connected(self, now: float | None = None) -> None:
        """The admin channel is (re)connected: close the open gap."""
        now = time.time() if now is None else now
        self.admin_connected = True
        self.activity.admin_since = now
        if self._gaps and self._gaps[-1].end is None:
            gap = self._gaps.pop()
            self._gaps.append(Gap(gap.start, now, gap.reason))

    def on_admin_disconnected(
        self, reason: str, now: float | None = None, *, gap: bool = True
    ) -> None:
        """The admin channel is gone: open a gap (``gap=False``: a deliberate stop, not a gap).

        Nothing is filled across it, so the plots show a hole."""
        now = time.time() if now is None else now
        self._writer.flush()
        if gap and (self.admin_connected or not self._gaps or self._gaps[-1].end is not None):
            self._gaps.append(Gap(now, None, reason))
        self.admin_connected = False
        self.stats.forget_coverage()

    def flush(self) -> None:
        """Write the current second's pending counts into the series (``snapshot()`` does it)."""
        self._writer.flush()

    # ------------------------------------------------------------------ handlers

    def _on_session(self, ev: Session, now: float) -> None:
        self.session_id = ev.session_id
        self._set_dialect("node")  # only admin-ui sends a session id

    def _on_config(self, ev: Config, now: float) -> None:
        self.features = ev.supported_features

    def _on_server_stats(self, ev: ServerStats, now: float) -> None:
        every_event = "ALL_EVENTS" in self.features
        also_zero: list[TimeSeries] = []
        if every_event:  # the message's seconds had no socket event unless we counted one
            self._writer.flush()
            also_zero = [getattr(self.series, n) for n in SOCKET_COUNTERS]
            also_zero += self.socket_reasons.series.values()
        dialect = self.stats.apply(ev, now, also_zero)
        if dialect is not None and self.dialect == "unknown":
            self._set_dialect(dialect)
        if every_event:
            self.stats.gauge(self.series.sockets, int(now), len(self.sockets))

    def _on_all_sockets(self, ev: AllSockets, now: float) -> None:
        if ev.dropped:
            self.errors.record("all_sockets", f"{ev.dropped} malformed socket(s)", ev.dropped)
        with no_gc():
            self.activity.on_all_sockets(ev, now)

    @property
    def dialect(self) -> str:
        """``"node"``, ``"python"`` or ``"unknown"`` (kept by ``activity``, which needs it)."""
        return self.activity.dialect

    def _set_dialect(self, dialect: str) -> None:
        self.activity.dialect = dialect

    # ------------------------------------------------------------------ short-lived threshold

    @property
    def config(self) -> AggregatorConfig:
        return self._config

    @config.setter
    def config(self, config: AggregatorConfig) -> None:
        """Only ``short_lived_s`` is live: a config with another one recounts (as the setter)."""
        if config.short_lived_s != self._config.short_lived_s:
            self.set_short_lived_s(config.short_lived_s)
        self._config = config

    def set_short_lived_s(self, seconds: float, now: float | None = None) -> None:
        """Use ``seconds`` as the short-lived threshold, recounting what the log still holds.

        The short-lived list, the total and the per-second series are recounted for the
        disconnects the log holds; ``short_lived_recount`` says from when (older counts keep
        their threshold), then ``recount_listeners`` are called with it. ``ValueError`` unless
        ``seconds`` is positive.
        """
        seconds = check_threshold(seconds)
        unchanged = seconds == self._config.short_lived_s == self.disconnects.short_lived_s
        self._config = replace(self._config, short_lived_s=seconds)
        if unchanged:
            return
        now = time.time() if now is None else now
        self._writer.flush()  # pending counts into the series first: the recount corrects them
        counts = self.activity.counts
        before = counts["short_lived"]
        self.short_lived_recount = recount_short_lived(
            self.disconnects,
            self.series.short_lived,
            counts,
            seconds,
            now,
            self.short_lived_recount,
        )
        self._writer.absorb(counts, "short_lived", counts["short_lived"] - before)
        for listener in self.recount_listeners:
            listener(self.short_lived_recount)

    # ------------------------------------------------------------------ output

    def reason_source(self) -> ReasonSource:
        """Which reasons to show: Engine.IO subType where the server sends it, else socket level."""
        return preferred_reason_source(self)

    def reason_series(self, source: ReasonSource | None = None) -> dict[str, TimeSeries]:
        """One series per reason (disconnects per second) from ``source`` (default: preferred)."""
        source = source or self.reason_source()
        return dict(self.series.reasons.get(source, {}))

    def totals(self) -> Totals:
        """Sums since the aggregator started."""
        self._writer.flush()
        engine, sockets = self.stats.counts, self.activity.counts
        return Totals(
            **engine,
            **sockets,
            engine_reasons=self.engine_reasons.nonzero(),
            socket_reasons=self.socket_reasons.nonzero(),
        )

    def gaps(self) -> tuple[Gap, ...]:
        return tuple(self._gaps)

    def snapshot(self, now: float | None = None) -> AggregatorSnapshot:
        """Scalar state for the GUI timer / the recorder; cheap (no series copies)."""
        return build_snapshot(self, time.time() if now is None else now)

    def filter_disconnects(
        self, text: str = "", *, nsp: str | None = None, reason: str | None = None
    ) -> list[DisconnectRecord]:
        """The disconnect log (oldest first) filtered by namespace, reason and free text."""
        return self.disconnects.filter(text, nsp=nsp, reason=reason)
