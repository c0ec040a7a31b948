"""Issue 5, item 6: request authentication. Every badly signed request gets 401 (never a 500),
nothing is stored or sent to Slack, and nothing of the body (a paste, a secret) reaches any log —
ours, Bolt's, or gunicorn's when served by `iamdeny serve`.

Replay policy (docs/reliability.md): a correctly signed request replayed within the 5-minute
window is *accepted* — Slack itself resends the very same signed body when it retries (with
`X-Slack-Retry-Num`, and we must not drop a retry: the first delivery may never have reached us).
Replays are harmless because processing is exactly-once: an event is recorded under its message's
unique key and answered under a reply claim, a `/iamdeny` paste under its trigger id. So a replayed
event (with or without retry headers, at once or concurrently) creates no second incident and no
second reply. Outside the window the signature is stale: 401.
"""

from __future__ import annotations

import json
import logging
import signal
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest
from conftest_bot import SIGNING_SECRET, BotServer, served_gunicorn
from fakeslack import DEFAULT_TEAM, FakeSlack
from slackreq import SlackRequests, block_actions, message_event, sign

from core.store import ANY_TEAM, Store, list_incidents

pytestmark = pytest.mark.db

MARKER = "auth-marker-9d41e7"
PASTE_SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzzAUTHKEY"
DENIAL = (
    "User: arn:aws:iam::111122223333:user/frank is not authorized to perform: sns:Publish on "
    f"resource: arn:aws:sns:us-east-1:111122223333:alerts with an explicit deny in a service "
    f"control policy {MARKER} aws_secret_access_key={PASTE_SECRET}"
)

Headers = Callable[[bytes], dict[str, str]]


def _variants() -> dict[str, Headers]:
    now = int(time.time())

    def good(raw: bytes, ts: int | str = now) -> dict[str, str]:
        return sign(SIGNING_SECRET, raw, ts)

    def with_ts(value: str) -> Headers:
        return lambda raw: {**good(raw), "X-Slack-Request-Timestamp": value}

    def with_sig(value: str) -> Headers:
        return lambda raw: {**good(raw), "X-Slack-Signature": value}

    return {
        "wrong-secret": lambda raw: sign("not-the-secret", raw),
        "stale-301s": lambda raw: good(raw, now - 301),
        # Read the clock when the request is built, and leave a few seconds' margin: on a loaded
        # machine a second can pass between building the variants and the server's check, and
        # `now + 301` then lands inside the window (the test, not the app, was wrong).
        "future-301s": lambda raw: good(raw, int(time.time()) + 305),
        "far-future": lambda raw: good(raw, now + 86_400 * 365),
        "epoch-0": lambda raw: good(raw, 0),
        "no-headers": lambda raw: {},
        "no-signature": lambda raw: {"X-Slack-Request-Timestamp": str(now)},
        "no-timestamp": lambda raw: {"X-Slack-Signature": good(raw)["X-Slack-Signature"]},
        "empty-headers": lambda raw: {"X-Slack-Request-Timestamp": "", "X-Slack-Signature": ""},
        "non-numeric-ts": with_ts("abc"),
        "float-ts": with_ts(f"{now}.5"),
        "negative-ts": with_ts("-5"),
        "unicode-digit-ts": with_ts("\u00b2\u00b3"),  # superscripts: str.isdigit() is True
        "huge-ts": with_ts("9" * 400),
        "ts-not-signed": lambda raw: {**good(raw, now - 10), "X-Slack-Request-Timestamp": str(now)},
        "v1-signature": with_sig("v1=" + "0" * 64),
        "short-signature": with_sig("v0=abc"),
        "upper-hex": lambda raw: {
            **good(raw),
            "X-Slack-Signature": "v0=" + good(raw)["X-Slack-Signature"][3:].upper(),
        },
        "no-prefix": lambda raw: {
            **good(raw),
            "X-Slack-Signature": good(raw)["X-Slack-Signature"][3:],
        },
        "huge-signature": with_sig("v0=" + "a" * 4_000),  # gunicorn: 431 past 8 KB
        "tampered-body": lambda raw: sign(SIGNING_SECRET, raw.replace(b"frank", b"mallo")),
        "appended-body": lambda raw: sign(SIGNING_SECRET, raw[:-1]),
    }


def _bodies(fake: FakeSlack) -> dict[str, tuple[bytes, str]]:
    event = json.dumps(message_event(DENIAL)).encode()
    command = urlencode(
        {
            "team_id": "T0001",
            "user_id": "U0USER1",
            "channel_id": "C0CHAN1",
            "command": "/iamdeny",
            "text": DENIAL,
            "response_url": fake.response_url(),
            "trigger_id": "1.trig",
        }
    ).encode()
    click = urlencode(
        {"payload": json.dumps(block_actions("iamdeny_wrong", f"1 {DENIAL}"))}
    ).encode()
    return {
        "event": (event, "application/json"),
        "command": (command, "application/x-www-form-urlencoded"),
        "interaction": (click, "application/x-www-form-urlencoded"),
    }


def test_every_bad_signature_is_401_and_leaves_no_trace(
    bot: BotServer, fake_slack: FakeSlack, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    statuses: dict[tuple[str, str], int] = {}
    for kind, (raw, ctype) in _bodies(fake_slack).items():
        for name, headers_for in _variants().items():
            resp = bot.slack.post("/slack/events", raw, {"Content-Type": ctype, **headers_for(raw)})
            statuses[(kind, name)] = resp.status
    bot.drain()
    wrong = {key: status for key, status in statuses.items() if status != 401}
    assert not wrong, wrong
    assert len(statuses) == 3 * len(_variants())
    assert list_incidents(bot.store, team_id=ANY_TEAM) == []
    assert fake_slack.calls(all_outcomes=True) == []
    assert MARKER not in caplog.text and PASTE_SECRET not in caplog.text
    # The same requests, correctly signed, are accepted (the variants are the only difference).
    raw, ctype = _bodies(fake_slack)["event"]
    signed = {"Content-Type": ctype, **sign(SIGNING_SECRET, raw)}
    assert bot.slack.post("/slack/events", raw, signed).status == 200


def test_replayed_event_is_accepted_and_harmless(bot: BotServer, fake_slack: FakeSlack) -> None:
    raw = json.dumps(message_event(DENIAL)).encode()
    headers = {"Content-Type": "application/json", **sign(SIGNING_SECRET, raw)}
    retry = {**headers, "X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_timeout"}

    assert bot.slack.post("/slack/events", raw, headers).status == 200
    fake_slack.wait_for("chat.postMessage")
    # The identical request again: as is, as Slack's retry, and 8 times concurrently.
    assert bot.slack.post("/slack/events", raw, headers).status == 200
    assert bot.slack.post("/slack/events", raw, retry).status == 200
    with ThreadPoolExecutor(8) as pool:
        codes = list(
            pool.map(lambda _: bot.slack.post("/slack/events", raw, headers).status, range(8))
        )
    assert codes == [200] * 8
    bot.drain()
    assert len(list_incidents(bot.store, team_id=ANY_TEAM)) == 1
    fake_slack.quiet("chat.postMessage", 1, settle=0.3)
    assert len(fake_slack.calls("chat.postEphemeral")) == 1  # the secret warning, once


def test_replayed_command_records_once(bot: BotServer, fake_slack: FakeSlack) -> None:
    raw, ctype = _bodies(fake_slack)["command"]
    headers = {"Content-Type": ctype, **sign(SIGNING_SECRET, raw)}
    for _ in range(3):
        assert bot.slack.post("/slack/events", raw, headers).status == 200
    bot.drain()
    assert len(list_incidents(bot.store, team_id=ANY_TEAM)) == 1
    # Each replay is answered on the caller's own response URL only (nothing in the channel).
    assert fake_slack.calls("chat.postMessage") == []


# --- gunicorn (`iamdeny serve`) logs -----------------------------------------------------------


@pytest.fixture
def served(
    fake_slack: FakeSlack, db_url: str, tmp_path: Path
) -> Iterator[tuple[SlackRequests, Any]]:
    with served_gunicorn(
        fake_slack, db_url, tmp_path / "spool", secret=SIGNING_SECRET, threads=2
    ) as app:
        yield app


@pytest.mark.slow
def test_gunicorn_logs_carry_no_body(
    served: tuple[SlackRequests, Any], fake_slack: FakeSlack, db_url: str
) -> None:
    client, proc = served
    bodies = _bodies(fake_slack)
    for raw, ctype in bodies.values():
        for headers_for in _variants().values():
            resp = client.post("/slack/events", raw, {"Content-Type": ctype, **headers_for(raw)})
            assert resp.status == 401
    # Good requests too (their bodies must not be logged either), a replay, and a 413.
    raw, ctype = bodies["event"]
    headers = {"Content-Type": ctype, **sign(SIGNING_SECRET, raw)}
    assert client.post("/slack/events", raw, headers).status == 200
    assert client.post("/slack/events", raw, headers).status == 200
    big = (MARKER + " ").encode() * 120_000
    assert client.post("/slack/events", big, sign(SIGNING_SECRET, big)).status == 413
    fake_slack.wait_for("chat.postMessage", timeout=15)
    store = Store.open(db_url)
    try:
        assert len(list_incidents(store, team_id=ANY_TEAM)) == 1
    finally:
        store.close()
    proc.send_signal(signal.SIGTERM)
    out = proc.communicate(timeout=30)[0].decode("utf-8", "replace")
    assert "POST /slack/events" in out  # the access log is there...
    for needle in (MARKER, PASTE_SECRET, SIGNING_SECRET, DEFAULT_TEAM.bot_token, "frank"):
        assert needle not in out, needle  # ...without any body, secret or token
