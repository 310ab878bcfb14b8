"""Persistence of recorded series and events (SQLite)."""
