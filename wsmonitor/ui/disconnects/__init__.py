"""Disconnects page: the capped, filterable log of recent disconnects."""
