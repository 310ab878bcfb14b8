"""``wsmonitor diagnose URL``: the incident checklist in one go, with a table and a root cause."""

from __future__ import annotations

import argparse
import sys

from wsmonitor.commands.probe import add_tls_args, add_token_args, parse_headers, resolve_token
from wsmonitor.errors import UserError

NAME = "diagnose"
HELP = "health, token, then EIO 4/3 x polling/websocket/upgrade: find the root cause"


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(NAME, help=HELP, description=HELP)
    p.add_argument("url", metavar="URL", help="Socket.IO server URL")
    add_token_args(p)
    p.add_argument("--health-url", metavar="URL", help="HTTP health endpoint to check first")
    p.add_argument("--ws-url", metavar="URL", help="also probe this raw websocket URL")
    p.add_argument("--origin", metavar="O", help="Origin header (CORS is checked against it)")
    p.add_argument("--namespace", default="/", metavar="NS", help="Socket.IO namespace")
    p.add_argument("--path", default="/socket.io/", help="Engine.IO path")
    p.add_argument(
        "--header",
        action="append",
        default=[],
        metavar="'K: V'",
        help="extra request header (repeatable)",
    )
    add_tls_args(p)
    p.add_argument("--timeout", type=float, default=10.0, metavar="S", help="per probe (10)")
    p.add_argument("--concurrency", type=int, default=4, help="probes at a time (4)")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.set_defaults(handler=run)


class _Progress:
    """One status line on stderr, redrawn in place on a terminal, plain lines otherwise."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled
        self.tty = sys.stderr.isatty()

    def __call__(self, progress) -> None:
        if not self.enabled:
            return
        if progress.kind == "check" and progress.check is not None:
            text = f"{progress.check.name}: {progress.check.summary}"
        elif progress.kind == "finished" and progress.row is not None:
            text = (
                f"[{progress.done}/{progress.total}] {progress.row.label}: "
                f"{progress.row.result.verdict.code}"
            )
        else:
            if not self.tty or progress.row is None:
                return
            text = f"[{progress.done}/{progress.total}] {progress.row.label}…"
        if self.tty:
            sys.stderr.write("\r\033[K" + text[:120])
        else:
            sys.stderr.write(text + "\n")
        sys.stderr.flush()

    def end(self) -> None:
        if self.enabled and self.tty:
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
    progress = _Progress(enabled=not args.json)
    try:
        result = asyncio.run(run_diagnose(opts, on_progress=progress))
    except ProbeOptionsError as exc:
        raise UserError(str(exc)) from None
    finally:
        progress.end()
    data = result.to_dict()
    print(render_json(data) if args.json else render_diagnose_text(data))
    return 0 if result.ok else 1
