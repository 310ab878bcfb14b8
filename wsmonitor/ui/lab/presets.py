"""Handshake lab presets: built-in client profiles and the user's own, saved without tokens.

User presets live in ``config_dir()/lab_presets.json``. A token is never written there: when the
user ticks "keep the token in the OS keyring", it goes to the keyring under the preset's name,
and the JSON only records that it did. No Qt here, so this is tested on its own.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from wsmonitor.core.paths import config_dir
from wsmonitor.store import keyring_store
from wsmonitor.ui.lab.settings import EIO_BOTH, LabSettings

log = logging.getLogger(__name__)

KEYRING_KIND = "lab-token"
FILE_NAME = "lab_presets.json"


@dataclass(frozen=True)
class BuiltinPreset:
    """A client profile: the options a real client of that kind uses; URL and token stay."""

    name: str
    description: str
    changes: dict[str, Any]

    def apply(self, settings: LabSettings) -> LabSettings:
        return replace(settings, **self.changes)

    def matches(self, settings: LabSettings) -> bool:
        """True while ``settings`` still has every option this preset sets (URL, token free)."""
        return all(getattr(settings, key) == value for key, value in self.changes.items())


def builtin_preset(name: str) -> BuiltinPreset | None:
    return next((p for p in BUILTIN_PRESETS if p.name == name), None)


BUILTIN_PRESETS: tuple[BuiltinPreset, ...] = (
    BuiltinPreset(
        "Browser default (socket.io-client v4)",
        "EIO 4, polling then upgrade, token in the auth payload",
        {"eio": 4, "transport": "upgrade", "token_in": "auth", "path": "/socket.io/"},
    ),
    BuiltinPreset(
        "WeChat mini-program",
        "websocket only (wx.connectSocket cannot poll), token in the query string; EIO 4 and 3"
        " in one Fire, since mini-program SDKs ship both",
        {"eio": EIO_BOTH, "transport": "websocket", "token_in": "query"},
    ),
    BuiltinPreset(
        "Polling only",
        "HTTP long-polling without an upgrade (what a websocket-less fallback does)",
        {"transport": "polling"},
    ),
    BuiltinPreset(
        "Legacy v2 client (EIO 3)",
        "socket.io-client 2.x: EIO 3, polling then upgrade, token in the query string",
        {"eio": 3, "transport": "upgrade", "token_in": "query"},
    ),
)


class PresetError(Exception):
    """A preset could not be saved or loaded; the message is for the user."""


@dataclass(frozen=True)
class UserPreset:
    name: str
    settings: LabSettings
    token_in_keyring: bool = False


class PresetStore:
    """The user's presets on disk, tokens in the OS keyring only when asked."""

    def __init__(self, directory: Path | None = None) -> None:
        self._directory = directory

    @property
    def path(self) -> Path:
        return (self._directory or config_dir()) / FILE_NAME

    def entries(self) -> list[UserPreset]:
        """Stored presets (tokens not loaded); a damaged file reads as empty, with a warning."""
        try:
            raw = json.loads(self.path.read_text(encoding="utf-8"))
            entries = raw.get("presets", [])
        except FileNotFoundError:
            return []
        except (OSError, ValueError, AttributeError) as exc:
            log.warning("ignoring unreadable presets file %s: %s", self.path, exc)
            return []
        presets = []
        for entry in entries:
            if isinstance(entry, dict) and isinstance(entry.get("name"), str):
                presets.append(
                    UserPreset(
                        name=entry["name"],
                        settings=LabSettings.from_json(entry.get("settings") or {}),
                        token_in_keyring=bool(entry.get("token_in_keyring")),
                    )
                )
        return presets

    def save(self, name: str, settings: LabSettings, keep_token: bool) -> str:
        """Save (or replace) a preset; returns a one-line message for the status area."""
        name = name.strip()
        if not name:
            raise PresetError("give the preset a name")
        stored_token = False
        note = ""
        if keep_token and settings.token:
            try:
                keyring_store.save_secret(KEYRING_KIND, name, settings.token)
                stored_token = True
            except keyring_store.KeyringUnavailable as exc:
                note = f" (token NOT kept: {exc})"
        else:
            keyring_store.delete_secret(KEYRING_KIND, name)
        presets = [p for p in self.entries() if p.name != name]
        presets.append(UserPreset(name, settings.without_token(), stored_token))
        self._write(presets)
        where = " with its token in the OS keyring" if stored_token else " without a token"
        return f"Saved preset “{name}”{where}{note}."

    def load(self, name: str) -> LabSettings:
        """The preset's settings, with its token from the keyring when one was kept there."""
        for preset in self.entries():
            if preset.name == name:
                token = ""
                if preset.token_in_keyring:
                    token = keyring_store.load_secret(KEYRING_KIND, name) or ""
                return replace(preset.settings, token=token)
        raise PresetError(f"no preset named “{name}”")

    def delete(self, name: str) -> None:
        self._write([p for p in self.entries() if p.name != name])
        keyring_store.delete_secret(KEYRING_KIND, name)

    def _write(self, presets: list[UserPreset]) -> None:
        data = {
            "version": 1,
            "presets": [
                {
                    "name": p.name,
                    "settings": p.settings.to_json(),
                    "token_in_keyring": p.token_in_keyring,
                }
                for p in sorted(presets, key=lambda p: p.name.lower())
            ],
        }
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            tmp = self.path.with_suffix(".tmp")
            tmp.write_text(json.dumps(data, indent=2), encoding="utf-8")
            tmp.replace(self.path)
        except OSError as exc:
            raise PresetError(f"could not write {self.path}: {exc}") from exc
