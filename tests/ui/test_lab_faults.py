"""The lab against servers that really have the fault: the banner says what the CLI says.

Node peers (tests/peers/node/fault_server.js) for the incident's cases, a TLS python-socketio
server for the TLS options.
"""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QApplication

from tests.peers.fault_fixtures import make_jwt
from tests.ui.cli_support import cli_json
from wsmonitor.ui.lab import LabPage
from wsmonitor.ui.lab.presets import PresetStore
from wsmonitor.ui.lab.settings import LabSettings

pytestmark = pytest.mark.node


async def cli_verdict(*args: str, token: str | None = None) -> str:
    return (await cli_json("probe", *args, token=token))["verdict"]


@pytest.fixture
def lab(qtbot, tmp_path) -> LabPage:
    page = LabPage(store=PresetStore(tmp_path))
    qtbot.addWidget(page)
    page.show()
    return page


async def _fire(lab: LabPage, settings: LabSettings, preset: str | None = None) -> str:
    lab.form.set_settings(settings)
    if preset:
        lab.presets.apply(preset)
    await lab.controller.fire()
    QApplication.processEvents()
    assert lab.timeline.rowCount() > 0
    return lab.banner.code


async def test_wechat_preset_on_a_server_that_kicks_matches_cli(lab, node_faults):
    url = f"{node_faults}"
    code = await _fire(
        lab, LabSettings(url=url, path="/kick/", token="t" * 20), "WeChat mini-program"
    )
    assert code == "server_disconnect"
    # The preset fires EIO 4 and EIO 3 (allowEIO3 on /kick/): the server kicks both.
    assert [e.code for e in lab.compare_strip.entries()] == ["server_disconnect"] * 2
    assert "connection handler or middleware" in lab.banner.body_text()
    cli = await cli_verdict(
        url, "--path", "/kick/", "--transport", "websocket", "--token-in", "query", token="t" * 20
    )
    assert cli == code


async def test_eio3_on_node_without_allow_eio3(lab, node_faults):
    code = await _fire(
        lab, LabSettings(url=node_faults, path="/noeio3/"), "Legacy v2 client (EIO 3)"
    )
    assert code == "protocol_mismatch"
    assert "allowEIO3" in lab.banner.body_text()
    assert await cli_verdict(node_faults, "--path", "/noeio3/", "--eio", "3") == code


async def test_expired_jwt_on_node_middleware(lab, node_faults):
    token = make_jwt(-7200)
    code = await _fire(lab, LabSettings(url=node_faults, path="/jwt/", token=token))
    assert code == "token_expired"
    assert lab.token_panel.report is not None and lab.token_panel.report.expired
    assert await cli_verdict(node_faults, "--path", "/jwt/", token=token) == code


async def test_tls_options(lab, tls_sio_server, tls_cert):
    cert, _key = tls_cert
    untrusted = await _fire(lab, LabSettings(url=tls_sio_server, transport="polling"))
    assert untrusted == "tls_error"
    assert await cli_verdict(tls_sio_server, "--transport", "polling") == untrusted
    with_ca = await _fire(lab, LabSettings(url=tls_sio_server, tls="ca", ca_file=str(cert)))
    assert with_ca == "ok"
    insecure = await _fire(lab, LabSettings(url=tls_sio_server, tls="insecure"))
    assert insecure == "ok"
