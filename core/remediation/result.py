"""What `remediate` returns: frozen stdlib dataclasses, ready for a renderer or for JSON."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Literal

Syntax = Literal["json", "sh"]


class Fixer(StrEnum):
    """Who can make the change that lifts the denial."""

    CALLER = "caller"
    ACCOUNT_ADMIN = "account_admin"
    ORG_ADMIN = "org_admin"
    RESOURCE_OWNER = "resource_owner"
    NETWORK_ADMIN = "network_admin"
    SERVICE_ADMIN = "service_admin"


@dataclass(frozen=True, slots=True)
class Artefact:
    """A block to paste: a policy statement (`json`) or read-only shell commands (`sh`)."""

    title: str
    syntax: Syntax
    body: str

    def to_dict(self) -> dict[str, str]:
        """The artefact as JSON-ready data."""
        return {"title": self.title, "syntax": self.syntax, "body": self.body}


@dataclass(frozen=True, slots=True)
class Remediation:
    """How to fix one denial, in one language.

    `fixers` and `fixer_labels` run in parallel: the first is stable ids, the second what to show.
    `scenario` names the catalog entry used, for logs, digests and tests.
    """

    lang: str
    scenario: str
    verdict: str
    fixers: tuple[Fixer, ...]
    fixer_labels: tuple[str, ...]
    steps: tuple[str, ...]
    artefacts: tuple[Artefact, ...]
    warnings: tuple[str, ...]

    def to_dict(self) -> dict[str, object]:
        """JSON-ready data (what `iamdeny explain --json` embeds as `remediation`)."""
        return {
            "lang": self.lang,
            "scenario": self.scenario,
            "verdict": self.verdict,
            "fixers": [
                {"id": fixer.value, "label": label}
                for fixer, label in zip(self.fixers, self.fixer_labels, strict=True)
            ],
            "steps": list(self.steps),
            "artefacts": [artefact.to_dict() for artefact in self.artefacts],
            "warnings": list(self.warnings),
        }
