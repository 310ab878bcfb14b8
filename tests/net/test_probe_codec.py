"""Pure parts of the probe: framing, options, heartbeat, masking, reports."""

from __future__ import annotations

import json

import pytest

from wsmonitor.core.probe_report import render_json, render_markdown, render_text
from wsmonitor.net.probe import eio
from wsmonitor.net.probe.heartbeat import Heartbeat
from wsmonitor.net.probe.options import ProbeOptions, ProbeOptionsError
from wsmonitor.net.probe.timeline import Timeline


def test_payload_v4_roundtrip() -> None:
    packets = ['0{"sid":"a"}', "40", "2"]
    assert eio.decode_payload(eio.encode_payload(packets, 4), 4) == packets


def test_payload_v3_roundtrip_counts_utf16_units() -> None:
    packets = ['0{"sid":"a"}', '42["é😀"]']
    body = eio.encode_payload(packets, 3)
    assert body.startswith("12:") and '9:42["é😀"]' in body  # the emoji is 2 UTF-16 units
    assert eio.decode_payload(body, 3) == packets


def test_payload_rejects_html() -> None:
    with pytest.raises(eio.FramingError):
        eio.decode_payload("<html>", 4)
    with pytest.raises(eio.FramingError):
        eio.decode_payload("<html>", 3)


def test_sio_packets() -> None:
    assert eio.sio_connect("/", {"token": "t"}, 4) == '40{"token":"t"}'
    assert eio.sio_connect("/chat", None, 4) == "40/chat,"
    assert eio.sio_connect("/chat", None, 3, "token=t") == "40/chat?token=t"
    p = eio.parse_sio('4/chat,{"message":"Invalid namespace"}')
    assert (p.type, p.nsp, p.data) == ("4", "/chat", {"message": "Invalid namespace"})
    assert eio.parse_sio('4"not authorized"').data == "not authorized"
    assert eio.parse_sio("0/chat?token=x,").nsp == "/chat"
    assert eio.describe("41") == "DISCONNECT /"


def test_options_validation_and_defaults() -> None:
    o = ProbeOptions(url="http://h:1", token="tok-0123456789abc").validate()
    assert o.token_place == "auth" and o.auth_payload() == {"token": "tok-0123456789abc"}
    assert ProbeOptions(url="http://h:1", token="t", eio=3).validate().token_place == "query"
    assert "token=t" in ProbeOptions(url="http://h:1", token="t", eio=3).engine_url("polling")
    assert o.engine_url("websocket").startswith("ws://h:1/socket.io/?EIO=4&transport=websocket")
    header = ProbeOptions(url="http://h", token="abc", token_in="header").request_headers()
    assert header["Authorization"] == "Bearer abc"
    for bad in ("nope", "ftp://x", "http://", "http://h:99999"):
        with pytest.raises(ProbeOptionsError):
            ProbeOptions(url=bad).validate()
    with pytest.raises(ProbeOptionsError):
        ProbeOptions(url="http://h", raw=True).validate()  # raw needs ws://
    with pytest.raises(ProbeOptionsError):
        ProbeOptions(url="https://h", ca_file="/no/such/file.pem").validate()


def test_request_dict_masks_token() -> None:
    token = "secret-token-0123456789"
    o = ProbeOptions(
        url=f"ws://h/ws?token={token}", raw=True, token=token, token_in="header"
    ).validate()
    text = json.dumps(o.to_dict(), ensure_ascii=False)
    assert token not in text and "secr…6789" in text


def test_timeline_masks_and_survives_bad_listener() -> None:
    def boom(event: object) -> None:
        raise RuntimeError("listener bug")

    tl = Timeline(["secret-token-0123456789"], boom)
    e = tl.add(
        "out", "packet", '40{"token":"secret-token-0123456789"}', url="x?t=secret-token-0123456789"
    )
    assert "secret-token-0123456789" not in e.detail + str(e.data)


def test_heartbeat_eio4_and_eio3() -> None:
    hb = Heartbeat(4)
    hb.on_open({"pingInterval": 100, "pingTimeout": 100}, 0.0)
    assert hb.on_deadline(0.1) is None
    hb.on_packet("2", 0.15)
    assert hb.on_deadline(0.3) is None
    assert hb.on_deadline(hb.next_deadline(0.3)) == "timeout"
    hb3 = Heartbeat(3)
    hb3.on_open({"pingInterval": 100, "pingTimeout": 100}, 0.0)
    assert hb3.on_deadline(0.1) == "ping"
    hb3.on_packet("3", 0.12)
    assert hb3.on_deadline(0.15) is None
    assert hb3.on_deadline(0.22) == "ping"
    assert hb3.on_deadline(hb3.next_deadline(0.3)) == "timeout"


def test_reports_render() -> None:
    data = {
        "verdict": "ok",
        "ok": True,
        "summary": "fine",
        "hints": ["h"],
        "close_code": 1005,
        "close_reason": "",
        "request": {"url": "http://h", "eio": 4, "transport": "upgrade", "namespace": "/"},
        "timeline": [{"t_ms": 1.0, "dir": "in", "kind": "packet", "detail": "a|b"}],
        "jwt": {"token": "abcd…wxyz", "is_jwt": False, "error": "not a JWT"},
        "evidence": {"x": 1},
    }
    assert "evidence" not in json.loads(render_json(data))
    assert "verdict: ok" in render_text(data)
    md = render_markdown(data)
    assert "## Handshake probe: `ok`" in md and "a\\|b" in md


def test_base64_binary_packets_are_engineio() -> None:
    assert eio.decode_payload("b4AQID\x1e2", 4) == ["b4AQID", "2"]
    assert eio.describe("b4AQID") == "binary (base64)"


def test_set_cookie_values_are_masked() -> None:
    from wsmonitor.net.probe.conn import relevant_headers

    headers = relevant_headers({"set-cookie": "io=abcdefghijklmnopqrstuvwxyz; Path=/"})
    assert headers["set-cookie"] == "io=abcd…wxyz; Path=/"


def test_engine_url_query_encoding_matches_urlencode() -> None:
    import urllib.parse

    from wsmonitor.net.probe.options import _urlencode

    for query in (
        {"EIO": "4", "transport": "websocket"},
        {"token": "a b+c/d=é", "x y": "~._-", "empty": ""},
    ):
        assert _urlencode(query) == urllib.parse.urlencode(query)
    opts = ProbeOptions(url="http://h:81/?a=1&token=t%20k", token=None).validate()
    assert (
        opts.engine_url("websocket")
        == "ws://h:81/socket.io/?a=1&token=t+k&EIO=4&transport=websocket"
    )
    assert opts.host_port() == ("h", 81) and not opts.is_tls()


def test_relevant_headers_first_value_known_order() -> None:
    from multidict import CIMultiDict

    from wsmonitor.net.probe.conn import relevant_headers

    headers = CIMultiDict([("Upgrade", "websocket"), ("X-Other", "1"), ("Server", "a")])
    headers.add("server", "b")
    headers.add("Connection", "Upgrade")
    assert relevant_headers(headers) == {
        "upgrade": "websocket",
        "connection": "Upgrade",
        "server": "a",
    }
    assert list(relevant_headers(headers)) == ["upgrade", "connection", "server"]
    assert relevant_headers(None) == {}


def test_secrets_are_a_fresh_list_each_time() -> None:
    opts = ProbeOptions(url="http://h/?token=abcdef", headers={"X-Api-Key": "k3y-value"})
    first = opts.secrets()
    first.clear()  # a caller's list is its own, even though the work is cached
    assert "abcdef" in opts.secrets() and "k3y-value" in opts.secrets()
