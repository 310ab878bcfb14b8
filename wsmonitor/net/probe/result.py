"""The outcome of one probe: verdict, evidence, timeline, phase timings; JSON via to_dict()."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from wsmonitor.core.jwt_inspect import JwtReport
from wsmonitor.core.verdict import Evidence, Verdict
from wsmonitor.net.probe.timeline import TimelineEvent


@dataclass
class ProbeResult:
    """What ``run_probe`` returns. ``request`` is the options with secrets masked.

    ``phases`` maps phase names to the ms at which each ended, for a waterfall: dns, tcp, tls
    (both transports time them apart; if aiohttp ever hides TCP's end, the websocket marks
    only tls, ending both), http (the first
    HTTP answer's headers), handshake (the open packet), namespace (the CONNECT answer),
    upgrade, total; and ``failed``, the first sign of failure, only when the verdict is not ok.
    """

    verdict: Verdict
    evidence: Evidence
    timeline: list[TimelineEvent]
    request: dict[str, Any]
    jwt: JwtReport | None = None
    phases: dict[str, float] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.verdict.ok

    @property
    def failed_at_ms(self) -> float | None:
        """When the probe failed (ms since it started), or None for an ok verdict."""
        return self.phases.get("failed")

    @property
    def close_code(self) -> int | None:
        return self.evidence.close_code

    def brief(self) -> str:
        """A few words on what happened, for a matrix cell or a table column.

        The telling fact (the server's refusal message, the HTTP status, the close code)
        rather than the verdict's full sentence.
        """
        from wsmonitor.core.verdict_http import connect_error_message, engine_error

        ev = self.evidence
        if self.ok:
            return "connected" + (" and upgraded" if ev.upgrade_done else "")
        if ev.connect_error is not None:
            message = connect_error_message(ev.connect_error)
            return f"CONNECT refused: {message}" if message else "CONNECT refused"
        if ev.disconnect_received:
            then = f", then close {ev.close_code}" if ev.close_code is not None else ""
            return f"server sent DISCONNECT (41){then}"
        if ev.ping_timeout:
            return "heartbeat lost"
        if ev.http_status is not None:
            _, message = engine_error(ev.http_body)
            return f"HTTP {ev.http_status}" + (f": {message}" if message else "")
        if ev.failure:
            return f"{ev.failure} error: {ev.failure_detail}" if ev.failure_detail else ev.failure
        if ev.close_code is not None:
            reason = f" {ev.close_reason!r}" if ev.close_reason else ""
            return f"closed {ev.close_code}{reason} by {ev.closed_by or 'server'}"
        return self.verdict.summary

    def to_dict(self) -> dict[str, Any]:
        """The ``--json`` object: verdict, ok, summary, hints, close_code, timeline, request..."""
        out = self.verdict.to_dict()
        out.update(
            {
                "close_code": self.evidence.close_code,
                "close_reason": self.evidence.close_reason,
                "timeline": [e.to_dict() for e in self.timeline],
                "request": self.request,
                "jwt": self.jwt.to_dict() if self.jwt else None,
                "phases": {k: round(v, 2) for k, v in self.phases.items()},
                "evidence": self.evidence.to_dict(),
            }
        )
        return out
