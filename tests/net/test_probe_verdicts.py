"""Every verdict, end to end, against a real server that really has the fault."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.peers.fault_fixtures import make_jwt
from tests.peers.faults.sio_servers import GOOD_TOKEN
from wsmonitor.net.probe import ProbeOptions, ProbeResult, run_probe

pytestmark = pytest.mark.timeout(60)


async def probe(url: str, **kwargs: object) -> ProbeResult:
    kwargs.setdefault("timeout", 5.0)
    return await run_probe(ProbeOptions(url=url, **kwargs))  # type: ignore[arg-type]


def kinds(result: ProbeResult) -> list[str]:
    return [e.kind for e in result.timeline]


@pytest.mark.parametrize("eio", [3, 4])
@pytest.mark.parametrize("transport", ["polling", "websocket", "upgrade"])
async def test_ok_node(node_faults: str, eio: int, transport: str) -> None:
    r = await probe(node_faults, path="/ok/", eio=eio, transport=transport)
    assert r.verdict.code == "ok", r.to_dict()
    assert r.evidence.connect_acked
    assert {"dns", "tcp", "http_request", "http_response"} <= set(kinds(r))
    if transport == "upgrade":
        assert r.evidence.upgrade_done
        sent = [e.detail for e in r.timeline if e.dir == "out"]
        assert any("2probe" in d for d in sent) and any(d.endswith(": 5") for d in sent)


async def test_ok_holds_and_answers_server_pings(node_faults: str) -> None:
    # pingInterval is 300 ms on the fault server: a 1 s hold sees pings and must answer them.
    r = await probe(node_faults, path="/ok/", transport="websocket", hold=1.0)
    assert r.verdict.code == "ok"
    assert [e.dir for e in r.timeline if e.kind == "ping"].count("in") >= 2
    assert [e.dir for e in r.timeline if e.kind == "pong"].count("out") >= 2


async def test_ok_eio3_client_pings(node_faults: str) -> None:
    r = await probe(node_faults, path="/ok/", eio=3, transport="websocket", hold=1.0)
    assert r.verdict.code == "ok"
    assert any(e.kind == "ping" and e.dir == "out" for e in r.timeline)
    assert any(e.kind == "pong" and e.dir == "in" for e in r.timeline)


async def test_unreachable(closed_port_url: str) -> None:
    r = await probe(closed_port_url)
    assert r.verdict.code == "unreachable"


async def test_unreachable_dns() -> None:
    r = await probe("http://no-such-host.invalid:1")
    assert r.verdict.code == "unreachable"


async def test_timeout(silent_server: str) -> None:
    r = await probe(silent_server, timeout=0.5)
    assert r.verdict.code == "timeout"


async def test_tls_error_self_signed(tls_sio_server: str) -> None:
    r = await probe(tls_sio_server, transport="polling")
    assert r.verdict.code == "tls_error"
    assert "--ca-file" in " ".join(r.verdict.hints)


async def test_tls_insecure_and_ca_file(tls_sio_server: str, tls_cert: tuple[Path, Path]) -> None:
    r = await probe(tls_sio_server, verify_tls=False)
    assert r.verdict.code == "ok", r.to_dict()
    assert "tls" in kinds(r)
    r = await probe(
        tls_sio_server.replace("https", "wss"), transport="websocket", ca_file=str(tls_cert[0])
    )
    assert r.verdict.code == "ok", r.to_dict()


async def test_http_error(error_server: str) -> None:
    r = await probe(error_server)
    assert r.verdict.code == "http_error"
    assert r.evidence.http_status == 500


async def test_not_socketio(html_server: str) -> None:
    for transport in ("polling", "websocket"):
        r = await probe(html_server, transport=transport)
        assert r.verdict.code == "not_socketio", (transport, r.to_dict())


async def test_protocol_mismatch_node_polling(node_faults: str) -> None:
    r = await probe(node_faults, path="/noeio3/", eio=3, transport="polling")
    assert r.verdict.code == "protocol_mismatch"
    assert "allowEIO3" in " ".join(r.verdict.hints)


async def test_protocol_mismatch_node_websocket(node_faults: str) -> None:
    # Node completes the 101, then writes "HTTP/1.1 400" into the websocket and drops it.
    r = await probe(node_faults, path="/noeio3/", eio=3, transport="websocket")
    assert r.verdict.code == "protocol_mismatch"
    assert r.evidence.ws_opened and not r.evidence.open_received


@pytest.mark.parametrize("transport", ["polling", "websocket"])
async def test_protocol_mismatch_python(python_sio_server: str, transport: str) -> None:
    # python-engineio refuses EIO=3 before any 101, with a JSON string body (no code).
    r = await probe(python_sio_server, eio=3, transport=transport)
    assert r.verdict.code == "protocol_mismatch"
    assert r.evidence.http_status == 400 and not r.evidence.ws_opened


async def test_transport_unavailable_polling(node_faults: str) -> None:
    r = await probe(node_faults, path="/wsonly/", transport="polling")
    assert r.verdict.code == "transport_unavailable"


async def test_transport_unavailable_websocket(node_faults: str) -> None:
    r = await probe(node_faults, path="/pollonly/", transport="websocket")
    assert r.verdict.code == "transport_unavailable"


async def test_transport_unavailable_upgrade(node_faults: str) -> None:
    r = await probe(node_faults, path="/pollonly/", transport="upgrade")
    assert r.verdict.code == "transport_unavailable"


async def test_upgrade_failed_stripping_proxy(stripping_proxy: str) -> None:
    r = await probe(stripping_proxy, path="/ok/", transport="upgrade")
    assert r.verdict.code == "upgrade_failed", r.to_dict()
    assert "Upgrade and Connection" in " ".join(r.verdict.hints)
    # Polling through the same proxy works.
    assert (await probe(stripping_proxy, path="/ok/", transport="polling")).verdict.code == "ok"


async def test_cors_rejected_node(node_faults: str) -> None:
    r = await probe(node_faults, path="/cors/", origin="https://bad.example")
    assert r.verdict.code == "cors_rejected"
    assert "https://bad.example" in " ".join(r.verdict.hints)
    good = await probe(node_faults, path="/cors/", origin="https://good.example")
    assert good.verdict.code == "ok"


async def test_cors_rejected_python(python_sio_server: str) -> None:
    # python-engineio refuses a foreign Origin itself: HTTP 400 "... is not an accepted origin."
    r = await probe(python_sio_server, origin="https://bad.example", token=GOOD_TOKEN)
    assert r.verdict.code == "cors_rejected"
    assert r.evidence.http_status == 400


async def test_forbidden(node_faults: str) -> None:
    for transport in ("polling", "websocket"):
        r = await probe(node_faults, path="/forbidden/", transport=transport)
        assert r.verdict.code == "forbidden", transport
        assert "forbidden by policy" in r.verdict.summary


@pytest.mark.parametrize("token_in", ["auth", "query", "header", "cookie"])
async def test_jwt_placements(node_faults: str, token_in: str) -> None:
    token = make_jwt(3600)
    r = await probe(node_faults, path="/jwt/", token=token, token_in=token_in)
    assert r.verdict.code == "ok", r.to_dict()
    text = str(r.to_dict())
    assert token not in text  # masked everywhere


async def test_auth_rejected(node_faults: str) -> None:
    r = await probe(
        node_faults,
        path="/jwt/",
        token=make_jwt(3600, secret="wrong-secret-for-wsmonitor-tests-0123456789"),
    )
    assert r.verdict.code == "auth_rejected"
    assert "invalid token" in r.verdict.summary


async def test_auth_rejected_eio3(node_faults: str) -> None:
    r = await probe(node_faults, path="/jwt/", eio=3, transport="polling", token="not-a-jwt-at-all")
    assert r.verdict.code == "auth_rejected"


async def test_auth_rejected_python(python_sio_server: str) -> None:
    r = await probe(python_sio_server, token="wrong-token-value")
    assert r.verdict.code == "auth_rejected"
    assert (await probe(python_sio_server, token=GOOD_TOKEN)).verdict.code == "ok"


async def test_token_expired(node_faults: str) -> None:
    r = await probe(node_faults, path="/jwt/", token=make_jwt(-7200))
    assert r.verdict.code == "token_expired"
    assert "2 h ago" in r.verdict.summary


async def test_namespace_invalid_node(node_faults: str) -> None:
    r = await probe(node_faults, path="/ok/", namespace="/nope")
    assert r.verdict.code == "namespace_invalid"


async def test_namespace_invalid_python(python_sio_server: str) -> None:
    # python-socketio answers an unknown namespace "Unable to connect", not "Invalid namespace".
    r = await probe(python_sio_server, namespace="/nope", token=GOOD_TOKEN)
    assert r.verdict.code == "namespace_invalid"
    assert r.evidence.connect_error == "Unable to connect"


async def test_server_disconnect_kick(node_faults: str) -> None:
    # The incident, variant 1: the connection handler disconnects; 41 precedes the 1005.
    r = await probe(node_faults, path="/kick/", transport="websocket")
    assert r.verdict.code == "server_disconnect"
    assert r.close_code == 1005
    assert ("in", "41") in r.evidence.packets


async def test_closed_no_status_wrong_heartbeat(node_faults: str) -> None:
    # The incident, variant 2: EIO=3-style client ping on EIO=4: "transport error", 1005, no 41.
    r = await probe(node_faults, path="/ok/", transport="websocket", client_pings=True)
    assert r.verdict.code == "closed_no_status"
    assert r.close_code == 1005
    assert "heartbeat" in r.verdict.summary
    assert not r.evidence.disconnect_received


@pytest.mark.parametrize("eio", [3, 4])
@pytest.mark.parametrize("transport", ["polling", "upgrade"])
async def test_server_disconnect_kick_other_transports(
    node_faults: str, eio: int, transport: str
) -> None:
    # On polling the 41 arrives in a poll answer; an upgrade attempted after it meets
    # "Session ID unknown", which must not hide the kick.
    r = await probe(node_faults, path="/kick/", transport=transport, eio=eio)
    assert r.verdict.code == "server_disconnect", r.to_dict()
    assert r.evidence.disconnect_received


async def test_closed_no_status_wrong_heartbeat_after_upgrade(node_faults: str) -> None:
    r = await probe(node_faults, path="/ok/", transport="upgrade", client_pings=True)
    assert r.verdict.code == "closed_no_status" and r.evidence.upgrade_done


async def test_closed_abnormally_engineio(heartbeat_silent_server: str) -> None:
    r = await probe(heartbeat_silent_server, path="/drop/", transport="websocket", hold=1.0)
    assert r.verdict.code == "closed_abnormally", r.to_dict()
    assert r.close_code == 1006 and r.evidence.connect_acked


async def test_wrong_heartbeat_tolerated_by_python(python_sio_server: str) -> None:
    # python-engineio ignores a client ping on EIO=4 (no pong, no close); Node closes (1005).
    r = await probe(
        python_sio_server, transport="websocket", token=GOOD_TOKEN, client_pings=True, hold=0.5
    )
    assert r.verdict.code == "ok"
    assert r.evidence.wrong_ping_sent and r.close_code is None


async def test_closed_no_status_raw(raw_ws_server: str) -> None:
    r = await run_probe(ProbeOptions(url=raw_ws_server + "/nostatus", raw=True, hold=1.0))
    assert r.verdict.code == "closed_no_status"
    assert r.close_code == 1005


async def test_closed_abnormally_raw(raw_ws_server: str) -> None:
    r = await run_probe(ProbeOptions(url=raw_ws_server + "/drop", raw=True, hold=1.0))
    assert r.verdict.code == "closed_abnormally"
    assert r.close_code == 1006


async def test_raw_ok_and_refused(raw_ws_server: str) -> None:
    r = await run_probe(
        ProbeOptions(
            url=raw_ws_server + "/echo",
            raw=True,
            message="hi",
            token="raw-token-123456789",
            hold=0.3,
        )
    )
    assert r.verdict.code == "ok"
    assert any(e.kind == "packet" and e.dir == "in" and "hi" in e.detail for e in r.timeline)
    assert "raw-token-123456789" not in str(r.to_dict())
    r = await run_probe(ProbeOptions(url=raw_ws_server + "/deny", raw=True))
    assert r.verdict.code == "auth_rejected"


@pytest.mark.parametrize("eio", [3, 4])
async def test_ping_timeout(heartbeat_silent_server: str, eio: int) -> None:
    r = await probe(heartbeat_silent_server, eio=eio, transport="websocket", hold=2.0)
    assert r.verdict.code == "ping_timeout", r.to_dict()
