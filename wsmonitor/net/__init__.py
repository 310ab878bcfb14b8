"""Qt-free asyncio network clients: admin channel, health poller, handshake probes."""
