"""Handshake probes: a purpose-built Engine.IO v3/v4 client, raw websocket probes, diagnose.

Public API (Qt-free; the GUI drives it through qasync, the CLI through asyncio.run)::

    result = await run_probe(ProbeOptions(url=...), on_event=callback)   # -> ProbeResult
    result = await run_raw_probe(ProbeOptions(url="ws://...", raw=True))  # -> ProbeResult
    report = await run_diagnose(DiagnoseOptions(url=...), on_progress=cb) # -> DiagnoseResult

Cancel a probe by cancelling its task; connections are closed before CancelledError propagates.
"""

from wsmonitor.net.probe.diagnose import (
    DiagnoseOptions,
    DiagnoseProgress,
    DiagnoseResult,
    DiagnoseRow,
    run_diagnose,
)
from wsmonitor.net.probe.engine import run_probe
from wsmonitor.net.probe.options import ProbeOptions, ProbeOptionsError
from wsmonitor.net.probe.raw_ws import run_raw_probe
from wsmonitor.net.probe.result import ProbeResult
from wsmonitor.net.probe.timeline import TimelineEvent

__all__ = [
    "DiagnoseOptions",
    "DiagnoseProgress",
    "DiagnoseResult",
    "DiagnoseRow",
    "ProbeOptions",
    "ProbeOptionsError",
    "ProbeResult",
    "TimelineEvent",
    "run_diagnose",
    "run_probe",
    "run_raw_probe",
]
