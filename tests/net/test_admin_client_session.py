"""MonitorSession end to end on the python demo server: admin data, health, history, alerts."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from tests.net.test_admin_client_support import wait_for
from wsmonitor.core.alert_conditions import MetricsSnapshot
from wsmonitor.net.admin_config import AdminConnectionConfig
from wsmonitor.net.admin_status import ConnState
from wsmonitor.net.monitor_session import MonitorSession, SessionConfig
from wsmonitor.store.history import HistoryStore


async def test_session_feeds_history_health_and_alert_metrics(
    demo_server_with_traffic: Any, tmp_path: Path
) -> None:
    demo = demo_server_with_traffic
    config = SessionConfig(
        admin=AdminConnectionConfig(
            url=demo.url, username=demo.admin_username, password=demo.admin_password
        ),
        health_url=demo.health_url,
        health_interval=1.0,
        history_interval=0.5,
    )
    history = HistoryStore(tmp_path / "history.sqlite3")
    session = MonitorSession(config, history=history)
    await session.start()
    try:
        await wait_for(lambda: session.snapshot().stats.servers, what="server_stats")
        await wait_for(lambda: session.aggregator.totals().socket_connects, what="sim traffic")
        await wait_for(lambda: session.snapshot().health, what="a health sample")
        snap = session.snapshot()
        assert snap.status.state is ConnState.CONNECTED
        assert snap.health_ok is True and snap.health_down_since is None
        assert snap.stats.cluster.clients >= 1 and snap.stats.sockets >= 1
        metrics = session.alert_metrics()
        assert isinstance(metrics, MetricsSnapshot)
        assert metrics.health_ok is True and metrics.admin_connected
        assert metrics.clients_total == snap.stats.cluster.clients
        # settled seconds reach the history store (written with a 5 s lag, flushed every 0.5 s)
        await wait_for(
            lambda: history.query_raw("clients", "", time.time() - 60, time.time()),
            what="clients in the history",
            timeout=30,
        )
    finally:
        await session.stop()
    now = time.time()
    assert history.health_samples(now - 60, now)
    server_id = session.snapshot().stats.servers[0].server_id
    assert history.query_raw("clients", server_id, now - 60, now)
    history.close()
