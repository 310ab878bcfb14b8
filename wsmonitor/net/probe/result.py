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

    ``phases`` maps phase names (dns, connect, handshake, namespace, upgrade, total) to the
    ms at which each ended, for a waterfall.
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
    def close_code(self) -> int | None:
        return self.evidence.close_code

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
