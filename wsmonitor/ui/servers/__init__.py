"""Servers page: the nodes of the watched cluster, healthy or stale."""
