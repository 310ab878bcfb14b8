"""Start and stop a demo server with its simulator as one unit, in the caller's loop."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from wsmonitor.core.secrets import register_secret
from wsmonitor.demo.config import DemoConfig
from wsmonitor.demo.server import DemoEndpoints, DemoServer
from wsmonitor.demo.simulator import TrafficSimulator


@dataclass
class RunningDemo:
    """A started demo: its server, its endpoints and (unless turned off) its simulator."""

    config: DemoConfig
    server: DemoServer
    endpoints: DemoEndpoints
    simulator: TrafficSimulator | None

    def connection_info(self) -> dict[str, Any]:
        """The first line ``wsmonitor demo --no-gui`` prints: all a client needs to connect."""
        issuer = self.server.issuer
        return {
            "url": self.endpoints.url,
            "health_url": self.endpoints.health_url,
            "ws_url": self.endpoints.ws_url,
            "socketio_path": "/" + self.config.socketio_path.strip("/"),
            "admin_namespace": self.config.admin_namespace,
            "admin_username": self.config.admin_username,
            "admin_password": self.config.admin_password,
            "token": issuer.mint("demo-user"),
            "expired_token": issuer.mint_expired("demo-user"),
            "namespaces": ["/", "/chat"],
            "mode": self.config.mode,
            "simulated_clients": self.config.clients,
            "seed": self.config.seed,
            "pid": os.getpid(),
        }

    async def stop(self) -> None:
        if self.simulator is not None:
            await self.simulator.stop()
        await self.server.stop()


async def start_demo(
    config: DemoConfig, on_log: Callable[[str], None] | None = None
) -> RunningDemo:
    """Start the server, then the simulator against it."""
    register_secret(config.admin_password)
    register_secret(config.jwt_secret)
    server = DemoServer(config)
    endpoints = await server.start()
    simulator = None
    if config.clients > 0:
        simulator = TrafficSimulator(
            endpoints.url,
            config.socketio_path,
            server.issuer,
            config.clients,
            seed=config.seed,
            on_log=on_log,
        )
        simulator.start()
    return RunningDemo(config, server, endpoints, simulator)
