"""Answers to pastes: `/iamdeny <paste>`, and stored incidents rendered again.

- `answer_paste` records a slash-command paste exactly like a channel message (redact, classify,
  one incident per denial under the store's unique key) with a synthetic message ts built from the
  command's `trigger_id` (unique per invocation, the same on a retry), and renders the reply with a
  "Share in channel" button. While the database is unavailable it answers without buttons and
  spools the paste, to be recorded when the database is back.
- `stored_answer` renders the reply of stored incidents again (share, the other language, the
  reply after a resolution): the incidents are fetched in the verified workspace only, all from
  one message, and the stored (already redacted) paste is classified again for the details.

Button values: the reply's own buttons follow `bot.render` (resolve/wrong = the incident id, other
language = the target language). On answers only their caller sees (ephemeral: Slack sends no copy
of the message with a click), the other-language and share buttons carry `lang:id,id,...`
(`ref_value`/`parse_ref`), since the click is all we get back.
"""

from __future__ import annotations

import hashlib
import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Final

from bot.commands.scope import Caller
from bot.commands.texts import note
from bot.deps import Deps
from bot.pipeline.backlog import spool_reading
from bot.pipeline.compose import RECURRENCE_DAYS, compose_for_incidents
from bot.pipeline.extract import Message
from bot.pipeline.intake import read_paste, record
from bot.render import (
    ACTION_LANG,
    ACTION_RESOLVE,
    ACTION_SHARE,
    ACTION_WRONG,
    LANGS,
    SlackMessage,
    other_lang,
    render_credential_problem,
    render_reply,
)
from bot.render.blocks import actions, button, context
from bot.render.limits import MESSAGE_BLOCKS_MAX
from bot.render.reply import SHARE_BLOCK_ID
from bot.render.texts import t
from core.classifier import find_denials
from core.record import DenialRecord
from core.remediation import remediate
from core.store import (
    Incident,
    Store,
    StoreError,
    database_unavailable,
    get_incident,
)
from core.store.recovery import message_incidents as stored_message_incidents

__all__ = [
    "ACTION_SHARE",
    "MAX_REF_IDS",
    "RECURRENCE_DAYS",
    "Ref",
    "answer_paste",
    "command_ts",
    "message_incidents",
    "parse_ref",
    "private_buttons",
    "ref_value",
    "render_incidents",
    "stored_answer",
]

"""The "Share in channel" button on a `/iamdeny` answer; value `lang:id,id,...`."""

MAX_REF_IDS: Final = 50  # one reply covers at most this many denials' buttons
_REF = re.compile(r"^(?:(en|ko)(?::|$))?([0-9,]*)$")

_log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Ref:
    """What a button value names: a language (or None) and incident ids (maybe none)."""

    lang: str | None
    ids: tuple[int, ...]


def ref_value(lang: str | None, ids: Sequence[int]) -> str:
    """`ko:12,13` (or `12,13` without a language, `ko` without ids)."""
    joined = ",".join(str(i) for i in list(dict.fromkeys(ids))[:MAX_REF_IDS])
    if lang is None:
        return joined
    return f"{lang}:{joined}" if joined else lang


def parse_ref(value: object) -> Ref:
    """The language and ids in a button value; an unreadable value names nothing."""
    if not isinstance(value, str) or len(value) > 2000:
        return Ref(None, ())
    match = _REF.match(value.strip())
    if match is None:
        return Ref(None, ())
    ids = [int(part) for part in match.group(2).split(",") if part.isdigit() and len(part) < 19]
    return Ref(match.group(1), tuple(dict.fromkeys(ids))[:MAX_REF_IDS])


def command_ts(trigger_id: str | None, fallback: str) -> str:
    """The synthetic message ts of a slash-command paste: `cmd-<trigger_id>` (≤ 64 chars)."""
    key = trigger_id or fallback
    return ("cmd-" + re.sub(r"[^0-9A-Za-z._-]", "", key))[:64]


# --- rendering ------------------------------------------------------------------------------------


def render_incidents(
    store: Store,
    team_id: str,
    denials: Sequence[DenialRecord],
    incidents: Sequence[Incident | None],
    lang: str,
) -> SlackMessage:
    """The reply for `denials` (their incidents in parallel, None where unrecorded), with the
    workspace's recurrence and each incident's resolution: the thread reply's own composer."""
    return compose_for_incidents(store, team_id, denials, incidents, lang)


def private_buttons(
    message: SlackMessage, lang: str, ids: Sequence[int], *, share: bool
) -> SlackMessage:
    """Put the ids in the other-language button and add "Share in channel" (ephemeral answers)."""
    blocks = [dict(block) for block in message.blocks]
    first_actions: dict[str, Any] | None = None
    for block in blocks:
        if block.get("type") != "actions":
            continue
        elements = []
        for element in block.get("elements", []):
            if element.get("action_id") == ACTION_LANG:
                elements.append({**element, "value": ref_value(other_lang(lang), ids)})
            else:
                elements.append(element)
        block["elements"] = elements
        first_actions = first_actions or block
    if share and ids:
        share_button = button(t(lang, "buttons.share"), ACTION_SHARE, ref_value(lang, ids))
        if first_actions is not None and len(first_actions["elements"]) < 25:
            first_actions["elements"] = [*first_actions["elements"], share_button]
        else:
            block = actions([share_button], block_id=SHARE_BLOCK_ID)
            blocks = [*blocks[: MESSAGE_BLOCKS_MAX - 1], block]
    return SlackMessage(text=message.text, blocks=blocks)


def private_answer(
    store: Store,
    team_id: str,
    denials: Sequence[DenialRecord],
    incidents: Sequence[Incident | None],
    lang: str,
    *,
    share: bool = True,
) -> SlackMessage:
    """The reply as an ephemeral answer: buttons that carry what a click on it needs."""
    message = render_incidents(store, team_id, denials, incidents, lang)
    ids = [i.id for i in incidents if i is not None]
    return private_buttons(message, lang, ids, share=share)


def answer_paste(
    deps: Deps,
    caller: Caller,
    *,
    text: str,
    channel_id: str,
    trigger_id: str | None,
    lang: str,
) -> SlackMessage | None:
    """Record a `/iamdeny` paste (exactly once per invocation) and answer it privately; None
    when it holds neither a denial nor a credential error."""
    digest = hashlib.sha256(f"{caller.user_id}\n{text}".encode()).hexdigest()[:32]
    ts = command_ts(trigger_id, fallback=digest)
    message = Message(
        team_id=caller.team_id,
        channel_id=channel_id,
        channel_type="im",  # the answer is private, like a DM: credential errors get a note
        ts=ts,
        thread_ts=ts,
        user_id=caller.user_id,
        bot_id=None,
        text=text,
        edited=False,
        event_id=None,
    )
    reading = read_paste(message)
    if reading is None:
        return None
    try:
        intake = record(deps.store, reading)
    except StoreError as exc:
        # Answer anyway (nothing to resolve or share yet). While the database is unavailable the
        # paste is spooled, to be recorded (without a channel reply) once it is back.
        spooled = database_unavailable(exc) and spool_reading(deps, reading, reply=False)
        _log.warning(
            "could not record a /iamdeny paste (%s); answering without%s",
            type(exc).__name__,
            ", spooled" if spooled else "",
        )
        denials = list(reading.denials)
        if not denials:
            return None
        return render_reply(denials, [remediate(d, lang) for d in denials], lang=lang)
    if not intake.denials:
        kind = intake.credential.kind if intake.credential else "generic"
        return render_credential_problem(kind, lang)
    return private_answer(deps.store, caller.team_id, intake.denials, intake.incidents, lang)


# --- stored incidents -----------------------------------------------------------------------------


def message_incidents(store: Store, incident: Incident) -> list[Incident]:
    """Every incident recorded from the same message as `incident` (its own workspace), in
    denial order."""
    same = list(
        stored_message_incidents(
            store,
            team_id=incident.team_id,
            channel_id=incident.channel_id,
            message_ts=incident.message_ts,
        )
    )
    return same if any(i.id == incident.id for i in same) else [incident]


def _stored(store: Store, team_id: str, ids: Sequence[int]) -> list[Incident]:
    """The incidents among `ids` that are in `team_id`, from the first one's message only."""
    found = [get_incident(store, i, team_id=team_id) for i in ids[:MAX_REF_IDS]]
    incidents = [i for i in found if i is not None]
    if not incidents:
        return []
    first = incidents[0]
    key = (first.channel_id, first.message_ts)
    same = [i for i in incidents if (i.channel_id, i.message_ts) == key]
    return sorted({i.id: i for i in same}.values(), key=lambda i: i.denial_index)


def _denials_of(incidents: Sequence[Incident]) -> tuple[list[DenialRecord], list[Incident]]:
    denials = find_denials(incidents[0].paste or "")
    pairs = [(denials[i.denial_index], i) for i in incidents if i.denial_index < len(denials)]
    return [d for d, _ in pairs], [i for _, i in pairs]


def stored_answer(
    deps: Deps,
    team_id: str,
    ids: Sequence[int],
    lang: str,
    *,
    private: bool,
    share: bool = False,
    whole_message: bool = False,
) -> SlackMessage | None:
    """The reply of the stored incidents `ids` (only those in `team_id`, from one message) in
    `lang`; None when none is left. `whole_message` adds the message's other incidents;
    `private` gives the buttons of an ephemeral answer (with `share`, the share button)."""
    if lang not in LANGS:
        lang = deps.settings.lang
    incidents = _stored(deps.store, team_id, ids)
    if not incidents:
        return None
    if whole_message:
        incidents = message_incidents(deps.store, incidents[0])
    denials, incidents = _denials_of(incidents)
    if not denials:
        return None
    if private:
        return private_answer(deps.store, team_id, denials, incidents, lang, share=share)
    return render_incidents(deps.store, team_id, denials, incidents, lang)


def shared_note(message: SlackMessage, user_id: str, lang: str) -> SlackMessage:
    """`message` with a first context line saying who shared it."""
    who = f"<@{user_id}>" if re.fullmatch(r"[UW][A-Z0-9]{2,30}", user_id) else "someone"
    head = context([note(lang, "shared_by", who=who)], block_id="iamdeny_shared_by")
    blocks = [head, *message.blocks][:MESSAGE_BLOCKS_MAX]
    return SlackMessage(text=message.text, blocks=blocks)


def reply_refs(message: Any) -> Ref:
    """The incident ids (resolve/wrong buttons) and the language of a reply in a block_actions
    payload's `message` (a channel message: Slack sends its blocks with the click)."""
    if not isinstance(message, dict):
        return Ref(None, ())
    ids: list[int] = []
    lang: str | None = None
    for block in message.get("blocks") or []:
        if not isinstance(block, dict) or block.get("type") != "actions":
            continue
        for element in block.get("elements") or []:
            if not isinstance(element, dict):
                continue
            action = element.get("action_id")
            if action in (ACTION_RESOLVE, ACTION_WRONG):
                ids.extend(parse_ref(element.get("value")).ids)
            elif action == ACTION_LANG:
                target = parse_ref(element.get("value")).lang
                if target is not None:
                    lang = other_lang(target)
    return Ref(lang, tuple(dict.fromkeys(ids))[:MAX_REF_IDS])
