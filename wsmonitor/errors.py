"""Errors that carry a message meant for the user, not a traceback."""


class UserError(Exception):
    """A problem the user can fix (bad URL, bad option, missing file). Exit code 2 in the CLI."""

    exit_code = 2


class CheckFailed(Exception):
    """A headless check ran and failed. Exit code 1 in the CLI."""

    exit_code = 1
