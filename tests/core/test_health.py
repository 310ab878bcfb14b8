"""Pure health logic: body summaries, status classification, the up/down timeline."""

from __future__ import annotations

import json

from wsmonitor.core.health import (
    FailureKind,
    HealthSample,
    Timeline,
    classify_status,
    compute_periods,
    down_duration,
    down_since,
    json_says_down,
    summarize_body,
    uptime_ratio,
)


def _s(t: float, ok: bool, kind: str = "ok") -> HealthSample:
    return HealthSample(t, ok, 200 if ok else None, 1.0 if ok else None, None, kind)


def test_summary_of_json_status_field() -> None:
    assert summarize_body(b'{"status": "ok", "db": "up"}')[0] == "status=ok"
    assert summarize_body(b'{"healthy": true}')[0] == "healthy=true"
    summary, parsed = summarize_body(b'{"uptime": 3, "version": "1"}')
    assert summary == "{uptime, version}" and parsed == {"uptime": 3, "version": "1"}


def test_summary_is_capped_and_collapses_whitespace() -> None:
    body = ("word   " * 200).encode()
    summary, parsed = summarize_body(body, limit=40)
    assert parsed is None and len(summary) == 40 and summary.endswith("…")
    assert "  " not in summary
    long_status = json.dumps({"status": "x" * 500}).encode()
    assert len(summarize_body(long_status)[0]) <= 120


def test_summary_of_binary_and_empty_bodies() -> None:
    assert summarize_body(b"") == ("", None)
    summary, parsed = summarize_body(b"\xff\xfe\x00garbage")
    assert parsed is None and summary


def test_json_down_words() -> None:
    assert json_says_down({"status": "DOWN"})
    assert json_says_down({"ok": False})
    assert json_says_down({"health": "unhealthy"})
    assert not json_says_down({"status": "ok"})
    assert not json_says_down({"status": 1})
    assert not json_says_down([1, 2])


def test_classify_status() -> None:
    assert classify_status(200) is FailureKind.OK
    assert classify_status(302) is FailureKind.OK
    assert classify_status(404) is FailureKind.HTTP_4XX
    assert classify_status(502) is FailureKind.HTTP_5XX


def test_sample_round_trip() -> None:
    sample = HealthSample(10.0, False, 503, 12.5, "HTTP 503", "http_5xx", "status=down")
    data = sample.to_dict()
    assert set(data) == {
        "t",
        "ok",
        "status",
        "latency_ms",
        "error",
        "error_kind",
        "body_summary",
    }
    assert HealthSample.from_dict(json.loads(json.dumps(data))) == sample


def test_periods_merge_runs_and_end_at_next_start() -> None:
    samples = [
        _s(0, True),
        _s(5, True),
        _s(10, False, "timeout"),
        _s(15, False, "refused"),
        _s(20, False, "refused"),
        _s(25, True),
    ]
    periods = compute_periods(reversed(samples), until=40)
    assert [(p.start, p.end, p.up, p.samples) for p in periods] == [
        (0, 10, True, 2),
        (10, 25, False, 3),
        (25, 40, True, 1),
    ]
    assert periods[1].error_kind == "refused" and periods[1].duration == 15
    assert compute_periods([]) == []


def test_down_duration_and_uptime() -> None:
    samples = [_s(0, True), _s(5, False, "timeout"), _s(10, False, "timeout")]
    assert down_duration(samples, now=12) == 7
    assert down_duration(samples[:1], now=12) == 0
    assert down_duration([], now=12) == 0
    periods = compute_periods(samples, until=10)
    assert uptime_ratio(periods, 0, 10) == 0.5
    assert uptime_ratio(periods, 100, 200) is None


def test_incremental_timeline_matches_compute_periods() -> None:
    import random

    rng = random.Random(7)
    samples = []
    for i in range(400):
        ok = rng.random() < 0.7
        samples.append(_s(float(i * 5), ok, "ok" if ok else rng.choice(["timeout", "refused"])))
    timeline, window, keep = Timeline(), [], 50
    for sample in samples:
        if len(window) == keep:
            timeline.evict(window[0], window[1].t)
            window.pop(0)
        window.append(sample)
        timeline.add(sample)
        assert timeline.periods(until=sample.t + 1) == compute_periods(window, until=sample.t + 1)
        assert timeline.down_since == down_since(window)


def test_services_never_import_qt() -> None:
    import subprocess
    import sys

    modules = [
        "wsmonitor.core.health",
        "wsmonitor.net.health",
        "wsmonitor.net.health_check",
        "wsmonitor.store.history",
        "wsmonitor.store.history_file",
        "wsmonitor.store.history_rollups",
        "wsmonitor.core.alerts",
        "wsmonitor.core.alert_rules",
        "wsmonitor.core.alert_conditions",
        "wsmonitor.core.profiles",
        "wsmonitor.core.connection_profile",
        "wsmonitor.core.app_settings",
        "wsmonitor.core.json_file",
        "wsmonitor.store.keyring_store",
    ]
    code = (
        f"import sys; import {', '.join(modules)}; "
        "bad = [m for m in sys.modules if m.split('.')[0] in ('PySide6', 'pyqtgraph', 'qasync')]; "
        "print(bad); sys.exit(1 if bad else 0)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stdout + result.stderr
