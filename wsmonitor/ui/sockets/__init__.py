"""Sockets page: live sockets, their handshake, and the short-lived connection detector."""
