"""``wsmonitor demo``: the embedded demo server and simulator, with or without the GUI."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import signal
import sys
import time
from typing import Any

from wsmonitor.errors import UserError

NAME = "demo"
HELP = "start the embedded demo server with simulated traffic (and the GUI connected to it)"


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        NAME, help=HELP, description=HELP + ". The zero-setup way to see wsmonitor at work."
    )
    parser.add_argument("--no-gui", action="store_true", help="run only the server and simulator")
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=0, help="port to bind (default: a free one)")
    parser.add_argument("--duration", type=float, help="stop after this many seconds")
    parser.add_argument("--seed", type=int, help="seed of the simulator (same seed, same story)")
    parser.add_argument(
        "--clients", type=int, default=40, help="simulated population (default 40; 0 = none)"
    )
    parser.add_argument(
        "--mode",
        choices=("development", "production"),
        default="development",
        help="admin mode: production sends no per-socket events (default development)",
    )
    parser.add_argument(
        "--admin-password-env",
        metavar="VAR",
        help="take the admin password from this environment variable (default: random)",
    )
    parser.set_defaults(handler=run)


def _config(args: argparse.Namespace):  # -> DemoConfig
    import os

    from wsmonitor.demo.config import DemoConfig

    if not 0 <= args.port <= 65535:
        raise UserError(f"--port must be between 0 and 65535, not {args.port}")
    if args.clients < 0:
        raise UserError("--clients cannot be negative")
    if args.duration is not None and args.duration <= 0:
        raise UserError("--duration must be a positive number of seconds")
    config = DemoConfig(host=args.host, port=args.port, clients=args.clients, seed=args.seed)
    config.mode = args.mode
    if args.admin_password_env:
        password = os.environ.get(args.admin_password_env)
        if not password:
            raise UserError(f"environment variable {args.admin_password_env} is empty or unset")
        config.admin_password = password
    return config


def run(args: argparse.Namespace) -> int:
    config = _config(args)
    if args.no_gui:
        return asyncio.run(_run_headless(config, args.duration))
    return _run_with_gui(config)


def _say(line: str) -> None:
    print(f"{time.strftime('%H:%M:%S')} {line}", flush=True)


async def _run_headless(config: Any, duration: float | None) -> int:
    from wsmonitor.demo.runner import start_demo

    # Signal handlers first: a supervisor may send SIGTERM the moment it reads our first line.
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        # Windows has no signal handlers in asyncio: Ctrl-C arrives as KeyboardInterrupt there.
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(sig, stop.set)
    try:
        demo = await start_demo(config, on_log=_say)
    except OSError as exc:
        raise UserError(f"cannot listen on {config.host}:{config.port}: {exc.strerror}") from exc
    print(json.dumps(demo.connection_info()), flush=True)
    _say(f"demo server on {demo.endpoints.url}, admin namespace {config.admin_namespace}")
    try:
        await _report_until(stop, demo, duration)
    finally:
        await demo.stop()
    _say("demo server stopped")
    return 0


async def _report_until(stop: asyncio.Event, demo: Any, duration: float | None) -> None:
    loop = asyncio.get_running_loop()
    deadline = None if duration is None else loop.time() + duration
    next_report = loop.time() + 10
    while not stop.is_set():
        timeout = 1.0 if deadline is None else max(0.0, min(1.0, deadline - loop.time()))
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), timeout=timeout)
        if deadline is not None and loop.time() >= deadline:
            return
        if loop.time() >= next_report:
            next_report += 10
            sim = demo.simulator
            engine_clients = len(demo.server.sio.eio.sockets)
            if sim is not None:
                ended = ", ".join(f"{k}: {v}" for k, v in sorted(sim.outcomes.items()))
                _say(f"{engine_clients} engine clients; {sim.active} simulated; ended: {ended}")


def _run_with_gui(config: Any) -> int:
    from wsmonitor.ui.app import run_gui

    async def startup(shell: Any) -> None:
        from wsmonitor.core.profiles import Profile
        from wsmonitor.demo.runner import start_demo

        shell.window.set_connection_state("Starting the demo server…", "warn")
        demo = await start_demo(config)
        shell.add_cleanup(demo.stop)
        info = demo.connection_info()
        profile = Profile(
            name="Demo server",
            server_url=info["url"],
            admin_namespace=info["admin_namespace"],
            socketio_path=info["socketio_path"],
            username=info["admin_username"],
            health_url=info["health_url"],
            health_interval_s=2.0,
        )
        if shell.controller is None:
            shell.window.set_connection_state(f"Demo server on {info['url']}", "ok")
            return
        await shell.controller.connect(profile, info["admin_password"])

    try:
        return run_gui(startup)
    except OSError as exc:
        print(f"wsmonitor: error: {exc}", file=sys.stderr)
        return 2
