"""Each verdict rule on evidence shaped like what real servers produced (test_probe_verdicts)."""

from __future__ import annotations

import json

import pytest

from wsmonitor.core.verdict import VERDICT_CODES, Evidence, decide
from wsmonitor.core.verdict_http import connect_error_message, engine_error

OPEN = {"open_received": True, "ws_opened": True, "connect_acked": True}

CASES: list[tuple[str, dict]] = [
    ("ok", {"transport": "websocket", **OPEN}),
    (
        "ok",
        {
            "transport": "upgrade",
            "upgrades": ["websocket"],
            "upgrade_attempted": True,
            "upgrade_done": True,
            **OPEN,
        },
    ),
    ("unreachable", {"failure": "refused", "failure_detail": "connection refused"}),
    ("unreachable", {"failure": "dns", "failure_detail": "Name or service not known"}),
    ("timeout", {"failure": "timeout", "failure_phase": "handshake"}),
    ("tls_error", {"failure": "tls", "failure_detail": "CERTIFICATE_VERIFY_FAILED"}),
    (
        "http_error",
        {"http_status": 500, "http_phase": "handshake", "http_body": "Internal Server Error"},
    ),
    (
        "http_error",
        {
            "http_status": 400,
            "http_phase": "poll",
            "http_body": '{"code":1,"message":"Session ID unknown"}',
        },
    ),
    ("not_socketio", {"http_status": 404, "http_phase": "handshake", "http_body": "not found"}),
    ("not_socketio", {"failure": "protocol", "failure_detail": "HTTP 200 (text/html)"}),
    ("not_socketio", {"http_status": 200, "http_phase": "ws_handshake", "http_body": "<html>"}),
    (
        "protocol_mismatch",
        {
            "eio": 3,
            "http_status": 400,
            "http_phase": "handshake",
            "http_body": '{"code":5,"message":"Unsupported protocol version"}',
        },
    ),
    (
        "protocol_mismatch",
        {
            "eio": 3,
            "http_status": 400,
            "http_phase": "handshake",
            "http_body": json.dumps(
                "The client is using an unsupported version of the Socket.IO or Engine.IO protocols"
            ),
        },
    ),
    (
        "protocol_mismatch",
        {
            "eio": 3,
            "transport": "websocket",
            "ws_opened": True,
            "close_code": 1002,
            "closed_by": "server",
            "failure": "protocol",
        },
    ),
    (
        "transport_unavailable",
        {
            "http_status": 400,
            "http_phase": "handshake",
            "http_body": '{"code":0,"message":"Transport unknown"}',
        },
    ),
    (
        "transport_unavailable",
        {"http_status": 400, "http_phase": "ws_handshake", "http_body": "Transport unknown"},
    ),
    (
        "transport_unavailable",
        {
            "transport": "websocket",
            "failure": "read",
            "failure_phase": "connect",
            "failure_detail": "disconnected",
        },
    ),
    (
        "transport_unavailable",
        {"transport": "upgrade", "open_received": True, "upgrades": [], "connect_acked": True},
    ),
    (
        "upgrade_failed",
        {
            "transport": "upgrade",
            "open_received": True,
            "connect_acked": True,
            "upgrades": ["websocket"],
            "upgrade_attempted": True,
            "http_status": 400,
            "http_phase": "upgrade",
            "http_body": '{"code":3,"message":"Bad request"}',
        },
    ),
    (
        "upgrade_failed",
        {
            "transport": "websocket",
            "http_status": 400,
            "http_phase": "ws_handshake",
            "http_body": '{"code":3,"message":"Bad request"}',
        },
    ),
    (
        "upgrade_failed",
        {
            "transport": "upgrade",
            "open_received": True,
            "connect_acked": True,
            "upgrades": ["websocket"],
            "upgrade_attempted": True,
            "upgrade_detail": "websocket closed before 3probe",
        },
    ),
    (
        "cors_rejected",
        {"origin": "https://bad.example", "cors_checked": True, "allow_origin": None, **OPEN},
    ),
    (
        "cors_rejected",
        {
            "origin": "https://bad.example",
            "http_status": 400,
            "http_phase": "handshake",
            "http_body": '"https://bad.example is not an accepted origin."',
        },
    ),
    (
        "forbidden",
        {
            "http_status": 403,
            "http_phase": "handshake",
            "http_body": '{"code":4,"message":"forbidden by policy"}',
        },
    ),
    (
        "forbidden",
        {"http_status": 400, "http_phase": "ws_handshake", "http_body": "forbidden by policy"},
    ),
    (
        "auth_rejected",
        {"open_received": True, "connect_error": {"message": "invalid token"}, "token_given": True},
    ),
    ("auth_rejected", {"http_status": 401, "http_phase": "handshake", "http_body": '"nope"'}),
    (
        "token_expired",
        {
            "open_received": True,
            "connect_error": {"message": "jwt expired"},
            "token_given": True,
            "token_is_jwt": True,
            "token_expired": True,
            "token_expired_ago": "2 h ago",
        },
    ),
    (
        "namespace_invalid",
        {
            "namespace": "/nope",
            "open_received": True,
            "connect_error": {"message": "Invalid namespace"},
        },
    ),
    (
        "namespace_invalid",
        {"namespace": "/nope", "open_received": True, "connect_error": "Unable to connect"},
    ),
    (
        "server_disconnect",
        {
            **OPEN,
            "disconnect_received": True,
            "close_code": 1005,
            "closed_by": "server",
            "packets": [("in", "40"), ("in", "41")],
        },
    ),
    ("server_disconnect", {**OPEN, "close_code": 1001, "closed_by": "server"}),
    # A kick on polling, then the upgrade meets "Session ID unknown": the 41 is the story.
    (
        "server_disconnect",
        {
            "transport": "upgrade",
            "open_received": True,
            "connect_acked": True,
            "upgrades": ["websocket"],
            "upgrade_attempted": True,
            "disconnect_received": True,
            "http_status": 400,
            "http_phase": "upgrade",
            "http_body": '{"code":1,"message":"Session ID unknown"}',
        },
    ),
    (
        "server_disconnect",
        {
            "transport": "polling",
            "open_received": True,
            "connect_acked": True,
            "closed_by": "server",
            "engine_close_received": True,
        },
    ),
    (
        "closed_no_status",
        {**OPEN, "close_code": 1005, "closed_by": "server", "wrong_ping_sent": True},
    ),
    (
        "closed_no_status",
        {"transport": "raw", "ws_opened": True, "close_code": 1005, "closed_by": "server"},
    ),
    (
        "closed_abnormally",
        {"transport": "raw", "ws_opened": True, "close_code": 1006, "closed_by": "server"},
    ),
    (
        "ping_timeout",
        {**OPEN, "ping_timeout": True, "ping_interval_ms": 200, "ping_timeout_ms": 200},
    ),
]


@pytest.mark.parametrize(
    ("code", "fields"), CASES, ids=[f"{c}-{i}" for i, (c, _) in enumerate(CASES)]
)
def test_rule(code: str, fields: dict) -> None:
    verdict = decide(Evidence(**fields))
    assert verdict.code == code, verdict
    assert verdict.summary
    if code != "ok":
        assert verdict.hints


def test_every_code_is_covered() -> None:
    assert {c for c, _ in CASES} == set(VERDICT_CODES)


def test_token_expired_wins_only_when_refused() -> None:
    fields = {
        "token_given": True,
        "token_is_jwt": True,
        "token_expired": True,
        "token_expired_ago": "2 h ago",
    }
    assert decide(Evidence(**OPEN, **fields)).code == "ok"  # accepted anyway: no verdict on it
    refused = decide(Evidence(open_received=True, connect_error={"message": "x"}, **fields))
    assert refused.code == "token_expired"
    assert "2 h ago" in refused.summary


def test_closed_no_status_explains_engine_close_without_41() -> None:
    v = decide(Evidence(**OPEN, close_code=1005, closed_by="server"))
    assert v.code == "closed_no_status"
    assert "41" in v.summary


def test_client_close_is_not_a_verdict() -> None:
    assert decide(Evidence(**OPEN, close_code=1005, closed_by="client")).code == "ok"


def test_engine_error_parsing() -> None:
    assert engine_error('{"code":5,"message":"Unsupported protocol version"}')[0] == 5
    assert engine_error("Transport unknown") == (0, "Transport unknown")
    assert engine_error('"plain"') == (None, "plain")
    assert connect_error_message({"message": "m"}) == "m"
    assert connect_error_message("s") == "s"
