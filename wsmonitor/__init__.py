"""wsmonitor: a desktop monitor and diagnosis tool for Socket.IO servers."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("wsmonitor")
except PackageNotFoundError:  # running from a source tree or a frozen bundle without metadata
    __version__ = "0.1.0"
