"""Slack rendering: pure functions from iamdeny's data to Block Kit messages and views.

No Slack API calls and no slack_bolt/slack_sdk imports: Block Kit is plain dicts. Every renderer
takes `lang` (`en` or `ko`) and writes every word in it, from `texts.<lang>.toml`. Anything echoed
from a paste (or typed by a user, such as a resolution note) is redacted (`core.redact`) and
escaped for mrkdwn; every Slack limit is kept (`limits.violations` checks a whole surface).

- messages (`SlackMessage`): `render_reply`, `render_help`, `render_incident_list`,
  `render_digest`, `render_secret_warning`, `render_credential_problem`, and the short notices
  (`render_lang_set`, `render_resolve_done`, `render_resolve_usage`, `render_incident_not_found`,
  `render_admin_only`, `render_settings_saved`, `render_feedback_thanks`, `render_no_denial`,
  `render_unavailable`);
- blocks: `render_resolved_note`, `mark_resolved` (a posted reply's blocks, one incident resolved);
- views (dicts for `views.open` / `views.publish`): `resolve_modal`, `settings_modal`, `app_home`,
  with `read_resolve_note` to read the note back (the settings modal's submission is read and
  checked by `bot.commands.settings.settings_errors`).
"""

from __future__ import annotations

from bot.render.digest import render_digest
from bot.render.ephemeral import render_credential_problem, render_secret_warning
from bot.render.escape import code_safe, escape_mrkdwn
from bot.render.help import render_help
from bot.render.incidents import (
    ResolutionLike,
    SimpleResolution,
    render_incident_list,
    render_resolved_note,
    resolution_of,
)
from bot.render.limits import violations
from bot.render.message import SlackMessage
from bot.render.notices import (
    render_admin_only,
    render_feedback_thanks,
    render_incident_not_found,
    render_lang_set,
    render_no_denial,
    render_resolve_done,
    render_resolve_usage,
    render_settings_saved,
    render_unavailable,
)
from bot.render.reply import (
    ACTION_LANG,
    ACTION_RESOLVE,
    ACTION_SHARE,
    ACTION_WRONG,
    actions_block_id,
    denial_index,
    mark_resolved,
    render_reply,
)
from bot.render.texts import LANGS, other_lang
from bot.render.views import (
    ACTION_OPEN_SETTINGS,
    RESOLVE_CALLBACK_ID,
    RESOLVE_NOTE_ACTION,
    RESOLVE_NOTE_BLOCK,
    SETTINGS_CALLBACK_ID,
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
    app_home,
    read_resolve_note,
    resolve_modal,
    settings_modal,
)

__all__ = [
    "ACTION_LANG",
    "ACTION_OPEN_SETTINGS",
    "ACTION_RESOLVE",
    "ACTION_SHARE",
    "ACTION_WRONG",
    "LANGS",
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
    "ResolutionLike",
    "SimpleResolution",
    "SlackMessage",
    "actions_block_id",
    "app_home",
    "code_safe",
    "denial_index",
    "escape_mrkdwn",
    "mark_resolved",
    "other_lang",
    "read_resolve_note",
    "render_admin_only",
    "render_credential_problem",
    "render_digest",
    "render_feedback_thanks",
    "render_help",
    "render_incident_list",
    "render_incident_not_found",
    "render_lang_set",
    "render_no_denial",
    "render_reply",
    "render_resolve_done",
    "render_resolve_usage",
    "render_resolved_note",
    "render_secret_warning",
    "render_settings_saved",
    "render_unavailable",
    "resolution_of",
    "resolve_modal",
    "settings_modal",
    "violations",
]
