"""The embedded demo server and its traffic simulator."""
