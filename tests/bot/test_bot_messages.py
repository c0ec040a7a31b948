"""End to end: pasted errors in channels get one threaded reply (real app over loopback HTTP,
fake Slack Web API, signed requests; SQLite, and PostgreSQL when configured)."""

from __future__ import annotations

import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from conftest_bot import BotServer, DbSwitch
from fakeslack import DEFAULT_TEAM, FakeSlack, Fault
from samples import DENIAL, DENIAL_2, SECRET_KEY
from slackreq import event_callback, message_changed, message_event, message_subtype, new_ts

from core.store import (
    ANY_TEAM,
    Incident,
    get_reply,
    list_incidents,
    set_user_language,
    update_workspace_settings,
)

pytestmark = pytest.mark.db

HANGUL = range(0xAC00, 0xD7A4)


def _incidents(bot: BotServer) -> list[Incident]:
    return list_incidents(bot.store, team_id=ANY_TEAM, limit=None)


def _has_hangul(text: str) -> bool:
    return any(ord(ch) in HANGUL for ch in text)


def test_paste_gets_one_threaded_reply(bot: BotServer, fake_slack: FakeSlack) -> None:
    body = message_event(f"deploy failed:\n```{DENIAL}```", user="U0USER1", channel="C0CHAN1")
    ts = body["event"]["ts"]
    resp = bot.slack.send_event(body)
    assert resp.status == 200
    # Recorded before the ack.
    (incident,) = _incidents(bot)
    assert incident.action == "s3:PutObject"
    assert incident.policy_type == "scp"
    assert incident.reporter_id == "U0USER1"
    assert incident.message_ts == ts
    assert DENIAL in (incident.paste or "")
    (post,) = fake_slack.wait_for("chat.postMessage")
    bot.drain()
    assert post.params["channel"] == "C0CHAN1"
    assert post.params["thread_ts"] == ts
    assert post.token == DEFAULT_TEAM.bot_token
    assert post.params["text"]  # the plain-text fallback
    assert isinstance(post.params["blocks"], list) and post.params["blocks"]
    assert post.params.get("unfurl_links") in (False, "false", "0", 0)
    claim = get_reply(bot.store, team_id="T0001", channel_id="C0CHAN1", message_ts=ts)
    assert claim is not None and claim.status == "posted"
    assert claim.reply_ts == post.response["ts"]  # type: ignore[index]
    fake_slack.quiet("chat.postMessage", 1, settle=0.2)


def test_thread_reply_is_answered_in_its_thread(bot: BotServer, fake_slack: FakeSlack) -> None:
    parent = new_ts()
    body = message_event(DENIAL, thread_ts=parent)
    assert bot.slack.send_event(body).status == 200
    (post,) = fake_slack.wait_for("chat.postMessage")
    assert post.params["thread_ts"] == parent
    (incident,) = _incidents(bot)
    assert incident.message_ts == body["event"]["ts"] and incident.thread_ts == parent


def test_other_bots_attachments_and_blocks_are_read(bot: BotServer, fake_slack: FakeSlack) -> None:
    chatbot = message_event(
        "",
        user=None,
        bot_id="BCHATBOT",
        subtype="bot_message",
        attachments=[
            {"pretext": "CloudFormation stack failed", "fallback": DENIAL, "text": DENIAL}
        ],
    )
    rich = message_event(
        DENIAL_2,
        blocks=[
            {
                "type": "rich_text",
                "elements": [
                    {
                        "type": "rich_text_preformatted",
                        "elements": [{"type": "text", "text": DENIAL_2}],
                    }
                ],
            }
        ],
    )
    assert bot.slack.send_event(chatbot).status == 200
    assert bot.slack.send_event(rich).status == 200
    fake_slack.wait_for("chat.postMessage", 2)
    incidents = _incidents(bot)
    # One incident each: `text` repeated in `fallback` and in the rich-text block counts once.
    assert sorted(str(i.action) for i in incidents) == ["dynamodb:PutItem", "s3:PutObject"]
    bot_incident = next(i for i in incidents if i.action == "s3:PutObject")
    assert bot_incident.reporter_id is None  # a bot is not one of the "people"


def test_retries_record_and_reply_once(bot: BotServer, fake_slack: FakeSlack) -> None:
    body = message_event(f"{DENIAL}\n{DENIAL_2}")
    for retry in (None, 1, 2):
        assert bot.slack.send_event(body, retry_num=retry).status == 200
    fake_slack.wait_for("chat.postMessage")
    bot.drain()
    assert len(_incidents(bot)) == 2
    fake_slack.quiet("chat.postMessage", 1, settle=0.3)


def test_concurrent_deliveries_record_and_reply_once(bot: BotServer, fake_slack: FakeSlack) -> None:
    body = message_event(DENIAL)
    with ThreadPoolExecutor(8) as pool:
        statuses = list(
            pool.map(lambda n: bot.slack.send_event(body, retry_num=n or None).status, range(8))
        )
    assert statuses == [200] * 8
    fake_slack.wait_for("chat.postMessage")
    bot.drain()
    assert len(_incidents(bot)) == 1
    fake_slack.quiet("chat.postMessage", 1, settle=0.3)


def test_two_app_instances_reply_once(
    make_bot: Callable[..., BotServer], fake_slack: FakeSlack
) -> None:
    first, second = make_bot(), make_bot()
    body = message_event(DENIAL)
    with ThreadPoolExecutor(4) as pool:
        futures = [
            pool.submit(app.slack.send_event, body) for app in (first, second, first, second)
        ]
        assert [f.result().status for f in futures] == [200] * 4
    fake_slack.wait_for("chat.postMessage")
    first.drain()
    second.drain()
    assert len(_incidents(first)) == 1
    fake_slack.quiet("chat.postMessage", 1, settle=0.3)


def test_chatter_gets_nothing(bot: BotServer, fake_slack: FakeSlack) -> None:
    for text in ("lunch?", "the deploy is green :tada:", "AccessDenied is a weird name for a cat"):
        assert bot.slack.send_event(message_event(text)).status == 200
    bot.drain()
    assert _incidents(bot) == []
    assert fake_slack.calls() == []


@pytest.mark.parametrize(
    "body",
    [
        pytest.param(
            message_event(DENIAL, user=DEFAULT_TEAM.bot_user_id, bot_id=DEFAULT_TEAM.bot_id),
            id="own-message",
        ),
        pytest.param(message_subtype("channel_join", text="<@U0USER1> has joined"), id="join"),
        pytest.param(message_subtype("channel_topic", text=DENIAL), id="topic"),
        pytest.param(
            message_subtype(
                "message_deleted", deleted_ts="1.000001", previous_message={"text": DENIAL}
            ),
            id="deletion",
        ),
        pytest.param(message_subtype("message_replied", text=DENIAL), id="replied"),
        pytest.param(
            event_callback({"type": "reaction_added", "user": "U0USER1", "reaction": "eyes"}),
            id="reaction",
        ),
        pytest.param(event_callback({"type": "brand_new_event_2030", "x": 1}), id="unknown-type"),
        pytest.param(
            # The Home tab publishes App Home (test_bot_home.py); the Messages tab gets nothing.
            event_callback({"type": "app_home_opened", "user": "U0USER1", "tab": "messages"}),
            id="app-home-messages-tab",
        ),
        pytest.param(
            message_changed(
                new_ts(),
                DENIAL,
                "old",
                user=DEFAULT_TEAM.bot_user_id,
                bot_id=DEFAULT_TEAM.bot_id,
            ),
            id="edit-of-own-reply",
        ),
    ],
)
def test_ignored_events_get_2xx_and_nothing(
    bot: BotServer, fake_slack: FakeSlack, body: dict[str, Any]
) -> None:
    resp = bot.slack.send_event(body)
    assert resp.status == 200, resp.text
    bot.drain()
    assert _incidents(bot) == []
    assert fake_slack.calls() == []


def test_edit_that_adds_a_denial_is_answered_once(bot: BotServer, fake_slack: FakeSlack) -> None:
    original = message_event("deploy failed, error below")
    ts = original["event"]["ts"]
    assert bot.slack.send_event(original).status == 200
    edit = message_changed(ts, f"deploy failed:\n{DENIAL}", "deploy failed, error below")
    assert bot.slack.send_event(edit).status == 200
    assert bot.slack.send_event(edit, retry_num=1).status == 200
    (post,) = fake_slack.wait_for("chat.postMessage")
    bot.drain()
    assert post.params["thread_ts"] == ts
    assert len(_incidents(bot)) == 1
    fake_slack.quiet("chat.postMessage", 1, settle=0.2)
    # The retried edit may refresh the reply (idempotently), never add one.
    assert all(u.params["text"] == post.params["text"] for u in fake_slack.calls("chat.update"))


def test_edit_of_an_answered_message_updates_the_reply(
    bot: BotServer, fake_slack: FakeSlack
) -> None:
    original = message_event(DENIAL)
    ts = original["event"]["ts"]
    assert bot.slack.send_event(original).status == 200
    (post,) = fake_slack.wait_for("chat.postMessage")
    bot.drain()
    edit = message_changed(ts, f"{DENIAL}\n{DENIAL_2}", DENIAL)
    assert bot.slack.send_event(edit).status == 200
    (update,) = fake_slack.wait_for("chat.update")
    bot.drain()
    assert update.params["ts"] == post.response["ts"]  # type: ignore[index]
    assert update.params["channel"] == "C0CHAN1"
    assert len(update.params["blocks"]) >= len(post.params["blocks"])
    fake_slack.quiet("chat.postMessage", 1, settle=0.2)
    assert sorted(i.denial_index for i in _incidents(bot)) == [0, 1]


def test_edit_while_the_reply_is_in_flight_updates_after_it(
    bot: BotServer, fake_slack: FakeSlack
) -> None:
    fake_slack.add_fault(Fault("chat.postMessage", delay=0.6))
    original = message_event(DENIAL)
    ts = original["event"]["ts"]
    assert bot.slack.send_event(original).status == 200
    edit = message_changed(ts, f"{DENIAL}\n{DENIAL_2}", DENIAL)
    assert bot.slack.send_event(edit).status == 200
    (update,) = fake_slack.wait_for("chat.update")
    bot.drain()
    (post,) = fake_slack.calls("chat.postMessage")
    assert update.params["ts"] == post.response["ts"]  # type: ignore[index]


def test_secret_is_redacted_everywhere_and_the_poster_warned(
    bot: BotServer, fake_slack: FakeSlack
) -> None:
    paste = f"export AWS_SECRET_ACCESS_KEY={SECRET_KEY}\n$ aws s3 cp build.zip s3://artifacts/\n{DENIAL}"
    body = message_event(paste, user="U0USER1", channel="C0CHAN1")
    assert bot.slack.send_event(body).status == 200
    (post,) = fake_slack.wait_for("chat.postMessage")
    (note,) = fake_slack.wait_for("chat.postEphemeral")
    bot.drain()
    assert SECRET_KEY not in str(post.params)
    assert note.params["user"] == "U0USER1" and note.params["channel"] == "C0CHAN1"
    assert "rotate" in note.params["text"].lower()
    assert SECRET_KEY not in str(note.params)
    (incident,) = _incidents(bot)
    assert SECRET_KEY not in (incident.paste or "")
    assert "[redacted:aws-secret-key]" in (incident.paste or "")


def test_korean_locale_gets_a_korean_reply(bot: BotServer, fake_slack: FakeSlack) -> None:
    fake_slack.add_user("U0KOREAN", locale="ko-KR")
    fake_slack.add_user("U0ENGLISH", locale="en-US")
    assert bot.slack.send_event(message_event(DENIAL, user="U0KOREAN")).status == 200
    assert bot.slack.send_event(message_event(DENIAL_2, user="U0ENGLISH")).status == 200
    posts = fake_slack.wait_for("chat.postMessage", 2)
    bot.drain()
    by_action = {("PutObject" in str(p.params["blocks"])): p for p in posts}
    assert _has_hangul(by_action[True].params["text"] + str(by_action[True].params["blocks"]))
    assert not _has_hangul(by_action[False].params["text"])
    info = fake_slack.calls("users.info")
    assert {c.params["user"] for c in info} == {"U0KOREAN", "U0ENGLISH"}
    assert all(str(c.params.get("include_locale")).lower() in ("1", "true") for c in info)


def test_language_precedence(bot: BotServer, fake_slack: FakeSlack) -> None:
    """Explicit user choice > Slack locale > workspace default > IAMDENY_LANG."""
    fake_slack.add_user("U0CHOSE", locale="ko-KR")
    set_user_language(bot.store, "T0001", "U0CHOSE", "en")
    update_workspace_settings(bot.store, "T0001", language="ko")
    fake_slack.add_user("U0UNSUPPORTED", locale="ja-JP")
    assert bot.slack.send_event(message_event(DENIAL, user="U0CHOSE")).status == 200
    (first,) = fake_slack.wait_for("chat.postMessage")
    assert not _has_hangul(first.params["text"])  # explicit choice beats the ko-KR locale
    assert bot.slack.send_event(message_event(DENIAL, user="U0UNSUPPORTED")).status == 200
    second = fake_slack.wait_for("chat.postMessage", 2)[1]
    assert _has_hangul(second.params["text"])  # ja-JP: no texts, so the workspace's ko


def test_recurrence_is_counted_in_the_reply(bot: BotServer, fake_slack: FakeSlack) -> None:
    bodies = [message_event(DENIAL, user=user) for user in ("U0A", "U0B", "U0A")]
    for body in bodies:
        assert bot.slack.send_event(body).status == 200
    posts = fake_slack.wait_for("chat.postMessage", 3)
    bot.drain()
    # The reply to the third message (replies may reach Slack in any order).
    (third,) = [p for p in posts if p.params["thread_ts"] == bodies[2]["event"]["ts"]]
    last = str(third.params["blocks"])
    assert "3" in last and "2" in last
    assert "3 times" in last or "3회" in last


def test_rate_limited_reply_waits_for_retry_after(bot: BotServer, fake_slack: FakeSlack) -> None:
    fake_slack.add_fault(Fault("chat.postMessage", status=429, retry_after=1))
    started = time.monotonic()
    resp = bot.slack.send_event(message_event(DENIAL))
    assert resp.status == 200
    assert time.monotonic() - started < 1.0  # the ack does not wait for Slack
    fake_slack.wait_for("chat.postMessage", timeout=10)
    bot.drain()
    attempts = fake_slack.calls("chat.postMessage", all_outcomes=True)
    assert [c.outcome for c in attempts] == ["429", "ok"]
    assert attempts[1].at - attempts[0].at >= 1.0
    fake_slack.quiet("chat.postMessage", 1, settle=0.2)


def test_failed_post_is_released_and_the_redelivery_replies(
    bot: BotServer, fake_slack: FakeSlack
) -> None:
    fake_slack.add_fault(Fault("chat.postMessage", error="internal_error"))
    body = message_event(DENIAL)
    assert bot.slack.send_event(body).status == 200
    fake_slack.wait_for("chat.postMessage", all_outcomes=True)
    bot.drain()
    assert fake_slack.calls("chat.postMessage") == []
    assert bot.slack.send_event(body, retry_num=1).status == 200
    fake_slack.wait_for("chat.postMessage")
    bot.drain()
    fake_slack.quiet("chat.postMessage", 1, settle=0.2)


def test_database_outage_is_answered_with_5xx_then_redelivery_is_stored_once(
    make_bot: Callable[..., BotServer], fake_slack: FakeSlack, db_switch: Callable[..., DbSwitch]
) -> None:
    """Without a spool (IAMDENY_SPOOL_DIR empty) an outage is a 500 and Slack's redelivery."""
    bot = make_bot(iamdeny_spool_dir="")
    assert bot.deps.spool is None and bot.drainer is None
    switch = db_switch(bot.store)
    body = message_event(DENIAL)
    switch.down()
    try:
        resp = bot.slack.send_event(body)
        assert 500 <= resp.status < 600
        assert bot.get("/healthz").status == 503
    finally:
        switch.up()
    bot.drain()
    assert fake_slack.calls("chat.postMessage", all_outcomes=True) == []
    assert bot.slack.send_event(body, retry_num=1).status == 200
    assert bot.slack.send_event(body, retry_num=2).status == 200
    fake_slack.wait_for("chat.postMessage")
    bot.drain()
    assert len(_incidents(bot)) == 1
    fake_slack.quiet("chat.postMessage", 1, settle=0.2)
    assert bot.get("/healthz").status == 200


def test_credential_problem_in_a_dm_gets_a_note_and_in_a_channel_nothing(
    bot: BotServer, fake_slack: FakeSlack
) -> None:
    text = (
        "An error occurred (ExpiredToken) when calling the ListBuckets operation: "
        "The security token included in the request is expired"
    )
    assert bot.slack.send_event(message_event(text, channel="C0CHAN1")).status == 200
    bot.drain()
    assert fake_slack.calls() == []
    dm = message_event(text, channel="D0DM1", channel_type="im")
    assert bot.slack.send_event(dm).status == 200
    (post,) = fake_slack.wait_for("chat.postMessage")
    bot.drain()
    assert post.params["channel"] == "D0DM1"
    assert "credential" in post.params["text"].lower()
    assert _incidents(bot) == []


def test_permanent_slack_error_closes_the_claim(bot: BotServer, fake_slack: FakeSlack) -> None:
    fake_slack.add_fault(Fault("chat.postMessage", error="not_in_channel"))
    body = message_event(DENIAL)
    assert bot.slack.send_event(body).status == 200
    fake_slack.wait_for("chat.postMessage", all_outcomes=True)
    bot.drain()
    claim = get_reply(
        bot.store, team_id="T0001", channel_id="C0CHAN1", message_ts=body["event"]["ts"]
    )
    assert claim is not None and claim.status == "posted" and claim.reply_ts is None
    assert bot.slack.send_event(body, retry_num=1).status == 200
    bot.drain()
    assert len(fake_slack.calls("chat.postMessage", all_outcomes=True)) == 1


def test_real_postgres_outage_is_spooled_then_recorded_once(
    bot: BotServer, fake_slack: FakeSlack
) -> None:
    """PostgreSQL refusing connections (not a simulated error): the paste is acknowledged from
    the spool, then recorded and answered once the database is back; a redelivery adds nothing."""
    if bot.store.dialect != "postgresql":
        pytest.skip("a server outage needs PostgreSQL (SQLite has no server to lose)")
    import psycopg
    from psycopg import sql

    database = bot.store.engine.url.database
    admin = bot.store.engine.url.set(drivername="postgresql", database="postgres")
    admin_url = admin.render_as_string(hide_password=False)

    def admin_do(statement: sql.Composed) -> None:
        with psycopg.connect(admin_url, autocommit=True, connect_timeout=5) as conn:
            conn.execute(statement)

    name = sql.Identifier(str(database))
    body = message_event(DENIAL)
    admin_do(sql.SQL("ALTER DATABASE {} ALLOW_CONNECTIONS false").format(name))
    try:
        admin_do(
            sql.SQL(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = {} AND pid <> pg_backend_pid()"
            ).format(sql.Literal(str(database)))
        )
        resp = bot.slack.send_event(body)
        assert resp.status == 200
        assert bot.get("/healthz").status == 503
        assert bot.deps.spool is not None and len(bot.deps.spool.names()) == 1
    finally:
        admin_do(sql.SQL("ALTER DATABASE {} ALLOW_CONNECTIONS true").format(name))
    fake_slack.wait_for("chat.postMessage")
    assert bot.slack.send_event(body, retry_num=1).status == 200
    bot.drain()
    assert len(_incidents(bot)) == 1
    assert bot.deps.spool.names() == []
    fake_slack.quiet("chat.postMessage", 1, settle=0.2)


def test_reply_shows_the_last_resolution(bot: BotServer, fake_slack: FakeSlack) -> None:
    from core.store import resolve_incident

    assert bot.slack.send_event(message_event(DENIAL, user="U0A")).status == 200
    fake_slack.wait_for("chat.postMessage")
    bot.drain()
    (first,) = _incidents(bot)
    resolve_incident(
        bot.store, first.id, team_id="T0001", by="U0FIXER", note="SCP exemption for deploy"
    )
    assert bot.slack.send_event(message_event(DENIAL, user="U0B")).status == 200
    second = fake_slack.wait_for("chat.postMessage", 2)[1]
    shown = second.params["text"] + str(second.params["blocks"])
    assert "SCP exemption for deploy" in shown
    assert "U0FIXER" in shown


def test_link_unfurl_is_not_an_edit(bot: BotServer, fake_slack: FakeSlack) -> None:
    text = f"{DENIAL}\nsee https://console.aws.amazon.com/iam/home"
    original = message_event(text)
    ts = original["event"]["ts"]
    assert bot.slack.send_event(original).status == 200
    fake_slack.wait_for("chat.postMessage")
    bot.drain()
    unfurled = message_changed(ts, text, text)
    unfurled["event"]["message"]["attachments"] = [
        {
            "from_url": "https://console.aws.amazon.com/iam/home",
            "original_url": "https://console.aws.amazon.com/iam/home",
            "title": "AWS Management Console",
            "text": "Sign in",
        }
    ]
    assert bot.slack.send_event(unfurled).status == 200
    bot.drain()
    assert fake_slack.calls("chat.update") == []
    fake_slack.quiet("chat.postMessage", 1, settle=0.1)


def test_edit_after_resolve_keeps_the_resolution(bot: BotServer, fake_slack: FakeSlack) -> None:
    from core.store import resolve_incident

    original = message_event(DENIAL)
    ts = original["event"]["ts"]
    assert bot.slack.send_event(original).status == 200
    fake_slack.wait_for("chat.postMessage")
    bot.drain()
    (incident,) = _incidents(bot)
    resolve_incident(bot.store, incident.id, team_id="T0001", by="U0FIXER", note="boundary fixed")
    edit = message_changed(ts, f"{DENIAL}\n(edited)", DENIAL)
    assert bot.slack.send_event(edit).status == 200
    (update,) = fake_slack.wait_for("chat.update")
    assert "U0FIXER" in str(update.params["blocks"]) + update.params["text"]
