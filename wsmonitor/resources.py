"""Find bundled resources whether running from source, an installed wheel or a frozen bundle."""

from __future__ import annotations

import sys
from pathlib import Path


def resource_root() -> Path:
    """The folder holding ``resources/``: the PyInstaller bundle dir when frozen."""
    frozen_dir = getattr(sys, "_MEIPASS", None)
    if frozen_dir:
        return Path(frozen_dir) / "resources"
    return Path(__file__).resolve().parent.parent / "resources"


def resource_path(*parts: str) -> Path:
    """Absolute path of a resource, e.g. ``resource_path("icons", "wsmonitor.svg")``."""
    return resource_root().joinpath(*parts)
