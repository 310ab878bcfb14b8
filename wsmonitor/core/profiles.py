"""The saved connection profiles, the last one used and the app settings, in one JSON file.

The profile itself and the checks of its fields are in ``wsmonitor.core.connection_profile``.
Passwords never enter the JSON file: they go to the OS keyring through
``wsmonitor.store.keyring_store``, and only when the user asks to remember them.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import time
from collections.abc import Mapping
from dataclasses import asdict
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import urlsplit

from wsmonitor.core.app_settings import AppSettings
from wsmonitor.core.connection_profile import Profile, ProfileError, validate_server_url
from wsmonitor.core.json_file import atomic_write_json
from wsmonitor.core.paths import config_dir
from wsmonitor.core.secrets import register_secret
from wsmonitor.errors import UserError

log = logging.getLogger(__name__)
_T = TypeVar("_T")

PROFILES_FILE = "profiles.json"
PASSWORD_KIND = "admin-password"


def _copy(obj: _T, **changes: Any) -> _T:
    return dataclasses.replace(obj, **changes)


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
        stray_password = False
        for entry in entries if isinstance(entries, list) else []:
            try:
                profile = Profile.from_dict(entry, check_files=False)
            except (ProfileError, TypeError) as exc:
                label = entry.get("name", "?") if isinstance(entry, Mapping) else "?"
                self._problem(f"profile {label!r} skipped: {exc}")
                continue
            stray_password = stray_password or "password" in entry
            if profile.ca_file and not profile.ca_file_exists():
                self._problem(f"profile {profile.name!r}: CA file {profile.ca_file!r} is missing")
            self._profiles[profile.name] = profile
        last = data.get("last_used")
        self._last_used = last if isinstance(last, str) and last in self._profiles else None
        self.settings, problems = AppSettings.from_dict(data.get("settings"))
        for problem in problems:
            self._problem(problem)
        if stray_password:  # a hand-typed password must not stay in a plain-text file
            self._drop_stray_passwords()

    def _drop_stray_passwords(self) -> None:
        try:
            self.save()
        except UserError as exc:
            self._problem(f"a password typed into {self.path.name} could not be removed: {exc}")
            return
        self._problem(
            f"a password typed into {self.path.name} was removed from it; passwords are kept "
            'in the OS keyring ("Save password in the OS keyring" when connecting)'
        )

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
