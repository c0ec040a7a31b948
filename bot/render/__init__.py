"""Slack rendering: pure functions from iamdeny's data to Block Kit messages and views.

No Slack API calls and no slack_bolt/slack_sdk imports: Block Kit is plain dicts. Every renderer
takes `lang` (`en` or `ko`) and writes every word in it, from `texts.<lang>.toml`. Anything echoed
from a paste is redacted (`core.redact`) and escaped for mrkdwn; every Slack limit is kept (see
`limits`).
"""

from __future__ import annotations

from bot.render.escape import code_safe, escape_mrkdwn
from bot.render.incidents import (
    ResolutionLike,
    SimpleResolution,
    render_incident_list,
    render_resolved_note,
    resolution_of,
)
from bot.render.limits import violations
from bot.render.message import SlackMessage
from bot.render.reply import (
    ACTION_LANG,
    ACTION_RESOLVE,
    ACTION_WRONG,
    actions_block_id,
    denial_index,
    render_reply,
)

__all__ = [
    "ACTION_LANG",
    "ACTION_RESOLVE",
    "ACTION_WRONG",
    "ResolutionLike",
    "SimpleResolution",
    "SlackMessage",
    "actions_block_id",
    "code_safe",
    "denial_index",
    "escape_mrkdwn",
    "render_incident_list",
    "render_reply",
    "render_resolved_note",
    "resolution_of",
    "violations",
]
