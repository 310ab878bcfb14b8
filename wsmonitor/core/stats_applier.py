"""Applies ``server_stats``: cluster state, Engine.IO counters and reasons, client gauges.

Each node of a cluster sends its stats every 2 s; ``aggregatedEvents`` carry per-second deltas
since that node's previous message. The seconds a message covers are zero unless it says
otherwise (no event, rather than no data); gauges hold their value between two messages. After
a gap nothing is filled across it, so the plots show a hole.
"""

from __future__ import annotations

from collections.abc import Iterable

from wsmonitor.core.admin_events import ServerStats
from wsmonitor.core.cluster_state import ClusterState
from wsmonitor.core.reasons import ReasonCounts
from wsmonitor.core.series import TimeSeries
from wsmonitor.core.series_set import ENGINE_COUNTERS, SeriesSet

AGGREGATED_TYPES = {  # aggregatedEvents type -> counter series
    "rawConnection": "connections",
    "rawDisconnection": "disconnections",
    "packetsIn": "packets_in",
    "packetsOut": "packets_out",
    "bytesIn": "bytes_in",
    "bytesOut": "bytes_out",
}


class StatsApplier:
    """Turns each ``ServerStats`` into cluster rows, Engine.IO totals and series."""

    def __init__(
        self,
        series: SeriesSet,
        cluster: ClusterState,
        engine_reasons: ReasonCounts,
        *,
        stale_after_s: float,
    ) -> None:
        self.series = series
        self.cluster = cluster
        self.reasons = engine_reasons
        self.stale_after_s = stale_after_s
        self.counts = dict.fromkeys(ENGINE_COUNTERS, 0)  # totals since start
        self.raw_disconnect_without_subtype = False  # python-socketio never names the reason
        self._covered: dict[str, int] = {}  # server id -> last second its stats covered
        self._gauge_last: dict[str, tuple[int, float]] = {}  # series name -> (second, value)

    def covered_until(self) -> int | None:
        """The newest second some server's stats covered (None before any, or after a gap)."""
        return max(self._covered.values(), default=None)

    def forget_coverage(self) -> None:
        """The admin channel is gone: fill nothing across the gap that starts now."""
        self._covered.clear()
        self._gauge_last.clear()

    def apply(
        self, ev: ServerStats, now: float, also_zero: Iterable[TimeSeries] = ()
    ) -> str | None:
        """Apply one message received at ``now``; returns the dialect it reveals, if any.

        ``also_zero``: more counter series the message's seconds cover (socket-level ones, when
        the server sends every event).
        """
        self.cluster.update(ev, now)
        series = self.series
        sec = int(now)
        last = self._covered.get(ev.server_id)
        start = sec if last is None else last + 1
        for name in ENGINE_COUNTERS:
            getattr(series, name).fill(start, sec, 0.0)
        for by_reason in self.reasons.series.values():
            by_reason.fill(start, sec, 0.0)
        for other in also_zero:
            other.fill(start, sec, 0.0)
        self._covered[ev.server_id] = sec
        dialect = None
        counts = self.counts
        for agg in ev.aggregated_events:
            name = AGGREGATED_TYPES.get(agg.type)
            if name is None:
                continue
            t = min(agg.timestamp, now)
            getattr(series, name).add(t, agg.count)
            if agg.type == "rawDisconnection":
                # admin-ui always names the Engine.IO close reason; python-socketio never does
                if agg.sub_type is None:
                    self.raw_disconnect_without_subtype = True
                    dialect = dialect or "python"
                else:
                    dialect = dialect or "node"
                    self.reasons.add(agg.sub_type, t, agg.count, self.covered_until())
            counts[name] += agg.count
        server_series = series.server_clients(ev.server_id)
        if server_series is not None:
            self.gauge(server_series, sec, ev.clients_count)
        totals = self.cluster.totals(now)
        self.gauge(series.clients, sec, totals.clients)
        self.gauge(series.polling_clients, sec, totals.polling_clients)
        self.gauge(series.websocket_clients, sec, totals.websocket_clients)
        return dialect

    def gauge(self, series: TimeSeries, sec: int, value: float) -> None:
        """Set a gauge, holding the previous value over the seconds since (stats come every 2 s)."""
        last = self._gauge_last.get(series.name)
        if last is not None and 0 < sec - last[0] <= self.stale_after_s:
            series.fill(last[0] + 1, sec - 1, last[1], only_missing=False)
        series.set(sec, value)
        self._gauge_last[series.name] = (sec, value)
