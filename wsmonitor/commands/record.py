"""``wsmonitor record URL --out FILE.json``: watch a server's admin channel headless, write JSON.

The same core as the GUI (``MonitorSession``). Totals come from ``aggregatedEvents`` (Engine.IO
level, disconnect reasons from ``rawDisconnection.subType``), ``socket_disconnect_reasons`` from
``socket_disconnected`` (Socket.IO level, development mode, admin namespace excluded). Totals are
the sums over every ``server_stats`` received: the first one of each server also covers the end of
the interval before the recorder joined (the protocol's granularity: one stats interval).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import signal
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from wsmonitor.errors import UserError

NAME = "record"
HELP = "record a server's admin stats, reasons and health headless into a JSON file"
FORMAT_VERSION = 1


@dataclass(frozen=True, slots=True)
class RecordOptions:
    url: str
    out: Path
    namespace: str = "/admin"
    path: str = "/socket.io"
    username: str | None = None
    password: str | None = field(default=None, repr=False)
    health_url: str | None = None
    health_interval: float = 5.0
    duration: float | None = None  # None: until interrupted
    tls_verify: bool = True
    ca_file: str | None = None
    short_lived_s: float = 5.0
    connect_timeout: float = 10.0


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(NAME, help=HELP, description=HELP)
    p.add_argument("url", metavar="URL", help="server URL (http(s):// or ws(s)://)")
    p.add_argument("--namespace", default="/admin", metavar="NS", help="admin namespace (/admin)")
    p.add_argument("--path", default="/socket.io", help="Socket.IO path (/socket.io)")
    p.add_argument("--username", metavar="U", help="admin username")
    p.add_argument("--password-env", metavar="VAR", help="read the admin password from VAR")
    p.add_argument("--health-url", metavar="URL", help="also poll this health endpoint")
    p.add_argument("--health-interval", type=float, default=5.0, metavar="S", help="seconds (5)")
    p.add_argument("--duration", type=float, metavar="S", help="stop after S seconds")
    p.add_argument(
        "--short-lived",
        type=float,
        default=5.0,
        metavar="S",
        help="a socket that lives less than S seconds is short-lived (5)",
    )
    tls = p.add_mutually_exclusive_group()
    tls.add_argument("--insecure", action="store_true", help="do not verify TLS certificates")
    tls.add_argument("--ca-file", metavar="F", help="verify TLS with this CA bundle (PEM)")
    p.add_argument("--out", required=True, metavar="FILE.json", help="where to write the record")
    p.add_argument("--json", action="store_true", help="print one JSON summary on stdout")
    p.set_defaults(handler=run)


def options_from_args(args: argparse.Namespace) -> RecordOptions:
    password = None
    if args.password_env:
        password = os.environ.get(args.password_env)
        if password is None:
            raise UserError(f"environment variable {args.password_env} is not set")
    if args.password_env and not args.username:
        raise UserError("--password-env needs --username")
    if args.duration is not None and args.duration <= 0:
        raise UserError("--duration must be a positive number of seconds")
    if args.health_interval <= 0:
        raise UserError("--health-interval must be a positive number of seconds")
    if args.ca_file and not Path(args.ca_file).is_file():
        raise UserError(f"CA file not found: {args.ca_file}")
    out = Path(args.out)
    if not out.parent.exists():
        raise UserError(f"directory does not exist: {out.parent}")
    return RecordOptions(
        url=args.url,
        out=out,
        namespace=args.namespace,
        path=args.path,
        username=args.username,
        password=password,
        health_url=args.health_url,
        health_interval=args.health_interval,
        duration=args.duration,
        tls_verify=not args.insecure,
        ca_file=args.ca_file,
        short_lived_s=args.short_lived,
    )


def run(args: argparse.Namespace) -> int:
    options = options_from_args(args)
    record = asyncio.run(_run_until_signal(options))
    write_record(record, options.out)
    conn = record["connection"]
    if args.json:
        summary = {k: record[k] for k in ("totals", "socket_disconnect_reasons", "short_lived")}
        print(json.dumps({"out": str(options.out), "connection": conn, **summary}))
    else:
        t = record["totals"]
        print(
            f"recorded {len(record['samples'])} samples from {len(record['servers'])} server(s) "
            f"into {options.out}: {t['connections']} connections, "
            f"{t['disconnections']} disconnections"
        )
    if not record["servers"]:
        print(f"wsmonitor: error: no data recorded: {conn['message']}", file=sys.stderr)
        return 1
    return 0


async def _run_until_signal(options: RecordOptions) -> dict[str, Any]:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    with contextlib.suppress(NotImplementedError, RuntimeError):  # Windows: no signal handlers
        loop.add_signal_handler(signal.SIGINT, stop.set)
        loop.add_signal_handler(signal.SIGTERM, stop.set)
    return await record(options, stop=stop)


async def record(
    options: RecordOptions,
    *,
    stop: asyncio.Event | None = None,
    on_sample: Any = None,
) -> dict[str, Any]:
    """Watch until ``duration``, ``stop`` or a final failure (bad credentials); the record dict."""
    from wsmonitor.core.admin_events import ServerStats
    from wsmonitor.core.aggregator import AggregatorConfig
    from wsmonitor.net.admin_config import AdminConnectionConfig
    from wsmonitor.net.admin_status import ConnState
    from wsmonitor.net.monitor_session import MonitorSession, SessionConfig

    admin = AdminConnectionConfig(
        url=options.url,
        namespace=options.namespace,
        socketio_path=options.path,
        username=options.username,
        password=options.password,
        tls_verify=options.tls_verify,
        ca_file=options.ca_file,
        connect_timeout=options.connect_timeout,
    )
    config = SessionConfig(
        admin=admin,
        aggregator=AggregatorConfig(
            short_lived_s=options.short_lived_s, admin_namespace=admin.namespace
        ),
        health_url=options.health_url,
        health_interval=options.health_interval,
    )
    session = MonitorSession(config)
    samples: list[dict[str, Any]] = []
    health: list[dict[str, Any]] = []

    def on_event(event: object) -> None:
        if isinstance(event, ServerStats):
            sample = {
                "t": time.time(),
                "server_id": event.server_id,
                "clients": event.clients_count,
                "polling_clients": event.polling_clients_count,
                "namespaces": {n.name: n.sockets_count for n in event.namespaces},
                "uptime": event.uptime,
            }
            samples.append(sample)
            if on_sample is not None:
                on_sample(sample)

    session.add_listener(on_event)
    session.add_health_listener(lambda s: health.append(s.to_dict()))
    started = time.time()
    stop = stop or asyncio.Event()
    await session.start()
    try:
        deadline = None if options.duration is None else time.monotonic() + options.duration
        while not stop.is_set():
            if session.client.status.state is ConnState.FAILED:
                break  # bad credentials, no admin namespace: retrying would not help
            timeout = 0.2 if deadline is None else min(0.2, deadline - time.monotonic())
            if timeout <= 0:
                break
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout)
    finally:
        status = session.client.status
        await session.stop()
    return build_record(session, options, started, time.time(), samples, health, status)


def build_record(
    session: Any,
    options: RecordOptions,
    started: float,
    ended: float,
    samples: list[dict[str, Any]],
    health: list[dict[str, Any]],
    status: Any,
) -> dict[str, Any]:
    agg = session.aggregator
    snap = agg.snapshot(ended)
    totals = snap.totals
    return {
        "format": FORMAT_VERSION,
        "url": options.url,
        "namespace": options.namespace,
        "started_at": started,
        "ended_at": ended,
        "dialect": snap.dialect,
        "features": sorted(snap.features),
        "servers": [
            {
                "server_id": row.server_id,
                "hostname": row.hostname,
                "pid": row.pid,
                "first_seen": row.first_seen,
                "last_seen": row.last_seen,
            }
            for row in snap.servers
        ],
        "samples": samples,
        "totals": {
            "connections": totals.connections,
            "disconnections": totals.disconnections,
            "disconnect_reasons": dict(totals.engine_reasons),
            "packets_in": totals.packets_in,
            "packets_out": totals.packets_out,
            "bytes_in": totals.bytes_in,
            "bytes_out": totals.bytes_out,
        },
        "reason_source": snap.reason_source.value,
        "reason_source_label": snap.reason_source_label,
        "socket_disconnect_reasons": dict(totals.socket_reasons),
        "socket_connects": totals.socket_connects,
        "socket_disconnects": totals.socket_disconnects,
        "short_lived": totals.short_lived,
        "short_lived_threshold_s": options.short_lived_s,
        "short_lived_list": [
            {
                "t": r.t,
                "nsp": r.nsp,
                "socket": r.socket_id,
                "address": r.address,
                "lifetime": r.lifetime,
                "reason": r.reason,
            }
            for r in agg.short_lived_log
        ],
        "health": health,
        "gaps": [{"start": g.start, "end": g.end, "reason": g.reason} for g in snap.gaps],
        "parse_errors": snap.parse_errors,
        "connection": {
            "state": status.state.value,
            "message": status.message,
            "error_kind": status.error_kind.value if status.error_kind else None,
        },
    }


def write_record(record: dict[str, Any], out: Path) -> None:
    """Atomic write: a crash never leaves half a JSON file."""
    tmp = out.with_name(out.name + ".tmp")
    try:
        tmp.write_text(json.dumps(record, indent=1), encoding="utf-8")
        os.replace(tmp, out)
    except OSError as exc:
        raise UserError(f"cannot write {out}: {exc}") from exc
