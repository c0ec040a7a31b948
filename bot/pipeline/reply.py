"""Post the one reply to a paste, after Slack has been answered (runs on the job pool).

Exactly once, across Slack's retries and several processes, through the store's reply claim:

1. `claim_reply(team, channel, message ts)` — only one caller wins (a UNIQUE row); a claim whose
   holder crashed is taken over after its lease (30 s) by the next delivery.
2. The winner composes the reply (language, recurrence), posts it in the thread
   (`chat.postMessage`; 429s wait for `Retry-After` inside the Web API client, on this thread),
   and records the reply's ts (`mark_reply_posted`). If the post fails, the claim is released so a
   redelivery (or the recovery sweep) can try again — unless Slack's error says it never can
   (`PERMANENT_ERRORS`: not in the channel, archived, token revoked...): then the claim is closed
   without a reply.
3. An edited message (`message_changed`) whose reply was posted gets that reply updated
   (`chat.update`), never a second one; if the reply is still being posted, we wait for it.
4. If the paste held a secret, the poster gets an ephemeral note (delete, rotate) after the reply.
"""

from __future__ import annotations

import logging
import time
from datetime import timedelta
from typing import Any

from slack_sdk.errors import SlackApiError

from bot.deps import Deps
from bot.pipeline.compose import (
    SlackMessage,
    compose_credential_note,
    compose_reply,
    compose_secret_warning,
)
from bot.pipeline.intake import Intake
from bot.pipeline.language import resolve_language
from core.store import (
    REPLY_LEASE,
    ReplyClaim,
    StoreError,
    claim_reply,
    get_reply,
    mark_reply_posted,
    release_reply_claim,
)

__all__ = ["EDIT_WAIT_SECONDS", "PERMANENT_ERRORS", "deliver"]

_log = logging.getLogger(__name__)

# How long an edit waits for the original reply (claimed by another thread or process) to be posted.
EDIT_WAIT_SECONDS = 20.0
_MARK_BACKOFF = (0.0, 0.2, 1.0, 3.0)

# Slack errors after which posting the reply again can never work.
PERMANENT_ERRORS = frozenset(
    {
        "channel_not_found",
        "not_in_channel",
        "is_archived",
        "account_inactive",
        "invalid_auth",
        "token_revoked",
        "not_authed",
        "no_permission",
        "restricted_action",
        "restricted_action_read_only_channel",
        "restricted_action_thread_only_channel",
        "restricted_action_non_threadable_channel",
        "missing_scope",
        "team_access_not_granted",
        "ekm_access_denied",
        "invalid_blocks",
        "msg_too_long",
        "message_not_found",
        "thread_not_found",
    }
)


def deliver(deps: Deps, client: Any, intake: Intake, *, lease: timedelta = REPLY_LEASE) -> None:
    """Post (or, for an edit, update) the reply to `intake.message`, at most once.

    `lease`: how old another holder's claim must be before this call takes it over.
    """
    message = intake.message
    store = deps.store
    claim = claim_reply(
        store,
        team_id=message.team_id,
        channel_id=message.channel_id,
        message_ts=message.ts,
        lease=lease,
    )
    if claim is None:
        if message.edited:
            _update_posted_reply(deps, client, intake)
        return
    try:
        lang = _language(deps, client, intake)
        reply = _compose(deps, intake, lang)
        response = client.chat_postMessage(
            channel=message.channel_id, thread_ts=message.thread_ts, **_post_kwargs(reply)
        )
    except SlackApiError as exc:
        error = str(exc.response.get("error") or "")
        if error in PERMANENT_ERRORS:
            # Retrying cannot help (the bot left the channel, the app was removed...): close the
            # claim without a reply so no redelivery or sweep tries again.
            _log.warning("reply not posted, giving up: %s", error)
            _mark(deps, claim, None)
            return
        _release(deps, claim)
        raise
    except BaseException:
        _release(deps, claim)
        raise
    _mark(deps, claim, str(response.get("ts")) if response.get("ts") else None)
    _warn_about_secrets(client, intake, lang)


def _language(deps: Deps, client: Any, intake: Intake) -> str:
    return resolve_language(
        store=deps.store,
        cache=deps.locales,
        client=client,
        team_id=intake.message.team_id,
        user_id=intake.message.user_id,
        default=deps.settings.lang,
    )


def _compose(deps: Deps, intake: Intake, lang: str) -> SlackMessage:
    if not intake.denials:
        return compose_credential_note(intake, lang)
    return compose_reply(deps.store, intake, lang)


def _post_kwargs(reply: SlackMessage) -> dict[str, Any]:
    return {
        "text": reply.text,
        "blocks": reply.blocks,
        "unfurl_links": False,
        "unfurl_media": False,
    }


def _update_posted_reply(deps: Deps, client: Any, intake: Intake) -> None:
    message = intake.message
    deadline = time.monotonic() + EDIT_WAIT_SECONDS
    while True:
        existing = get_reply(
            deps.store,
            team_id=message.team_id,
            channel_id=message.channel_id,
            message_ts=message.ts,
        )
        if existing is not None and existing.status == "posted":
            if not existing.reply_ts:
                return  # we gave up on that message (see PERMANENT_ERRORS)
            break
        if existing is None:
            # The first reply failed and was released meanwhile: this edit may answer instead.
            deliver(deps, client, intake)
            return
        if time.monotonic() >= deadline:
            _log.warning("edit of a message whose reply is still being posted; not updated")
            return
        time.sleep(0.25)
    lang = _language(deps, client, intake)
    reply = _compose(deps, intake, lang)
    client.chat_update(channel=message.channel_id, ts=existing.reply_ts, **reply.to_kwargs())
    _warn_about_secrets(client, intake, lang)


def _warn_about_secrets(client: Any, intake: Intake, lang: str) -> None:
    message = intake.message
    if not intake.secret_kinds or not message.user_id:
        return
    note = compose_secret_warning(intake, lang)
    try:
        client.chat_postEphemeral(
            channel=message.channel_id,
            user=message.user_id,
            thread_ts=message.thread_ts if message.thread_ts != message.ts else None,
            text=note.text,
            blocks=note.blocks,
        )
    except Exception as exc:  # the reply is out; a lost note is logged, not retried
        _log.warning("ephemeral secret warning failed: %s", type(exc).__name__)


def _release(deps: Deps, claim: ReplyClaim) -> None:
    try:
        release_reply_claim(deps.store, claim)
    except StoreError as exc:  # the lease will expire and a redelivery will take it over
        _log.warning("could not release a reply claim (%s)", type(exc).__name__)


def _mark(deps: Deps, claim: ReplyClaim, reply_ts: str | None) -> None:
    for pause in _MARK_BACKOFF:
        time.sleep(pause)
        try:
            mark_reply_posted(deps.store, claim, reply_ts=reply_ts)
            return
        except StoreError as exc:
            _log.warning("could not record a posted reply (%s); retrying", type(exc).__name__)
    _log.error("reply posted but not recorded: a redelivery after the lease may post it again")
