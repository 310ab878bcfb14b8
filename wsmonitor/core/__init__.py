"""Qt-free building blocks: parsed protocol data, series, verdict rules, settings."""
