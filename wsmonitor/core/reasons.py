"""Disconnect reasons: where they come from, their totals and one series per reason.

Node servers name the Engine.IO close reason in ``aggregatedEvents`` (``rawDisconnection``
``subType``); development-mode servers of both dialects send ``socket_disconnected`` with the
Socket.IO reason; python-socketio in production mode gives none. Both sources are kept, and the
source shown is always stated. More than ``max_reasons`` distinct reasons fold into ``(other)``.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum

from wsmonitor.core.series import TimeSeries

OTHER_REASON = "(other)"


class ReasonSource(StrEnum):
    """Where a disconnect reason count comes from."""

    ENGINE = "engine"  # aggregatedEvents rawDisconnection.subType (Node servers)
    SOCKET = "socket"  # socket_disconnected (development mode, both dialects)
    NONE = "none"  # the server gives no reasons (production mode, python-socketio)
    UNKNOWN = "unknown"  # nothing seen yet to decide


REASON_SOURCE_LABELS: Mapping[ReasonSource, str] = {
    ReasonSource.ENGINE: "Engine.IO close reasons (rawDisconnection.subType)",
    ReasonSource.SOCKET: "Socket.IO disconnect reasons (socket_disconnected)",
    ReasonSource.NONE: "no reasons available (production mode)",
    ReasonSource.UNKNOWN: "no disconnect reasons seen yet",
}


class ReasonCounts:
    """Totals and per-second series of one source's reasons, capped at ``max_reasons`` keys.

    ``totals`` maps a reason (or ``OTHER_REASON``) to its count since start; ``series`` (shared
    with ``SeriesSet.reasons``) to its disconnects per second.
    """

    def __init__(
        self,
        source: ReasonSource,
        series: dict[str, TimeSeries],
        *,
        max_reasons: int,
        capacity: int,
    ) -> None:
        self.source = source
        self.series = series
        self.totals: dict[str, int] = {}
        self._max = max_reasons
        self._capacity = capacity
        self.keys: dict[str, str] = {}  # raw reason -> key it counts under (folded or not)

    def key(self, reason: str, t: float, covered_until: int | None) -> str:
        """The key ``reason`` counts under, its series created on first use.

        A new series is zero from ``t`` to ``covered_until`` (the last second the server's stats
        covered): no disconnect with this reason there, rather than no data.
        """
        key = self.keys.get(reason)
        if key is not None:
            return key
        totals = self.totals
        key = reason
        if reason not in totals:
            if len(totals) >= self._max:
                key = OTHER_REASON
            totals.setdefault(key, 0)
        series = self.series.get(key)
        if series is None:
            name = f"reason:{self.source.value}:{key}"
            series = self.series[key] = TimeSeries(name, self._capacity)
            if covered_until is not None:
                series.fill(int(t), covered_until, 0.0)
        if len(self.keys) < 4 * self._max:  # hostile servers invent reasons: keep this bounded
            self.keys[reason] = key
        return key

    def add(self, reason: str, t: float, count: int, covered_until: int | None) -> None:
        """Count ``count`` disconnects with ``reason`` at ``t`` (totals and series at once)."""
        key = self.key(reason, t, covered_until)
        self.series[key].add(t, count)
        self.totals[key] += count

    def nonzero(self) -> dict[str, int]:
        return {k: v for k, v in self.totals.items() if v}

    @property
    def seen(self) -> bool:
        """Whether any reason of this source was seen (even with a zero count so far)."""
        return bool(self.totals)
