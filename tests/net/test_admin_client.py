"""The admin client against real servers: auth, clear failures, no retry loop, restart gaps."""

from __future__ import annotations

import asyncio
import math
import time
from dataclasses import replace
from typing import Any

import pytest

from tests.net.test_admin_client_support import WAIT, app_client, node_session, wait_for
from wsmonitor.net.admin_client import AdminClient, OperationNotSupported
from wsmonitor.net.admin_config import AdminConnectionConfig
from wsmonitor.net.admin_status import ConnState, ErrorKind


async def _status_after(config: AdminConnectionConfig, *states: ConnState) -> Any:
    client = AdminClient(config, on_event=lambda name, args: None)
    client.start()
    try:
        return await client.wait_until(*states, timeout=WAIT), client
    finally:
        await client.stop()


@pytest.mark.node
async def test_node_connects_with_bcrypt_credentials(node_admin_peer: Any) -> None:
    peer = node_admin_peer(server_id="node-a")
    session = node_session(peer)
    await session.start()
    try:
        await wait_for(lambda: session.snapshot().stats.servers, what="server_stats")
        snap = session.snapshot()
        assert snap.status.state is ConnState.CONNECTED
        assert snap.stats.dialect == "node"
        assert {"ALL_EVENTS", "DISCONNECT", "AGGREGATED_EVENTS"} <= snap.stats.features
        (server,) = snap.stats.servers
        assert (server.server_id, server.pid, server.healthy) == ("node-a", peer.pid, True)
        assert server.clients == 1  # clientsCount includes the monitor itself
        assert session.client.session_id  # Node's `session` event
    finally:
        await session.stop()


@pytest.mark.node
async def test_node_wrong_password_fails_fast_without_retrying(node_admin_peer: Any) -> None:
    peer = node_admin_peer()
    session = node_session(peer, password="wrong-password")
    started = time.monotonic()
    await session.start()
    try:
        status = await session.client.wait_until(ConnState.FAILED, timeout=WAIT)
        assert status.state is ConnState.FAILED
        assert status.error_kind is ErrorKind.AUTH
        assert "invalid credentials" in status.message
        assert time.monotonic() - started < 10
        await asyncio.sleep(3)  # a retry loop would show up in the server's counter
        assert peer.stats()["namespaces"]["/admin"]["connectErrors"] == {"invalid credentials": 1}
        assert session.client.status.state is ConnState.FAILED
    finally:
        await session.stop()
    assert "wrong-password" not in repr(session.client.config)


async def test_python_wrong_password_fails_fast(demo_server: Any) -> None:
    config = AdminConnectionConfig(
        url=demo_server.url, username=demo_server.admin_username, password="nope"
    )
    status, _ = await _status_after(config, ConnState.FAILED)
    assert status.error_kind is ErrorKind.AUTH
    assert "invalid credentials" in status.message
    assert "authentication failed" in status.message  # what the python server said


async def test_connection_refused_is_named_and_retried(closed_port_url: str) -> None:
    config = AdminConnectionConfig(url=closed_port_url, backoff_initial=0.2)
    status, _ = await _status_after(config, ConnState.RETRYING)
    assert status.error_kind is ErrorKind.REFUSED
    assert status.message.startswith("connection refused")
    assert status.next_retry_at is not None


async def test_silent_server_is_a_timeout(silent_server: str) -> None:
    config = AdminConnectionConfig(url=silent_server, request_timeout=1.0, connect_timeout=2.0)
    status, _ = await _status_after(config, ConnState.RETRYING)
    assert status.error_kind is ErrorKind.TIMEOUT, status
    assert status.message.startswith("timeout")


async def test_http_error_and_non_socketio(error_server: str, html_server: str) -> None:
    status, _ = await _status_after(AdminConnectionConfig(url=error_server), ConnState.RETRYING)
    assert status.error_kind is ErrorKind.HTTP and "HTTP 500" in status.message
    status, _ = await _status_after(AdminConnectionConfig(url=html_server), ConnState.RETRYING)
    assert status.error_kind in (ErrorKind.HTTP, ErrorKind.NOT_SOCKETIO), status


async def test_tls_untrusted_then_trusted_with_ca_file(
    tls_sio_server: str, tls_cert: tuple[Any, Any]
) -> None:
    config = AdminConnectionConfig(url=tls_sio_server)
    status, _ = await _status_after(config, ConnState.RETRYING)
    assert status.error_kind is ErrorKind.TLS
    assert status.message.startswith("TLS: ") and "certificate" in status.message
    # with the CA file TLS passes; that server has no admin namespace, which is the next failure
    for trusted in (replace(config, ca_file=str(tls_cert[0])), replace(config, tls_verify=False)):
        status, _ = await _status_after(trusted, ConnState.FAILED)
        assert status.error_kind is ErrorKind.NAMESPACE, status
        assert "/admin" in status.message and "instrument()" in status.message
        # python-socketio refuses an unknown namespace with a plain string, not Node's
        # {"message": "Invalid namespace"}
        assert "Unable to connect" in status.message


@pytest.mark.node
async def test_wrong_namespace_is_a_clear_failure(node_admin_peer: Any) -> None:
    peer = node_admin_peer()
    session = node_session(peer, namespace="/monitor")
    await session.start()
    try:
        status = await session.client.wait_until(ConnState.FAILED, timeout=WAIT)
        assert status.error_kind is ErrorKind.NAMESPACE
        assert "Invalid namespace" in status.message
    finally:
        await session.stop()


@pytest.mark.node
async def test_server_restart_reconnects_and_records_a_gap(node_admin_peer: Any) -> None:
    peer = node_admin_peer()
    session = node_session(peer, backoff_initial=0.2, backoff_max=1.0)
    await session.start()
    agg = session.aggregator
    try:
        await wait_for(lambda: agg.cluster.rows(time.time()), what="first stats")
        old_pid = peer.pid
        await asyncio.to_thread(peer.restart, False)  # SIGKILL: a crash, then a new process
        await wait_for(lambda: agg.gaps() and agg.gaps()[-1].end is not None, what="reconnect")
        await wait_for(
            lambda: any(r.pid == peer.pid for r in agg.cluster.rows(time.time())),
            what="stats of the new process",
        )
        assert peer.pid != old_pid
        gap = agg.gaps()[-1]
        assert gap.end is not None and gap.end > gap.start
        assert "connection lost" in gap.reason
        # the plot shows a hole over the gap, not zeros
        inside = agg.series.clients.raw(int(gap.start) + 1, int(gap.end) - 1)[1]  # whole seconds
        assert inside.size == 0 or all(math.isnan(v) for v in inside)
        assert session.snapshot().status.state is ConnState.CONNECTED
    finally:
        await session.stop()


@pytest.mark.node
async def test_reconnect_reuses_the_node_session_id(node_admin_peer: Any) -> None:
    peer = node_admin_peer()
    session = node_session(peer, backoff_initial=0.2)
    await session.start()
    try:
        await wait_for(lambda: session.client.session_id, what="session id")
        # from now on only the session id can authenticate
        session.client.config = replace(session.client.config, password="not-the-password")
        await asyncio.to_thread(peer.kick_all, None, True, True)  # kick the monitor
        await wait_for(lambda: session.aggregator.gaps(), what="disconnect")
        status = await session.client.wait_until(ConnState.CONNECTED, timeout=WAIT)
        assert status.state is ConnState.CONNECTED
        assert peer.stats()["namespaces"]["/admin"]["connectErrors"] == {}
    finally:
        await session.stop()


@pytest.mark.node
async def test_disconnect_operation_only_where_allowed(node_admin_peer: Any) -> None:
    peer = node_admin_peer()
    session = node_session(peer)
    await session.start()
    chat = await app_client(peer.url)
    try:
        sid = chat.get_sid("/chat")
        await wait_for(lambda: sid in session.aggregator.sockets, what="socket in store")
        assert session.can("DISCONNECT")
        await session.disconnect_socket("/chat", sid)
        await wait_for(lambda: sid not in session.aggregator.sockets, what="socket removed")
        assert session.aggregator.totals().socket_reasons == {"server namespace disconnect": 1}
    finally:
        await chat.disconnect()
        await session.stop()

    readonly = node_admin_peer(readonly=True)
    session = node_session(readonly)
    await session.start()
    try:
        await wait_for(lambda: session.aggregator.features, what="config")
        assert not session.can("DISCONNECT")
        with pytest.raises(OperationNotSupported, match="does not allow disconnect"):
            await session.disconnect_socket("/chat", "anything")
    finally:
        await session.stop()


@pytest.mark.node
async def test_join_leave_emit_operations_show_up_in_the_socket_table(node_admin_peer: Any) -> None:
    peer = node_admin_peer()
    session = node_session(peer)
    await session.start()
    chat = await app_client(peer.url)
    received: list[Any] = []
    chat.on("news", lambda *args: received.append(args), namespace="/chat")
    try:
        sid = chat.get_sid("/chat")
        store = session.aggregator.sockets
        await wait_for(lambda: sid in store, what="socket in store")
        await session.client.join("/chat", "vip", sid)
        await wait_for(lambda: "vip" in store.get(sid).rooms, what="room_joined applied")
        await session.client.emit("/chat", "vip", "news", {"n": 1})
        await wait_for(lambda: received, what="the emitted event")
        assert received == [({"n": 1},)]
        await session.client.leave("/chat", "vip", sid)
        await wait_for(lambda: "vip" not in store.get(sid).rooms, what="room_left applied")
    finally:
        await chat.disconnect()
        await session.stop()
