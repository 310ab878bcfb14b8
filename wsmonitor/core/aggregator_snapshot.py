"""What the aggregator hands out: scalar totals, gaps, and the snapshot the GUI timer reads."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from wsmonitor.core.cluster_state import ClusterTotals, ServerRow
from wsmonitor.core.reasons import ReasonSource


@dataclass(frozen=True, slots=True)
class Gap:
    """A period without admin data (monitor disconnected); ``end`` None while it lasts."""

    start: float
    end: float | None
    reason: str


@dataclass(frozen=True, slots=True)
class Totals:
    """Sums since the aggregator started."""

    connections: int = 0
    disconnections: int = 0
    packets_in: int = 0
    packets_out: int = 0
    bytes_in: int = 0
    bytes_out: int = 0
    engine_reasons: Mapping[str, int] = field(default_factory=dict)
    socket_reasons: Mapping[str, int] = field(default_factory=dict)
    socket_connects: int = 0
    socket_disconnects: int = 0
    short_lived: int = 0
    events_received: int = 0
    events_sent: int = 0


@dataclass(frozen=True, slots=True)
class AggregatorSnapshot:
    """Everything scalar the dashboard shows, taken at ``t``. Series are read separately."""

    t: float
    admin_connected: bool
    dialect: str  # "node", "python" or "unknown"
    features: frozenset[str]
    totals: Totals
    cluster: ClusterTotals
    servers: tuple[ServerRow, ...]
    reason_source: ReasonSource
    reason_source_label: str
    reasons: Mapping[str, int]  # totals from ``reason_source`` ({} for NONE/UNKNOWN)
    sockets: int
    socket_overflow: int
    short_lived_threshold_s: float
    short_lived_last_min: int
    disconnects_last_min: int
    reasons_last_min: Mapping[str, int]
    parse_errors: int
    last_parse_error: str
    events_total: int
    gaps: tuple[Gap, ...]
