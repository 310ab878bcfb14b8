"""Light and dark themes on the real main window, as a user switches them (View › Theme)."""

from __future__ import annotations

import json
import socket

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QApplication

from tests.ui.monitor_support import monitor_shell, profile_for, settle
from tests.ui.theme_support import close_to, pixel, shows_colour
from wsmonitor.core.profiles import ProfileStore
from wsmonitor.ui.alerts.alerts_page import AlertsPage
from wsmonitor.ui.dashboard.dashboard_page import DashboardPage
from wsmonitor.ui.diagnose import DiagnosePage
from wsmonitor.ui.theme import DARK, LIGHT, ThemePalette, contrast_ratio, theme_manager
from wsmonitor.ui.theme.apply import build_stylesheet

BODY_TEXT = 4.5  # WCAG 2 AA, normal text
GRAPHICS = 3.0  # WCAG 2 AA, lines and other non-text marks

Role = QPalette.ColorRole

pytestmark = pytest.mark.usefixtures("back_to_system")


def dead_port() -> int:
    """A loopback port nothing listens on (connections are refused at once)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# -- the palettes themselves ------------------------------------------------------------------
@pytest.mark.parametrize("palette", [LIGHT, DARK], ids=["light", "dark"])
def test_every_text_role_reads_on_its_background(palette: ThemePalette) -> None:
    pairs = {
        f"{fg} on {bg}": (getattr(palette, fg), getattr(palette, bg))
        for fg in ("text", "muted")
        for bg in ("window", "panel", "panel_alt")
    }
    for level, colour in palette.levels.items():
        for bg in ("window", "panel", "panel_alt"):
            pairs[f"{level} text on {bg}"] = (colour, getattr(palette, bg))
    for level, banner in palette.banners.items():
        pairs[f"{level} banner"] = (banner.text, banner.background)
    for level in palette.cells:
        background, text = palette.cell(level)
        pairs[f"{level} cell"] = (text, background)
    pairs["sidebar"] = (palette.sidebar_text, palette.sidebar)
    pairs["current page"] = (palette.sidebar_selected_text, palette.sidebar_selected)
    pairs["axis labels"] = (palette.plot_foreground, palette.plot_background)
    pairs["selection"] = (palette.accent_text, palette.accent)
    pairs["tooltip"] = (palette.tooltip_text, palette.tooltip)
    pairs["link"] = (palette.link, palette.panel)
    low = {name: round(contrast_ratio(*pair), 2) for name, pair in pairs.items()}
    assert {name: ratio for name, ratio in low.items() if ratio < BODY_TEXT} == {}


def test_dark_series_and_phases_stand_out_from_the_dark_plot() -> None:
    for colour in (*DARK.series, *DARK.phases.values(), *DARK.directions.values()):
        assert contrast_ratio(colour, DARK.plot_background) >= GRAPHICS, colour


def test_both_variants_define_the_same_roles() -> None:
    for mapping in ("levels", "banners", "cells", "phases", "directions"):
        assert getattr(LIGHT, mapping).keys() == getattr(DARK, mapping).keys(), mapping
    assert len(LIGHT.series) == len(DARK.series)
    for palette in (LIGHT, DARK):
        sheet = build_stylesheet(palette)  # every $role of the template is filled
        assert "$" not in sheet and palette.sidebar in sheet


# -- the running window -------------------------------------------------------------------------
def assert_window_in(shell, palette: ThemePalette) -> None:
    """What a user sees: window, text, plots, banner, tiles, status dot in ``palette``."""
    app_palette = QApplication.instance().palette()
    assert app_palette.color(Role.Window).name() == palette.window
    window_text = app_palette.color(Role.WindowText).name()
    assert contrast_ratio(window_text, app_palette.color(Role.Window).name()) >= BODY_TEXT
    text, base = app_palette.color(Role.Text).name(), app_palette.color(Role.Base).name()
    assert contrast_ratio(text, base) >= BODY_TEXT

    dash = next(p for p in shell.window.pages() if isinstance(p, DashboardPage))
    assert close_to(pixel(dash, 3, 3), palette.window)  # the page margin
    plot = dash.plots.clients
    assert close_to(pixel(plot.plot_widget, 2, 2), palette.plot_background)
    axis = plot.plot_item.getAxis("left")
    assert axis.textPen().color().name() == palette.plot_foreground
    legend = plot.legend_label.palette().color(Role.WindowText).name()
    assert contrast_ratio(legend, palette.panel) >= BODY_TEXT

    banner = dash.status_banner
    colours = palette.banner(banner.level)
    assert close_to(pixel(banner, banner.width() - 8, banner.height() // 2), colours.background)
    assert shows_colour(banner.label.grab().toImage(), colours.text)

    health = dash.tiles["health"]
    assert health.value.text() == "Down"
    assert shows_colour(health.value.grab().toImage(), palette.level("error"))
    servers = dash.tiles["servers"]  # a value that stays put must recolour too
    assert shows_colour(servers.value.grab().toImage(), palette.level("ok"))
    indicator = shell.window.connection_indicator
    assert palette.level(indicator.state_level) in indicator.text()


async def test_switching_light_dark_system_recolours_the_open_window(qtbot) -> None:
    manager = theme_manager()
    manager.system_is_dark = lambda: False
    async with monitor_shell(qtbot) as shell:
        port = dead_port()
        profile = profile_for(
            f"http://127.0.0.1:{port}",
            health_url=f"http://127.0.0.1:{port}/health",
            health_interval_s=1.0,
        )
        await shell.controller.connect(profile, None)
        dash = next(p for p in shell.window.pages() if isinstance(p, DashboardPage))
        # Refused connections: a "No live data" banner and a Down health tile, both coloured.
        await settle(lambda: dash.status_banner.isVisible())
        await settle(lambda: dash.tiles["health"].value.text() == "Down")
        # As a healthy cluster shows it; with no server_stats the page leaves this tile alone.
        dash.tiles["servers"].set("3 / 3", "all healthy", "ok")
        actions = shell.window.theme_actions

        actions["light"].trigger()
        await settle(lambda: True)
        assert_window_in(shell, LIGHT)

        actions["dark"].trigger()
        await settle(lambda: True)
        assert manager.choice == "dark" and actions["dark"].isChecked()
        assert_window_in(shell, DARK)
        alerts = next(p for p in shell.window.pages() if isinstance(p, AlertsPage))
        assert DARK.level("ok") in alerts.active_label.text()  # "No alert is firing."

        # System follows the desktop, now and when it switches while wsmonitor runs.
        manager.system_is_dark = lambda: True
        actions["system"].trigger()
        await settle(lambda: True)
        assert_window_in(shell, DARK)
        manager.system_is_dark = lambda: False
        QApplication.instance().styleHints().colorSchemeChanged.emit(Qt.ColorScheme.Light)
        await settle(lambda: True)
        assert_window_in(shell, LIGHT)
        assert actions["system"].isChecked()


async def test_the_diagnose_matrix_and_verdict_follow_the_theme(qtbot) -> None:
    page = DiagnosePage()
    qtbot.addWidget(page)
    page.resize(1000, 700)
    page.show()
    theme_manager().set_choice("dark", save=False)
    QApplication.processEvents()
    index = page.matrix.index(0, 0)
    background = page.matrix.data(index, Qt.ItemDataRole.BackgroundRole).color().name()
    text = page.matrix.data(index, Qt.ItemDataRole.ForegroundRole).color().name()
    assert (background, text) == DARK.cell("pending")
    banner = page.banner
    assert close_to(
        pixel(banner, banner.width() - 8, banner.height() - 6), DARK.banner("idle").background
    )
    theme_manager().set_choice("light", save=False)
    QApplication.processEvents()
    assert close_to(
        pixel(banner, banner.width() - 8, banner.height() - 6), LIGHT.banner("idle").background
    )


async def test_the_choice_is_saved_and_restored_on_the_next_start(qtbot) -> None:
    async with monitor_shell(qtbot) as shell:
        shell.window.theme_actions["dark"].trigger()
        saved = json.loads(ProfileStore().path.read_text(encoding="utf-8"))
        assert saved["settings"]["theme"] == "dark"
    # The next start: whatever this process shows now, the saved choice wins.
    theme_manager().set_choice("light", save=False)
    async with monitor_shell(qtbot) as shell:
        assert theme_manager().choice == "dark"
        assert shell.window.theme_actions["dark"].isChecked()
        dash = next(p for p in shell.window.pages() if isinstance(p, DashboardPage))
        assert close_to(pixel(dash.plots.clients.plot_widget, 2, 2), DARK.plot_background)
