"""A new short-lived threshold: recount what the disconnect log still holds, and say how far back.

The disconnect log keeps each disconnect's lifetime, so a new threshold re-judges every record it
holds: the short-lived list, the short-lived total and the per-second series, in the seconds those
records were counted in. Disconnects older than the (capped) log keep the verdict of the threshold
they were counted with; ``ShortLivedRecount`` says from when the counts use the new one, so the
GUI can say so rather than show a silent mix.
"""

from __future__ import annotations

import math
import time
from collections.abc import MutableMapping
from dataclasses import dataclass

from wsmonitor.core.disconnect_log import DisconnectLog
from wsmonitor.core.series import TimeSeries


@dataclass(frozen=True, slots=True)
class ShortLivedRecount:
    """The latest threshold change: what it recounted and what it could not."""

    threshold_s: float
    at: float  # epoch s (local clock) of the change
    since: float | None  # local time from which counts use ``threshold_s``; None: all of them
    earlier_s: tuple[float, ...]  # thresholds the counts before ``since`` used (ascending)
    records: int  # disconnects re-judged (all the log held)
    changed: int  # verdicts that flipped
    dropped: int  # disconnects the log had dropped by then (to tell whether more fell off)
    # (epoch second, step) of every second whose short-lived count changed, for the history
    by_second: tuple[tuple[int, int], ...] = ()

    @property
    def complete(self) -> bool:
        """Whether every count now uses ``threshold_s`` (nothing older was counted otherwise)."""
        return self.since is None or set(self.earlier_s) <= {self.threshold_s}


def check_threshold(seconds: float) -> float:
    """``seconds`` as a float; ``ValueError`` unless it is a positive, finite number."""
    value = float(seconds)
    if not (value > 0 and math.isfinite(value)):
        raise ValueError(f"the short-lived threshold must be positive seconds, not {seconds!r}")
    return value


def recount_short_lived(
    log: DisconnectLog,
    series: TimeSeries,
    counts: MutableMapping[str, int],
    seconds: float,
    now: float,
    previous: ShortLivedRecount | None = None,
) -> ShortLivedRecount:
    """Switch ``log`` to ``seconds`` and correct ``counts["short_lived"]`` and ``series``.

    ``series`` must hold every count already (the caller flushes its per-second writer first),
    and the caller's writer must not write the change again (``SecondWriter.absorb``).
    """
    old = log.short_lived_s
    result = log.rejudge(seconds)
    for second, step in result.by_second.items():
        if step:  # a flip each way within one second cancels out: leave a NaN slot alone
            series.add(second, step)
    counts["short_lived"] += result.delta
    dropped = log.dropped
    since: float | None = None
    earlier: set[float] = set()
    if dropped:
        since = log.records[0].seen_at if log.records else now
        earlier = set(previous.earlier_s) if previous is not None else set()
        if previous is None or dropped > previous.dropped:
            # records counted with ``old`` have fallen off since the previous change
            earlier.add(old)
    return ShortLivedRecount(
        threshold_s=seconds,
        at=now,
        since=since,
        earlier_s=tuple(sorted(earlier)),
        records=result.records,
        changed=result.changed,
        dropped=dropped,
        by_second=tuple(sorted((s, d) for s, d in result.by_second.items() if d)),
    )


def _clock(t: float, day_of: float) -> str:
    """Local time of ``t``; with its date when that is not the day of ``day_of``."""
    stamp = time.localtime(t)
    if time.strftime("%Y-%m-%d", stamp) != time.strftime("%Y-%m-%d", time.localtime(day_of)):
        return time.strftime("%Y-%m-%d %H:%M:%S", stamp)
    return time.strftime("%H:%M:%S", stamp)


def recount_note(recount: ShortLivedRecount | None) -> str:
    """One plain sentence on which threshold the shown counts used ("" before any change)."""
    if recount is None:
        return ""
    new = f"{recount.threshold_s:g} s"
    if recount.since is None:
        return f"Recounted with {new} at {_clock(recount.at, recount.at)}: every disconnect seen."
    if recount.complete:
        return f"Recounted with {new} at {_clock(recount.at, recount.at)}: every count uses it."
    earlier = " and ".join(f"{s:g} s" for s in recount.earlier_s)
    return (
        f"Recounted with {new} from {_clock(recount.since, recount.at)}; earlier counts used"
        f" {earlier} (the disconnect log no longer holds them)."
    )
