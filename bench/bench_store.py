"""Benchmark the incident store: seed N incidents, time the weekly digest and a single insert.

    python bench/bench_store.py                      # 1,000,000 incidents, SQLite and PostgreSQL
    python bench/bench_store.py --n 100000 --db sqlite
    python bench/bench_store.py --db postgres --explain --index-study

What it does, per database:

1. Creates a dedicated database (PostgreSQL: `iamdeny_bench_store` on the server of `--pg-url`,
   dropped at the end unless `--keep`; SQLite: a file under /tmp) and migrates it to head with the
   project's own migrations.
2. Seeds N incidents with a realistic shape (deterministic for a given `--seed`): 200 workspaces
   whose sizes follow a Zipf law (the busiest holds ~21% of all incidents); per workspace a few hot
   fingerprints and a long Zipf tail over thousands; Zipf-distributed reporters and channels; 60
   days of history, rows in arrival (time) order; 85% open, 12% resolved with a note, 3% ignored;
   a ~250-character redacted paste.
   Bulk loading: PostgreSQL `COPY ... FROM STDIN` through psycopg, SQLite `executemany` in one big
   transaction; the secondary indexes are dropped during the load and rebuilt after it, then
   ANALYZE.
3. Times `compute_digest` (last 7 days, top 10, oldest 5) for the busiest workspace: one warm-up,
   then `--runs` runs; prints the median and p99. Also `digest_teams` (the workspace list).
4. Times `record_incidents` (the store's recording API: one message, one denial, its own
   transaction) `--inserts` times; prints p50 and p99.
5. `--explain`: EXPLAIN (ANALYZE, BUFFERS) (PostgreSQL) or EXPLAIN QUERY PLAN (SQLite) of every
   statement the digest runs. `--index-study`: the digest's median with each secondary index
   removed in turn, with none, and with a partial index on open incidents; and the insert p99
   with all secondary indexes against none.

Prints the figures and the process's peak RSS. Goals (issue 3): digest <= 1 s on PostgreSQL and
<= 2 s on SQLite at 1M incidents; insert p99 <= 5 ms.
"""

from __future__ import annotations

import argparse
import bisect
import hashlib
import itertools
import os
import platform
import random
import resource
import sqlite3
import statistics
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import psycopg
from sqlalchemy import Engine, event, text

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from core.digest import Period, last_days  # noqa: E402
from core.record import DenialRecord, DenyKind, PolicyType, PrincipalKind, PrincipalRecord  # noqa: E402
from core.store.digest_queries import compute_digest, digest_teams  # noqa: E402
from core.store.engine import Store  # noqa: E402
from core.store.incidents import record_incidents  # noqa: E402
from core.store.schema import upgrade  # noqa: E402

# The bench's "now": history runs over the 60 days before it.
NOW = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)

COLUMNS = (
    "team_id",
    "channel_id",
    "message_ts",
    "denial_index",
    "thread_ts",
    "event_id",
    "reporter_id",
    "reported_at",
    "kind",
    "principal_arn",
    "principal_account",
    "principal_kind",
    "principal_name",
    "principal_session",
    "role_arn",
    "action",
    "service",
    "resource",
    "resource_account",
    "cross_account",
    "region",
    "policy_type",
    "deny_kind",
    "transitive_through",
    "policy_arn",
    "error_code",
    "operation",
    "fingerprint",
    "paste",
    "status",
    "resolved_by",
    "resolved_at",
    "resolution_note",
    "created_at",
    "updated_at",
)

# The secondary indexes of `incidents` at head: (columns, partial WHERE clause or None). The first
# three come from migration 0001, the last two from 0003 (the digest's). The unique key (team_id,
# channel_id, message_ts, denial_index) is a constraint and always stays.
INDEXES: dict[str, tuple[str, str | None]] = {
    "ix_incidents_team_id_fingerprint_reported_at": ("team_id, fingerprint, reported_at", None),
    "ix_incidents_team_id_status_reported_at": ("team_id, status, reported_at", None),
    "ix_incidents_reported_at": ("reported_at", None),
    "ix_incidents_digest_period": (
        "team_id, reported_at, fingerprint, reporter_id, channel_id, status, policy_type, "
        "principal_account",
        None,
    ),
    "ix_incidents_resolved_fingerprint": (
        "team_id, fingerprint, resolved_at",
        "status = 'resolved'",
    ),
}
# 0001's fourth index, dropped in 0004 (a prefix of ix_incidents_digest_period); still built for
# the variants that measure it.
DROPPED_0004 = ("ix_incidents_team_id_reported_at", ("team_id, reported_at", None))
MIGRATION_0001 = [
    "ix_incidents_team_id_reported_at",
    "ix_incidents_team_id_fingerprint_reported_at",
    "ix_incidents_team_id_status_reported_at",
    "ix_incidents_reported_at",
]
# A candidate, not in the schema: open incidents only, for "oldest open".
PARTIAL_OPEN = ("ix_bench_incidents_open", ("team_id, reported_at", "status = 'open'"))

ACTIONS = [
    "s3:GetObject",
    "s3:PutObject",
    "s3:ListBucket",
    "s3:DeleteObject",
    "kms:Decrypt",
    "kms:GenerateDataKey",
    "kms:Encrypt",
    "sts:AssumeRole",
    "iam:PassRole",
    "iam:CreateRole",
    "ec2:RunInstances",
    "ec2:DescribeInstances",
    "ec2:CreateTags",
    "lambda:InvokeFunction",
    "lambda:UpdateFunctionCode",
    "dynamodb:GetItem",
    "dynamodb:PutItem",
    "dynamodb:Query",
    "sqs:SendMessage",
    "sqs:ReceiveMessage",
    "sns:Publish",
    "logs:CreateLogGroup",
    "logs:PutLogEvents",
    "ecr:GetAuthorizationToken",
    "ecr:BatchGetImage",
    "secretsmanager:GetSecretValue",
    "ssm:GetParameter",
    "cloudformation:CreateStack",
    "glue:StartJobRun",
    "athena:StartQueryExecution",
    "states:StartExecution",
    "eks:DescribeCluster",
    "rds:CreateDBInstance",
    "bedrock:InvokeModel",
    "organizations:DescribeAccount",
]
ROLES = [
    "deploy",
    "ci",
    "terraform",
    "app",
    "etl",
    "analytics",
    "admin",
    "readonly",
    "lambda-exec",
    "ecs-task",
    "github-actions",
    "data-pipeline",
    "backup",
    "monitoring",
    "support",
    "dev",
]
POLICY_TYPES: list[tuple[str | None, float]] = [
    ("identity_based", 0.40),
    ("scp", 0.20),
    ("resource_based", 0.15),
    ("permissions_boundary", 0.08),
    ("session_policy", 0.05),
    ("vpc_endpoint", 0.04),
    ("rcp", 0.03),
    ("role_trust", 0.03),
    (None, 0.02),
]
NOTES = [
    "added the missing statement to the role's policy",
    "excluded the CI role from the SCP deny",
    "bucket policy now allows the account",
    "key policy grants kms:Decrypt to the role",
    "wrong account: redeployed in the sandbox",
    "boundary updated by the platform team",
]


class Zipf:
    """Draws ranks 0..n-1 with probability proportional to 1 / (rank + 1) ** s."""

    def __init__(self, n: int, s: float) -> None:
        weights = [1.0 / (k + 1) ** s for k in range(n)]
        total = sum(weights)
        self.cumulative = list(itertools.accumulate(w / total for w in weights))

    def draw(self, rng: random.Random) -> int:
        return min(bisect.bisect_left(self.cumulative, rng.random()), len(self.cumulative) - 1)


@dataclass(frozen=True, slots=True)
class Denial:
    """The fields of one fingerprint in one workspace."""

    fingerprint: str
    principal_arn: str
    account: str
    role: str
    action: str
    resource: str
    policy_type: str | None
    deny_kind: str | None


def team_id(t: int) -> str:
    return f"T{t:08d}"


def make_denial(team: int, rank: int) -> Denial:
    """The denial of rank `rank` in workspace `team` (deterministic)."""
    h = hashlib.sha256(f"{team}:{rank}".encode()).digest()
    account = f"{100000000000 + (team * 37 + h[0] % 12) % 900000000000:012d}"
    role = ROLES[h[1] % len(ROLES)]
    action = ACTIONS[h[2] % len(ACTIONS)]
    service = action.split(":", 1)[0]
    resource = f"arn:aws:{service}:::{role}-{h[3]:02x}{h[4]:02x}/{rank}"
    pick = (h[5] * 256 + h[6]) / 65536
    policy_type: str | None = None
    for name, weight in POLICY_TYPES:
        pick -= weight
        if pick <= 0:
            policy_type = name
            break
    deny_kind = None if policy_type is None else ("explicit" if h[7] % 3 == 0 else "implicit")
    return Denial(
        fingerprint=h[8:24].hex(),
        principal_arn=f"arn:aws:sts::{account}:assumed-role/{role}/session-{h[9]}",
        account=account,
        role=role,
        action=action,
        resource=resource,
        policy_type=policy_type,
        deny_kind=deny_kind,
    )


def generate(
    n: int, *, teams: int = 200, days: int = 60, seed: int = 7
) -> Iterator[tuple[Any, ...]]:
    """N incident rows in `COLUMNS` order, streamed (memory stays flat whatever N)."""
    rng = random.Random(seed)
    team_zipf = Zipf(teams, 1.1)
    fp_zipf = Zipf(5000, 1.15)  # per workspace: a few hot fingerprints, a long tail
    people_zipf = Zipf(400, 1.0)
    channel_zipf = Zipf(40, 1.2)
    denials: dict[tuple[int, int], Denial] = {}
    span = days * 86400
    start = NOW - timedelta(days=days)
    for i in range(n):
        team = team_zipf.draw(rng)
        rank = fp_zipf.draw(rng)
        denial = denials.get((team, rank))
        if denial is None:
            denial = denials[(team, rank)] = make_denial(team, rank)
        # Incidents arrive in time order (as in production), so the table is clustered by time.
        reported = start + timedelta(seconds=span * (i + rng.random()) / n)
        roll = rng.random()
        resolved_by = resolved_at = note = None
        status = "open"
        if roll < 0.12:
            status = "resolved"
            resolved_by = f"U{people_zipf.draw(rng):06d}"
            resolved_at = min(reported + timedelta(hours=rng.random() * 72), NOW)
            note = NOTES[rng.randrange(len(NOTES))]
        elif roll < 0.15:
            status = "ignored"
        reporter = f"U{people_zipf.draw(rng):06d}"
        channel = f"C{team:04d}{channel_zipf.draw(rng):04d}"
        ts = f"{int(reported.timestamp())}.{i:07d}"
        paste = (
            f"An error occurred (AccessDenied) when calling the operation: User: "
            f"{denial.principal_arn} is not authorized to perform: {denial.action} on resource: "
            f"{denial.resource} because no identity-based policy allows the {denial.action} action"
        )
        yield (
            team_id(team),
            channel,
            ts,
            0,
            None,
            f"Ev{i:010d}",
            reporter,
            reported,
            "not_authorized",
            denial.principal_arn,
            denial.account,
            "assumed_role",
            denial.role,
            "session",
            f"arn:aws:iam::{denial.account}:role/{denial.role}",
            denial.action,
            denial.action.split(":", 1)[0],
            denial.resource,
            None,
            False,
            "us-east-1",
            denial.policy_type,
            denial.deny_kind,
            None,
            None,
            "AccessDenied",
            None,
            denial.fingerprint,
            paste,
            status,
            resolved_by,
            resolved_at,
            note,
            reported,
            resolved_at or reported,
        )


# --- databases -----------------------------------------------------------------------------------


@dataclass
class Target:
    """One database under test."""

    name: str  # "sqlite" or "postgresql"
    url: str
    drop: Callable[[], None]


def sqlite_target(path: Path) -> Target:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)

    def drop() -> None:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)

    return Target("sqlite", f"sqlite:///{path}", drop)


def postgres_target(admin_url: str, name: str) -> Target:
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    base = admin_url.rsplit("/", 1)[0]

    def drop() -> None:
        with psycopg.connect(admin_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    return Target("postgresql", f"{base}/{name}", drop)


def set_indexes(store: Store, wanted: Sequence[str], *, partial_open: bool = False) -> None:
    """Make the secondary indexes exactly `wanted` (plus the partial open one if asked), ANALYZE."""
    candidates = [*INDEXES.items(), DROPPED_0004, PARTIAL_OPEN]
    keep = {name for name, _ in candidates if name in wanted}
    if partial_open:
        keep.add(PARTIAL_OPEN[0])
    with store.engine.begin() as conn:
        for name, _ in candidates:  # drop first: less to maintain while building the others
            if name not in keep:
                conn.execute(text(f"DROP INDEX IF EXISTS {name}"))
        for name, (columns, where) in candidates:
            if name in keep:
                clause = f" WHERE {where}" if where else ""
                conn.execute(
                    text(f"CREATE INDEX IF NOT EXISTS {name} ON incidents ({columns}){clause}")
                )
    analyze(store)


def analyze(store: Store) -> None:
    if store.dialect == "postgresql":
        with store.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("VACUUM ANALYZE incidents"))
    else:
        with store.engine.begin() as conn:
            conn.execute(text("ANALYZE"))


def seed(store: Store, n: int, *, batch: int = 50_000) -> float:
    """Bulk-load N incidents; returns the seconds it took (load + index rebuild + analyze)."""
    began = time.perf_counter()
    set_indexes(store, [])
    rows = generate(n)
    if store.dialect == "postgresql":
        url = store.engine.url.set(drivername="postgresql")
        dsn = url.render_as_string(hide_password=False)
        with psycopg.connect(dsn) as conn, conn.cursor() as cur:
            with cur.copy(f"COPY incidents ({', '.join(COLUMNS)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            conn.commit()
    else:
        path = store.engine.url.database
        assert path is not None
        conn3 = sqlite3.connect(path, isolation_level=None)
        conn3.execute("PRAGMA synchronous = OFF")
        conn3.execute("PRAGMA cache_size = -262144")
        placeholders = ", ".join("?" for _ in COLUMNS)
        sql = f"INSERT INTO incidents ({', '.join(COLUMNS)}) VALUES ({placeholders})"
        when_at = (
            COLUMNS.index("reported_at"),
            COLUMNS.index("resolved_at"),
            COLUMNS.index("created_at"),
            COLUMNS.index("updated_at"),
        )

        def sqlite_row(row: tuple[Any, ...]) -> tuple[Any, ...]:
            out = list(row)
            for k in when_at:
                if out[k] is not None:  # SQLAlchemy's SQLite DATETIME text, naive UTC
                    out[k] = out[k].astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
            return tuple(out)

        conn3.execute("BEGIN")
        while chunk := list(itertools.islice(rows, batch)):
            conn3.executemany(sql, [sqlite_row(r) for r in chunk])
        conn3.execute("COMMIT")
        conn3.close()
    loaded = time.perf_counter()
    set_indexes(store, list(INDEXES))
    print(
        f"  seeded {n:,} rows in {loaded - began:.1f} s, indexes + analyze "
        f"{time.perf_counter() - loaded:.1f} s"
    )
    return time.perf_counter() - began


# --- measurements --------------------------------------------------------------------------------


def percentile(values: Sequence[float], q: float) -> float:
    """The q-quantile (0..1) by linear interpolation."""
    ordered = sorted(values)
    if len(ordered) == 1:
        return ordered[0]
    pos = q * (len(ordered) - 1)
    low = int(pos)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (pos - low)


def busiest_team(store: Store, period: Period) -> tuple[str, int, int]:
    """The workspace with the most incidents in the period: (team, in period, all time)."""
    with store.read() as conn:
        team, count = conn.execute(
            text(
                "SELECT team_id, COUNT(*) AS n FROM incidents WHERE reported_at >= :s "
                "AND reported_at < :e GROUP BY team_id ORDER BY n DESC LIMIT 1"
            ).bindparams(s=_bind(store, period.start), e=_bind(store, period.end))
        ).one()
        total = conn.execute(
            text("SELECT COUNT(*) FROM incidents WHERE team_id = :t"), {"t": team}
        ).scalar_one()
    return str(team), int(count), int(total)


def _bind(store: Store, moment: datetime) -> Any:
    if store.dialect == "sqlite":
        return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
    return moment


def time_digest(store: Store, team: str, period: Period, runs: int) -> list[float]:
    """`runs` timed digests after a warm-up; a single one when the warm-up took over 5 s."""
    began = time.perf_counter()
    compute_digest(store, team, period, now=NOW)  # warm-up
    if time.perf_counter() - began > 5:
        runs = 1
    out = []
    for _ in range(runs):
        began = time.perf_counter()
        compute_digest(store, team, period, now=NOW)
        out.append(time.perf_counter() - began)
    return out


def bench_denial(i: int) -> DenialRecord:
    return DenialRecord(
        principal_arn=f"arn:aws:sts::111122223333:assumed-role/deploy/bench-{i}",
        principal=PrincipalRecord(
            partition="aws",
            account_id="111122223333",
            kind=PrincipalKind.ASSUMED_ROLE,
            name="deploy",
            session=f"bench-{i}",
            role_arn="arn:aws:iam::111122223333:role/deploy",
            role_path_unknown=True,
        ),
        action="s3:PutObject",
        service="s3",
        resource=f"arn:aws:s3:::artifacts/build-{i % 50}.zip",
        policy_type=PolicyType.SCP,
        deny_kind=DenyKind.EXPLICIT,
    )


def time_inserts(store: Store, count: int, team: str, tag: str) -> list[float]:
    paste = "User: arn:aws:sts::111122223333:assumed-role/deploy/bench is not authorized " * 3
    out = []
    for i in range(count):
        began = time.perf_counter()
        record_incidents(
            store,
            team_id=team,
            channel_id="C-bench",
            message_ts=f"{tag}.{i:07d}",
            denials=[bench_denial(i)],
            paste=paste,
            reporter_id="U-bench",
            event_id=f"Ev-{tag}-{i}",
        )
        out.append(time.perf_counter() - began)
    return out


def capture_statements(engine: Engine, run: Callable[[], object]) -> list[tuple[str, Any]]:
    statements: list[tuple[str, Any]] = []

    def before(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        statements.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", before)
    try:
        run()
    finally:
        event.remove(engine, "before_cursor_execute", before)
    return [s for s in statements if s[0].lstrip().upper().startswith(("SELECT", "WITH"))]


def explain(store: Store, team: str, period: Period) -> None:
    statements = capture_statements(
        store.engine, lambda: compute_digest(store, team, period, now=NOW)
    )
    postgres = store.dialect == "postgresql"
    prefix = "EXPLAIN (ANALYZE, BUFFERS) " if postgres else "EXPLAIN QUERY PLAN "
    for number, (statement, parameters) in enumerate(statements, 1):
        with store.engine.connect() as conn:
            took = []
            for _ in range(3):
                began = time.perf_counter()
                conn.exec_driver_sql(statement, parameters).all()
                took.append(time.perf_counter() - began)
            rows = conn.exec_driver_sql(prefix + statement, parameters).all()
        print(
            f"\n  -- digest statement {number} (median of 3: {ms(statistics.median(took))}): "
            f"{' '.join(statement.split())[:100]}..."
        )
        for row in rows:
            print(f"     {row[0] if postgres else row[-1]}")


def ms(seconds: float) -> str:
    return f"{seconds * 1000:8.1f} ms"


def index_study(store: Store, team: str, period: Period, runs: int, inserts: int) -> None:
    everything = list(INDEXES)
    slim = [
        "ix_incidents_team_id_fingerprint_reported_at",
        "ix_incidents_team_id_status_reported_at",
        "ix_incidents_digest_period",
        "ix_incidents_resolved_fingerprint",
    ]
    variants: list[tuple[str, list[str], bool]] = [
        ("head: all five secondary indexes (0001 + 0003 - 0004)", everything, False),
        ("head + (team_id, reported_at), dropped in 0004", [*everything, DROPPED_0004[0]], False),
        *[(f"without {name}", [i for i in everything if i != name], False) for name in everything],
        ("0001's four only (before the digest's 0003)", MIGRATION_0001, False),
        (
            "slim: 0003's two + (team,fingerprint,reported_at) + (team,status,reported_at)",
            slim,
            False,
        ),
        (
            "head, partial (team_id, reported_at) WHERE status='open' instead of (team,status,..)",
            [i for i in everything if i != "ix_incidents_team_id_status_reported_at"],
            True,
        ),
    ]
    print(f"\n  index study ({runs} runs each, busiest workspace, last 7 days):")
    print(f"    {'variant':<88} {'median':>11} {'p99':>11}")
    for label, wanted, partial in variants:
        set_indexes(store, wanted, partial_open=partial)
        times = time_digest(store, team, period, runs)
        print(f"    {label:<88} {ms(statistics.median(times))} {ms(percentile(times, 0.99))}")
    for label, wanted in (
        ("insert at head (five secondary indexes)", everything),
        ("insert with (team_id, reported_at) too (before 0004)", [*everything, DROPPED_0004[0]]),
        ("insert with 0001's four", MIGRATION_0001),
        ("insert with the slim four", slim),
        ("insert with no secondary index (the digest then takes minutes)", []),
    ):
        set_indexes(store, wanted)
        times = time_inserts(
            store, inserts, "T-bench-insert", f"study-{len(wanted)}-{label[12:16]}"
        )
        print(f"    {label:<88} {ms(statistics.median(times))} {ms(percentile(times, 0.99))}")
    set_indexes(store, everything)
    with store.read() as conn:
        for name in everything:
            size = _index_size(store, conn, name)
            if size:
                print(f"    size of {name}: {size}")


def index_buffers(store: Store, team: str, period: Period) -> None:
    """PostgreSQL: each digest statement's execution time and buffers touched, with each secondary
    index dropped in turn inside a rolled-back transaction (DDL is transactional there). Buffer
    counts do not depend on the machine's load, unlike timings."""
    statements = capture_statements(
        store.engine, lambda: compute_digest(store, team, period, now=NOW)
    )
    variants = ["(head)", *INDEXES]
    print("\n  digest statements under EXPLAIN (ANALYZE, BUFFERS), one index dropped at a time")
    print("  (execution ms / shared buffers hit+read; statement numbers as in --explain):")
    print(
        f"    {'dropped index':<46}"
        + "".join(f"{f'#{i}':>16}" for i in range(1, len(statements) + 1))
        + "       total"
    )
    for name in variants:
        if name == "ix_incidents_team_id_fingerprint_reported_at":
            print(f"    {name:<46} (skipped: statement 2 takes minutes without it)")
            continue
        cells = []
        total_ms = 0.0
        total_buffers = 0
        with store.engine.connect() as conn, conn.begin() as tx:
            if name != "(head)":
                conn.execute(text(f"DROP INDEX {name}"))
            for statement, parameters in statements:
                plan = conn.exec_driver_sql(
                    "EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) " + statement, parameters
                ).scalar_one()[0]
                took = float(plan["Execution Time"])
                top = plan["Plan"]
                buffers = int(top.get("Shared Hit Blocks", 0)) + int(
                    top.get("Shared Read Blocks", 0)
                )
                total_ms += took
                total_buffers += buffers
                cells.append(f"{took:7.1f}/{buffers:<7d}")
            tx.rollback()
        print(
            f"    {name:<46}"
            + "".join(f"{c:>16}" for c in cells)
            + f" {total_ms:7.1f}/{total_buffers}"
        )


def relaxed_inserts(store: Store, count: int) -> list[float]:
    """`time_inserts` on a PostgreSQL engine whose sessions set synchronous_commit=off."""
    relaxed = Store.open(
        store.engine.url.render_as_string(hide_password=False),
        connect_args={"options": "-c synchronous_commit=off"},
    )
    try:
        return time_inserts(relaxed, count, "T-bench-insert", "relaxed")
    finally:
        relaxed.close()


def insert_floor(store: Store, count: int = 300) -> list[float]:
    """Single-row INSERT + COMMIT straight through the driver: the disk's durable-commit floor."""
    out = []
    if store.dialect == "postgresql":
        dsn = store.engine.url.set(drivername="postgresql").render_as_string(hide_password=False)
        with psycopg.connect(dsn, autocommit=True) as conn:
            conn.execute("CREATE TABLE IF NOT EXISTS bench_floor (a int)")
            for i in range(count):
                began = time.perf_counter()
                conn.execute("INSERT INTO bench_floor VALUES (%s)", (i,))
                out.append(time.perf_counter() - began)
            conn.execute("DROP TABLE bench_floor")
        return out
    path = store.engine.url.database
    assert path is not None
    conn3 = sqlite3.connect(path, isolation_level=None)
    conn3.execute("PRAGMA synchronous = NORMAL")
    conn3.execute("CREATE TABLE IF NOT EXISTS bench_floor (a int)")
    for i in range(count):
        began = time.perf_counter()
        conn3.execute("BEGIN IMMEDIATE")
        conn3.execute("INSERT INTO bench_floor VALUES (?)", (i,))
        conn3.execute("COMMIT")
        out.append(time.perf_counter() - began)
    conn3.execute("DROP TABLE bench_floor")
    conn3.close()
    return out


def _index_size(store: Store, conn: Any, name: str) -> str | None:
    if store.dialect != "postgresql":
        return None
    value = conn.execute(
        text("SELECT pg_size_pretty(pg_relation_size(CAST(:n AS regclass)))"), {"n": name}
    ).scalar_one_or_none()
    return str(value) if value is not None else None


def run_target(target: Target, args: argparse.Namespace) -> dict[str, float]:
    print(f"\n== {target.name}: {target.url}")
    store = Store.open(target.url)
    figures: dict[str, float] = {}
    try:
        if not args.reuse:
            upgrade(store)
            figures["seed_s"] = seed(store, args.n)
        period = last_days(7, now=NOW)
        team, in_period, total = busiest_team(store, period)
        print(
            f"  busiest workspace {team}: {in_period:,} incidents in the last 7 days, "
            f"{total:,} in all"
        )
        if args.buffers_only:
            if store.dialect == "postgresql":
                index_buffers(store, team, period)
            return {}
        print(
            f"  load average before timing: {' '.join(f'{x:.1f}' for x in os.getloadavg())} "
            f"({os.cpu_count()} CPUs; other processes on the machine skew every figure)"
        )
        times = time_digest(store, team, period, args.runs)
        figures["digest_median_ms"] = statistics.median(times) * 1000
        figures["digest_p99_ms"] = percentile(times, 0.99) * 1000
        print(
            f"  digest (busiest workspace, last 7 days, {args.runs} runs): "
            f"median {ms(statistics.median(times))}, p99 {ms(percentile(times, 0.99))}, "
            f"min {ms(min(times))}"
        )
        week = time_digest(
            store,
            team,
            Period.model_validate(
                {
                    "kind": "iso_week",
                    "label": "2026-W47",
                    "start": datetime(2026, 11, 16, tzinfo=UTC),
                    "end": datetime(2026, 11, 23, tzinfo=UTC),
                }
            ),
            args.runs,
        )
        print(
            f"  digest (busiest workspace, ISO week 2026-W47): median "
            f"{ms(statistics.median(week))}, p99 {ms(percentile(week, 0.99))}"
        )
        began = time.perf_counter()
        teams = digest_teams(store)
        print(f"  digest_teams: {len(teams)} workspaces in {ms(time.perf_counter() - began)}")
        inserts = time_inserts(store, args.inserts, "T-bench-insert", "bench")
        figures["insert_p50_ms"] = statistics.median(inserts) * 1000
        figures["insert_p99_ms"] = percentile(inserts, 0.99) * 1000
        print(
            f"  insert via record_incidents ({args.inserts} single-denial messages): "
            f"p50 {ms(statistics.median(inserts))}, p99 {ms(percentile(inserts, 0.99))}, "
            f"max {ms(max(inserts))}"
        )
        if store.dialect == "postgresql":
            relaxed = relaxed_inserts(store, args.inserts)
            print(
                f"  same with synchronous_commit=off (no WAL flush wait at commit): p50 "
                f"{ms(statistics.median(relaxed))}, p99 {ms(percentile(relaxed, 0.99))}"
            )
        floor = insert_floor(store)
        print(
            f"  floor: bare INSERT + COMMIT through the driver: p50 {ms(statistics.median(floor))}"
            f", p99 {ms(percentile(floor, 0.99))}"
        )
        if args.explain:
            explain(store, team, period)
        if args.index_study and store.dialect == "postgresql":
            index_buffers(store, team, period)
        if args.index_study:
            index_study(store, team, period, max(5, args.runs // 2), args.inserts)
        if target.name == "sqlite":
            size = sum(
                Path(f"{store.engine.url.database}{s}").stat().st_size
                for s in ("", "-wal")
                if Path(f"{store.engine.url.database}{s}").exists()
            )
            print(f"  database file: {size / 2**20:,.0f} MiB")
        else:
            with store.read() as conn:
                size = conn.execute(
                    text("SELECT pg_size_pretty(pg_database_size(current_database()))")
                ).scalar_one()
            print(f"  database size: {size}")
    finally:
        store.close()
        if not args.keep:
            target.drop()
    return figures


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--n", type=int, default=1_000_000, help="incidents to seed")
    parser.add_argument("--db", choices=("sqlite", "postgres", "both"), default="both")
    parser.add_argument(
        "--pg-url",
        default=os.environ.get(
            "IAMDENY_BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres"
        ),
        help="an admin URL on the PostgreSQL server (the bench creates its own database)",
    )
    parser.add_argument("--pg-database", default="iamdeny_bench_store")
    parser.add_argument("--sqlite-path", type=Path, default=Path("/tmp/iamdeny_bench_store.db"))
    parser.add_argument("--runs", type=int, default=21, help="timed digest runs")
    parser.add_argument("--inserts", type=int, default=1000, help="timed single inserts")
    parser.add_argument("--explain", action="store_true", help="print the digest's query plans")
    parser.add_argument("--index-study", action="store_true", help="digest with/without indexes")
    parser.add_argument("--keep", action="store_true", help="keep the bench database")
    parser.add_argument("--reuse", action="store_true", help="reuse a kept database (no seeding)")
    parser.add_argument(
        "--buffers-only",
        action="store_true",
        help="PostgreSQL: only the per-index EXPLAIN buffers table (with --reuse)",
    )
    args = parser.parse_args(argv)

    print(
        f"iamdeny store bench: n={args.n:,}, python {platform.python_version()}, "
        f"sqlite {sqlite3.sqlite_version}, {os.cpu_count()} CPUs"
    )
    results: dict[str, dict[str, float]] = {}
    if args.db in ("sqlite", "both"):
        # A reused database is kept whatever `--keep` says.
        target = (
            Target("sqlite", f"sqlite:///{args.sqlite_path}", lambda: None)
            if args.reuse
            else sqlite_target(args.sqlite_path)
        )
        results["sqlite"] = run_target(target, args)
    if args.db in ("postgres", "both"):
        if args.reuse:
            base = args.pg_url.rsplit("/", 1)[0]
            target = Target("postgresql", f"{base}/{args.pg_database}", lambda: None)
        else:
            target = postgres_target(args.pg_url, args.pg_database)
        results["postgresql"] = run_target(target, args)

    goals = {"sqlite": 2000.0, "postgresql": 1000.0}
    print("\n== summary")
    for name, fig in results.items():
        if not fig:
            continue
        verdict = (
            "ok"
            if fig["digest_median_ms"] <= goals[name] and fig["insert_p99_ms"] <= 5
            else "MISSED"
        )
        print(
            f"  {name:<10} digest median {fig['digest_median_ms']:7.1f} ms, p99 "
            f"{fig['digest_p99_ms']:7.1f} ms (goal {goals[name]:.0f} ms); insert p50 "
            f"{fig['insert_p50_ms']:.2f} ms, p99 {fig['insert_p99_ms']:.2f} ms (goal 5 ms): "
            f"{verdict}"
        )
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(f"  peak RSS of this process: {peak / 1024:,.0f} MiB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
