"""Keep a thread reply in step with its incidents: after a resolution, the reply shows who
resolved it and the note (`chat.update`), wherever the resolution came from (the reply's button,
`/iamdeny resolve`, App Home, the list).

The reply is found through the store's reply claim for the incident's message (in the incident's
own workspace) and re-rendered in the reporter's language, the one the pipeline answered in.
"""

from __future__ import annotations

import logging
from typing import Any

from bot.commands.answers import stored_answer
from bot.deps import Deps
from bot.pipeline.language import resolve_language
from core.store import Incident, get_reply

__all__ = ["refresh_thread_reply", "reply_ts_of"]

_log = logging.getLogger(__name__)


def reply_ts_of(deps: Deps, incident: Incident) -> str | None:
    """The ts of the thread reply posted for the incident's message, if one was posted."""
    claim = get_reply(
        deps.store,
        team_id=incident.team_id,
        channel_id=incident.channel_id,
        message_ts=incident.message_ts,
    )
    if claim is None or claim.status != "posted" or not claim.reply_ts:
        return None
    return claim.reply_ts


def refresh_thread_reply(
    deps: Deps, client: Any, incident: Incident, *, skip_ts: str | None = None
) -> bool:
    """Update the thread reply of the incident's message (not `skip_ts`, already updated);
    True when a reply was updated."""
    reply_ts = reply_ts_of(deps, incident)
    if reply_ts is None or reply_ts == skip_ts:
        return False
    lang = resolve_language(
        store=deps.store,
        cache=deps.locales,
        client=client,
        team_id=incident.team_id,
        user_id=incident.reporter_id,
        default=deps.settings.lang,
    )
    message = stored_answer(
        deps, incident.team_id, [incident.id], lang, private=False, whole_message=True
    )
    if message is None:
        return False
    client.chat_update(
        channel=incident.channel_id, ts=reply_ts, text=message.text, blocks=message.blocks
    )
    return True
