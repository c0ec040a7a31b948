"""The reply buttons and the resolve modal.

Buttons (run after the ack, on the job pool):

- "Resolved" (`iamdeny_resolve`, on replies, the list and App Home): opens the resolve modal for
  the incident, if it is in the clicker's workspace; where the click came from travels in the
  modal's private metadata.
- "Not a denial / wrong" (`iamdeny_wrong`): stores the clicker's feedback; thanks them privately.
- the other language (`iamdeny_lang`): the answer in the other language, to the clicker only.
- "Share in channel" (`iamdeny_share`, on `/iamdeny` answers): the same answer for everyone (and
  the private copy is deleted).

The resolve modal (`submit_resolve` runs before the ack: its answer may be a field error): the
note is required (and stored redacted); the incident is resolved in the submitter's workspace (an
id from another workspace gets a field error and changes nothing); then the message the click came
from shows the resolution (`chat.update` of a channel reply, `response_url` for an ephemeral
answer and the list), the thread reply too, and App Home when the click came from there.

The settings button and modal are in `bot.commands.settings`.

Ids from button values and private metadata are looked up only in the verified workspace.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, field
from typing import Any, Final

from bot.commands import respond
from bot.commands.answers import (
    parse_ref,
    reply_refs,
    shared_note,
    stored_answer,
)
from bot.commands.home import publish_home
from bot.commands.refresh import refresh_thread_reply
from bot.commands.scope import Caller, language_of
from bot.commands.slash import LIST_MAX
from bot.commands.texts import note, note_message
from bot.deps import Deps
from bot.render import (
    LANGS,
    RESOLVE_NOTE_BLOCK,
    SlackMessage,
    other_lang,
    read_resolve_note,
    render_feedback_thanks,
    render_incident_list,
    render_unavailable,
    resolve_modal,
)
from core.redaction import redact
from core.store import (
    Incident,
    StoreError,
    add_feedback,
    get_incident,
    list_incidents,
    resolve_incident,
)

__all__ = [
    "Click",
    "ResolveOrigin",
    "Resolved",
    "click_other_lang",
    "click_resolve",
    "click_share",
    "click_wrong",
    "run_click",
    "submit_resolve",
    "tell_clicker",
]

_log = logging.getLogger(__name__)
_CHANNEL_ID: Final = re.compile(r"^[CGD][A-Z0-9]{2,30}$")
_METADATA_MAX: Final = 3000
_ID_MAX: Final = 2**63


@dataclass(frozen=True, slots=True)
class Click:
    """A button click, as read from a verified `block_actions` payload."""

    caller: Caller
    action_id: str
    value: str | None
    block_id: str | None
    trigger_id: str | None
    response_url: str | None
    channel_id: str | None
    message_ts: str | None
    thread_ts: str | None
    is_ephemeral: bool
    in_view: bool
    message: dict[str, Any] | None

    @classmethod
    def from_body(cls, caller: Caller, body: Mapping[str, Any]) -> Click:
        actions = body.get("actions") or [{}]
        action = actions[0] if isinstance(actions[0], dict) else {}
        container = body.get("container") if isinstance(body.get("container"), dict) else {}
        assert isinstance(container, dict)
        channel = body.get("channel") if isinstance(body.get("channel"), dict) else {}
        assert isinstance(channel, dict)
        message = body.get("message") if isinstance(body.get("message"), dict) else None
        response_urls = body.get("response_url")
        thread_ts = container.get("thread_ts") or (message or {}).get("thread_ts")
        return cls(
            caller=caller,
            action_id=str(action.get("action_id") or ""),
            value=action.get("value") if isinstance(action.get("value"), str) else None,
            block_id=action.get("block_id") if isinstance(action.get("block_id"), str) else None,
            trigger_id=body.get("trigger_id") if isinstance(body.get("trigger_id"), str) else None,
            response_url=response_urls if isinstance(response_urls, str) else None,
            channel_id=container.get("channel_id") or channel.get("id"),
            message_ts=container.get("message_ts") or (message or {}).get("ts"),
            thread_ts=thread_ts if isinstance(thread_ts, str) else None,
            is_ephemeral=bool(container.get("is_ephemeral")),
            in_view=container.get("type") == "view",
            message=message,
        )

    @property
    def source(self) -> str:
        """`home`, `list` or `reply`: which surface the click came from."""
        if self.in_view or (self.block_id or "").startswith("iamdeny_home_"):
            return "home"
        if (self.block_id or "").startswith("iamdeny_list_"):
            return "list"
        return "reply"


def _tell(deps: Deps, client: Any, click: Click, lang: str, key: str, **values: Any) -> None:
    """A note to the clicker only (see `_tell_message`)."""
    tell_clicker(client, click, note_message(lang, key, **values))


def tell_clicker(client: Any, click: Click, message: SlackMessage) -> None:
    """A message to the clicker only, next to what they clicked.

    In a thread (a thread reply), `chat.postEphemeral` with the thread's ts puts it in the thread
    (the bot is a member there: it posted the reply); otherwise, or if that fails, the click's
    response URL (which needs no membership: answers shared from `/iamdeny`)."""
    if click.in_view:
        return
    if click.thread_ts and click.channel_id:
        try:
            client.chat_postEphemeral(
                channel=click.channel_id,
                user=click.caller.user_id,
                thread_ts=click.thread_ts,
                **message.to_kwargs(),
            )
            return
        except Exception as exc:
            _log.info("chat.postEphemeral failed (%s); using the response URL", type(exc).__name__)
    if click.response_url:
        respond.ephemeral(click.response_url, message)
    elif click.channel_id:
        client.chat_postEphemeral(
            channel=click.channel_id, user=click.caller.user_id, **message.to_kwargs()
        )


def run_click(
    handler: Callable[[Deps, Any, Click], None], deps: Deps, client: Any, click: Click
) -> None:
    """Run a click's handler (on the job pool); if it fails, the clicker is told so privately
    (and the failure is logged by the pool)."""
    try:
        handler(deps, client, click)
    except Exception:
        try:
            lang = language_of(deps, client, click.caller)
            tell_clicker(client, click, render_unavailable(lang))
        except Exception as exc:  # telling is best effort; the original error is what matters
            _log.warning("could not tell a clicker about a failure: %s", type(exc).__name__)
        raise


# --- "Resolved" -----------------------------------------------------------------------------------


@dataclass
class ResolveOrigin:
    """Where a resolve click came from (the modal's private metadata)."""

    incident_id: int
    source: str  # reply | list | home
    channel_id: str | None = None
    message_ts: str | None = None
    ephemeral: bool = False
    response_url: str | None = None
    ids: list[int] = field(default_factory=list)
    lang: str | None = None

    def dump(self) -> str:
        data = {k: v for k, v in asdict(self).items() if v not in (None, [], False)}
        text = json.dumps(data, separators=(",", ":"))
        if len(text) > _METADATA_MAX:  # never: ids are capped; drop the extras all the same
            data.pop("ids", None)
            text = json.dumps(data, separators=(",", ":"))
        return text

    @classmethod
    def load(cls, text: object) -> ResolveOrigin | None:
        try:
            data = json.loads(text) if isinstance(text, str) else None
            if not isinstance(data, dict):
                return None
            ids = [i for i in data.get("ids", []) if isinstance(i, int) and 0 < i < _ID_MAX]
            incident_id = int(data["incident_id"])
            if not 0 < incident_id < _ID_MAX:  # never a value the database cannot compare
                return None
            return cls(
                incident_id=incident_id,
                source=str(data.get("source", "reply")),
                channel_id=data.get("channel_id"),
                message_ts=data.get("message_ts"),
                ephemeral=bool(data.get("ephemeral")),
                response_url=data.get("response_url"),
                ids=ids[:50],
                lang=data.get("lang") if data.get("lang") in LANGS else None,
            )
        except (ValueError, KeyError, TypeError):
            return None


def click_resolve(deps: Deps, client: Any, click: Click) -> None:
    """Open the resolve modal for the clicked incident (in the clicker's workspace only)."""
    lang = language_of(deps, client, click.caller)
    ids = parse_ref(click.value).ids
    incident = get_incident(deps.store, ids[0], team_id=click.caller.team_id) if ids else None
    if incident is None:
        if click.source == "home":
            publish_home(deps, client, click.caller)  # drop what is gone from the viewer's Home
        else:
            _tell(deps, client, click, lang, "incident_gone")
        return
    refs = reply_refs(click.message)
    origin = ResolveOrigin(
        incident_id=incident.id,
        source=click.source,
        channel_id=click.channel_id,
        message_ts=click.message_ts,
        ephemeral=click.is_ephemeral,
        response_url=click.response_url,
        ids=list(refs.ids) or [incident.id],
        lang=refs.lang,
    )
    summary = incident.action or incident.kind
    view = resolve_modal(incident.id, lang, origin.dump(), summary=summary)
    client.views_open(trigger_id=click.trigger_id, view=view)


Resolved = tuple[Incident, ResolveOrigin]
"""A resolution saved from the modal: the incident as it is now, and where the click came from."""


def submit_resolve(
    deps: Deps, caller: Caller, view: Mapping[str, Any], lang: str
) -> tuple[dict[str, str] | None, Resolved | None]:
    """Resolve the incident of a submitted resolve modal. Returns (field errors, None) or
    (None, (incident, origin)) for `after_resolve`."""
    values = (view.get("state") or {}).get("values") or {}
    text = read_resolve_note(values)
    if not text:
        return {RESOLVE_NOTE_BLOCK: note(lang, "note_required")}, None
    origin = ResolveOrigin.load(view.get("private_metadata"))
    if origin is None:
        return {RESOLVE_NOTE_BLOCK: note(lang, "incident_gone")}, None
    try:
        incident = resolve_incident(
            deps.store,
            origin.incident_id,
            team_id=caller.team_id,
            by=caller.user_id,
            note=redact(text).text,  # stored and shown to others: never a secret in it
        )
    except StoreError as exc:  # the modal stays open with the note: the user can retry
        _log.warning("resolve not saved: %s", type(exc).__name__)
        return {RESOLVE_NOTE_BLOCK: render_unavailable(lang).text}, None
    if incident is None:
        return {RESOLVE_NOTE_BLOCK: note(lang, "incident_gone")}, None
    return None, (incident, origin)


def after_resolve(deps: Deps, client: Any, caller: Caller, outcome: Resolved) -> None:
    """Show the resolution where it was clicked, in the thread reply, and on App Home."""
    incident, origin = outcome
    team = caller.team_id
    updated_ts: str | None = None
    if origin.source == "reply":
        ids = origin.ids or [incident.id]
        lang = origin.lang or language_of(deps, client, caller)
        if origin.ephemeral:
            # No "Share" on the updated copy: it may be a private copy of a channel reply.
            message = stored_answer(deps, team, ids, lang, private=True)
            if message is not None:
                respond.replace(origin.response_url, message)
        elif origin.channel_id and origin.message_ts:
            message = stored_answer(deps, team, ids, lang, private=False)
            if message is not None and not _update(client, origin, message):
                respond.replace(origin.response_url, message)
            updated_ts = origin.message_ts
    elif origin.source == "list" and origin.response_url:
        lang = language_of(deps, client, caller)
        incidents = list_incidents(deps.store, team_id=team, status="open", limit=LIST_MAX)
        respond.replace(origin.response_url, render_incident_list(incidents, lang))
    refresh_thread_reply(deps, client, incident, skip_ts=updated_ts)
    if origin.source == "home":
        publish_home(deps, client, caller)


def _update(client: Any, origin: ResolveOrigin, message: Any) -> bool:
    try:
        client.chat_update(
            channel=origin.channel_id,
            ts=origin.message_ts,
            text=message.text,
            blocks=message.blocks,
        )
    except Exception as exc:  # e.g. a shared answer the bot cannot edit: the response URL can
        _log.info("chat.update of a reply failed (%s); using the response URL", type(exc).__name__)
        return False
    return True


# --- "Not a denial / wrong", the other language, "Share in channel" ----------------------------


def click_wrong(deps: Deps, client: Any, click: Click) -> None:
    """Store the clicker's feedback on the incident and thank them (privately)."""
    lang = language_of(deps, client, click.caller)
    ids = parse_ref(click.value).ids
    feedback = (
        add_feedback(
            deps.store,
            ids[0],
            team_id=click.caller.team_id,
            user_id=click.caller.user_id,
            verdict="wrong",
        )
        if ids
        else None
    )
    if feedback is None:
        _tell(deps, client, click, lang, "incident_gone")
        return
    tell_clicker(client, click, render_feedback_thanks(lang))


def click_other_lang(deps: Deps, client: Any, click: Click) -> None:
    """The answer in the other language, for the clicker only (the reply stays as it is)."""
    ref = parse_ref(click.value)
    refs = reply_refs(click.message)
    target = ref.lang or (other_lang(refs.lang) if refs.lang else None)
    if target is None:
        target = other_lang(language_of(deps, client, click.caller))
    ids = ref.ids or refs.ids
    message = (
        stored_answer(
            deps, click.caller.team_id, ids, target, private=True, share=click.is_ephemeral
        )
        if ids
        else None
    )
    if message is None:
        _tell(deps, client, click, target, "other_lang_gone")
        return
    if click.is_ephemeral:
        respond.replace(click.response_url, message)
    else:
        tell_clicker(client, click, message)


def click_share(deps: Deps, client: Any, click: Click) -> None:
    """Post the answer of a `/iamdeny` paste in the channel, for everyone."""
    ref = parse_ref(click.value)
    lang = ref.lang or language_of(deps, client, click.caller)
    message = (
        stored_answer(deps, click.caller.team_id, ref.ids, lang, private=False) if ref.ids else None
    )
    if message is None:
        _tell(deps, client, click, lang, "share_gone")
        return
    if respond.in_channel(click.response_url, shared_note(message, click.caller.user_id, lang)):
        # The private copy has done its job: remove it (the shared one is in the channel now).
        respond.send(click.response_url, {"delete_original": True})
