"""What a demanding user noticed: honest timelines, garbage servers, secrets in URLs and headers.

Every probe here runs against a real server on loopback (tests/peers/); none may raise.
"""

from __future__ import annotations

import json
import logging

import pytest

from tests.peers.fault_fixtures import make_jwt
from tests.peers.faults.sio_servers import GOOD_TOKEN
from wsmonitor.net.probe import ProbeOptions, ProbeResult, run_probe

pytestmark = pytest.mark.timeout(60)


def _rows(result: ProbeResult, kind: str) -> list[str]:
    return [e.detail for e in result.timeline if e.kind == kind]


def _first(result: ProbeResult, kind: str) -> int:
    return next(i for i, e in enumerate(result.timeline) if e.kind == kind)


@pytest.mark.parametrize("server", ["python", "node"])
async def test_post_answers_of_both_servers_are_normal(
    server: str, python_sio_server: str, node_faults: str
) -> None:
    """python-engineio answers a POST with "OK", Node with "ok": neither is worth a row."""
    if server == "python":
        options = ProbeOptions(url=python_sio_server, transport="polling", token=GOOD_TOKEN)
    else:
        options = ProbeOptions(url=node_faults, path="/ok/", transport="polling")
    result = await run_probe(options)
    assert result.ok, result.verdict
    assert any(row.startswith("POST ") for row in _rows(result, "http_request"))
    assert not [row for row in _rows(result, "info") if "POST answer" in row]


@pytest.mark.parametrize("transport", ["polling", "websocket"])
async def test_request_row_comes_when_the_request_is_sent(
    python_sio_server: str, transport: str
) -> None:
    """The first request goes out on a connection, so its row follows the TCP row."""
    result = await run_probe(
        ProbeOptions(url=python_sio_server, transport=transport, token=GOOD_TOKEN)
    )
    assert result.ok, result.verdict
    assert _first(result, "tcp") < _first(result, "http_request") < _first(result, "http_response")
    assert result.phases["dns"] <= result.phases["tcp"] <= result.phases["handshake"]


@pytest.mark.parametrize("transport", ["polling", "websocket"])
async def test_a_request_never_sent_still_has_its_row(closed_port_url: str, transport: str) -> None:
    result = await run_probe(ProbeOptions(url=closed_port_url, transport=transport))
    assert result.verdict.code == "unreachable"
    assert any(row.endswith("(not sent)") for row in _rows(result, "http_request"))


@pytest.mark.parametrize(
    ("path", "transport", "eio"),
    [
        ("/badopen/", "polling", 4),
        ("/badopen/", "polling", 3),
        ("/badsid/", "polling", 4),
        ("/badsid/", "upgrade", 4),
        ("/endless/", "polling", 4),
        ("/wsgarbage/", "websocket", 4),
        ("/wsbadopen/", "websocket", 4),
    ],
)
async def test_garbage_is_not_socketio(
    garbage_server: str, path: str, transport: str, eio: int
) -> None:
    """Malformed open packets, endless bodies and foreign websockets: a verdict, not a crash.

    The endless body stops at a size cap, long before the timeout.
    """
    result = await run_probe(
        ProbeOptions(url=garbage_server, path=path, transport=transport, eio=eio, timeout=8)
    )
    assert result.verdict.code == "not_socketio", result.verdict
    assert result.evidence.failure != "timeout"


async def test_unanswered_connect_times_out_without_post_noise(garbage_server: str) -> None:
    result = await run_probe(
        ProbeOptions(url=garbage_server, path="/noconnect/", transport="polling", timeout=1)
    )
    assert result.verdict.code == "timeout" and result.evidence.failure_phase == "namespace"
    assert not [row for row in _rows(result, "info") if "POST answer" in row]


@pytest.mark.parametrize(
    ("transport", "raw"), [("polling", False), ("websocket", False), ("", True)]
)
async def test_bytes_that_are_not_http(bytes_server: str, transport: str, raw: bool) -> None:
    url = bytes_server.replace("http", "ws", 1) if raw else bytes_server
    result = await run_probe(ProbeOptions(url=url, transport=transport or "upgrade", raw=raw))
    assert result.verdict.code == "not_socketio", result.verdict
    assert "\n" not in result.verdict.summary


async def test_token_in_the_url_is_masked_and_inspected(raw_ws_server: str) -> None:
    token = make_jwt(-7200)
    result = await run_probe(ProbeOptions(url=f"{raw_ws_server}/deny?token={token}", raw=True))
    text = json.dumps(result.to_dict())
    assert token not in text and token[:4] in text
    assert result.jwt is not None and result.jwt.expired
    assert result.verdict.code == "token_expired"


async def test_secret_headers_are_masked_in_the_request(raw_ws_server: str) -> None:
    key = "api-key-0123456789-abcdef"
    bearer = make_jwt(3600)
    options = ProbeOptions(
        url=f"{raw_ws_server}/echo",
        raw=True,
        headers={"X-Api-Key": key, "Authorization": f"Bearer {bearer}", "X-Plain": "visible"},
    )
    result = await run_probe(options)
    assert result.ok, result.verdict
    headers = result.to_dict()["request"]["headers"]
    assert key not in json.dumps(result.to_dict()) and bearer not in json.dumps(result.to_dict())
    assert headers["Authorization"].startswith("Bearer ") and headers["X-Plain"] == "visible"


async def test_debug_log_of_a_failure_masks_the_token(
    closed_port_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    """The traceback logged at debug level quotes the URL; the token in it is masked."""
    token = "query-token-0123456789-abcdef"
    caplog.set_level(logging.DEBUG, logger="wsmonitor.net.probe")
    result = await run_probe(
        ProbeOptions(url=closed_port_url, transport="websocket", token=token, token_in="query")
    )
    assert result.verdict.code == "unreachable"
    assert "probe error" in caplog.text and token not in caplog.text
    assert token not in json.dumps(result.to_dict())
