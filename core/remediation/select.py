"""Choosing the scenario: the first row of the `rule` table in `rules.toml` that matches wins.

A row matches on any of `kind`, `policy_type`, `deny_kind`, `principal_kind` (a value, a list of
values, `"any"` for any non-empty value, `"none"` for an empty one) and `transitive` (whether the
message says `transitively through`). Fields a row leaves out match anything.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from core.record import DenialRecord
from core.remediation.catalog import rules


@dataclass(frozen=True, slots=True)
class Selection:
    """The scenario that applies and the warnings its row adds."""

    scenario: str
    warnings: tuple[str, ...]


def _field_matches(expected: Any, actual: str | None) -> bool:
    if expected == "any":
        return actual is not None
    if expected == "none":
        return actual is None
    if isinstance(expected, list):
        return actual in expected
    return bool(actual == expected)


# What a row can match on: (kind, policy_type, deny_kind, principal_kind, transitive).
_Key = tuple[str, str | None, str | None, str | None, bool]
_MATCHED = ("kind", "policy_type", "deny_kind", "principal_kind")


def _key(record: DenialRecord) -> _Key:
    return (
        record.kind.value,
        record.policy_type.value if record.policy_type else None,
        record.deny_kind.value if record.deny_kind else None,
        record.principal.kind.value if record.principal else None,
        record.transitive_through is not None,
    )


def _row_matches(row: Mapping[str, Any], key: _Key) -> bool:
    for name, actual in zip(_MATCHED, key[:4], strict=True):
        if name in row and not _field_matches(row[name], actual):
            return False
    return "transitive" not in row or row["transitive"] == key[4]


def select(record: DenialRecord) -> Selection:
    """The scenario for this denial; the table's last row matches everything."""
    return _select(_key(record))


@lru_cache(maxsize=1024)  # the keys are a few enum values: a handful of combinations in practice
def _select(key: _Key) -> Selection:
    for row in rules()["rule"]:
        if _row_matches(row, key):
            return Selection(row["scenario"], tuple(row.get("warnings", ())))
    raise LookupError("rules.toml: the rule table has no catch-all last row")
