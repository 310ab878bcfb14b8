"""Test-wide settings: offscreen Qt, a throw-away wsmonitor home, and the real-peer fixtures.

Fixture modules named ``tests/peers/*_fixtures.py`` are loaded automatically, so each peer
(Node server, demo server, fault servers) keeps its fixtures next to its code.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# Never touch the developer's real settings, logs or keyring entries from a test run.
os.environ["WSMONITOR_HOME"] = tempfile.mkdtemp(prefix="wsmonitor-test-home-")

pytest_plugins = sorted(
    f"tests.peers.{path.stem}" for path in (Path(__file__).parent / "peers").glob("*_fixtures.py")
)


@pytest.fixture(scope="session")
def bundle(tmp_path_factory: pytest.TempPathFactory):
    """The desktop bundle built from build.spec, once per test session (tests/bundle_support)."""
    from tests.bundle_support import built_bundle  # only the bundle tests pay for its imports

    return built_bundle(tmp_path_factory)
