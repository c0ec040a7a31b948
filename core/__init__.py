"""iamdeny's core: read AWS access-denied errors, explain them, redact secrets, remember incidents.

Nothing here knows about Slack. The public names are loaded lazily so that a short-lived process
imports only what it uses:

- `classify(text) -> list[Denial]` — every denial in a paste, in order of appearance.
- `redact(text) -> Redaction` — the text with every secret replaced by a marker naming its kind.
- `remediate(denial, lang) -> Remediation` — verdict, who can fix it, steps and artefacts.
- `credential_problem(text)` — recognises credential errors, which are never denials.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from core.classifier import classify
    from core.credentials import CredentialProblem, credential_problem
    from core.model import Denial, Principal
    from core.record import DenialKind, DenyKind, PolicyType, PrincipalKind
    from core.redaction import Redaction, redact
    from core.remediation import Remediation, remediate

_EXPORTS = {
    "classify": "core.classifier",
    "CredentialProblem": "core.credentials",
    "credential_problem": "core.credentials",
    "Denial": "core.model",
    "Principal": "core.model",
    "DenialKind": "core.record",
    "DenyKind": "core.record",
    "PolicyType": "core.record",
    "PrincipalKind": "core.record",
    "Redaction": "core.redaction",
    "redact": "core.redaction",
    "Remediation": "core.remediation",
    "remediate": "core.remediation",
}

__all__ = [
    "CredentialProblem",
    "Denial",
    "DenialKind",
    "DenyKind",
    "PolicyType",
    "Principal",
    "PrincipalKind",
    "Redaction",
    "Remediation",
    "classify",
    "credential_problem",
    "redact",
    "remediate",
]


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'core' has no attribute {name!r}")
    return getattr(import_module(module), name)
