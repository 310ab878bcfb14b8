"""App settings: the theme choice is saved, and files written before it existed still load."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from wsmonitor.core.app_settings import THEME_CHOICES, AppSettings
from wsmonitor.core.profiles import ProfileStore
from wsmonitor.errors import UserError

#: A settings block as releases before the theme setting wrote it.
OLD_SETTINGS = {
    "short_lived_s": 3.0,
    "stale_after_s": 20.0,
    "history_retention_days": 7.0,
    "reconnect_last_profile": False,
}


def test_an_old_settings_file_loads_with_the_system_theme(tmp_path: Path) -> None:
    path = tmp_path / "profiles.json"
    path.write_text(json.dumps({"profiles": [], "settings": OLD_SETTINGS}), encoding="utf-8")
    store = ProfileStore(path)
    assert store.problems == []
    assert store.settings == AppSettings(3.0, 20.0, 7.0, False, theme="system")


@pytest.mark.parametrize("theme", THEME_CHOICES)
def test_the_theme_choice_round_trips(tmp_path: Path, theme: str) -> None:
    path = tmp_path / "profiles.json"
    ProfileStore(path).save_settings(replace(AppSettings(), theme=theme))
    assert ProfileStore(path).settings.theme == theme
    assert json.loads(path.read_text(encoding="utf-8"))["settings"]["theme"] == theme


@pytest.mark.parametrize("bad", ["purple", "", 1, None, ["dark"], True])
def test_a_bad_theme_falls_back_to_system_with_a_message(bad: object) -> None:
    settings, problems = AppSettings.from_dict({**OLD_SETTINGS, "theme": bad})
    assert settings.theme == "system"
    assert settings.short_lived_s == 3.0  # the other settings still load
    assert len(problems) == 1 and "theme" in problems[0]


def test_saving_a_bad_theme_is_refused(tmp_path: Path) -> None:
    store = ProfileStore(tmp_path / "profiles.json")
    with pytest.raises(UserError, match="theme"):
        store.save_settings(replace(AppSettings(), theme="sepia"))
