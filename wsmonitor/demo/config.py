"""Settings of one demo run."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field


def _random_password() -> str:
    return secrets.token_urlsafe(12)


@dataclass
class DemoConfig:
    """Where the demo server listens and how the simulated population behaves."""

    host: str = "127.0.0.1"
    port: int = 0  # 0: any free port
    socketio_path: str = "socket.io"
    admin_namespace: str = "/admin"
    admin_username: str = "admin"
    admin_password: str = field(default_factory=_random_password, repr=False)
    jwt_secret: str = field(default_factory=lambda: secrets.token_hex(16), repr=False)
    mode: str = "development"
    # Short heartbeats so that ping timeouts show within seconds, not minutes.
    ping_interval: float = 8.0
    ping_timeout: float = 4.0
    stats_interval: float = 2.0
    #: Simulated clients the population hovers around (0 turns the simulator off).
    clients: int = 40
    seed: int | None = None
