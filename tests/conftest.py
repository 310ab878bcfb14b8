"""Test-wide settings: offscreen Qt, a throw-away wsmonitor home, and the real-peer fixtures.

Fixture modules named ``tests/peers/*_fixtures.py`` are loaded automatically, so each peer
(Node server, demo server, fault servers) keeps its fixtures next to its code.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# Never touch the developer's real settings, logs or keyring entries from a test run.
os.environ["WSMONITOR_HOME"] = tempfile.mkdtemp(prefix="wsmonitor-test-home-")

pytest_plugins = sorted(
    f"tests.peers.{path.stem}" for path in (Path(__file__).parent / "peers").glob("*_fixtures.py")
)
