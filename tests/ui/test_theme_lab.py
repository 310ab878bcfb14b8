"""Light and dark on the Handshake lab, the socket detail, the disconnect log and the token panel.

The lab is driven as a user does (an EIO "3 and 4" Fire against the demo server); the smaller
widgets are checked on their own. Every check reads what is drawn or what the model hands the
view, in the palette the user switched to.
"""

from __future__ import annotations

import time

import jwt
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLabel

from tests.ui.monitor_support import settle
from tests.ui.theme_support import close_to, pixel, shows_colour
from wsmonitor.core.admin_events import Handshake, SocketInfo
from wsmonitor.core.disconnect_log import DisconnectRecord
from wsmonitor.core.socket_store import SocketRow
from wsmonitor.ui.disconnects.record_model import COLUMNS, RecordLogModel
from wsmonitor.ui.lab import LabPage
from wsmonitor.ui.lab.settings import EIO_BOTH, LabSettings
from wsmonitor.ui.lab.token_panel import TokenPanel
from wsmonitor.ui.sockets.socket_detail import SocketDetail
from wsmonitor.ui.theme import DARK, LIGHT, ThemePalette, theme_manager

Foreground = Qt.ItemDataRole.ForegroundRole

pytestmark = pytest.mark.usefixtures("back_to_system")


def switch(choice: str) -> None:
    theme_manager().set_choice(choice, save=False)
    QApplication.processEvents()


def assert_lab_in(lab: LabPage, palette: ThemePalette) -> None:
    """Banner, compare strip, timeline and waterfall as drawn in ``palette``."""
    banner = lab.banner
    colours = palette.banner(banner.level)
    assert close_to(pixel(banner, banner.width() - 8, banner.height() - 6), colours.background)
    assert shows_colour(banner.grab().toImage(), colours.text)

    strip = lab.compare_strip
    for index, entry in enumerate(strip.entries()):
        # Grabbed through the strip: an unselected entry is see-through.
        image = strip.grab(strip.button(index).geometry()).toImage()
        edge = image.pixelColor(0, image.height() // 2)
        if index == strip.selected():  # the banner's look: its tint, text and strong edge
            assert close_to(image.pixelColor(4, 4), palette.banner(entry.level).background)
            assert shows_colour(image, palette.banner(entry.level).text)
            assert close_to(edge, palette.banner(entry.level).strong, 12)
        else:  # level-coloured text on the page, a plain border
            assert close_to(image.pixelColor(4, 4), palette.window)
            assert shows_colour(image, palette.level(entry.level))
            assert close_to(edge, palette.border, 12)

    model = lab.timeline
    rows = model.rows()
    errors = 0
    for row_number, row in enumerate(rows):
        direction = model.data(model.index(row_number, 1), Foreground)
        if row.dir in ("in", "out"):
            assert direction.color().name() == palette.directions[row.dir]
        kind = model.data(model.index(row_number, 2), Foreground)
        if kind is not None:
            errors += 1
            assert kind.color().name() == palette.level("error")
    assert errors, "the refused EIO 3 run shows at least one error row"
    view = lab.timeline_view.viewport().grab().toImage()
    assert shows_colour(view, palette.directions["out"])

    waterfall = lab.waterfall
    image = waterfall.grab().toImage()
    assert close_to(image.pixelColor(2, 2), palette.panel)
    for phase in waterfall.phases():
        expected = palette.level("error") if phase.failed else palette.phase(phase.name)
        assert shows_colour(image, expected), phase


async def test_a_compare_run_in_the_lab_follows_light_and_dark(qtbot, lab, demo_server) -> None:
    switch("light")
    lab.form.set_settings(LabSettings(url=demo_server.url, token=demo_server.token, eio=EIO_BOTH))
    qtbot.mouseClick(lab.fire_button, Qt.MouseButton.LeftButton)
    await settle(lambda: lab.banner.code != "" and not lab.controller.running)
    # The refused EIO 3 run is shown: an error banner, a failed bar, error rows.
    assert [e.code for e in lab.compare_strip.entries()] == ["ok", "protocol_mismatch"]
    assert lab.compare_strip.selected() == 1 and lab.banner.level == "error"
    assert any(phase.failed for phase in lab.waterfall.phases())
    assert_lab_in(lab, LIGHT)

    repainted: list[tuple[int, int]] = []
    lab.timeline.dataChanged.connect(lambda a, b, _roles: repainted.append((a.row(), b.row())))
    switch("dark")
    assert repainted == [(0, len(lab.timeline.rows()) - 1)]
    assert_lab_in(lab, DARK)

    qtbot.mouseClick(lab.compare_strip.button(0), Qt.MouseButton.LeftButton)  # the ok run
    await settle(lambda: lab.banner.code == "ok")
    assert lab.compare_strip.selected() == 0
    assert close_to(
        pixel(lab.banner, lab.banner.width() - 8, lab.banner.height() - 6),
        DARK.banner("ok").background,
    )
    switch("light")
    assert_lab_in(lab, LIGHT)


def test_form_errors_and_preset_messages_take_their_tone_from_the_theme(qtbot, lab) -> None:
    error = lab.form.findChild(QLabel, "error_url")
    message = lab.presets.message
    lab.form.show_errors({"url": "Enter a URL such as http://localhost:5000"})
    lab.presets.apply("No such preset")  # an error message
    assert error.property("tone") == "error" and message.property("tone") == "error"
    for palette in (LIGHT, DARK):
        switch(palette.name)
        assert shows_colour(error.grab().toImage(), palette.level("error"))
        assert shows_colour(message.grab().toImage(), palette.level("error"))
    lab.presets.apply("WeChat mini-program")  # a plain note: muted, re-polished at once
    assert message.property("tone") == "muted"
    image = message.grab().toImage()
    assert shows_colour(image, DARK.muted) and not shows_colour(image, DARK.level("error"))


# -- smaller widgets, on their own ------------------------------------------------------------
def test_socket_detail_renders_its_row_again_in_the_new_muted_colour(qtbot) -> None:
    detail = SocketDetail()
    qtbot.addWidget(detail)
    switch("light")
    assert LIGHT.muted in detail.toHtml()  # "Select a socket…"
    handshake = Handshake(address="10.0.0.7", headers={"user-agent": "agent"}, issued=1.7e9)
    row = SocketRow(SocketInfo("sid007", "/", "c7", "websocket", handshake=handshake), 1.7e9)
    detail.show_row(row)
    switch("dark")
    html = detail.toHtml()
    assert "sid007" in html and "user-agent" in html  # the same row, not the placeholder
    assert DARK.muted in html and LIGHT.muted not in html
    switch("light")
    assert LIGHT.muted in detail.toHtml() and DARK.muted not in detail.toHtml()


def record(socket_id: str, lifetime: float, short_lived: bool) -> DisconnectRecord:
    return DisconnectRecord(1.7e9, "/", socket_id, "10.0.0.1", "agent", lifetime, "ping timeout",
                            short_lived, 1.7e9)  # fmt: skip


def test_disconnect_log_short_lifetimes_take_the_error_colour_of_the_theme(qtbot) -> None:
    model = RecordLogModel(cap=10)
    model.sync([record("long", 90.0, False), record("short", 0.4, True)])
    lifetime = COLUMNS.index("Lifetime")
    short, long_ = model.index(0, lifetime), model.index(1, lifetime)
    switch("light")
    assert model.data(short, Foreground).name() == LIGHT.level("error")
    assert model.data(long_, Foreground) is None
    repainted: list[tuple[int, int, int, int]] = []
    model.dataChanged.connect(
        lambda a, b, _roles: repainted.append((a.row(), a.column(), b.row(), b.column()))
    )
    switch("dark")
    assert repainted == [(0, lifetime, 1, lifetime)]
    assert model.data(short, Foreground).name() == DARK.level("error")


def test_token_panel_flags_and_claims_follow_the_theme(qtbot) -> None:
    panel = TokenPanel()
    qtbot.addWidget(panel)
    switch("light")
    now = int(time.time())
    panel.inspect(jwt.encode({"sub": "u1", "exp": now - 7200}, "secret-" * 6))
    panel.verify_button.click()  # no key: a warning is added under the flags
    assert LIGHT.level("error") in panel.status.text()
    assert LIGHT.level("warn") in panel.status.text()
    switch("dark")
    status = panel.status.text()
    assert DARK.level("error") in status and DARK.level("warn") in status
    assert LIGHT.level("error") not in status and "Enter a secret" in status
    exp = next(r for r in range(panel.claims.rowCount()) if panel.claims.item(r, 0).text() == "exp")
    assert panel.claims.item(exp, 1).foreground().color().name() == DARK.level("error")
