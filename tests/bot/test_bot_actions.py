"""End to end: the buttons on replies and the resolve modal — signed block_actions and
view_submission requests to the real app over loopback HTTP, the fake Slack recording the Web
API calls and response URLs; SQLite, and PostgreSQL when configured. Two workspaces installed
through OAuth never reach each other's incidents."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Any

import pytest
from conftest_bot import TEAM_B, TEAM_C, BotServer, DbSwitch
from fakeslack import DEFAULT_TEAM, Call, FakeSlack, Fault
from samples import DENIAL
from samples import DENIAL_2_OTHER_ACCOUNT as DENIAL_2
from slackreq import block_actions, message_event, view_submission

from core.store import (
    ANY_TEAM,
    Incident,
    get_incident,
    list_feedback,
    list_incidents,
)

pytestmark = pytest.mark.db

NOTE_BLOCK, NOTE_ACTION = "iamdeny_resolve_note", "note"
HANGUL = range(0xAC00, 0xD7A4)


def _has_hangul(text: str) -> bool:
    return any(ord(ch) in HANGUL for ch in text)


def _incidents(bot: BotServer) -> list[Incident]:
    return sorted(list_incidents(bot.store, team_id=ANY_TEAM, limit=None), key=lambda i: i.id)


def texts_of(params: dict[str, Any]) -> str:
    parts = [params.get("text", "")]

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

    walk(params.get("blocks") or [])
    return "\n".join(parts)


def buttons(blocks: list[dict[str, Any]]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for block in blocks:
        elements = block.get("elements", []) if block.get("type") == "actions" else []
        for element in elements:
            if element.get("type") == "button":
                out.setdefault(element["action_id"], []).append(element.get("value", ""))
    return out


def responses(fake: FakeSlack, url: str, count: int = 1) -> list[Call]:
    """The first `count` responses sent to `url` (waits for them)."""
    deadline = time.monotonic() + 10
    while True:
        found = [
            c for c in fake.calls("response_url") if url.endswith("/" + c.params.get("_hook", "?"))
        ]
        if len(found) >= count:
            return found
        assert time.monotonic() < deadline, f"no response to {url}"
        time.sleep(0.02)


def post_paste(
    bot: BotServer, fake: FakeSlack, text: str, *, team_id: str = DEFAULT_TEAM.team_id
) -> dict[str, Any]:
    """A pasted denial in C0CHAN1, and the thread reply the bot posted (as stored by the fake)."""
    before = len(fake.calls("chat.postMessage"))
    assert bot.slack.send_event(message_event(text, team_id=team_id)).status == 200
    post = fake.wait_for("chat.postMessage", before + 1)[-1]
    bot.drain()
    assert post.response is not None
    return dict(fake.messages["C0CHAN1"][post.response["ts"]])


def click(
    bot: BotServer,
    fake: FakeSlack,
    action_id: str,
    value: str,
    *,
    message: dict[str, Any] | None = None,
    is_ephemeral: bool = False,
    user: str = "U0USER1",
    team_id: str = DEFAULT_TEAM.team_id,
    block_id: str = "iamdeny_d0_actions",
) -> str:
    """Click a button (on `message`, a reply in C0CHAN1, or on an ephemeral answer); returns the
    click's response URL."""
    url: str = fake.response_url(team_id=team_id, channel="C0CHAN1", user=user)
    payload = block_actions(
        action_id,
        value,
        user=user,
        team_id=team_id,
        message=message,
        message_ts=message["ts"] if message else None,
        thread_ts=message.get("thread_ts") if message else None,
        is_ephemeral=is_ephemeral,
        response_url=url,
        block_id=block_id,
    )
    resp = bot.slack.send_interaction(payload)
    assert resp.status == 200, resp.text
    assert resp.elapsed < 3
    return url


def submit_note(
    bot: BotServer,
    view: dict[str, Any],
    note: str,
    *,
    user: str = "U0USER1",
    team_id: str = "T0001",
) -> Any:
    values = {NOTE_BLOCK: {NOTE_ACTION: {"type": "plain_text_input", "value": note}}}
    resp = bot.slack.send_interaction(view_submission(view, values, user=user, team_id=team_id))
    assert resp.status == 200, resp.text
    return resp.json() if resp.body else None


def opened_view(fake: FakeSlack, count: int = 1) -> dict[str, Any]:
    fake.wait_for("views.open", count)
    view: dict[str, Any] = fake.views[-1]
    return view


# --- "Resolved" ---------------------------------------------------------------------------------


def test_resolve_button_modal_submit_updates_the_reply(
    bot: BotServer, fake_slack: FakeSlack
) -> None:
    reply = post_paste(bot, fake_slack, DENIAL)
    (incident,) = _incidents(bot)
    assert buttons(reply["blocks"])["iamdeny_resolve"] == [str(incident.id)]

    click(bot, fake_slack, "iamdeny_resolve", str(incident.id), message=reply)
    view = opened_view(fake_slack)
    assert view["callback_id"] == "iamdeny_resolve_modal"
    assert f"#{incident.id}" in texts_of(view)

    assert submit_note(bot, view, "   ") == {
        "response_action": "errors",
        "errors": {NOTE_BLOCK: "Please write what fixed it."},
    }
    assert get_incident(bot.store, incident.id, team_id="T0001").status == "open"  # type: ignore[union-attr]

    secret = "ghp_1234567890abcdefghijABCDEFGHIJ123456"
    assert submit_note(bot, view, f"token {secret}") is None  # a secret in a note is not stored
    stored = get_incident(bot.store, incident.id, team_id="T0001")
    assert stored is not None and stored.resolution_note == "token [redacted:github-token]"
    fake_slack.wait_for("chat.update")
    assert submit_note(bot, view, "Allowed s3:PutObject in the SCP (PR #7)") is None
    done = get_incident(bot.store, incident.id, team_id="T0001")
    assert done is not None and done.status == "resolved" and done.resolved_by == "U0USER1"
    assert done.resolution_note == "Allowed s3:PutObject in the SCP (PR #7)"

    update = fake_slack.wait_for("chat.update", 2)[-1]
    assert update.params["channel"] == "C0CHAN1" and update.params["ts"] == reply["ts"]
    text = texts_of(update.params)
    assert "Resolved by <@U0USER1>" in text and "Allowed s3:PutObject in the SCP (PR #7)" in text
    assert "iamdeny_resolve" not in buttons(update.params["blocks"])
    assert "iamdeny_wrong" in buttons(update.params["blocks"])
    bot.drain()
    assert len(fake_slack.calls("chat.update")) == 2  # the reply once per submission


def test_resolve_of_one_denial_keeps_the_others_open(bot: BotServer, fake_slack: FakeSlack) -> None:
    reply = post_paste(bot, fake_slack, f"{DENIAL}\n\n{DENIAL_2}")
    first, second = _incidents(bot)
    click(
        bot,
        fake_slack,
        "iamdeny_resolve",
        str(second.id),
        message=reply,
        block_id="iamdeny_d1_actions",
    )
    submit_note(bot, opened_view(fake_slack), "granted PutItem")
    (update,) = fake_slack.wait_for("chat.update")
    assert buttons(update.params["blocks"])["iamdeny_resolve"] == [str(first.id)]
    assert "granted PutItem" in texts_of(update.params)


def test_resolve_on_a_private_answer_replaces_it(bot: BotServer, fake_slack: FakeSlack) -> None:
    url = fake_slack.response_url()
    bot.slack.send_command("/iamdeny", DENIAL, response_url=url)
    assert len(responses(fake_slack, url)) == 1
    (incident,) = _incidents(bot)
    click_url = click(bot, fake_slack, "iamdeny_resolve", str(incident.id), is_ephemeral=True)
    assert submit_note(bot, opened_view(fake_slack), "fixed") is None
    (replaced,) = responses(fake_slack, click_url)
    assert replaced.params["replace_original"] is True
    assert "Resolved by <@U0USER1>" in texts_of(replaced.params)
    assert "iamdeny_share" not in buttons(replaced.params["blocks"])
    assert not fake_slack.calls("chat.update")


def test_resolve_from_the_list_replaces_the_list(bot: BotServer, fake_slack: FakeSlack) -> None:
    post_paste(bot, fake_slack, DENIAL)
    post_paste(bot, fake_slack, DENIAL_2)
    first, second = _incidents(bot)
    url = fake_slack.response_url()
    bot.slack.send_command("/iamdeny", "list", response_url=url)
    (listed,) = responses(fake_slack, url)
    assert f"#{first.id}" in texts_of(listed.params) and f"#{second.id}" in texts_of(listed.params)
    click_url = click(
        bot,
        fake_slack,
        "iamdeny_resolve",
        str(first.id),
        is_ephemeral=True,
        block_id=f"iamdeny_list_{first.id}",
    )
    assert submit_note(bot, opened_view(fake_slack), "done") is None
    (replaced,) = responses(fake_slack, click_url)
    assert replaced.params["replace_original"] is True
    text = texts_of(replaced.params)
    assert f"#{first.id}" not in text and f"#{second.id}" in text
    (update,) = fake_slack.wait_for("chat.update")  # and the first paste's thread reply
    assert "done" in texts_of(update.params)


def test_resolve_modal_with_a_forged_incident_changes_nothing(
    bot: BotServer, fake_slack: FakeSlack
) -> None:
    post_paste(bot, fake_slack, DENIAL)
    (incident,) = _incidents(bot)
    # A button value naming an id that is not this workspace's opens nothing.
    url = click(bot, fake_slack, "iamdeny_resolve", "999999", is_ephemeral=True)
    (gone,) = responses(fake_slack, url)
    assert "not in this workspace" in texts_of(gone.params)
    assert not fake_slack.calls("views.open")
    # A modal submitted from another workspace, its metadata naming our incident, gets an error.
    click(bot, fake_slack, "iamdeny_resolve", str(incident.id), is_ephemeral=True)
    view = opened_view(fake_slack)
    assert submit_note(bot, view, "stolen", team_id="T0002") is None  # refused: no workspace
    for metadata in ({"incident_id": 999999}, {"incident_id": 2**70}, "not json", {"x": 1}):
        forged = dict(view, private_metadata=json.dumps(metadata))
        answer = submit_note(bot, forged, "nope")
        assert answer["response_action"] == "errors" and NOTE_BLOCK in answer["errors"]
    assert get_incident(bot.store, incident.id, team_id="T0001").status == "open"  # type: ignore[union-attr]


# --- "Not a denial / wrong" and the other language ----------------------------------------------


def test_wrong_stores_feedback_and_thanks_the_clicker(
    bot: BotServer, fake_slack: FakeSlack
) -> None:
    reply = post_paste(bot, fake_slack, DENIAL)
    (incident,) = _incidents(bot)
    click(bot, fake_slack, "iamdeny_wrong", str(incident.id), message=reply, user="U0CLICK")
    (thanks,) = fake_slack.wait_for("chat.postEphemeral")  # in the reply's thread, to the clicker
    assert (thanks.params["channel"], thanks.params["user"]) == ("C0CHAN1", "U0CLICK")
    assert thanks.params["thread_ts"] == reply["thread_ts"]
    assert "iamdeny_feedback" in str(thanks.params["blocks"])
    (feedback,) = list_feedback(bot.store, incident.id, team_id="T0001")
    assert (feedback.user_id, feedback.verdict) == ("U0CLICK", "wrong")
    # Twice is still one row; a forged id stores nothing.
    click(bot, fake_slack, "iamdeny_wrong", str(incident.id), message=reply, user="U0CLICK")
    click(bot, fake_slack, "iamdeny_wrong", "424242", message=reply)
    told = fake_slack.wait_for("chat.postEphemeral", 3)  # the jobs run concurrently: any order
    assert sum("not in this workspace" in texts_of(c.params) for c in told) == 1
    bot.drain()
    assert len(list_feedback(bot.store, incident.id, team_id="T0001")) == 1
    assert not fake_slack.calls("chat.update")


def test_other_language_is_shown_to_the_clicker_only(bot: BotServer, fake_slack: FakeSlack) -> None:
    reply = post_paste(bot, fake_slack, DENIAL)
    (incident,) = _incidents(bot)
    assert not _has_hangul(texts_of(reply))
    (target,) = buttons(reply["blocks"])["iamdeny_lang"]
    assert target == "ko"
    click(bot, fake_slack, "iamdeny_lang", target, message=reply, user="U0OTHER")
    (korean,) = fake_slack.wait_for("chat.postEphemeral")
    assert (korean.params["user"], korean.params["thread_ts"]) == ("U0OTHER", reply["thread_ts"])
    assert _has_hangul(texts_of(korean.params)) and "s3:PutObject" in texts_of(korean.params)
    assert buttons(korean.params["blocks"])["iamdeny_lang"] == [f"en:{incident.id}"]
    assert not fake_slack.calls("chat.update")  # the reply stays in English for everyone

    # Where the bot cannot post (an answer shared from /iamdeny), the response URL is used.
    fake_slack.add_fault(Fault("chat.postEphemeral", error="not_in_channel"))
    url = click(bot, fake_slack, "iamdeny_lang", target, message=reply, user="U0OTHER")
    (fallback,) = responses(fake_slack, url)
    assert fallback.params["response_type"] == "ephemeral"
    assert fallback.params["replace_original"] is False and _has_hangul(texts_of(fallback.params))

    # On a private answer, the answer itself switches.
    url = click(bot, fake_slack, "iamdeny_lang", f"ko:{incident.id}", is_ephemeral=True)
    (switched,) = responses(fake_slack, url)
    assert switched.params["replace_original"] is True and _has_hangul(texts_of(switched.params))
    # Nothing to show for an id of no one's.
    url = click(bot, fake_slack, "iamdeny_lang", "ko:777777", is_ephemeral=True)
    assert "s3:PutObject" not in texts_of(responses(fake_slack, url)[0].params)


# --- two workspaces -----------------------------------------------------------------------------


def test_two_workspaces_never_cross(two_workspaces: BotServer, fake_slack: FakeSlack) -> None:
    bot = two_workspaces
    reply_b = post_paste(bot, fake_slack, DENIAL, team_id=TEAM_B.team_id)
    (incident_b,) = _incidents(bot)
    assert incident_b.team_id == TEAM_B.team_id

    # C's users click B's reply buttons (ids and message copied): nothing is shown or changed.
    for action, value in (
        ("iamdeny_resolve", str(incident_b.id)),
        ("iamdeny_wrong", str(incident_b.id)),
        ("iamdeny_lang", f"ko:{incident_b.id}"),
        ("iamdeny_share", f"en:{incident_b.id}"),
    ):
        click(bot, fake_slack, action, value, message=reply_b, team_id=TEAM_C.team_id)
    told = fake_slack.wait_for("chat.postEphemeral", 4)
    for answer in told:  # each told privately, by C's bot, that there is nothing to see
        assert answer.token == TEAM_C.bot_token and "s3:PutObject" not in texts_of(answer.params)
    assert not fake_slack.calls("views.open") and not fake_slack.calls("response_url")
    assert list_feedback(bot.store, incident_b.id, team_id=ANY_TEAM) == []

    # B's own user resolves; C's submission of B's modal changes nothing.
    click(bot, fake_slack, "iamdeny_resolve", str(incident_b.id), message=reply_b, team_id="T0000B")
    view = opened_view(fake_slack)
    assert fake_slack.calls("views.open")[0].token == TEAM_B.bot_token
    answer = submit_note(bot, view, "from C", team_id=TEAM_C.team_id)
    assert answer["response_action"] == "errors"
    assert get_incident(bot.store, incident_b.id, team_id=ANY_TEAM).status == "open"  # type: ignore[union-attr]
    assert submit_note(bot, view, "from B", team_id=TEAM_B.team_id) is None
    resolved = get_incident(bot.store, incident_b.id, team_id=ANY_TEAM)
    assert resolved is not None and resolved.resolution_note == "from B"
    (update,) = fake_slack.wait_for("chat.update")
    assert update.token == TEAM_B.bot_token

    # A team id no installation has: Bolt refuses it before any listener (at most its own
    # "install the app" note); nothing is shown or stored.
    url = click(bot, fake_slack, "iamdeny_wrong", str(incident_b.id), team_id="T0000X")
    bot.drain()
    for call in fake_slack.calls("response_url"):
        if url.endswith("/" + call.params["_hook"]):
            assert "s3:PutObject" not in texts_of(call.params)
            assert "iamdeny_feedback" not in json.dumps(call.params)
    assert list_feedback(bot.store, incident_b.id, team_id=ANY_TEAM) == []


def test_database_outage_during_clicks_and_submissions(
    bot: BotServer, fake_slack: FakeSlack, db_switch: Callable[..., DbSwitch]
) -> None:
    reply = post_paste(bot, fake_slack, DENIAL)
    (incident,) = _incidents(bot)
    click(bot, fake_slack, "iamdeny_resolve", str(incident.id), message=reply)
    view = opened_view(fake_slack)
    switch = db_switch(bot.store)
    switch.down()
    try:
        answer = submit_note(bot, view, "fixed")  # the modal stays open, saying so
        assert answer["response_action"] == "errors" and NOTE_BLOCK in answer["errors"]
        click(bot, fake_slack, "iamdeny_wrong", str(incident.id), message=reply)
        (told,) = fake_slack.wait_for("chat.postEphemeral")
        assert "iamdeny_unavailable" in str(told.params["blocks"])
    finally:
        switch.up()
    assert submit_note(bot, view, "fixed") is None  # and works once the database is back
    done = get_incident(bot.store, incident.id, team_id="T0001")
    assert done is not None and done.status == "resolved"
