"""Fixtures shared by the GUI tests: the lab page on its own, and a theme reset."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from wsmonitor.ui.lab.page import LabPage
from wsmonitor.ui.lab.presets import PresetStore
from wsmonitor.ui.theme import theme_manager


@pytest.fixture
def lab(qtbot, tmp_path) -> LabPage:
    """The Handshake lab page, shown, with its presets in a throw-away folder."""
    page = LabPage(store=PresetStore(tmp_path))
    qtbot.addWidget(page)
    page.resize(1100, 800)
    page.show()
    return page


@pytest.fixture
def back_to_system(qapp) -> Iterator[None]:
    """The theme is application-wide: leave the System choice for the tests that follow."""
    yield
    manager = theme_manager()
    manager.system_is_dark = lambda: False
    manager.set_choice("system")
