"""Copies a session's live series and disconnects into the history store, and keeps it right.

Every few seconds the session calls :meth:`HistoryRecorder.record`: the seconds that have
settled (counters of the last ones still change) of every series go to the store, with the
disconnects seen since. When the short-lived threshold changes, :meth:`on_recount` corrects
the seconds already handed over, so a restart refills what the user last saw.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any, Protocol

from wsmonitor.core.aggregator import Aggregator
from wsmonitor.core.short_lived_recount import ShortLivedRecount

if TYPE_CHECKING:
    from wsmonitor.core.health import HealthSample

log = logging.getLogger(__name__)

HISTORY_LAG_S = 5  # counters of the last seconds still change (aggregatedEvents come every 2 s)


class HistorySink(Protocol):
    """What the session needs from ``wsmonitor.store.history.HistoryStore``."""

    def record_samples(self, rows: Iterable[tuple[str, str, float, float]]) -> None: ...

    def record_event(
        self, kind: str, t: float, server_id: str = "", data: Mapping[str, Any] | None = None
    ) -> None: ...

    def record_health(self, sample: HealthSample, server_id: str = "") -> None: ...

    def adjust_samples(
        self,
        metric: str,
        server_id: str,
        deltas: Mapping[float, float],
        *,
        insert_missing: bool = False,
    ) -> int: ...

    def flush(self) -> int: ...


class HistoryRecorder:
    """The history side of one session: what was copied so far, and how to correct it."""

    def __init__(self, aggregator: Aggregator, history: HistorySink) -> None:
        self.aggregator = aggregator
        self.history = history
        self._hist_upto: int | None = None
        self._hist_disconnects = 0

    def record(self, now: float) -> None:
        """Copy settled seconds of every series, and new disconnects, into the history store."""
        history = self.history
        upto = int(now) - HISTORY_LAG_S
        start = upto - 600 if self._hist_upto is None else self._hist_upto + 1
        if upto < start:
            return
        series = self.aggregator.series
        rows: list[tuple[str, str, float, float]] = []
        named = [(s.name, "", s) for s in (series.get(n) for n in series.GAUGES + series.COUNTERS)]
        named += [("clients", sid, s) for sid, s in series.per_server_clients.items()]
        for source, by_reason in series.reasons.items():
            named += [(f"reason:{source.value}:{r}", "", s) for r, s in by_reason.items()]
        for metric, server_id, ts in named:
            times, values = ts.raw(start, upto)
            rows.extend(
                (metric, server_id, float(t), float(v))
                for t, v in zip(times, values, strict=True)
                if not math.isnan(v)
            )
        history.record_samples(rows)
        self._hist_upto = upto
        self._record_disconnects(history)

    def on_recount(self, recount: ShortLivedRecount) -> None:
        """Correct the short-lived samples already handed to the history by a recount.

        Only seconds up to ``_hist_upto`` were copied; later ones are copied from the live
        series, which the recount has corrected already, so they must not get the delta again.
        A copied second with no sample was a NaN slot (nothing counted, so nothing copied); a
        gain there is a count now, so the history gets it too (``insert_missing``). A loss there
        means the sample was lost (a dropped batch): no negative count is made up for it.
        """
        upto = self._hist_upto
        if upto is None:
            return
        copied = [(float(s), float(d)) for s, d in recount.by_second if s <= upto]
        metric = self.aggregator.series.short_lived.name
        try:
            gains = {s: d for s, d in copied if d > 0}
            losses = {s: d for s, d in copied if d < 0}
            if gains:
                self.history.adjust_samples(metric, "", gains, insert_missing=True)
            if losses:
                self.history.adjust_samples(metric, "", losses)
        except Exception:  # history is a nice-to-have: never fail the threshold change for it
            log.exception("correcting the short-lived history failed")

    def _record_disconnects(self, history: HistorySink) -> None:
        total = self.aggregator.totals().socket_disconnects
        new = min(total - self._hist_disconnects, len(self.aggregator.disconnect_log))
        self._hist_disconnects = total
        if new <= 0:
            return
        log_ = self.aggregator.disconnect_log
        for rec in list(log_)[len(log_) - new :]:
            history.record_event(
                "disconnect",
                rec.t,
                data={
                    "nsp": rec.nsp,
                    "socket": rec.socket_id,
                    "address": rec.address,
                    "lifetime": rec.lifetime,
                    "reason": rec.reason,
                    "short_lived": rec.short_lived,
                },
            )
