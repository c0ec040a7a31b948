"""End to end: `/iamdeny` — the real app over loopback HTTP, signed slash commands, the fake Slack
serving the Web API and the response URLs; SQLite, and PostgreSQL when configured."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import pytest
from conftest_bot import BotServer, DbSwitch
from fakeslack import DEFAULT_TEAM, Call, FakeSlack, Fault
from samples import DENIAL
from samples import DENIAL_2_OTHER_ACCOUNT as DENIAL_2
from slackreq import HttpResponse, block_actions

from core.classifier import find_denials
from core.store import (
    ANY_TEAM,
    Incident,
    get_incident,
    get_user_language,
    list_incidents,
    record_incidents,
)

pytestmark = pytest.mark.db

OTHER_TEAM = "T0002"
HANGUL = range(0xAC00, 0xD7A4)


def _has_hangul(text: str) -> bool:
    return any(ord(ch) in HANGUL for ch in text)


def _incidents(bot: BotServer) -> list[Incident]:
    return list_incidents(bot.store, team_id=ANY_TEAM, limit=None)


def command(
    bot: BotServer,
    fake: FakeSlack,
    text: str,
    *,
    user: str = "U0USER1",
    team_id: str = DEFAULT_TEAM.team_id,
    channel: str = "C0CHAN1",
    trigger_id: str | None = None,
) -> tuple[HttpResponse, str]:
    """Send `/iamdeny text`; (the ack, the response URL Slack gave it)."""
    url = fake.response_url(team_id=team_id, channel=channel, user=user)
    ack = bot.slack.send_command(
        "/iamdeny",
        text,
        user=user,
        channel=channel,
        team_id=team_id,
        response_url=url,
        trigger_id=trigger_id,
    )
    assert ack.status == 200, ack.text
    return ack, url


def answer_to(fake: FakeSlack, url: str, count: int = 1) -> Call:
    """The `count`-th response sent to `url` (waits for it)."""
    deadline = time.monotonic() + 10
    while True:
        found = [
            c for c in fake.calls("response_url") if url.endswith("/" + c.params.get("_hook", "?"))
        ]
        if len(found) >= count:
            return found[count - 1]
        assert time.monotonic() < deadline, f"no response to {url}"
        time.sleep(0.02)


def texts_of(call: Call) -> str:
    """Every text in a response: fallback, sections, fields, context, buttons."""
    parts = [call.params.get("text", "")]

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "text" and isinstance(value, str):
                    parts.append(value)
                else:
                    walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(call.params.get("blocks") or [])
    return "\n".join(parts)


def buttons(call: Call) -> dict[str, list[str]]:
    """action_id -> values of every button in a response's blocks."""
    out: dict[str, list[str]] = {}
    for block in call.params.get("blocks") or []:
        elements = block.get("elements", []) if block.get("type") == "actions" else []
        if block.get("accessory"):
            elements = [block["accessory"]]
        for element in elements:
            if element.get("type") == "button":
                out.setdefault(element["action_id"], []).append(element.get("value", ""))
    return out


def block_ids(call: Call) -> list[str]:
    return [b.get("block_id", "") for b in call.params.get("blocks") or []]


def record_for(bot: BotServer, team_id: str, text: str, channel: str = "C9OTHER") -> Incident:
    """An incident recorded straight in the store (another workspace's, say)."""
    result = record_incidents(
        bot.store,
        team_id=team_id,
        channel_id=channel,
        message_ts=f"{time.time():.6f}",
        denials=find_denials(text),
        paste=text,
        reporter_id="U0OTHER",
    )
    return result.incidents[0]


# --- pastes -----------------------------------------------------------------------------------


def test_paste_is_answered_privately_with_a_share_button_and_recorded(
    bot: BotServer, fake_slack: FakeSlack
) -> None:
    ack, url = command(bot, fake_slack, DENIAL, trigger_id="111.222.abc")
    assert ack.body == b"" and ack.elapsed < 3
    answer = answer_to(fake_slack, url)
    assert answer.params["response_type"] == "ephemeral"
    assert answer.params["replace_original"] is False
    assert "s3:PutObject" in texts_of(answer)
    (incident,) = _incidents(bot)
    assert (incident.team_id, incident.channel_id) == (DEFAULT_TEAM.team_id, "C0CHAN1")
    assert incident.message_ts == "cmd-111.222.abc" and incident.reporter_id == "U0USER1"
    found = buttons(answer)
    assert found["iamdeny_share"] == [f"en:{incident.id}"]
    assert found["iamdeny_resolve"] == [str(incident.id)]
    assert found["iamdeny_lang"] == [f"ko:{incident.id}"]
    assert not fake_slack.calls("chat.postMessage")  # nothing public, no channel membership

    # Slack's retry of the same invocation (same trigger_id) records nothing new.
    command(bot, fake_slack, DENIAL, trigger_id="111.222.abc")
    bot.drain()
    assert len(_incidents(bot)) == 1


def test_share_posts_the_same_answer_in_the_channel(bot: BotServer, fake_slack: FakeSlack) -> None:
    _, url = command(bot, fake_slack, f"{DENIAL}\n{DENIAL_2}")
    answer = answer_to(fake_slack, url)
    share = buttons(answer)["iamdeny_share"][0]
    ids = [i.id for i in sorted(_incidents(bot), key=lambda i: i.denial_index)]
    assert share == "en:" + ",".join(map(str, ids))

    click_url = fake_slack.response_url(channel="C0CHAN1", user="U0USER1")
    click = block_actions(
        "iamdeny_share", share, is_ephemeral=True, response_url=click_url, user="U0USER1"
    )
    assert bot.slack.send_interaction(click).status == 200
    shared = answer_to(fake_slack, click_url)
    assert shared.params["response_type"] == "in_channel"
    assert shared.params.get("replace_original") is False
    text = texts_of(shared)
    assert "Shared by <@U0USER1>" in text
    assert "s3:PutObject" in text and "dynamodb:PutItem" in text
    assert "iamdeny_share" not in buttons(shared)  # the public reply has the reply's buttons
    assert buttons(shared)["iamdeny_resolve"] == [str(i) for i in ids]
    (posted,) = fake_slack.messages["C0CHAN1"].values()
    assert posted["blocks"] == shared.params["blocks"]
    deleted = answer_to(fake_slack, click_url, 2)
    assert deleted.params == {
        **{k: v for k, v in deleted.params.items() if k.startswith("_")},
        "delete_original": True,
    }


def test_share_of_another_workspaces_incident_gets_nothing(
    bot: BotServer, fake_slack: FakeSlack
) -> None:
    other = record_for(bot, OTHER_TEAM, DENIAL)
    click_url = fake_slack.response_url()
    click = block_actions(
        "iamdeny_share", f"en:{other.id}", is_ephemeral=True, response_url=click_url
    )
    assert bot.slack.send_interaction(click).status == 200
    refused = answer_to(fake_slack, click_url)
    assert refused.params["response_type"] == "ephemeral"
    assert "s3:PutObject" not in texts_of(refused) and "arn:aws" not in texts_of(refused)
    assert "C0CHAN1" not in fake_slack.messages


def test_credential_error_gets_its_note_and_chatter_gets_help(
    bot: BotServer, fake_slack: FakeSlack
) -> None:
    _, url = command(
        bot,
        fake_slack,
        "An error occurred (ExpiredToken) when calling the GetCallerIdentity operation: "
        "The security token included in the request is expired",
    )
    assert "credential" in texts_of(answer_to(fake_slack, url)).lower()
    _, url = command(bot, fake_slack, "frobnicate the widgets")
    answer = answer_to(fake_slack, url)
    assert "iamdeny_help_head" in block_ids(answer)
    assert "frobnicate" in texts_of(answer)
    assert not _incidents(bot)


@pytest.mark.parametrize("text", ["", "   ", "help", "HELP", "wat", "resolvee 3"])
def test_help_empty_and_unknown(bot: BotServer, fake_slack: FakeSlack, text: str) -> None:
    _, url = command(bot, fake_slack, text)
    answer = answer_to(fake_slack, url)
    assert answer.params["response_type"] == "ephemeral"
    assert "iamdeny_help_head" in block_ids(answer)
    assert "/iamdeny resolve" in texts_of(answer)


def test_ack_is_immediate_even_when_slack_is_slow(bot: BotServer, fake_slack: FakeSlack) -> None:
    fake_slack.add_user("U0SLOW", locale="en-US")
    fake_slack.add_fault(Fault("users.info", delay=3.5))
    started = time.monotonic()
    ack, url = command(bot, fake_slack, DENIAL, user="U0SLOW")
    assert time.monotonic() - started < 1.5 and ack.elapsed < 1.5
    assert "s3:PutObject" in texts_of(answer_to(fake_slack, url))


# --- list, digest, resolve ----------------------------------------------------------------------


def test_list_and_digest_show_this_workspace_only(bot: BotServer, fake_slack: FakeSlack) -> None:
    mine = record_for(bot, DEFAULT_TEAM.team_id, DENIAL, channel="C0CHAN1")
    theirs = record_for(bot, OTHER_TEAM, DENIAL_2)

    _, url = command(bot, fake_slack, "list")
    listed = answer_to(fake_slack, url)
    text = texts_of(listed)
    assert f"#{mine.id}" in text and "s3:PutObject" in text
    assert f"#{theirs.id}" not in text and "dynamodb" not in text
    assert buttons(listed)["iamdeny_resolve"] == [str(mine.id)]

    _, url = command(bot, fake_slack, "digest")
    digest = texts_of(answer_to(fake_slack, url))
    assert "s3:PutObject" in digest and "dynamodb" not in digest


def test_resolve_by_command(bot: BotServer, fake_slack: FakeSlack) -> None:
    mine = record_for(bot, DEFAULT_TEAM.team_id, DENIAL, channel="C0CHAN1")
    theirs = record_for(bot, OTHER_TEAM, DENIAL_2)

    _, url = command(bot, fake_slack, f"resolve #{mine.id} added s3:PutObject to deploy-role")
    assert f"#{mine.id}" in texts_of(answer_to(fake_slack, url))
    done = get_incident(bot.store, mine.id, team_id=DEFAULT_TEAM.team_id)
    assert done is not None and done.status == "resolved"
    assert done.resolved_by == "U0USER1"
    assert done.resolution_note == "added s3:PutObject to deploy-role"

    for text in (
        "resolve 999999 note",
        f"resolve {theirs.id} stolen",
        f"resolve {10**17} big",
        f"resolve {10**30} huge",
    ):
        _, url = command(bot, fake_slack, text)
        answer = answer_to(fake_slack, url)
        assert "iamdeny_not_found" in block_ids(answer)
    untouched = get_incident(bot.store, theirs.id, team_id=OTHER_TEAM)
    assert untouched is not None and untouched.status == "open"

    _, url = command(bot, fake_slack, f"resolve {mine.id}")  # no note: usage
    assert "iamdeny_resolve_usage" in block_ids(answer_to(fake_slack, url))


def test_resolve_by_command_updates_the_thread_reply(bot: BotServer, fake_slack: FakeSlack) -> None:
    from slackreq import message_event

    body = message_event(DENIAL, user="U0USER1", channel="C0CHAN1")
    assert bot.slack.send_event(body).status == 200
    (post,) = fake_slack.wait_for("chat.postMessage")
    bot.drain()
    (incident,) = _incidents(bot)
    _, url = command(bot, fake_slack, f"resolve {incident.id} widened the SCP")
    answer_to(fake_slack, url)
    (update,) = fake_slack.wait_for("chat.update")
    assert post.response is not None and update.params["ts"] == post.response["ts"]
    text = texts_of(update)
    assert "Resolved by <@U0USER1>" in text and "widened the SCP" in text
    assert "iamdeny_resolve" not in buttons(update)


# --- language and settings ----------------------------------------------------------------------


def test_lang_ko_then_a_paste_is_answered_in_korean(bot: BotServer, fake_slack: FakeSlack) -> None:
    _, url = command(bot, fake_slack, "lang ko")
    assert _has_hangul(texts_of(answer_to(fake_slack, url)))
    assert get_user_language(bot.store, DEFAULT_TEAM.team_id, "U0USER1") == "ko"
    _, url = command(bot, fake_slack, DENIAL)
    answer = answer_to(fake_slack, url)
    assert _has_hangul(texts_of(answer))
    assert buttons(answer)["iamdeny_lang"][0].startswith("en:")

    _, url = command(bot, fake_slack, "lang fr")
    assert "lang en" in texts_of(answer_to(fake_slack, url))
    _, url = command(bot, fake_slack, "lang en")
    assert not _has_hangul(texts_of(answer_to(fake_slack, url)))


def test_settings_opens_the_modal_for_admins_only(bot: BotServer, fake_slack: FakeSlack) -> None:
    fake_slack.add_user("U0ADMIN", is_admin=True)
    fake_slack.add_user("U0PLAIN")
    _, url = command(bot, fake_slack, "settings", user="U0ADMIN", trigger_id="9.9.admin")
    (opened,) = fake_slack.wait_for("views.open")
    assert opened.params["trigger_id"] == "9.9.admin"
    assert fake_slack.views[-1]["callback_id"] == "iamdeny_settings_modal"

    _, url = command(bot, fake_slack, "settings", user="U0PLAIN")
    refused = answer_to(fake_slack, url)
    assert "iamdeny_admin_only" in block_ids(refused)
    assert len(fake_slack.calls("views.open")) == 1


def test_forged_team_id_gets_nothing(bot: BotServer, fake_slack: FakeSlack) -> None:
    record_for(bot, OTHER_TEAM, DENIAL_2)
    for text in (DENIAL, "list", "digest", "settings", "lang ko"):
        ack, _ = command(bot, fake_slack, text, team_id=OTHER_TEAM)
        assert ack.status == 200
    bot.drain()
    assert not fake_slack.calls("response_url")
    assert not fake_slack.calls("views.open")
    assert [i.team_id for i in _incidents(bot)] == [OTHER_TEAM]
    assert get_user_language(bot.store, OTHER_TEAM, "U0USER1") is None


def test_a_secret_typed_as_a_subcommand_is_not_echoed(
    bot: BotServer, fake_slack: FakeSlack
) -> None:
    token = "ghp_1234567890abcdefghijABCDEFGHIJ123456"
    _, url = command(bot, fake_slack, token)
    answer = answer_to(fake_slack, url)
    assert "iamdeny_help_head" in block_ids(answer)
    assert token not in str(answer.params) and "redacted:github-token" in texts_of(answer)


def test_database_outage_answers_without_losing_the_caller(
    bot: BotServer, fake_slack: FakeSlack, db_switch: Callable[..., DbSwitch]
) -> None:
    switch = db_switch(bot.store)
    switch.down()
    try:
        _, url = command(bot, fake_slack, DENIAL)
        answer = answer_to(fake_slack, url)  # still explained, but nothing to share or resolve
        assert "s3:PutObject" in texts_of(answer)
        assert set(buttons(answer)) == {"iamdeny_lang"}
        _, url = command(bot, fake_slack, "list")
        assert "iamdeny_unavailable" in block_ids(answer_to(fake_slack, url))
        assert bot.deps.spool is not None and len(bot.deps.spool.names()) == 1
    finally:
        switch.up()
    # The paste waited in the spool: recorded once the database is back, never posted in the
    # channel (its answer was private).
    deadline = time.monotonic() + 10
    while not _incidents(bot):
        assert time.monotonic() < deadline, "the spooled /iamdeny paste was never recorded"
        time.sleep(0.05)
    (incident,) = _incidents(bot)
    assert incident.action == "s3:PutObject" and incident.reporter_id == "U0USER1"
    bot.drain()
    assert fake_slack.calls("chat.postMessage", all_outcomes=True) == []
