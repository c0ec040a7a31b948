"""Soak run of the reliability scenarios at full size (issue 5, items 1, 2 and 4), with figures.

    python bench/bench_soak.py                          # all three, PostgreSQL (~8 minutes)
    python bench/bench_soak.py --only load --db sqlite
    python bench/bench_soak.py --only outage --json

The same scenarios as tests/reliability (tests/reliability/scenarios.py), sized as the issue asks:

1. `load`: signed message events at 50/s for 60 s plus a 200-event burst at half-time, payloads of
   200 to 40,000 characters (denials and chatter), against `iamdeny serve` (2 workers x 8 threads).
2. `duplicates`: 1,000 messages, each delivered 4 times (first delivery, a retry at once, retries 3
   and 6 s later; 100 of them all four at the same instant) across two `iamdeny serve` processes
   on one database.
3. `outage`: 20 events/s for 90 s against `iamdeny serve` on a dedicated, throwaway PostgreSQL
   cluster (initdb in a temporary directory, a free port), stopped for 60 s in the middle; the
   serve process group SIGKILLed and restarted twice (before and during the outage). Events that
   got a non-2xx are redelivered by the player (0.5 s, 30 s, 65 s after each failure: a compressed
   stand-in for Slack's at once / 1 min / 5 min).

Load and duplicates run on a database of their own: PostgreSQL `iamdeny_soak_<pid>` created on
`--pg-url` (dropped at the end), or a SQLite file in a temporary directory. Everything is on
loopback; every loop is bounded in count and time. Prints each scenario's figures (ack p50/p99,
reply latency, statuses, lost/doubled incidents, missing/double replies, drain after recovery) and
exits 1 if any scenario lost, doubled or failed to answer something.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
for _path in (ROOT, ROOT / "tests", ROOT / "tests" / "reliability", ROOT / "bench"):
    if str(_path) not in sys.path:
        sys.path.insert(0, str(_path))

SCENARIOS = ("load", "duplicates", "outage")


@contextlib.contextmanager
def soak_database(db: str, pg_url: str) -> Iterator[str]:
    """A fresh database migrated to head, removed afterwards."""
    from relharness import migrate

    if db == "sqlite":
        folder = tempfile.mkdtemp(prefix="iamdeny_soak_")
        url = f"sqlite:///{folder}/soak.db"
        try:
            migrate(url)
            yield url
        finally:
            shutil.rmtree(folder, ignore_errors=True)
        return
    import psycopg
    from psycopg import sql
    from sqlalchemy.engine import make_url

    name = f"iamdeny_soak_{os.getpid()}"
    with psycopg.connect(pg_url, autocommit=True, connect_timeout=10) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        url = (
            make_url(pg_url)
            .set(drivername="postgresql+psycopg", database=name)
            .render_as_string(hide_password=False)
        )
        migrate(url)
        yield url
    finally:
        with psycopg.connect(pg_url, autocommit=True, connect_timeout=10) as conn:
            conn.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )


def run(args: argparse.Namespace) -> tuple[list[dict[str, Any]], bool]:
    from fakeslack import FakeSlack
    from scenarios import run_duplicates, run_load, run_outage

    results: list[dict[str, Any]] = []
    clean = True
    with tempfile.TemporaryDirectory(prefix="bench_soak_logs_") as tmp:
        logs = args.logs or Path(tmp)
        logs.mkdir(parents=True, exist_ok=True)
        for name in args.only:
            began = time.monotonic()
            with FakeSlack() as fake:
                if name == "load":
                    with soak_database(args.db, args.pg_url) as url:
                        figures, verdict = run_load(
                            fake, url, logs, rate=50.0, seconds=args.seconds, burst=200
                        )
                    ok = verdict.clean and figures["non_2xx"] == 0
                elif name == "duplicates":
                    with soak_database(args.db, args.pg_url) as url:
                        figures, verdict, problems = run_duplicates(
                            fake, url, logs, messages=1000, races=100, rate=50.0, later=3.0
                        )
                    figures["delivery_problems"] = problems[:5]
                    ok = verdict.clean and figures["non_2xx"] == 0 and not problems
                else:
                    figures, verdict = run_outage(
                        fake,
                        logs,
                        rate=20.0,
                        before=15.0,
                        outage=args.outage,
                        after=15.0,
                        settle=args.settle,
                        slow_posts_at_kill=args.slow_posts_at_kill,
                    )
                    ok = verdict.clean and figures["given_up_by_player"] == 0
            figures["database"] = "postgresql (dedicated cluster)" if name == "outage" else args.db
            figures["wall_seconds"] = round(time.monotonic() - began, 1)
            figures["ok"] = ok
            clean = clean and ok
            results.append(figures)
            if not args.json:
                print_figures(figures)
    return results, clean


def print_figures(f: dict[str, Any]) -> None:
    ack = f.get("ack_ms", {})
    print(
        f"== {f['scenario']} ({f['database']}, {f['wall_seconds']} s): "
        f"{'OK' if f['ok'] else 'FAILED'} — {f['verdict']}"
    )
    print(
        f"   requests {f['requests']}, statuses {f['statuses']}, ack p50 {ack.get('p50')} ms, "
        f"p99 {ack.get('p99')} ms, max {ack.get('max')} ms; load average {f['load_average']}"
    )
    skip = {
        "scenario",
        "database",
        "wall_seconds",
        "ok",
        "verdict",
        "requests",
        "statuses",
        "ack_ms",
        "load_average",
    }
    for key, value in f.items():
        if key not in skip:
            print(f"   {key}: {json.dumps(value)}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument(
        "--only",
        type=lambda v: [s for s in v.split(",") if s],
        default=list(SCENARIOS),
        help="comma-separated scenarios: load,duplicates,outage (default: all)",
    )
    parser.add_argument("--db", choices=("postgres", "sqlite"), default="postgres")
    parser.add_argument("--pg-url", default="postgresql://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--seconds", type=float, default=60.0, help="load duration (default 60)")
    parser.add_argument("--outage", type=float, default=60.0, help="outage length (default 60)")
    parser.add_argument(
        "--settle",
        type=float,
        default=150.0,
        help="after the outage run, watch this long for late duplicate replies (default 150: "
        "longer than the recovery sweep's 2-minute takeover lease)",
    )
    parser.add_argument(
        "--slow-posts-at-kill",
        type=float,
        default=3.0,
        help="delay Slack's chat.postMessage answers by this many seconds just before the first "
        "kill, so replies are in flight when the process dies (default 3; 0 to disable)",
    )
    parser.add_argument("--logs", type=Path, help="keep the servers' logs in this directory")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args(argv)
    unknown = [s for s in args.only if s not in SCENARIOS]
    if unknown:
        parser.error(f"unknown scenario(s): {', '.join(unknown)}")
    if not (0 < args.seconds <= 600 and 0 < args.outage <= 600 and 0 <= args.settle <= 600):
        parser.error("--seconds, --outage and --settle must be in (0, 600]")
    results, clean = run(args)
    if args.json:
        print(json.dumps(results, indent=2))
    return 0 if clean else 1


if __name__ == "__main__":
    raise SystemExit(main())
