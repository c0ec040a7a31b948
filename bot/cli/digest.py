"""`iamdeny digest`: the digest of recurring denials, per workspace, as text or JSON.

    iamdeny digest                      # every workspace in the store, the last 7 days
    iamdeny digest --team T0123 --week 2026-W47 --tz Europe/Berlin
    iamdeny digest --days 30 --json     # {"schema_version": 1, "digests": [...]}
    iamdeny digest --post               # post last week's digest to each workspace's channel
    iamdeny digest --schedule           # the `worker`: post each digest on its weekday and hour

The JSON schema is `docs/digest.schema.json` (pydantic's schema of `core.digest.DigestReport`).
Exit status: 0 on success (also when the store has no incidents yet), 1 when the database is not
usable (or, with --post, when a post failed), 2 on bad usage (an impossible week, an unknown time
zone, a bad setting).

`--post` posts to each workspace's digest channel (its settings) in its language, exactly once per
workspace, channel and period however many processes run (`bot.digest_post`): by default the last
complete ISO week in the workspace's time zone (what the worker posts on Monday), `--week` a given
one, `--days N` the N complete days before today there. One line per workspace says posted,
already posted, in progress, skipped (why) or failed (why). `--schedule` runs `bot.scheduler` until
SIGTERM or SIGINT.
"""

from __future__ import annotations

import argparse
import sys
from datetime import datetime
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from core.digest import Period


def register(subparsers: Any) -> None:
    """Add the `digest` subcommand."""
    parser = subparsers.add_parser(
        "digest",
        help="digest of recurring denials per workspace",
        description="Summarise recorded incidents per workspace: totals, new vs recurring "
        "denials, the top recurring ones, by policy type and account, change against the previous "
        "period, the oldest open incidents and a per-day sparkline. Reads $DATABASE_URL.",
    )
    parser.add_argument(
        "--team",
        action="append",
        metavar="TEAM",
        help="workspace (team) id; repeatable; default: every workspace in the store",
    )
    when = parser.add_mutually_exclusive_group()
    when.add_argument("--week", metavar="YYYY-Www", help="an ISO week, Monday to Sunday")
    when.add_argument(
        "--days", type=int, metavar="N", help="the last N days ending now (default: 7)"
    )
    parser.add_argument(
        "--tz",
        metavar="ZONE",
        help="time zone of the period's days (default: UTC; with --post, each workspace's own)",
    )
    parser.add_argument("--top", type=int, default=10, metavar="N", help="recurring denials listed")
    parser.add_argument("--oldest", type=int, default=5, metavar="N", help="open incidents listed")
    parser.add_argument("--json", action="store_true", help="print the digests as JSON")
    action = parser.add_mutually_exclusive_group()
    action.add_argument(
        "--post",
        action="store_true",
        help="post each workspace's digest to its digest channel (once per channel and period)",
    )
    action.add_argument(
        "--schedule",
        action="store_true",
        help="run the digest worker: post each workspace's digest on its weekday and hour",
    )
    parser.add_argument(
        "--once", action="store_true", help="with --schedule: check once, post what is due, exit"
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    """Compute and print the digests (or post them, or run the worker); the exit status."""
    if args.schedule:
        return _schedule(args)
    if args.post:
        return _post(args)
    if args.once:
        print("iamdeny digest: --once goes with --schedule", file=sys.stderr)
        return 2
    # Heavy imports live in the handler (see bot.cli): `iamdeny --help` stays fast.
    from core.digest import (
        DigestReport,
        PeriodError,
        iso_week,
        last_days,
        render_text,
        zone,
    )

    tz = args.tz or "UTC"
    try:
        zone(tz)
        if args.week:
            period = iso_week(args.week, tz=tz)
        else:
            period = last_days(args.days if args.days is not None else 7)
        if args.top < 0 or args.oldest < 0:
            raise PeriodError("--top and --oldest must not be negative")
    except PeriodError as exc:
        print(f"iamdeny digest: {exc}", file=sys.stderr)
        return 2

    from core.store.digest_queries import compute_digest, digest_teams
    from core.store.engine import Store
    from core.store.schema import SchemaNotReadyError, ensure_schema

    store = Store.open()
    try:
        try:
            ensure_schema(store)
        except SchemaNotReadyError as exc:
            print(f"iamdeny digest: {exc}", file=sys.stderr)
            return 1
        teams = sorted(set(args.team)) if args.team else digest_teams(store)
        digests = [
            compute_digest(store, team, period, top=args.top, oldest=args.oldest) for team in teams
        ]
    finally:
        store.close()

    if args.json:
        sys.stdout.write(DigestReport(digests=digests).model_dump_json(indent=2) + "\n")
    elif not digests:
        print(f"No incidents recorded yet in {store.url}.")
    else:
        sys.stdout.write("\n".join(render_text(digest) for digest in digests))
    return 0


# --- --post and --schedule ----------------------------------------------------------------------


def _post(args: argparse.Namespace) -> int:
    """Post each workspace's digest; one line per workspace; 1 when a post failed."""
    import json
    from datetime import UTC, timedelta

    from bot.digest_post import DigestPoster, PostOutcome
    from bot.settings import Settings, SettingsError
    from core.digest import PeriodError, iso_week, zone
    from core.store import (
        SchemaNotReadyError,
        Store,
        StoreError,
        ensure_schema,
        get_workspace_settings,
        list_workspace_settings,
    )
    from core.store.digest_queries import digest_teams

    try:
        settings = Settings.load()
    except SettingsError as exc:
        print(f"iamdeny digest: {exc}", file=sys.stderr)
        return 2
    try:
        if args.tz:
            zone(args.tz)
        if args.week:
            iso_week(args.week)
        if args.days is not None and not 1 <= args.days <= 366:
            raise PeriodError(f"the number of days must be between 1 and 366, not {args.days}")
        if args.top < 0 or args.oldest < 0:
            raise PeriodError("--top and --oldest must not be negative")
    except PeriodError as exc:
        print(f"iamdeny digest: {exc}", file=sys.stderr)
        return 2

    def period_for(tz: str, now: datetime) -> tuple[Period, str]:
        if args.week:
            period = iso_week(args.week, tz=tz)
            return period, period.label
        if args.days is not None:
            return _complete_days(args.days, tz, now)
        from core.digest import previous_iso_week

        period = previous_iso_week(now=now, tz=tz)
        return period, period.label

    store = Store.open(settings.database_url, hide_parameters=True)
    failed = False
    lines: list[dict[str, object]] = []
    try:
        try:
            ensure_schema(store)
            if args.team:
                teams = sorted(set(args.team))
            else:
                configured = {ws.team_id for ws in list_workspace_settings(store)}
                teams = sorted(configured | set(digest_teams(store)))
        except (SchemaNotReadyError, StoreError) as exc:
            print(f"iamdeny digest: cannot use the database {store.url}: {exc}", file=sys.stderr)
            return 1
        poster = DigestPoster(
            settings,
            store,
            lease=timedelta(seconds=settings.iamdeny_digest_lease_seconds),
            top=args.top,
            oldest=args.oldest,
        )
        if not teams and not args.json:
            print(f"No workspaces in {store.url}: nothing to post.")
        for team in teams:
            try:
                workspace = get_workspace_settings(store, team)
            except StoreError as exc:
                outcome = PostOutcome(team, "failed", f"database error: {type(exc).__name__}")
            else:
                period, key = period_for(args.tz or workspace.timezone, datetime.now(UTC))
                outcome = poster.post(workspace, period, key)
            failed = failed or outcome.failed
            if args.json:
                lines.append(
                    {
                        "team_id": outcome.team_id,
                        "channel_id": outcome.channel_id,
                        "period": outcome.period_key,
                        "status": outcome.status,
                        "detail": outcome.detail,
                        "message_ts": outcome.message_ts,
                    }
                )
            else:
                print(outcome.line(), flush=True)
    finally:
        store.close()
    if args.json:
        sys.stdout.write(json.dumps({"results": lines}, indent=2) + "\n")
    return 1 if failed else 0


def _complete_days(days: int, tz: str, now: datetime) -> tuple[Period, str]:
    """The `days` complete local days before today in `tz`, and their claim key."""
    from datetime import UTC, time, timedelta

    from core.digest import Period, PeriodKind, zone

    local = zone(tz)
    today = now.astimezone(local).date()
    first = today - timedelta(days=days)
    start = datetime.combine(first, time(0), tzinfo=local).astimezone(UTC)
    end = datetime.combine(today, time(0), tzinfo=local).astimezone(UTC)
    label = "last day" if days == 1 else f"last {days} days"
    period = Period(kind=PeriodKind.DAYS, label=label, start=start, end=end, time_zone=tz)
    return period, f"days:{first.isoformat()}..{today.isoformat()}"


def _schedule(args: argparse.Namespace) -> int:
    """Run the digest worker until SIGTERM/SIGINT (or one check with --once)."""
    if args.week or args.days is not None or args.json or args.team:
        print(
            "iamdeny digest: --schedule takes no --week, --days, --team or --json "
            "(each workspace's schedule decides)",
            file=sys.stderr,
        )
        return 2
    import signal
    import threading

    from bot.cli.serve import configure_logging
    from bot.scheduler import DigestScheduler
    from bot.settings import Settings, SettingsError
    from core.store import SchemaNotReadyError, Store, StoreError, ensure_schema

    try:
        settings = Settings.load()
    except SettingsError as exc:
        print(f"iamdeny digest: {exc}", file=sys.stderr)
        return 2
    configure_logging(settings.iamdeny_log_level)
    store = Store.open(settings.database_url, hide_parameters=True)
    try:
        try:
            ensure_schema(store)
        except (SchemaNotReadyError, StoreError) as exc:
            print(f"iamdeny digest: cannot use the database {store.url}: {exc}", file=sys.stderr)
            return 2
        stop = threading.Event()

        def on_signal(signum: int, frame: object) -> None:
            stop.set()

        previous = {sig: signal.signal(sig, on_signal) for sig in (signal.SIGTERM, signal.SIGINT)}
        try:
            DigestScheduler(settings, store).run(stop, max_ticks=1 if args.once else None)
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)
    finally:
        store.close()
    return 0
