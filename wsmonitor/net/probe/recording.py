"""The start every probe shares: secrets registered, timeline, token report and empty evidence."""

from __future__ import annotations

from typing import NamedTuple

from wsmonitor.core.jwt_inspect import JwtReport, inspect_token
from wsmonitor.core.secrets import register_secret
from wsmonitor.core.verdict import Evidence
from wsmonitor.net.probe.evidence import new_evidence
from wsmonitor.net.probe.options import ProbeOptions
from wsmonitor.net.probe.timeline import EventCallback, Timeline


class Recording(NamedTuple):
    """What a probe records into; unpacks as ``secrets, tl, jwt_report, ev``."""

    secrets: list[str]
    tl: Timeline
    jwt_report: JwtReport | None
    ev: Evidence


def start_recording(opts: ProbeOptions, on_event: EventCallback | None) -> Recording:
    """Register the options' secrets (so logs mask them) and set up the probe's records."""
    secrets = opts.secrets()
    for secret in secrets:
        register_secret(secret)
    tl = Timeline(secrets, on_event)
    token = opts.token or opts.url_token()  # a token pasted into the URL is inspected too
    jwt_report = inspect_token(token) if token else None
    return Recording(secrets, tl, jwt_report, new_evidence(opts, tl, jwt_report))
