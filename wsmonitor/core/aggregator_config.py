"""Thresholds and caps of one aggregator (the GUI and the recorder build one per session)."""

from __future__ import annotations

from dataclasses import dataclass

from wsmonitor.core.series import DAY_SECONDS


@dataclass(frozen=True, slots=True)
class AggregatorConfig:
    """Thresholds and caps of one aggregator; only ``short_lived_s`` can change while it runs."""

    short_lived_s: float = 5.0
    admin_namespace: str = "/admin"
    stale_after_s: float = 10.0
    series_capacity: int = DAY_SECONDS
    disconnect_log_size: int = 10_000
    short_lived_log_size: int = 2_000
    max_sockets: int = 250_000
    max_reasons: int = 32  # distinct reasons per source; the rest count as "(other)"
    max_server_series: int = 64
