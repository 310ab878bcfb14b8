"""The live series of one aggregator, and the per-second writer of its hot counters.

Gauges (clients) are held between two ``server_stats``; counters are per second, zero-filled for
the seconds a server's stats covered and NaN otherwise, so a gap draws as a hole.
"""

from __future__ import annotations

from collections.abc import Mapping

from wsmonitor.core.reasons import ReasonSource
from wsmonitor.core.series import DAY_SECONDS, TimeSeries

ENGINE_COUNTERS = (  # from aggregatedEvents (Engine.IO level, every server)
    "connections",
    "disconnections",
    "packets_in",
    "packets_out",
    "bytes_in",
    "bytes_out",
)
SOCKET_COUNTERS = (  # from socket-level events (development mode)
    "socket_connects",
    "socket_disconnects",
    "short_lived",
    "events_received",
    "events_sent",
)


class SeriesSet:
    """Every live series of one aggregator (1 s slots, NaN = no data)."""

    GAUGES = ("clients", "websocket_clients", "polling_clients", "sockets")
    COUNTERS = ENGINE_COUNTERS + SOCKET_COUNTERS

    def __init__(self, capacity: int = DAY_SECONDS, max_server_series: int = 64) -> None:
        self.capacity = capacity
        self.max_server_series = max_server_series
        cap = capacity
        self.clients = TimeSeries("clients", cap)
        self.websocket_clients = TimeSeries("websocket_clients", cap)
        self.polling_clients = TimeSeries("polling_clients", cap)
        self.sockets = TimeSeries("sockets", cap)  # rows in the socket store
        self.connections = TimeSeries("connections", cap)  # aggregatedEvents rawConnection
        self.disconnections = TimeSeries("disconnections", cap)  # rawDisconnection
        self.packets_in = TimeSeries("packets_in", cap)
        self.packets_out = TimeSeries("packets_out", cap)
        self.bytes_in = TimeSeries("bytes_in", cap)
        self.bytes_out = TimeSeries("bytes_out", cap)
        self.socket_connects = TimeSeries("socket_connects", cap)  # new ids only
        self.socket_disconnects = TimeSeries("socket_disconnects", cap)  # admin nsp excluded
        self.short_lived = TimeSeries("short_lived", cap)
        self.events_received = TimeSeries("events_received", cap)
        self.events_sent = TimeSeries("events_sent", cap)
        self.per_server_clients: dict[str, TimeSeries] = {}
        self.reasons: dict[ReasonSource, dict[str, TimeSeries]] = {
            ReasonSource.ENGINE: {},
            ReasonSource.SOCKET: {},
        }

    def get(self, name: str) -> TimeSeries:
        """A fixed series by name (see ``GAUGES`` and ``COUNTERS``)."""
        if name not in self.GAUGES and name not in self.COUNTERS:
            raise KeyError(name)
        series: TimeSeries = getattr(self, name)
        return series

    def server_clients(self, server_id: str) -> TimeSeries | None:
        """Clients of one server, created on first use (None past ``max_server_series``)."""
        series = self.per_server_clients.get(server_id)
        if series is None and len(self.per_server_clients) < self.max_server_series:
            series = TimeSeries(f"clients:{server_id}", self.capacity)
            self.per_server_clients[server_id] = series
        return series

    def counters(self) -> list[TimeSeries]:
        return [getattr(self, n) for n in self.COUNTERS]

    def all(self) -> list[TimeSeries]:
        out = [getattr(self, n) for n in self.GAUGES + self.COUNTERS]
        out += self.per_server_clients.values()
        for by_reason in self.reasons.values():
            out += by_reason.values()
        return out

    @property
    def nbytes(self) -> int:
        return sum(s.nbytes for s in self.all())


class SecondWriter:
    """Writes running totals into per-second series, once per second instead of per event.

    Handlers of hot events only bump plain ints in a totals mapping; ``flush`` adds to each
    series what its total gained since the previous flush, in the second being counted. A
    numpy scalar write per event would cost more than parsing the event.
    """

    def __init__(self) -> None:
        self.second = 0  # the second whose counts are pending
        self._groups: list[tuple[Mapping[str, int], Mapping[str, TimeSeries], dict[str, int]]] = []

    def track(self, totals: Mapping[str, int], series: Mapping[str, TimeSeries]) -> None:
        """Write ``totals[name]`` (running counts) into ``series[name]``."""
        self._groups.append((totals, series, dict(totals)))

    def flush(self) -> None:
        """Write what is pending into ``second``."""
        second = self.second
        for totals, series, written in self._groups:
            for name, total in totals.items():
                gained = total - written.get(name, 0)
                if gained:
                    series[name].add(second, gained)
                    written[name] = total

    def absorb(self, totals: Mapping[str, int], name: str, amount: int) -> None:
        """``totals[name]`` moved by ``amount`` already written into its series: never write it.

        A recount corrects past seconds itself; the writer would put the correction in the
        current second and count it twice.
        """
        for tracked, _, written in self._groups:
            if tracked is totals:
                written[name] = written.get(name, 0) + amount

    def advance(self, second: int) -> None:
        """Counts from now on belong to ``second``: write the pending ones first."""
        self.flush()
        self.second = second
