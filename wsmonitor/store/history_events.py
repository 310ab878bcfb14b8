"""The event log of the history: moments such as a disconnect, an alert, a health sample, a gap.

How events are stored (JSON text payloads) and read back (a damaged payload becomes ``{}``,
a damaged health sample is skipped), so ``HistoryStore`` only moves rows.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from wsmonitor.core.health import HealthSample

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class HistoryEvent:
    """Something that happened at a moment: a disconnect, an alert, a health sample, a gap."""

    t: float
    kind: str
    server_id: str
    data: dict[str, Any]


def encode_data(data: Mapping[str, Any] | None) -> str:
    """The stored form of an event payload (values JSON cannot hold become strings)."""
    return json.dumps(dict(data or {}), default=str, separators=(",", ":"))


def events_query(
    start: float, end: float, kinds: Iterable[str] | None, server_id: str | None, limit: int
) -> tuple[str, tuple[Any, ...]]:
    """SQL and parameters for events with start <= t < end, oldest first."""
    sql = "SELECT t, kind, server_id, data FROM events WHERE t >= ? AND t < ?"
    params: list[Any] = [start, end]
    kind_list = list(kinds) if kinds is not None else None
    if kind_list is not None:
        sql += f" AND kind IN ({','.join('?' * len(kind_list))})" if kind_list else " AND 0"
        params += kind_list
    if server_id is not None:
        sql += " AND server_id = ?"
        params.append(server_id)
    sql += " ORDER BY t LIMIT ?"
    params.append(max(0, int(limit)))
    return sql, tuple(params)


def event_from_row(row: tuple[float, str, str, str]) -> HistoryEvent:
    """An event read back; a payload that is not a JSON object becomes ``{}``."""
    t, kind, server_id, data = row
    try:
        payload = json.loads(data)
    except ValueError:
        payload = {}
    return HistoryEvent(t, kind, server_id, payload if isinstance(payload, dict) else {})


def health_sample_from(event: HistoryEvent) -> HealthSample | None:
    """The health sample an event holds, or None when its payload is damaged."""
    try:
        return HealthSample.from_dict(event.data)
    except (TypeError, ValueError) as exc:
        log.warning("a damaged health sample in the history was skipped: %s", exc)
        return None
