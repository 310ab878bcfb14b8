"""The Handshake lab page: fire one Socket.IO handshake and see why it fails."""

from wsmonitor.ui.lab.page import LabPage

__all__ = ["LabPage"]
