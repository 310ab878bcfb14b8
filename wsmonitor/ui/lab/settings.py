"""What the handshake lab form holds: plain data, no Qt, so presets and tests can use it."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields, replace
from typing import Any

EIO_VERSIONS = (4, 3)
TRANSPORTS = ("upgrade", "websocket", "polling")
#: "" is the CLI default: the auth payload on EIO 4, the query string on EIO 3.
TOKEN_PLACES = ("", "auth", "query", "header", "cookie")
TLS_MODES = ("verify", "insecure", "ca")


@dataclass(frozen=True)
class LabSettings:
    """Every option of one probe as the user entered it (the token included, in memory only)."""

    url: str = "http://localhost:3000"
    eio: int = 4
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

    def without_token(self) -> LabSettings:
        return replace(self, token="")

    def to_json(self) -> dict[str, Any]:
        """A JSON-safe dict WITHOUT the token: tokens never reach a settings file."""
        data = asdict(self.without_token())
        del data["token"]
        data["headers"] = [list(pair) for pair in self.headers]
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
    if settings.eio not in EIO_VERSIONS:
        changes["eio"] = defaults.eio
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
