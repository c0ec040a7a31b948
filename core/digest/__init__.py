"""The weekly digest of recurring denials: its data model, periods and text rendering.

Pure: no database here. `core.store.digest_queries.compute_digest` computes a `Digest` with SQL
aggregates; `render_text` turns one into readable text; the Slack view renders the same model.
"""

from __future__ import annotations

from core.digest.model import (
    SCHEMA_VERSION,
    Breakdown,
    Change,
    Comparison,
    DayCount,
    Digest,
    DigestReport,
    OpenIncident,
    RecurringDenial,
    Resolution,
    Totals,
    change,
)
from core.digest.period import (
    Day,
    Period,
    PeriodError,
    PeriodKind,
    iso_week,
    iso_week_label,
    last_days,
    previous_iso_week,
    zone,
)
from core.digest.render import incident_summary, render_text, sparkline

__all__ = [
    "SCHEMA_VERSION",
    "Breakdown",
    "Change",
    "Comparison",
    "Day",
    "DayCount",
    "Digest",
    "DigestReport",
    "OpenIncident",
    "Period",
    "PeriodError",
    "PeriodKind",
    "RecurringDenial",
    "Resolution",
    "Totals",
    "change",
    "incident_summary",
    "iso_week",
    "iso_week_label",
    "last_days",
    "previous_iso_week",
    "render_text",
    "sparkline",
    "zone",
]
