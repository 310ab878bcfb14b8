"""The GUI on a real X display (Xvfb), as a Linux desktop runs it: pip install and bundle.

Every other GUI test runs on Qt's offscreen platform, which needs none of the libraries Qt's
X11 plugin (libqxcb.so) links: libxcb-icccm, -keysyms, -cursor and friends. A machine, or a
bundle built on one, that lacks them passes those tests and still cannot open a window. These
run on ``QT_QPA_PLATFORM=xcb`` against Xvfb on a free display. Without Xvfb they skip, unless
``WSMONITOR_REQUIRE_XVFB`` is set: .ci/run installs Xvfb and sets it, so CI always runs them.
"""

from __future__ import annotations

import asyncio
import json
import os
import select
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.bundle_support import (
    ADMIN_PASSWORD_VAR,
    Bundle,
    admin_stats,
    free_port,
    gui_watched_long_enough,
    health,
    start,
    stop,
    wait_for,
)
from wsmonitor.demo.config import DemoConfig

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="X11 on Linux")

REQUIRE_VAR = "WSMONITOR_REQUIRE_XVFB"
SCREEN = "1600x1000x24"

# Grabs the X root window (what the X server really shows, not what Qt would paint) and says
# how much of it is covered (Xvfb's root is black) and by how many colours.
GRAB_SCRIPT = """
import json, sys
import numpy as np
from PySide6.QtGui import QGuiApplication, QImage
app = QGuiApplication(sys.argv)
image = app.primaryScreen().grabWindow(0).toImage().convertToFormat(QImage.Format.Format_RGB32)
image.save(sys.argv[1])
pixels = np.frombuffer(image.constBits(), np.uint32)[: image.width() * image.height()] & 0xFFFFFF
print(json.dumps({"platform": app.platformName(), "covered": float((pixels != 0).mean()),
                  "colours": int(np.unique(pixels).size)}))
"""


@dataclass(frozen=True)
class XDisplay:
    """A running X server: what a process needs in its environment to show windows on it."""

    name: str

    def env(self) -> dict[str, str]:
        return {"QT_QPA_PLATFORM": "xcb", "DISPLAY": self.name}


def _read_display_number(fd: int, server: subprocess.Popen, log: Path) -> str:
    """Xvfb writes the display number it chose to ``-displayfd`` once it accepts clients."""
    data, deadline = b"", time.monotonic() + 60
    while not data.endswith(b"\n"):
        ready, _, _ = select.select([fd], [], [], 1.0)
        if ready:
            chunk = os.read(fd, 64)
            if not chunk:
                pytest.fail(f"Xvfb exited ({server.wait()}): {log.read_text(errors='replace')}")
            data += chunk
        elif time.monotonic() > deadline:
            pytest.fail("Xvfb did not say which display it chose")
    return data.decode().strip()


@pytest.fixture(scope="module")
def x_display(tmp_path_factory: pytest.TempPathFactory) -> Iterator[XDisplay]:
    """Xvfb on a display number it picks itself (``-displayfd``: no race for a free one)."""
    xvfb = shutil.which("Xvfb")
    if xvfb is None:
        if os.environ.get(REQUIRE_VAR):
            pytest.fail(f"{REQUIRE_VAR} is set but Xvfb is not installed")
        pytest.skip("Xvfb is not installed (apt-get install xvfb; .ci/run does)")
    log = tmp_path_factory.mktemp("xvfb") / "xvfb.log"
    read_fd, write_fd = os.pipe()
    command = [xvfb, "-displayfd", str(write_fd), "-screen", "0", SCREEN, "-nolisten", "tcp"]
    with log.open("w") as handle:
        server = subprocess.Popen(
            [*command, "-noreset"], pass_fds=(write_fd,), stdout=handle, stderr=handle
        )
    os.close(write_fd)
    try:
        yield XDisplay(f":{_read_display_number(read_fd, server, log)}")
    finally:
        os.close(read_fd)
        stop(server)


def _grab_screen(display: XDisplay, png: Path) -> dict:
    env = {**os.environ, **display.env()}
    command = [sys.executable, "-c", GRAB_SCRIPT, str(png)]
    result = subprocess.run(command, capture_output=True, text=True, timeout=120, env=env)
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout)


async def _run_demo_gui(
    command: list[str], display: XDisplay, tmp_path: Path, screenshot: Path | None = None
) -> None:
    """Run ``COMMAND demo`` on ``display`` until its dashboard has taken in some stats."""
    port, password, out = free_port(), "xcb-test-password", tmp_path / "gui.out"
    home = tmp_path / "home"
    command = [*command, "demo", "--port", str(port), "--seed", "7"]
    env = {**os.environ, **display.env(), "WSMONITOR_HOME": str(home), ADMIN_PASSWORD_VAR: password}
    gui = start([*command, "--admin-password-env", ADMIN_PASSWORD_VAR], out, env)
    try:
        url = f"http://127.0.0.1:{port}"
        await asyncio.to_thread(wait_for, lambda: health(f"{url}/health"), "/health", gui)
        await admin_stats(url, DemoConfig.admin_username, password, gui_watched_long_enough)
        assert gui.poll() is None, f"the GUI exited with {gui.returncode}"
        if screenshot is not None:
            screen = await asyncio.to_thread(_grab_screen, display, screenshot)
            assert screen["platform"] == "xcb"
            # The 1280x820 window covers two thirds of the screen, in many colours.
            assert screen["covered"] > 0.3 and screen["colours"] > 50, screen
    finally:
        returncode = stop(gui)  # SIGTERM: closes the window as File › Quit does
    output = out.read_text(encoding="utf-8", errors="replace")
    log = (home / "logs" / "wsmonitor.log").read_text(encoding="utf-8")
    assert "Traceback" not in output + log, output[-3000:] + log[-3000:]
    assert returncode == 0, output[-3000:] + log[-3000:]


@pytest.mark.timeout(300)
async def test_pip_installed_gui_runs_on_x(x_display: XDisplay, tmp_path: Path) -> None:
    screenshot = tmp_path / "x-screen.png"
    await _run_demo_gui([sys.executable, "-m", "wsmonitor"], x_display, tmp_path, screenshot)
    print(f"X screenshot: {screenshot}")


@pytest.mark.slow
@pytest.mark.timeout(900)
def test_bundled_xcb_plugin_finds_its_libraries(bundle: Bundle) -> None:
    """What the loader resolves for the bundle's libqxcb.so, as the bootloader sets it up."""
    if shutil.which("ldd") is None:
        pytest.skip("no ldd")
    contents = bundle.folder / "_internal"
    plugin = next(contents.rglob("platforms/libqxcb.so"))
    env = {**os.environ, "LD_LIBRARY_PATH": str(contents)}
    ldd = subprocess.run(["ldd", str(plugin)], capture_output=True, text=True, env=env)
    assert ldd.returncode == 0, ldd.stderr
    assert "not found" not in ldd.stdout, ldd.stdout
    resolved: dict[str, str] = {}  # "libfoo.so.1 => /path/libfoo.so.1 (0x...)"
    for line in ldd.stdout.splitlines():
        name, arrow, target = line.partition("=>")
        if arrow:
            resolved[name.strip()] = target.split(" (")[0].strip()
    # The X11 helper libraries must travel in the bundle: desktops often lack them. libxcb
    # itself PyInstaller leaves to the system on purpose (it ships with the graphics stack).
    helpers = [n for n in resolved if n.startswith(("libxcb-", "libxkbcommon", "libX11-xcb"))]
    assert "libxcb-icccm.so.4" in helpers and "libxcb-keysyms.so.1" in helpers, ldd.stdout
    outside = [n for n in helpers if not Path(resolved[n]).resolve().is_relative_to(contents)]
    assert not outside, f"taken from the system, not the bundle: {outside}\n{ldd.stdout}"


@pytest.mark.slow
@pytest.mark.timeout(900)
def test_bundle_self_tests_on_x(bundle: Bundle, x_display: XDisplay) -> None:
    result = bundle.run("--self-test", **x_display.env())
    assert result.returncode == 0, result.stdout + result.stderr
    assert "ok   main window: main window on xcb" in result.stdout, result.stdout


@pytest.mark.slow
@pytest.mark.timeout(900)
async def test_bundled_gui_runs_on_x(bundle: Bundle, x_display: XDisplay, tmp_path: Path) -> None:
    await _run_demo_gui([str(bundle.executable)], x_display, tmp_path)
