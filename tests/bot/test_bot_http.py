"""End to end: the HTTP layer — signatures (401, never 500), body cap (413), health, routing,
and 2xx for every request nobody handles (never Bolt's 404)."""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable
from typing import Any

import pytest
from conftest_bot import SIGNING_SECRET, BotServer, DbSwitch
from fakeslack import FakeSlack
from slackreq import event_callback, message_event, sign

from core.store import ANY_TEAM, list_incidents

pytestmark = pytest.mark.db

DENIAL = (
    "User: arn:aws:iam::111122223333:user/carol is not authorized to perform: sqs:SendMessage on "
    "resource: arn:aws:sqs:us-east-1:111122223333:jobs because no identity-based policy allows "
    "the sqs:SendMessage action"
)
MARKER = "needle-7f3a9c-in-the-body"


def _raw(body: dict[str, Any]) -> bytes:
    return json.dumps(body).encode()


def _bad_requests() -> list[tuple[str, Callable[[bytes], dict[str, str]]]]:
    now = int(time.time())

    def good(raw: bytes, ts: int = now) -> dict[str, str]:
        return sign(SIGNING_SECRET, raw, ts)

    return [
        ("wrong-secret", lambda raw: sign("not-the-secret", raw)),
        ("stale-301s", lambda raw: good(raw, now - 301)),
        ("future-301s", lambda raw: good(raw, now + 301)),
        ("no-headers", lambda raw: {}),
        ("no-signature", lambda raw: {"X-Slack-Request-Timestamp": str(now)}),
        ("no-timestamp", lambda raw: {"X-Slack-Signature": good(raw)["X-Slack-Signature"]}),
        ("non-numeric-timestamp", lambda raw: {**good(raw), "X-Slack-Request-Timestamp": "abc"}),
        ("negative-timestamp", lambda raw: {**good(raw), "X-Slack-Request-Timestamp": "-5"}),
        ("huge-timestamp", lambda raw: {**good(raw), "X-Slack-Request-Timestamp": "9" * 40}),
        ("v1-signature", lambda raw: {**good(raw), "X-Slack-Signature": "v1=" + "0" * 64}),
        ("non-ascii-signature", lambda raw: {**good(raw), "X-Slack-Signature": "v0=é" + "0" * 63}),
        ("tampered-body", lambda raw: sign(SIGNING_SECRET, raw.replace(b"carol", b"mallory"))),
    ]


@pytest.mark.parametrize("name", [name for name, _ in _bad_requests()])
def test_bad_signatures_get_401_and_nothing_is_stored_or_logged(
    bot: BotServer, fake_slack: FakeSlack, caplog: pytest.LogCaptureFixture, name: str
) -> None:
    caplog.set_level(logging.DEBUG)
    headers_for = dict(_bad_requests())[name]
    raw = _raw(message_event(f"{DENIAL} {MARKER}"))
    resp = bot.slack.post(
        "/slack/events", raw, {"Content-Type": "application/json", **headers_for(raw)}
    )
    assert resp.status == 401
    bot.drain()
    assert list_incidents(bot.store, team_id=ANY_TEAM) == []
    assert fake_slack.calls() == []
    assert MARKER not in caplog.text


def test_oversize_body_is_refused_with_413_before_parsing(
    bot: BotServer, fake_slack: FakeSlack, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    cap = bot.settings.iamdeny_max_body_bytes
    body = message_event(DENIAL + " " + MARKER + " x" * cap)
    raw = _raw(body)
    assert len(raw) > cap
    resp = bot.slack.post(
        "/slack/events", raw, {"Content-Type": "application/json", **sign(SIGNING_SECRET, raw)}
    )
    assert resp.status == 413
    # Not even valid JSON gets parsed past the cap: it is refused by size alone.
    junk = b"{" * (cap + 1)
    assert bot.slack.post("/slack/events", junk, sign(SIGNING_SECRET, junk)).status == 413
    assert list_incidents(bot.store, team_id=ANY_TEAM) == []
    assert MARKER not in caplog.text
    # A body just under the cap is read normally.
    ok = message_event("x" * (cap // 2))
    assert bot.slack.send_event(ok).status == 200


@pytest.mark.parametrize(
    "raw",
    [
        b"\xff\xfe not utf-8",
        b"[" * 100_000 + b"]" * 100_000,
        b"[1]",
        b"null",
        b"1",
        b'"x"',
        b"{}",
        b"",
        b'{"type": "event_callback"}',
        b'{"type": "event_callback", "event": 5}',
        b'{"type": "event_callback", "event": {"type": "message", "channel": 5, "ts": [1]}}',
        b'{"type": "event_callback", "event": {"type": "message", "message": 3, '
        b'"subtype": "message_changed"}}',
        b"payload=%5B1%5D",
        b"payload=notjson",
        b"command=/x",
    ],
)
def test_malformed_signed_bodies_never_get_a_5xx(bot: BotServer, raw: bytes) -> None:
    for ctype in ("application/json", "application/x-www-form-urlencoded"):
        headers = {"Content-Type": ctype, **sign(SIGNING_SECRET, raw)}
        resp = bot.slack.post("/slack/events", raw, headers)
        assert resp.status < 500, (ctype, resp.status)


def test_healthz(bot: BotServer, db_switch: Callable[..., DbSwitch]) -> None:
    resp = bot.get("/healthz")
    assert resp.status == 200 and resp.json() == {"ok": True, "database": "ok", "spooled": 0}
    assert bot.drainer is not None
    bot.drainer.stop()  # keep what is spooled in the spool
    switch = db_switch(bot.store)
    switch.down()
    try:
        assert bot.slack.send_event(message_event(DENIAL)).status == 200
        down = bot.get("/healthz")
    finally:
        switch.up()
    assert down.status == 503
    assert down.json() == {"ok": False, "database": "unavailable", "spooled": 1}


def test_healthz_without_a_spool(make_bot: Callable[..., BotServer]) -> None:
    resp = make_bot(iamdeny_spool_dir="").get("/healthz")
    assert resp.status == 200 and resp.json() == {"ok": True, "database": "ok"}


def test_routing(bot: BotServer) -> None:
    assert bot.get("/slack/events").status == 405
    assert bot.get("/nope").status == 404
    assert bot.get("/slack/install").status == 404  # single-workspace mode: no OAuth routes
    assert bot.slack.post("/healthz", b"", {}).status == 404


def test_url_verification_and_ssl_check(bot: BotServer) -> None:
    challenge = {"token": "x", "challenge": "c-123", "type": "url_verification"}
    resp = bot.slack.send_event(challenge)
    assert resp.status == 200 and "c-123" in resp.text
    ssl = bot.slack.send_form({"ssl_check": "1", "token": "x"})
    assert ssl.status == 200


def test_unhandled_requests_get_2xx_not_404(bot: BotServer, fake_slack: FakeSlack) -> None:
    assert bot.slack.send_command("/some-other-command", "hi").status == 200
    action = {
        "type": "block_actions",
        "team": {"id": "T0001", "domain": "acme"},
        "user": {"id": "U0USER1", "team_id": "T0001"},
        "api_app_id": "A0IAMDENY",
        "trigger_id": "1.2",
        "container": {"type": "message", "channel_id": "C0CHAN1", "message_ts": "1.1"},
        "channel": {"id": "C0CHAN1"},
        "actions": [
            {
                "action_id": "nobody_handles_this",
                "block_id": "b",
                "type": "button",
                "value": "v",
                "action_ts": "1.3",
            }
        ],
        "response_url": "https://hooks.slack.invalid/actions/1",
    }
    assert bot.slack.send_interaction(action).status == 200
    shortcut = {
        "type": "shortcut",
        "callback_id": "unknown",
        "team": {"id": "T0001"},
        "user": {"id": "U0USER1"},
        "trigger_id": "1.2",
        "token": "x",
    }
    assert bot.slack.send_interaction(shortcut).status == 200
    assert (
        bot.slack.send_event(
            event_callback(
                {"type": "member_joined_channel", "user": "U0USER1", "channel": "C0CHAN1"}
            )
        ).status
        == 200
    )
    bot.drain()
    assert fake_slack.calls() == []


def test_retry_headers_are_processed_not_dropped(bot: BotServer, fake_slack: FakeSlack) -> None:
    """A first delivery we never saw (e.g. lost in transit) arrives as retry 1: it is handled."""
    resp = bot.slack.send_event(message_event(DENIAL), retry_num=1, retry_reason="http_timeout")
    assert resp.status == 200
    fake_slack.wait_for("chat.postMessage")
    assert len(list_incidents(bot.store, team_id=ANY_TEAM)) == 1
