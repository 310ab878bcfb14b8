"""What each alert rule kind measures in a ``MetricsSnapshot``, and the message it gives.

Pure functions of one snapshot (plus the recent client counts for ``CLIENTS_DROP``); the
firing, clearing and cooldowns are the engine's job (``wsmonitor.core.alerts``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from wsmonitor.core.alert_rules import AlertRule, RuleKind
from wsmonitor.core.health import HealthSample, down_since


@dataclass(frozen=True)
class MetricsSnapshot:
    """What the alert engine looks at; field names follow ``AggregatorSnapshot``."""

    t: float
    reasons_last_min: Mapping[str, int] = field(default_factory=dict)
    disconnects_last_min: int = 0
    short_lived_last_min: int = 0
    short_lived_threshold_s: float = 5.0
    clients_total: int | None = None
    server_last_seen: Mapping[str, float] = field(default_factory=dict)
    health_ok: bool | None = None
    health_down_since: float | None = None
    health_error: str = ""
    admin_connected: bool = True

    @classmethod
    def from_aggregator(
        cls,
        snap: Any,
        *,
        health_samples: Sequence[HealthSample] | None = None,
        health_ok: bool | None = None,
        health_down_since: float | None = None,
        health_error: str = "",
    ) -> MetricsSnapshot:
        """Build from an ``AggregatorSnapshot`` (read by attribute name, so no import cycle).

        Health comes from ``health_samples`` (the poller's, oldest first) when given, else from
        the explicit ``health_*`` arguments.
        """
        if health_samples:
            latest = health_samples[-1]
            health_ok, health_error = latest.ok, latest.error or ""
            health_down_since = down_since(health_samples)
        cluster = getattr(snap, "cluster", None)
        servers = getattr(snap, "servers", ()) or ()
        return cls(
            t=float(snap.t),
            reasons_last_min=dict(getattr(snap, "reasons_last_min", {}) or {}),
            disconnects_last_min=int(getattr(snap, "disconnects_last_min", 0) or 0),
            short_lived_last_min=int(getattr(snap, "short_lived_last_min", 0) or 0),
            short_lived_threshold_s=float(getattr(snap, "short_lived_threshold_s", 5.0)),
            clients_total=getattr(cluster, "clients", None) if servers else None,
            server_last_seen={s.server_id: float(s.last_seen) for s in servers},
            health_ok=health_ok,
            health_down_since=health_down_since,
            health_error=health_error,
            admin_connected=bool(getattr(snap, "admin_connected", True)),
        )


def _duration(seconds: float) -> str:
    if seconds < 120:
        return f"{seconds:.0f} s"
    if seconds < 7200:
        return f"{seconds / 60:.0f} min"
    return f"{seconds / 3600:.1f} h"


@dataclass
class Check:
    """One rule's condition for one subject, as measured now."""

    key: str
    subject: str
    value: float
    active: bool  # the condition holds now
    message: str


def measure(
    rule: AlertRule, snap: MetricsSnapshot, clients: Sequence[tuple[float, int]]
) -> list[Check] | None:
    """The checks of ``rule`` now (one per subject); None when there is nothing to judge by.

    ``clients`` holds the recent ``(t, clients_total)`` pairs, oldest first, for CLIENTS_DROP.
    """
    key, n = rule.id, rule.threshold
    match RuleKind(rule.kind):
        case RuleKind.REASON_RATE:
            wanted = rule.reason.strip().lower()
            count = sum(
                c for r, c in snap.reasons_last_min.items() if not wanted or r.lower() == wanted
            )
            what = f"“{rule.reason}” disconnects" if rule.reason else "disconnects"
            msg = f"{count} {what} in the last minute (alert above {n:g} per minute)"
            return [Check(key, rule.reason, count, count > n, msg)]
        case RuleKind.SHORT_LIVED_RATIO:
            total, short = snap.disconnects_last_min, snap.short_lived_last_min
            ratio = 100.0 * short / total if total else 0.0
            msg = (
                f"{ratio:.0f}% of disconnects in the last minute ({short} of {total}) came "
                f"within {snap.short_lived_threshold_s:g} s of connecting (alert above {n:g}%)"
            )
            return [Check(key, "", ratio, total >= rule.min_count and ratio > n, msg)]
        case RuleKind.HEALTH_DOWN:
            if snap.health_ok is None:
                return []
            down = 0.0
            if not snap.health_ok and snap.health_down_since is not None:
                down = max(0.0, snap.t - snap.health_down_since)
            msg = f"Health endpoint down for {_duration(down)}"
            msg += f": {snap.health_error}" if snap.health_error else ""
            return [Check(key, "", down, down > n, msg)]
        case RuleKind.SERVER_STALE:
            if not snap.admin_connected:
                return None
            checks = []
            for server, seen in snap.server_last_seen.items():
                age = max(0.0, snap.t - seen)
                msg = f"Server {server} has sent no stats for {_duration(age)}"
                checks.append(Check(f"{key}:{server}", server, age, age > n, msg))
            return checks
        case RuleKind.CLIENTS_DROP:
            if not snap.admin_connected:
                return None
            if not clients:
                return []
            peak = max(c for _, c in clients)
            now = clients[-1][1]
            drop = 100.0 * (peak - now) / peak if peak else 0.0
            msg = f"Connected clients fell from {peak} to {now} ({drop:.0f}%) within a minute"
            return [Check(key, "", drop, peak >= rule.min_count and drop > n, msg)]
    return []
