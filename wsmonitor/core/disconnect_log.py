"""Recent disconnects, and the short-lived connection detector.

A socket that disconnects within ``short_lived_s`` seconds of connecting is short-lived (the
incident's symptom: clients that connect and drop at once). Lifetime = the disconnect's event
time minus the connect time, both on the server clock. Development mode only: production servers
send no socket events. Both logs are capped, oldest first. Each record keeps its lifetime, so a
new threshold can re-judge every record the log still holds (``rejudge``).
"""

from __future__ import annotations

from collections import deque
from functools import partial
from typing import NamedTuple

from wsmonitor.core.socket_store import SocketRow


class DisconnectRecord(NamedTuple):
    """One row of the disconnect log (also used for the short-lived list).

    A NamedTuple, not a dataclass: one is built per disconnect, on the hottest path."""

    t: float  # epoch s (server clock)
    nsp: str
    socket_id: str
    address: str
    user_agent: str
    lifetime: float | None  # s; None when the connect time is unknown
    reason: str
    short_lived: bool
    seen_at: float  # epoch s (local clock): the series counted it in this second


# builds a record from one tuple without the Python-level __new__ of a NamedTuple
_new_record = partial(tuple.__new__, DisconnectRecord)


class Rejudged(NamedTuple):
    """What re-judging the held records with a new threshold changed."""

    records: int  # records re-judged (all the log holds)
    changed: int  # verdicts that flipped
    delta: int  # change of the short-lived count (records that became short minus the others)
    by_second: dict[int, int]  # ``delta`` per local second the records were counted in


class DisconnectLog:
    """The capped disconnect log and short-lived list, with the short-lived threshold."""

    def __init__(
        self, size: int = 10_000, short_lived_size: int = 2_000, short_lived_s: float = 5.0
    ):
        self.records: deque[DisconnectRecord] = deque(maxlen=size)
        self.short_lived: deque[DisconnectRecord] = deque(maxlen=short_lived_size)
        self.short_lived_s = short_lived_s
        self.added = 0  # records ever logged: more than ``len(records)`` once the cap is hit
        self.version = 0  # bumped when held records are rewritten: views reload, not append

    @property
    def dropped(self) -> int:
        """Records that fell off the capped log (their lifetimes are gone)."""
        return self.added - len(self.records)

    def add(
        self,
        t: float,
        nsp: str,
        socket_id: str,
        reason: str,
        row: SocketRow | None,
        seen_at: float,
    ) -> bool:
        """Log one disconnect (``row``: the socket as the store knew it); True if short-lived."""
        if row is None:
            lifetime = None
            address = user_agent = ""
            short = False
        else:
            connected_at = row.connected_at
            if connected_at is None:
                lifetime = None
            else:
                span = t - connected_at
                # clocks that disagree (issued vs event time): an unknown lifetime, not a short one
                lifetime = None if span < -1.0 else max(0.0, span)
            short = lifetime is not None and lifetime < self.short_lived_s
            handshake = row.info.handshake
            address, user_agent = handshake.address, handshake.headers.get("user-agent", "")
        record = _new_record(
            (t, nsp, socket_id, address, user_agent, lifetime, reason, short, seen_at)
        )
        self.records.append(record)
        self.added += 1
        if short:
            self.short_lived.append(record)
        return short

    def rejudge(self, short_lived_s: float) -> Rejudged:
        """Use ``short_lived_s`` from now on, and re-judge every record the log holds with it.

        Records and the short-lived list are rewritten in place (aliases stay valid). Short-lived
        entries older than the log (their record fell off) keep their old verdict: without the
        records around them, nothing honest can be said about them under the new threshold.
        """
        self.short_lived_s = short_lived_s
        records = self.records
        by_second: dict[int, int] = {}
        rewritten: list[DisconnectRecord] = []
        changed = delta = 0
        for record in records:
            lifetime = record[5]
            short = lifetime is not None and lifetime < short_lived_s
            if short != record[7]:
                step = 1 if short else -1
                second = int(record[8])
                by_second[second] = by_second.get(second, 0) + step
                delta += step
                changed += 1
                record = _new_record((*record[:7], short, record[8]))
            rewritten.append(record)
        if changed:
            older: list[DisconnectRecord] = []
            if self.dropped:
                held = {id(r) for r in records}
                older = [r for r in self.short_lived if id(r) not in held]
            records.clear()
            records.extend(rewritten)
            self.short_lived.clear()
            self.short_lived.extend(older)
            self.short_lived.extend(r for r in rewritten if r[7])
            self.version += 1
        return Rejudged(len(rewritten), changed, delta, by_second)

    def filter(
        self, text: str = "", *, nsp: str | None = None, reason: str | None = None
    ) -> list[DisconnectRecord]:
        """The log (oldest first) filtered by namespace, reason and free text."""
        needle = text.strip().lower()
        out = []
        for rec in self.records:
            if nsp is not None and rec.nsp != nsp:
                continue
            if reason is not None and rec.reason != reason:
                continue
            haystack = f"{rec.socket_id} {rec.address} {rec.reason} {rec.nsp} {rec.user_agent}"
            if needle and needle not in haystack.lower():
                continue
            out.append(rec)
        return out
