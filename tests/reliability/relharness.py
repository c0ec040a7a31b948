"""Machinery shared by the reliability tests (tests/reliability/test_{load,duplicates,faults,
outage}.py) and the soak script (bench/bench_soak.py): payloads, a Slack "player", `iamdeny serve`
processes, a dedicated PostgreSQL cluster, and the counts every test checks.

- `make_messages(n, seed=...)`: signed-event-ready messages of 200 to 40,000 characters, a mix of
  denials (1-3, sometimes placed past the first 4,000 characters) and chatter; each knows how many
  incidents it must produce (`expected`, read once with the bot's own redact + classify).
- `Player`: plays Slack — sends planned deliveries (open loop, on time) from a bounded pool of
  threads, each a signed `POST /slack/events` on a new loopback connection, records status and ack
  time, and (like Slack) redelivers an event that got a non-2xx or no answer, with
  `X-Slack-Retry-Num`, after the given delays. Every run is bounded by a deadline.
- `ServeProcess`: `iamdeny serve` (gunicorn) in its own process group: start, wait healthy,
  SIGKILL the whole group (a crash), restart on the same port, stop.
- `PgCluster`: a throwaway PostgreSQL cluster (`initdb` in a temporary directory, a free port,
  trust auth, loopback only), started and stopped with `pg_ctl`, removed afterwards.
- `incident_counts(url)`, `replies_by_thread(fake)`: what was stored and posted, per message.

Figures reuse bench/bench_bot.py's `percentile` and `summary_ms`.
"""

from __future__ import annotations

import contextlib
import glob
import heapq
import http.client
import itertools
import json
import os
import random
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
for _path in (ROOT, ROOT / "tests", ROOT / "bench"):
    if str(_path) not in sys.path:
        sys.path.insert(0, str(_path))

from bench_bot import percentile, summary_ms  # noqa: E402
from slackreq import message_event, new_ts, sign  # noqa: E402

__all__ = [
    "Delivery",
    "Message",
    "PgCluster",
    "Planned",
    "Player",
    "ServeProcess",
    "add_users",
    "free_port",
    "incident_counts",
    "make_messages",
    "percentile",
    "replies_by_thread",
    "summary_ms",
]

SIGNING_SECRET = "reliability-signing-secret-0123456789"
USERS = [f"U0REL{i:03d}" for i in range(20)]
CHANNELS = [f"C0REL{i}" for i in range(5)]
DENIALS = (
    "User: arn:aws:sts::111122223333:assumed-role/deploy/ci-{i} is not authorized to perform: "
    "s3:PutObject on resource: arn:aws:s3:::artifacts/build-{i}.zip with an explicit deny in a "
    "service control policy",
    "User: arn:aws:iam::111122223333:user/bob-{i} is not authorized to perform: dynamodb:PutItem "
    "on resource: arn:aws:dynamodb:us-east-1:111122223333:table/orders-{i} because no "
    "identity-based policy allows the dynamodb:PutItem action",
    "An error occurred (AccessDenied) when calling the AssumeRole operation: User: "
    "arn:aws:iam::444455556666:user/carol-{i} is not authorized to perform: sts:AssumeRole on "
    "resource: arn:aws:iam::111122223333:role/admin-{i}",
    "User: arn:aws:sts::111122223333:assumed-role/etl/run-{i} is not authorized to perform: "
    "kms:Decrypt on resource: arn:aws:kms:us-east-1:111122223333:key/abcd-{i} because no "
    "resource-based policy allows the kms:Decrypt action",
)
CHATTER = (
    "step {k}: terraform plan finished, 3 to add, 0 to change, 0 to destroy",
    "anyone seen the build queue stuck again? retrying job {k}",
    "    at com.example.Worker.run(Worker.java:{k})",
    "INFO 2026-11-30T01:{m:02d}:00Z request {k} served in 12ms",
    "lgtm, merging after lunch :tada: ({k})",
    "$ aws s3 ls s3://reports-{k}/ --recursive | wc -l",
)
PASTE_HEAD = 4000  # the stored paste keeps this many characters (core.store.PASTE_MAX_CHARS)


def add_users(fake: Any) -> None:
    """Tell the fake Slack about the posters (users.info answers instead of user_not_found)."""
    for user in USERS:
        fake.add_user(user, locale="en-US")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


# --- payloads -------------------------------------------------------------------------------------


@dataclass
class Message:
    """One pasted message: its event body (fixed ts and event id) and what it must produce."""

    index: int
    ts: str
    channel: str
    text: str
    expected: int  # incidents (= denials read by the bot); 0 for chatter
    late: bool  # a denial starts past the first PASTE_HEAD characters
    body: dict[str, Any] = field(repr=False)

    @property
    def raw(self) -> bytes:
        return json.dumps(self.body).encode()


def _chatter(rng: random.Random, chars: int) -> str:
    lines: list[str] = []
    size = 0
    while size < chars:
        line = rng.choice(CHATTER).format(k=rng.randrange(100_000), m=rng.randrange(60))
        lines.append(line)
        size += len(line) + 1
    return "\n".join(lines)[:chars]


def expected_incidents(text: str) -> int:
    """How many incidents the bot records for `text` (its own redact + classify)."""
    from core.classifier import find_denials
    from core.redaction import redact

    return len(find_denials(redact(text).text))


def make_messages(
    count: int,
    *,
    seed: int = 1,
    min_chars: int = 200,
    max_chars: int = 40_000,
    chatter_share: float = 0.2,
    late_share: float = 0.3,
) -> list[Message]:
    """`count` messages, sizes log-uniform in [min_chars, max_chars]; `chatter_share` of them hold
    no denial; of the large ones, `late_share` put their denials past the stored paste head."""
    rng = random.Random(seed)
    out: list[Message] = []
    for i in range(count):
        size = int(min_chars * (max_chars / min_chars) ** rng.random())
        chatter = rng.random() < chatter_share
        denials = (
            []
            if chatter
            else [
                DENIALS[(i + j) % len(DENIALS)].format(i=f"{seed}-{i}-{j}")
                for j in range(1 + rng.randrange(3))
            ]
        )
        core = "\n".join(f"```{d}```" for d in denials)
        room = max(0, size - len(core) - 2)
        late = bool(denials) and size > PASTE_HEAD + 1500 and rng.random() < late_share
        if late:
            before = room - rng.randrange(0, 500)
        else:
            before = rng.randrange(0, max(1, min(room, PASTE_HEAD - len(core) - 200) + 1))
        before = max(0, min(before, room))
        text = "\n".join(
            part for part in (_chatter(rng, before), core, _chatter(rng, room - before)) if part
        )
        late = bool(denials) and text.find("```") >= PASTE_HEAD
        expected = expected_incidents(text) if denials else 0
        ts = new_ts()
        channel = CHANNELS[i % len(CHANNELS)]
        body = message_event(
            text,
            user=USERS[i % len(USERS)],
            channel=channel,
            ts=ts,
            event_id=f"EvRel{seed:03d}{i:07d}",
        )
        out.append(Message(i, ts, channel, text, expected, late, body))
    return out


# --- playing Slack --------------------------------------------------------------------------------


@dataclass(order=True)
class Planned:
    """A delivery to make `due` seconds after the run's start (`retry` = X-Slack-Retry-Num)."""

    due: float
    seq: int
    message: Message = field(compare=False)
    retry: int | None = field(default=None, compare=False)
    target: int = field(default=0, compare=False)


@dataclass
class Delivery:
    """One request sent and what came back (status None: no answer, a connection error)."""

    message: Message
    retry: int | None
    target: int
    sent_at: float  # time.time() before connecting
    status: int | None
    ack: float | None  # seconds, request to response read
    late: float  # seconds behind schedule
    error: str | None = None  # the exception's name when there was no answer

    @property
    def ok(self) -> bool:
        return self.status is not None and 200 <= self.status < 300


def post_event(
    port: int, raw: bytes, retry: int | None, *, timeout: float = 10.0, secret: str = SIGNING_SECRET
) -> tuple[int | None, float, str | None]:
    headers = {"Content-Type": "application/json", **sign(secret, raw)}
    if retry is not None:
        headers["X-Slack-Retry-Num"] = str(retry)
        headers["X-Slack-Retry-Reason"] = "http_error"
    began = time.perf_counter()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request("POST", "/slack/events", body=raw, headers=headers)
        resp = conn.getresponse()
        resp.read()
        return resp.status, time.perf_counter() - began, None
    except (OSError, http.client.HTTPException) as exc:
        return None, time.perf_counter() - began, type(exc).__name__
    finally:
        conn.close()


class Player:
    """Plays Slack against one or more app ports. `plan(...)` the deliveries, then `run()`.

    A delivery that gets a non-2xx (or no answer) is redelivered, like Slack does, after each of
    `retry_delays` in turn (retry numbers continue from the failed one, at most 3 in all), on the
    next target. `on_ack(delivery)` runs on the sender thread after each 2xx.
    """

    def __init__(
        self,
        ports: Callable[[], Sequence[int]] | Sequence[int],
        *,
        workers: int = 16,
        retry_delays: Sequence[float] = (),
        on_ack: Callable[[Delivery], None] | None = None,
        timeout: float = 10.0,
        secret: str = SIGNING_SECRET,
    ) -> None:
        self._ports = ports
        self.secret = secret
        self.workers = workers
        self.retry_delays = tuple(retry_delays)
        self.on_ack = on_ack
        self.timeout = timeout
        self.deliveries: list[Delivery] = []
        self.given_up: list[Message] = []  # still failing after Slack's last retry
        self._heap: list[Planned] = []
        self._seq = itertools.count()
        self._cv = threading.Condition()
        self._inflight = 0
        self._start = 0.0

    def ports(self) -> Sequence[int]:
        return self._ports() if callable(self._ports) else self._ports

    def plan(self, due: float, message: Message, retry: int | None = None, target: int = 0) -> None:
        with self._cv:
            heapq.heappush(self._heap, Planned(due, next(self._seq), message, retry, target))
            self._cv.notify()

    def run(self, deadline: float) -> list[Delivery]:
        """Send everything planned (and the redeliveries); return after `deadline` seconds at
        the latest. Deliveries not yet due then are dropped (and listed in `given_up`)."""
        self._start = time.monotonic()
        stop_at = self._start + deadline
        threads = [
            threading.Thread(target=self._work, args=(stop_at,), daemon=True)
            for _ in range(self.workers)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(max(0.1, stop_at - time.monotonic() + self.timeout + 5))
        with self._cv:
            self.given_up.extend(p.message for p in self._heap)
            self._heap.clear()
        return self.deliveries

    def elapsed(self) -> float:
        return time.monotonic() - self._start

    def _work(self, stop_at: float) -> None:
        while True:
            with self._cv:
                while True:
                    now = time.monotonic()
                    if now >= stop_at or (not self._heap and self._inflight == 0):
                        self._cv.notify_all()
                        return
                    if self._heap and self._start + self._heap[0].due <= now:
                        item = heapq.heappop(self._heap)
                        self._inflight += 1
                        break
                    wait = (self._start + self._heap[0].due - now) if self._heap else 0.05
                    self._cv.wait(min(max(wait, 0.001), 0.05, stop_at - now))
            try:
                self._deliver(item)
            finally:
                with self._cv:
                    self._inflight -= 1
                    self._cv.notify_all()

    def _deliver(self, item: Planned) -> None:
        ports = self.ports()
        port = ports[item.target % len(ports)]
        late = max(0.0, time.monotonic() - (self._start + item.due))
        sent_at = time.time()
        status, ack, error = post_event(
            port, item.message.raw, item.retry, timeout=self.timeout, secret=self.secret
        )
        delivery = Delivery(
            item.message, item.retry, item.target, sent_at, status, ack, late, error
        )
        with self._cv:
            self.deliveries.append(delivery)
        if delivery.ok:
            if self.on_ack is not None:
                self.on_ack(delivery)
            return
        attempt = item.retry or 0  # this was attempt number `attempt` (0: the first delivery)
        if attempt < min(3, len(self.retry_delays)):
            self.plan(
                self.elapsed() + self.retry_delays[attempt],
                item.message,
                attempt + 1,
                item.target + 1,
            )
        else:
            with self._cv:
                self.given_up.append(item.message)


def ack_summary(deliveries: Sequence[Delivery]) -> dict[str, Any]:
    acked = [d.ack for d in deliveries if d.ok and d.ack is not None]
    statuses = Counter(
        str(d.status) if d.status is not None else f"no-answer:{d.error}" for d in deliveries
    )
    return {
        "requests": len(deliveries),
        "statuses": dict(sorted(statuses.items())),
        "ack_ms": summary_ms(acked),
        "sender_late_ms": summary_ms([d.late for d in deliveries]),
        "load_average": [round(x, 2) for x in os.getloadavg()],
    }


# --- what was stored and posted -------------------------------------------------------------------


def incident_counts(url: str) -> Counter[str]:
    """message ts -> incidents stored (any team, channel: the tests use unique ts values)."""
    from core.store import Store

    store = Store.open(url)
    try:
        with store.read() as conn:
            rows = conn.exec_driver_sql(
                "SELECT message_ts, count(*) FROM incidents GROUP BY message_ts"
            ).all()
    finally:
        store.close()
    return Counter({str(ts): int(n) for ts, n in rows})


def incident_times(url: str) -> dict[str, float]:
    """message ts -> when its incidents were stored (created_at, epoch seconds)."""
    from core.store import Store

    store = Store.open(url)
    try:
        with store.read() as conn:
            rows = conn.exec_driver_sql(
                "SELECT message_ts, max(created_at) FROM incidents GROUP BY message_ts"
            ).all()
    finally:
        store.close()
    out: dict[str, float] = {}
    for ts, created in rows:
        moment = created if created.tzinfo is not None else created.replace(tzinfo=UTC)
        out[str(ts)] = moment.timestamp()
    return out


def replies_by_thread(fake: Any) -> dict[str, list[float]]:
    """thread ts -> arrival times of the chat.postMessage calls Slack performed in it."""
    found: dict[str, list[float]] = {}
    for call in fake.calls("chat.postMessage"):
        thread = call.params.get("thread_ts")
        if thread:
            found.setdefault(str(thread), []).append(call.at)
    return found


def wait_for_replies(fake: Any, wanted: set[str], timeout: float, idle: float = 30.0) -> None:
    """Until every wanted thread has a reply, or `timeout`, or nothing new for `idle` seconds."""
    deadline = time.monotonic() + timeout
    seen, progress = -1, time.monotonic()
    while time.monotonic() < deadline:
        have = len(wanted & set(replies_by_thread(fake)))
        if have >= len(wanted):
            return
        if have != seen:
            seen, progress = have, time.monotonic()
        elif time.monotonic() - progress > idle:
            return
        time.sleep(0.2)


@dataclass
class Verdict:
    """Per-message comparison of what was expected with what was stored and posted."""

    lost: list[str]  # fewer incidents than expected
    doubled: list[str]  # more incidents than expected
    missing_replies: list[str]
    double_replies: list[str]
    chatter_replies: list[str]

    @property
    def clean(self) -> bool:
        return not (
            self.lost
            or self.doubled
            or self.missing_replies
            or self.double_replies
            or self.chatter_replies
        )

    def summary(self) -> str:
        return (
            f"lost {len(self.lost)}, doubled {len(self.doubled)}, missing replies "
            f"{len(self.missing_replies)}, double replies {len(self.double_replies)}, "
            f"replies to chatter {len(self.chatter_replies)}"
        )


def verdict(
    messages: Sequence[Message], counts: Counter[str], replies: dict[str, list[float]]
) -> Verdict:
    lost, doubled, missing, double, chatter = [], [], [], [], []
    for m in messages:
        stored = counts.get(m.ts, 0)
        if stored < m.expected:
            lost.append(m.ts)
        elif stored > m.expected:
            doubled.append(m.ts)
        posted = len(replies.get(m.ts, []))
        if m.expected and posted == 0:
            missing.append(m.ts)
        elif posted > 1:
            double.append(m.ts)
        elif not m.expected and posted:
            chatter.append(m.ts)
    return Verdict(lost, doubled, missing, double, chatter)


# --- iamdeny serve --------------------------------------------------------------------------------


def serve_env(fake_url: str, database_url: str, spool: Path, **extra: str) -> dict[str, str]:
    """The environment of `iamdeny serve` against the fake Slack and `database_url`, its spool in
    `spool` (give processes meant to share a host's spool the same directory)."""
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
        DATABASE_URL=database_url,
        IAMDENY_LOG_LEVEL="WARNING",
        IAMDENY_SPOOL_DIR=str(spool),
        PYTHONPATH=str(ROOT) + os.pathsep + env.get("PYTHONPATH", ""),
    )
    env.update(extra)
    return env


class ServeProcess:
    """`iamdeny serve --http` on a fixed loopback port, in its own process group."""

    def __init__(
        self,
        env: dict[str, str],
        log: Path,
        *,
        port: int | None = None,
        workers: int = 2,
        threads: int = 8,
    ) -> None:
        self.env, self.log = env, log
        self.port = port or free_port()
        self.workers, self.threads = workers, threads
        self.proc: subprocess.Popen[bytes] | None = None
        self.starts = 0

    def start(self, *, wait: bool = True, timeout: float = 60.0) -> None:
        command = [
            sys.executable,
            "-m",
            "bot.cli",
            "serve",
            "--http",
            "--host",
            "127.0.0.1",
            "--port",
            str(self.port),
            "--workers",
            str(self.workers),
            "--threads",
            str(self.threads),
        ]
        with open(self.log, "ab") as fh:
            self.proc = subprocess.Popen(
                command,
                cwd=ROOT,
                env=self.env,
                stdout=fh,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        self.starts += 1
        if wait:
            self.wait_answering(timeout)

    def wait_answering(self, timeout: float = 60.0) -> None:
        """Until /healthz answers at all (503 while the database is down counts)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            assert self.proc is not None
            if self.proc.poll() is not None:
                raise RuntimeError(f"iamdeny serve exited ({self.proc.returncode}):\n{self.tail()}")
            try:
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=2)
                conn.request("GET", "/healthz")
                conn.getresponse().read()
                conn.close()
                return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError(f"iamdeny serve did not answer in {timeout} s:\n{self.tail()}")

    def kill(self) -> None:
        """SIGKILL the whole process group (master and workers): a crash, no clean-up."""
        if self.proc is None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait(10)

    def stop(self) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.proc.pid, signal.SIGTERM)
        try:
            self.proc.wait(30)
        except subprocess.TimeoutExpired:
            self.kill()

    def tail(self, lines: int = 40) -> str:
        try:
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""


# --- a dedicated PostgreSQL cluster ---------------------------------------------------------------


def pg_bin(name: str) -> str:
    """Path of a PostgreSQL server binary (/usr/lib/postgresql/<newest>/bin, else PATH)."""
    candidates = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), reverse=True)
    found = candidates[0] if candidates else shutil.which(name)
    if not found:
        raise RuntimeError(f"PostgreSQL's {name} was not found (/usr/lib/postgresql/*/bin, PATH)")
    return found


def _as_server_user(command: list[str]) -> list[str]:
    """`command`, run as the postgres account when we are root (initdb and postgres refuse root)."""
    if os.geteuid() != 0:
        return command
    runuser = shutil.which("runuser")
    if runuser:
        return [runuser, "-u", "postgres", "--", *command]
    return ["su", "postgres", "-s", "/bin/sh", "-c", " ".join(shlex.quote(c) for c in command)]


class PgCluster:
    """A throwaway PostgreSQL cluster: initdb in a temp dir, a free loopback port, trust auth."""

    def __init__(self) -> None:
        self.dir = Path(tempfile.mkdtemp(prefix="iamdeny_pg_outage_"))
        self.data = self.dir / "data"
        self.port = free_port()
        self.log = self.dir / "postgres.log"
        if os.geteuid() == 0:  # the server refuses to run as root: the postgres account owns it
            import pwd

            try:
                account = pwd.getpwnam("postgres")
            except KeyError:
                raise RuntimeError("running as root and there is no postgres account") from None
            os.chown(self.dir, account.pw_uid, account.pw_gid)
        initdb = [pg_bin("initdb"), "-D", str(self.data), "-A", "trust", "-U", "postgres"]
        done = subprocess.run(
            _as_server_user([*initdb, "--no-sync", "-E", "UTF8", "--locale=C"]),
            check=False,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            timeout=120,
        )
        if done.returncode != 0:
            raise RuntimeError(f"initdb failed: {done.stderr.decode(errors='replace')[-500:]}")

    @property
    def admin_url(self) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/postgres"

    def url(self, database: str) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{database}"

    def start(self) -> None:
        options = (
            f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.dir} "
            "-c fsync=off -c max_connections=100 -c shared_buffers=32MB"
        )
        pg_ctl = [pg_bin("pg_ctl"), "-D", str(self.data), "-l", str(self.log), "-o", options]
        subprocess.run(
            _as_server_user([*pg_ctl, "-w", "-t", "60", "start"]),
            check=True,
            stdout=subprocess.DEVNULL,
            timeout=90,
        )

    def stop(self, mode: str = "fast") -> None:
        subprocess.run(
            _as_server_user([pg_bin("pg_ctl"), "-D", str(self.data), "-m", mode, "-w", "stop"]),
            check=False,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            timeout=90,
        )

    def create_database(self, name: str) -> str:
        import psycopg
        from psycopg import sql

        with psycopg.connect(self.admin_url, autocommit=True, connect_timeout=10) as conn:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        return self.url(name)

    def remove(self) -> None:
        self.stop("immediate")
        shutil.rmtree(self.dir, ignore_errors=True)


@contextlib.contextmanager
def pg_cluster() -> Iterator[PgCluster]:
    cluster = PgCluster()
    try:
        cluster.start()
        yield cluster
    finally:
        cluster.remove()


def migrate(url: str) -> None:
    from core.store import Store, upgrade

    store = Store.open(url)
    try:
        upgrade(store)
    finally:
        store.close()
