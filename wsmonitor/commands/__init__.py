"""Sub-commands of the wsmonitor CLI. Each module exposes register(subparsers)."""
