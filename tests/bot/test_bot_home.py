"""End to end: App Home (`app_home_opened` → `views.publish`) and the settings modal (admins only,
field errors, saved per workspace) — signed requests to the real app over loopback HTTP, the fake
Slack recording the calls; SQLite, and PostgreSQL when configured."""

from __future__ import annotations

import time
from typing import Any

import pytest
from conftest_bot import TEAM_B, TEAM_C, BotServer
from fakeslack import DEFAULT_TEAM, Call, FakeSlack, Fault
from samples import DENIAL
from samples import DENIAL_2_OTHER_ACCOUNT as DENIAL_2
from slackreq import app_home_opened, block_actions, message_event, view_submission

from core.classifier import find_denials
from core.store import (
    ANY_TEAM,
    get_workspace_settings,
    list_incidents,
    record_incidents,
    update_workspace_settings,
)

pytestmark = pytest.mark.db

HANGUL = range(0xAC00, 0xD7A4)


def texts_of(node: Any) -> str:
    parts: list[str] = []

    def walk(item: Any) -> None:
        if isinstance(item, dict):
            for key, value in item.items():
                if key == "text" and isinstance(value, str):
                    parts.append(value)
                else:
                    walk(value)
        elif isinstance(item, list):
            for child in item:
                walk(child)

    walk(node)
    return "\n".join(parts)


def action_ids(view: dict[str, Any]) -> list[str]:
    found = []
    for block in view.get("blocks", []):
        for element in [block.get("accessory"), *block.get("elements", [])]:
            if isinstance(element, dict) and element.get("type") == "button":
                found.append(element["action_id"])
    return found


def record(bot: BotServer, team_id: str, text: str, reporter: str) -> None:
    record_incidents(
        bot.store,
        team_id=team_id,
        channel_id="C0CHAN1",
        message_ts=f"{time.time():.6f}",
        denials=find_denials(text),
        paste=text,
        reporter_id=reporter,
    )


def response_to(fake: FakeSlack, url: str) -> Call:
    """The first response sent to `url` (waits for it)."""
    deadline = time.monotonic() + 10
    while True:
        for call in fake.calls("response_url"):
            if url.endswith("/" + call.params.get("_hook", "?")):
                return call
        assert time.monotonic() < deadline, f"no response to {url}"
        time.sleep(0.02)


def open_home(bot: BotServer, fake: FakeSlack, user: str, team_id: str = "T0001") -> dict[str, Any]:
    before = len(fake.calls("views.publish"))
    assert bot.slack.send_event(app_home_opened(user, team_id=team_id)).status == 200
    call = fake.wait_for("views.publish", before + 1)[-1]
    assert call.params["user_id"] == user
    view: dict[str, Any] = fake.views[-1]
    return view


def settings_values(
    *,
    channel: str | None = "C0DIGEST",
    weekday: str = "4",
    hour: str = "17",
    zone: str = "Asia/Seoul",
    language: str | None = "ko",
) -> dict[str, dict[str, Any]]:
    def chosen(value: str | None) -> dict[str, Any]:
        option = {"text": {"type": "plain_text", "text": value}, "value": value} if value else None
        return {"type": "static_select", "selected_option": option}

    return {
        "iamdeny_settings_channel": {
            "channel": {"type": "conversations_select", "selected_conversation": channel}
        },
        "iamdeny_settings_weekday": {"weekday": chosen(weekday)},
        "iamdeny_settings_hour": {"hour": chosen(hour)},
        "iamdeny_settings_timezone": {"timezone": chosen(zone)},
        "iamdeny_settings_language": {"language": chosen(language)},
    }


# --- App Home ------------------------------------------------------------------------------------


def test_home_shows_the_viewers_open_incidents_and_the_recurring_ones(
    bot: BotServer, fake_slack: FakeSlack
) -> None:
    for _ in range(3):
        record(bot, "T0001", DENIAL, reporter="U0VIEWER")
    record(bot, "T0001", DENIAL_2, reporter="U0SOMEONE")
    record(bot, "T0001", DENIAL_2, reporter="U0SOMEONE2")
    record(
        bot,
        "T0002",
        "User: arn:aws:iam::999988887777:user/eve is not authorized to perform: "
        "kms:Decrypt on resource: arn:aws:kms:us-east-1:999988887777:key/x",
        reporter="U0VIEWER",
    )
    mine = list_incidents(bot.store, team_id="T0001", reporter_id="U0VIEWER", limit=None)

    view = open_home(bot, fake_slack, "U0VIEWER")
    assert view["type"] == "home"
    text = texts_of(view)
    assert all(f"#{i.id}" in text for i in mine)  # the viewer's open incidents
    assert "dynamodb:PutItem" in text  # ...and the workspace's recurring denials (not the viewer's)
    assert "kms:Decrypt" not in text  # never another workspace's
    assert action_ids(view).count("iamdeny_resolve") == len(mine)
    assert "iamdeny_open_settings" not in action_ids(view)  # not an admin


def test_home_tabs_other_than_home_and_forged_teams_publish_nothing(
    bot: BotServer, fake_slack: FakeSlack
) -> None:
    assert bot.slack.send_event(app_home_opened("U0USER1", tab="messages")).status == 200
    assert bot.slack.send_event(app_home_opened("U0USER1", team_id="T0002")).status == 200
    bot.drain()
    assert not fake_slack.calls("views.publish")


def test_home_in_korean_and_resolve_from_home(bot: BotServer, fake_slack: FakeSlack) -> None:
    fake_slack.add_user("U0KO", locale="ko-KR")
    assert bot.slack.send_event(message_event(DENIAL, user="U0KO")).status == 200
    post = fake_slack.wait_for("chat.postMessage")[0]
    bot.drain()
    (incident,) = list_incidents(bot.store, team_id=ANY_TEAM)
    view = open_home(bot, fake_slack, "U0KO")
    assert any(ord(ch) in HANGUL for ch in texts_of(view))

    home = {"id": "V0HOME", "type": "home", "blocks": view["blocks"]}
    payload = block_actions(
        "iamdeny_resolve",
        str(incident.id),
        user="U0KO",
        view=home,
        block_id=f"iamdeny_home_incident_{incident.id}",
    )
    assert bot.slack.send_interaction(payload).status == 200
    fake_slack.wait_for("views.open")
    modal = fake_slack.views[-1]
    values = {"iamdeny_resolve_note": {"note": {"type": "plain_text_input", "value": "고쳤음"}}}
    resp = bot.slack.send_interaction(view_submission(modal, values, user="U0KO"))
    assert resp.status == 200 and resp.body == b""
    # The thread reply shows the resolution, and the viewer's Home is published again, without it.
    (update,) = fake_slack.wait_for("chat.update")
    assert post.response is not None and update.params["ts"] == post.response["ts"]
    assert "고쳤음" in texts_of(update.params["blocks"])
    fake_slack.wait_for("views.publish", 2)
    bot.drain()
    assert f"#{incident.id}" not in texts_of(fake_slack.views[-1])


# --- settings ------------------------------------------------------------------------------------


def settings_click(user: str) -> dict[str, Any]:
    """The App Home's "Settings" button clicked by `user`."""
    payload: dict[str, Any] = block_actions(
        "iamdeny_open_settings",
        "settings",
        user=user,
        view={"id": "V0HOME", "type": "home"},
        block_id="iamdeny_home_settings",
    )
    return payload


def test_admin_home_opens_settings_and_a_good_submission_is_saved(
    bot: BotServer, fake_slack: FakeSlack
) -> None:
    fake_slack.add_user("U0ADMIN", is_admin=True)
    view = open_home(bot, fake_slack, "U0ADMIN")
    assert "iamdeny_open_settings" in action_ids(view)
    payload = settings_click("U0ADMIN")
    assert bot.slack.send_interaction(payload).status == 200
    fake_slack.wait_for("views.open")
    modal = fake_slack.views[-1]
    assert modal["callback_id"] == "iamdeny_settings_modal"

    resp = bot.slack.send_interaction(view_submission(modal, settings_values(), user="U0ADMIN"))
    assert resp.status == 200 and resp.body == b""
    saved = get_workspace_settings(bot.store, "T0001")
    assert (saved.digest_channel_id, saved.digest_weekday, saved.digest_hour) == (
        "C0DIGEST",
        4,
        17,
    )
    assert (saved.timezone, saved.language) == ("Asia/Seoul", "ko")
    assert get_workspace_settings(bot.store, "T0002").stored is False

    # An empty channel turns the digest off; an empty language clears it.
    values = settings_values(channel=None, language=None)
    assert bot.slack.send_interaction(view_submission(modal, values, user="U0ADMIN")).body == b""
    cleared = get_workspace_settings(bot.store, "T0001")
    assert cleared.digest_channel_id is None and cleared.language is None


@pytest.mark.parametrize(
    ("field", "values"),
    [
        ("iamdeny_settings_timezone", {"zone": "Mars/Olympus_Mons"}),
        ("iamdeny_settings_timezone", {"zone": "../../etc/passwd"}),
        ("iamdeny_settings_hour", {"hour": "24"}),
        ("iamdeny_settings_weekday", {"weekday": "sunday"}),
        ("iamdeny_settings_weekday", {"weekday": "²"}),
        ("iamdeny_settings_hour", {"hour": "-1"}),
        ("iamdeny_settings_language", {"language": "fr"}),
        ("iamdeny_settings_channel", {"channel": "not a channel"}),
    ],
)
def test_bad_settings_get_field_errors_and_save_nothing(
    bot: BotServer, fake_slack: FakeSlack, field: str, values: dict[str, Any]
) -> None:
    fake_slack.add_user("U0ADMIN", is_admin=True)
    update_workspace_settings(bot.store, "T0001", timezone="Europe/Berlin")
    modal = {"callback_id": "iamdeny_settings_modal", "private_metadata": ""}
    resp = bot.slack.send_interaction(
        view_submission(modal, settings_values(**values), user="U0ADMIN")
    )
    assert resp.status == 200
    answer = resp.json()
    assert answer["response_action"] == "errors"
    assert list(answer["errors"]) == [field]
    assert get_workspace_settings(bot.store, "T0001").timezone == "Europe/Berlin"


def test_settings_submission_by_a_non_admin_or_another_team_is_refused(
    bot: BotServer, fake_slack: FakeSlack
) -> None:
    fake_slack.add_user("U0PLAIN")
    modal = {"callback_id": "iamdeny_settings_modal", "private_metadata": ""}
    resp = bot.slack.send_interaction(view_submission(modal, settings_values(), user="U0PLAIN"))
    assert resp.json()["response_action"] == "errors"
    fake_slack.add_user("U0ADMIN", is_admin=True, team_id="T0002")
    forged = view_submission(modal, settings_values(), user="U0ADMIN", team_id="T0002")
    assert bot.slack.send_interaction(forged).status == 200
    assert get_workspace_settings(bot.store, "T0001").stored is False
    assert get_workspace_settings(bot.store, "T0002").stored is False

    # The admins' Home button is refused to others too (a click forged without the button).
    payload = block_actions(
        "iamdeny_open_settings", "settings", user="U0PLAIN", view={"id": "V0HOME"}
    )
    assert bot.slack.send_interaction(payload).status == 200
    bot.drain()
    assert not fake_slack.calls("views.open")


def test_saved_default_language_is_used_for_users_without_a_choice(
    bot: BotServer, fake_slack: FakeSlack
) -> None:
    update_workspace_settings(bot.store, DEFAULT_TEAM.team_id, language="ko")
    fake_slack.add_user("U0NOLOCALE", locale="ja-JP")
    view = open_home(bot, fake_slack, "U0NOLOCALE")
    assert any(ord(ch) in HANGUL for ch in texts_of(view))


def test_two_workspaces_see_only_their_own(
    two_workspaces: BotServer, fake_slack: FakeSlack
) -> None:
    bot = two_workspaces
    for team, text in ((TEAM_B, DENIAL), (TEAM_C, DENIAL_2)):
        for reporter in ("U0SAME", "U0ELSE"):
            record(bot, team.team_id, text, reporter=reporter)
    fake_slack.add_user("U0SAME", is_admin=True, team_id=TEAM_B.team_id)
    fake_slack.add_user("U0SAME", is_admin=True, team_id=TEAM_C.team_id)
    # The same user id in both workspaces: each Home, list and digest shows its own workspace.
    for team, mine, theirs in ((TEAM_B, "s3:PutObject", "dynamodb"), (TEAM_C, "dynamodb", "s3:")):
        view = open_home(bot, fake_slack, "U0SAME", team_id=team.team_id)
        assert fake_slack.calls("views.publish")[-1].token == team.bot_token
        assert mine in texts_of(view) and theirs not in texts_of(view)
        for sub in ("list", "digest"):
            url = fake_slack.response_url(team_id=team.team_id)
            resp = bot.slack.send_command(
                "/iamdeny", sub, user="U0SAME", team_id=team.team_id, response_url=url
            )
            assert resp.status == 200
            answer = texts_of(response_to(fake_slack, url).params.get("blocks"))
            assert mine in answer and theirs not in answer
    # Settings saved by B's admin are B's only.
    modal = {"callback_id": "iamdeny_settings_modal", "private_metadata": ""}
    submitted = view_submission(modal, settings_values(), user="U0SAME", team_id=TEAM_B.team_id)
    assert bot.slack.send_interaction(submitted).body == b""
    assert get_workspace_settings(bot.store, TEAM_B.team_id).digest_channel_id == "C0DIGEST"
    assert get_workspace_settings(bot.store, TEAM_C.team_id).stored is False


def test_settings_open_while_every_reply_worker_waits_out_a_429(
    bot: BotServer, fake_slack: FakeSlack
) -> None:
    """Clicks run on their own pool: with every reply thread asleep on a 429's Retry-After, the
    settings modal still opens at once (its trigger_id expires in 3 seconds)."""
    fake_slack.add_user("U0ADMIN", is_admin=True)
    workers = bot.settings.iamdeny_reply_workers
    fake_slack.add_fault(Fault("chat.postMessage", status=429, retry_after=4, times=workers))
    for _ in range(workers):
        assert bot.slack.send_event(message_event(DENIAL)).status == 200
    fake_slack.wait_for("chat.postMessage", workers, all_outcomes=True)  # all of them asleep now
    payload = settings_click("U0ADMIN")
    assert bot.slack.send_interaction(payload).status == 200
    (opened,) = fake_slack.wait_for("views.open")
    retried = fake_slack.wait_for("chat.postMessage", workers)  # the replies, after Retry-After
    bot.drain()
    assert opened.at < min(call.at for call in retried)  # not queued behind the sleeping replies
