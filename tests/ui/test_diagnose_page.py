"""The Diagnose page as a user drives it: the matrix fills in live against a real server."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from tests.ui.cli_support import cli_json
from tests.ui.monitor_support import settle
from wsmonitor.ui.diagnose import DiagnosePage


async def cli_diagnose(url: str, token: str, *extra: str) -> dict:
    return await cli_json("diagnose", url, *extra, token=token)


@pytest.fixture
def page(qtbot) -> DiagnosePage:
    diagnose = DiagnosePage()
    qtbot.addWidget(diagnose)
    diagnose.resize(1100, 800)
    diagnose.show()
    return diagnose


def _fill(page: DiagnosePage, **values: str) -> None:
    for key, value in values.items():
        page.fields[key].setText(value)


async def test_matrix_fills_live_and_banner_agrees_with_cli(qtbot, page, demo_server):
    ws_url = f"{demo_server.info['ws_url']}?token={demo_server.token}"
    _fill(
        page,
        url=demo_server.url,
        token=demo_server.token,
        health_url=demo_server.health_url,
        ws_url=ws_url,
    )
    seen_running: set[str] = set()

    def watch(*_: object) -> None:
        seen_running.update(k for k, c in page.matrix.cells().items() if c.status == "running")

    page.matrix.dataChanged.connect(watch)
    qtbot.mouseClick(page.run_button, Qt.MouseButton.LeftButton)
    await settle(lambda: page.banner.code != "")
    cells = page.matrix.cells()
    assert set(cells) == {
        "eio4/polling",
        "eio4/websocket",
        "eio4/upgrade",
        "eio3/polling",
        "eio3/websocket",
        "eio3/upgrade",
        "raw",
        "health",
        "token",
    }
    assert seen_running, "cells should show 'running' while their probes run"
    assert all(cells[f"eio4/{t}"].code == "ok" for t in ("polling", "websocket", "upgrade"))
    assert all(cells[f"eio3/{t}"].code == "protocol_mismatch" for t in ("polling", "websocket"))
    assert cells["raw"].code == "ok" and cells["health"].code == "ok"
    assert page.banner.code == "protocol_mismatch"
    assert page.run_button.isEnabled() and not page.cancel_button.isEnabled()
    cli = await cli_diagnose(
        demo_server.url,
        demo_server.token,
        "--health-url",
        demo_server.health_url,
        "--ws-url",
        ws_url,
    )
    assert cli["root_cause"]["verdict"] == page.banner.code
    cli_cells = {row["label"]: row["verdict"] for row in cli["matrix"]}
    assert cli_cells["EIO3 websocket"] == cells["eio3/websocket"].code
    # A click on a cell shows that probe's timeline.
    index = page.matrix.index(1, 1)
    rect = page.matrix_view.visualRect(index)
    qtbot.mouseClick(page.matrix_view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert "EIO3 websocket" in page.cell_title.text()
    kinds = [row.kind for row in page.timeline.rows()]
    assert "http_request" in kinds and "error" in kinds


async def test_expired_token_is_flagged_and_root_cause_agrees_with_cli(qtbot, page, demo_server):
    expired = demo_server.info["expired_token"]
    _fill(page, url=demo_server.url, token=expired)
    await page.controller.run()
    cli = await cli_diagnose(demo_server.url, expired)
    assert page.banner.code == cli["root_cause"]["verdict"]
    assert "token check: token expired" in page.banner.body_text()
    assert page.matrix.cell("token").code == "token_failed"
    assert "expired" in page.matrix.cell("token").text
    assert page.matrix.cell("eio4/websocket").code == "token_expired"


async def test_bad_urls_show_inline_messages(qtbot, page):
    _fill(page, url="http//x", health_url="ftp://a", ws_url="http://x/ws")
    qtbot.mouseClick(page.run_button, Qt.MouseButton.LeftButton)
    await settle(lambda: page.banner.level == "warn")
    for key in ("url", "health_url", "ws_url"):
        assert "invalid URL" in page.errors[key].text()
        assert not page.errors[key].isHidden()
    assert page.errors["token"].isHidden()
    assert all(cell.status == "pending" for cell in page.matrix.cells().values())


async def test_cancel_a_hanging_run_keeps_the_window_responsive(qtbot, page, silent_server):
    _fill(page, url=silent_server)
    qtbot.mouseClick(page.run_button, Qt.MouseButton.LeftButton)
    await settle(lambda: any(c.status == "running" for c in page.matrix.cells().values()))
    assert not page.run_button.isEnabled() and page.cancel_button.isEnabled()
    qtbot.mouseClick(page.cancel_button, Qt.MouseButton.LeftButton)
    await settle(lambda: page.run_button.isEnabled())
    assert page.banner.title_text() == "Cancelled"
    assert not page.copy_report.isEnabled()


async def test_copy_report_is_the_cli_markdown_with_the_token_masked(qtbot, page, demo_server):
    _fill(page, url=demo_server.url, token=demo_server.token)
    await page.controller.run()
    assert page.copy_report.isEnabled()
    qtbot.mouseClick(page.copy_report, Qt.MouseButton.LeftButton)
    text = QApplication.clipboard().text()
    assert text.startswith(f"## Diagnose: `{page.banner.code}`")
    assert "| EIO4 websocket | `ok` |" in text
    assert demo_server.token not in text


async def test_a_token_in_a_url_field_is_never_shown(qtbot, page, demo_server, tmp_path):
    """The WebSocket URL field once showed ?token=… in plain text (in screenshots too)."""
    from PySide6.QtCore import QEvent
    from PySide6.QtGui import QFocusEvent

    token = demo_server.token
    ws_url = f"{demo_server.info['ws_url']}?token={token}"
    _fill(page, url=demo_server.url, ws_url=ws_url)
    field = page.fields["ws_url"]
    assert field.text() == ws_url  # the engine gets the real URL
    assert token not in field.shown_text() and field.displayText() == field.shown_text()
    assert token[:4] + "…" + token[-4:] in field.shown_text()
    # Editing shows the real URL; leaving the field masks it again.
    QApplication.sendEvent(field, QFocusEvent(QEvent.Type.FocusIn))
    assert field.shown_text() == ws_url
    QApplication.sendEvent(field, QFocusEvent(QEvent.Type.FocusOut))
    assert token not in field.shown_text()
    await page.controller.run()
    assert page.matrix.cell("raw").status == "done"
    page.show_cell(page.matrix.cell("raw"))
    shown = [page.banner.title_text(), page.banner.body_text(), page.cell_title.text()]
    shown += [row.detail for row in page.timeline.rows()]
    qtbot.mouseClick(page.copy_report, Qt.MouseButton.LeftButton)
    shown.append(QApplication.clipboard().text())
    assert page.timeline.rows() and all(token not in text for text in shown)
    assert page.grab().save(str(tmp_path / "diagnose.png"))


async def test_matrix_cells_use_the_engine_brief(qtbot, page, demo_server):
    _fill(page, url=demo_server.url, token=demo_server.token)
    await page.controller.run()
    result = page.controller.result
    for row in result.rows:
        cell = page.matrix.cell(f"eio{row.eio}/{row.transport}")
        assert cell.text.startswith(row.result.brief())


async def test_engine_problems_land_under_their_field(qtbot, page):
    _fill(page, url="http://127.0.0.1:1", origin="https://app\x01.example")
    await page.controller.run()
    assert "printable ASCII" in page.errors["origin"].text()
    assert page.errors["url"].isHidden()
    _fill(page, url="", origin="")
    await page.controller.run()
    assert "enter the server URL" in page.errors["url"].text()
