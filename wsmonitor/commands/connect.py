"""``wsmonitor connect URL``: open the GUI watching a server, without going through a profile."""

from __future__ import annotations

import argparse
from typing import Any

from wsmonitor.errors import UserError

NAME = "connect"
HELP = "open the GUI connected to a Socket.IO server's admin channel"


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        NAME,
        help=HELP,
        description=HELP + ". The password comes from the OS keyring when saved for this server,"
        " otherwise the connection dialog asks for it.",
    )
    parser.add_argument("url", help="server URL, e.g. http://localhost:3000")
    parser.add_argument("--username", "-u", default="", help="admin username (if the server asks)")
    parser.add_argument("--namespace", default="/admin", help="admin namespace (default /admin)")
    parser.add_argument("--path", default="/socket.io", help="Socket.IO path (default /socket.io)")
    parser.add_argument("--health-url", default="", help="health endpoint to poll (optional)")
    parser.set_defaults(handler=run)


def build_profile(args: argparse.Namespace):  # -> Profile
    """The profile ``args`` describe, validated (UserError with a plain message otherwise)."""
    from dataclasses import replace

    from wsmonitor.core.profiles import profile_from_url

    profile = profile_from_url(args.url, args.username)
    profile = replace(
        profile,
        admin_namespace=args.namespace,
        socketio_path=args.path,
        health_url=args.health_url,
    )
    profile.validate()
    return profile


def run(args: argparse.Namespace) -> int:
    profile = build_profile(args)  # bad input fails here, before any window opens

    async def startup(shell: Any) -> None:
        await open_profile(shell, profile)

    from wsmonitor.ui.app import run_gui

    return run_gui(startup)


async def open_profile(shell: Any, profile: Any) -> None:
    """Connect to ``profile``; ask for the password first when the server needs one."""
    controller = shell.controller
    if controller is None:
        raise UserError("this build has no monitor pages")
    store = controller.profiles
    saved = store.get(profile.name) if store is not None else None
    if saved is not None and saved.server_url == profile.server_url:
        profile = saved
    password = store.password(profile.name) if store and profile.password_saved else None
    if profile.username and not password:
        controller.dialog_requested.emit(profile.server_url, profile.username)
        return
    await controller.connect(profile, password)
