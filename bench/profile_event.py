"""CPU per message event of the real app, in-process: message -> incident -> reply.

    python bench/profile_event.py                       # 300 events, SQLite, top 30 entries
    python bench/profile_event.py --db postgres -n 500  # database `iamdeny_profile`, dropped after
    python bench/profile_event.py --pool                # replies on the real job pool (threads)

The app is built as the tests build it (`Settings` -> `Store` -> `Deps` -> `create_wsgi_app`), on a
fresh database migrated to head: a SQLite file in a temporary directory, or the PostgreSQL
database `--pg-database` (default `iamdeny_profile`) created on `--pg-url` and dropped at the end
(refused when it already exists). The fake Slack of the tests (`tests/fakeslack`) runs in a child
process, so its CPU is not counted; 20 users with the `en-US` locale, 5 channels, the four denials
of `bench_bot.py` (one new message each).

Each event is a signed `event_callback` body passed straight to the WSGI callable (no HTTP server).
By default the reply job runs inline, on the calling thread, so that one profiler sees the whole
path (`--pool`: on the app's own job pool, drained after each event; then the profile shows only
the intake). After `--warmup` events, two passes of `-n` events each: one timed with
`time.process_time()` (the whole process's CPU: noise from other processes on the machine does not
count), one under cProfile (wall clock; `--cpu-timer`: CPU time). Prints CPU ms/event and the top
cProfile entries (`--sort`).
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import io
import json
import pstats
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from concurrent.futures import Future
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
for _path in (ROOT, ROOT / "tests"):
    if str(_path) not in sys.path:
        sys.path.insert(0, str(_path))

from bench_bot import CHANNELS, DENIALS, USERS  # noqa: E402

SIGNING_SECRET = "profile-signing-secret-0123456789abcdef"

_FAKE_SLACK = """
import sys, time
sys.path.insert(0, sys.argv[1])
from fakeslack import FakeSlack
with FakeSlack() as fake:
    for user in sys.argv[2:]:
        fake.add_user(user, locale="en-US")
    print(fake.url, flush=True)
    sys.stdin.read()  # until the parent closes it
"""


@contextlib.contextmanager
def fake_slack() -> Iterator[str]:
    """The fake Slack Web API in a child process; its URL."""
    proc = subprocess.Popen(
        [sys.executable, "-c", _FAKE_SLACK, str(ROOT / "tests"), *USERS],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None
        url = proc.stdout.readline().strip()
        if not url:
            raise SystemExit("profile_event: the fake Slack did not start")
        yield url
    finally:
        if proc.stdin is not None:
            proc.stdin.close()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()


@contextlib.contextmanager
def database(args: argparse.Namespace) -> Iterator[str]:
    """A fresh database at head: SQLite in a temporary directory, or PostgreSQL `--pg-database`."""
    from core.store import Store, upgrade

    def migrate(url: str) -> None:
        store = Store.open(url)
        try:
            upgrade(store)
        finally:
            store.close()

    if args.db == "sqlite":
        folder = tempfile.mkdtemp(prefix="iamdeny_profile_")
        try:
            url = f"sqlite:///{folder}/profile.db"
            migrate(url)
            yield url
        finally:
            shutil.rmtree(folder, ignore_errors=True)
        return

    import psycopg
    from psycopg import sql
    from sqlalchemy.engine import make_url

    name = args.pg_database
    with psycopg.connect(args.pg_url, autocommit=True, connect_timeout=10) as conn:
        if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone():
            raise SystemExit(f"profile_event: database {name!r} already exists (another run?)")
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        url = (
            make_url(args.pg_url)
            .set(drivername="postgresql+psycopg", database=name)
            .render_as_string(hide_password=False)
        )
        migrate(url)
        yield url
    finally:
        with psycopg.connect(args.pg_url, autocommit=True, connect_timeout=10) as conn:
            conn.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )


class InlineJobs:
    """A stand-in for `bot.background.Jobs` that runs each job at once, on the calling thread."""

    def submit(self, fn: Any, *args: Any, **kwargs: Any) -> Future[Any]:
        future: Future[Any] = Future()
        try:
            future.set_result(fn(*args, **kwargs))
        except Exception as exc:  # as Jobs: logged there, never raised to the request
            future.set_result(None)
            print(f"profile_event: job failed: {type(exc).__name__}: {exc}", file=sys.stderr)
        return future

    def drain(self, timeout: float | None = None) -> bool:
        return True

    def shutdown(self, timeout: float | None = None) -> None:
        return None

    @property
    def pending(self) -> int:
        return 0


class Sender:
    """Signed message events straight into the WSGI app."""

    def __init__(self, wsgi: Any) -> None:
        self.wsgi = wsgi
        self.count = 0
        self.statuses: dict[str, int] = {}

    def send(self) -> None:
        from slackreq import message_event, new_ts, sign

        i = self.count
        self.count += 1
        text = "deploy failed:\n```" + DENIALS[i % len(DENIALS)].format(i=i) + "```"
        body = message_event(
            text, user=USERS[i % len(USERS)], channel=CHANNELS[i % len(CHANNELS)], ts=new_ts()
        )
        raw = json.dumps(body).encode()
        headers = sign(SIGNING_SECRET, raw)
        environ = {
            "REQUEST_METHOD": "POST",
            "PATH_INFO": "/slack/events",
            "QUERY_STRING": "",
            "CONTENT_TYPE": "application/json",
            "CONTENT_LENGTH": str(len(raw)),
            "HTTP_X_SLACK_REQUEST_TIMESTAMP": headers["X-Slack-Request-Timestamp"],
            "HTTP_X_SLACK_SIGNATURE": headers["X-Slack-Signature"],
            "SERVER_NAME": "127.0.0.1",
            "SERVER_PORT": "80",
            "SERVER_PROTOCOL": "HTTP/1.1",
            "wsgi.input": io.BytesIO(raw),
            "wsgi.url_scheme": "http",
            "wsgi.errors": sys.stderr,
        }
        status: list[str] = []

        def start_response(line: str, _headers: Any, _exc: Any = None) -> Any:
            status.append(line.split(" ", 1)[0])
            return lambda _data: None

        for _chunk in self.wsgi(environ, start_response):
            pass
        key = status[0] if status else "none"
        self.statuses[key] = self.statuses.get(key, 0) + 1


def replies_posted(store: Any) -> int:
    from sqlalchemy import text

    with store.read() as conn:
        return int(
            conn.execute(
                text("SELECT count(*) FROM message_replies WHERE reply_ts IS NOT NULL")
            ).scalar_one()
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("-n", "--events", type=int, default=300, help="events per pass (300)")
    parser.add_argument("--warmup", type=int, default=40, help="warm-up events (40)")
    parser.add_argument("--db", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--pg-url", default="postgresql://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--pg-database", default="iamdeny_profile")
    parser.add_argument("--pool", action="store_true", help="replies on the real job pool")
    parser.add_argument("--top", type=int, default=30, help="cProfile entries shown (30)")
    parser.add_argument("--sort", default="tottime", help="cProfile sort key (tottime)")
    parser.add_argument(
        "--cpu-timer", action="store_true", help="profile CPU time (process_time), not wall time"
    )
    parser.add_argument("--json", action="store_true", help="print the figures as JSON only")
    args = parser.parse_args(argv)

    import logging

    logging.basicConfig(level=logging.WARNING)
    from fakeslack import DEFAULT_TEAM

    from bot.deps import Deps
    from bot.http import create_wsgi_app
    from bot.settings import Settings
    from core.store import Store

    with fake_slack() as api_url, database(args) as db_url:
        settings = Settings.load(
            slack_bot_token=DEFAULT_TEAM.bot_token,
            slack_signing_secret=SIGNING_SECRET,
            slack_api_url=api_url,
            database_url=db_url,
            iamdeny_lang="en",
        )
        store = Store.open(db_url)
        base = Deps.build(settings, store)
        deps = base if args.pool else Deps(settings, store, InlineJobs(), base.locales)  # type: ignore[arg-type]
        wsgi = create_wsgi_app(settings, store, deps=deps)
        sender = Sender(wsgi)

        def run(count: int) -> None:
            for _ in range(count):
                sender.send()
                if args.pool:
                    deps.jobs.drain(30)

        try:
            run(args.warmup)
            cpu0, wall0 = time.process_time(), time.perf_counter()
            run(args.events)
            cpu = time.process_time() - cpu0
            wall = time.perf_counter() - wall0
            profiler = cProfile.Profile(time.process_time) if args.cpu_timer else cProfile.Profile()
            profiler.enable()
            run(args.events)
            profiler.disable()
            posted = replies_posted(store)
        finally:
            deps.jobs.shutdown(10)
            if deps is not base:
                base.jobs.shutdown(1)
            store.close()

    total = args.warmup + 2 * args.events
    figures = {
        "db": args.db,
        "events": args.events,
        "jobs": "pool" if args.pool else "inline",
        "cpu_ms_per_event": round(1000 * cpu / args.events, 2),
        "wall_ms_per_event": round(1000 * wall / args.events, 2),
        "statuses": sender.statuses,
        "replies_posted": posted,
        "events_sent": total,
    }
    if args.json:
        print(json.dumps(figures))
        return 0 if posted == total else 1
    stream = io.StringIO()
    stats = pstats.Stats(profiler, stream=stream)
    stats.sort_stats(args.sort).print_stats(args.top)
    print(stream.getvalue())
    calls = {
        name: sum(v[1] for k, v in stats.stats.items() if k[2] == name)  # type: ignore[attr-defined]
        for name in ("expect", "execute", "commit", "_compiler", "urlopen")
    }
    print("calls per event:", {k: round(v / args.events, 1) for k, v in calls.items()})
    print(json.dumps(figures))
    if posted != total:
        print(f"profile_event: {posted} replies posted for {total} events", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
