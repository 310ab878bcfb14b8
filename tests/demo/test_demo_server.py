"""The demo server, as a stock python-socketio client and plain HTTP see it."""

from __future__ import annotations

import asyncio
import json
import signal
from typing import Any

import aiohttp
import httpx
import pytest
import socketio

from tests.peers.demo_fixtures import DemoProcess


async def _refusal(url: str, namespace: str = "/", **kwargs: Any) -> Any:
    """Connect expecting a CONNECT_ERROR; return the error payload the server sent."""
    client = socketio.AsyncClient(handle_sigint=False, reconnection=False)
    errors: list[Any] = []
    client.on("connect_error", errors.append, namespace=namespace)
    with pytest.raises(socketio.exceptions.ConnectionError):
        await client.connect(url, namespaces=[namespace], wait_timeout=10, **kwargs)
    assert errors, "the server refused without a connect error payload"
    return errors[0]


async def test_admin_channel_shows_stats_clients_and_disconnect_reasons(
    demo_server_with_traffic: DemoProcess,
) -> None:
    demo = demo_server_with_traffic
    seen: dict[str, Any] = {"config": None, "stats": [], "reasons": set()}
    client = socketio.AsyncClient(handle_sigint=False, reconnection=False)

    @client.on("config", namespace="/admin")
    def on_config(config: dict[str, Any]) -> None:
        seen["config"] = config

    @client.on("server_stats", namespace="/admin")
    def on_stats(stats: dict[str, Any]) -> None:
        seen["stats"].append(stats)

    @client.on("socket_disconnected", namespace="/admin")
    def on_disconnected(nsp: str, sid: str, reason: str, timestamp: str) -> None:
        seen["reasons"].add(reason)

    await client.connect(
        demo.url,
        namespaces=["/admin"],
        auth={"username": demo.admin_username, "password": demo.admin_password},
        wait_timeout=10,
    )
    try:
        for _ in range(300):  # at most 30 s
            if len(seen["reasons"]) >= 4 and len(seen["stats"]) >= 5:
                break
            await asyncio.sleep(0.1)
    finally:
        await client.disconnect()

    assert seen["config"] is not None
    assert "AGGREGATED_EVENTS" in seen["config"]["supportedFeatures"]
    assert len(seen["stats"]) >= 5, "server_stats should arrive every 2 s"
    peak = max(stats["clientsCount"] for stats in seen["stats"])
    assert peak >= 10, f"the simulator should keep 10+ clients connected, saw {peak}"
    assert len(seen["reasons"]) >= 4, f"only saw reasons {seen['reasons']}"
    assert {"client disconnect", "server disconnect"} <= seen["reasons"]


async def test_wrong_admin_password_is_refused(demo_server: DemoProcess) -> None:
    error = await _refusal(
        demo_server.url,
        demo_server.admin_namespace,
        auth={"username": demo_server.admin_username, "password": "not-the-password"},
    )
    # python-socketio's instrument() words it so; Node's admin-ui says "invalid credentials".
    assert error["message"] == "authentication failed"


async def test_health_endpoint_answers_json(demo_server: DemoProcess) -> None:
    async with httpx.AsyncClient() as http:
        response = await http.get(demo_server.health_url)
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["uptime"] >= 0
    assert "clients" in body


@pytest.mark.parametrize("placement", ["auth", "query", "header"])
async def test_valid_token_is_accepted_wherever_it_is_sent(
    demo_server: DemoProcess, placement: str
) -> None:
    token = demo_server.token
    kwargs: dict[str, Any] = {
        "auth": {"auth": {"token": token}},
        "query": {"url": f"{demo_server.url}?token={token}"},
        "header": {"headers": {"Authorization": f"Bearer {token}"}},
    }[placement]
    url = kwargs.pop("url", demo_server.url)
    client = socketio.AsyncClient(handle_sigint=False, reconnection=False)
    await client.connect(url, wait_timeout=10, **kwargs)
    assert client.connected
    await client.disconnect()


@pytest.mark.parametrize(
    ("token_kind", "message"),
    [("expired", "jwt expired"), ("forged", "invalid signature"), ("none", "no token provided")],
)
async def test_bad_tokens_are_refused_with_a_clear_connect_error(
    demo_server: DemoProcess, token_kind: str, message: str
) -> None:
    token = {
        "expired": demo_server.info["expired_token"],
        # Same header and claims, signature of another secret.
        "forged": demo_server.token[: demo_server.token.rindex(".") + 1] + "A" * 43,
        "none": None,
    }[token_kind]
    auth = {"token": token} if token else {}
    error = await _refusal(demo_server.url, auth=auth)
    assert error["message"] == f"Authentication error: {message}"


async def test_raw_websocket_route_checks_the_token(demo_server: DemoProcess) -> None:
    ws_url = demo_server.info["ws_url"]
    async with aiohttp.ClientSession() as session:
        async with session.ws_connect(f"{ws_url}?token={demo_server.token}") as ws:
            welcome = await ws.receive_json(timeout=5)
            assert welcome["type"] == "welcome"
            await ws.send_str("ping")
            assert await ws.receive_str(timeout=5) == "ping"
        with pytest.raises(aiohttp.WSServerHandshakeError) as refused:
            await session.ws_connect(f"{ws_url}?token=forged")
        assert refused.value.status == 401


def test_first_line_has_everything_a_client_needs(demo_server: DemoProcess) -> None:
    for key in (
        "url",
        "health_url",
        "ws_url",
        "admin_namespace",
        "admin_username",
        "admin_password",
        "token",
        "socketio_path",
    ):
        assert demo_server.info[key], key
    json.dumps(demo_server.info)


def test_sigterm_stops_the_demo_cleanly(demo_server: DemoProcess) -> None:
    demo_server.process.send_signal(signal.SIGTERM)
    assert demo_server.process.wait(timeout=15) == 0
    assert any("stopped" in line for line in demo_server.output)


def test_duration_stops_the_demo_by_itself(demo_server_factory: Any) -> None:
    demo = demo_server_factory("--clients", "0", "--duration", "1")
    assert demo.process.wait(timeout=20) == 0
