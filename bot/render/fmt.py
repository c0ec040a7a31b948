"""Small mrkdwn formatters shared by the renderers: dates, mentions of our own ids, counts.

Only ids we hold ourselves (who resolved an incident, the channel it was reported in) become live
`<@U…>`/`<#C…>` mentions, and only when they look like Slack ids; anything else is escaped text.
"""

from __future__ import annotations

from datetime import UTC, datetime

from bot.render.escape import escape_mrkdwn, is_channel_id, is_user_id
from bot.render.texts import t

__all__ = ["channel", "date", "date_plain", "user"]


def _utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def date_plain(moment: datetime) -> str:
    """`2026-11-30 09:00 UTC`: for fallback text and plain-text objects."""
    return _utc(moment).strftime("%Y-%m-%d %H:%M UTC")


def date(moment: datetime) -> str:
    """A Slack date token: shown in the reader's own time zone, with a UTC fallback."""
    epoch = int(_utc(moment).timestamp())
    return f"<!date^{epoch}^{{date_short_pretty}} {{time}}|{date_plain(moment)}>"


def user(user_id: str | None, lang: str) -> str:
    """`<@U…>` for a Slack user id; escaped text for anything else; "someone" when unknown."""
    if user_id is None or not user_id:
        return t(lang, "common.someone")
    return f"<@{user_id}>" if is_user_id(user_id) else escape_mrkdwn(user_id)


def channel(channel_id: str | None) -> str:
    """`<#C…>` for a Slack channel id; `#` and escaped text otherwise; empty when unknown."""
    if not channel_id:
        return ""
    return f"<#{channel_id}>" if is_channel_id(channel_id) else "#" + escape_mrkdwn(channel_id)
