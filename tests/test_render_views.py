"""Modals and App Home: valid views, limits, current values selected, submissions read back."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest
from test_render_fixtures import make_incident, sample_digest

from bot.render import (
    ACTION_OPEN_SETTINGS,
    ACTION_RESOLVE,
    RESOLVE_CALLBACK_ID,
    RESOLVE_NOTE_ACTION,
    RESOLVE_NOTE_BLOCK,
    SETTINGS_CALLBACK_ID,
    SETTINGS_CHANNEL_BLOCK,
    SETTINGS_HOUR_BLOCK,
    SETTINGS_LANGUAGE_BLOCK,
    SETTINGS_TIMEZONE_BLOCK,
    SETTINGS_WEEKDAY_BLOCK,
    app_home,
    read_resolve_note,
    resolve_modal,
    settings_modal,
    violations,
)
from core.store.settings import WorkspaceSettings

NOW = datetime(2026, 11, 30, 9, tzinfo=UTC)


def _inputs(view: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {b["block_id"]: b for b in view["blocks"] if b["type"] == "input"}


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_resolve_modal(lang: str) -> None:
    view = resolve_modal(12, lang, '{"channel":"C1","ts":"1.2"}', summary="s3:PutObject <!here>")
    assert violations(view["blocks"], surface="modal", view=view) == []
    assert view["type"] == "modal" and view["callback_id"] == RESOLVE_CALLBACK_ID
    assert view["private_metadata"] == '{"channel":"C1","ts":"1.2"}'
    note = _inputs(view)[RESOLVE_NOTE_BLOCK]
    assert note["label"]["text"] and note["element"]["action_id"] == RESOLVE_NOTE_ACTION
    assert note["element"]["multiline"] is True and note["element"]["max_length"] <= 3000
    assert "#12" in json.dumps(view) and "<!here>" not in json.dumps(view)
    with pytest.raises(ValueError, match="private_metadata"):
        resolve_modal(1, lang, "x" * 3001)


def test_read_resolve_note() -> None:
    state = {
        RESOLVE_NOTE_BLOCK: {RESOLVE_NOTE_ACTION: {"type": "plain_text_input", "value": " ok "}}
    }
    assert read_resolve_note(state) == "ok"
    assert read_resolve_note({}) == ""


@pytest.mark.parametrize("lang", ["en", "ko"])
@pytest.mark.parametrize(
    "settings",
    [
        WorkspaceSettings.defaults("T1"),
        WorkspaceSettings("T1", "ko", "C0DIGEST", 4, 17, "Asia/Seoul", True),
        WorkspaceSettings("T1", None, None, 6, 23, "America/Argentina/Buenos_Aires", True),
    ],
)
def test_settings_modal(lang: str, settings: WorkspaceSettings) -> None:
    view = settings_modal(settings, lang)
    assert violations(view["blocks"], surface="modal", view=view) == []
    assert view["callback_id"] == SETTINGS_CALLBACK_ID
    inputs = _inputs(view)
    assert set(inputs) == {
        SETTINGS_CHANNEL_BLOCK,
        SETTINGS_WEEKDAY_BLOCK,
        SETTINGS_HOUR_BLOCK,
        SETTINGS_TIMEZONE_BLOCK,
        SETTINGS_LANGUAGE_BLOCK,
    }
    for block in inputs.values():
        assert block["label"]["text"].strip()
        for opt in block["element"].get("options", []):
            assert len(opt["text"]["text"]) <= 75
        assert len(block["element"].get("options", [])) <= 100
    channel = inputs[SETTINGS_CHANNEL_BLOCK]["element"]
    assert channel["type"] == "conversations_select"
    assert channel.get("initial_conversation") == settings.digest_channel_id
    assert inputs[SETTINGS_WEEKDAY_BLOCK]["element"]["initial_option"]["value"] == str(
        settings.digest_weekday
    )
    assert inputs[SETTINGS_HOUR_BLOCK]["element"]["initial_option"]["value"] == str(
        settings.digest_hour
    )
    zones = inputs[SETTINGS_TIMEZONE_BLOCK]["element"]
    assert zones["initial_option"]["value"] == settings.timezone
    assert "UTC" in [o["value"] for o in zones["options"]]
    language = inputs[SETTINGS_LANGUAGE_BLOCK]["element"]
    assert [o["value"] for o in language["options"]] == ["en", "ko"]
    assert language.get("initial_option", {}).get("value") == settings.language


@pytest.mark.parametrize("lang", ["en", "ko"])
@pytest.mark.parametrize("is_admin", [True, False])
def test_app_home(lang: str, is_admin: bool) -> None:
    incidents = [
        make_incident(i, resource="arn:aws:s3:::b/<!channel>" + "x" * 3000) for i in range(30)
    ]
    settings = WorkspaceSettings("T1", "en", "C0DIGEST", 0, 9, "UTC", True)
    view = app_home(incidents, sample_digest(recurring=15), is_admin, settings, lang)
    assert violations(view["blocks"], surface="home", view=view) == []
    assert view["type"] == "home"
    raw = json.dumps(view, ensure_ascii=False)
    assert "<!channel>" not in raw and "<#C0DIGEST>" in raw
    resolve_values = [
        b["accessory"]["value"]
        for b in view["blocks"]
        if b.get("accessory", {}).get("action_id") == ACTION_RESOLVE
    ]
    assert resolve_values == [str(i) for i in range(20)]
    settings_buttons = [
        b for b in view["blocks"] if b.get("accessory", {}).get("action_id") == ACTION_OPEN_SETTINGS
    ]
    assert len(settings_buttons) == (1 if is_admin else 0)
    recurring = [b for b in view["blocks"] if b.get("block_id", "").startswith("iamdeny_home_rec_")]
    assert len(recurring) == 10


def test_app_home_when_empty() -> None:
    view = app_home([], [], False, WorkspaceSettings.defaults("T1"), "ko")
    assert violations(view["blocks"], surface="home", view=view) == []
    raw = json.dumps(view, ensure_ascii=False)
    assert "없습니다" in raw and "꺼짐" in raw
