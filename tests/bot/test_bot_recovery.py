"""Reply recovery: a message recorded and acknowledged by a process that died before posting its
reply is answered by the sweeper, once, in its thread; live claims and non-event incidents are
left alone."""

from __future__ import annotations

from datetime import timedelta

import pytest
from conftest_bot import BotServer
from fakeslack import FakeSlack
from slackreq import new_ts

from bot.app import team_clients
from bot.pipeline.recovery import ReplyRecovery
from core.classifier import find_denials
from core.redaction import redact
from core.store import claim_reply, get_reply, record_incidents
from core.store.models import utcnow

pytestmark = pytest.mark.db

DENIAL = (
    "User: arn:aws:sts::111122223333:assumed-role/etl/run-7 is not authorized to perform: "
    "glue:StartJobRun on resource: arn:aws:glue:us-east-1:111122223333:job/nightly because no "
    "identity-based policy allows the glue:StartJobRun action"
)


def _recorded_then_crashed(
    bot: BotServer, *, channel: str = "C0CHAN1", event_id: str | None = None, text: str = DENIAL
) -> str:
    """What a process that died right after the ack leaves behind: incidents, no reply."""
    ts = new_ts()
    paste = redact(text).text
    record_incidents(
        bot.store,
        team_id="T0001",
        channel_id=channel,
        message_ts=ts,
        denials=find_denials(paste),
        paste=paste,
        reporter_id="U0USER1",
        event_id=event_id if event_id is not None else f"Ev{ts.replace('.', '')}",
    )
    return ts


def _sweeper(bot: BotServer) -> ReplyRecovery:
    return ReplyRecovery(
        bot.deps,
        team_clients(bot.wsgi.app, bot.settings),
        min_age=timedelta(0),
        lease=timedelta(minutes=2),
    )


def test_unanswered_message_is_answered_once(bot: BotServer, fake_slack: FakeSlack) -> None:
    ts = _recorded_then_crashed(bot)
    key = _recorded_then_crashed(bot, event_id="")  # not from the Events API: not a reply to owe
    sweeper = _sweeper(bot)
    assert sweeper.run_once() == 1
    (post,) = fake_slack.wait_for("chat.postMessage")
    assert post.params["thread_ts"] == ts and post.params["channel"] == "C0CHAN1"
    claim = get_reply(bot.store, team_id="T0001", channel_id="C0CHAN1", message_ts=ts)
    assert claim is not None and claim.status == "posted"
    assert sweeper.run_once() == 0
    fake_slack.quiet("chat.postMessage", 1, settle=0.1)
    assert get_reply(bot.store, team_id="T0001", channel_id="C0CHAN1", message_ts=key) is None


def test_live_claims_are_left_alone_and_stale_ones_taken_over(
    bot: BotServer, fake_slack: FakeSlack
) -> None:
    live = _recorded_then_crashed(bot)
    claim_reply(bot.store, team_id="T0001", channel_id="C0CHAN1", message_ts=live)
    stale = _recorded_then_crashed(bot, channel="C0CHAN2")
    claim_reply(
        bot.store,
        team_id="T0001",
        channel_id="C0CHAN2",
        message_ts=stale,
        now=utcnow() - timedelta(minutes=10),
    )
    _sweeper(bot).run_once()
    (post,) = fake_slack.wait_for("chat.postMessage")
    assert post.params["channel"] == "C0CHAN2" and post.params["thread_ts"] == stale
    fake_slack.quiet("chat.postMessage", 1, settle=0.1)


def test_secret_warning_survives_recovery(bot: BotServer, fake_slack: FakeSlack) -> None:
    _recorded_then_crashed(
        bot, text=f"aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n{DENIAL}"
    )
    _sweeper(bot).run_once()
    (note,) = fake_slack.wait_for("chat.postEphemeral")
    assert note.params["user"] == "U0USER1"
    assert "wJalrXUtnFEMI" not in str(note.params)
