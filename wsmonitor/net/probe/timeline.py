"""The probe timeline: every step with a monotonic timestamp, secrets masked on the way in.

A GUI passes ``on_event`` and gets each :class:`TimelineEvent` as it happens (called on the
event loop thread, so it must be quick: append to a model, let a timer repaint).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from wsmonitor.core.secrets import mask_secret

log = logging.getLogger(__name__)

# Kinds a timeline row can have; the GUI colours rows by kind.
KINDS = (
    "dns",
    "tcp",
    "tls",
    "http_request",
    "http_response",
    "ws_open",
    "packet",
    "upgrade",
    "ping",
    "pong",
    "close",
    "error",
    "info",
)
_MAX_DETAIL = 400


@dataclass
class TimelineEvent:
    """One row: ``t_ms`` since the probe started, ``dir`` in / out / ``-`` (local step)."""

    t_ms: float
    dir: str
    kind: str
    detail: str
    data: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "t_ms": round(self.t_ms, 2),
            "dir": self.dir,
            "kind": self.kind,
            "detail": self.detail,
        }
        if self.data:
            out["data"] = self.data
        return out


EventCallback = Callable[[TimelineEvent], None]


class Timeline:
    """Collects events; masks every secret it was given; forwards to a callback."""

    def __init__(self, secrets: list[str] | None = None, on_event: EventCallback | None = None):
        self._t0 = time.perf_counter()
        # Longest first, so a secret that contains another is masked whole.
        self._secrets = sorted((s for s in (secrets or []) if s), key=len, reverse=True)
        self._on_event = on_event
        self.events: list[TimelineEvent] = []
        self.marks: dict[str, float] = {}

    def now_ms(self) -> float:
        return (time.perf_counter() - self._t0) * 1000.0

    def mask(self, text: str) -> str:
        for secret in self._secrets:
            if secret in text:
                text = text.replace(secret, mask_secret(secret))
        return text

    def add(
        self, dir: str, kind: str, detail: str, *, at: float | None = None, **data: Any
    ) -> TimelineEvent:
        """Record a row; ``at`` is when it happened (``now_ms()`` taken earlier), default now."""
        t_ms = self.now_ms() if at is None else at  # when it happened, before any work of ours
        if self._secrets:
            detail = self.mask(detail)
            data = {k: self._mask_value(v) for k, v in data.items()}
        if len(detail) > _MAX_DETAIL:
            detail = detail[:_MAX_DETAIL] + f"… ({len(detail)} chars)"
        event = TimelineEvent(t_ms, dir, kind, detail, data)
        self.events.append(event)
        if self._on_event is not None:
            try:
                self._on_event(event)
            except Exception:  # a broken listener must not break the probe
                log.exception("timeline listener failed")
        return event

    def _mask_value(self, value: Any) -> Any:
        if isinstance(value, str):
            return self.mask(value)
        if isinstance(value, dict):  # response headers (a Location may carry the token)
            return {k: self._mask_value(v) for k, v in value.items()}
        if isinstance(value, list):
            return [self._mask_value(v) for v in value]
        return value

    def mark(self, name: str, at: float | None = None) -> None:
        """Remember when a phase ended (``at``, default now), for the waterfall (first wins)."""
        self.marks.setdefault(name, self.now_ms() if at is None else at)

    def phase_marks(self, ok: bool) -> dict[str, float]:
        """The marks for a result: ``failed`` only when the verdict is not ok.

        A failure that only the evidence reveals (an open packet without upgrades, say) has no
        moment of its own: it is marked at the last row before the verdict row.
        """
        marks = dict(self.marks)
        if ok:
            marks.pop("failed", None)
        elif "failed" not in marks:
            rows = [e for e in self.events if not e.detail.startswith("verdict ")]
            marks["failed"] = rows[-1].t_ms if rows else marks.get("total", 0.0)
        return marks

    def to_list(self) -> list[dict[str, Any]]:
        return [e.to_dict() for e in self.events]
