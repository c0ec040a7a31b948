"""The weekly digest as a Slack message, from `core.digest.model.Digest`.

Totals and their change against the previous period, a per-day sparkline, the top recurring
denials (count, who, policy, reporters, status, last fix), incidents by policy type and by
account, and the oldest open incidents. Long lists are capped so the message stays well inside
Slack's limits (about 20 blocks).
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Final
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.render import fmt
from bot.render.blocks import Block, context, header, section
from bot.render.escape import clean, clean_inline
from bot.render.incidents import resolved_note_text
from bot.render.labels import policy_label, policy_type_label
from bot.render.limits import FALLBACK_TARGET, fit
from bot.render.message import SlackMessage
from bot.render.texts import check_lang, t

if TYPE_CHECKING:
    from core.digest.model import Breakdown, Change, Digest, RecurringDenial

__all__ = ["recurring_line", "render_digest"]

TOP_RECURRING_MAX: Final = 10
BREAKDOWN_MAX: Final = 8
OLDEST_OPEN_MAX: Final = 10
_CHANNELS_SHOWN: Final = 3
_PER_DAY_LABELS_MAX: Final = 14

_WEEKDAY_SHORT: Final = (
    "weekday_short.mon",
    "weekday_short.tue",
    "weekday_short.wed",
    "weekday_short.thu",
    "weekday_short.fri",
    "weekday_short.sat",
    "weekday_short.sun",
)


def _change(item: Change, lang: str) -> str:
    if item.delta == 0:
        return t(lang, "digest.change_same", previous=item.previous)
    delta = f"{item.delta:+d}"
    if item.percent is None:
        return t(lang, "digest.change_from_zero", delta=delta, previous=item.previous)
    return t(
        lang, "digest.change", delta=delta, percent=f"{item.percent:+.1f}%", previous=item.previous
    )


def _title(digest: Digest, lang: str) -> str:
    period = digest.period
    if period.kind == "iso_week":  # PeriodKind.ISO_WEEK (a StrEnum)
        return t(lang, "digest.title_week", week=period.label)
    days = max(1, round((period.end - period.start).total_seconds() / 86400))
    return t(lang, "digest.title_days", days=days)


def _range(digest: Digest, lang: str) -> str:
    period = digest.period
    try:
        zone = ZoneInfo(period.time_zone)
    except (ZoneInfoNotFoundError, ValueError):
        zone = ZoneInfo("UTC")
    first = period.start.astimezone(zone).date()
    last = (period.end - timedelta(seconds=1)).astimezone(zone).date()
    return t(
        lang,
        "digest.range",
        start=first.isoformat(),
        end=last.isoformat(),
        zone=clean(period.time_zone, 60),
    )


def _channels(item: RecurringDenial, lang: str) -> str:
    shown = ", ".join(fmt.channel(c) for c in item.channels[:_CHANNELS_SHOWN] if c)
    extra = item.channel_count - min(len(item.channels), _CHANNELS_SHOWN)
    if shown and extra > 0:
        return t(lang, "digest.more_channels", channels=shown, count=extra)
    return shown


def recurring_line(item: RecurringDenial, lang: str, rank: int | None = None) -> str:
    """mrkdwn about one recurring denial: count, action, who, where; policy, reporters, status;
    its last resolution. Used by the digest and App Home."""
    what = clean_inline(item.action, 200) if item.action else t(lang, "digest.unknown_action")
    head = t(lang, "recurring.head", count=item.count, action=what)
    if rank is not None:
        head = f"*{rank}.* {head}"
    who = item.role or item.principal_arn
    if who:
        head += " " + t(lang, "recurring.by", who=clean_inline(who, 200))
    if item.resource:
        head += " " + t(lang, "recurring.on", resource=clean_inline(item.resource, 300))
    if item.new:
        head += " " + t(lang, "recurring.new")
    status = t(
        lang,
        "recurring.status_one" if item.distinct_reporters == 1 else "recurring.status",
        people=item.distinct_reporters,
        open=item.open,
        resolved=item.resolved,
    )
    if item.ignored:
        status += " " + t(lang, "recurring.ignored", ignored=item.ignored)
    second = [policy_label(item.policy_type, item.deny_kind, lang), status, _channels(item, lang)]
    lines = [head, " · ".join(p for p in second if p)]
    if item.last_resolution is not None:
        lines.append(resolved_note_text(item.last_resolution, lang, previous=True))
    return "\n".join(lines)


def _breakdown(rows: list[Breakdown], lang: str, *, accounts: bool) -> str:
    if not rows:
        return t(lang, "digest.none")
    lines = []
    for row in rows[:BREAKDOWN_MAX]:
        if row.key is None:
            name = t(lang, "digest.unknown")
        elif accounts:
            name = clean_inline(row.key, 60)
        else:
            name = policy_type_label(row.key, lang)
        lines.append(t(lang, "digest.breakdown_line", name=name, count=row.incidents))
    if len(rows) > BREAKDOWN_MAX:
        rest = sum(row.incidents for row in rows[BREAKDOWN_MAX:])
        lines.append(t(lang, "digest.breakdown_rest", count=rest))
    return "\n".join(lines)


def _per_day(digest: Digest, lang: str) -> str:
    text = f"*{t(lang, 'digest.per_day')}*  `{digest.sparkline or '-'}`"
    if 0 < len(digest.per_day) <= _PER_DAY_LABELS_MAX:
        days = [
            f"{t(lang, _WEEKDAY_SHORT[d.date.weekday()])} {d.incidents}" for d in digest.per_day
        ]
        text += "\n" + " · ".join(days)
    return text


def render_digest(digest: Digest, lang: str) -> SlackMessage:
    """The weekly digest of one workspace as a Slack message in `lang`."""
    check_lang(lang)
    totals = digest.totals
    cmp = digest.comparison
    title = _title(digest, lang)
    blocks: list[Block] = [
        header(title, block_id="iamdeny_digest_head"),
        context([_range(digest, lang)], block_id="iamdeny_digest_range"),
    ]
    if totals.incidents == 0:
        blocks.append(
            section(
                t(lang, "digest.quiet", previous=cmp.incidents.previous),
                block_id="iamdeny_digest_quiet",
            )
        )
    else:

        def figure(key: str, value: int, change: Change | None = None) -> str:
            out = f"*{t(lang, key)}*\n*{value}*"
            return out + (f"  {_change(change, lang)}" if change is not None else "")

        blocks.append(
            section(
                fields=[
                    figure("digest.incidents", totals.incidents, cmp.incidents),
                    figure(
                        "digest.distinct", totals.distinct_fingerprints, cmp.distinct_fingerprints
                    ),
                    figure("digest.reporters", totals.distinct_reporters, cmp.distinct_reporters),
                    figure("digest.channels", totals.distinct_channels),
                    f"*{t(lang, 'digest.new_returning')}*\n"
                    + t(
                        lang,
                        "digest.new_returning_value",
                        new=totals.new_fingerprints,
                        returning=totals.returning_fingerprints,
                    ),
                    f"*{t(lang, 'digest.recurring_one_off')}*\n"
                    + t(
                        lang,
                        "digest.recurring_one_off_value",
                        recurring=totals.recurring_fingerprints,
                        one_off=totals.one_off_fingerprints,
                    ),
                ],
                block_id="iamdeny_digest_totals",
            )
        )
        blocks.append(section(_per_day(digest, lang), block_id="iamdeny_digest_days"))
        blocks.append(
            section(f"*{t(lang, 'digest.top_recurring')}*", block_id="iamdeny_digest_top")
        )
        if not digest.top_recurring:
            blocks.append(section(t(lang, "digest.no_recurring"), block_id="iamdeny_digest_top_0"))
        for rank, item in enumerate(digest.top_recurring[:TOP_RECURRING_MAX], 1):
            blocks.append(
                section(recurring_line(item, lang, rank), block_id=f"iamdeny_digest_top_{rank}")
            )
        blocks.append(
            section(
                fields=[
                    f"*{t(lang, 'digest.by_policy_type')}*\n"
                    + _breakdown(digest.by_policy_type, lang, accounts=False),
                    f"*{t(lang, 'digest.by_account')}*\n"
                    + _breakdown(digest.by_account, lang, accounts=True),
                ],
                block_id="iamdeny_digest_breakdown",
            )
        )
    lines = [f"*{t(lang, 'digest.oldest_open')}*"]
    for incident in digest.oldest_open[:OLDEST_OPEN_MAX]:
        lines.append(
            t(
                lang,
                "digest.open_line",
                id=incident.id,
                days=f"{incident.age_days:.1f}",
                summary=clean(incident.summary, 300),
            )
        )
    if not digest.oldest_open:
        lines.append(t(lang, "digest.no_open"))
    elif len(digest.oldest_open) > OLDEST_OPEN_MAX:
        lines.append(t(lang, "incidents.more", count=len(digest.oldest_open) - OLDEST_OPEN_MAX))
    blocks.append(section("\n".join(lines), block_id="iamdeny_digest_open"))
    blocks.append(context([t(lang, "digest.footer")], block_id="iamdeny_digest_footer"))

    fallback = [
        f"{title}: "
        + t(
            lang,
            "digest.fallback",
            incidents=totals.incidents,
            change=_change(cmp.incidents, lang),
            distinct=totals.distinct_fingerprints,
        )
    ]
    for rank, item in enumerate(digest.top_recurring[:3], 1):
        what = clean(item.action, 100) if item.action else t(lang, "digest.unknown_action")
        fallback.append(f"{rank}. {what} ×{item.count}")
    return SlackMessage(text=fit("\n".join(fallback), FALLBACK_TARGET), blocks=blocks)
