"""What the handshake lab form holds: plain data, no Qt, so presets and tests can use it."""

from __future__ import annotations

import urllib.parse
from dataclasses import asdict, dataclass, field, fields, replace
from typing import Any

from wsmonitor.net.probe.masking import is_secret_name

EIO_VERSIONS = (4, 3)
#: The "3 and 4" choice: one Fire runs the same handshake with EIO 4, then with EIO 3.
EIO_BOTH = "3+4"
EIO_CHOICES: tuple[int | str, ...] = (*EIO_VERSIONS, EIO_BOTH)
TRANSPORTS = ("upgrade", "websocket", "polling")
#: "" is the CLI default: the auth payload on EIO 4, the query string on EIO 3.
TOKEN_PLACES = ("", "auth", "query", "header", "cookie")
TLS_MODES = ("verify", "insecure", "ca")


@dataclass(frozen=True)
class LabSettings:
    """Every option of one probe as the user entered it (the token included, in memory only)."""

    url: str = "http://localhost:3000"
    eio: int | str = 4  # 4, 3 or EIO_BOTH
    transport: str = "upgrade"
    namespace: str = "/"
    path: str = "/socket.io/"
    token: str = ""
    token_in: str = ""
    headers: tuple[tuple[str, str], ...] = field(default_factory=tuple)
    origin: str = ""
    tls: str = "verify"
    ca_file: str = ""
    timeout: float = 10.0
    hold: float = 0.0

    @property
    def compares(self) -> bool:
        """True when one Fire compares EIO versions (the "3 and 4" choice)."""
        return self.eio == EIO_BOTH

    def versions(self) -> tuple[int, ...]:
        """The EIO versions one Fire runs, in order: (4, 3) when comparing."""
        return EIO_VERSIONS if self.compares else (int(self.eio),)

    def without_token(self) -> LabSettings:
        """These settings with no secret: no token, and none in the URL or the headers either
        (a ``?token=`` pasted into the URL or an ``Authorization`` header is as secret)."""
        headers = tuple((k, "" if is_secret_name(k) else v) for k, v in self.headers)
        return replace(self, token="", url=_url_without_secrets(self.url), headers=headers)

    def to_json(self) -> dict[str, Any]:
        """A JSON-safe dict WITHOUT the token: tokens never reach a settings file."""
        clean = self.without_token()
        data = asdict(clean)
        del data["token"]
        # The cleaned headers: an Authorization value is as secret as the token.
        data["headers"] = [list(pair) for pair in clean.headers]
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> LabSettings:
        """Settings from a stored dict; unknown keys and bad values fall back to defaults."""
        known = {f.name for f in fields(cls)} - {"token"}
        values: dict[str, Any] = {k: v for k, v in data.items() if k in known}
        values["headers"] = tuple(
            (str(pair[0]), str(pair[1]))
            for pair in values.get("headers", ())
            if isinstance(pair, list | tuple) and len(pair) == 2
        )
        base = cls()
        try:
            merged = replace(base, **values)
        except TypeError:
            return base
        return _sanitised(merged)


def _sanitised(settings: LabSettings) -> LabSettings:
    """Clamp choice fields to the allowed values (a hand-edited file must not break the form)."""
    defaults = LabSettings()
    changes: dict[str, Any] = {}
    if settings.eio not in EIO_CHOICES or isinstance(settings.eio, bool):
        changes["eio"] = defaults.eio
    elif settings.eio != EIO_BOTH and not isinstance(settings.eio, int):
        changes["eio"] = int(settings.eio)  # 4.0 from a hand-edited file: the form wants 4
    if settings.transport not in TRANSPORTS:
        changes["transport"] = defaults.transport
    if settings.token_in not in TOKEN_PLACES:
        changes["token_in"] = defaults.token_in
    if settings.tls not in TLS_MODES:
        changes["tls"] = defaults.tls
    for name in ("timeout", "hold"):
        if not isinstance(getattr(settings, name), int | float):
            changes[name] = getattr(defaults, name)
    for name in ("url", "namespace", "path", "origin", "ca_file"):
        if not isinstance(getattr(settings, name), str):
            changes[name] = getattr(defaults, name)
    return replace(settings, **changes) if changes else settings


def _url_without_secrets(url: str) -> str:
    """``url`` without a password or secret query parameters (``token``, ``access_token``...)."""
    parts = urllib.parse.urlsplit(url)
    query = urllib.parse.parse_qsl(parts.query, keep_blank_values=True)
    kept = [(k, v) for k, v in query if not is_secret_name(k)]
    netloc = parts.netloc
    if parts.password is not None:
        netloc = netloc.rsplit("@", 1)[1]
        netloc = f"{parts.username}@{netloc}" if parts.username else netloc
    if len(kept) == len(query) and netloc == parts.netloc:
        return url
    return urllib.parse.urlunsplit(
        parts._replace(netloc=netloc, query=urllib.parse.urlencode(kept))
    )
