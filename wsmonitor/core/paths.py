"""Where wsmonitor keeps its settings, logs and history.

Platform directories come from platformdirs. ``WSMONITOR_HOME`` overrides all of them with one
folder, which tests and portable installs use.
"""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

APP_NAME = "wsmonitor"


def _home_override() -> Path | None:
    value = os.environ.get("WSMONITOR_HOME")
    return Path(value).expanduser() if value else None


def _dir(kind: str) -> Path:
    override = _home_override()
    if override is not None:
        path = override / kind
    elif kind == "config":
        path = Path(platformdirs.user_config_dir(APP_NAME, appauthor=False))
    elif kind == "logs":
        path = Path(platformdirs.user_log_dir(APP_NAME, appauthor=False))
    else:
        path = Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))
    path.mkdir(parents=True, exist_ok=True)
    return path


def config_dir() -> Path:
    """Settings and profiles (never secrets: those live in the OS keyring)."""
    return _dir("config")


def log_dir() -> Path:
    """Rotating log files."""
    return _dir("logs")


def data_dir() -> Path:
    """Recorded history (SQLite)."""
    return _dir("data")
