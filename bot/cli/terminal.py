"""Render a denial and its remediation for a terminal: plain text, colour only on a TTY.

Colour follows the usual conventions: none when the stream is not a terminal, when `NO_COLOR` is
set, or when `TERM=dumb`; forced with `FORCE_COLOR`.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import IO, TYPE_CHECKING

if TYPE_CHECKING:
    from core.record import DenialRecord
    from core.remediation import Remediation

# Field labels, one row per field, per language.
LABELS: dict[str, dict[str, str]] = {
    "en": {
        "denial": "Denial",
        "principal": "Principal",
        "action": "Action",
        "resource": "Resource",
        "policy": "Policy",
        "error": "Error",
        "who": "Who can fix it",
        "steps": "Steps",
        "warnings": "Warnings",
        "cross": "cross-account",
    },
    "ko": {
        "denial": "거부",
        "principal": "보안 주체",
        "action": "작업",
        "resource": "리소스",
        "policy": "정책",
        "error": "오류",
        "who": "해결 담당",
        "steps": "조치",
        "warnings": "주의",
        "cross": "교차 계정",
    },
}


@dataclass(frozen=True, slots=True)
class Style:
    """ANSI styling, or none."""

    enabled: bool

    @classmethod
    def for_stream(cls, stream: IO[str]) -> Style:
        """Colour when `stream` is a terminal and the environment does not forbid it."""
        if os.environ.get("NO_COLOR") or os.environ.get("TERM") == "dumb":
            return cls(False)
        if os.environ.get("FORCE_COLOR"):
            return cls(True)
        isatty = getattr(stream, "isatty", None)
        return cls(bool(isatty and isatty()))

    def _wrap(self, code: str, text: str) -> str:
        return f"\x1b[{code}m{text}\x1b[0m" if self.enabled else text

    def bold(self, text: str) -> str:
        """Bold text."""
        return self._wrap("1", text)

    def red(self, text: str) -> str:
        """Red text (the verdict)."""
        return self._wrap("1;31", text)

    def yellow(self, text: str) -> str:
        """Yellow text (warnings)."""
        return self._wrap("33", text)

    def dim(self, text: str) -> str:
        """Dim text (artefact bodies)."""
        return self._wrap("2", text)


def _escape_controls(value: str) -> str:
    """Never let a paste drive the terminal: control characters are shown, not obeyed."""
    return "".join(ch if ch.isprintable() or ch in "\n" else f"\\x{ord(ch):02x}" for ch in value)


def render_denial(
    record: DenialRecord, remediation: Remediation, style: Style, *, index: int, total: int
) -> str:
    """The terminal text for one denial."""
    labels = LABELS.get(remediation.lang, LABELS["en"])
    lines = []
    heading = f"{labels['denial']} {index}/{total}: " if total > 1 else ""
    lines.append(style.red(heading + _escape_controls(remediation.verdict)))
    fields = (
        (labels["principal"], record.principal_arn),
        (labels["action"], record.action),
        (labels["resource"], record.resource),
        (labels["policy"], record.policy_arn),
        (labels["error"], " ".join(x for x in (record.error_code, record.operation) if x) or None),
    )
    for label, value in fields:
        if value:
            lines.append(f"  {style.bold(label + ':')} {_escape_controls(value)}")
    if record.cross_account:
        lines.append(
            f"  ({labels['cross']}: {record.principal.account_id if record.principal else '?'}"
            f" → {record.resource_account})"
        )
    if remediation.fixers:
        lines.append(f"{style.bold(labels['who'] + ':')} " + ", ".join(remediation.fixer_labels))
    if remediation.steps:
        lines.append(style.bold(labels["steps"] + ":"))
        lines.extend(
            f"  {n}. {_escape_controls(step)}" for n, step in enumerate(remediation.steps, 1)
        )
    for artefact in remediation.artefacts:
        lines.append(f"  {style.bold(_escape_controls(artefact.title))}")
        lines.extend(
            "    " + style.dim(_escape_controls(row)) for row in artefact.body.splitlines()
        )
    if remediation.warnings:
        lines.append(style.yellow(labels["warnings"] + ":"))
        lines.extend("  ! " + style.yellow(_escape_controls(w)) for w in remediation.warnings)
    return "\n".join(lines)
