"""Issue 5, item 9: workspaces are isolated. Two workspaces (B, C) installed through OAuth (the fake
`oauth.v2.access`), each with pastes whose resources carry a marker only that workspace has, and the
*same* user id (an admin) in both.

From each workspace, against the other's data: `/iamdeny list|digest|help|settings|resolve <their
id>`, the reply buttons (Resolved, Not a denial, other language, Share) clicked on a copy of the
other's reply with the other's incident ids, the resolve modal of the other's incident submitted,
the settings modal submitted (with forged private metadata), App Home; and from outside:
`iamdeny digest --json` per team and `iamdeny digest --post`; requests naming a workspace that
never installed the app.

Asserted, over *everything* the fake Slack received: nothing sent with a workspace's token (or to
a response URL Slack gave that workspace, or published as its view) mentions the other's marker;
the other's incidents stay open with no feedback; each workspace's settings are changed only by
its own admin's submission; each digest goes to its own channel with its own token and data.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
from typing import Any

import pytest
from conftest_bot import TEAM_B, TEAM_C, BotServer
from fakeslack import FakeSlack, Team
from slackreq import app_home_opened, block_actions, message_event, view_submission

from core.store import (
    ANY_TEAM,
    get_incident,
    get_workspace_settings,
    list_feedback,
    list_incidents,
    update_workspace_settings,
)

pytestmark = [pytest.mark.db, pytest.mark.slow]

ADMIN = "U0SAMEADMIN"
MARKERS = {TEAM_B.team_id: "beta-only-bucket", TEAM_C.team_id: "gamma-only-table"}
DENIALS = {
    TEAM_B.team_id: (
        "User: arn:aws:iam::111122223333:user/b{n} is not authorized to perform: s3:PutObject on "
        "resource: arn:aws:s3:::beta-only-bucket/k{n} with an explicit deny in a service control "
        "policy"
    ),
    TEAM_C.team_id: (
        "User: arn:aws:iam::444455556666:user/c{n} is not authorized to perform: dynamodb:PutItem "
        "on resource: arn:aws:dynamodb:us-east-1:444455556666:table/gamma-only-table-{n} because "
        "no identity-based policy allows the dynamodb:PutItem action"
    ),
}
CHANNELS = {TEAM_B.team_id: "C0BETA", TEAM_C.team_id: "C0GAMMA"}
DIGEST_CHANNELS = {TEAM_B.team_id: "C0BETADIGEST", TEAM_C.team_id: "C0GAMMADIGEST"}


def _settings_values(channel: str) -> dict[str, dict[str, Any]]:
    def chosen(value: str) -> dict[str, Any]:
        option = {"text": {"type": "plain_text", "text": value}, "value": value}
        return {"type": "static_select", "selected_option": option}

    return {
        "iamdeny_settings_channel": {
            "channel": {"type": "conversations_select", "selected_conversation": channel}
        },
        "iamdeny_settings_weekday": {"weekday": chosen("2")},
        "iamdeny_settings_hour": {"hour": chosen("8")},
        "iamdeny_settings_timezone": {"timezone": chosen("Europe/Berlin")},
        "iamdeny_settings_language": {"language": chosen("en")},
    }


def _team_of_call(fake: FakeSlack, token: str | None, params: dict[str, Any]) -> str | None:
    if params.get("_team_id"):
        return str(params["_team_id"])
    for team in fake.teams.values():
        if team.bot_token == token:
            return team.team_id
    return None


def _crossings(fake: FakeSlack) -> list[tuple[str, str, str]]:
    """(workspace, method, other's marker) for every output that shows another's data."""
    out: list[tuple[str, str, str]] = []
    with fake._lock:
        calls = list(fake._calls)
        views = list(fake.views)
    for call in calls:
        team = _team_of_call(fake, call.token, call.params)
        text = json.dumps([call.params, call.response], default=str)
        for other, marker in MARKERS.items():
            if team is not None and other != team and marker in text:
                out.append((team, call.method, marker))
    for view in views:
        for other, marker in MARKERS.items():
            if other != view.get("team_id") and marker in json.dumps(view):
                out.append((str(view.get("team_id")), "view", marker))
    return out


def _paste(bot: BotServer, fake: FakeSlack, team: Team, n: int) -> dict[str, Any]:
    before = len(fake.calls("chat.postMessage"))
    text = DENIALS[team.team_id].format(n=n)
    body = message_event(text, team_id=team.team_id, channel=CHANNELS[team.team_id], user=ADMIN)
    assert bot.slack.send_event(body).status == 200
    post = fake.wait_for("chat.postMessage", before + 1)[-1]
    bot.drain()
    assert post.response is not None
    return dict(fake.messages[CHANNELS[team.team_id]][post.response["ts"]])


def _click(
    bot: BotServer,
    fake: FakeSlack,
    team: Team,
    *,
    action: str,
    value: str,
    message: dict[str, Any] | None = None,
) -> None:
    channel = CHANNELS[team.team_id]
    url = fake.response_url(team_id=team.team_id, channel=channel, user=ADMIN)
    payload = block_actions(
        action,
        value,
        user=ADMIN,
        team_id=team.team_id,
        channel=channel,
        message=message,
        response_url=url,
    )
    assert bot.slack.send_interaction(payload).status == 200


def test_two_workspaces_never_see_or_change_each_other(
    two_workspaces: BotServer, fake_slack: FakeSlack, db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    bot = two_workspaces
    teams = (TEAM_B, TEAM_C)
    for team in teams:
        fake_slack.add_user(ADMIN, is_admin=True, team_id=team.team_id)
    replies = {team.team_id: [_paste(bot, fake_slack, team, n) for n in range(2)] for team in teams}
    incidents = {
        team.team_id: list_incidents(bot.store, team_id=team.team_id, limit=None) for team in teams
    }
    assert all(len(found) == 2 for found in incidents.values())
    update_workspace_settings(bot.store, TEAM_C.team_id, digest_channel_id="C0GAMMAORIG")

    for me, other in ((TEAM_B, TEAM_C), (TEAM_C, TEAM_B)):
        theirs = incidents[other.team_id][0]
        # Slash commands, including resolving the other's incident by id.
        for text in ("list", "digest", "help", "settings", "", f"resolve {theirs.id} mine now"):
            url = fake_slack.response_url(team_id=me.team_id, channel=CHANNELS[me.team_id])
            resp = bot.slack.send_command(
                "/iamdeny",
                text,
                team_id=me.team_id,
                user=ADMIN,
                channel=CHANNELS[me.team_id],
                response_url=url,
            )
            assert resp.status == 200
        # The other's reply buttons, clicked from here with the other's incident ids.
        for action, value in (
            ("iamdeny_resolve", str(theirs.id)),
            ("iamdeny_wrong", str(theirs.id)),
            ("iamdeny_lang", f"ko:{theirs.id}"),
            ("iamdeny_share", f"en:{theirs.id}"),
        ):
            reply = replies[other.team_id][0]
            _click(bot, fake_slack, me, action=action, value=value, message=reply)
        # App Home for the same user id.
        assert bot.slack.send_event(app_home_opened(ADMIN, team_id=me.team_id)).status == 200
        bot.drain()

    # The resolve modal of C's incident, opened by C's admin, submitted from B: refused.
    theirs = incidents[TEAM_C.team_id][1]
    reply = replies[TEAM_C.team_id][1]
    _click(bot, fake_slack, TEAM_C, action="iamdeny_resolve", value=str(theirs.id), message=reply)
    bot.drain()
    modal = next(
        v
        for v in reversed(fake_slack.views)
        if v.get("callback_id", "").startswith("iamdeny_resolve")
    )
    note = {"iamdeny_resolve_note": {"note": {"type": "plain_text_input", "value": "from B"}}}
    resp = bot.slack.send_interaction(
        view_submission(modal, note, user=ADMIN, team_id=TEAM_B.team_id)
    )
    assert resp.status == 200 and resp.json()["response_action"] == "errors"

    # Settings: B's admin saves B's settings (private metadata forged to name C): only B changes.
    settings_modal = {
        "callback_id": "iamdeny_settings_modal",
        "private_metadata": json.dumps({"team_id": TEAM_C.team_id}),
    }
    values = _settings_values("C0BETADIGEST")
    resp = bot.slack.send_interaction(
        view_submission(settings_modal, values, user=ADMIN, team_id=TEAM_B.team_id)
    )
    assert resp.status == 200
    assert get_workspace_settings(bot.store, TEAM_B.team_id).digest_channel_id == "C0BETADIGEST"
    assert get_workspace_settings(bot.store, TEAM_C.team_id).digest_channel_id == "C0GAMMAORIG"
    update_workspace_settings(bot.store, TEAM_C.team_id, digest_channel_id="C0GAMMADIGEST")

    # A workspace that never installed the app: nothing at all.
    stranger = "T0000X"
    url = fake_slack.response_url(team_id=stranger)
    assert bot.slack.send_command("/iamdeny", "list", team_id=stranger, response_url=url).status
    body = message_event(DENIALS[TEAM_B.team_id].format(n=9), team_id=stranger)
    assert bot.slack.send_event(body).status in (200, 401, 403)
    bot.drain()

    # Digests from the command line: per team, and posted to each workspace's own channel.
    for name in list(os.environ):
        if name.startswith(("SLACK_", "IAMDENY_")) and name != "IAMDENY_TEST_POSTGRES_URL":
            monkeypatch.delenv(name)
    monkeypatch.setenv("DATABASE_URL", db_url)
    monkeypatch.setenv("SLACK_API_URL", fake_slack.url)
    monkeypatch.setenv("SLACK_CLIENT_ID", "1111.2222")
    monkeypatch.setenv("SLACK_CLIENT_SECRET", "oauth-s3")
    from bot.cli import main

    for team in teams:
        marker_other = MARKERS[TEAM_C.team_id if team is TEAM_B else TEAM_B.team_id]
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            assert main(["digest", "--team", team.team_id, "--days", "7", "--json"]) == 0
        assert (
            MARKERS[team.team_id] in out.getvalue()
            or "PutObject" in out.getvalue()
            or ("PutItem" in out.getvalue())
        )
        assert marker_other not in out.getvalue()
    assert main(["digest", "--post", "--days", "7"]) == 0
    for team in teams:
        (digest,) = [
            c
            for c in fake_slack.calls("chat.postMessage")
            if c.params.get("channel") == DIGEST_CHANNELS[team.team_id]
        ]
        assert digest.token == team.bot_token

    # Nothing crossed, nothing changed.
    crossings = _crossings(fake_slack)
    assert not crossings, crossings[:10]
    for team in teams:
        for incident in incidents[team.team_id]:
            now = get_incident(bot.store, incident.id, team_id=ANY_TEAM)
            assert now is not None and now.status == "open", (team.team_id, incident.id)
            assert list_feedback(bot.store, incident.id, team_id=ANY_TEAM) == []
    assert not list_incidents(bot.store, team_id=stranger, limit=None)
    # At most Bolt's own "installation not found" note on the stranger's response URL.
    to_stranger = [c for c in fake_slack.calls() if c.params.get("_team_id") == stranger]
    assert all(c.method == "response_url" for c in to_stranger)
    assert not any(m in json.dumps(c.params) for c in to_stranger for m in MARKERS.values())
