"""The lab's one link to the probe engine: run it, and turn its result into what views show.

Only this module (and the diagnose page's twin) imports ``wsmonitor.net.probe``; the GUI never
decides a verdict or renders a report itself, it shows what the engine and core.probe_report give.
"""

from __future__ import annotations

from collections.abc import Callable

from wsmonitor.core import probe_report
from wsmonitor.core.verdict import Verdict
from wsmonitor.net.probe import ProbeOptions, ProbeResult, TimelineEvent
from wsmonitor.net.probe import run_probe as _run
from wsmonitor.ui.lab.timeline_model import TimelineRow
from wsmonitor.ui.lab.waterfall import Phase

#: Engine phase mark → waterfall label, in wire order.
PHASE_LABELS = {
    "dns": "DNS",
    "tcp": "TCP",
    "tls": "TLS",
    "http": "HTTP",
    "handshake": "handshake",
    "namespace": "CONNECT",
    "upgrade": "upgrade",
}
_EVENT_PHASES = {"tcp": "tcp", "tls": "tls", "http_response": "http"}
_FAILURE_KINDS = ("error", "close")
_FAILURE_PACKETS = ("CONNECT_ERROR", "DISCONNECT", "close")
#: Engine failure/HTTP phase → the waterfall label of the step that failed.
_FAILED_STEP = {
    "dns": "DNS",
    "connect": "handshake",
    "handshake": "handshake",
    "ws_handshake": "handshake",
    "namespace": "CONNECT",
    "connect_ns": "CONNECT",
    "upgrade": "upgrade",
    "hold": "hold",
    "poll": "poll",
}


def to_row(event: TimelineEvent) -> TimelineRow:
    return TimelineRow(event.t_ms, event.dir, event.kind, event.detail)


async def run_probe(options: ProbeOptions, on_row: Callable[[TimelineRow], None]) -> ProbeResult:
    """The engine's probe, each timeline event reaching ``on_row`` as it happens."""
    return await _run(options, on_event=lambda event: on_row(to_row(event)))


def describe(options: ProbeOptions) -> str:
    """One line for the banner while a probe runs (the URL with its token masked)."""
    request = options.to_dict()
    return (
        f"EIO {request['eio']} {request['transport']} to {request['url']}"
        f" (namespace {request['namespace']}, timeout {options.timeout:g} s)"
    )


def verdict_of(result: ProbeResult) -> Verdict:
    return result.verdict


def timeline_rows(result: ProbeResult) -> list[TimelineRow]:
    return [to_row(event) for event in result.timeline]


def total_ms(result: ProbeResult) -> float | None:
    return result.phases.get("total")


def phases(result: ProbeResult) -> list[Phase]:
    """Waterfall bars from the engine's phase marks (each ends at its mark, starts at the last).

    When the probe failed, one red bar runs from the last completed phase to the first sign of
    the failure in the timeline, named after the step that failed.
    """
    ends = {name: t for name, t in result.phases.items() if name in PHASE_LABELS}
    # The engine marks dns/handshake/namespace/upgrade; TCP, TLS and the HTTP answer of the
    # first connection are timeline events, so their first occurrence ends those phases.
    first_handshake = ends.get("handshake", float("inf"))
    for event in result.timeline:
        name = _EVENT_PHASES.get(event.kind)
        if name and name not in ends and event.t_ms <= first_handshake:
            ends[name] = event.t_ms
    marks = sorted(((t, name) for name, t in ends.items()), key=lambda item: item[0])
    bars: list[Phase] = []
    start = 0.0
    for t, name in marks:
        bars.append(Phase(PHASE_LABELS[name], start, t))
        start = t
    if not result.ok:
        end = next((e.t_ms for e in result.timeline if e.t_ms >= start and _is_failure(e)), None)
        if end is not None:
            bars.append(Phase(_failed_step(result), start, end, failed=True))
    return bars


def _is_failure(event: TimelineEvent) -> bool:
    if event.kind in _FAILURE_KINDS:
        return True
    return event.kind == "packet" and event.detail.startswith(_FAILURE_PACKETS)


def _failed_step(result: ProbeResult) -> str:
    evidence = result.evidence
    phase = evidence.failure_phase or evidence.http_phase
    if phase:
        return _FAILED_STEP.get(phase, phase)
    if evidence.connect_error is not None:
        return "CONNECT"
    return "hold" if evidence.connect_acked else "failed"


def render_report(result: ProbeResult, fmt: str) -> str:
    """Markdown or JSON from core.probe_report (secrets masked there), as the CLI prints it."""
    data = result.to_dict()
    if fmt == "json":
        return probe_report.render_json(data)
    return probe_report.render_markdown(data)
