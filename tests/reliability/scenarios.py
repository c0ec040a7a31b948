"""The load, duplicate-delivery and database-outage scenarios, sized by their arguments: the tests
in tests/reliability run them small (CI), bench/bench_soak.py runs them full size. Each returns its
figures as a dict (printed by both) and the per-message `Verdict`; the callers assert.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Any

from fakeslack import Fault
from relharness import (
    Message,
    Player,
    ServeProcess,
    Verdict,
    ack_summary,
    add_users,
    incident_counts,
    incident_times,
    make_messages,
    migrate,
    pg_cluster,
    replies_by_thread,
    serve_env,
    summary_ms,
    verdict,
    wait_for_replies,
)

__all__ = ["run_duplicates", "run_load", "run_outage"]


def _reply_latency(
    messages: list[Message], first_sent: dict[str, float], replies: dict[str, list[float]]
) -> dict[str, Any]:
    figures: dict[str, Any] = summary_ms(
        [
            min(replies[m.ts]) - first_sent[m.ts]
            for m in messages
            if m.ts in replies and m.ts in first_sent
        ]
    )
    return figures


def _first_sent(player: Player) -> dict[str, float]:
    out: dict[str, float] = {}
    for d in player.deliveries:
        out[d.message.ts] = min(out.get(d.message.ts, d.sent_at), d.sent_at)
    return out


def _wanted(messages: list[Message]) -> set[str]:
    return {m.ts for m in messages if m.expected}


def run_load(
    fake: Any,
    db_url: str,
    logdir: Path,
    *,
    rate: float = 50.0,
    seconds: float = 10.0,
    burst: int = 200,
    seed: int = 11,
    workers: int = 2,
    threads: int = 8,
) -> tuple[dict[str, Any], Verdict]:
    """Signed message events at `rate`/s for `seconds`, plus `burst` events all due at half-time,
    payloads 200 to 40,000 chars (denials and chatter), against `iamdeny serve`."""
    add_users(fake)
    steady = round(rate * seconds)
    messages = make_messages(steady + burst, seed=seed)
    server = ServeProcess(
        serve_env(fake.url, db_url, logdir / "load-spool"),
        logdir / "load-serve.log",
        workers=workers,
        threads=threads,
    )
    server.start()
    try:
        player = Player([server.port], workers=32, timeout=30.0)
        for i, m in enumerate(messages[:steady]):
            player.plan(i / rate, m)
        for m in messages[steady:]:
            player.plan(seconds / 2, m)
        began = time.monotonic()
        player.run(deadline=seconds + 60)
        sending = time.monotonic() - began
        wait_for_replies(fake, _wanted(messages), timeout=120, idle=30)
        time.sleep(1.0)  # a late duplicate would show up here
        alive = server.proc is not None and server.proc.poll() is None
    finally:
        server.stop()
    counts = incident_counts(db_url)
    replies = replies_by_thread(fake)
    result = verdict(messages, counts, replies)
    figures = {
        "scenario": "load",
        "rate": rate,
        "seconds": seconds,
        "burst": burst,
        "messages": len(messages),
        "denial_messages": sum(1 for m in messages if m.expected),
        "incidents_expected": sum(m.expected for m in messages),
        "incidents_stored": sum(counts.get(m.ts, 0) for m in messages),
        "payload_chars": {
            "min": min(len(m.text) for m in messages),
            "max": max(len(m.text) for m in messages),
        },
        "send_seconds": round(sending, 2),
        **ack_summary(player.deliveries),
        "non_2xx": sum(1 for d in player.deliveries if not d.ok),
        "ack_ms_steady": summary_ms(
            [d.ack for d in player.deliveries if d.ok and d.ack and d.message.index < steady]
        ),
        "ack_ms_burst": summary_ms(
            [d.ack for d in player.deliveries if d.ok and d.ack and d.message.index >= steady]
        ),
        "reply_ms": _reply_latency(messages, _first_sent(player), replies),
        "server_alive_at_end": alive,
        "verdict": result.summary(),
    }
    return figures, result


def run_duplicates(
    fake: Any,
    db_url: str,
    logdir: Path,
    *,
    messages: int = 200,
    races: int = 50,
    rate: float = 50.0,
    later: float = 3.0,
    seed: int = 12,
) -> tuple[dict[str, Any], Verdict, list[str]]:
    """`messages` messages, each delivered 4 times over two `iamdeny serve` processes on the same
    database: the first delivery, a retry at once (`X-Slack-Retry-Num: 1`, other process), retries
    2 and 3 `later` and 2 x `later` seconds after; `races` of the messages instead get all four
    deliveries at the same instant (split across both processes)."""
    add_users(fake)
    msgs = make_messages(messages, seed=seed, max_chars=8000, chatter_share=0.0)
    servers = [
        ServeProcess(
            serve_env(fake.url, db_url, logdir / "dup-spool"),
            logdir / f"dup-serve-{k}.log",
            workers=1,
            threads=8,
        )
        for k in range(2)
    ]
    for server in servers:  # both boot at once
        server.start(wait=False)
    for server in servers:
        server.wait_answering()
    step = max(1, messages // max(1, races))
    raced = [m for m in msgs if m.index % step == 0][:races]
    raced_ts = {m.ts for m in raced}
    try:
        player = Player([s.port for s in servers], workers=32, timeout=30.0)
        for m in msgs:
            due = m.index / rate
            if m.ts in raced_ts:
                for retry in (None, 1, 2, 3):
                    player.plan(due, m, retry, target=retry or 0)
            else:
                player.plan(due, m, None, 0)
                player.plan(due + 0.01, m, 1, 1)
                player.plan(due + later, m, 2, 0)
                player.plan(due + 2 * later, m, 3, 1)
        player.run(deadline=messages / rate + 2 * later + 60)
        wait_for_replies(fake, _wanted(msgs), timeout=120, idle=30)
        time.sleep(1.5)
    finally:
        for server in servers:
            server.stop()
    counts = incident_counts(db_url)
    replies = replies_by_thread(fake)
    result = verdict(msgs, counts, replies)
    per_message: dict[str, int] = {}
    for d in player.deliveries:
        per_message[d.message.ts] = per_message.get(d.message.ts, 0) + 1
    problems = [f"{ts}: {n} deliveries" for ts, n in per_message.items() if n != 4]
    if len(per_message) != len(msgs):
        problems.append(f"only {len(per_message)} of {len(msgs)} messages delivered")
    figures = {
        "scenario": "duplicates",
        "messages": len(msgs),
        "deliveries_per_message": 4,
        "races": len(raced),
        "processes": len(servers),
        "incidents_expected": sum(m.expected for m in msgs),
        "incidents_stored": sum(counts.get(m.ts, 0) for m in msgs),
        "replies": sum(len(replies.get(m.ts, [])) for m in msgs),
        **ack_summary(player.deliveries),
        "non_2xx": sum(1 for d in player.deliveries if not d.ok),
        "verdict": result.summary(),
    }
    return figures, result, problems


def run_outage(
    fake: Any,
    logdir: Path,
    *,
    rate: float = 20.0,
    before: float = 6.0,
    outage: float = 12.0,
    after: float = 6.0,
    seed: int = 13,
    settle: float = 1.5,
    slow_posts_at_kill: float = 0.0,
) -> tuple[dict[str, Any], Verdict]:
    """A `rate`/s run against `iamdeny serve` on a dedicated PostgreSQL cluster: the database is
    stopped `before` seconds in for `outage` seconds, the serve process group is SIGKILLed and
    restarted once under load before the outage and once during it (`settle`: how long to keep
    watching for late duplicate replies at the end; `slow_posts_at_kill`: delay the fake's
    chat.postMessage answers for 1.5 s before the first kill, so that replies are in flight when
    it dies). The player redelivers what
    got a non-2xx or no answer (retry 1 after 0.5 s, 2 after outage/2, 3 after outage + 5 s)."""
    add_users(fake)
    total = before + outage + after
    messages = make_messages(round(rate * total), seed=seed)
    kill_at = (before / 2, before + outage / 2)
    events: dict[str, float] = {}
    with pg_cluster() as pg:
        url = pg.create_database("iamdeny_outage")
        migrate(url)
        server = ServeProcess(
            serve_env(fake.url, url, logdir / "outage-spool"), logdir / "outage-serve.log"
        )
        server.start()
        try:
            player = Player(
                [server.port],
                workers=16,
                retry_delays=(0.5, outage / 2, outage + 5.0),
                timeout=10.0,
            )
            for i, m in enumerate(messages):
                player.plan(i / rate, m)
            runner = threading.Thread(
                target=player.run, kwargs={"deadline": total + 2 * outage + 30}, daemon=True
            )
            runner.start()
            t0 = time.monotonic()

            def at(offset: float) -> None:
                time.sleep(max(0.0, t0 + offset - time.monotonic()))

            if slow_posts_at_kill > 0:
                # Slack slow to answer chat.postMessage just before the first kill: replies are
                # claimed and in flight (the fake performs each post after the delay, even for a
                # caller that died) when the process dies — the sweep must take them over after
                # its lease, find the posted ones in the thread and post only the others.
                at(kill_at[0] - 1.5)
                fake.add_fault(
                    Fault(method="chat.postMessage", delay=slow_posts_at_kill, times=None)
                )
            at(kill_at[0])
            server.kill()
            events["kill_1"] = time.time()
            fake.clear_faults()
            server.start(wait=True)
            events["restarted_1"] = time.time()
            at(before)
            pg.stop("fast")
            events["db_down"] = time.time()
            at(kill_at[1])
            server.kill()
            events["kill_2"] = time.time()
            server.start(wait=True)
            events["restarted_2"] = time.time()
            at(before + outage)
            pg.start()
            recovered = time.time()
            events["db_up"] = recovered
            runner.join(total + 2 * outage + 60)
            wanted = _wanted(messages)
            # A reply in flight (claimed) when a process is killed is posted by the recovery
            # sweep once its claim is 2 minutes old (the sweep's takeover lease): wait that long.
            wait_for_replies(fake, wanted, timeout=200, idle=170)
            # A double reply from the sweep taking over a stale claim would come after its lease
            # (2 minutes): `settle` longer than that to see it (the soak does).
            time.sleep(settle)
            counts = incident_counts(url)
            stored_at = incident_times(url)
        finally:
            server.stop()
    replies = replies_by_thread(fake)
    result = verdict(messages, counts, replies)
    first = _first_sent(player)
    backlog = [m for m in messages if first.get(m.ts, recovered) < recovered]
    store_drain = max(
        (stored_at[m.ts] - recovered for m in backlog if m.ts in stored_at), default=0.0
    )
    failed = [d for d in player.deliveries if not d.ok]
    accepted: dict[str, float] = {}  # message ts -> when the delivery that got a 2xx was sent
    for d in player.deliveries:
        if d.ok:
            accepted[d.message.ts] = min(accepted.get(d.message.ts, d.sent_at), d.sent_at)
    # Replies in flight when the first kill landed (accepted before it, posted after it) are
    # owed by the killed process, posted by the sweep after its takeover lease: not the outage's
    # backlog, and reported on their own below.
    owed_ts = {
        m.ts
        for m in messages
        if m.expected
        and m.ts in replies
        and accepted.get(m.ts, 1e18) < events["kill_1"]
        and min(replies[m.ts]) > events["kill_1"]
    }
    reply_drain = max(
        (
            min(replies[m.ts]) - recovered
            for m in backlog
            if m.expected and m.ts in replies and m.ts not in owed_ts
        ),
        default=0.0,
    )
    redelivered = [m for m in backlog if any(d.message.ts == m.ts and not d.ok for d in failed)]
    # How long the bot itself took once a backlog event was accepted (independent of when Slack
    # redelivers it): stored before the 2xx by design, so only the reply can lag.
    reply_lag = [
        min(replies[m.ts]) - accepted[m.ts]
        for m in redelivered
        if m.expected and m.ts in replies and m.ts in accepted
    ]
    # Replies owed by the process killed first: accepted before the kill, posted after it.
    owed = [min(replies[ts]) - events["restarted_1"] for ts in owed_ts]
    figures = {
        "scenario": "outage",
        "rate": rate,
        "seconds": total,
        "outage_seconds": round(events["db_up"] - events["db_down"], 1),
        "kills": 2,
        "restart_seconds": [
            round(events["restarted_1"] - events["kill_1"], 2),
            round(events["restarted_2"] - events["kill_2"], 2),
        ],
        "messages": len(messages),
        "incidents_expected": sum(m.expected for m in messages),
        "incidents_stored": sum(counts.get(m.ts, 0) for m in messages),
        "replies": sum(len(replies.get(m.ts, [])) for m in messages),
        **ack_summary(player.deliveries),
        "non_2xx_or_no_answer": len(failed),
        "redeliveries": sum(1 for d in player.deliveries if d.retry),
        "given_up_by_player": len(player.given_up),
        "backlog_messages": len(backlog),
        "drain_seconds_after_recovery": {
            "stored": round(max(0.0, store_drain), 2),
            "replied": round(max(0.0, reply_drain), 2),
        },
        "redelivered_messages": len(redelivered),
        "reply_after_accepted_redelivery_ms": summary_ms(reply_lag),
        "replies_owed_by_killed_process": len(owed),
        "replies_later_than_15s_after_accept": sum(
            1
            for m in messages
            if m.expected
            and m.ts in replies
            and m.ts in accepted
            and min(replies[m.ts]) - accepted[m.ts] > 15.0
        ),
        "settle_seconds": settle,
        "slow_posts_at_kill_seconds": slow_posts_at_kill,
        "owed_replies_posted_after_restart_s": round(max(owed), 2) if owed else None,
        "late_denial_messages": sum(1 for m in messages if m.late),
        "verdict": result.summary(),
    }
    return figures, result
