"""The digest model: everything the weekly digest says about one workspace and one period.

Pure data (pydantic v2, no database): `core.store.digest_queries.compute_digest` fills it from SQL
aggregates; `render_text` and the Slack Block Kit view render it. `DigestReport` is what
`iamdeny digest --json` prints; its JSON schema is kept in `docs/digest.schema.json`.

Vocabulary (every count is per workspace and per period unless a field says otherwise):

- an *incident* is one recorded denial; its *fingerprint* names "the same denial" (see
  `core.fingerprint`).
- a fingerprint seen in the period is *new* when the workspace had no incident with it before the
  period's start, and *returning* otherwise; new + returning = distinct fingerprints.
- a fingerprint is *recurring* when it is returning, or was recorded at least twice in the period;
  otherwise it is a *one-off*. recurring + one-off = distinct fingerprints.
- change figures compare the period with `Period.previous()`: `delta = current - previous`,
  `percent = 100 * delta / previous` rounded to one decimal, null when `previous` is 0.
"""

from __future__ import annotations

import datetime as dt
from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from core.digest.period import Period

__all__ = [
    "SCHEMA_VERSION",
    "Breakdown",
    "Change",
    "Comparison",
    "DayCount",
    "Digest",
    "DigestReport",
    "OpenIncident",
    "RecurringDenial",
    "Resolution",
    "Totals",
    "change",
]

SCHEMA_VERSION = 1


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True)


class Totals(_Frozen):
    """Headline counts for the period."""

    incidents: int = Field(description="Incidents recorded in the period.")
    distinct_fingerprints: int = Field(description="Distinct denials (fingerprints) in the period.")
    distinct_reporters: int = Field(description="Distinct Slack users who reported them.")
    distinct_channels: int = Field(description="Distinct channels they were reported in.")
    new_fingerprints: int = Field(description="Fingerprints never seen before the period's start.")
    returning_fingerprints: int = Field(description="Fingerprints also seen before the start.")
    recurring_fingerprints: int = Field(
        description="Returning fingerprints, plus new ones recorded at least twice in the period."
    )
    one_off_fingerprints: int = Field(
        description="Fingerprints recorded once in the period and never before."
    )


class Change(_Frozen):
    """One figure in this period against the previous one."""

    current: int
    previous: int
    delta: int = Field(description="current - previous.")
    percent: float | None = Field(
        description="100 * delta / previous, one decimal; null when previous is 0."
    )


def change(current: int, previous: int) -> Change:
    """The `Change` from `previous` to `current`."""
    delta = current - previous
    percent = round(100.0 * delta / previous, 1) if previous else None
    return Change(current=current, previous=previous, delta=delta, percent=percent)


class Comparison(_Frozen):
    """This period against the one just before it."""

    previous_period: Period
    incidents: Change
    distinct_fingerprints: Change
    distinct_reporters: Change


class Resolution(_Frozen):
    """How a denial was last fixed: the most recent resolved incident with this fingerprint."""

    incident_id: int
    resolved_at: datetime | None
    resolved_by: str | None = Field(description="Slack user id of whoever resolved it.")
    note: str | None = Field(description="The resolution note, as written.")


class RecurringDenial(_Frozen):
    """One recurring denial and what the workspace knows about it.

    The descriptive fields (principal, action, resource, ...) are those of the most recent incident
    with this fingerprint in the period. Counts are for the period, except `first_seen` (the
    workspace's first incident with this fingerprint ever) and `last_resolution` (any time).
    """

    fingerprint: str
    principal_arn: str | None = Field(description="Principal of the latest incident, as written.")
    role: str | None = Field(description="Role (or user) name of the principal, when known.")
    account_id: str | None = Field(description="The principal's account.")
    action: str | None
    resource: str | None
    policy_type: str | None
    deny_kind: str | None
    count: int = Field(description="Incidents with this fingerprint in the period.")
    distinct_reporters: int
    channels: list[str] = Field(description="Channels it was reported in, busiest first (max 10).")
    channel_count: int = Field(description="Number of distinct channels (may exceed `channels`).")
    first_seen: datetime = Field(description="First incident ever with this fingerprint.")
    first_seen_in_period: datetime
    last_seen: datetime
    new: bool = Field(description="First seen in this period.")
    open: int = Field(description="Incidents in the period still open.")
    resolved: int = Field(description="Incidents in the period resolved.")
    ignored: int = Field(description="Incidents in the period marked ignored.")
    last_resolution: Resolution | None = None
    example_incident_id: int = Field(description="The latest incident with this fingerprint.")


class Breakdown(_Frozen):
    """Incidents of the period grouped by one attribute; `key` null when the denial did not say."""

    key: str | None
    incidents: int
    distinct_fingerprints: int


class OpenIncident(_Frozen):
    """An incident still open, among the workspace's oldest (reported before the period's end)."""

    id: int
    reported_at: datetime
    age_days: float = Field(description="Days from `reported_at` to the period's end, one decimal.")
    summary: str = Field(description="One line: action, principal, resource, policy and deny kind.")
    fingerprint: str
    channel: str | None
    reporter: str | None


class DayCount(_Frozen):
    """Incidents on one day of the period (zero for days with none)."""

    date: dt.date
    start: datetime
    end: datetime
    incidents: int


class Digest(_Frozen):
    """The digest of one workspace for one period."""

    schema_version: int = Field(default=SCHEMA_VERSION, description="Bumped on breaking change.")
    team_id: str = Field(description="Slack workspace (team) id; `cli` for command-line records.")
    generated_at: datetime
    period: Period
    totals: Totals
    comparison: Comparison
    top_recurring: list[RecurringDenial] = Field(
        description="Recurring denials by count, then distinct reporters, then latest, then "
        "fingerprint."
    )
    by_policy_type: list[Breakdown] = Field(description="By policy type, most incidents first.")
    by_account: list[Breakdown] = Field(description="By principal account, most incidents first.")
    oldest_open: list[OpenIncident] = Field(description="Oldest open incidents, oldest first.")
    per_day: list[DayCount] = Field(description="One point per day of the period, in order.")
    sparkline: str = Field(description="`per_day` as unicode block characters, one per day.")


class DigestReport(_Frozen):
    """What `iamdeny digest --json` prints: one digest per workspace, ordered by team id."""

    schema_version: int = SCHEMA_VERSION
    digests: list[Digest]
