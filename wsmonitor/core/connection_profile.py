"""A connection profile (how to reach one server or cluster) and the checks of its fields.

Messages are one plain sentence naming the field; they never echo credentials or tokens typed
into a URL, and a URL that would carry them into the profiles file is refused. Saving profiles
is ``wsmonitor.core.profiles.ProfileStore``'s job.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import asdict, dataclass, fields
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit, urlunsplit

from wsmonitor.errors import UserError

_MAX_NAME = 80
_WS_TO_HTTP = {"ws": "http", "wss": "https", "http": "http", "https": "https"}
# Query parameters that carry credentials: they would be saved in plain text in profiles.json.
_SECRET_PARAM = re.compile(
    r"token|secret|passw|pwd|api[_-]?key|^key$|^auth|signature|^sig$|jwt|credential", re.IGNORECASE
)


class ProfileError(UserError):
    """A profile field is invalid; the message names the field and what would be valid."""


def _shown(text: str) -> str:
    """The URL as it may appear in a message: no user info, no secret query values."""
    text = re.sub(r"//[^/@]*@", "//…@", text)
    return repr(re.sub(r"([?&][^=&#]*=)[^&#]*", _mask_param, text))


def _mask_param(match: re.Match[str]) -> str:
    head = match.group(1)
    return head + "…" if _SECRET_PARAM.search(head[1:-1]) else match.group(0)


def _check_url(url: Any, field: str, schemes: Mapping[str, str], example: str) -> str:
    text = url.strip() if isinstance(url, str) else ""
    shown = _shown(text)  # never echo credentials typed in a URL
    if not text:
        raise ProfileError(f"{field} is empty; enter something like {example}")
    if "://" not in text:
        raise ProfileError(f"{field} {shown} needs a scheme in front, e.g. {example}")
    parts = urlsplit(text)
    scheme = parts.scheme.lower()
    if scheme not in schemes:
        allowed = ", ".join(f"{s}://" for s in schemes)
        raise ProfileError(f"{field} {shown} must start with {allowed}")
    if "@" in parts.netloc:
        # A password in the URL would end up in the settings file; it belongs in the keyring.
        raise ProfileError(f"{field} must not contain a user name or password; use the fields")
    if not parts.hostname:
        raise ProfileError(f"{field} {shown} has no host name")
    if any(c.isspace() for c in text):
        raise ProfileError(f"{field} {shown} contains spaces")
    secret = [
        k for k, _ in parse_qsl(parts.query, keep_blank_values=True) if _SECRET_PARAM.search(k)
    ]
    if secret:
        raise ProfileError(
            f"{field} must not carry {secret[0]!r} in its query: it would be saved in plain text"
        )
    try:
        parts.port  # noqa: B018 - parsing the port is the check
    except ValueError:
        raise ProfileError(f"{field} {shown} has an invalid port (use 1-65535)") from None
    return urlunsplit((schemes[scheme], parts.netloc, parts.path, parts.query, ""))


def validate_server_url(url: str) -> str:
    """The server URL normalised (ws:// becomes http://), or ``ProfileError``."""
    return _check_url(url, "server URL", _WS_TO_HTTP, "http://localhost:3000")


def validate_health_url(url: str) -> str:
    """The health URL normalised, or ``ProfileError``."""
    schemes = {"http": "http", "https": "https"}
    return _check_url(url, "health URL", schemes, "http://localhost:3000/health")


def normalise_path(value: Any, field: str, default: str) -> str:
    """A namespace or URL path with its leading "/" (``default`` when empty), or ProfileError."""
    text = value.strip() if isinstance(value, str) else ""
    if not text:
        return default
    if any(c.isspace() for c in text) or "?" in text or "#" in text:
        raise ProfileError(f"{field} {text!r} must be a plain path like {default}")
    return text if text.startswith("/") else "/" + text


@dataclass
class Profile:
    """How to reach one server or cluster: admin channel, health endpoint, TLS options."""

    name: str
    server_url: str
    admin_namespace: str = "/admin"
    socketio_path: str = "/socket.io"
    username: str = ""
    health_url: str = ""
    health_interval_s: float = 5.0
    health_expect_json: bool = True  # False: a plain-text "OK" body counts as healthy
    tls_verify: bool = True
    ca_file: str = ""
    password_saved: bool = False

    def validate(self, *, check_files: bool = True) -> None:
        """Check and normalise every field in place; ``ProfileError`` names the first bad one.

        ``check_files=False`` skips the CA file's existence (a saved profile stays usable and
        editable when its certificate moved; connecting then says what is missing).
        """
        name = self.name.strip() if isinstance(self.name, str) else ""
        if not name:
            raise ProfileError("the profile needs a name")
        if len(name) > _MAX_NAME or any(not c.isprintable() for c in name):
            raise ProfileError(f"profile name must be at most {_MAX_NAME} printable characters")
        self.name = name
        self.server_url = validate_server_url(self.server_url)
        self.admin_namespace = normalise_path(self.admin_namespace, "admin namespace", "/admin")
        self.socketio_path = normalise_path(self.socketio_path, "Socket.IO path", "/socket.io")
        if not isinstance(self.username, str) or any(not c.isprintable() for c in self.username):
            raise ProfileError("username must be plain text on one line")
        self.username = self.username.strip()
        self.health_url = validate_health_url(self.health_url) if self.health_url else ""
        interval = self.health_interval_s
        if isinstance(interval, bool) or not isinstance(interval, int | float):
            raise ProfileError(f"health interval must be a number of seconds, got {interval!r}")
        if not math.isfinite(interval) or not 0.5 <= interval <= 3600:
            raise ProfileError(f"health interval must be from 0.5 to 3600 s, got {interval!r}")
        self.health_interval_s = float(interval)
        flags = (self.tls_verify, self.password_saved, self.health_expect_json)
        if not all(isinstance(flag, bool) for flag in flags):
            raise ProfileError(
                "TLS verification, JSON health and password saved must be true/false"
            )
        self.ca_file = self.ca_file.strip() if isinstance(self.ca_file, str) else ""
        if check_files and self.ca_file and not self.ca_file_exists():
            raise ProfileError(f"CA file {self.ca_file!r} does not exist")

    def ca_file_exists(self) -> bool:
        try:
            return Path(self.ca_file).expanduser().is_file()
        except (OSError, RuntimeError, ValueError):  # no home dir for "~user", bad characters
            return False

    def to_dict(self) -> dict[str, Any]:
        """JSON form; it has no password field, by design."""
        return asdict(self)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], *, check_files: bool = True) -> Profile:
        """Build and validate from JSON data; unknown keys (a stray password too) are ignored."""
        if not isinstance(data, Mapping):
            raise ProfileError(f"a profile must be an object, got {type(data).__name__}")
        known = {f.name for f in fields(cls)}
        if "name" not in data or "server_url" not in data:
            raise ProfileError("a profile needs at least a name and a server URL")
        profile = cls(**{k: v for k, v in data.items() if k in known})
        profile.validate(check_files=check_files)
        return profile
