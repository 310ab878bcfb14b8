"""The lab's EIO "3 and 4" Fire against real servers: two runs, a strip to pick one, one report.

python-engineio speaks EIO 4 only, so the demo server refuses the EIO 3 run; the Node peer
accepts both when started with allowEIO3.
"""

from __future__ import annotations

import json
import re

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from tests.ui.monitor_support import settle
from wsmonitor.ui.lab import LabPage
from wsmonitor.ui.lab.settings import EIO_BOTH, LabSettings

STRIP = re.compile(r"EIO 4 ✓ ok \d+ ms · EIO 3 ✗ protocol_mismatch \d+ ms")


async def fire_and_wait(qtbot, lab: LabPage) -> None:
    qtbot.mouseClick(lab.fire_button, Qt.MouseButton.LeftButton)
    await settle(lambda: lab.banner.code != "" and not lab.controller.running)


def request_of_shown_run(lab: LabPage) -> dict:
    return lab.controller.result.request


def ws_request(lab: LabPage) -> str:
    """The websocket handshake request the timeline shows."""
    return next(row.detail for row in lab.timeline.rows() if row.kind == "http_request")


async def test_wechat_preset_compares_eio4_and_eio3_on_python_server(qtbot, lab, demo_server):
    token = demo_server.token
    lab.form.set_settings(LabSettings(url=demo_server.url, token=token))
    lab.presets.apply("WeChat mini-program")
    await fire_and_wait(qtbot, lab)

    strip = lab.compare_strip
    assert strip.isVisible()
    assert STRIP.fullmatch(strip.text()), strip.text()
    assert [e.code for e in strip.entries()] == ["ok", "protocol_mismatch"]
    # The failing run is shown first: banner, timeline and waterfall are EIO 3's.
    assert strip.selected() == 1
    assert lab.banner.code == "protocol_mismatch" and "allowEIO3" in lab.banner.body_text()
    assert "EIO=3" in ws_request(lab) and "transport=websocket" in ws_request(lab)
    assert any(phase.failed for phase in lab.waterfall.phases())
    assert request_of_shown_run(lab)["token_in"] == "query"
    assert "EIO 3" in lab.report_note.text() and "query string" in lab.report_note.text()
    eio3_rows = lab.timeline.rows()

    qtbot.mouseClick(strip.button(0), Qt.MouseButton.LeftButton)
    assert strip.selected() == 0
    assert lab.banner.code == "ok" and lab.banner.level == "ok"
    assert lab.timeline.rows() != eio3_rows
    assert "EIO=4" in ws_request(lab) and "token=" in ws_request(lab)
    assert not any(phase.failed for phase in lab.waterfall.phases())
    assert "CONNECT" in [phase.name for phase in lab.waterfall.phases()]
    assert request_of_shown_run(lab)["eio"] == 4
    assert all(token not in row.detail for row in lab.timeline.rows())

    clipboard = QApplication.clipboard()
    qtbot.mouseClick(lab.copy_markdown, Qt.MouseButton.LeftButton)
    markdown = clipboard.text()
    assert "all 2 runs" in lab.report_note.text()
    qtbot.mouseClick(lab.copy_json, Qt.MouseButton.LeftButton)
    raw_json = clipboard.text()
    lines = markdown.splitlines()
    assert lines[0] == "# Handshake probe: EIO 4 vs EIO 3"
    assert STRIP.fullmatch(lines[2])
    assert "## EIO 4: `ok`" in markdown and "## EIO 3: `protocol_mismatch`" in markdown
    runs = json.loads(raw_json)["runs"]
    assert [(r["request"]["eio"], r["verdict"]) for r in runs] == [
        (4, "ok"),
        (3, "protocol_mismatch"),
    ]
    assert all(r["timeline"] and r["request"]["token_in"] == "query" for r in runs)
    for text in (markdown, raw_json):
        assert token not in text
        assert token[:4] + "…" + token[-4:] in text


@pytest.mark.node
async def test_both_versions_pass_on_node_with_allow_eio3_each_with_its_defaults(
    qtbot, lab, node_admin_peer
):
    peer = node_admin_peer(allow_eio3=True)
    token = "opaque-token-for-the-compare-test"
    # Token place left at "default": the auth payload on EIO 4, the query string on EIO 3.
    lab.form.set_settings(LabSettings(url=peer.url, token=token, eio=EIO_BOTH))
    await fire_and_wait(qtbot, lab)
    strip = lab.compare_strip
    assert re.fullmatch(r"EIO 4 ✓ ok \d+ ms · EIO 3 ✓ ok \d+ ms", strip.text()), strip.text()
    assert strip.selected() == 0 and lab.banner.code == "ok"
    results = lab.controller.results
    assert [(r.request["eio"], r.request["token_in"]) for r in results] == [
        (4, "auth"),
        (3, "query"),
    ]
    assert "upgrade" in {row.kind for row in lab.timeline.rows()}
    qtbot.mouseClick(strip.button(1), Qt.MouseButton.LeftButton)
    assert lab.controller.result is results[1] and lab.banner.code == "ok"
    assert "EIO=3" in ws_request(lab)


async def test_cancel_stops_the_pair_and_a_single_fire_afterwards_is_as_before(
    qtbot, lab, demo_server
):
    settings = LabSettings(url=demo_server.url, token=demo_server.token, eio=EIO_BOTH, hold=30)
    lab.form.set_settings(settings)
    qtbot.mouseClick(lab.fire_button, Qt.MouseButton.LeftButton)
    # The EIO 4 run connects, then holds: its rows arrive live while the strip says so.
    await settle(lambda: any(row.kind == "upgrade" for row in lab.timeline.rows()))
    assert lab.compare_strip.text() == "EIO 4 running… · EIO 3 waiting…"
    assert lab.banner.title_text() == "Running…" and "Run 1 of 2: EIO 4" in lab.banner.body_text()
    qtbot.mouseClick(lab.cancel_button, Qt.MouseButton.LeftButton)
    await settle(lambda: lab.fire_button.isEnabled())
    assert lab.banner.title_text() == "Cancelled"
    assert lab.compare_strip.text() == "EIO 4 cancelled · EIO 3 cancelled"
    assert not lab.controller.running and lab.controller.results == []
    assert not lab.copy_markdown.isEnabled()
    # The EIO 3 run never started: no row of it reached the timeline.
    headings = [row.kind for row in lab.timeline.rows() if row.kind.startswith("──")]
    assert headings == ["── EIO 4"]
    assert not any("EIO=3" in row.detail for row in lab.timeline.rows())

    # Back to one version: no strip, the single report as before.
    lab.form.set_settings(LabSettings(url=demo_server.url, token=demo_server.token, eio=4))
    await fire_and_wait(qtbot, lab)
    assert lab.banner.code == "ok" and not lab.compare_strip.isVisible()
    assert len(lab.controller.results) == 1
    assert not any(row.kind.startswith("──") for row in lab.timeline.rows())
    qtbot.mouseClick(lab.copy_markdown, Qt.MouseButton.LeftButton)
    assert QApplication.clipboard().text().startswith("## Handshake probe: `ok`")
    assert lab.report_note.text().startswith("Markdown report copied")


async def test_bad_input_in_compare_mode_is_reported_once_per_field(qtbot, lab):
    lab.form.set_settings(LabSettings(url="htp:/nowhere", eio=EIO_BOTH))
    await lab.controller.fire()
    assert lab.banner.level == "warn"
    message = lab.form.error_text("url")
    assert "invalid URL" in message and ";" not in message
    assert not lab.compare_strip.isVisible() and lab.timeline.rowCount() == 0
