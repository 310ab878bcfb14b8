"""Why options cannot describe a probe: each problem as a ProbeOptionsError naming its field.

The CLI prints the first problem (its message may name flags); the GUI shows every problem's
``plain`` message under the form field it is about. One set of rules for both.
"""

from __future__ import annotations

import functools
import math
import re
import ssl
import urllib.parse
from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    from wsmonitor.net.probe.options import ProbeOptions

TRANSPORTS = ("polling", "websocket", "upgrade")
TOKEN_PLACES = ("auth", "query", "header", "cookie")

# RFC 9110 field names are tokens; values are visible ASCII, spaces and tabs (httpx sends ASCII
# only, and a CR or LF would inject headers). Used with fullmatch: "$" also matches before a
# trailing newline, which let "value\n" through.
HEADER_NAME = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")
HEADER_VALUE = re.compile(r"[\t\x20-\x7e]*")


class ProbeOptionsError(ValueError):
    """Options that cannot describe a probe (bad URL, unknown transport...). A usage error.

    ``str(exc)`` is for the CLI and may name its flags; ``field`` says which option is wrong
    (url, eio, transport, token, token_in, headers, origin, ca_file, timeout, hold) and
    ``plain`` says what is wrong without flag names, for a form that shows it under the field.
    """

    def __init__(self, message: str, field: str = "url", plain: str | None = None) -> None:
        super().__init__(message)
        self.field = field
        self.plain = plain or message


def option_problems(opts: ProbeOptions) -> list[ProbeOptionsError]:
    """Every reason ``opts`` cannot describe a probe (empty when valid)."""
    found: list[ProbeOptionsError] = []
    url = opts.url.strip()
    if not url:
        found.append(
            ProbeOptionsError(
                "no URL given: expected http(s)://host[:port]",
                "url",
                "enter the server URL, e.g. http://localhost:3000",
            )
        )
    else:
        try:
            parts = url_parts(url)
            schemes = ("ws", "wss") if opts.raw else ("http", "https", "ws", "wss")
            if parts.scheme not in schemes or not parts.hostname:
                want = "ws:// or wss://" if opts.raw else "http(s):// or ws(s)://"
                raise ValueError(f"expected {want}host[:port]")
        except ValueError as exc:  # a bad port, or not a URL at all
            found.append(ProbeOptionsError(f"invalid URL {opts.url!r}: {exc}", "url"))
    if opts.eio not in (3, 4):
        found.append(
            ProbeOptionsError(f"--eio must be 3 or 4, not {opts.eio}", "eio", "must be 3 or 4")
        )
    if opts.transport not in TRANSPORTS:
        found.append(ProbeOptionsError(f"unknown transport {opts.transport!r}", "transport"))
    if opts.token_in is not None and opts.token_in not in TOKEN_PLACES:
        places = ", ".join(TOKEN_PLACES)
        found.append(
            ProbeOptionsError(
                f"--token-in must be one of {places}", "token_in", f"must be one of {places}"
            )
        )
    found.extend(_number_problems(opts))
    if opts.headers:
        found.extend(header_problems(opts.headers))
    if opts.origin is not None:
        found.extend(
            ProbeOptionsError(str(p), "origin", p.plain)
            for p in header_problems({"Origin": opts.origin})
        )
    if opts.token and opts.token_place in ("header", "cookie"):
        bad_cookie = opts.token_place == "cookie" and ";" in opts.token
        if not HEADER_VALUE.fullmatch(opts.token) or bad_cookie:
            what = f"the token cannot go in a {opts.token_place}: it has characters a header "
            found.append(
                ProbeOptionsError(
                    what + "cannot carry; use --token-in auth or query",
                    "token_in",
                    what + "cannot carry; put it in the auth payload or the query string",
                )
            )
    if opts.ca_file is not None:
        try:
            ssl.create_default_context(cafile=opts.ca_file)
        except (OSError, ssl.SSLError) as exc:
            found.append(ProbeOptionsError(f"cannot use CA file {opts.ca_file}: {exc}", "ca_file"))
    return found


def _number_problems(opts: ProbeOptions) -> list[ProbeOptionsError]:
    found = []
    for name, value, least in (("timeout", opts.timeout, None), ("hold", opts.hold, 0.0)):
        if not math.isfinite(value):
            found.append(
                ProbeOptionsError(
                    f"--{name} must be a finite number of seconds",
                    name,
                    "must be a finite number of seconds",
                )
            )
        elif (value <= 0) if least is None else (value < least):
            rule = "> 0" if least is None else ">= 0"
            found.append(ProbeOptionsError(f"--{name} must be {rule}", name, f"must be {rule}"))
    if not math.isfinite(opts.settle) or opts.settle < 0:
        found.append(ProbeOptionsError("settle must be a finite number >= 0", "hold"))
    return found


def header_problems(headers: dict[str, str]) -> list[ProbeOptionsError]:
    """One ProbeOptionsError (field ``headers``) per header that cannot be sent as it is."""
    found = []
    for name, value in headers.items():
        if not name:
            found.append(
                ProbeOptionsError(
                    f"a header has no name (value {value!r})",
                    "headers",
                    "a header has a value but no name",
                )
            )
        elif not HEADER_NAME.fullmatch(name):
            found.append(
                ProbeOptionsError(
                    f"invalid header name {name!r}",
                    "headers",
                    f"“{name}” is not a valid header name",
                )
            )
        elif not HEADER_VALUE.fullmatch(value):
            found.append(
                ProbeOptionsError(
                    f"invalid value for header {name}: only printable ASCII is allowed",
                    "headers",
                    f"the value of {name} may hold printable ASCII only (no line breaks)",
                )
            )
    return found


def check_headers(headers: dict[str, str]) -> None:
    """ProbeOptionsError for a header that cannot be sent as it is (bad name, control chars)."""
    problems = header_problems(headers)
    if problems:
        raise problems[0]


class UrlParts(NamedTuple):
    """The pieces of a URL a probe uses."""

    scheme: str
    netloc: str
    hostname: str
    port: int | None
    path: str
    query: tuple[tuple[str, str], ...]
    tls: bool


@functools.lru_cache(maxsize=64)
def url_parts(url: str) -> UrlParts:
    """The pieces of ``url`` a probe uses, parsed once per URL; ValueError for a bad port.

    A probe asks for them a dozen times; urlsplit's own cache still leaves ``hostname`` and
    ``port`` to be worked out on every access.
    """
    p = urllib.parse.urlsplit(url)
    query = tuple(urllib.parse.parse_qsl(p.query))
    tls = p.scheme in ("https", "wss")
    return UrlParts(p.scheme, p.netloc, p.hostname or "", p.port, p.path, query, tls)
