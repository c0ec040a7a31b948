"""Incidents in Slack: the `/iamdeny list` message and the "resolved" line added to a reply.

`ResolutionLike` is anything with `resolved_by`, `resolved_at` and `note` (the store's and the
digest's `Resolution` both are); `resolution_of(incident)` makes one from an `Incident`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, Final, Protocol

from bot.render import fmt
from bot.render.blocks import Block, button, context, header, section
from bot.render.escape import clean, clean_inline, escape_mrkdwn
from bot.render.limits import FALLBACK_TARGET, MESSAGE_BLOCKS_MAX, fit
from bot.render.message import SlackMessage
from bot.render.texts import check_lang, t

if TYPE_CHECKING:
    from core.store.incidents import Incident

__all__ = [
    "ACTION_LIST_RESOLVE",
    "NOTE_SHOWN_MAX",
    "ResolutionLike",
    "SimpleResolution",
    "incident_line",
    "render_incident_list",
    "render_resolved_note",
    "resolution_of",
    "resolved_note_text",
]

ACTION_LIST_RESOLVE: Final = "iamdeny_resolve"
"""The "Resolve" button next to an open incident: same action as on a reply, value = its id."""

NOTE_SHOWN_MAX: Final = 1000
_VALUE_SHOWN_MAX: Final = 300
_LIST_SHOWN_MAX: Final = MESSAGE_BLOCKS_MAX - 3  # header, summary line, "and N more"


class ResolutionLike(Protocol):
    """Who resolved an incident, when, and their note."""

    @property
    def resolved_by(self) -> str | None: ...

    @property
    def resolved_at(self) -> datetime | None: ...

    @property
    def note(self) -> str | None: ...


@dataclass(frozen=True, slots=True)
class SimpleResolution:
    """A `ResolutionLike` built by hand (e.g. from a modal submission before it is stored)."""

    resolved_by: str | None
    resolved_at: datetime | None = None
    note: str | None = None


def resolution_of(incident: Incident) -> SimpleResolution | None:
    """The resolution of a resolved incident; None for an open or ignored one."""
    if incident.status != "resolved":
        return None
    return SimpleResolution(incident.resolved_by, incident.resolved_at, incident.resolution_note)


def resolved_note_text(resolution: ResolutionLike, lang: str, *, previous: bool = False) -> str:
    """One mrkdwn line: "✅ Resolved by @x on <date>: note" (or "Fixed before by …" when
    `previous`, for an earlier incident with the same fingerprint). The note is redacted and
    escaped; only the resolver's Slack id becomes a mention."""
    who = fmt.user(resolution.resolved_by, lang)
    when = fmt.date(resolution.resolved_at) if resolution.resolved_at else None
    if previous:
        line = (
            t(lang, "resolved.previous_at", who=who, when=when)
            if when
            else t(lang, "resolved.previous", who=who)
        )
    else:
        line = (
            t(lang, "resolved.by_at", who=who, when=when)
            if when
            else t(lang, "resolved.by", who=who)
        )
    note = (resolution.note or "").strip()
    if note:
        line += t(lang, "resolved.note", note=clean(note, NOTE_SHOWN_MAX))
    return line


def render_resolved_note(
    resolution: ResolutionLike, lang: str, *, block_id: str | None = None
) -> Block:
    """The context block added to a reply once its incident is resolved."""
    return context([resolved_note_text(resolution, check_lang(lang))], block_id=block_id)


def _status(status: str, lang: str) -> str:
    if status == "open":
        return t(lang, "incidents.status_open")
    if status == "resolved":
        return t(lang, "incidents.status_resolved")
    if status == "ignored":
        return t(lang, "incidents.status_ignored")
    return escape_mrkdwn(status)


def incident_line(incident: Incident, lang: str) -> str:
    """Two mrkdwn lines about one incident: id, action and status; principal, resource, when."""
    action = clean_inline(incident.action, _VALUE_SHOWN_MAX) if incident.action else None
    what = action or escape_mrkdwn(incident.kind.replace("_", " "))
    head = t(
        lang, "incidents.head", id=incident.id, what=what, status=_status(incident.status, lang)
    )
    parts = []
    if incident.principal_arn:
        parts.append(t(lang, "incidents.by", principal=clean_inline(incident.principal_arn, 200)))
    if incident.resource:
        parts.append(t(lang, "incidents.on", resource=clean_inline(incident.resource, 200)))
    where = fmt.channel(incident.channel_id)
    seen = t(lang, "incidents.reported", when=fmt.date(incident.reported_at))
    if where:
        seen += " " + t(lang, "incidents.in_channel", channel=where)
    parts.append(seen)
    return head + "\n" + " · ".join(parts)


def render_incident_list(incidents: Sequence[Incident], lang: str) -> SlackMessage:
    """`/iamdeny list`: the incidents given (usually the open ones), newest first as given, each
    with a "Resolve" button while open; past what fits, a count of the rest."""
    check_lang(lang)
    if not incidents:
        text = t(lang, "incidents.none")
        return SlackMessage(text=text, blocks=[section(text, block_id="iamdeny_list_empty")])
    blocks: list[Block] = [
        header(t(lang, "incidents.title", count=len(incidents)), block_id="iamdeny_list_head")
    ]
    shown = incidents[:_LIST_SHOWN_MAX]
    for incident in shown:
        accessory: dict[str, Any] | None = None
        if incident.status == "open":
            accessory = button(
                t(lang, "buttons.resolve_list"),
                ACTION_LIST_RESOLVE,
                str(incident.id),
                style="primary",
            )
        blocks.append(
            section(
                incident_line(incident, lang),
                accessory=accessory,
                block_id=f"iamdeny_list_{incident.id}",
            )
        )
    rest = len(incidents) - len(shown)
    if rest > 0:
        blocks.append(
            context([t(lang, "incidents.more", count=rest)], block_id="iamdeny_list_more")
        )
    blocks.append(context([t(lang, "incidents.hint")], block_id="iamdeny_list_hint"))
    lines = [t(lang, "incidents.title", count=len(incidents))]
    for incident in incidents:
        what = clean(incident.action or incident.kind, 100)
        lines.append(f"#{incident.id} {what} ({_status(incident.status, lang)})")
    return SlackMessage(text=fit("\n".join(lines), FALLBACK_TARGET), blocks=blocks)
