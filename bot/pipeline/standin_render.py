"""A minimal stand-in for `bot.render` until that package lands: plain Block Kit, same signature.

Deleted once `bot.render.render_reply` / `render_secret_warning` exist; `bot.pipeline.compose`
is the only importer.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from core.record import DenialRecord
from core.remediation import Remediation
from core.store import Recurrence

__all__ = ["SlackMessage", "escape_mrkdwn", "render_reply", "render_secret_warning"]


@dataclass(frozen=True, slots=True)
class SlackMessage:
    """A message to post: plain-text fallback and Block Kit blocks."""

    text: str
    blocks: list[dict[str, Any]] = field(default_factory=list)


def escape_mrkdwn(text: str) -> str:
    """Escape the three characters Slack's mrkdwn treats as control characters."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _section(text: str) -> dict[str, Any]:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text[:3000]}}


def render_reply(
    denials: Sequence[DenialRecord],
    remediations: Sequence[Remediation],
    *,
    lang: str,
    incident_ids: Sequence[int] = (),
    recurrences: Sequence[Recurrence | None] = (),
    input_truncated: bool = False,
) -> SlackMessage:
    """One section per denial: verdict, principal/action/resource, steps, recurrence."""
    blocks: list[dict[str, Any]] = []
    lines: list[str] = []
    for index, (denial, remedy) in enumerate(zip(denials, remediations, strict=True)):
        facts = " / ".join(
            escape_mrkdwn(part)
            for part in (denial.principal_arn, denial.action, denial.resource)
            if part
        )
        steps = "\n".join(f"{n}. {escape_mrkdwn(step)}" for n, step in enumerate(remedy.steps, 1))
        body = f"*{escape_mrkdwn(remedy.verdict)}*\n{facts}\n{steps}"
        recur = recurrences[index] if index < len(recurrences) else None
        if recur is not None and recur.count > 1:
            seen = (
                f"{recur.count}회 발생 (최근 {recur.days}일, {recur.reporters}명)"
                if lang == "ko"
                else f"Seen {recur.count} times in the last {recur.days} days by "
                f"{recur.reporters} people"
            )
            body += f"\n_{seen}_"
        if recur is not None and recur.last_resolution is not None:
            note = recur.last_resolution.note or ""
            body += f"\n_{escape_mrkdwn(note)} — <@{recur.last_resolution.resolved_by}>_"
        blocks.append(_section(body))
        lines.append(remedy.verdict)
    if input_truncated:
        blocks.append(_section("(input truncated)"))
    return SlackMessage(text="\n".join(lines)[:3000], blocks=blocks[:50])


def render_secret_warning(kinds: Sequence[str], lang: str) -> SlackMessage:
    """The ephemeral note to a poster whose paste held a secret."""
    names = ", ".join(kinds)
    if lang == "ko":
        text = (
            f"붙여 넣은 메시지에 비밀 값({names})이 있습니다. 메시지를 삭제하고 해당 자격 증명을 "
            "교체하세요. iamdeny는 이를 저장하거나 반복하지 않았습니다."
        )
    else:
        text = (
            f"Your message contains a secret ({names}). Delete the message and rotate that "
            "credential. iamdeny did not store or repeat it."
        )
    return SlackMessage(text=text, blocks=[_section(text)])
