"""Issue 5, item 5: the Slack Web API misbehaves and every reply is still posted exactly once.

The fake Slack answers 30% of all Web API calls with 429 + `Retry-After: 1` and drops 10% of
connections — half before doing anything, half *after* performing the call (the client cannot know
a post happened). The fault plan is deterministic: each request's fate is drawn from a seeded
generator keyed by the request itself (method, channel, thread, user) and its attempt number, so
thread scheduling does not change it. The real app (loopback HTTP, 8 reply workers) runs with the
same recovery sweep `iamdeny serve` runs, on a test schedule (1 s instead of 15 s).

Asserted: every message's thread holds exactly one reply of ours and its claim row records that
reply; incidents = messages x denials; every call that got a 429 was retried no earlier than its
`Retry-After`; and the fault plan really produced 429s, plain drops and posts performed then
dropped.
"""

from __future__ import annotations

import random
import threading
import time
from collections import Counter
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from conftest_bot import BotServer
from fakeslack import FakeSlack, Fault
from slackreq import message_event

from core.store import ANY_TEAM, get_reply, list_incidents

pytestmark = pytest.mark.db

MESSAGES = 60
RETRY_AFTER = 1
SEED = 20261130
CHANNEL = "C0FAULTS"
DEADLINE_SECONDS = 100.0
# The sweep's takeover lease in this test is 20 s; a held claim settles within a lease or two.
CLAIM_SETTLE_SECONDS = 60.0

DENIAL_A = (
    "User: arn:aws:sts::111122223333:assumed-role/deploy/ci-{i} is not authorized to perform: "
    "s3:PutObject on resource: arn:aws:s3:::artifacts-{i}/build.zip with an explicit deny in a "
    "service control policy"
)
DENIAL_B = (
    "User: arn:aws:iam::111122223333:user/bob-{i} is not authorized to perform: dynamodb:PutItem "
    "on resource: arn:aws:dynamodb:us-east-1:111122223333:table/orders-{i} because no "
    "identity-based policy allows the dynamodb:PutItem action"
)


def _request_key(method: str, params: dict[str, Any]) -> tuple[str, ...]:
    """What identifies one logical request across its retries."""
    return (
        method,
        str(params.get("channel") or ""),
        str(params.get("thread_ts") or params.get("ts") or ""),
        str(params.get("user") or ""),
    )


class FaultPlan:
    """30% 429 (Retry-After 1), 5% dropped unanswered, 5% performed then dropped; per request."""

    def __init__(self, seed: int) -> None:
        self.seed = seed
        self.attempts: Counter[tuple[str, ...]] = Counter()
        self.fired: Counter[tuple[str, str]] = Counter()
        self._lock = threading.Lock()

    def __call__(self, method: str, params: dict[str, Any]) -> Fault | None:
        key = _request_key(method, params)
        with self._lock:
            attempt = self.attempts[key]
            self.attempts[key] += 1
        draw = random.Random(f"{self.seed}|{'|'.join(key)}|{attempt}").random()
        if draw < 0.30:
            kind, fault = "429", Fault(status=429, retry_after=RETRY_AFTER)
        elif draw < 0.35:
            kind, fault = "drop", Fault(drop=True)
        elif draw < 0.40:
            kind, fault = "drop_after", Fault(drop_after=True)
        else:
            return None
        with self._lock:
            self.fired[(method, kind)] += 1
        return fault


def _replies_by_thread(fake: FakeSlack, channel: str) -> Counter[str]:
    with fake._lock:
        messages = list(fake.messages.get(channel, {}).values())
    return Counter(str(m.get("thread_ts")) for m in messages if m.get("thread_ts"))


def _wait(condition: Callable[[], bool], timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.25)
    return condition()


def _all_claims_posted(bot: BotServer, sent: list[str]) -> bool:
    for ts in sent:
        claim = get_reply(bot.store, team_id="T0001", channel_id=CHANNEL, message_ts=ts)
        if claim is None or claim.status != "posted":
            return False
    return True


def test_every_reply_posted_once_under_429s_and_dropped_connections(
    make_bot: Callable[..., BotServer], fake_slack: FakeSlack
) -> None:
    from bot.app import team_clients
    from bot.pipeline.recovery import ReplyRecovery

    bot = make_bot(iamdeny_reply_workers=8)
    recovery = ReplyRecovery(
        bot.deps,
        team_clients(bot.wsgi.app, bot.settings),
        interval=1.0,
        min_age=timedelta(seconds=1),
        lease=timedelta(seconds=20),
    )
    plan = FaultPlan(SEED)
    fake_slack.set_fault_chooser(plan)
    expected_incidents = 0
    sent: list[str] = []
    recovery.start()
    try:
        for i in range(MESSAGES):
            text = DENIAL_A.format(i=i)
            if i % 3 == 0:
                text += "\nand then:\n" + DENIAL_B.format(i=i)
                expected_incidents += 2
            else:
                expected_incidents += 1
            body = message_event(text, user=f"U{i:07d}", channel=CHANNEL)
            resp = bot.slack.send_event(body)
            assert resp.status == 200, resp.status
            sent.append(body["event"]["ts"])
        answered = _wait(
            lambda: all(_replies_by_thread(fake_slack, CHANNEL)[ts] >= 1 for ts in sent),
            DEADLINE_SECONDS,
        )
        bot.drain(timeout=60)
        # A post whose outcome was unknown (connection dropped after Slack performed it, and the
        # thread could not be read either) keeps its claim until the sweep takes it over after
        # the lease and finds the reply in the thread: wait for every claim to settle.
        settled = _wait(lambda: _all_claims_posted(bot, sent), CLAIM_SETTLE_SECONDS)
        time.sleep(1.5)  # one more sweep: it must find nothing to do
    finally:
        recovery.stop()
        fake_slack.set_fault_chooser(None)
    bot.drain(timeout=30)

    replies = _replies_by_thread(fake_slack, CHANNEL)
    missing = [ts for ts in sent if replies[ts] == 0]
    doubled = {ts: replies[ts] for ts in sent if replies[ts] > 1}
    assert answered and not missing, f"{len(missing)} message(s) never answered"
    assert settled, "a reply claim never recorded its posted reply"
    assert not doubled, f"replies posted more than once: {doubled}"
    assert sum(replies.values()) == MESSAGES

    # Each claim records the reply that is in the thread.
    with fake_slack._lock:
        reply_ts = {
            str(m["thread_ts"]): ts
            for ts, m in fake_slack.messages[CHANNEL].items()
            if m.get("thread_ts")
        }
    for ts in sent:
        claim = get_reply(bot.store, team_id="T0001", channel_id=CHANNEL, message_ts=ts)
        assert claim is not None and claim.status == "posted"
        assert claim.reply_ts == reply_ts[ts]

    # Nothing lost, nothing doubled in the store.
    incidents = list_incidents(bot.store, team_id=ANY_TEAM, limit=None)
    assert len(incidents) == expected_incidents
    assert len({(i.message_ts, i.denial_index) for i in incidents}) == expected_incidents

    # Retry-After honoured: the next attempt of a rate-limited request came no earlier.
    calls = fake_slack.calls(all_outcomes=True)
    early: list[tuple[str, float]] = []
    for n, call in enumerate(calls):
        if call.outcome != "429":
            continue
        key = _request_key(call.method, call.params)
        later = next((c for c in calls[n + 1 :] if _request_key(c.method, c.params) == key), None)
        if later is not None and later.at - call.at < RETRY_AFTER:
            early.append((call.method, later.at - call.at))
    assert not early, f"retried before Retry-After: {early[:5]}"

    # The plan did produce every fault kind, including posts performed and then dropped.
    fired = plan.fired
    assert fired[("chat.postMessage", "429")] >= 5
    assert fired[("chat.postMessage", "drop")] >= 1
    assert fired[("chat.postMessage", "drop_after")] >= 1
    assert sum(n for (_, kind), n in fired.items() if kind == "429") >= 20
    print(  # figures for docs/reliability.md (pytest -s)
        f"\nslack faults: {MESSAGES} messages, {len(calls)} Web API calls, "
        f"faults {dict(sorted((f'{m}:{k}', n) for (m, k), n in fired.items()))}"
    )


def test_post_with_unknown_outcome_is_found_not_reposted(
    bot: BotServer, fake_slack: FakeSlack
) -> None:
    """The post is performed but its answer lost, and the thread cannot be read at first: the claim
    is kept (no second post); the sweep, once the lease has passed, finds the reply in the thread
    and records it instead of posting again."""
    from bot.app import team_clients
    from bot.pipeline.recovery import ReplyRecovery

    fake_slack.add_fault(Fault("chat.postMessage", drop_after=True))
    fake_slack.add_fault(Fault("conversations.replies", status=500, times=3))  # past the retries
    body = message_event(DENIAL_A.format(i="x"), channel=CHANNEL)
    ts = body["event"]["ts"]
    assert bot.slack.send_event(body).status == 200
    fake_slack.wait_for("conversations.replies", 3, all_outcomes=True)
    bot.drain()
    claim = get_reply(bot.store, team_id="T0001", channel_id=CHANNEL, message_ts=ts)
    assert claim is not None and claim.status == "claimed"  # kept: the outcome is unknown
    assert _replies_by_thread(fake_slack, CHANNEL)[ts] == 1

    sweep = ReplyRecovery(
        bot.deps,
        team_clients(bot.wsgi.app, bot.settings),
        min_age=timedelta(0),
        lease=timedelta(0),
    )
    assert sweep.run_once() == 1
    claim = get_reply(bot.store, team_id="T0001", channel_id=CHANNEL, message_ts=ts)
    assert claim is not None and claim.status == "posted"
    assert len(fake_slack.calls("chat.postMessage")) == 1
    with fake_slack._lock:
        (in_thread,) = [
            t for t, m in fake_slack.messages[CHANNEL].items() if m.get("thread_ts") == ts
        ]
    assert claim.reply_ts == in_thread
    assert _replies_by_thread(fake_slack, CHANNEL)[ts] == 1
    assert sweep.run_once() == 0
