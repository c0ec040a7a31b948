"""End to end: pasted errors in channels get one threaded reply (real app over loopback HTTP,
fake Slack Web API, signed requests; SQLite, and PostgreSQL when configured)."""

from __future__ import annotations

import pytest
from conftest import BotServer
from fakeslack import DEFAULT_TEAM, FakeSlack
from slackreq import message_event

from core.store import ANY_TEAM, get_reply, list_incidents

pytestmark = pytest.mark.db

DENIAL = (
    "User: arn:aws:sts::111122223333:assumed-role/deploy/ci-42 is not authorized to perform: "
    "s3:PutObject on resource: arn:aws:s3:::artifacts/build.zip with an explicit deny in a "
    "service control policy"
)


def _incidents(bot: BotServer) -> list:
    return list_incidents(bot.store, team_id=ANY_TEAM, limit=None)


def test_paste_gets_one_threaded_reply(bot: BotServer, fake_slack: FakeSlack) -> None:
    body = message_event(f"deploy failed:\n```{DENIAL}```", user="U0USER1", channel="C0CHAN1")
    ts = body["event"]["ts"]
    resp = bot.slack.send_event(body)
    assert resp.status == 200
    # Recorded before the ack.
    incidents = _incidents(bot)
    assert len(incidents) == 1
    assert incidents[0].action == "s3:PutObject"
    assert incidents[0].policy_type == "scp"
    assert incidents[0].reporter_id == "U0USER1"
    assert DENIAL in (incidents[0].paste or "")
    (post,) = fake_slack.wait_for("chat.postMessage")
    bot.drain()
    assert post.params["channel"] == "C0CHAN1"
    assert post.params["thread_ts"] == ts
    assert post.token == DEFAULT_TEAM.bot_token
    assert post.params["text"]  # the plain-text fallback
    assert isinstance(post.params["blocks"], list) and post.params["blocks"]
    claim = get_reply(bot.store, team_id="T0001", channel_id="C0CHAN1", message_ts=ts)
    assert claim is not None and claim.status == "posted"
    assert claim.reply_ts == post.response["ts"]  # type: ignore[index]
    fake_slack.quiet("chat.postMessage", 1, settle=0.2)
