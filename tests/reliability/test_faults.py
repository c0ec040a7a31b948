"""Handler failure (issue 5, item 3): 10% of the message events fail while being handled, after the
request arrived, at five points; the test plays Slack and redelivers every event that got a non-2xx.

The fault switch exists only in this test: it is installed through the app factory's dependencies
(`Deps.jobs` is a job pool that fails on cue) and on the test's own app instance (a Bolt global
middleware and a SQLAlchemy event on the app's engine, both added by this file). The production
build has no such hook. The kinds, each on ~2% of the messages:

- `early`: the request fails before any listener ran (nothing stored);
- `write`: the database fails inside the incident transaction, after the INSERT, with an error in
  the statement (rolled back; not an outage, so not spooled: 500);
- `outage`: the connection is lost inside the incident transaction, after the INSERT (rolled
  back): the paste goes to the spool and is acknowledged; the spool's drainer records it;
- `stored`: the incidents are committed, then handling fails before the reply is queued (500);
- `queued`: the incidents are committed and the reply queued, then handling fails (500);
- `reply_crash`: acknowledged (200), but the reply job dies before posting — as a process crash
  after the ack would; only the recovery sweep can answer it. Chosen among messages whose denials
  sit past the first 4,000 characters, which the stored paste does not keep.

A third of the `early`/`write` faults also fail the first redelivery. Proven: no event is
acknowledged before its incidents are stored — in the database or in the spool (checked right
after every 2xx); after the redeliveries, incidents = unique messages x denials, every denial
message has one reply, and the spool is empty.
"""

from __future__ import annotations

import dataclasses
import json
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import Future
from datetime import timedelta
from typing import Any
from wsgiref.simple_server import make_server

import pytest
from conftest_bot import SIGNING_SECRET, BotServer, _QuietHandler, _ThreadingWSGIServer
from fakeslack import FakeSlack
from relharness import (
    Delivery,
    Message,
    Player,
    ack_summary,
    add_users,
    incident_counts,
    make_messages,
    replies_by_thread,
    verdict,
    wait_for_replies,
)
from sqlalchemy import event
from sqlalchemy.exc import InternalError, OperationalError

from bot.background import Jobs
from bot.settings import Settings
from core.store import Store
from core.store.recovery import message_incidents

pytestmark = [pytest.mark.db, pytest.mark.slow]

KINDS = ("early", "write", "stored", "queued", "outage", "reply_crash")
_SPREAD = ("early", "write", "stored", "queued", "outage")
MESSAGES = 300
RATE = 50.0


class InjectedError(RuntimeError):
    """The failure this test injects."""


class FaultPlan:
    """Which message fails how, on which delivery attempts; what fired."""

    def __init__(self, plan: dict[str, tuple[str, int]]) -> None:
        self.plan = plan  # message ts -> (kind, number of attempts that fail)
        self.fired: Counter[str] = Counter()
        self.local = threading.local()
        self._lock = threading.Lock()

    def arm(self, ts: str | None, attempt: int) -> None:
        """Called at the start of each request (on its thread): set this request's fault."""
        kind, failing = self.plan.get(ts or "", ("", 0))
        self.local.kind = kind if attempt < failing else None

    def take(self, kind: str) -> bool:
        if getattr(self.local, "kind", None) != kind:
            return False
        self.local.kind = None
        with self._lock:
            self.fired[kind] += 1
        return True


class FaultyJobs(Jobs):
    """The job pool, failing on cue for the `stored`, `queued` and `reply_crash` faults."""

    def __init__(self, workers: int, faults: FaultPlan) -> None:
        super().__init__(workers)
        self.faults = faults

    def submit(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Future[Any]:
        if self.faults.take("stored"):
            raise InjectedError("stored, then failed before the reply was queued")
        if self.faults.take("reply_crash"):
            return super().submit(lambda: None)  # the reply job dies: nothing posted
        future = super().submit(fn, *args, **kwargs)
        if self.faults.take("queued"):
            raise InjectedError("stored and reply queued, then failed before the ack")
        return future


def spooled_ts(bot: BotServer) -> set[str]:
    """The message ts of every reading waiting in the app's spool."""
    from bot.pipeline.spool import SpooledReading

    assert bot.deps.spool is not None
    found = set()
    for name in bot.deps.spool.names():
        try:
            raw = (bot.deps.spool.directory / name).read_bytes()
        except FileNotFoundError:
            continue  # drained meanwhile
        found.add(SpooledReading.from_json(raw).message.ts)
    return found


def _plan(messages: list[Message]) -> dict[str, tuple[str, int]]:
    late = [m for m in messages if m.late][:6]
    chosen = {m.ts for m in late}
    plan = {m.ts: ("reply_crash", 1) for m in late}
    # Every 10th message; those with no denial store nothing and queue nothing, so only the
    # `early` fault can fire on them: the others go to denial messages.
    others = [m for m in messages if m.index % 10 == 5 and m.ts not in chosen and m.expected]
    for n, m in enumerate(others[: len(messages) // 10 - len(late)]):
        kind = _SPREAD[n % len(_SPREAD)]
        twice = kind in ("early", "write") and n % 3 == 0
        plan[m.ts] = (kind, 2 if twice else 1)
    return plan


@pytest.fixture
def faulty_bot(
    bot_settings: Settings, fake_slack: FakeSlack
) -> Iterator[tuple[BotServer, FaultPlan, list[Message]]]:
    from bot.app import team_clients
    from bot.deps import Deps
    from bot.http import create_wsgi_app
    from bot.pipeline.backlog import SpoolDrainer
    from bot.pipeline.gate import DatabaseGate
    from bot.pipeline.recovery import ReplyRecovery

    add_users(fake_slack)
    messages = make_messages(MESSAGES, seed=21, chatter_share=0.15, late_share=0.6)
    faults = FaultPlan(_plan(messages))
    settings = bot_settings
    store = Store.open(settings.database_url)
    deps = Deps.build(settings, store, jobs=FaultyJobs(settings.iamdeny_reply_workers, faults))
    # Every request tries the database (no hold after a lost connection), so that each planned
    # fault fires on its own message; the hold itself is tested in tests/bot/test_spool.py.
    deps = dataclasses.replace(deps, gate=DatabaseGate(hold=0.0))
    wsgi = create_wsgi_app(settings, store, deps=deps)

    def fault_switch(body: dict[str, Any], req: Any, next: Callable[[], None]) -> None:
        retry = req.headers.get("x-slack-retry-num") or ["0"]
        faults.arm((body.get("event") or {}).get("ts"), int(retry[0]))
        if faults.take("early"):
            raise InjectedError("failed before any listener ran")
        next()

    wsgi.app.use(fault_switch)

    def failing_write(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        if not statement.lstrip().upper().startswith("INSERT INTO INCIDENTS"):
            return
        if faults.take("write"):
            raise InternalError(statement[:40], None, InjectedError("statement failed"))
        if faults.take("outage"):
            raise OperationalError(statement[:40], None, InjectedError("connection lost"))

    event.listen(store.engine, "after_cursor_execute", failing_write)
    server = make_server(
        "127.0.0.1", 0, wsgi, server_class=_ThreadingWSGIServer, handler_class=_QuietHandler
    )
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
    )
    thread.start()
    bot = BotServer(wsgi, deps, store, settings, server, thread)
    sweeper = ReplyRecovery(
        deps,
        team_clients(wsgi.app, settings),
        interval=1.0,
        min_age=timedelta(seconds=3),
        lease=timedelta(minutes=2),
    )
    sweeper.start()
    drainer = SpoolDrainer(deps, team_clients(wsgi.app, settings), interval=0.2)
    drainer.start()
    fake_slack.clear_calls()
    try:
        yield bot, faults, messages
    finally:
        sweeper.stop()
        drainer.stop()
        bot.close()


def test_failed_handling_is_redelivered_and_recorded_and_answered_once(
    faulty_bot: tuple[BotServer, FaultPlan, list[Message]], fake_slack: FakeSlack, db_url: str
) -> None:
    bot, faults, messages = faulty_bot
    unstored_acks: list[str] = []
    checker = Store.open(db_url)

    def check_stored(delivery: Delivery) -> None:
        m = delivery.message
        if m.ts in spooled_ts(bot):
            return  # stored in the spool (looked at first: the drainer moves it to the database)
        stored = len(
            message_incidents(checker, team_id="T0001", channel_id=m.channel, message_ts=m.ts)
        )
        if stored != m.expected:
            unstored_acks.append(f"{m.ts}: acked with {stored}/{m.expected} incidents stored")

    port = int(bot.server.server_address[1])
    player = Player(
        [port],
        workers=16,
        retry_delays=(0.2, 1.0, 2.0),
        on_ack=check_stored,
        secret=SIGNING_SECRET,
        timeout=30.0,  # a slow answer on a busy CI machine is not a failure of the bot
    )
    for m in messages:
        player.plan(m.index / RATE, m)
    try:
        player.run(deadline=MESSAGES / RATE + 60)
        wanted = {m.ts for m in messages if m.expected}
        wait_for_replies(fake_slack, wanted, timeout=90, idle=30)
        time.sleep(1.5)
    finally:
        checker.close()
    counts = incident_counts(db_url)
    replies = replies_by_thread(fake_slack)
    result = verdict(messages, counts, replies)
    failed = [d for d in player.deliveries if not d.ok]
    figures = {
        "scenario": "faults",
        "messages": len(messages),
        "faulted_messages": len(faults.plan),
        "faults_fired": dict(faults.fired),
        "late_denial_messages": sum(1 for m in messages if m.late),
        **ack_summary(player.deliveries),
        "non_2xx": len(failed),
        "redeliveries": sum(1 for d in player.deliveries if d.retry),
        "verdict": result.summary(),
    }
    print("\nreliability faults:", json.dumps(figures))
    planned_failures = sum(n for _, n in faults.plan.values())
    assert set(faults.fired) == set(KINDS), faults.fired  # every fault point was exercised
    assert sum(faults.fired.values()) == planned_failures
    # Acknowledged despite the fault: the crashed replies (after the ack) and the lost
    # connections (spooled); every other fault is a 500 and a redelivery.
    assert len(failed) == planned_failures - faults.fired["reply_crash"] - faults.fired["outage"]
    assert all(d.status == 500 for d in failed), Counter(d.status for d in failed)
    assert not player.given_up
    assert not unstored_acks, unstored_acks[:5]
    assert result.clean, result.summary()
    assert sum(counts.get(m.ts, 0) for m in messages) == sum(m.expected for m in messages)
    assert spooled_ts(bot) == set()  # every spooled paste was recorded


def test_long_paste_keeps_its_late_denials_in_the_stored_paste() -> None:
    """The defect the reply_crash fault found: a paste longer than the stored 4,000 characters
    whose denials came later was stored as its head alone, so the recovery sweep (and the reply's
    buttons) read no denial from it and the reply owed after a crash was never posted."""
    from bot.pipeline.intake import stored_paste
    from core.classifier import find_denials
    from core.fingerprint import fingerprint
    from core.redaction import redact
    from core.store import PASTE_MAX_CHARS

    late = [m for m in make_messages(120, seed=22, late_share=1.0) if m.late]
    assert len(late) >= 5
    for m in late:
        text = redact(m.text).text
        denials = find_denials(text)
        kept = stored_paste(text, denials)
        assert len(kept) <= PASTE_MAX_CHARS
        assert [fingerprint(d) for d in find_denials(kept)] == [fingerprint(d) for d in denials]
    short = "x" * 100 + "\n" + late[0].text[-2000:]
    assert stored_paste(short, find_denials(short)) == short
