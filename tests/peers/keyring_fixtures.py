from __future__ import annotations

from collections.abc import Iterator

import keyring
import pytest

from tests.peers.memory_keyring import MemoryKeyring


@pytest.fixture
def memory_keyring() -> Iterator[MemoryKeyring]:
    """Route the keyring API to memory for one test; yields the backend to inspect."""
    previous = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    try:
        yield backend
    finally:
        keyring.set_keyring(previous)
