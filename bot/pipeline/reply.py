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

A post whose outcome is unknown (the connection dropped or timed out after the request was sent:
Slack may have posted it) is never simply sent again. Each reply carries message metadata naming
the message it answers (`iamdeny_reply`); after such an error, and before posting under a claim
taken over from another holder, the thread is read (`conversations.replies`) for a reply of ours
with that key: found, it is recorded as the reply; absent, the post is retried (the posting client
does not retry dropped connections itself); unreadable for a transient reason, the claim is kept so
that the recovery sweep looks again after its lease. A 429 that outlasts the client's retries holds
the claim for its `Retry-After` before releasing it, so no other attempt comes early.
"""

from __future__ import annotations

import http.client
import logging
import time
import urllib.error
from datetime import timedelta
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_handlers import ConnectionErrorRetryHandler

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

__all__ = ["EDIT_WAIT_SECONDS", "PERMANENT_ERRORS", "REPLY_METADATA_TYPE", "deliver"]

_log = logging.getLogger(__name__)

# How long an edit waits for the original reply (claimed by another thread or process) to be posted.
EDIT_WAIT_SECONDS = 20.0
_MARK_BACKOFF = (0.0, 0.2, 1.0, 3.0)

# Message metadata on every reply: which message it answers (found again after a lost answer).
REPLY_METADATA_TYPE = "iamdeny_reply"
POST_ATTEMPTS = 3  # posts with an unknown outcome (each followed by a thread lookup)
RATE_LIMIT_HOLD_MAX = 120.0  # seconds a claim is held for a final 429's Retry-After
_THREAD_PAGES = 5
# Transport errors after which a post may or may not have happened.
_UNCERTAIN_ERRORS = (urllib.error.URLError, OSError, http.client.HTTPException)
# Slack errors (with HTTP 200) after which reading the thread again may work.
_TRANSIENT_ERRORS = frozenset(
    {"ratelimited", "internal_error", "fatal_error", "service_unavailable", "request_timeout"}
)

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
        reply_ts = _post_once(client, message, reply, taken_over=claim.attempts > 1)
    except _OutcomeUnknownError:
        # Slack may have posted it and we cannot tell now: keep the claim; after its lease the
        # recovery sweep takes it over and looks in the thread before posting.
        _log.warning("reply outcome unknown (thread unreadable); claim kept for the sweep")
        return
    except SlackApiError as exc:
        error = str(exc.response.get("error") or "")
        if error in PERMANENT_ERRORS:
            # Retrying cannot help (the bot left the channel, the app was removed...): close the
            # claim without a reply so no redelivery or sweep tries again.
            _log.warning("reply not posted, giving up: %s", error)
            _mark(deps, claim, None)
            return
        _hold_for_retry_after(exc)
        _release(deps, claim)
        raise
    except BaseException:
        _release(deps, claim)
        raise
    _mark(deps, claim, reply_ts)
    _warn_about_secrets(client, intake, lang)


class _OutcomeUnknownError(Exception):
    """A post may have happened and the thread could not be read to find out."""


_NOT_FOUND = ""


def _post_once(client: Any, message: Any, reply: SlackMessage, *, taken_over: bool) -> str | None:
    """Post the reply unless a reply of ours for this message is already in the thread; its ts.

    Raises `_OutcomeUnknownError` when a post may have happened and the thread cannot be read, and
    re-raises the last transport error when every attempt surely failed."""
    if taken_over:  # the previous holder may have posted before it died or lost its answer
        found = _find_posted_reply(client, message)
        if found:
            return found
    poster = _without_reconnect(client)
    metadata = {
        "event_type": REPLY_METADATA_TYPE,
        "event_payload": {"channel": message.channel_id, "message_ts": message.ts},
    }
    for attempt in range(POST_ATTEMPTS):
        try:
            response = poster.chat_postMessage(
                channel=message.channel_id,
                thread_ts=message.thread_ts,
                metadata=metadata,
                **_post_kwargs(reply),
            )
        except _UNCERTAIN_ERRORS as exc:
            _log.warning("reply post: %s; looking for it in the thread", type(exc).__name__)
            found = _find_posted_reply(client, message)
            if found:
                return found
            if attempt == POST_ATTEMPTS - 1:
                raise
            time.sleep(0.2 * (attempt + 1))
            continue
        return str(response.get("ts")) if response.get("ts") else None
    raise AssertionError("unreachable")  # pragma: no cover


def _find_posted_reply(client: Any, message: Any) -> str | None:
    """The ts of our reply to `message` in its thread, `_NOT_FOUND` when there is none.

    Raises `_OutcomeUnknownError` when the thread cannot be read for a transient reason (rate limit,
    transport error); a permanent refusal (missing scope, no such thread) counts as not found."""
    cursor: str | None = None
    for _ in range(_THREAD_PAGES):
        try:
            response = client.conversations_replies(
                channel=message.channel_id,
                ts=message.thread_ts,
                include_all_metadata=True,
                limit=200,
                cursor=cursor,
            )
        except SlackApiError as exc:
            status = exc.response.status_code
            if status == 429 or status >= 500 or exc.response.get("error") in _TRANSIENT_ERRORS:
                raise _OutcomeUnknownError from exc
            return _NOT_FOUND
        except _UNCERTAIN_ERRORS as exc:
            raise _OutcomeUnknownError from exc
        for posted in response.get("messages") or []:
            metadata = posted.get("metadata") or {}
            payload = metadata.get("event_payload") or {}
            if (
                metadata.get("event_type") == REPLY_METADATA_TYPE
                and payload.get("message_ts") == message.ts
                and payload.get("channel") == message.channel_id
                and posted.get("ts")
            ):
                return str(posted["ts"])
        cursor = (response.get("response_metadata") or {}).get("next_cursor") or None
        if not cursor:
            break
    return _NOT_FOUND


def _without_reconnect(client: Any) -> Any:
    """The same client without the retry of dropped connections (a post may have happened)."""
    if not isinstance(client, WebClient):
        return client
    handlers = [h for h in client.retry_handlers if not isinstance(h, ConnectionErrorRetryHandler)]
    if len(handlers) == len(client.retry_handlers):
        return client
    return WebClient(
        token=client.token,
        base_url=client.base_url,
        timeout=client.timeout,
        headers=dict(client.headers),
        retry_handlers=handlers,
        user_agent_prefix="iamdeny",
    )


def _hold_for_retry_after(exc: SlackApiError) -> None:
    """After a 429 the client's retries did not outlast, wait its Retry-After before the claim is
    released, so that no redelivery or sweep calls Slack again too early."""
    if exc.response.status_code != 429:
        return
    headers = exc.response.headers or {}
    value = next((v for k, v in headers.items() if str(k).lower() == "retry-after"), None)
    if isinstance(value, list):
        value = value[0] if value else None
    try:
        wait = float(value) if value is not None else 1.0
    except (TypeError, ValueError):
        wait = 1.0
    time.sleep(max(0.0, min(wait, RATE_LIMIT_HOLD_MAX)))


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
