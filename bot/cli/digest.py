"""`iamdeny digest`: the digest of recurring denials, per workspace, as text or JSON.

    iamdeny digest                      # every workspace in the store, the last 7 days
    iamdeny digest --team T0123 --week 2026-W47 --tz Europe/Berlin
    iamdeny digest --days 30 --json     # {"schema_version": 1, "digests": [...]}

The JSON schema is `docs/digest.schema.json` (pydantic's schema of `core.digest.DigestReport`).
Exit status: 0 on success (also when the store has no incidents yet), 1 when the database is not
usable, 2 on bad usage (an impossible week, an unknown time zone).
"""

from __future__ import annotations

import argparse
import sys
from typing import Any


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
        "--tz", default="UTC", metavar="ZONE", help="time zone of --week's days (default: UTC)"
    )
    parser.add_argument("--top", type=int, default=10, metavar="N", help="recurring denials listed")
    parser.add_argument("--oldest", type=int, default=5, metavar="N", help="open incidents listed")
    parser.add_argument("--json", action="store_true", help="print the digests as JSON")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    """Compute and print the digests; returns the exit status."""
    # Heavy imports live in the handler (see bot.cli): `iamdeny --help` stays fast.
    from core.digest import (
        DigestReport,
        PeriodError,
        iso_week,
        last_days,
        render_text,
        zone,
    )

    try:
        zone(args.tz)
        if args.week:
            period = iso_week(args.week, tz=args.tz)
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
