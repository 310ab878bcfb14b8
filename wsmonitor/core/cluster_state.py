"""Per-server state of a cluster, built from ``server_stats``: the servers table and totals.

Each node of a cluster emits its own ``server_stats`` with its own ``serverId``. A server is
healthy while its stats keep coming, and stale after ``stale_after`` seconds without them (the
admin UI uses 10 s). Totals count healthy servers only: a dead node's clients are gone.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from wsmonitor.core.admin_events import NamespaceStats, ServerStats

STALE_AFTER_S = 10.0
MAX_SERVERS = 256  # a hostile stream of made-up serverIds must not grow this without bound


@dataclass(frozen=True, slots=True)
class ServerRow:
    """One row of the servers table."""

    server_id: str
    hostname: str
    pid: int | None
    uptime: float
    clients: int
    polling_clients: int
    namespaces: tuple[NamespaceStats, ...]
    first_seen: float
    last_seen: float
    healthy: bool

    @property
    def websocket_clients(self) -> int:
        return self.clients - self.polling_clients


@dataclass(frozen=True, slots=True)
class ClusterTotals:
    """Sums over healthy servers."""

    clients: int = 0
    polling_clients: int = 0
    websocket_clients: int = 0
    servers: int = 0
    healthy_servers: int = 0


@dataclass(slots=True)
class _Server:
    stats: ServerStats
    first_seen: float
    last_seen: float
    samples: int = 0
    namespaces: dict[str, int] = field(default_factory=dict)


class ClusterState:
    """Latest ``server_stats`` per ``serverId``."""

    def __init__(self, stale_after: float = STALE_AFTER_S, max_servers: int = MAX_SERVERS) -> None:
        self.stale_after = stale_after
        self.max_servers = max_servers
        self._servers: dict[str, _Server] = {}

    def update(self, stats: ServerStats, now: float) -> float | None:
        """Record ``stats`` received at ``now``; returns that server's previous receive time."""
        server = self._servers.get(stats.server_id)
        if server is None:
            if len(self._servers) >= self.max_servers:
                self._evict(now)
            self._servers[stats.server_id] = _Server(stats, now, now, 1)
            return None
        previous = server.last_seen
        server.stats = stats
        server.last_seen = now
        server.samples += 1
        return previous

    def _evict(self, now: float) -> None:
        oldest = min(self._servers.values(), key=lambda s: s.last_seen)
        del self._servers[oldest.stats.server_id]

    def is_healthy(self, server_id: str, now: float) -> bool:
        server = self._servers.get(server_id)
        return server is not None and now - server.last_seen <= self.stale_after

    def rows(self, now: float) -> list[ServerRow]:
        """Servers table, sorted by server id."""
        out = []
        for server_id in sorted(self._servers):
            server = self._servers[server_id]
            s = server.stats
            out.append(
                ServerRow(
                    server_id=server_id,
                    hostname=s.hostname,
                    pid=s.pid,
                    uptime=s.uptime,
                    clients=s.clients_count,
                    polling_clients=s.polling_clients_count,
                    namespaces=s.namespaces,
                    first_seen=server.first_seen,
                    last_seen=server.last_seen,
                    healthy=now - server.last_seen <= self.stale_after,
                )
            )
        return out

    def totals(self, now: float) -> ClusterTotals:
        clients = polling = healthy = 0
        for server in self._servers.values():
            if now - server.last_seen <= self.stale_after:
                healthy += 1
                clients += server.stats.clients_count
                polling += server.stats.polling_clients_count
        return ClusterTotals(clients, polling, clients - polling, len(self._servers), healthy)

    def last_seen(self) -> dict[str, float]:
        return {sid: s.last_seen for sid, s in self._servers.items()}

    def server_ids(self) -> list[str]:
        return sorted(self._servers)

    def __len__(self) -> int:
        return len(self._servers)

    def clear(self) -> None:
        self._servers.clear()
