"""What the aggregator hands out: scalar totals, gaps, and the snapshot the GUI timer reads.

``build_snapshot`` and ``preferred_reason_source`` read an ``Aggregator``; they live here so the
aggregator itself only routes events.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from wsmonitor.core.cluster_state import ClusterTotals, ServerRow
from wsmonitor.core.reasons import REASON_SOURCE_LABELS, ReasonSource
from wsmonitor.core.short_lived_recount import ShortLivedRecount

if TYPE_CHECKING:  # the aggregator imports this module
    from wsmonitor.core.aggregator import Aggregator


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
    # the latest threshold change (None: never changed); ``recount_note`` puts it in words
    short_lived_recount: ShortLivedRecount | None = None


def preferred_reason_source(agg: Aggregator) -> ReasonSource:
    """Which reasons to show: Engine.IO subType where the server sends it, else socket level."""
    if agg.engine_reasons.seen or agg.dialect == "node":
        return ReasonSource.ENGINE
    if "ALL_EVENTS" in agg.features or agg.socket_reasons.seen:
        return ReasonSource.SOCKET
    if agg.features or agg.stats.raw_disconnect_without_subtype:
        return ReasonSource.NONE
    return ReasonSource.UNKNOWN


def build_snapshot(agg: Aggregator, now: float) -> AggregatorSnapshot:
    """Scalar state of ``agg`` at ``now``; cheap (sums over the last minute, no series copies)."""
    totals = agg.totals()
    source = agg.reason_source()
    reasons: Mapping[str, int] = {}
    if source is ReasonSource.ENGINE:
        reasons = totals.engine_reasons
    elif source is ReasonSource.SOCKET:
        reasons = totals.socket_reasons
    t0 = now - 59
    last_min = {
        reason: int(total)
        for reason, series in agg.reason_series(source).items()
        if (total := series.total(t0, now))
    }
    return AggregatorSnapshot(
        t=now,
        admin_connected=agg.admin_connected,
        dialect=agg.dialect,
        features=agg.features,
        totals=totals,
        cluster=agg.cluster.totals(now),
        servers=tuple(agg.cluster.rows(now)),
        reason_source=source,
        reason_source_label=REASON_SOURCE_LABELS[source],
        reasons=reasons,
        sockets=len(agg.sockets),
        socket_overflow=agg.sockets.overflow,
        short_lived_threshold_s=agg.config.short_lived_s,
        short_lived_last_min=int(agg.series.short_lived.total(t0, now)),
        disconnects_last_min=int(agg.series.socket_disconnects.total(t0, now)),
        reasons_last_min=last_min,
        parse_errors=agg.errors.total,
        last_parse_error=agg.errors.last_error,
        events_total=agg.events_total,
        gaps=agg.gaps(),
        short_lived_recount=agg.short_lived_recount,
    )
