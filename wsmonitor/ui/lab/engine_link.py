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
from wsmonitor.net.probe.masking import find_secrets, mask_all
from wsmonitor.ui.lab.compare_strip import RunEntry
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


def url_secrets(url: str) -> list[str]:
    """The secrets a URL carries (``?token=``, ``user:password@``...), as the engine finds them."""
    return find_secrets(url, None, {}) if url else []


def mask_url(url: str) -> str:
    """``url`` with its secrets masked, as the engine masks them in reports."""
    secrets = url_secrets(url)
    return mask_all(url, secrets) if secrets else url


def verdict_of(result: ProbeResult) -> Verdict:
    return result.verdict


def timeline_rows(result: ProbeResult) -> list[TimelineRow]:
    return [to_row(event) for event in result.timeline]


def total_ms(result: ProbeResult) -> float | None:
    return result.phases.get("total")


def phases(result: ProbeResult) -> list[Phase]:
    """Waterfall bars from the engine's phase marks (each ends at its mark, starts at the last).

    When the probe failed, one red bar runs from the last phase completed before the failure to
    the engine's ``failed`` mark, named after the step that failed.
    """
    failed_at = result.failed_at_ms
    marks = sorted(
        (t, name)
        for name, t in result.phases.items()
        if name in PHASE_LABELS and (failed_at is None or t <= failed_at)
    )
    # Should the engine not see where TCP ended (its aiohttp fallback), it marks tls only,
    # and that one bar covers both.
    combined = "tls" in result.phases and "tcp" not in result.phases
    bars: list[Phase] = []
    start = 0.0
    for t, name in marks:
        label = "TCP+TLS" if combined and name == "tls" else PHASE_LABELS[name]
        bars.append(Phase(label, start, t))
        start = t
    if failed_at is not None:
        bars.append(Phase(_failed_step(result), start, failed_at, failed=True))
    return bars


def _failed_step(result: ProbeResult) -> str:
    evidence = result.evidence
    phase = evidence.failure_phase or evidence.http_phase
    if phase:
        return _FAILED_STEP.get(phase, phase)
    if evidence.connect_error is not None:
        return "CONNECT"
    return "hold" if evidence.connect_acked else "failed"


def run_entry(label: str, result: ProbeResult) -> RunEntry:
    """The compare strip's entry for a finished run."""
    verdict = result.verdict
    return RunEntry(label, "done", verdict.code, verdict.summary, total_ms(result))


def render_report(result: ProbeResult, fmt: str) -> str:
    """Markdown or JSON from core.probe_report (secrets masked there), as the CLI prints it."""
    data = result.to_dict()
    if fmt == "json":
        return probe_report.render_json(data)
    return probe_report.render_markdown(data)


def render_compare_report(results: list[ProbeResult], fmt: str) -> str:
    """Both runs of a "3 and 4" Fire in one report (core.probe_report masks secrets)."""
    runs = [result.to_dict() for result in results]
    if fmt == "json":
        return probe_report.render_compare_json(runs)
    return probe_report.render_compare_markdown(runs)
