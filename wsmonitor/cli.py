"""The ``wsmonitor`` command: the GUI by default, plus headless sub-commands.

Sub-commands live in ``wsmonitor.commands.<name>``; each module has ``NAME``, ``HELP`` and
``register(subparsers)``, and imports its heavy dependencies (Qt above all) only inside its
handler, so ``--version``, ``--help`` and headless commands stay fast and Qt-free.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import sys
from collections.abc import Callable, Sequence

from wsmonitor import __version__
from wsmonitor.errors import CheckFailed, UserError

log = logging.getLogger(__name__)

# Order is the order shown by --help.
COMMAND_MODULES: tuple[str, ...] = ("demo", "connect", "record", "probe", "diagnose")

Handler = Callable[[argparse.Namespace], int]


class _Parser(argparse.ArgumentParser):
    """argparse that exits with 2 and one clear line on a usage error."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        self.exit(2, f"{self.prog}: error: {message}\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="wsmonitor",
        description="Monitor and diagnose Socket.IO servers. With no sub-command, opens the GUI.",
    )
    parser.add_argument("--version", action="version", version=f"wsmonitor {__version__}")
    parser.add_argument(
        "--self-test",
        action="store_true",
        help="build the main window offscreen, load resources and the network stack, then exit",
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="log debug details")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    for name in COMMAND_MODULES:
        module = importlib.import_module(f"wsmonitor.commands.{name}")
        module.register(subparsers)
    parser.set_defaults(handler=_run_gui)
    return parser


def _run_gui(args: argparse.Namespace) -> int:
    from wsmonitor.ui.app import run_gui

    return run_gui()


def _run_self_test(args: argparse.Namespace) -> int:
    from wsmonitor.ui.self_test import run_self_test

    return run_self_test()


def main(argv: Sequence[str] | None = None) -> int:
    from wsmonitor.logging_setup import configure_logging

    parser = build_parser()
    args = parser.parse_args(argv)
    log_file = configure_logging(verbose=args.verbose)
    handler: Handler = _run_self_test if args.self_test else args.handler
    try:
        return handler(args)
    except KeyboardInterrupt:
        return 130
    except (UserError, CheckFailed) as exc:
        print(f"wsmonitor: error: {exc}", file=sys.stderr)
        return exc.exit_code
    except Exception as exc:
        log.exception("unexpected error in %s", args.command or "gui")
        print(
            f"wsmonitor: internal error: {type(exc).__name__}: {exc} (details in {log_file})",
            file=sys.stderr,
        )
        return 1


if __name__ == "__main__":
    raise SystemExit(main())
