"""Diagnose's root cause across combinations, and verdicts for evidence the review added."""

from __future__ import annotations

from wsmonitor.core.verdict import Evidence, Verdict, decide, root_cause

OK = Verdict("ok", "fine")
EIO3_REFUSED = Verdict("protocol_mismatch", "EIO3 refused", ["enable allowEIO3"])
NO_TOKEN = Verdict("auth_rejected", "no token", ["pass a token"])
LABELS = [f"EIO{v} {t}" for v in (4, 3) for t in ("polling", "websocket", "upgrade")]


def test_root_cause_names_a_whole_row_of_the_matrix() -> None:
    cause = root_cause([(label, OK if "EIO4" in label else EIO3_REFUSED) for label in LABELS])
    assert cause.code == "protocol_mismatch"
    assert cause.summary.startswith("Every EIO=3 combination: EIO3 refused")
    assert any("EIO4 polling, EIO4 websocket, EIO4 upgrade" in h for h in cause.hints)


def test_root_cause_lists_labels_when_they_are_no_whole_row() -> None:
    verdicts = [("EIO4 polling", OK), ("EIO3 polling", EIO3_REFUSED), ("EIO3 upgrade", OK)]
    verdicts.append(("EIO3 websocket", OK))
    cause = root_cause(verdicts)
    assert cause.summary.startswith("EIO3 polling: ")


def test_root_cause_tie_prefers_what_current_clients_hit_and_mentions_the_rest() -> None:
    cause = root_cause([(label, NO_TOKEN if "EIO4" in label else EIO3_REFUSED) for label in LABELS])
    assert cause.code == "auth_rejected"  # 3 against 3: EIO=4 clients matter more
    assert "Also failing with protocol_mismatch: every EIO=3 combination." in cause.hints


def test_root_cause_when_everything_fails_alike_or_nothing_fails() -> None:
    down = Verdict("unreachable", "down", [])
    same = root_cause([("a", down), ("b", down)])
    assert same.code == "unreachable" and "Every combination" in same.summary
    assert root_cause([("a", OK)]).ok


def test_a_websocket_that_carries_something_else_is_not_socketio() -> None:
    evidence = Evidence(
        transport="websocket",
        ws_opened=True,
        failure="protocol",
        failure_detail="the websocket opened but its first message is not an Engine.IO open packet",
    )
    assert decide(evidence).code == "not_socketio"


def test_diagnose_text_lists_failed_checks_and_fits_a_width() -> None:
    from wsmonitor.core.probe_report import render_diagnose_text

    row = {"label": "EIO4 polling", "state": "done", "verdict": "ok", "total_ms": 12.0}
    data = {
        "ok": False,
        "checks": [{"name": "health", "ok": False, "summary": "HTTP 503"}],
        "matrix": [{**row, "brief": "connected " + "x" * 200}],
        "root_cause": {"verdict": "ok", "ok": True, "summary": "Every combination connected."},
    }
    text = render_diagnose_text(data, width=80)
    assert "[FAIL] health: HTTP 503" in text and "hint: health check: HTTP 503" in text
    assert "most likely root cause: ok  ✗" in text  # the run failed even though probes passed
    assert all(len(line) <= 80 for line in text.splitlines() if line.startswith("EIO4"))
