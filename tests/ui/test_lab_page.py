"""The Handshake lab as a user drives it, against real servers on loopback.

Tests run on pytest-asyncio's loop; the Fire button's qasync slot schedules its coroutine there,
so clicking it works as in the app. ``settle`` pumps Qt events while the loop runs.
"""

from __future__ import annotations

import json

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from tests.peers.faults.http_faults import closed_port
from tests.ui.cli_support import cli_json
from tests.ui.monitor_support import settle
from wsmonitor.ui.lab import LabPage
from wsmonitor.ui.lab.settings import LabSettings


async def cli_verdict(*args: str, token: str | None = None) -> dict:
    return await cli_json("probe", *args, token=token)


async def fire(qtbot, page: LabPage, settings: LabSettings) -> None:
    page.form.set_settings(settings)
    qtbot.mouseClick(page.fire_button, Qt.MouseButton.LeftButton)
    await settle(lambda: page.banner.code != "")


async def test_ok_server_shows_green_verdict_timeline_and_waterfall(qtbot, lab, demo_server):
    await fire(qtbot, lab, LabSettings(url=demo_server.url, token=demo_server.token))
    assert lab.banner.code == "ok"
    assert lab.banner.level == "ok"
    kinds = {row.kind for row in lab.timeline.rows()}
    assert {"http_request", "http_response", "packet", "upgrade"} <= kinds
    names = [phase.name for phase in lab.waterfall.phases()]
    assert names[:3] == ["DNS", "TCP", "HTTP"]
    assert "CONNECT" in names and "upgrade" in names
    assert not any(phase.failed for phase in lab.waterfall.phases())
    assert lab.fire_button.isEnabled() and not lab.cancel_button.isEnabled()
    assert lab.copy_markdown.isEnabled()
    cli = await cli_verdict(demo_server.url, token=demo_server.token)
    assert cli["verdict"] == lab.banner.code


async def test_eio3_websocket_on_python_server_says_protocol_mismatch(qtbot, lab, demo_server):
    lab.form.set_settings(
        LabSettings(
            url=demo_server.url,
            token=demo_server.token,
            eio=3,
            transport="websocket",
            token_in="query",
        )
    )
    settings = lab.form.settings()
    assert (settings.eio, settings.transport, settings.token_in) == (3, "websocket", "query")
    qtbot.mouseClick(lab.fire_button, Qt.MouseButton.LeftButton)
    await settle(lambda: lab.banner.code != "")
    assert lab.banner.code == "protocol_mismatch"
    assert lab.banner.level == "error"
    assert "allowEIO3" in lab.banner.body_text()
    assert any(phase.failed for phase in lab.waterfall.phases())
    cli = await cli_verdict(
        demo_server.url,
        "--eio",
        "3",
        "--transport",
        "websocket",
        "--token-in",
        "query",
        token=demo_server.token,
    )
    assert cli["verdict"] == lab.banner.code


async def test_expired_token_is_flagged_in_banner_and_token_panel(qtbot, lab, demo_server):
    expired = demo_server.info["expired_token"]
    await fire(qtbot, lab, LabSettings(url=demo_server.url, token=expired))
    assert lab.banner.code == "token_expired"
    assert "expired" in lab.banner.body_text()
    assert lab.token_panel.report is not None and lab.token_panel.report.expired
    assert any(flag.startswith("expired") for flag in lab.token_panel.flags())
    claims = {
        lab.token_panel.claims.item(r, 0).text(): lab.token_panel.claims.item(r, 1).text()
        for r in range(lab.token_panel.claims.rowCount())
    }
    assert "ago" in claims["exp"]
    cli = await cli_verdict(demo_server.url, token=expired)
    assert cli["verdict"] == "token_expired"


async def test_unreachable_server(qtbot, lab):
    url = f"http://127.0.0.1:{closed_port()}"
    await fire(qtbot, lab, LabSettings(url=url, transport="polling", timeout=5))
    assert lab.banner.code == "unreachable"
    assert (await cli_verdict(url, "--transport", "polling", "--timeout", "5"))[
        "verdict"
    ] == "unreachable"


async def test_bad_input_gives_inline_messages_and_no_probe(qtbot, lab, tmp_path):
    lab.form.set_settings(
        LabSettings(
            url="htp:/nowhere",
            headers=(("bad header", "x"),),
            tls="ca",
            eio=3,
            token="abc.def.ghi",
            token_in="auth",
        )
    )
    qtbot.mouseClick(lab.fire_button, Qt.MouseButton.LeftButton)
    await settle(lambda: lab.banner.level == "warn")
    assert "invalid URL" in lab.form.error_text("url")
    assert "not a valid header name" in lab.form.error_text("headers")
    assert "CA file" in lab.form.error_text("tls")
    # EIO 3 with "auth" is not an error: the engine sends the token in the query (as the CLI).
    assert lab.form.error_text("token_in") == ""
    assert lab.timeline.rowCount() == 0
    assert lab.fire_button.isEnabled()
    # A CA file that does not exist: the engine's message, under the TLS field.
    missing = tmp_path / "nope.pem"
    lab.form.set_settings(LabSettings(url="https://127.0.0.1:1", tls="ca", ca_file=str(missing)))
    await lab.controller.fire()
    assert "cannot use CA file" in lab.form.error_text("tls")
    assert lab.form.error_text("url") == ""


async def test_cancel_while_holding_stops_the_probe(qtbot, lab, demo_server):
    lab.form.set_settings(LabSettings(url=demo_server.url, token=demo_server.token, hold=30))
    qtbot.mouseClick(lab.fire_button, Qt.MouseButton.LeftButton)
    # Rows arrive live, before the probe ends: the upgrade shows while the probe still holds.
    await settle(lambda: any(r.kind == "upgrade" for r in lab.timeline.rows()))
    assert not lab.fire_button.isEnabled()
    assert lab.cancel_button.isEnabled()
    qtbot.mouseClick(lab.cancel_button, Qt.MouseButton.LeftButton)
    await settle(lambda: lab.fire_button.isEnabled())
    assert lab.banner.title_text() == "Cancelled"
    assert not lab.cancel_button.isEnabled()


async def test_copied_reports_mask_the_token(qtbot, lab, demo_server):
    await fire(qtbot, lab, LabSettings(url=demo_server.url, token=demo_server.token))
    clipboard = QApplication.clipboard()
    qtbot.mouseClick(lab.copy_markdown, Qt.MouseButton.LeftButton)
    markdown = clipboard.text()
    assert markdown.startswith("## Handshake probe: `ok`")
    qtbot.mouseClick(lab.copy_json, Qt.MouseButton.LeftButton)
    raw_json = clipboard.text()
    data = json.loads(raw_json)
    assert data["verdict"] == "ok" and data["timeline"]
    for text in (markdown, raw_json):
        assert demo_server.token not in text
        assert demo_server.token[:4] + "…" + demo_server.token[-4:] in text


async def test_app_exit_cancels_a_running_probe(qtbot, lab, demo_server):
    lab.form.set_settings(LabSettings(url=demo_server.url, token=demo_server.token, hold=30))
    qtbot.mouseClick(lab.fire_button, Qt.MouseButton.LeftButton)
    await settle(lambda: lab.controller.running)
    await lab.shutdown()
    assert not lab.controller.running
    await settle(lambda: lab.fire_button.isEnabled())


async def test_waterfall_reads_the_engine_marks(qtbot, lab, demo_server):
    await fire(qtbot, lab, LabSettings(url=demo_server.url, token=demo_server.token))
    result = lab.controller.result
    bars = lab.waterfall.phases()
    assert [b.name for b in bars] == ["DNS", "TCP", "HTTP", "handshake", "CONNECT", "upgrade"]
    marks = ["dns", "tcp", "http", "handshake", "namespace", "upgrade"]
    assert [b.end_ms for b in bars] == [result.phases[m] for m in marks]
    # A refused CONNECT: the red bar ends at the engine's failure mark.
    lab.form.set_settings(LabSettings(url=demo_server.url, token=demo_server.info["expired_token"]))
    await lab.controller.fire()
    assert lab.banner.code == "token_expired"
    result = lab.controller.result
    failed = lab.waterfall.phases()[-1]
    assert failed.failed and failed.name == "CONNECT"
    assert failed.end_ms == result.failed_at_ms


async def test_eio3_with_auth_sends_the_token_in_the_query_like_the_cli(qtbot, lab, demo_server):
    settings = LabSettings(
        url=demo_server.url, token=demo_server.token, eio=3, token_in="auth", transport="polling"
    )
    await fire(qtbot, lab, settings)
    assert lab.controller.result.request["token_in"] == "query"
    cli = await cli_verdict(
        demo_server.url,
        "--eio",
        "3",
        "--token-in",
        "auth",
        "--transport",
        "polling",
        token=demo_server.token,
    )
    assert cli["request"]["token_in"] == "query"
    assert cli["verdict"] == lab.banner.code


async def test_a_token_pasted_into_the_url_is_masked_everywhere(qtbot, lab, demo_server):
    token = demo_server.token
    url = f"{demo_server.url}/?token={token}"
    await fire(qtbot, lab, LabSettings(url=url, transport="polling"))
    assert lab.form.url.text() == url
    assert token not in lab.form.url.shown_text()
    shown = [lab.banner.title_text(), lab.banner.body_text(), lab.report_note.text()]
    shown += [row.detail for row in lab.timeline.rows()]
    clipboard = QApplication.clipboard()
    for button in (lab.copy_markdown, lab.copy_json):
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
        shown.append(clipboard.text())
    assert lab.timeline.rows() and all(token not in text for text in shown)


async def test_a_typed_url_keeps_its_token_and_is_masked_when_left(qtbot, lab):
    from PySide6.QtCore import QEvent
    from PySide6.QtGui import QFocusEvent

    token = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJlLXZhbHVl"
    url = f"http://127.0.0.1:1/?token={token}"
    field = lab.form.url
    field.setText("")
    QApplication.sendEvent(field, QFocusEvent(QEvent.Type.FocusIn))
    qtbot.keyClicks(field, url)
    assert field.text() == url and lab.form.settings().url == url
    QApplication.sendEvent(field, QFocusEvent(QEvent.Type.FocusOut))
    assert field.text() == url
    assert token not in field.shown_text() and token[-4:] in field.shown_text()
