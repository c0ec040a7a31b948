"""End to end: multi-workspace OAuth installs — install redirect, callback with a fake
`oauth.v2.access`, events authorized with the stored bot token, uninstall and token revocation."""

from __future__ import annotations

from collections.abc import Callable
from http.cookies import SimpleCookie
from urllib.parse import parse_qs, urlsplit

import pytest
from conftest_bot import BotServer
from fakeslack import FakeSlack, Team
from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore
from slackreq import event_callback, message_event

from bot.app import BOT_SCOPES

pytestmark = pytest.mark.db

CLIENT_ID = "1111.2222"
DENIAL = (
    "User: arn:aws:iam::111122223333:user/dave is not authorized to perform: kms:Decrypt on "
    "resource: arn:aws:kms:us-east-1:111122223333:key/abcd because no identity-based policy "
    "allows the kms:Decrypt action"
)
TEAM_B = Team("T0000B", "xoxb-fake-T0000B", "UBOTB", "BBOTB", "Beta")
TEAM_C = Team("T0000C", "xoxb-fake-T0000C", "UBOTC", "BBOTC", "Gamma")


@pytest.fixture
def oauth_bot(make_bot: Callable[..., BotServer]) -> BotServer:
    from pydantic import SecretStr

    return make_bot(
        slack_bot_token=None, slack_client_id=CLIENT_ID, slack_client_secret=SecretStr("oauth-s3")
    )


def _installations(bot: BotServer) -> SQLAlchemyInstallationStore:
    return SQLAlchemyInstallationStore(client_id=CLIENT_ID, engine=bot.store.engine)


def install(bot: BotServer, fake: FakeSlack, team: Team, code: str) -> None:
    """Go through /slack/install and /slack/oauth_redirect as a browser would."""
    start = bot.get("/slack/install")
    assert start.status == 302
    location = urlsplit(start.headers["location"])
    query = parse_qs(location.query)
    assert location.path.endswith("/oauth/v2/authorize")
    assert query["client_id"] == [CLIENT_ID]
    assert set(query["scope"][0].split(",")) == set(BOT_SCOPES)
    state = query["state"][0]
    cookie = SimpleCookie(start.headers["set-cookie"])
    cookies = "; ".join(f"{k}={v.value}" for k, v in cookie.items())
    fake.add_oauth_code(code, team)
    done = bot.get(f"/slack/oauth_redirect?code={code}&state={state}", {"Cookie": cookies})
    assert done.status == 200, done.text


def test_install_stores_the_workspace_and_its_events_use_its_token(
    oauth_bot: BotServer, fake_slack: FakeSlack
) -> None:
    install(oauth_bot, fake_slack, TEAM_B, "code-b")
    (access,) = fake_slack.calls("oauth.v2.access")
    assert access.params["code"] == "code-b"
    bot_row = _installations(oauth_bot).find_bot(enterprise_id=None, team_id=TEAM_B.team_id)
    assert bot_row is not None and bot_row.bot_token == TEAM_B.bot_token
    assert bot_row.bot_user_id == TEAM_B.bot_user_id and bot_row.bot_id == TEAM_B.bot_id

    fake_slack.clear_calls()
    body = message_event(DENIAL, team_id=TEAM_B.team_id)
    assert oauth_bot.slack.send_event(body).status == 200
    (post,) = fake_slack.wait_for("chat.postMessage")
    assert post.token == TEAM_B.bot_token
    assert not fake_slack.calls("auth.test")  # authorized from the store, no auth.test per event

    own = message_event(
        DENIAL, team_id=TEAM_B.team_id, user=TEAM_B.bot_user_id, bot_id=TEAM_B.bot_id
    )
    assert oauth_bot.slack.send_event(own).status == 200
    oauth_bot.drain()
    fake_slack.quiet("chat.postMessage", 1, settle=0.1)


def test_bad_state_is_refused(oauth_bot: BotServer, fake_slack: FakeSlack) -> None:
    fake_slack.add_oauth_code("code-x", TEAM_C)
    resp = oauth_bot.get("/slack/oauth_redirect?code=code-x&state=forged")
    assert resp.status >= 400
    assert fake_slack.calls("oauth.v2.access") == []


def test_uninstall_and_token_revocation_delete_the_installation(
    oauth_bot: BotServer, fake_slack: FakeSlack
) -> None:
    install(oauth_bot, fake_slack, TEAM_B, "code-b2")
    install(oauth_bot, fake_slack, TEAM_C, "code-c2")
    store = _installations(oauth_bot)
    assert store.find_bot(enterprise_id=None, team_id=TEAM_B.team_id) is not None

    uninstalled = event_callback({"type": "app_uninstalled"}, team_id=TEAM_B.team_id)
    assert oauth_bot.slack.send_event(uninstalled).status == 200
    assert store.find_bot(enterprise_id=None, team_id=TEAM_B.team_id) is None
    assert store.find_installation(enterprise_id=None, team_id=TEAM_B.team_id) is None

    revoked = event_callback(
        {"type": "tokens_revoked", "tokens": {"oauth": [], "bot": [TEAM_C.bot_user_id]}},
        team_id=TEAM_C.team_id,
    )
    assert oauth_bot.slack.send_event(revoked).status == 200
    assert store.find_bot(enterprise_id=None, team_id=TEAM_C.team_id) is None

    # Events from a workspace that is gone still get a 2xx, and nothing is posted.
    fake_slack.clear_calls()
    resp = oauth_bot.slack.send_event(message_event(DENIAL, team_id=TEAM_B.team_id))
    assert resp.status == 200
    oauth_bot.drain()
    assert fake_slack.calls("chat.postMessage") == []
