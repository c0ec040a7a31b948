"""The thread reply to a paste: one part per denial, buttons, and Slack's limits kept.

`render_reply(denials, remediations, lang=...)` builds the message. Each denial gets a header (the
verdict), a section of fields (principal, action, resource, policy, who can fix it, ...), its
numbered steps, its artefacts in code blocks, a context of warnings and recurrence, and an
actions block ("Resolved", "Not a denial / wrong", the other language).

Limits: every string is cut as it goes in (see `blocks`), and the message as a whole degrades in
levels until it fits in 50 blocks: (0) everything, artefact bodies sharing a character budget;
(1) only the first artefact, notes merged into one context; (2) verdict and fields in one section,
steps shortened; (3) verdict, fields, notes and buttons only. If even level 3 does not fit, the
denials that do not are summarised in one section ("and N more: …").

Everything taken from a paste (and from the remediation, which quotes it) is redacted and escaped.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final, TypeVar

from bot.render.blocks import Block, actions, button, context, divider, header, section
from bot.render.escape import clean, clean_inline, code_block, code_safe, mark_arns
from bot.render.incidents import ResolutionLike, resolved_note_text
from bot.render.labels import policy_label
from bot.render.limits import (
    FALLBACK_TARGET,
    HEADER_TEXT_MAX,
    MESSAGE_BLOCKS_MAX,
    SECTION_TEXT_MAX,
    fit,
    slack_len,
)
from bot.render.message import SlackMessage
from bot.render.texts import check_lang, other_lang, t
from core.record import DenialRecord
from core.redaction import redact
from core.remediation import Remediation
from core.remediation.catalog import texts as remediation_texts

if TYPE_CHECKING:
    from core.store.incidents import Recurrence

__all__ = [
    "ACTION_LANG",
    "ACTION_RESOLVE",
    "ACTION_SHARE",
    "ACTION_WRONG",
    "SHARE_BLOCK_ID",
    "actions_block_id",
    "denial_index",
    "mark_resolved",
    "render_reply",
]

ACTION_RESOLVE: Final = "iamdeny_resolve"
"""The "Resolved" button; its value is the incident id."""
ACTION_WRONG: Final = "iamdeny_wrong"
"""The "Not a denial / wrong" button; its value is the incident id."""
ACTION_LANG: Final = "iamdeny_lang"
"""The other-language button; its value is the language to switch to (`en` or `ko`)."""
ACTION_SHARE: Final = "iamdeny_share"
"""The "Share in channel" button of an ephemeral answer; its value is the incident ids."""
SHARE_BLOCK_ID: Final = "iamdeny_share"

ARTEFACT_CHARS_TOTAL: Final = 9000  # shared by every artefact body in one message
ARTEFACT_CHARS_MIN: Final = 400
_VALUE_MAX: Final = 600  # one pasted value (ARN, resource) in a field
_STEPS_SHORT: Final = 1500
_SUMMARY_LINE_MAX: Final = 300
_BLOCK_ID = re.compile(r"^iamdeny_d(\d+)_")

_T = TypeVar("_T")


def actions_block_id(index: int) -> str:
    """The block_id of denial `index`'s buttons (0-based, in paste order)."""
    return f"iamdeny_d{index}_actions"


def denial_index(block_id: str | None) -> int | None:
    """Which denial (0-based) a reply block belongs to, from its block_id; None if not ours."""
    match = _BLOCK_ID.match(block_id or "")
    return int(match.group(1)) if match else None


def _nth(items: Sequence[_T | None], index: int) -> _T | None:
    return items[index] if index < len(items) else None


@dataclass
class _Part:
    """One denial, every piece escaped and ready; `blocks(level)` lays it out."""

    index: int
    count: int
    lang: str
    verdict_plain: str
    verdict_mrkdwn: str
    fixers: str
    fields: list[str]
    steps: list[str]
    artefacts: list[tuple[str, str]]  # (escaped title, redacted raw body)
    warnings: list[str]
    seen: list[str]
    resolved: str | None
    buttons: list[dict[str, object]]
    incident_id: int | None
    artefact_budget: int = ARTEFACT_CHARS_TOTAL

    def _id(self, name: str) -> str:
        return f"iamdeny_d{self.index}_{name}"

    def _title(self) -> str:
        if self.count == 1:
            return self.verdict_plain
        return (
            t(self.lang, "reply.numbered", n=self.index + 1, total=self.count) + self.verdict_plain
        )

    def _steps(self, limit: int) -> Block | None:
        if not self.steps:
            return None
        lines = [f"{n}. {step}" for n, step in enumerate(self.steps, 1)]
        text = "*" + t(self.lang, "reply.steps") + "*\n" + "\n".join(lines)
        return section(fit(text, limit), block_id=self._id("steps"))

    def _artefact(self, j: int) -> Block:
        title, raw = self.artefacts[j]
        head = f"*{title}*\n"
        note = "\n" + t(self.lang, "reply.cut")
        room = SECTION_TEXT_MAX - slack_len(head) - slack_len(note) - 10
        limit = min(self.artefact_budget, room)
        body = code_safe(raw)
        cut = False
        while slack_len(body) > limit:
            cut = True
            target = max(1, min(len(raw), limit) * 9 // 10)
            raw = fit(raw, target, "\n…", escaped=False)
            body = code_safe(raw)
        text = head + code_block(body) + (note if cut else "")
        return section(text, block_id=self._id(f"art{j}"))

    def _notes(self, level: int) -> list[Block]:
        omitted = []
        shown = len(self.artefacts) if level == 0 else (1 if level == 1 else 0)
        if len(self.artefacts) > shown:
            omitted.append(t(self.lang, "reply.omitted", count=len(self.artefacts) - shown))
        if level == 0:
            out = []
            if self.warnings:
                out.append(context(self.warnings, block_id=self._id("warn")))
            if self.seen or omitted:
                out.append(context([*self.seen, *omitted], block_id=self._id("seen")))
            return out
        merged = [*self.warnings, *self.seen, *omitted]
        if level >= 2 and self.resolved:
            merged.append(self.resolved)
        return [context(merged, block_id=self._id("notes"))] if merged else []

    def blocks(self, level: int) -> list[Block]:
        out: list[Block] = []
        if level <= 1:
            out.append(header(self._title(), block_id=self._id("head")))
            out.append(section(fields=self.fields, block_id=self._id("facts")))
        else:
            verdict = f"*{fit(self.verdict_mrkdwn, HEADER_TEXT_MAX * 2)}*"
            if self.count > 1:
                verdict = (
                    t(self.lang, "reply.numbered", n=self.index + 1, total=self.count) + verdict
                )
            out.append(section(verdict, fields=self.fields, block_id=self._id("facts")))
        if level <= 2:
            steps = self._steps(SECTION_TEXT_MAX if level <= 1 else _STEPS_SHORT)
            if steps is not None:
                out.append(steps)
        if level == 0:
            out.extend(self._artefact(j) for j in range(len(self.artefacts)))
        elif level == 1 and self.artefacts:
            out.append(self._artefact(0))
        out.extend(self._notes(level))
        if level <= 1 and self.resolved:
            out.append(context([self.resolved], block_id=self._id("resolved")))
        if self.buttons:
            out.append(actions(self.buttons, block_id=actions_block_id(self.index)))
        return out

    def summary_line(self) -> str:
        ref = f"#{self.incident_id} " if self.incident_id is not None else ""
        return "• " + ref + fit(self.verdict_mrkdwn, _SUMMARY_LINE_MAX)

    def fallback_line(self) -> str:
        line = fit(self.verdict_mrkdwn, _SUMMARY_LINE_MAX)
        if self.fixers:
            line += " — " + self.fixers
        return f"{self.index + 1}. {line}" if self.count > 1 else line


def _part(
    index: int,
    count: int,
    record: DenialRecord,
    *,
    remedy: Remediation,
    lang: str,
    incident_id: int | None,
    recurrence: Recurrence | None,
    resolved: ResolutionLike | None,
    drop_warnings: frozenset[str],
) -> _Part:
    verdict = redact(remedy.verdict).text
    fields: list[str] = []

    def add(key: str, value: str | None) -> None:
        if value:
            fields.append(f"*{t(lang, key)}*\n{value}")

    add(
        "fields.principal",
        clean_inline(record.principal_arn, _VALUE_MAX) if record.principal_arn else None,
    )
    add("fields.action", clean_inline(record.action, _VALUE_MAX) if record.action else None)
    add("fields.resource", clean_inline(record.resource, _VALUE_MAX) if record.resource else None)
    add(
        "fields.policy",
        policy_label(record.policy_type, record.deny_kind, lang, record.transitive_through),
    )
    fixers = "\n".join(clean(label, 300) for label in remedy.fixer_labels)
    add("fields.fixer", fixers)
    error = " · ".join(clean_inline(v, 200) for v in (record.error_code, record.operation) if v)
    add("fields.error", error)
    add("fields.region", clean_inline(record.region, 100) if record.region else None)
    add(
        "fields.policy_arn",
        clean_inline(record.policy_arn, _VALUE_MAX) if record.policy_arn else None,
    )
    account = record.principal.account_id if record.principal else None
    if record.cross_account and account and record.resource_account:
        add(
            "fields.accounts",
            t(
                lang,
                "fields.accounts_value",
                caller=clean_inline(account, 40),
                owner=clean_inline(record.resource_account, 40),
            ),
        )

    warnings = [
        t(lang, "reply.warning", text=mark_arns(clean(w, 1500)))
        for w in remedy.warnings
        if w not in drop_warnings
    ]
    if record.cross_account:
        warnings.insert(0, t(lang, "reply.warning", text=t(lang, "reply.cross_account")))

    seen: list[str] = []
    if recurrence is not None and recurrence.count >= 2:
        if recurrence.reporters >= 2:
            key = "reply.seen_people"
        elif recurrence.reporters == 1:
            key = "reply.seen_person"
        else:
            key = "reply.seen"
        seen.append(
            t(lang, key, count=recurrence.count, days=recurrence.days, people=recurrence.reporters)
        )
    if recurrence is not None and recurrence.last_resolution is not None:
        last = recurrence.last_resolution
        if last.incident_id != incident_id:
            seen.append(resolved_note_text(last, lang, previous=True))

    buttons: list[dict[str, object]] = []
    if incident_id is not None and resolved is None:
        buttons.append(
            button(t(lang, "buttons.resolve"), ACTION_RESOLVE, str(incident_id), style="primary")
        )
    if incident_id is not None:
        buttons.append(button(t(lang, "buttons.wrong"), ACTION_WRONG, str(incident_id)))
    target = other_lang(lang)
    buttons.append(button(t(lang, "buttons.lang"), ACTION_LANG, target))

    return _Part(
        index=index,
        count=count,
        lang=lang,
        verdict_plain=verdict,
        verdict_mrkdwn=clean(verdict),
        fixers=fixers.replace("\n", ", "),
        fields=fields,
        steps=[mark_arns(clean(step, 1200)) for step in remedy.steps],
        artefacts=[(clean(a.title, 200), redact(a.body).text) for a in remedy.artefacts],
        warnings=warnings,
        seen=seen,
        resolved=resolved_note_text(resolved, lang) if resolved is not None else None,
        buttons=buttons,
        incident_id=incident_id,
    )


def _truncation_warnings(lang: str) -> frozenset[str]:
    """The remediation's own "input truncated" warning: the reply says it once, at the top."""
    warnings = remediation_texts(lang).get("warnings", {})
    text = warnings.get("input_truncated") if isinstance(warnings, dict) else None
    return frozenset({text}) if isinstance(text, str) else frozenset()


def _layout(parts: list[_Part], head: list[Block], reserve: int) -> tuple[list[Block], list[_Part]]:
    """The blocks at the richest level that fits (leaving `reserve` blocks for the end of the
    message), and the parts left for the summary."""
    for level in range(4):
        shown_artefacts = sum(
            len(p.artefacts) if level == 0 else min(1, len(p.artefacts)) for p in parts
        )
        budget = max(ARTEFACT_CHARS_MIN, ARTEFACT_CHARS_TOTAL // max(1, shown_artefacts))
        for p in parts:
            p.artefact_budget = budget
        per = [p.blocks(level) for p in parts]
        total = len(head) + sum(len(b) for b in per) + len(parts) - 1 + reserve
        if total <= MESSAGE_BLOCKS_MAX:
            return _join(head, per), []
    # Level 3 for as many as fit, leaving a divider and the summary section.
    room = MESSAGE_BLOCKS_MAX - len(head) - reserve - 2
    kept: list[list[Block]] = []
    used = 0
    for blocks in per:
        need = len(blocks) + (1 if kept else 0)
        if used + need > room:
            break
        kept.append(blocks)
        used += need
    return _join(head, kept), parts[len(kept) :]


def _join(head: list[Block], per: list[list[Block]]) -> list[Block]:
    out = list(head)
    for i, blocks in enumerate(per):
        if i:
            out.append(divider())
        out.extend(blocks)
    return out


def render_reply(
    denials: Sequence[DenialRecord],
    remediations: Sequence[Remediation],
    *,
    lang: str,
    incident_ids: Sequence[int | None] = (),
    recurrences: Sequence[Recurrence | None] = (),
    input_truncated: bool = False,
    resolved: Sequence[ResolutionLike | None] = (),
) -> SlackMessage:
    """The thread reply for the denials of one paste.

    `remediations[i]` is `remediate(denials[i], lang)`. The optional sequences run in parallel with
    `denials` (shorter ones mean None for the rest): the incident id each was recorded as (without
    one, no "Resolved"/"wrong" buttons), its recurrence in the workspace, and its resolution once
    resolved (then the reply shows who resolved it and drops the "Resolved" button).
    `input_truncated` says the paste was cut before it was read (also taken from the records).
    (The ephemeral `/iamdeny <paste>` answer gets its "Share in channel" button, `ACTION_SHARE` in
    block `SHARE_BLOCK_ID`, from `bot.commands.answers`, which knows what the click must carry.)
    """
    check_lang(lang)
    if len(remediations) != len(denials):
        raise ValueError("render_reply: one remediation per denial")
    if not denials:
        text = t(lang, "reply.none")
        return SlackMessage(text=text, blocks=[section(text, block_id="iamdeny_none")])
    truncated = input_truncated or any(d.input_truncated for d in denials)
    drop = _truncation_warnings(lang)
    count = len(denials)
    parts = [
        _part(
            i,
            count,
            record,
            remedy=remedy,
            lang=lang,
            incident_id=_nth(incident_ids, i),
            recurrence=_nth(recurrences, i),
            resolved=_nth(resolved, i),
            drop_warnings=drop,
        )
        for i, (record, remedy) in enumerate(zip(denials, remediations, strict=True))
    ]
    head: list[Block] = []
    if truncated:
        head.append(context([t(lang, "reply.input_truncated")], block_id="iamdeny_truncated"))
    blocks, rest = _layout(parts, head, 0)
    if rest:
        lines = [p.summary_line() for p in rest]
        text = t(lang, "reply.more", count=len(rest)) + "\n" + "\n".join(lines)
        blocks.append(divider())
        blocks.append(section(fit(text, SECTION_TEXT_MAX), block_id="iamdeny_more"))

    intro = (
        t(lang, "reply.fallback_one") if count == 1 else t(lang, "reply.fallback_many", count=count)
    )
    fallback = intro + "\n" + "\n".join(p.fallback_line() for p in parts)
    if truncated:
        fallback += "\n" + t(lang, "reply.input_truncated")
    return SlackMessage(text=fit(fallback, FALLBACK_TARGET), blocks=blocks)


def mark_resolved(
    blocks: Sequence[Block], incident_id: int, resolution: ResolutionLike, lang: str
) -> list[Block]:
    """A reply's blocks (as posted, e.g. from an interaction payload's `message.blocks`) with
    incident `incident_id` shown as resolved: its "Resolved" button removed and the resolved line
    added above its buttons (replacing an earlier one). At the 50-block limit the line takes the
    buttons' place. Blocks that hold no such incident come back unchanged."""
    check_lang(lang)
    out = [dict(b) for b in blocks]
    value = str(incident_id)
    where = next(
        (
            i
            for i, b in enumerate(out)
            if b.get("type") == "actions"
            and denial_index(b.get("block_id")) is not None
            and any(
                el.get("action_id") in (ACTION_RESOLVE, ACTION_WRONG) and el.get("value") == value
                for el in b.get("elements", [])
            )
        ),
        None,
    )
    if where is None:
        return out
    index = denial_index(out[where].get("block_id"))
    note_id = f"iamdeny_d{index}_resolved"
    note = context([resolved_note_text(resolution, lang)], block_id=note_id)
    out = [b for b in out if b.get("block_id") != note_id]
    where = next(i for i, b in enumerate(out) if b.get("block_id") == actions_block_id(index or 0))
    remaining = [el for el in out[where]["elements"] if el.get("action_id") != ACTION_RESOLVE]
    if len(out) + 1 > MESSAGE_BLOCKS_MAX or not remaining:
        out[where] = note
    else:
        out[where] = {**out[where], "elements": remaining}
        out.insert(where, note)
    return out
