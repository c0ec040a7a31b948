"""Plain-text rendering of a digest, the sparkline, and the one-line incident summary.

All pure functions of the digest model; the Slack Block Kit view is built the same way elsewhere.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from core.digest.model import Breakdown, Change, Digest, RecurringDenial

__all__ = ["SPARK_CHARS", "incident_summary", "render_text", "sparkline"]

SPARK_CHARS = "▁▂▃▄▅▆▇█"


def sparkline(values: Sequence[int]) -> str:
    """One block character per value: `▁` for zero, `█` for the maximum, `▂`..`▇` in between.

    Any non-zero value gets at least `▂`, so a quiet day never looks like an empty one. An empty
    sequence gives an empty string; all zeros give a flat line of `▁`.
    """
    top = max(values, default=0)
    if top <= 0:
        return SPARK_CHARS[0] * len(values)
    out = []
    for value in values:
        if value <= 0:
            out.append(SPARK_CHARS[0])
        else:
            level = 1 + round((value / top) * (len(SPARK_CHARS) - 2))
            out.append(SPARK_CHARS[min(level, len(SPARK_CHARS) - 1)])
    return "".join(out)


def incident_summary(
    *,
    action: str | None,
    principal: str | None,
    resource: str | None,
    policy_type: str | None,
    deny_kind: str | None,
    kind: str | None = None,
) -> str:
    """One line such as `s3:PutObject by deploy on arn:aws:s3:::b/k (explicit deny, scp)`.

    Parts that are unknown are left out; with no action, the denial kind stands in for it.
    """
    parts = [action or (kind.replace("_", " ") if kind else "denied request")]
    if principal:
        parts.append(f"by {principal}")
    if resource:
        parts.append(f"on {resource}")
    why = [p for p in (f"{deny_kind} deny" if deny_kind else None, policy_type) if p]
    text = " ".join(parts)
    return f"{text} ({', '.join(why)})" if why else text


def _when(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M")


def _change(item: Change) -> str:
    sign = "+" if item.delta > 0 else ""
    pct = f", {sign}{item.percent:.1f}%" if item.percent is not None else ""
    return f"{sign}{item.delta}{pct} vs {item.previous}"


def _breakdown(rows: Sequence[Breakdown]) -> str:
    if not rows:
        return "none"
    return " · ".join(f"{row.key or 'unknown'} {row.incidents}" for row in rows)


def _denial_lines(rank: int, item: RecurringDenial) -> list[str]:
    who = item.role or item.principal_arn or "unknown principal"
    kind = ", ".join(
        p for p in (item.policy_type, f"{item.deny_kind} deny" if item.deny_kind else None) if p
    )
    head = f"{rank:>2}. {item.count}× {item.action or 'unknown action'} by {who}"
    if item.resource:
        head += f" on {item.resource}"
    if kind:
        head += f" [{kind}]"
    if item.new:
        head += " (new)"
    channels = ", ".join(f"#{c}" for c in item.channels)
    if item.channel_count > len(item.channels):
        channels += f" +{item.channel_count - len(item.channels)} more"
    lines = [
        head,
        f"      {item.distinct_reporters} reporter(s) · {channels or 'no channel'} · "
        f"first seen {_when(item.first_seen)} · last {_when(item.last_seen)} · "
        f"{item.open} open / {item.resolved} resolved"
        + (f" / {item.ignored} ignored" if item.ignored else ""),
    ]
    fix = item.last_resolution
    if fix is not None:
        by = f" by {fix.resolved_by}" if fix.resolved_by else ""
        at = f" on {_when(fix.resolved_at)}" if fix.resolved_at else ""
        note = f': "{fix.note}"' if fix.note else ""
        lines.append(f"      last fixed{by}{at} (incident #{fix.incident_id}){note}")
    return lines


def render_text(digest: Digest) -> str:
    """The digest as readable plain text (what `iamdeny digest` prints without `--json`)."""
    period = digest.period
    tz = "" if period.time_zone == "UTC" else f", {period.time_zone}"
    totals = digest.totals
    cmp = digest.comparison
    lines = [
        f"iamdeny digest · workspace {digest.team_id} · {period.label}",
        f"{_when(period.start)} → {_when(period.end)} UTC{tz}",
        "",
        f"Incidents: {totals.incidents} ({_change(cmp.incidents)})",
        f"Distinct denials: {totals.distinct_fingerprints} ({_change(cmp.distinct_fingerprints)}); "
        f"{totals.new_fingerprints} new, {totals.returning_fingerprints} returning; "
        f"{totals.recurring_fingerprints} recurring, {totals.one_off_fingerprints} one-off",
        f"Reporters: {totals.distinct_reporters} ({_change(cmp.distinct_reporters)}) · "
        f"channels: {totals.distinct_channels}",
        "",
        f"Per day: {digest.sparkline}  "
        + " ".join(f"{d.date:%a} {d.incidents}" for d in digest.per_day)
        if len(digest.per_day) <= 14
        else f"Per day: {digest.sparkline}",
        "",
        "Top recurring denials:",
    ]
    if digest.top_recurring:
        for rank, item in enumerate(digest.top_recurring, 1):
            lines.extend(_denial_lines(rank, item))
    else:
        lines.append("  none")
    lines += [
        "",
        f"By policy type: {_breakdown(digest.by_policy_type)}",
        f"By account: {_breakdown(digest.by_account)}",
        "",
        "Oldest open incidents:",
    ]
    if digest.oldest_open:
        for incident in digest.oldest_open:
            lines.append(f"  #{incident.id} · {incident.age_days:.1f} days · {incident.summary}")
    else:
        lines.append("  none")
    return "\n".join(lines) + "\n"
