"""Reports of several probes of one server (the lab's "3 and 4" Fire), on to_dict() data."""

from __future__ import annotations

import json
from typing import Any

from wsmonitor.core import probe_report
from wsmonitor.core.secrets import register_secret

TOKEN = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJjb21wYXJlIn0.c2lnbmF0dXJlLWNvbXBhcmU"
MASKED = "eyJh…cmU"


def _run(eio: int, verdict: str, total: float | None, **extra: Any) -> dict[str, Any]:
    """A probe's to_dict() form, as the engine gives it (token masked in the request)."""
    data: dict[str, Any] = {
        "verdict": verdict,
        "ok": verdict == "ok",
        "summary": f"summary of EIO {eio}",
        "hints": [] if verdict == "ok" else [f"hint for EIO {eio}"],
        "close_code": None,
        "close_reason": None,
        "timeline": [{"t_ms": 1.25, "dir": "out", "kind": "packet", "detail": f"EIO={eio} a|b"}],
        "request": {"url": "http://h:1", "eio": eio, "token": MASKED, "token_in": "query"},
        "jwt": None,
        "phases": {"total": total} if total is not None else {},
        "evidence": {"eio": eio},
    }
    data.update(extra)
    return data


def test_compare_line_names_each_version_its_verdict_and_time():
    runs = [_run(4, "ok", 12.4), _run(3, "protocol_mismatch", 8.0)]
    assert probe_report.compare_line(runs) == "EIO 4 ✓ ok 12 ms · EIO 3 ✗ protocol_mismatch 8 ms"
    assert probe_report.compare_line([_run(3, "timeout", None)]) == "EIO 3 ✗ timeout"


def test_compare_markdown_has_the_comparison_on_top_and_one_section_per_version():
    runs = [_run(4, "ok", 12.4), _run(3, "protocol_mismatch", 8.0)]
    text = probe_report.render_compare_markdown(runs)
    lines = text.splitlines()
    assert lines[0] == "# Handshake probe: EIO 4 vs EIO 3"
    assert lines[2] == "EIO 4 ✓ ok 12 ms · EIO 3 ✗ protocol_mismatch 8 ms"
    sections = [line for line in lines if line.startswith("## ")]
    assert sections == ["## EIO 4: `ok`", "## EIO 3: `protocol_mismatch`"]
    eio3 = text[text.index("## EIO 3") :]
    assert "summary of EIO 3" in eio3 and "- hint for EIO 3" in eio3
    assert "`EIO=3 a\\|b`" in eio3 and "EIO=4" not in eio3
    # Each section is the single report's body, word for word, under its own heading.
    single = probe_report.render_markdown(runs[1])
    body = single.split("\n", 2)[2]
    assert text.endswith(body)


def test_compare_json_is_one_object_with_each_runs_usual_report():
    runs = [_run(4, "ok", 12.4), _run(3, "protocol_mismatch", 8.0)]
    data = json.loads(probe_report.render_compare_json(runs))
    assert list(data) == ["runs"]
    assert [run["verdict"] for run in data["runs"]] == ["ok", "protocol_mismatch"]
    for run, original in zip(data["runs"], runs, strict=True):
        assert run == json.loads(probe_report.render_json(original))
        assert "evidence" not in run
    with_evidence = json.loads(probe_report.render_compare_json(runs, evidence=True))
    assert with_evidence["runs"][1]["evidence"] == {"eio": 3}


def test_compare_reports_mask_a_registered_secret_that_slipped_through():
    register_secret(TOKEN)
    leaky = _run(3, "auth_rejected", 5.0, summary=f"server said no to {TOKEN}")
    runs = [_run(4, "ok", 3.0), leaky]
    for text in (
        probe_report.render_compare_markdown(runs),
        probe_report.render_compare_json(runs),
    ):
        assert TOKEN not in text
        assert MASKED in text


def test_single_markdown_report_is_unchanged():
    data = _run(4, "ok", 12.4)
    assert probe_report.render_markdown(data) == (
        "## Handshake probe: `ok`\n"
        "\n"
        "summary of EIO 4\n"
        "\n"
        "**Request**\n"
        "\n"
        "| option | value |\n"
        "|---|---|\n"
        "| url | `http://h:1` |\n"
        "| eio | `4` |\n"
        f"| token | `{MASKED}` |\n"
        "| token_in | `query` |\n"
        "\n"
        "**Timeline**\n"
        "\n"
        "| t (ms) | dir | kind | detail |\n"
        "|---:|:-:|---|---|\n"
        "| 1.2 | → | packet | `EIO=4 a\\|b` |\n"
    )
