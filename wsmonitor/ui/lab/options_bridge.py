"""Turn the lab form's settings into the engine's ProbeOptions, with a message per bad field.

The engine (``ProbeOptions.validate``) decides what is valid; this module only says which form
field an engine message belongs to, and checks what only the form has (header rows, a CA mode
without a file).
"""

from __future__ import annotations

import re

from wsmonitor.net.probe.options import ProbeOptions, ProbeOptionsError
from wsmonitor.ui.lab.settings import LabSettings

# RFC 9110 token characters: what a header name may contain.
_HEADER_NAME = re.compile(r"^[!#$%&'*+.^_`|~0-9A-Za-z-]+$")

#: Engine message start → form field it is about.
_FIELD_OF_MESSAGE = (
    ("invalid url", "url"),
    ("--eio", "eio"),
    ("unknown transport", "transport"),
    ("--token-in", "token_in"),
    ("timeout", "timeout"),
    ("cannot use ca file", "tls"),
)


class FormErrors(Exception):
    """Field name → one-line message, for inline display under each field."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(errors.values()))
        self.errors = errors


def header_errors(headers: tuple[tuple[str, str], ...]) -> list[str]:
    problems = []
    for number, (name, value) in enumerate(headers, start=1):
        if not name:
            problems.append(f"row {number}: the header has a value but no name")
        elif not _HEADER_NAME.match(name):
            problems.append(f"row {number}: “{name}” is not a valid header name")
        elif any(c in value for c in "\r\n"):
            problems.append(f"row {number}: a header value cannot contain a line break")
    return problems


def to_probe_options(settings: LabSettings, *, raw: bool = False) -> ProbeOptions:
    """Validated engine options for ``settings``; raises FormErrors naming each bad field."""
    errors: dict[str, str] = {}
    problems = header_errors(settings.headers)
    if problems:
        errors["headers"] = "; ".join(problems)
    if settings.tls == "ca" and not settings.ca_file:
        errors["tls"] = "choose a CA file, or set TLS to “verify”"
    if settings.token and settings.token_in == "auth" and settings.eio == 3:
        errors["token_in"] = (
            "EIO 3 (Socket.IO v2) has no auth payload: put the token in the query string, "
            "a header or a cookie"
        )
    if not settings.url:
        errors["url"] = "enter the server URL, e.g. http://localhost:3000"
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
    try:
        options = options.validate()
    except ProbeOptionsError as exc:
        message = str(exc)
        lowered = message.lower()
        field = next((f for start, f in _FIELD_OF_MESSAGE if lowered.startswith(start)), "url")
        errors.setdefault(field, message)
    if errors:
        raise FormErrors(errors)
    return options
