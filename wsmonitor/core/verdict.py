"""Verdicts for handshake probes: evidence in, one verdict out.

Pure logic: the probe engine (``wsmonitor.net.probe``) fills an :class:`Evidence` from what it saw
on the wire, and :func:`decide` walks the rules in ``verdict_rules`` in priority order. The first
rule that recognises the evidence names the verdict; ``ok`` is what is left when none does.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

# The taxonomy of DESIGN.md, in the order a reader meets them (cheapest failure first).
VERDICT_CODES: tuple[str, ...] = (
    "ok",
    "unreachable",
    "timeout",
    "tls_error",
    "http_error",
    "not_socketio",
    "protocol_mismatch",
    "transport_unavailable",
    "upgrade_failed",
    "cors_rejected",
    "forbidden",
    "auth_rejected",
    "token_expired",
    "namespace_invalid",
    "server_disconnect",
    "closed_no_status",
    "closed_abnormally",
    "ping_timeout",
)

# Failure kinds the engine reports before any HTTP answer exists.
FAILURES: tuple[str, ...] = ("dns", "refused", "connect", "tls", "timeout", "read", "protocol")


@dataclass
class Verdict:
    """One code from the taxonomy, a plain-language summary and concrete hints."""

    code: str
    summary: str
    hints: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.code == "ok"

    def to_dict(self) -> dict[str, Any]:
        return {"verdict": self.code, "ok": self.ok, "summary": self.summary, "hints": self.hints}


@dataclass
class Evidence:
    """What a probe observed, reduced to the facts the rules need (secrets already masked).

    ``packets`` holds the last Engine.IO packets as ``(dir, text)`` with dir ``in`` or ``out``;
    the rules read the ones just before a close to tell a kick from an engine-level close.
    """

    transport: str = "websocket"  # polling | websocket | upgrade | raw
    eio: int = 4
    namespace: str = "/"
    url: str = ""
    origin: str | None = None
    # A failure that happened before or instead of an HTTP answer.
    failure: str | None = None  # one of FAILURES
    failure_phase: str | None = None  # dns | connect | handshake | namespace | upgrade | hold
    failure_detail: str = ""
    # The first HTTP answer that refused us (polling handshake, websocket handshake or a poll).
    http_status: int | None = None
    http_phase: str | None = None  # handshake | ws_handshake | upgrade | connect | poll
    http_body: str = ""
    http_content_type: str = ""
    # CORS, as the polling handshake answered it.
    allow_origin: str | None = None
    cors_checked: bool = False
    # Engine.IO / Socket.IO progress.
    open_received: bool = False
    upgrades: list[str] = field(default_factory=list)
    ping_interval_ms: int | None = None
    ping_timeout_ms: int | None = None
    ws_opened: bool = False
    upgrade_attempted: bool = False
    upgrade_done: bool = False
    upgrade_detail: str = ""
    connect_acked: bool = False
    connect_error: Any = None  # the CONNECT_ERROR payload (dict for v5, str for v4)
    disconnect_received: bool = False  # a Socket.IO DISCONNECT (41) for our namespace
    engine_close_received: bool = False  # an Engine.IO close packet (1)
    ping_timeout: bool = False
    wrong_ping_sent: bool = False  # the client sent a ping "2" on EIO=4 (heartbeat direction)
    close_code: int | None = None
    close_reason: str = ""
    closed_by: str | None = None  # server | client | None
    packets: list[tuple[str, str]] = field(default_factory=list)
    # Token facts from the JWT inspector.
    token_given: bool = False
    token_is_jwt: bool = False
    token_expired: bool = False
    token_expired_ago: str = ""
    token_not_yet_valid: bool = False

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["packets"] = [list(p) for p in self.packets]
        return data


def decide(evidence: Evidence) -> Verdict:
    """The verdict for ``evidence``: the first matching rule, else ``ok``."""
    # Imported here, not at module level: verdict_rules, verdict_http, verdict_close and hints
    # all import Evidence and Verdict from this module, so a top-level import is a cycle that
    # breaks whenever one of them is imported first. After the first call it is a dict lookup.
    from wsmonitor.core.verdict_rules import RULES, ok_verdict

    for rule in RULES:
        verdict = rule(evidence)
        if verdict is not None:
            return verdict
    return ok_verdict(evidence)


_SEVERITY = {code: index for index, code in enumerate(VERDICT_CODES)}


def root_cause(verdicts: list[tuple[str, Verdict]]) -> Verdict:
    """The most likely root cause across several probes of one server (diagnose).

    A cause every probe shares (unreachable, TLS, HTTP, not Socket.IO, auth) wins outright; then
    a failure that only some combinations show says which combination to avoid and why.
    """
    failing = [(label, v) for label, v in verdicts if not v.ok]
    if not verdicts:
        return Verdict("ok", "Nothing was probed.")
    if not failing:
        return Verdict("ok", "Every combination connected: the server looks healthy.")
    codes = {v.code for _, v in failing}
    if len(failing) == len(verdicts) and len(codes) == 1:
        first = failing[0][1]
        return Verdict(
            first.code, f"Every combination failed the same way: {first.summary}", list(first.hints)
        )
    # Prefer the failure that appears most often; on a tie, one that hits current clients beats
    # one only EIO=3 (legacy) clients see, then taxonomy order.
    counts: dict[str, int] = {}
    for _, v in failing:
        counts[v.code] = counts.get(v.code, 0) + 1

    def legacy_only(code: str) -> bool:
        return all(label.startswith("EIO3 ") for label, v in failing if v.code == code)

    ranked = sorted(counts, key=lambda c: (-counts[c], legacy_only(c), _SEVERITY.get(c, 99)))
    best = ranked[0]
    all_labels = [label for label, _ in verdicts]
    labels = [label for label, v in failing if v.code == best]
    example = next(v for _, v in failing if v.code == best)
    working = [label for label, v in verdicts if v.ok]
    scope = _scope(labels, all_labels)
    summary = f"{scope[0].upper()}{scope[1:]}: {example.summary}"
    hints = list(example.hints)
    for code in ranked[1:]:
        others = [label for label, v in failing if v.code == code]
        hints.append(f"Also failing with {code}: {_scope(others, all_labels)}.")
    if working:
        hints.append(f"These combinations work: {', '.join(working)}.")
    return Verdict(best, summary, hints)


def _scope(labels: list[str], all_labels: list[str]) -> str:
    """'Every EIO=3 combination' when ``labels`` are a whole row or column of the diagnose
    matrix (labels ``EIO<v> <transport>``), else the labels themselves."""
    chosen = set(labels)
    for version in ("3", "4"):
        group = {label for label in all_labels if label.startswith(f"EIO{version} ")}
        if len(group) > 1 and chosen == group:
            return f"every EIO={version} combination"
    for transport in ("polling", "websocket", "upgrade"):
        group = {
            label
            for label in all_labels
            if label.startswith("EIO") and label.endswith(f" {transport}")
        }
        if len(group) > 1 and chosen == group:
            return f"{transport} with every EIO version"
    return ", ".join(labels)
