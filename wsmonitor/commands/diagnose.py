"""``wsmonitor diagnose URL``: the incident checklist in one go, with a table and a root cause."""

from __future__ import annotations

import argparse
import shutil
import sys
from typing import TYPE_CHECKING

from wsmonitor.commands.probe import (
    add_handshake_args,
    check_url_path,
    parse_headers,
    resolve_token,
)
from wsmonitor.errors import UserError

if TYPE_CHECKING:
    from wsmonitor.net.probe import DiagnoseProgress

NAME = "diagnose"
HELP = "health, token, then EIO 4/3 x polling/websocket/upgrade: find the root cause"


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(NAME, help=HELP, description=HELP)
    p.add_argument("url", metavar="URL", help="Socket.IO server URL")
    p.add_argument("--health-url", metavar="URL", help="HTTP health endpoint to check first")
    p.add_argument("--ws-url", metavar="URL", help="also probe this raw websocket URL")
    add_handshake_args(p)
    p.add_argument("--timeout", type=float, default=10.0, metavar="S", help="per probe (10)")
    p.add_argument("--concurrency", type=int, default=4, help="probes at a time (4)")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.set_defaults(handler=run)


class _Progress:
    """One status line on stderr, redrawn in place; only on a terminal (pipes and logs get the
    table alone, and --json its object alone)."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled and sys.stderr.isatty()
        self.running: list[str] = []

    def __call__(self, progress: DiagnoseProgress) -> None:
        if not self.enabled:
            return
        row = progress.row
        if row is not None and progress.kind == "started":
            self.running.append(row.label)
        elif row is not None and progress.kind == "finished" and row.label in self.running:
            self.running.remove(row.label)
        running = ", ".join(self.running) or "checks"
        text = f"diagnose [{progress.done}/{progress.total}] running: {running}"
        width = shutil.get_terminal_size().columns
        sys.stderr.write("\r\033[K" + text[: max(width - 1, 20)])
        sys.stderr.flush()

    def end(self) -> None:
        if self.enabled:
            sys.stderr.write("\r\033[K")
            sys.stderr.flush()


def run(args: argparse.Namespace) -> int:
    import asyncio

    from wsmonitor.core.probe_report import render_diagnose_text, render_json
    from wsmonitor.core.secrets import register_secret
    from wsmonitor.net.probe import DiagnoseOptions, ProbeOptionsError, run_diagnose

    token = resolve_token(args)
    register_secret(token)
    if args.concurrency < 1:
        raise UserError("--concurrency must be at least 1")
    opts = DiagnoseOptions(
        url=args.url,
        token=token,
        token_in=args.token_in,
        health_url=args.health_url,
        ws_url=args.ws_url,
        origin=args.origin,
        namespace=args.namespace,
        path=args.path,
        headers=parse_headers(args.header),
        verify_tls=not args.insecure,
        ca_file=args.ca_file,
        timeout=args.timeout,
        concurrency=args.concurrency,
    )
    try:
        combos = opts.probe_options()  # validates every URL and option up front
    except ProbeOptionsError as exc:
        raise UserError(str(exc)) from None
    check_url_path(combos[0][1])
    progress = _Progress(enabled=not args.json)
    try:
        result = asyncio.run(run_diagnose(opts, on_progress=progress))
    except ProbeOptionsError as exc:
        raise UserError(str(exc)) from None
    finally:
        progress.end()
    data = result.to_dict()
    width = shutil.get_terminal_size().columns if sys.stdout.isatty() else None
    print(render_json(data) if args.json else render_diagnose_text(data, width=width))
    return 0 if result.ok else 1
