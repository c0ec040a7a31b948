"""Modals and the App Home tab: the resolve note, workspace settings, and the home view.

The callback ids, block ids and action ids below are the contract with the listeners;
`read_resolve_note` (here) and `bot.commands.settings.settings_errors` read a submitted view's
`state.values` back with the same ids, so the two sides cannot drift apart.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, Final

from bot.render import fmt
from bot.render.blocks import (
    Block,
    button,
    context,
    divider,
    header,
    label,
    options,
    placeholder,
    section,
    title,
)
from bot.render.digest import recurring_line
from bot.render.escape import clean_inline, escape_mrkdwn
from bot.render.incidents import ACTION_LIST_RESOLVE, incident_line
from bot.render.limits import PRIVATE_METADATA_MAX, VIEW_BLOCKS_MAX
from bot.render.texts import LANGS, check_lang, t

if TYPE_CHECKING:
    from core.digest.model import Digest, RecurringDenial
    from core.store.incidents import Incident
    from core.store.settings import WorkspaceSettings

__all__ = [
    "ACTION_OPEN_SETTINGS",
    "RESOLVE_CALLBACK_ID",
    "RESOLVE_NOTE_ACTION",
    "RESOLVE_NOTE_BLOCK",
    "SETTINGS_CALLBACK_ID",
    "SETTINGS_CHANNEL_ACTION",
    "SETTINGS_CHANNEL_BLOCK",
    "SETTINGS_HOUR_ACTION",
    "SETTINGS_HOUR_BLOCK",
    "SETTINGS_LANGUAGE_ACTION",
    "SETTINGS_LANGUAGE_BLOCK",
    "SETTINGS_TIMEZONE_ACTION",
    "SETTINGS_TIMEZONE_BLOCK",
    "SETTINGS_WEEKDAY_ACTION",
    "SETTINGS_WEEKDAY_BLOCK",
    "TIME_ZONES",
    "app_home",
    "read_resolve_note",
    "resolve_modal",
    "settings_modal",
    "settings_summary",
]

RESOLVE_CALLBACK_ID: Final = "iamdeny_resolve_modal"
RESOLVE_NOTE_BLOCK: Final = "iamdeny_resolve_note"
RESOLVE_NOTE_ACTION: Final = "note"
RESOLVE_NOTE_MAX: Final = 2000  # core.store.models.NOTE_MAX_CHARS

SETTINGS_CALLBACK_ID: Final = "iamdeny_settings_modal"
SETTINGS_CHANNEL_BLOCK: Final = "iamdeny_settings_channel"
SETTINGS_CHANNEL_ACTION: Final = "channel"
SETTINGS_WEEKDAY_BLOCK: Final = "iamdeny_settings_weekday"
SETTINGS_WEEKDAY_ACTION: Final = "weekday"
SETTINGS_HOUR_BLOCK: Final = "iamdeny_settings_hour"
SETTINGS_HOUR_ACTION: Final = "hour"
SETTINGS_TIMEZONE_BLOCK: Final = "iamdeny_settings_timezone"
SETTINGS_TIMEZONE_ACTION: Final = "timezone"
SETTINGS_LANGUAGE_BLOCK: Final = "iamdeny_settings_language"
SETTINGS_LANGUAGE_ACTION: Final = "language"

ACTION_OPEN_SETTINGS: Final = "iamdeny_open_settings"
"""The admins' "Settings" button on App Home (opens `settings_modal`)."""

TIME_ZONES: Final = (
    "UTC",
    "Asia/Seoul",
    "Asia/Tokyo",
    "Asia/Shanghai",
    "Asia/Hong_Kong",
    "Asia/Taipei",
    "Asia/Singapore",
    "Asia/Jakarta",
    "Asia/Bangkok",
    "Asia/Kolkata",
    "Asia/Dubai",
    "Australia/Sydney",
    "Australia/Perth",
    "Pacific/Auckland",
    "Europe/London",
    "Europe/Dublin",
    "Europe/Lisbon",
    "Europe/Paris",
    "Europe/Berlin",
    "Europe/Amsterdam",
    "Europe/Madrid",
    "Europe/Stockholm",
    "Europe/Warsaw",
    "Europe/Helsinki",
    "Europe/Istanbul",
    "Africa/Johannesburg",
    "America/Sao_Paulo",
    "America/New_York",
    "America/Toronto",
    "America/Chicago",
    "America/Mexico_City",
    "America/Denver",
    "America/Phoenix",
    "America/Los_Angeles",
    "America/Vancouver",
    "America/Anchorage",
    "Pacific/Honolulu",
)
"""The time zones offered in settings (a workspace's own zone is added when it is not here)."""

_WEEKDAY_KEYS: Final = (
    "weekday.mon",
    "weekday.tue",
    "weekday.wed",
    "weekday.thu",
    "weekday.fri",
    "weekday.sat",
    "weekday.sun",
)
_LANGUAGE_KEYS: Final = {"en": "language.en", "ko": "language.ko"}
_HOME_INCIDENTS_MAX: Final = 20
_HOME_RECURRING_MAX: Final = 10


def _metadata(private_metadata: str) -> str:
    if len(private_metadata) > PRIVATE_METADATA_MAX:
        raise ValueError(f"private_metadata longer than {PRIVATE_METADATA_MAX} characters")
    return private_metadata


def resolve_modal(
    incident_id: int, lang: str, private_metadata: str = "", *, summary: str | None = None
) -> dict[str, Any]:
    """The modal the "Resolved" button opens: a required multiline note. `private_metadata`
    comes back untouched on submission (e.g. the reply's channel and ts); `summary` is a line
    about the incident (pasted text is redacted and escaped here)."""
    check_lang(lang)
    intro = t(lang, "resolve.intro", id=incident_id)
    if summary:
        intro += "\n" + clean_inline(summary, 300)
    return {
        "type": "modal",
        "callback_id": RESOLVE_CALLBACK_ID,
        "private_metadata": _metadata(private_metadata),
        "title": title(t(lang, "resolve.title")),
        "submit": title(t(lang, "resolve.submit")),
        "close": title(t(lang, "common.cancel")),
        "blocks": [
            section(intro, block_id="iamdeny_resolve_intro"),
            {
                "type": "input",
                "block_id": RESOLVE_NOTE_BLOCK,
                "label": label(t(lang, "resolve.label")),
                "hint": label(t(lang, "resolve.hint")),
                "element": {
                    "type": "plain_text_input",
                    "action_id": RESOLVE_NOTE_ACTION,
                    "multiline": True,
                    "max_length": RESOLVE_NOTE_MAX,
                    "placeholder": placeholder(t(lang, "resolve.placeholder")),
                },
            },
        ],
    }


def read_resolve_note(state_values: Mapping[str, Any]) -> str:
    """The note from a submitted resolve modal's `view.state.values` (stripped; "" if absent)."""
    value = state_values.get(RESOLVE_NOTE_BLOCK, {}).get(RESOLVE_NOTE_ACTION, {}).get("value")
    return (value or "").strip()


def _zones(current: str) -> list[str]:
    return list(TIME_ZONES) if current in TIME_ZONES else [current, *TIME_ZONES]


def _hour(hour: int) -> str:
    return f"{hour:02d}:00"


def settings_modal(
    settings: WorkspaceSettings, lang: str, private_metadata: str = ""
) -> dict[str, Any]:
    """The workspace settings modal (admins only): digest channel, weekday, hour, time zone and
    default language, each showing the current value."""
    check_lang(lang)
    channel: dict[str, Any] = {
        "type": "conversations_select",
        "action_id": SETTINGS_CHANNEL_ACTION,
        "placeholder": placeholder(t(lang, "settings.channel_placeholder")),
        "filter": {"include": ["public", "private"], "exclude_bot_users": True},
    }
    if settings.digest_channel_id:
        channel["initial_conversation"] = settings.digest_channel_id
    weekdays = options([(t(lang, key), str(day)) for day, key in enumerate(_WEEKDAY_KEYS)])
    hours = options([(_hour(h), str(h)) for h in range(24)])
    zones = options([(zone.replace("_", " "), zone) for zone in _zones(settings.timezone)])
    languages = options([(t(lang, _LANGUAGE_KEYS[code]), code) for code in LANGS])

    def select(action_id: str, items: list[dict[str, Any]], initial: str | None) -> dict[str, Any]:
        el: dict[str, Any] = {"type": "static_select", "action_id": action_id, "options": items}
        chosen = next((o for o in items if o["value"] == initial), None)
        if chosen is not None:
            el["initial_option"] = chosen
        return el

    def field(block_id: str, key: str, element: dict[str, Any], *, optional: bool) -> Block:
        block: Block = {
            "type": "input",
            "block_id": block_id,
            "label": label(t(lang, key)),
            "element": element,
            "optional": optional,
        }
        return block

    blocks: list[Block] = [
        section(t(lang, "settings.intro"), block_id="iamdeny_settings_intro"),
        field(SETTINGS_CHANNEL_BLOCK, "settings.channel", channel, optional=True),
        field(
            SETTINGS_WEEKDAY_BLOCK,
            "settings.weekday",
            select(SETTINGS_WEEKDAY_ACTION, weekdays, str(settings.digest_weekday)),
            optional=False,
        ),
        field(
            SETTINGS_HOUR_BLOCK,
            "settings.hour",
            select(SETTINGS_HOUR_ACTION, hours, str(settings.digest_hour)),
            optional=False,
        ),
        field(
            SETTINGS_TIMEZONE_BLOCK,
            "settings.timezone",
            select(SETTINGS_TIMEZONE_ACTION, zones, settings.timezone),
            optional=False,
        ),
        field(
            SETTINGS_LANGUAGE_BLOCK,
            "settings.language",
            select(SETTINGS_LANGUAGE_ACTION, languages, settings.language),
            optional=True,
        ),
    ]
    blocks[1]["hint"] = label(t(lang, "settings.channel_hint"))
    blocks[5]["hint"] = label(t(lang, "settings.language_hint"))
    return {
        "type": "modal",
        "callback_id": SETTINGS_CALLBACK_ID,
        "private_metadata": _metadata(private_metadata),
        "title": title(t(lang, "settings.title")),
        "submit": title(t(lang, "settings.submit")),
        "close": title(t(lang, "common.cancel")),
        "blocks": blocks,
    }


def settings_summary(settings: WorkspaceSettings, lang: str) -> str:
    """One mrkdwn line: where and when the digest goes, and the workspace language."""
    language = (
        t(lang, _LANGUAGE_KEYS[settings.language])
        if settings.language in _LANGUAGE_KEYS
        else t(lang, "settings.language_default")
    )
    if not settings.digest_channel_id:
        return t(lang, "settings.summary_off", language=language)
    return t(
        lang,
        "settings.summary",
        channel=fmt.channel(settings.digest_channel_id),
        weekday=t(lang, _WEEKDAY_KEYS[settings.digest_weekday % 7]),
        hour=_hour(settings.digest_hour),
        zone=escape_mrkdwn(settings.timezone),
        language=language,
    )


def app_home(
    open_incidents: Sequence[Incident],
    top_recurring: Digest | Sequence[RecurringDenial],
    is_admin: bool,
    settings: WorkspaceSettings,
    lang: str,
) -> dict[str, Any]:
    """The App Home tab: the viewer's open incidents (with "Resolve" buttons), the workspace's top
    recurring denials this week, and the settings (a button for admins)."""
    check_lang(lang)
    recurring: Sequence[RecurringDenial] = (
        top_recurring if isinstance(top_recurring, Sequence) else top_recurring.top_recurring
    )
    blocks: list[Block] = [
        header(t(lang, "home.title"), block_id="iamdeny_home_head"),
        context([t(lang, "home.intro")], block_id="iamdeny_home_intro"),
    ]
    summary = settings_summary(settings, lang)
    if is_admin:
        blocks.append(
            section(
                summary,
                accessory=button(t(lang, "home.settings"), ACTION_OPEN_SETTINGS, "settings"),
                block_id="iamdeny_home_settings",
            )
        )
    else:
        blocks.append(context([summary], block_id="iamdeny_home_settings"))
    blocks += [
        divider(),
        header(t(lang, "home.open", count=len(open_incidents)), "iamdeny_home_open"),
    ]
    if not open_incidents:
        blocks.append(section(t(lang, "home.open_none"), block_id="iamdeny_home_open_none"))
    for incident in open_incidents[:_HOME_INCIDENTS_MAX]:
        blocks.append(
            section(
                incident_line(incident, lang),
                accessory=button(
                    t(lang, "buttons.resolve_list"),
                    ACTION_LIST_RESOLVE,
                    str(incident.id),
                    style="primary",
                ),
                block_id=f"iamdeny_home_incident_{incident.id}",
            )
        )
    if len(open_incidents) > _HOME_INCIDENTS_MAX:
        rest = len(open_incidents) - _HOME_INCIDENTS_MAX
        blocks.append(context([t(lang, "incidents.more", count=rest)], "iamdeny_home_open_more"))
    blocks += [divider(), header(t(lang, "home.recurring"), "iamdeny_home_recurring")]
    if not recurring:
        blocks.append(section(t(lang, "home.recurring_none"), block_id="iamdeny_home_rec_none"))
    for rank, item in enumerate(recurring[:_HOME_RECURRING_MAX], 1):
        blocks.append(
            section(recurring_line(item, lang, rank), block_id=f"iamdeny_home_rec_{rank}")
        )
    return {"type": "home", "blocks": blocks[:VIEW_BLOCKS_MAX]}
