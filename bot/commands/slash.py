"""`/iamdeny`: the subcommands, run after the ack (on the job pool), answered via `response_url`.

    /iamdeny <paste>              explain it; only the caller sees it, with "Share in channel"
    /iamdeny help                 (also empty text and any unknown word)
    /iamdeny digest               this workspace, the last 7 days
    /iamdeny list                 this workspace's open incidents
    /iamdeny resolve <id> <note>  resolve an incident of this workspace
    /iamdeny lang en|ko           the caller's language, stored
    /iamdeny settings             the settings modal (workspace admins and owners only)

Anything that is not a subcommand is read as a paste; when it holds no denial (and no credential
error), the caller gets the help, led by "I don't know the command ...".
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from typing import Any, Final

from bot.commands import respond
from bot.commands.answers import answer_paste
from bot.commands.refresh import refresh_thread_reply
from bot.commands.scope import Caller, is_workspace_admin, language_of
from bot.commands.texts import note_message
from bot.deps import Deps
from bot.render import (
    SlackMessage,
    render_admin_only,
    render_digest,
    render_help,
    render_incident_list,
    render_incident_not_found,
    render_lang_set,
    render_resolve_done,
    render_resolve_usage,
    render_unavailable,
    settings_modal,
)
from core.digest import last_days
from core.redaction import redact
from core.store import (
    get_workspace_settings,
    list_incidents,
    resolve_incident,
    set_user_language,
)
from core.store.digest_queries import compute_digest

__all__ = ["LIST_MAX", "Command", "parse", "run_command"]

LIST_MAX: Final = 200
_ID_MAX: Final = 2**63
MAX_PASTE_CHARS: Final = 120_000  # as for a message (`bot.pipeline.extract`)

_log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Command:
    """One `/iamdeny` invocation: the verified caller and what Slack sent with it."""

    caller: Caller
    text: str
    channel_id: str
    response_url: str | None
    trigger_id: str | None

    @classmethod
    def from_body(cls, caller: Caller, body: Mapping[str, Any]) -> Command:
        def text_of(key: str) -> str | None:
            value = body.get(key)
            return value if isinstance(value, str) and value else None

        return cls(
            caller=caller,
            text=text_of("text") or "",
            channel_id=text_of("channel_id") or "",
            response_url=text_of("response_url"),
            trigger_id=text_of("trigger_id"),
        )


def parse(text: str) -> tuple[str, str]:
    """(`subcommand`, rest) with the subcommand lower-cased; ("", "") for empty text."""
    stripped = text.strip()
    if not stripped:
        return "", ""
    word, _, rest = stripped.partition(" ")
    if "\n" in word:
        word, _, more = word.partition("\n")
        rest = more + " " + rest
    return word.lower(), rest.strip()


def run_command(deps: Deps, client: Any, command: Command) -> None:
    """Run one `/iamdeny` invocation and answer it (only the caller sees the answer)."""
    lang = language_of(deps, client, command.caller)
    word, rest = parse(command.text)
    handler = _SUBCOMMANDS.get(word)
    try:
        if handler is not None:
            answer = handler(deps, client, command, rest, lang)
        else:
            answer = _paste(deps, client, command, word, lang)
    except Exception:
        respond.ephemeral(command.response_url, render_unavailable(lang))
        raise
    if answer is not None:
        respond.ephemeral(command.response_url, answer)


Handler = Callable[[Deps, Any, Command, str, str], SlackMessage | None]


def _help(deps: Deps, client: Any, command: Command, rest: str, lang: str) -> SlackMessage:
    return render_help(lang)


def _paste(deps: Deps, client: Any, command: Command, word: str, lang: str) -> SlackMessage:
    if len(command.text) > MAX_PASTE_CHARS:
        command = replace(command, text=command.text[:MAX_PASTE_CHARS])
    answer = answer_paste(
        deps,
        command.caller,
        text=command.text,
        channel_id=command.channel_id,
        trigger_id=command.trigger_id,
        lang=lang,
    )
    if answer is None:
        # The word is echoed back: redacted first, like anything else a user typed.
        return render_help(lang, unknown=redact(word).text)
    return answer


def _digest(deps: Deps, client: Any, command: Command, rest: str, lang: str) -> SlackMessage:
    digest = compute_digest(deps.store, command.caller.team_id, last_days(7))
    return render_digest(digest, lang)


def _list(deps: Deps, client: Any, command: Command, rest: str, lang: str) -> SlackMessage:
    incidents = list_incidents(
        deps.store, team_id=command.caller.team_id, status="open", limit=LIST_MAX
    )
    return render_incident_list(incidents, lang)


def _incident_id(word: str) -> int | None:
    word = word.lstrip("#")
    return int(word) if word.isascii() and word.isdigit() and len(word) <= 40 else None


def _resolve(deps: Deps, client: Any, command: Command, rest: str, lang: str) -> SlackMessage:
    first, _, text = rest.partition(" ")
    incident_id = _incident_id(first)
    text = text.strip()
    if incident_id is None or not text:
        return render_resolve_usage(lang)
    if incident_id >= _ID_MAX:  # no such id (and none the database could even compare)
        return render_incident_not_found(incident_id, lang)
    incident = resolve_incident(
        deps.store,
        incident_id,
        team_id=command.caller.team_id,
        by=command.caller.user_id,
        note=redact(text).text,  # a note is stored and shown to others: never a secret in it
    )
    if incident is None:
        return render_incident_not_found(incident_id, lang)
    deps.jobs.submit(refresh_thread_reply, deps, client, incident)
    return render_resolve_done(incident.id, lang)


def _lang(deps: Deps, client: Any, command: Command, rest: str, lang: str) -> SlackMessage:
    chosen = rest.strip().lower()
    if chosen not in ("en", "ko"):
        return note_message(lang, "lang_usage")
    set_user_language(deps.store, command.caller.team_id, command.caller.user_id, chosen)
    return render_lang_set(chosen)


def _settings(
    deps: Deps, client: Any, command: Command, rest: str, lang: str
) -> SlackMessage | None:
    try:
        admin = is_workspace_admin(client, command.caller)
    except Exception as exc:  # users.info failed: say so rather than refuse or allow blindly
        _log.warning("users.info failed for a settings check: %s", type(exc).__name__)
        return note_message(lang, "admin_check_failed")
    if not admin:
        return render_admin_only(lang)
    settings = get_workspace_settings(deps.store, command.caller.team_id)
    client.views_open(trigger_id=command.trigger_id, view=settings_modal(settings, lang))
    return None


_SUBCOMMANDS: Final[dict[str, Handler]] = {
    "": _help,
    "help": _help,
    "digest": _digest,
    "list": _list,
    "resolve": _resolve,
    "lang": _lang,
    "settings": _settings,
}
