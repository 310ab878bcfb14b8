"""Connection profiles and app settings, saved as JSON under the platform config dir.

Passwords never enter the JSON file: they go to the OS keyring through
``wsmonitor.store.keyring_store``, and only when the user asks to remember them.
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import logging
import math
import os
import re
import tempfile
import time
from collections.abc import Mapping
from dataclasses import asdict, dataclass, fields
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import urlsplit, urlunsplit

from wsmonitor.core.paths import config_dir
from wsmonitor.core.secrets import register_secret
from wsmonitor.errors import UserError

log = logging.getLogger(__name__)
_T = TypeVar("_T")

PROFILES_FILE = "profiles.json"
PASSWORD_KIND = "admin-password"
_MAX_NAME = 80
_WS_TO_HTTP = {"ws": "http", "wss": "https", "http": "http", "https": "https"}


def _copy(obj: _T, **changes: Any) -> _T:
    return dataclasses.replace(obj, **changes)


class ProfileError(UserError):
    """A profile field is invalid; the message names the field and what would be valid."""


def atomic_write_json(path: Path, data: Any) -> None:
    """Write ``data`` as JSON so a crash leaves the old file or the new one, never half of one.

    A disk problem (read-only folder, disk full) raises ``UserError`` with a plain message.
    """
    tmp: str | None = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(data, handle, indent=2, ensure_ascii=False)
            handle.write("\n")
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except OSError as exc:
        if tmp is not None:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
        reason = exc.strerror or str(exc)
        raise UserError(f"could not save {path}: {reason}") from None
    except BaseException:
        if tmp is not None:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
        raise


def _check_url(url: Any, field: str, schemes: Mapping[str, str], example: str) -> str:
    text = url.strip() if isinstance(url, str) else ""
    shown = repr(re.sub(r"//[^/@]*@", "//…@", text))  # never echo credentials typed in a URL
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


def _leading_slash(value: Any, field: str, default: str) -> str:
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

    def validate(self) -> None:
        """Check and normalise every field in place; ``ProfileError`` names the first bad one."""
        name = self.name.strip() if isinstance(self.name, str) else ""
        if not name:
            raise ProfileError("the profile needs a name")
        if len(name) > _MAX_NAME or any(not c.isprintable() for c in name):
            raise ProfileError(f"profile name must be at most {_MAX_NAME} printable characters")
        self.name = name
        self.server_url = validate_server_url(self.server_url)
        self.admin_namespace = _leading_slash(self.admin_namespace, "admin namespace", "/admin")
        self.socketio_path = _leading_slash(self.socketio_path, "Socket.IO path", "/socket.io")
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
        if self.ca_file and not Path(self.ca_file).expanduser().is_file():
            raise ProfileError(f"CA file {self.ca_file!r} does not exist")

    def to_dict(self) -> dict[str, Any]:
        """JSON form; it has no password field, by design."""
        return asdict(self)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Profile:
        """Build and validate from JSON data; unknown keys (a stray password too) are ignored."""
        if not isinstance(data, Mapping):
            raise ProfileError(f"a profile must be an object, got {type(data).__name__}")
        known = {f.name for f in fields(cls)}
        if "name" not in data or "server_url" not in data:
            raise ProfileError("a profile needs at least a name and a server URL")
        profile = cls(**{k: v for k, v in data.items() if k in known})
        profile.validate()
        return profile


def profile_from_url(url: str, username: str = "") -> Profile:
    """A profile for ``wsmonitor connect URL``: named after the host and port."""
    normalised = validate_server_url(url)
    parts = urlsplit(normalised)
    name = parts.hostname or "server"
    if parts.port:
        name += f":{parts.port}"
    profile = Profile(name=name, server_url=normalised, username=username)
    profile.validate()
    return profile


@dataclass
class AppSettings:
    """App-wide preferences that are not tied to one profile."""

    short_lived_s: float = 5.0
    stale_after_s: float = 10.0
    history_retention_days: float = 7.0
    reconnect_last_profile: bool = True

    @classmethod
    def from_dict(cls, data: Any) -> tuple[AppSettings, list[str]]:
        """Settings from JSON; bad values fall back to defaults with a message each."""
        settings, problems = cls(), []
        if not isinstance(data, Mapping):
            return settings, ([] if data is None else ["settings are not an object; defaults used"])
        for f in fields(cls):
            if f.name not in data:
                continue
            value, default = data[f.name], getattr(settings, f.name)
            if isinstance(default, bool):
                ok = isinstance(value, bool)
            else:
                ok = isinstance(value, int | float) and not isinstance(value, bool)
                ok = ok and math.isfinite(value) and value > 0
            if ok:
                setattr(settings, f.name, value)
            else:
                problems.append(f"setting {f.name} = {value!r} is invalid; using {default!r}")
        return settings, problems


class ProfileStore:
    """The saved profiles, the last one used and the app settings, in one JSON file."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = path or config_dir() / PROFILES_FILE
        self.problems: list[str] = []
        self.settings = AppSettings()
        self._profiles: dict[str, Profile] = {}
        self._last_used: str | None = None
        self._load()

    def _load(self) -> None:
        if not self.path.exists():
            return
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
            if not isinstance(data, dict):
                raise ValueError("the top level is not an object")
        except (OSError, ValueError) as exc:
            kept = self.path.with_name(f"{self.path.name}.broken-{time.strftime('%Y%m%d-%H%M%S')}")
            try:
                self.path.replace(kept)
                where = f"it was kept as {kept.name}"
            except OSError:
                where = "it was left as it is"
            self._problem(f"the profiles file {self.path} could not be read ({exc}); {where}")
            return
        entries = data.get("profiles", [])
        for entry in entries if isinstance(entries, list) else []:
            try:
                profile = Profile.from_dict(entry)
            except (ProfileError, TypeError) as exc:
                label = entry.get("name", "?") if isinstance(entry, Mapping) else "?"
                self._problem(f"profile {label!r} skipped: {exc}")
                continue
            self._profiles[profile.name] = profile
        last = data.get("last_used")
        self._last_used = last if isinstance(last, str) and last in self._profiles else None
        self.settings, problems = AppSettings.from_dict(data.get("settings"))
        for problem in problems:
            self._problem(problem)

    def _problem(self, message: str) -> None:
        self.problems.append(message)
        log.warning("%s", message)

    def save(self) -> None:
        """Write profiles, last used and settings atomically (never any password)."""
        atomic_write_json(
            self.path,
            {
                "version": 1,
                "last_used": self._last_used,
                "profiles": [p.to_dict() for p in self._profiles.values()],
                "settings": asdict(self.settings),
            },
        )

    def names(self) -> list[str]:
        return list(self._profiles)

    def profiles(self) -> list[Profile]:
        return [_copy(p) for p in self._profiles.values()]

    def get(self, name: str) -> Profile | None:
        profile = self._profiles.get(name)
        return _copy(profile) if profile else None

    def save_profile(
        self,
        profile: Profile,
        *,
        password: str | None = None,
        remember_password: bool | None = None,
        replace: str | None = None,
    ) -> Profile:
        """Validate and save ``profile`` (renaming profile ``replace`` if given); returns it.

        ``remember_password``: True stores ``password`` in the OS keyring (or keeps the one
        already there when ``password`` is None); False forgets it; None leaves it as it is.
        If the keyring refuses, the profile is still saved and ``KeyringUnavailable`` is raised.
        """
        from wsmonitor.store import keyring_store

        new = _copy(profile)
        new.validate()
        old_name = replace if replace in self._profiles else new.name
        old = self._profiles.get(old_name)
        if old_name != new.name and new.name in self._profiles:
            raise ProfileError(f"a profile named {new.name!r} already exists")
        saved = bool(old and old.password_saved)
        if saved and old_name != new.name:  # a rename moves the stored password along
            moved = keyring_store.load_secret(PASSWORD_KIND, old_name)
            keyring_store.delete_secret(PASSWORD_KIND, old_name)
            saved = False
            if moved is not None and remember_password is not False:
                password = password if password is not None else moved
                remember_password = True
        failure: Exception | None = None
        if remember_password is False and saved:
            keyring_store.delete_secret(PASSWORD_KIND, new.name)
            saved = False
        elif remember_password and password:
            register_secret(password)
            try:
                keyring_store.save_secret(PASSWORD_KIND, new.name, password)
                saved = True
            except keyring_store.KeyringUnavailable as exc:
                failure = exc
        new.password_saved = saved
        self._profiles.pop(old_name, None)
        self._profiles[new.name] = new
        if self._last_used == old_name:
            self._last_used = new.name
        self.save()
        if failure is not None:
            raise failure
        return _copy(new)

    def delete(self, name: str) -> None:
        """Remove a profile and forget its stored password."""
        from wsmonitor.store import keyring_store

        profile = self._profiles.pop(name, None)
        if profile is None:
            return
        if profile.password_saved:
            keyring_store.delete_secret(PASSWORD_KIND, name)
        if self._last_used == name:
            self._last_used = None
        self.save()

    def password(self, name: str) -> str | None:
        """The password the user chose to keep for ``name``, from the OS keyring."""
        from wsmonitor.store import keyring_store

        profile = self._profiles.get(name)
        if profile is None or not profile.password_saved:
            return None
        value = keyring_store.load_secret(PASSWORD_KIND, name)
        register_secret(value)
        return value

    def forget_password(self, name: str) -> None:
        """Delete the stored password of ``name`` (the profile stays)."""
        profile = self._profiles.get(name)
        if profile is not None:
            self.save_profile(profile, remember_password=False)

    @property
    def last_used(self) -> str | None:
        return self._last_used

    def set_last_used(self, name: str | None) -> None:
        if name is not None and name not in self._profiles:
            raise ProfileError(f"there is no profile named {name!r}")
        self._last_used = name
        self.save()

    def last_profile(self) -> Profile | None:
        """The profile to reconnect at start, if any."""
        return self.get(self._last_used) if self._last_used else None

    def save_settings(self, settings: AppSettings) -> None:
        checked, problems = AppSettings.from_dict(asdict(settings))
        if problems:
            raise UserError(problems[0])
        self.settings = checked
        self.save()
