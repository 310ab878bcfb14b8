"""ProbeOptions validation: one set of rules for CLI and GUI, each problem naming its field."""

from __future__ import annotations

import math

import pytest

from wsmonitor.net.probe.options import ProbeOptions, ProbeOptionsError


@pytest.mark.parametrize(
    ("changes", "field", "cli_words", "plain_words"),
    [
        ({"url": ""}, "url", "no URL", "enter the server URL"),
        ({"url": "htp:/x"}, "url", "invalid URL", "invalid URL"),
        ({"eio": 5}, "eio", "--eio", "must be 3 or 4"),
        ({"transport": "carrier-pigeon"}, "transport", "unknown transport", "unknown transport"),
        ({"token": "t0k3n-value", "token_in": "pocket"}, "token_in", "--token-in", "must be one"),
        ({"timeout": 0}, "timeout", "--timeout", "must be > 0"),
        ({"timeout": math.nan}, "timeout", "finite", "finite"),
        ({"hold": -1}, "hold", "--hold", "must be >= 0"),
        ({"headers": {"Bad Name": "v"}}, "headers", "invalid header name", "not a valid header"),
        ({"headers": {"": "v"}}, "headers", "no name", "no name"),
        ({"headers": {"X-A": "a\r\nb"}}, "headers", "printable ASCII", "printable ASCII"),
        # A trailing line break once slipped through ("$" matches before it).
        ({"origin": "https://x\n"}, "origin", "printable ASCII", "printable ASCII"),
        ({"headers": {"X-A\n": "v"}}, "headers", "invalid header name", "not a valid header"),
        ({"token": "abc\n", "token_in": "cookie"}, "token_in", "cannot go in", "cannot go in"),
        (
            {"token": "a\nb", "token_in": "header"},
            "token_in",
            "use --token-in auth",
            "auth payload or the query string",
        ),
        ({"ca_file": "/nonexistent/ca.pem"}, "ca_file", "cannot use CA file", "CA file"),
    ],
)
def test_each_problem_names_its_field(changes, field, cli_words, plain_words) -> None:
    options = ProbeOptions(**{"url": "http://127.0.0.1:1", **changes})
    with pytest.raises(ProbeOptionsError) as caught:
        options.validate()
    assert caught.value.field == field
    assert cli_words in str(caught.value)
    assert plain_words in caught.value.plain
    assert "--" not in caught.value.plain  # the form's message names no CLI flag


def test_problems_lists_every_field_at_once() -> None:
    options = ProbeOptions(
        url="nope", eio=7, headers={"a b": "x"}, timeout=-1, ca_file="/nonexistent/ca.pem"
    )
    fields = [p.field for p in options.problems()]
    assert fields == ["url", "eio", "timeout", "headers", "ca_file"]
    assert ProbeOptions(url="http://127.0.0.1:1").problems() == []


@pytest.mark.parametrize("token_in", [None, "auth"])
def test_eio3_with_the_token_in_auth_goes_in_the_query(token_in: str | None) -> None:
    """Socket.IO v2 has no auth payload: CLI and GUI both send the token in the query."""
    options = ProbeOptions(url="http://h", eio=3, token="tok-12345678", token_in=token_in)
    options = options.validate()
    assert options.token_place == "query"
    assert "token=tok-12345678" in options.engine_url("polling")
    assert options.to_dict()["token_in"] == "query"


def test_a_raw_url_with_its_own_token_gets_no_second_one() -> None:
    url = "ws://h/ws?token=from-the-url"
    options = ProbeOptions(url=url, raw=True, token="from-the-field").validate()
    assert options.raw_url() == url
    other = ProbeOptions(url="ws://h/ws?x=1", raw=True, token="from-the-field").validate()
    assert other.raw_url() == "ws://h/ws?x=1&token=from-the-field"
