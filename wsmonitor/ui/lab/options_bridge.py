"""Turn the lab form's settings into the engine's ProbeOptions, with a message per bad field.

The engine (``ProbeOptions.problems``) decides what is valid and says which option each problem
is about; this module only maps engine options onto form fields, and checks the one thing only
the form has (a "verify with CA file" mode without a file).
"""

from __future__ import annotations

from dataclasses import replace

from wsmonitor.net.probe.options import ProbeOptions
from wsmonitor.ui.lab.settings import LabSettings

#: Engine option → form field, where their names differ.
_FORM_FIELD = {"ca_file": "tls", "token": "token_in"}


class FormErrors(Exception):
    """Field name → one-line message, for inline display under each field."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(errors.values()))
        self.errors = errors


def to_probe_options(settings: LabSettings, *, raw: bool = False) -> ProbeOptions:
    """Validated engine options for ``settings``; raises FormErrors naming each bad field."""
    errors: dict[str, list[str]] = {}
    if settings.tls == "ca" and not settings.ca_file:
        errors["tls"] = ["choose a CA file, or set TLS to “verify”"]
    options = ProbeOptions(
        url=settings.url,
        eio=settings.eio,
        transport=settings.transport,
        namespace=settings.namespace or "/",
        path=settings.path or "/socket.io/",
        token=settings.token or None,
        token_in=(settings.token_in or None) if settings.token else None,
        headers=dict(settings.headers),
        origin=settings.origin or None,
        verify_tls=settings.tls != "insecure",
        ca_file=settings.ca_file if settings.tls == "ca" and settings.ca_file else None,
        timeout=settings.timeout,
        hold=settings.hold,
        raw=raw,
    )
    for problem in options.problems():
        errors.setdefault(_FORM_FIELD.get(problem.field, problem.field), []).append(problem.plain)
    if errors:
        raise FormErrors({field: "; ".join(messages) for field, messages in errors.items()})
    return options.validate()


def to_probe_runs(settings: LabSettings) -> list[ProbeOptions]:
    """Validated options for each EIO version one Fire runs (EIO 4 then 3 when comparing).

    Each version is built and checked on its own, so each keeps its own defaults (with EIO 3 a
    token meant for the auth payload goes in the query string: ``ProbeOptions.token_place``).
    Raises FormErrors with every problem of every version, each message once.
    """
    runs: list[ProbeOptions] = []
    errors: dict[str, list[str]] = {}
    for version in settings.versions():
        try:
            runs.append(to_probe_options(replace(settings, eio=version)))
        except FormErrors as exc:
            for field, message in exc.errors.items():
                if message not in errors.setdefault(field, []):
                    errors[field].append(message)
    if errors:
        raise FormErrors({field: "; ".join(messages) for field, messages in errors.items()})
    return runs
