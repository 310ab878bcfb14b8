"""The ``wsmonitor`` command: the GUI by default, plus headless sub-commands.

Sub-commands live in ``wsmonitor.commands.<name>``; each module has ``NAME``, ``HELP`` and
``register(subparsers)``, and imports its heavy dependencies (Qt above all) only inside its
handler, so ``--version``, ``--help`` and headless commands stay fast and Qt-free.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import os
import select
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from wsmonitor import __version__
from wsmonitor.errors import CheckFailed, UserError

log = logging.getLogger(__name__)

# Order is the order shown by --help.
COMMAND_MODULES: tuple[str, ...] = ("demo", "connect", "record", "probe", "diagnose")

Handler = Callable[[argparse.Namespace], int]

#: Exit status when the reader of our stdout went away (``wsmonitor ... --json | head``): what a
#: shell reports for a program killed by SIGPIPE (128 + 13), as ``cat`` or ``grep`` would end.
#: Not 1, which means "a check failed" here; ``set -o pipefail`` scripts still see a failure.
EXIT_BROKEN_PIPE = 141


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
        help="build the main window (offscreen unless QT_QPA_PLATFORM names a platform), "
        "load resources and the network stack, then exit",
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
    """The ``wsmonitor`` entry point: run one command, return its exit status."""
    try:
        try:
            return _main(argv)
        finally:
            # Flush here so that a closed pipe shows up inside this ``try`` and not in the
            # interpreter's last flush, which would print "Exception ignored" and exit 120.
            if sys.stdout is not None:  # None in a windowed Windows build
                sys.stdout.flush()
    except BrokenPipeError:
        # Only stdout gets here (see _main): the reader went away (``| head``), so there is
        # nothing left to say and nobody to say it to. The null device takes what is still
        # buffered, so the interpreter's exit flush cannot fail again.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
        return EXIT_BROKEN_PIPE


def _stdout_closed() -> bool:
    """Whether stdout is a pipe whose reader has gone away."""
    if sys.stdout is None:
        return False
    if not hasattr(select, "poll"):  # Windows: no poll(); assume the usual cause
        return True
    try:
        poller = select.poll()
        poller.register(sys.stdout.fileno(), select.POLLOUT)
        events = poller.poll(0)
    except (OSError, ValueError):  # stdout is no file (replaced by a test harness, say)
        return False
    return any(event & (select.POLLERR | select.POLLHUP) for _fd, event in events)


def _main(argv: Sequence[str] | None) -> int:
    """Parse, set up logging, dispatch; every error becomes one line and an exit status."""
    from wsmonitor.logging_setup import configure_logging

    parser = build_parser()
    args = parser.parse_args(argv)
    log_file = configure_logging(verbose=args.verbose)
    handler: Handler = _run_self_test if args.self_test else args.handler
    try:
        return handler(args)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        if _stdout_closed():
            raise  # main() ends quietly
        return _internal_error(args, log_file)  # a socket's broken pipe is a real error
    except (UserError, CheckFailed) as exc:
        print(f"wsmonitor: error: {exc}", file=sys.stderr)
        return exc.exit_code
    except Exception:
        return _internal_error(args, log_file)


def _internal_error(args: argparse.Namespace, log_file: Path | None) -> int:
    """Log the exception being handled with its traceback; tell the user one line."""
    exc = sys.exc_info()[1]
    log.exception("unexpected error in %s", args.command or "gui")
    print(
        f"wsmonitor: internal error: {type(exc).__name__}: {exc} (details in {log_file})",
        file=sys.stderr,
    )
    return 1


if __name__ == "__main__":
    raise SystemExit(main())
