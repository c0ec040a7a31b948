"""Short answers to commands and clicks: confirmations, usage, refusals, and "nothing found".

One section each (a context line where a hint helps), in the reader's language; anything the user
typed is escaped. The listeners send these as ephemeral messages or `respond()` bodies.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.render.blocks import Block, context, section
from bot.render.escape import inline_code
from bot.render.limits import FALLBACK_TARGET, fit
from bot.render.message import SlackMessage
from bot.render.texts import check_lang, t
from bot.render.views import settings_summary

if TYPE_CHECKING:
    from core.store.settings import WorkspaceSettings

__all__ = [
    "render_admin_only",
    "render_feedback_thanks",
    "render_incident_not_found",
    "render_lang_set",
    "render_no_denial",
    "render_resolve_done",
    "render_resolve_usage",
    "render_settings_saved",
    "render_unavailable",
]


def _notice(text: str, block_id: str, hint: str | None = None) -> SlackMessage:
    blocks: list[Block] = [section(text, block_id=block_id)]
    if hint:
        blocks.append(context([hint], block_id=f"{block_id}_hint"))
    fallback = text if hint is None else f"{text}\n{hint}"
    return SlackMessage(text=fit(fallback, FALLBACK_TARGET), blocks=blocks)


def render_lang_set(lang: str) -> SlackMessage:
    """`/iamdeny lang en|ko` done, said in the newly chosen language."""
    return _notice(t(check_lang(lang), "notice.lang_set"), "iamdeny_lang_set")


def render_resolve_done(incident_id: int, lang: str) -> SlackMessage:
    """`/iamdeny resolve` (or the modal) done."""
    check_lang(lang)
    return _notice(t(lang, "notice.resolve_done", id=incident_id), "iamdeny_resolve_done")


def render_resolve_usage(lang: str) -> SlackMessage:
    """`/iamdeny resolve` without a valid id or note: how to use it."""
    check_lang(lang)
    return _notice(
        t(lang, "notice.resolve_usage"), "iamdeny_resolve_usage", t(lang, "notice.resolve_example")
    )


def render_incident_not_found(incident_id: int | str, lang: str) -> SlackMessage:
    """No incident with that id in this workspace (the id as typed, escaped)."""
    check_lang(lang)
    shown = inline_code(fit(str(incident_id), 40, escaped=False))
    return _notice(
        t(lang, "notice.not_found", id=shown), "iamdeny_not_found", t(lang, "notice.list_hint")
    )


def render_admin_only(lang: str) -> SlackMessage:
    """A non-admin asked for `/iamdeny settings`."""
    return _notice(t(check_lang(lang), "notice.admin_only"), "iamdeny_admin_only")


def render_settings_saved(settings: WorkspaceSettings, lang: str) -> SlackMessage:
    """Settings saved: what they are now."""
    check_lang(lang)
    return _notice(
        t(lang, "notice.settings_saved"), "iamdeny_settings_saved", settings_summary(settings, lang)
    )


def render_feedback_thanks(lang: str) -> SlackMessage:
    """After "Not a denial / wrong"."""
    return _notice(t(check_lang(lang), "notice.feedback_thanks"), "iamdeny_feedback")


def render_no_denial(lang: str) -> SlackMessage:
    """`/iamdeny <text>` with no access-denied error (and no credential error) in it."""
    check_lang(lang)
    return _notice(t(lang, "reply.none"), "iamdeny_no_denial", t(lang, "notice.no_denial_hint"))


def render_unavailable(lang: str) -> SlackMessage:
    """Something failed on our side (e.g. the database is down); the user should retry."""
    return _notice(t(check_lang(lang), "notice.unavailable"), "iamdeny_unavailable")
