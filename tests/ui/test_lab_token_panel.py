"""The token inspector panel: what a user reads about a token (core.jwt_inspect underneath)."""

from __future__ import annotations

import time

import jwt

from wsmonitor.ui.lab.token_panel import TokenPanel

SECRET = "panel-secret-0123456789-abcdefghij"


def _claims(panel: TokenPanel) -> dict[str, str]:
    table = panel.claims
    return {table.item(r, 0).text(): table.item(r, 1).text() for r in range(table.rowCount())}


def test_expired_token_is_flagged_with_absolute_and_relative_times(qtbot):
    panel = TokenPanel()
    qtbot.addWidget(panel)
    now = int(time.time())
    panel.inspect(jwt.encode({"sub": "u1", "iat": now - 10800, "exp": now - 7200}, SECRET))
    assert "expired 2 h ago" in panel.flags()
    claims = _claims(panel)
    assert claims["sub"] == "u1"
    assert "Z" in claims["exp"] and "2 h ago" in claims["exp"]
    assert "3 h ago" in claims["iat"]
    assert "HS256" in panel.status.text() and "expired" in panel.status.text()


def test_not_yet_valid_and_signature_verification(qtbot):
    panel = TokenPanel()
    qtbot.addWidget(panel)
    now = int(time.time())
    token = jwt.encode({"sub": "u2", "nbf": now + 3600, "exp": now + 7200}, SECRET)
    panel.inspect(token)
    assert panel.report is not None and panel.report.not_yet_valid
    panel.key.setText("wrong-secret-wrong-secret-wrong-secret")
    panel.verify_button.click()
    assert "signature does not verify" in panel.flags()
    panel.key.setText(SECRET)
    panel.verify_button.click()
    assert "signature verified" in panel.flags()


def test_opaque_token_and_empty_field_do_not_crash(qtbot):
    panel = TokenPanel()
    qtbot.addWidget(panel)
    panel.inspect("opaque-session-token-0000000000")
    assert "not a JWT" in panel.status.text()
    assert "opaque-session-token-0000000000" not in panel.status.text()
    assert not panel.verify_button.isEnabled()
    panel.inspect("")
    assert "No token" in panel.status.text()
