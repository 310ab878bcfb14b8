"""The bundled executable at work against the demo server, headless (offscreen Qt).

It serves the demo to a stock python-socketio client, probes, diagnoses and records it, and
runs the GUI demo: the checks that catch a module the spec left out but a code path needs.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.bundle_support import (
    ADMIN_PASSWORD_VAR,
    Bundle,
    admin_stats,
    first_line,
    free_port,
    gui_watched_long_enough,
    health,
    start,
    stop,
    wait_for,
)
from tests.peers.demo_fixtures import DemoProcess
from wsmonitor.demo.config import DemoConfig


@pytest.fixture(scope="module")
def bundle_demo(bundle: Bundle, tmp_path_factory: pytest.TempPathFactory) -> Iterator[DemoProcess]:
    """The bundle's ``demo --no-gui`` with its seeded simulator; --duration is a safety net."""
    out = tmp_path_factory.mktemp("demo") / "demo.out"
    args = ["demo", "--no-gui", "--seed", "7", "--duration", "600"]
    demo = DemoProcess(start([str(bundle.executable), *args], out, bundle.env()), info={})
    try:
        line = wait_for(lambda: first_line(out), "the demo's JSON line", demo.process)
        demo.info = json.loads(line)
        yield demo
    finally:
        demo.stop()


@pytest.mark.slow
@pytest.mark.timeout(900)
async def test_stock_client_reads_the_bundled_demos_admin_stats(bundle_demo: DemoProcess) -> None:
    demo = bundle_demo
    stats = await admin_stats(
        demo.url, demo.admin_username, demo.admin_password, until=lambda got: bool(got)
    )
    assert stats[0]["serverId"] and isinstance(stats[0]["clientsCount"], int)


@pytest.mark.slow
@pytest.mark.timeout(900)
def test_bundle_probes_the_demo(bundle: Bundle, bundle_demo: DemoProcess) -> None:
    info = bundle_demo.info
    good = bundle.run("probe", info["url"], "--token-env", "TOKEN", "--json", TOKEN=info["token"])
    assert good.returncode == 0, good.stdout + good.stderr
    assert json.loads(good.stdout)["verdict"] == "ok"

    expired = info["expired_token"]
    refused = bundle.run("probe", info["url"], "--token-env", "TOKEN", "--json", TOKEN=expired)
    assert refused.returncode == 1, refused.stdout + refused.stderr
    assert json.loads(refused.stdout)["verdict"] == "token_expired"

    usage = bundle.run("probe", "ftp://example.invalid")
    assert usage.returncode == 2
    assert usage.stderr.startswith("wsmonitor: error:"), usage.stderr


@pytest.mark.slow
@pytest.mark.timeout(900)
def test_bundle_diagnoses_the_demo(bundle: Bundle, bundle_demo: DemoProcess) -> None:
    info = bundle_demo.info
    urls = ["--health-url", info["health_url"], "--ws-url", info["ws_url"]]
    result = bundle.run(
        "diagnose", info["url"], *urls, "--token-env", "T", "--json", T=info["token"]
    )
    data = json.loads(result.stdout)
    # python-socketio servers speak only EIO 4: the EIO 3 rows fail, so the verdict is exit 1.
    assert result.returncode == 1, result.stdout + result.stderr
    assert data["root_cause"]["verdict"] == "protocol_mismatch"
    assert all(check["ok"] for check in data["checks"]), data["checks"]
    verdicts = {row["label"]: row["verdict"] for row in data["matrix"]}
    ok_rows = {"EIO4 polling", "EIO4 websocket", "EIO4 upgrade", "raw websocket"}
    assert {label for label, verdict in verdicts.items() if verdict == "ok"} == ok_rows


@pytest.mark.slow
@pytest.mark.timeout(900)
def test_bundle_records_the_demo(bundle: Bundle, bundle_demo: DemoProcess, tmp_path: Path) -> None:
    info, out = bundle_demo.info, tmp_path / "record.json"
    login = ["--username", info["admin_username"], "--password-env", "PW"]
    watch = ["--health-url", info["health_url"], "--duration", "8", "--out", str(out), "--json"]
    result = bundle.run("record", info["url"], *login, *watch, PW=info["admin_password"])
    assert result.returncode == 0, result.stdout + result.stderr
    assert json.loads(result.stdout)["connection"]["state"] == "connected"
    record = json.loads(out.read_text(encoding="utf-8"))
    assert record["servers"] and record["samples"], "server_stats come every 2 s"


@pytest.mark.slow
@pytest.mark.timeout(900)
async def test_bundled_gui_demo_runs_offscreen(bundle: Bundle, tmp_path: Path) -> None:
    port, password, out = free_port(), "gui-test-password", tmp_path / "gui.out"
    args = ["demo", "--port", str(port), "--seed", "7", "--admin-password-env", ADMIN_PASSWORD_VAR]
    env = bundle.env(WSMONITOR_HOME=str(tmp_path / "home"), **{ADMIN_PASSWORD_VAR: password})
    gui = start([str(bundle.executable), *args], out, env)
    try:
        url = f"http://127.0.0.1:{port}"
        await asyncio.to_thread(wait_for, lambda: health(f"{url}/health"), "/health", gui)
        await admin_stats(url, DemoConfig.admin_username, password, gui_watched_long_enough)
        assert gui.poll() is None, f"the GUI exited with {gui.returncode}"
    finally:
        returncode = stop(gui)  # SIGTERM: closes the window as File › Quit does
    output = out.read_text(encoding="utf-8", errors="replace")
    log = (tmp_path / "home" / "logs" / "wsmonitor.log").read_text(encoding="utf-8")
    assert "Traceback" not in output + log, output[-3000:] + log[-3000:]
    assert returncode == 0, output[-3000:] + log[-3000:]
    assert "SIGTERM received: closing the window" in log
