"""Issue 5, items 6 and 8 (HTTP side): what reaches `POST /slack/events` cannot break the bot.

Defects found here and fixed: a `/iamdeny` paste whose text merely contained the word "payload"
(`curl -d @payload.json`, "Invalid payload") was read by Bolt as an interactivity request with no
payload, i.e. as nothing, and silently dropped (acknowledged, never answered or recorded).
"""

from __future__ import annotations

import pytest
from conftest_bot import BotServer
from fakeslack import FakeSlack

from core.store import ANY_TEAM, list_incidents

pytestmark = pytest.mark.db

DENIAL = (
    "User: arn:aws:iam::111122223333:user/dana is not authorized to perform: lambda:InvokeFunction "
    "on resource: arn:aws:lambda:us-east-1:111122223333:function:api because no identity-based "
    "policy allows the lambda:InvokeFunction action"
)


@pytest.mark.parametrize(
    "text",
    [
        f"{DENIAL}\n$ aws lambda invoke --function-name api --payload file://payload.json out",
        f"payload {DENIAL}",
        f"{DENIAL} payload=1",
    ],
)
def test_slash_paste_mentioning_payload_is_answered(
    bot: BotServer, fake_slack: FakeSlack, text: str
) -> None:
    url = fake_slack.response_url()
    assert bot.slack.send_command("/iamdeny", text, response_url=url).status == 200
    fake_slack.wait_for("response_url")
    bot.drain()
    (incident,) = list_incidents(bot.store, team_id=ANY_TEAM)
    assert incident.action == "lambda:InvokeFunction"
