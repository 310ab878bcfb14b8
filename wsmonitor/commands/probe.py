"""``wsmonitor probe URL``: one Socket.IO (or raw websocket) handshake, its timeline and verdict."""

from __future__ import annotations

import argparse
import os
import sys
from typing import TYPE_CHECKING

from wsmonitor.errors import UserError

if TYPE_CHECKING:
    from wsmonitor.net.probe.options import ProbeOptions

NAME = "probe"
HELP = "fire one Socket.IO or websocket handshake and explain what happened"


def add_token_args(parser: argparse.ArgumentParser) -> None:
    """--token / --token-env / --token-in."""
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--token", metavar="T", help="token to send (prefer --token-env)")
    group.add_argument("--token-env", metavar="VAR", help="read the token from this variable")
    parser.add_argument(
        "--token-in",
        choices=("auth", "query", "header", "cookie"),
        help="where the token goes (default: auth; with EIO 3 or --raw, auth means the query)",
    )


def add_tls_args(parser: argparse.ArgumentParser) -> None:
    """--insecure / --ca-file."""
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--insecure", action="store_true", help="do not verify TLS certificates")
    group.add_argument("--ca-file", metavar="F", help="verify TLS with this CA bundle (PEM)")


def add_handshake_args(parser: argparse.ArgumentParser) -> None:
    """Namespace, path, token, headers, Origin and TLS: the options probe and diagnose share."""
    parser.add_argument("--namespace", default="/", metavar="NS", help="Socket.IO namespace")
    parser.add_argument("--path", default="/socket.io/", help="Engine.IO path")
    add_token_args(parser)
    parser.add_argument(
        "--header",
        action="append",
        default=[],
        metavar="'K: V'",
        help="extra request header (repeatable)",
    )
    parser.add_argument("--origin", metavar="O", help="Origin header (CORS is checked against it)")
    add_tls_args(parser)


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(NAME, help=HELP, description=HELP)
    p.add_argument("url", metavar="URL", help="server URL (http(s):// or ws(s)://)")
    p.add_argument("--eio", type=int, choices=(3, 4), default=4, help="Engine.IO version")
    p.add_argument(
        "--transport",
        choices=("polling", "websocket", "upgrade"),
        default="upgrade",
        help="transport (default: polling then upgrade)",
    )
    add_handshake_args(p)
    p.add_argument("--timeout", type=float, default=10.0, metavar="S", help="seconds (10)")
    p.add_argument(
        "--hold",
        type=float,
        default=0.0,
        metavar="S",
        help="stay connected this long, answering pings (0)",
    )
    p.add_argument("--raw", action="store_true", help="URL is a plain websocket (ws:// wss://)")
    p.add_argument("--message", metavar="TEXT", help="with --raw: send this text once open")
    p.add_argument(
        "--client-pings",
        action="store_true",
        help="ping like an EIO 3 client on EIO 4 (reproduces wrong heartbeats)",
    )
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.set_defaults(handler=run)


def resolve_token(args: argparse.Namespace) -> str | None:
    if getattr(args, "token_env", None):
        value = os.environ.get(args.token_env)
        if not value:
            raise UserError(f"environment variable {args.token_env} is not set or empty")
        return value.strip()
    return args.token or None


def parse_headers(values: list[str]) -> dict[str, str]:
    headers: dict[str, str] = {}
    for value in values:
        key, sep, val = value.partition(":")
        if not sep or not key.strip():
            raise UserError(f"bad --header {value!r}: expected 'Name: value'")
        headers[key.strip()] = val.strip()
    return headers


def build_options(args: argparse.Namespace) -> ProbeOptions:
    from wsmonitor.core.secrets import register_secret
    from wsmonitor.net.probe.options import ProbeOptions, ProbeOptionsError

    if args.message is not None and not args.raw:
        raise UserError("--message is for plain websockets: add --raw")
    if args.client_pings and args.raw:
        raise UserError("--client-pings is for Socket.IO probes; a plain websocket has no pings")
    token = resolve_token(args)
    register_secret(token)
    opts = ProbeOptions(
        url=args.url,
        eio=args.eio,
        transport=args.transport,
        namespace=args.namespace,
        path=args.path,
        token=token,
        token_in=args.token_in,
        headers=parse_headers(args.header),
        origin=args.origin,
        verify_tls=not args.insecure,
        ca_file=args.ca_file,
        timeout=args.timeout,
        hold=args.hold,
        raw=args.raw,
        message=args.message,
        client_pings=args.client_pings,
    )
    try:
        opts = opts.validate()
    except ProbeOptionsError as exc:
        raise UserError(str(exc)) from None
    check_url_path(opts)
    return opts


def check_url_path(opts: ProbeOptions) -> None:
    """A usage error for a URL path a Socket.IO probe would silently ignore (``ws://h/ws``)."""
    ignored = opts.ignored_url_path()
    if ignored is not None:
        raise UserError(
            f"the URL path {ignored} is not used by a Socket.IO probe (it connects to --path "
            f"{opts.path} and --namespace {opts.namespace}): for a plain websocket endpoint "
            f"add --raw; for Socket.IO pass --path {ignored.rstrip('/')}/ or --namespace {ignored}"
        )


def run(args: argparse.Namespace) -> int:
    import asyncio

    from wsmonitor.core.probe_report import render_json, render_text, timeline_line
    from wsmonitor.core.secrets import redact
    from wsmonitor.net.probe import TimelineEvent, run_probe

    opts = build_options(args)
    live = not args.json and sys.stderr.isatty()

    def on_event(event: TimelineEvent) -> None:
        if live:  # the same line the report prints, as it happens
            print(redact(timeline_line(event.to_dict())), file=sys.stderr, flush=True)

    result = asyncio.run(run_probe(opts, on_event=on_event))
    data = result.to_dict()
    print(render_json(data) if args.json else render_text(data, timeline=not live))
    return 0 if result.ok else 1
