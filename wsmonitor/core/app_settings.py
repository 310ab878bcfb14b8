"""App-wide preferences that are not tied to one profile (saved with the profiles)."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, fields
from typing import Any

#: Colour themes the GUI offers; "system" follows the desktop's light or dark setting.
THEME_CHOICES: tuple[str, ...] = ("system", "light", "dark")

#: Settings that take one of a fixed set of words rather than a number or a flag.
_WORD_CHOICES: dict[str, tuple[str, ...]] = {"theme": THEME_CHOICES}


@dataclass
class AppSettings:
    """App-wide preferences that are not tied to one profile."""

    short_lived_s: float = 5.0
    stale_after_s: float = 10.0
    history_retention_days: float = 7.0
    reconnect_last_profile: bool = True
    #: Added after the first release: files without it load with the default.
    theme: str = "system"

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
            if f.name in _WORD_CHOICES:
                ok = value in _WORD_CHOICES[f.name]
            elif isinstance(default, bool):
                ok = isinstance(value, bool)
            else:
                ok = isinstance(value, int | float) and not isinstance(value, bool)
                ok = ok and math.isfinite(value) and value > 0
            if ok:
                setattr(settings, f.name, value)
            else:
                problems.append(f"setting {f.name} = {value!r} is invalid; using {default!r}")
        return settings, problems
