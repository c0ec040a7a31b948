"""Read-only shell commands filled with a denial's values, from `commands.toml`.

A command is a list of lines, or a table of variants keyed by what the denial is: the caller's
kind (`user`, `role`, `federated_user`), the service prefix, whether the resource is an ARN, or how
the encoded message can be passed. `default` is used when no variant fits; an empty list means
there is no command to offer for this denial.
"""

from __future__ import annotations

from collections.abc import Callable

from core.record import DenialRecord, PrincipalKind
from core.remediation.catalog import commands
from core.remediation.values import Values

_INLINE_ENCODED_MAX = 200


def _principal_kind(record: DenialRecord) -> str:
    kind = record.principal.kind if record.principal else None
    if kind in (PrincipalKind.ROLE, PrincipalKind.ASSUMED_ROLE):
        return "role"
    if kind in (PrincipalKind.USER, PrincipalKind.FEDERATED_USER):
        return kind.value
    return "default"


def _service(record: DenialRecord) -> str:
    action = record.action or record.context_action or ""
    return (record.service or action.partition(":")[0]).lower() or "default"


def _resource_arn(record: DenialRecord) -> str:
    return "with_resource" if (record.resource or "").startswith("arn:") else "default"


def _encoded(record: DenialRecord) -> str:
    message = record.encoded_message
    if message and not record.encoded_truncated and len(message) <= _INLINE_ENCODED_MAX:
        return "inline"
    return "default"


SELECTORS: dict[str, Callable[[DenialRecord], str]] = {
    "principal_kind": _principal_kind,
    "service": _service,
    "resource_arn": _resource_arn,
    "encoded": _encoded,
}


def is_command(name: str) -> bool:
    """Whether `commands.toml` defines this artefact."""
    return name in commands()


def lines(name: str, record: DenialRecord, values: Values) -> list[str]:
    """The command's lines for this denial, filled; empty when there is nothing to run."""
    entry = commands()[name]
    templates: list[str]
    if isinstance(entry, list):
        templates = entry
    else:
        variant = SELECTORS[entry["by"]](record)
        templates = entry.get(variant, entry["default"])
    return [values.fill_shell(line) for line in templates]
