"""The desktop bundle: builds from build.spec, weighs under the issue's 200 MB, works headless.

One build per session (module-scoped fixture). The frozen executable then runs its self-test,
serves the demo to a stock python-socketio client, probes, diagnoses and records it, and runs
the GUI demo offscreen: the checks that catch a module the spec left out but a code path needs.
``WSMONITOR_PREBUILT_BUNDLE=path/to/dist/wsmonitor`` tests a bundle built earlier instead.
"""

from __future__ import annotations

import ast
import asyncio
import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
import socketio

from tests.peers.demo_fixtures import DemoProcess
from wsmonitor.demo.config import DemoConfig

ROOT = Path(__file__).resolve().parent.parent
SIZE_BUDGET_BYTES = 200_000_000  # the "under 200 MB", decimal
ADMIN_PASSWORD_VAR = "WSMONITOR_TEST_ADMIN_PASSWORD"


@dataclass(frozen=True)
class Bundle:
    """A built one-folder bundle and the environment its processes run in."""

    folder: Path
    executable: Path
    home: Path

    def env(self, **extra: str) -> dict[str, str]:
        base = {"QT_QPA_PLATFORM": "offscreen", "WSMONITOR_HOME": str(self.home)}
        return {**os.environ, **base, **extra}

    def run(self, *args: str, timeout: float = 120, **env: str) -> subprocess.CompletedProcess:
        command, env = [str(self.executable), *args], self.env(**env)
        return subprocess.run(command, capture_output=True, text=True, timeout=timeout, env=env)


@pytest.fixture(scope="module")
def bundle(tmp_path_factory: pytest.TempPathFactory) -> Bundle:
    work = tmp_path_factory.mktemp("bundle")
    prebuilt = os.environ.get("WSMONITOR_PREBUILT_BUNDLE")
    if prebuilt:
        folder = Path(prebuilt).resolve()
    else:
        command = [sys.executable, "-m", "PyInstaller", str(ROOT / "build.spec"), "--noconfirm"]
        command += ["--distpath", str(work / "dist"), "--workpath", str(work / "build")]
        build = subprocess.run(command, cwd=work, capture_output=True, text=True, timeout=850)
        if build.returncode != 0:
            pytest.fail(f"pyinstaller failed:\n{build.stderr[-3000:]}")
        folder = work / "dist" / "wsmonitor"
    executable = folder / ("wsmonitor.exe" if os.name == "nt" else "wsmonitor")
    assert executable.exists(), f"no executable in {folder}"
    return Bundle(folder, executable, work / "home")


def _folder_size(folder: Path) -> int:
    """What the folder weighs on disk; PyInstaller links libraries, and a link is not a copy."""
    files = (p for p in folder.rglob("*") if p.is_file() and not p.is_symlink())
    return sum(p.stat().st_size for p in files)


def _wait_for(condition: Callable[[], Any], what: str, process: subprocess.Popen) -> Any:
    """Poll until ``condition()`` is truthy (its value is returned); fail if the process ends."""
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        if process.poll() is not None:
            pytest.fail(f"the bundle exited ({process.returncode}) before {what}")
        time.sleep(0.2)
    pytest.fail(f"timed out waiting for {what}")


def _start(bundle: Bundle, args: list[str], out: Path, env: dict[str, str]) -> subprocess.Popen:
    """Start the bundle with its output going to ``out`` (a file never fills up like a pipe)."""
    with out.open("w", encoding="utf-8") as handle:
        command = [str(bundle.executable), *args]
        return subprocess.Popen(command, stdout=handle, stderr=subprocess.STDOUT, env=env)


def _first_line(path: Path) -> str | None:
    text = path.read_text(encoding="utf-8", errors="replace")
    return text.split("\n", 1)[0] if "\n" in text else None


@pytest.fixture(scope="module")
def bundle_demo(bundle: Bundle, tmp_path_factory: pytest.TempPathFactory) -> Iterator[DemoProcess]:
    """The bundle's ``demo --no-gui`` with its seeded simulator; --duration is a safety net."""
    out = tmp_path_factory.mktemp("demo") / "demo.out"
    args = ["demo", "--no-gui", "--seed", "7", "--duration", "600"]
    demo = DemoProcess(_start(bundle, args, out, bundle.env()), info={})
    try:
        line = _wait_for(lambda: _first_line(out), "the demo's JSON line", demo.process)
        demo.info = json.loads(line)
        yield demo
    finally:
        demo.stop()


async def _admin_stats(
    url: str, username: str, password: str, until: Callable[[list[dict]], bool]
) -> list[dict]:
    """``server_stats`` a stock python-socketio client receives on /admin until ``until``."""
    client = socketio.AsyncClient(handle_sigint=False, reconnection=False)
    stats: list[dict] = []
    done = asyncio.Event()

    @client.on("server_stats", namespace="/admin")
    def on_stats(data: dict) -> None:
        stats.append(data)
        if until(stats):
            done.set()

    auth = {"username": username, "password": password}
    await client.connect(url, namespaces=["/admin"], auth=auth, wait_timeout=30)
    try:
        await asyncio.wait_for(done.wait(), timeout=90)
    finally:
        await client.disconnect()
    return stats


def _spec_exclusions() -> set[str]:
    """Every module build.spec leaves out, read from its literal lists."""
    tree = ast.parse((ROOT / "build.spec").read_text(encoding="utf-8"))
    lists = {
        node.targets[0].id: ast.literal_eval(node.value)
        for node in tree.body
        if isinstance(node, ast.Assign)
        and isinstance(node.targets[0], ast.Name)
        and node.targets[0].id in ("QT_UNUSED", "OTHER_EXCLUDES", "UNUSED_MODULES")
    }
    assert len(lists) == 3, f"build.spec lists changed: found {sorted(lists)}"
    qt = {f"PySide6.{name}" for name in lists["QT_UNUSED"]}
    return qt | set(lists["OTHER_EXCLUDES"]) | set(lists["UNUSED_MODULES"])


def _used_modules(path: Path) -> set[str]:
    """Modules a file imports, and submodules it reaches as attributes (``np.random``)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    aliases: dict[str, str] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                names.add(alias.name)
                bound = alias.asname or alias.name.split(".")[0]
                aliases[bound] = alias.name if alias.asname else bound
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    for node in ast.walk(tree):
        base = getattr(node, "value", None)
        if isinstance(node, ast.Attribute) and isinstance(base, ast.Name) and base.id in aliases:
            names.add(f"{aliases[base.id]}.{node.attr}")
    return names


def test_wsmonitor_uses_nothing_the_bundle_leaves_out() -> None:
    excluded = _spec_exclusions()
    found = sorted(
        f"{path.relative_to(ROOT)}: {name}"
        for path in (ROOT / "wsmonitor").rglob("*.py")
        for name in _used_modules(path)
        if any(name == ex or name.startswith(ex + ".") for ex in excluded)
    )
    assert not found, "build.spec excludes modules wsmonitor uses:\n" + "\n".join(found)


@pytest.mark.slow
@pytest.mark.timeout(900)
def test_bundle_passes_its_self_test_headless(bundle: Bundle) -> None:
    version = bundle.run("--version")
    assert version.returncode == 0, version.stderr
    assert version.stdout.startswith("wsmonitor "), version.stdout
    result = bundle.run("--self-test")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "self-test passed" in result.stdout
    assert "ok   main window" in result.stdout


@pytest.mark.slow
@pytest.mark.timeout(900)
def test_bundle_weighs_under_200_mb(bundle: Bundle) -> None:
    size = _folder_size(bundle.folder)
    print(f"bundle size: {size / 2**20:.1f} MiB = {size / 1e6:.1f} MB")
    assert size < SIZE_BUDGET_BYTES, f"bundle weighs {size / 1e6:.1f} MB"


@pytest.mark.slow
@pytest.mark.timeout(900)
async def test_stock_client_reads_the_bundled_demos_admin_stats(bundle_demo: DemoProcess) -> None:
    demo = bundle_demo
    stats = await _admin_stats(
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


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _health(url: str) -> dict | None:
    try:
        return httpx.get(url, timeout=5).json()
    except (httpx.HTTPError, ValueError):
        return None


@pytest.mark.slow
@pytest.mark.timeout(900)
async def test_bundled_gui_demo_runs_offscreen(bundle: Bundle, tmp_path: Path) -> None:
    port, password, out = _free_port(), "gui-test-password", tmp_path / "gui.out"
    args = ["demo", "--port", str(port), "--seed", "7", "--admin-password-env", ADMIN_PASSWORD_VAR]
    env = bundle.env(WSMONITOR_HOME=str(tmp_path / "home"), **{ADMIN_PASSWORD_VAR: password})
    gui = DemoProcess(_start(bundle, args, out, env), info={})
    try:
        url = f"http://127.0.0.1:{port}"
        health = f"{url}/health"
        await asyncio.to_thread(_wait_for, lambda: _health(health), "/health", gui.process)

        def gui_watched_long_enough(stats: list[dict]) -> bool:
            # The GUI's admin client shows as a second /admin socket next to ours; then let
            # the dashboard take in five more stats intervals.
            admins = [
                next((n["socketsCount"] for n in s["namespaces"] if n["name"] == "/admin"), 0)
                for s in stats
            ]
            both = [i for i, count in enumerate(admins) if count >= 2]
            return bool(both) and len(stats) - both[0] > 5

        await _admin_stats(url, DemoConfig.admin_username, password, gui_watched_long_enough)
        assert gui.process.poll() is None, f"the GUI exited with {gui.process.returncode}"
    finally:
        gui.stop()
    output = out.read_text(encoding="utf-8", errors="replace")
    log = (tmp_path / "home" / "logs" / "wsmonitor.log").read_text(encoding="utf-8")
    assert "Traceback" not in output + log, output[-3000:] + log[-3000:]
