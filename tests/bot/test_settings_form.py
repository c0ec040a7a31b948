"""The settings modal's submission, read and checked field by field (`settings_errors`): what the
modal offers reads back as the settings to save; anything else is an error on its own block."""

from __future__ import annotations

from typing import Any

from bot.commands.settings import settings_errors
from bot.render import (
    SETTINGS_CHANNEL_ACTION,
    SETTINGS_CHANNEL_BLOCK,
    SETTINGS_HOUR_ACTION,
    SETTINGS_HOUR_BLOCK,
    SETTINGS_LANGUAGE_ACTION,
    SETTINGS_LANGUAGE_BLOCK,
    SETTINGS_TIMEZONE_ACTION,
    SETTINGS_TIMEZONE_BLOCK,
    SETTINGS_WEEKDAY_ACTION,
    SETTINGS_WEEKDAY_BLOCK,
)


def _chosen(value: str | None) -> dict[str, Any]:
    if value is None:
        return {"selected_option": None}
    return {"selected_option": {"text": {"type": "plain_text", "text": value}, "value": value}}


def _state(**fields: Any) -> dict[str, Any]:
    values = {"channel": "C0DIGEST", "weekday": "4", "hour": "17", "zone": "Asia/Seoul"}
    values.update(fields)
    return {
        SETTINGS_CHANNEL_BLOCK: {
            SETTINGS_CHANNEL_ACTION: {"selected_conversation": values["channel"]}
        },
        SETTINGS_WEEKDAY_BLOCK: {SETTINGS_WEEKDAY_ACTION: _chosen(values["weekday"])},
        SETTINGS_HOUR_BLOCK: {SETTINGS_HOUR_ACTION: _chosen(values["hour"])},
        SETTINGS_TIMEZONE_BLOCK: {SETTINGS_TIMEZONE_ACTION: _chosen(values["zone"])},
        SETTINGS_LANGUAGE_BLOCK: {SETTINGS_LANGUAGE_ACTION: _chosen(values.get("language"))},
    }


def test_a_valid_submission_reads_back_as_the_settings() -> None:
    assert settings_errors(_state(), "en") == (
        {
            "digest_channel_id": "C0DIGEST",
            "digest_weekday": 4,
            "digest_hour": 17,
            "timezone": "Asia/Seoul",
            "language": None,  # a cleared optional select
        },
        {},
    )
    changes, errors = settings_errors(_state(channel=None, language="ko"), "ko")
    assert errors == {} and changes["digest_channel_id"] is None and changes["language"] == "ko"


def test_each_bad_field_is_an_error_on_its_own_block() -> None:
    cases = {
        SETTINGS_CHANNEL_BLOCK: {"channel": "not a channel"},
        SETTINGS_WEEKDAY_BLOCK: {"weekday": "7"},
        SETTINGS_HOUR_BLOCK: {"hour": "24"},
        SETTINGS_TIMEZONE_BLOCK: {"zone": "../../etc/passwd"},
        SETTINGS_LANGUAGE_BLOCK: {"language": "fr"},
    }
    for block, bad in cases.items():
        _, errors = settings_errors(_state(**bad), "en")
        assert list(errors) == [block], (bad, errors)
        assert errors[block]  # a message to show under the field
    _, errors = settings_errors(_state(hour="١٧", weekday=None), "en")  # Arabic-Indic digits
    assert set(errors) == {SETTINGS_HOUR_BLOCK, SETTINGS_WEEKDAY_BLOCK}
