"""Health endpoint results: sample model, failure kinds, body summaries, up/down timeline.

Pure Python: the HTTP side lives in ``wsmonitor.net.health``. Everything a user sees about a
health check (what failed, in plain words, and since when) is computed here.
"""

from __future__ import annotations

import json
import math
from collections import Counter, deque
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass
from enum import StrEnum
from typing import Any

SUMMARY_LIMIT = 120

# JSON status words that mean "I am not healthy", as health endpoints commonly spell them.
_DOWN_WORDS = frozenset(
    {"down", "error", "fail", "failed", "failing", "unhealthy", "critical", "ko", "not ok", "dead"}
)
_STATUS_FIELDS = ("status", "state", "health", "healthy", "ok")


class FailureKind(StrEnum):
    """Why a health check failed; ``OK`` when it did not."""

    OK = "ok"
    REFUSED = "refused"
    TIMEOUT = "timeout"
    DNS = "dns"
    TLS = "tls"
    HTTP_5XX = "http_5xx"
    HTTP_4XX = "http_4xx"
    NON_JSON = "non_json"
    UNHEALTHY = "unhealthy"
    NETWORK = "network"
    INVALID_URL = "invalid_url"


@dataclass(frozen=True)
class HealthSample:
    """One health check: when, whether it passed, and what the user should read about it."""

    t: float
    ok: bool
    status: int | None
    latency_ms: float | None
    error: str | None
    error_kind: str
    body_summary: str = ""

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (the recorder's ``health`` entries use these keys)."""
        return asdict(self)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> HealthSample:
        """Rebuild a sample written by ``to_dict`` (unknown keys are ignored)."""
        status = data.get("status")
        latency = data.get("latency_ms")
        return cls(
            t=float(data.get("t", 0.0)),
            ok=bool(data.get("ok", False)),
            status=int(status) if isinstance(status, int | float) else None,
            latency_ms=float(latency) if isinstance(latency, int | float) else None,
            error=str(data["error"]) if data.get("error") is not None else None,
            error_kind=str(data.get("error_kind") or ("ok" if data.get("ok") else "network")),
            body_summary=str(data.get("body_summary") or ""),
        )


@dataclass(frozen=True)
class HealthPeriod:
    """A stretch of time during which the endpoint was continuously up (or down)."""

    start: float
    end: float
    up: bool
    samples: int
    error_kind: str

    @property
    def duration(self) -> float:
        return max(0.0, self.end - self.start)


def classify_status(status: int) -> FailureKind:
    """Failure kind of an HTTP status alone (2xx/3xx are OK)."""
    if status >= 500:
        return FailureKind.HTTP_5XX
    if status >= 400:
        return FailureKind.HTTP_4XX
    return FailureKind.OK


def _shorten(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: max(0, limit - 1)] + "…"


def _status_word(parsed: Any) -> tuple[str, Any] | None:
    if not isinstance(parsed, dict):
        return None
    for key in _STATUS_FIELDS:
        if key in parsed and isinstance(parsed[key], str | bool | int | float):
            return key, parsed[key]
    return None


def summarize_body(
    content: bytes, content_type: str | None = None, limit: int = SUMMARY_LIMIT
) -> tuple[str, Any | None]:
    """A short human summary of a response body, and the parsed JSON (None if not JSON).

    JSON objects are summarised by their status field (``status=ok``) or their first keys;
    other bodies by their first characters, whitespace collapsed.
    """
    del content_type  # servers mislabel JSON often enough that the body decides
    text = content.decode("utf-8", errors="replace").strip()
    if not text:
        return "", None
    try:
        parsed = json.loads(text)
    except (ValueError, RecursionError):
        return _shorten(text, limit), None
    word = _status_word(parsed)
    if word is not None:
        key, value = word
        if isinstance(value, bool):
            value = str(value).lower()
        summary = f"{key}={value}"
    elif isinstance(parsed, dict):
        summary = "{" + ", ".join(str(k) for k in list(parsed)[:6]) + "}"
    else:
        summary = json.dumps(parsed)
    return _shorten(summary, limit), parsed


def json_says_down(parsed: Any) -> bool:
    """True when a JSON health body reports itself unhealthy (``{"status": "down"}`` etc.)."""
    word = _status_word(parsed)
    if word is None:
        return False
    _, value = word
    if isinstance(value, bool):
        return not value
    if isinstance(value, int | float):
        return False
    return value.strip().lower() in _DOWN_WORDS


def compute_periods(
    samples: Iterable[HealthSample], *, until: float | None = None
) -> list[HealthPeriod]:
    """Merge consecutive samples with the same up/down state into periods, oldest first.

    A period ends where the next one starts; the last one ends at ``until`` (or its last sample).
    """
    ordered = sorted((s for s in samples if math.isfinite(s.t)), key=lambda s: s.t)
    periods: list[HealthPeriod] = []
    run: list[HealthSample] = []

    def close(end: float) -> None:
        up = run[0].ok
        kinds = Counter(s.error_kind for s in run)
        kind = "ok" if up else _main_kind(kinds)
        periods.append(HealthPeriod(run[0].t, max(end, run[0].t), up, len(run), kind))

    for sample in ordered:
        if run and sample.ok != run[0].ok:
            close(sample.t)
            run = []
        run.append(sample)
    if run:
        end = run[-1].t if until is None else max(until, run[-1].t)
        close(end)
    return periods


def _main_kind(kinds: Counter[str]) -> str:
    """The most frequent failure kind of a run (ties: alphabetical, so the choice is stable)."""
    return min((k for k in kinds.items() if k[1] > 0), key=lambda kv: (-kv[1], kv[0]))[0]


class Timeline:
    """Up/down periods kept up to date one sample at a time (O(1) per sample).

    Gives what ``compute_periods`` gives for the same samples in arrival order, without
    re-reading a day of samples on every redraw.
    """

    def __init__(self) -> None:
        # Each run: [start, last_t, up, count, Counter of kinds]
        self._runs: deque[list[Any]] = deque()

    def add(self, sample: HealthSample) -> None:
        last = self._runs[-1] if self._runs else None
        if last is not None and last[2] == sample.ok:
            last[1] = max(last[1], sample.t)
            last[3] += 1
            last[4][sample.error_kind] += 1
        else:
            self._runs.append([sample.t, sample.t, sample.ok, 1, Counter([sample.error_kind])])

    def evict(self, sample: HealthSample, next_t: float | None) -> None:
        """Forget the oldest sample (``next_t``: time of the sample that is now the oldest)."""
        if not self._runs:
            return
        first = self._runs[0]
        first[3] -= 1
        first[4][sample.error_kind] -= 1
        if first[3] <= 0:
            self._runs.popleft()
        elif next_t is not None:
            first[0] = next_t

    @property
    def down_since(self) -> float | None:
        """Start of the current down run, None when up or empty."""
        return self._runs[-1][0] if self._runs and not self._runs[-1][2] else None

    def periods(self, until: float | None = None) -> list[HealthPeriod]:
        runs = list(self._runs)
        out = []
        for i, (start, last_t, up, count, kinds) in enumerate(runs):
            if i + 1 < len(runs):
                end = runs[i + 1][0]
            else:
                end = last_t if until is None else max(until, last_t)
            kind = "ok" if up else _main_kind(kinds)
            out.append(HealthPeriod(start, max(end, start), up, count, kind))
        return out


def down_since(samples: Sequence[HealthSample]) -> float | None:
    """Time of the first failed sample of the current down run (None when up or no samples)."""
    if not samples or samples[-1].ok:
        return None
    start = samples[-1].t
    for sample in reversed(samples):
        if sample.ok:
            break
        start = sample.t
    return start


def down_duration(samples: Sequence[HealthSample], now: float) -> float:
    """Seconds the endpoint has been down without interruption up to ``now`` (0 when up)."""
    start = down_since(samples)
    return 0.0 if start is None else max(0.0, now - start)


def uptime_ratio(periods: Sequence[HealthPeriod], start: float, end: float) -> float | None:
    """Fraction of the observed part of [start, end] during which the endpoint was up."""
    up = observed = 0.0
    for period in periods:
        overlap = min(end, period.end) - max(start, period.start)
        if overlap <= 0:
            continue
        observed += overlap
        if period.up:
            up += overlap
    return None if observed <= 0 else up / observed
