"""Admin-event times of both dialects as epoch seconds (``float``).

Node sends JSON Dates (``2026-11-29T18:02:06.123Z``), python-socketio ``isoformat()`` strings
(``...+00:00``), both send epoch ms in ``aggregatedEvents`` and ``handshake.issued``, and Node's
``handshake.time`` is a JS ``Date.toString()``. A time outside 2000–2200 is malformed: one absurd
time would wreck a ring buffer.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

MIN_TS, MAX_TS = 946_684_800.0, 7_258_118_400.0  # 2000-01-01, 2200-01-01


class _TextCache:
    """The last text parsed, and the epoch second of recent ``YYYY-MM-DDTHH:MM:SS`` prefixes.

    A busy server stamps many events with the same millisecond, and all of a second's events
    share a prefix: ``datetime.fromisoformat`` then runs once per second, not once per event.
    """

    __slots__ = ("last_seconds", "last_text", "prefixes")

    def __init__(self) -> None:
        self.last_text = ""
        self.last_seconds: float | None = None
        self.prefixes: dict[str, int] = {}


_cache = _TextCache()


def parse_timestamp(value: Any) -> float | None:
    """Epoch s from epoch ms (number), ISO 8601 (``Z`` or ``+00:00``) or a JS ``Date`` string."""
    kind = type(value)
    if kind is str:
        cache = _cache
        if value == cache.last_text:
            return cache.last_seconds
        seconds = _parse_text(value, cache)
        if seconds is not None:
            cache.last_text, cache.last_seconds = value, seconds
        return seconds
    # exact types first (JSON's); bool is an int in Python, and never a time
    if kind is int or kind is float or (isinstance(value, int | float) and kind is not bool):
        seconds = value / 1000.0 if value > 1e11 else float(value)
        return seconds if MIN_TS <= seconds <= MAX_TS else None  # False for NaN too
    return None


def _parse_text(value: str, cache: _TextCache) -> float | None:
    # Node's exact shape, "2026-11-29T18:02:06.123Z": the second from its prefix, plus the ms
    if len(value) == 24 and value[19] == "." and value[23] == "Z" and value[20:23].isdecimal():
        prefix = value[:19]
        base = cache.prefixes.get(prefix)
        if base is None:
            seconds = _parse_iso(prefix + "+00:00")
            if seconds is None:
                return None
            if len(cache.prefixes) >= 64:
                cache.prefixes.clear()
            base = cache.prefixes[prefix] = int(seconds)
        # one rounding, as datetime.timestamp() does: the same float as the slow path
        return (base * 1000 + int(value[20:23])) / 1000.0
    if not value or len(value) > 100:
        return None
    return _parse_iso(value[:-1] + "+00:00" if value.endswith("Z") else value)


def _parse_iso(text: str) -> float | None:
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        try:  # JS Date.toString(): "Sun Nov 29 2026 18:02:06 GMT+0000 (Coordinated ...)"
            parsed = datetime.strptime(text[4:33], "%b %d %Y %H:%M:%S GMT%z")
        except ValueError:
            return None
    if parsed.tzinfo is None:
        return None  # a naive time has no defined instant
    seconds = parsed.timestamp()
    return seconds if MIN_TS <= seconds <= MAX_TS else None
