"""Load benchmark of the Slack bot: signed message events at a steady rate against `iamdeny serve`.

    python bench/bench_bot.py                        # 50 events/s for 60 s, PostgreSQL
    python bench/bench_bot.py --rate 100 --seconds 30 --db sqlite
    python bench/bench_bot.py --seconds 2 --rate 5 --db sqlite --json   # the smoke test's run

What it does, for two targets in turn, on loopback only:

1. `iamdeny`: `iamdeny serve --http` as a subprocess (gunicorn, `--workers` x `--threads`) on a
   dedicated database — PostgreSQL `iamdeny_bench` (`--pg-database`) created on the server of
   `--pg-url`, migrated to head and dropped at the end (refused when it already exists: another
   run may own it); or a SQLite file in a temporary directory.
   `bare`: the floor — a Bolt app that only posts a fixed reply in the thread, served by the same
   gunicorn configuration (this script with `--serve-bare`).
2. The fake Slack Web API of the tests (`tests/fakeslack`) runs in this process; both apps use it
   as SLACK_API_URL.
3. After a warm-up, events are sent open-loop on a fixed schedule (event i at t0 + i/rate) by a
   pool of sender threads with keep-alive connections: a denial pasted in one of 5 channels by one
   of 20 users, each a new message. The run is bounded: it stops sending `--seconds` (+10 s grace)
   after the start, and waits at most 120 s for the last replies.
4. Measures, per event: the ack latency (request sent to HTTP response read) and the event-to-reply
   latency (request sent to the fake Slack receiving the `chat.postMessage` in that message's
   thread; one clock, `time.time()`, in one process). Counts non-2xx answers, missing and
   duplicate replies, and how late the sender was against its schedule (the load generator's own
   health). A reply is missing when it has not arrived once replies stop coming for 10 s (at most
   120 s after the last event). Samples the RSS of the server's processes (gunicorn master and
   workers, /proc) every half second and keeps each process's peak, and their CPU time (user +
   system) over the measured run, per event.

Prints p50/p99/max for both latencies and both targets, the RSS, and the overhead of iamdeny over
the bare app at p99; `--json` prints the same as one JSON document. Goals (issue 4): reply p99 <=
50 ms, overhead <= 10 ms at p99, RSS <= 150 MB (per process).
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import itertools
import json
import os
import platform
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
for _path in (ROOT, ROOT / "tests"):
    if str(_path) not in sys.path:
        sys.path.insert(0, str(_path))

SIGNING_SECRET = "bench-signing-secret-0123456789abcdef"
BARE_REPLY = "fixed reply"
USERS = [f"U0BENCH{i:02d}" for i in range(20)]
CHANNELS = [f"C0BENCH{i}" for i in range(5)]
DENIALS = [
    "User: arn:aws:sts::111122223333:assumed-role/deploy/ci-{i} is not authorized to perform: "
    "s3:PutObject on resource: arn:aws:s3:::artifacts/build-{i}.zip with an explicit deny in a "
    "service control policy",
    "User: arn:aws:iam::111122223333:user/bob is not authorized to perform: dynamodb:PutItem on "
    "resource: arn:aws:dynamodb:us-east-1:111122223333:table/orders because no identity-based "
    "policy allows the dynamodb:PutItem action",
    "An error occurred (AccessDenied) when calling the AssumeRole operation: User: "
    "arn:aws:iam::444455556666:user/carol is not authorized to perform: sts:AssumeRole on "
    "resource: arn:aws:iam::111122223333:role/admin-{i}",
    "User: arn:aws:sts::111122223333:assumed-role/etl/run-{i} is not authorized to perform: "
    "kms:Decrypt on resource: arn:aws:kms:us-east-1:111122223333:key/abcd because no "
    "resource-based policy allows the kms:Decrypt action",
]
GOALS = {"reply_p99_ms": 50.0, "overhead_p99_ms": 10.0, "rss_mb": 150.0}
SENDERS = 16
GRACE_SECONDS = 10.0
REPLY_WAIT_SECONDS = 120.0  # at most, after the last event was sent ...
REPLY_IDLE_SECONDS = 10.0  # ... and only while replies keep arriving
START_TIMEOUT_SECONDS = 60.0


# --- figures --------------------------------------------------------------------------------------


def percentile(values: list[float], pct: float) -> float | None:
    """The `pct` percentile (nearest rank) of `values`; None when empty."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, min(len(ordered), round(pct / 100 * len(ordered) + 0.5)))
    return ordered[rank - 1]


def summary_ms(seconds: list[float]) -> dict[str, float | None]:
    ms = [s * 1000 for s in seconds]
    return {
        "p50": _round(percentile(ms, 50)),
        "p99": _round(percentile(ms, 99)),
        "max": _round(max(ms) if ms else None),
        "mean": _round(statistics.fmean(ms) if ms else None),
    }


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 2)


# --- processes and memory -------------------------------------------------------------------------


def _children(pid: int) -> list[int]:
    found: list[int] = []
    try:
        for task in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{task}/children") as fh:
                found.extend(int(c) for c in fh.read().split())
    except OSError:
        pass
    return found


def process_tree(pid: int) -> list[int]:
    """`pid` and its descendants (from /proc)."""
    out: list[int] = []
    todo = [pid]
    while todo and len(out) < 256:
        current = todo.pop()
        out.append(current)
        todo.extend(_children(current))
    return out


CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float | None:
    """User + system CPU time of `pid` so far (/proc/<pid>/stat), None when it is gone."""
    try:
        with open(f"/proc/{pid}/stat") as fh:
            fields = fh.read().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


def rss_mb(pid: int) -> float | None:
    """The resident set size of `pid` in MB (VmRSS), None when it is gone."""
    try:
        with open(f"/proc/{pid}/status") as fh:
            for line in fh:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


class RssSampler:
    """Samples the RSS of a process tree every `period` seconds; keeps each process's peak."""

    def __init__(self, pid: int, period: float = 0.5) -> None:
        self.pid, self.period = pid, period
        self.peaks: dict[int, float] = {}
        self.cpu: dict[int, float] = {}  # latest CPU seconds seen per process
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            self.sample()
            self._stop.wait(self.period)

    def sample(self) -> None:
        for pid in process_tree(self.pid):
            value = rss_mb(pid)
            if value is not None:
                self.peaks[pid] = max(self.peaks.get(pid, 0.0), value)
            used = cpu_seconds(pid)
            if used is not None:
                self.cpu[pid] = used

    def cpu_total(self) -> float:
        """CPU seconds used so far by the processes seen (sampled now)."""
        self.sample()
        return sum(self.cpu.values())

    def __enter__(self) -> RssSampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(5)
        self.sample()

    def report(self) -> dict[str, Any]:
        master = self.peaks.get(self.pid)
        workers = sorted((v for p, v in self.peaks.items() if p != self.pid), reverse=True)
        values = list(self.peaks.values())
        return {
            "processes": len(values),
            "master_mb": _round(master),
            "workers_mb": [_round(v) for v in workers],
            "max_process_mb": _round(max(values) if values else None),
            "total_mb": _round(sum(values) if values else None),
        }


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


# --- databases ------------------------------------------------------------------------------------


@contextlib.contextmanager
def bench_database(args: argparse.Namespace) -> Iterator[str]:
    """A fresh database migrated to head (PostgreSQL `--pg-database`, or SQLite), then removed."""
    from core.store import Store, upgrade

    if args.db == "sqlite":
        folder = tempfile.mkdtemp(prefix="iamdeny_bench_bot_")
        url = f"sqlite:///{folder}/bench.db"
        try:
            _migrate(url, Store, upgrade)
            yield url
        finally:
            shutil.rmtree(folder, ignore_errors=True)
        return

    import psycopg
    from psycopg import sql
    from sqlalchemy.engine import make_url

    name = args.pg_database
    admin = args.pg_url
    with psycopg.connect(admin, autocommit=True, connect_timeout=10) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone()
        if exists:
            raise SystemExit(
                f"bench_bot: database {name!r} already exists (another bench run?); "
                "drop it or pass --pg-database NAME"
            )
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        rendered = (
            make_url(admin)
            .set(drivername="postgresql+psycopg", database=name)
            .render_as_string(hide_password=False)
        )
        _migrate(rendered, Store, upgrade)
        yield rendered
    finally:
        with psycopg.connect(admin, autocommit=True, connect_timeout=10) as conn:
            conn.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )


def _migrate(url: str, store_cls: Any, upgrade: Any) -> None:
    store = store_cls.open(url)
    try:
        upgrade(store)
    finally:
        store.close()


def server_version(url: str) -> str:
    from core.store import Store

    store = Store.open(url)
    try:
        with store.read() as conn:
            if store.dialect == "postgresql":
                return "PostgreSQL " + str(conn.exec_driver_sql("SHOW server_version").scalar())
            return "SQLite " + str(conn.exec_driver_sql("select sqlite_version()").scalar())
    finally:
        store.close()


# --- the servers ----------------------------------------------------------------------------------


def _server_env(fake_url: str, database_url: str | None) -> dict[str, str]:
    from fakeslack import DEFAULT_TEAM

    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("SLACK_", "IAMDENY_", "DATABASE_URL"))
    }
    env.update(
        SLACK_BOT_TOKEN=DEFAULT_TEAM.bot_token,
        SLACK_SIGNING_SECRET=SIGNING_SECRET,
        SLACK_API_URL=fake_url,
        IAMDENY_LOG_LEVEL="WARNING",
        PYTHONPATH=str(ROOT) + os.pathsep + env.get("PYTHONPATH", ""),
    )
    if database_url:
        env["DATABASE_URL"] = database_url
    return env


@dataclass
class Server:
    name: str
    proc: subprocess.Popen[bytes]
    port: int
    log: Path

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(10)

    def log_tail(self, lines: int = 30) -> str:
        try:
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""


def start_server(
    target: str, args: argparse.Namespace, fake_url: str, database_url: str | None, logdir: Path
) -> Server:
    port = free_port()
    common = ["--port", str(port), "--workers", str(args.workers), "--threads", str(args.threads)]
    if target == "iamdeny":
        command = [sys.executable, "-m", "bot.cli", "serve", "--http", "--host", "127.0.0.1"]
    else:
        command = [sys.executable, str(Path(__file__).resolve()), "--serve-bare"]
    log = logdir / f"{target}.log"
    with open(log, "wb") as fh:
        proc = subprocess.Popen(
            command + common,
            cwd=ROOT,
            env=_server_env(fake_url, database_url),
            stdout=fh,
            stderr=subprocess.STDOUT,
        )
    server = Server(target, proc, port, log)
    deadline = time.monotonic() + START_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"bench_bot: {target} exited at start:\n{server.log_tail()}")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/healthz")
            conn.getresponse().read()
            conn.close()
            return server
        except OSError:
            time.sleep(0.1)
    server.stop()
    raise SystemExit(f"bench_bot: {target} did not start:\n{server.log_tail()}")


def serve_bare(port: int, workers: int, threads: int) -> int:
    """The floor: a Bolt app that answers each message with a fixed reply in its thread, served
    by gunicorn with the options `iamdeny serve` uses."""
    from gunicorn.app.base import BaseApplication

    def build() -> Any:
        from slack_bolt import App
        from slack_bolt.adapter.wsgi import SlackRequestHandler
        from slack_sdk import WebClient

        token = os.environ["SLACK_BOT_TOKEN"]
        app = App(
            token=token,
            signing_secret=os.environ["SLACK_SIGNING_SECRET"],
            client=WebClient(token=token, base_url=os.environ["SLACK_API_URL"]),
        )

        @app.event("message")
        def reply(event: dict[str, Any], say: Any) -> None:
            say(text=BARE_REPLY, thread_ts=event["ts"])

        handler = SlackRequestHandler(app)

        def wsgi(environ: dict[str, Any], start_response: Any) -> Any:
            if environ.get("PATH_INFO") == "/healthz":
                start_response("200 OK", [("Content-Type", "text/plain")])
                return [b"ok"]
            return handler(environ, start_response)

        return wsgi

    options = {
        "bind": f"127.0.0.1:{port}",
        "workers": workers,
        "threads": threads,
        "worker_class": "gthread",
        "timeout": 30,
        "graceful_timeout": 25,
        "keepalive": 5,
        "accesslog": "-",
        "errorlog": "-",
        "loglevel": "warning",
        "control_socket_disable": True,
    }

    class Bare(BaseApplication):  # type: ignore[misc]
        def load_config(self) -> None:
            for key, value in options.items():
                self.cfg.set(key, value)

        def load(self) -> Any:
            return build()

    Bare(prog="bench-bare").run()
    return 0


# --- the load -------------------------------------------------------------------------------------


@dataclass
class Sent:
    ts: str
    sent_at: float  # time.time() just before the request
    ack: float | None  # seconds
    status: int | None
    lag: float  # seconds late against the schedule


@dataclass
class Run:
    sent: list[Sent] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    skipped: int = 0


def event_body(i: int) -> tuple[str, bytes]:
    from slackreq import message_event, new_ts

    ts = new_ts()
    text = "deploy failed:\n```" + DENIALS[i % len(DENIALS)].format(i=i) + "```"
    body = message_event(
        text, user=USERS[i % len(USERS)], channel=CHANNELS[i % len(CHANNELS)], ts=ts
    )
    return ts, json.dumps(body).encode()


def send_load(port: int, rate: float, count: int, *, deadline_s: float) -> Run:
    """Send `count` events at `rate`/s (open loop) from a pool of threads; bounded by time."""
    from slackreq import sign

    run = Run()
    lock = threading.Lock()
    counter = itertools.count()
    start = time.monotonic() + 0.2
    hard_stop = start + deadline_s

    def sender() -> None:
        conn: http.client.HTTPConnection | None = None
        while True:
            i = next(counter)
            if i >= count:
                break
            ts, raw = event_body(i)
            due = start + i / rate
            delay = due - time.monotonic()
            if delay > 0:
                time.sleep(delay)
            if time.monotonic() > hard_stop:
                with lock:
                    run.skipped += 1
                continue
            lag = max(0.0, time.monotonic() - due)
            headers = {"Content-Type": "application/json", **sign(SIGNING_SECRET, raw)}
            sent_at = time.time()
            began = time.perf_counter()
            status: int | None = None
            ack: float | None = None
            try:
                if conn is None:
                    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
                conn.request("POST", "/slack/events", body=raw, headers=headers)
                resp = conn.getresponse()
                resp.read()
                ack = time.perf_counter() - began
                status = resp.status
                if resp.getheader("Connection", "").lower() == "close":
                    conn.close()
                    conn = None
            except (OSError, http.client.HTTPException) as exc:
                with lock:
                    run.errors.append(type(exc).__name__)
                if conn is not None:
                    conn.close()
                conn = None
            with lock:
                run.sent.append(Sent(ts, sent_at, ack, status, lag))
        if conn is not None:
            conn.close()

    threads = [threading.Thread(target=sender, daemon=True) for _ in range(SENDERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(max(1.0, hard_stop - time.monotonic() + 15))
    return run


def replies_by_thread(fake: Any, wanted: set[str]) -> dict[str, list[float]]:
    found: dict[str, list[float]] = {}
    for call in fake.calls("chat.postMessage"):
        thread = call.params.get("thread_ts")
        if thread in wanted:
            found.setdefault(thread, []).append(call.at)
    return found


def wait_for_replies(
    fake: Any, wanted: set[str], timeout: float, *, idle: float = REPLY_IDLE_SECONDS
) -> dict[str, list[float]]:
    """Wait until every wanted reply arrived, or none arrived for `idle` seconds, or `timeout`."""
    deadline = time.monotonic() + timeout
    seen, progress_at = -1, time.monotonic()
    while True:
        found = replies_by_thread(fake, wanted)
        now = time.monotonic()
        if len(found) != seen:
            seen, progress_at = len(found), now
        if len(found) >= len(wanted) or now > deadline or now - progress_at > idle:
            return found
        time.sleep(0.1)


def warm_up(fake: Any, port: int, count: int) -> None:
    if count <= 0:
        return
    run = send_load(port, rate=min(20.0, float(count)), count=count, deadline_s=30)
    wanted = {s.ts for s in run.sent if s.status == 200}
    wait_for_replies(fake, wanted, 20, idle=5)
    time.sleep(0.3)


def bench_target(
    target: str, args: argparse.Namespace, fake: Any, database_url: str | None, logdir: Path
) -> dict[str, Any]:
    fake.reset()
    server = start_server(target, args, fake.url, database_url, logdir)
    try:
        with RssSampler(server.proc.pid) as sampler:
            warm_up(fake, server.port, args.warmup)
            fake.clear_calls()
            count = max(1, round(args.rate * args.seconds))
            cpu_before = sampler.cpu_total()
            began = time.monotonic()
            run = send_load(server.port, args.rate, count, deadline_s=args.seconds + GRACE_SECONDS)
            sending = time.monotonic() - began
            acked = [s for s in run.sent if s.status is not None and 200 <= s.status < 300]
            wanted = {s.ts for s in acked}
            found = wait_for_replies(fake, wanted, REPLY_WAIT_SECONDS)
            time.sleep(0.2)
            cpu_used = sampler.cpu_total() - cpu_before
        alive = server.proc.poll() is None
    finally:
        server.stop()
    sent_at = {s.ts: s.sent_at for s in acked}
    reply_latency = [min(times) - sent_at[ts] for ts, times in found.items()]
    statuses: dict[str, int] = {}
    for s in run.sent:
        key = str(s.status) if s.status is not None else "error"
        statuses[key] = statuses.get(key, 0) + 1
    return {
        "target": target,
        "events": len(run.sent),
        "skipped_past_deadline": run.skipped,
        "send_seconds": round(sending, 2),
        "achieved_rate": round(len(run.sent) / sending, 1) if sending > 0 else None,
        "statuses": statuses,
        "non_2xx": len(run.sent) - len(acked),
        "connection_errors": len(run.errors),
        "replies": len(found),
        "missing_replies": len(wanted) - len(found),
        "duplicate_replies": sum(len(times) - 1 for times in found.values()),
        "ack_ms": summary_ms([s.ack for s in acked if s.ack is not None]),
        "reply_ms": summary_ms(reply_latency),
        "sender_lag_ms": summary_ms([s.lag for s in run.sent]),
        "rss": sampler.report(),
        "server_cpu_ms_per_event": round(1000 * cpu_used / max(1, len(run.sent)), 2),
        "server_alive_at_end": alive,
    }


# --- the report -----------------------------------------------------------------------------------


def _diff(a: float | None, b: float | None) -> float | None:
    return None if a is None or b is None else round(a - b, 2)


def _figure(result: dict[str, Any] | None, kind: str, pct: str) -> float | None:
    return None if result is None else result[kind][pct]


def build_report(
    args: argparse.Namespace, results: dict[str, dict[str, Any]], db: str
) -> dict[str, Any]:
    ours, bare = results.get("iamdeny"), results.get("bare")
    overhead = {
        "ack_p99_ms": _diff(_figure(ours, "ack_ms", "p99"), _figure(bare, "ack_ms", "p99")),
        "reply_p99_ms": _diff(_figure(ours, "reply_ms", "p99"), _figure(bare, "reply_ms", "p99")),
        "reply_p50_ms": _diff(_figure(ours, "reply_ms", "p50"), _figure(bare, "reply_ms", "p50")),
    }
    goals: dict[str, Any] = {}
    if ours:
        reply_p99 = ours["reply_ms"]["p99"]
        rss = ours["rss"]["max_process_mb"]
        goals["reply_p99_ms"] = _goal(reply_p99, GOALS["reply_p99_ms"])
        goals["overhead_p99_ms"] = _goal(overhead["reply_p99_ms"], GOALS["overhead_p99_ms"])
        goals["rss_mb_per_process"] = _goal(rss, GOALS["rss_mb"])
    return {
        "config": {
            "rate": args.rate,
            "seconds": args.seconds,
            "db": db,
            "workers": args.workers,
            "threads": args.threads,
            "warmup": args.warmup,
            "cpus": os.cpu_count(),
            "load_average": [round(x, 2) for x in os.getloadavg()],
            "python": platform.python_version(),
        },
        "results": results,
        "overhead": overhead,
        "goals": goals,
    }


def _goal(value: float | None, limit: float) -> dict[str, Any]:
    return {"value": value, "limit": limit, "met": value is not None and value <= limit}


def _fmt(value: float | None) -> str:
    return "-" if value is None else f"{value:.1f}"


def print_report(report: dict[str, Any]) -> None:
    cfg = report["config"]
    print(
        f"bench_bot: {cfg['rate']:g} events/s for {cfg['seconds']:g} s, {cfg['db']}, "
        f"gunicorn {cfg['workers']} workers x {cfg['threads']} threads, {cfg['cpus']} CPUs "
        f"(load average {'/'.join(str(x) for x in cfg['load_average'])} at the end), "
        f"Python {cfg['python']}"
    )
    header = (
        f"{'target':<8} {'events':>6} {'non2xx':>6} {'replies':>7} {'miss':>4} {'dup':>3} "
        f"{'ack p50':>8} {'ack p99':>8} {'reply p50':>9} {'reply p99':>9} {'reply max':>9} "
        f"{'lag p99':>8} {'RSS/proc':>8} {'RSS sum':>8}"
    )
    print(header)
    for name, r in report["results"].items():
        print(
            f"{name:<8} {r['events']:>6} {r['non_2xx']:>6} {r['replies']:>7} "
            f"{r['missing_replies']:>4} {r['duplicate_replies']:>3} "
            f"{_fmt(r['ack_ms']['p50']):>8} {_fmt(r['ack_ms']['p99']):>8} "
            f"{_fmt(r['reply_ms']['p50']):>9} {_fmt(r['reply_ms']['p99']):>9} "
            f"{_fmt(r['reply_ms']['max']):>9} {_fmt(r['sender_lag_ms']['p99']):>8} "
            f"{_fmt(r['rss']['max_process_mb']):>8} {_fmt(r['rss']['total_mb']):>8}"
        )
    print("(latencies in ms; RSS in MB: the largest server process, and master + workers)")
    for name, r in report["results"].items():
        rss = r["rss"]
        workers = ", ".join(_fmt(v) for v in rss["workers_mb"])
        print(
            f"{name}: RSS master {_fmt(rss['master_mb'])} MB, workers {workers} MB; "
            f"achieved {r['achieved_rate']} events/s; server CPU "
            f"{r['server_cpu_ms_per_event']} ms per event; statuses {r['statuses']}"
        )
    o = report["overhead"]
    print(
        f"overhead of iamdeny over the bare Bolt app: ack p99 {_fmt(o['ack_p99_ms'])} ms, "
        f"reply p50 {_fmt(o['reply_p50_ms'])} ms, reply p99 {_fmt(o['reply_p99_ms'])} ms"
    )
    names = {
        "reply_p99_ms": "reply p99 <= 50 ms",
        "overhead_p99_ms": "overhead <= 10 ms at p99",
        "rss_mb_per_process": "RSS <= 150 MB per process",
    }
    for key, goal in report["goals"].items():
        verdict = "met" if goal["met"] else "NOT met"
        print(f"goal {names[key]}: {verdict} ({_fmt(goal['value'])})")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--rate", type=float, default=50.0, help="events per second (default 50)")
    parser.add_argument("--seconds", type=float, default=60.0, help="duration (default 60)")
    parser.add_argument("--db", choices=("sqlite", "postgres"), default="postgres")
    parser.add_argument("--pg-url", default="postgresql://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--pg-database", default="iamdeny_bench")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (default 2)")
    parser.add_argument("--threads", type=int, default=8, help="threads per worker (default 8)")
    parser.add_argument("--warmup", type=int, default=40, help="warm-up events (not measured)")
    parser.add_argument(
        "--target", choices=("both", "iamdeny", "bare"), default="both", help="what to measure"
    )
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    parser.add_argument("--logs", type=Path, help="keep the servers' logs in this directory")
    parser.add_argument("--serve-bare", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.serve_bare:
        return serve_bare(args.port, args.workers, args.threads)
    if not (0 < args.rate <= 2000 and 0 < args.seconds <= 3600):
        parser.error("--rate must be in (0, 2000] and --seconds in (0, 3600]")

    from fakeslack import FakeSlack

    targets = ["iamdeny", "bare"] if args.target == "both" else [args.target]
    results: dict[str, dict[str, Any]] = {}
    with tempfile.TemporaryDirectory(prefix="bench_bot_logs_") as tmp, FakeSlack() as fake:
        logs = args.logs or Path(tmp)
        logs.mkdir(parents=True, exist_ok=True)
        for user in USERS:
            fake.add_user(user, locale="en-US")
        db = args.db
        for target in targets:
            if target == "iamdeny":
                with bench_database(args) as url:
                    db = server_version(url)
                    results[target] = bench_target(target, args, fake, url, Path(logs))
            else:
                results[target] = bench_target(target, args, fake, None, Path(logs))
    report = build_report(args, results, db)
    if args.json:
        print(json.dumps(report, indent=2))
    else:
        print_report(report)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
