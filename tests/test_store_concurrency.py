"""Exactly one incident per denial when several threads or processes record one message at once.

The writers start together at a barrier, each with its own engine (as separate web processes
would), over several messages, so that the inserts really race. On SQLite the writers queue on
the write lock (`BEGIN IMMEDIATE` and the busy timeout); on PostgreSQL the losers' INSERT waits
for the winner's unique-index entry and then does nothing.
"""

from __future__ import annotations

import multiprocessing
import threading
from collections import Counter
from multiprocessing.synchronize import Barrier as ProcessBarrier
from typing import Any

import pytest

from core.record import DenialRecord, PolicyType
from core.store import ANY_TEAM, Store, claim_digest, claim_reply, list_incidents, record_incidents

pytestmark = pytest.mark.db

WRITERS = 4
MESSAGES = 5
DENIALS = [
    DenialRecord(
        principal_arn="arn:aws:sts::111122223333:assumed-role/deploy/run-1",
        action=f"s3:{action}",
        resource="arn:aws:s3:::artifacts/build.zip",
        policy_type=PolicyType.SCP,
    )
    for action in ("PutObject", "GetObject", "DeleteObject")
]


def _record_all(url: str, wait: Any) -> list[tuple[str, list[int], list[int]]]:
    """Record every message once after the barrier; (ts, incident ids, created ids) per message."""
    store = Store.open(url)
    out = []
    try:
        for n in range(MESSAGES):
            wait()
            result = record_incidents(
                store,
                team_id="T1",
                channel_id="C1",
                message_ts=f"1700000000.{n:06d}",
                denials=DENIALS,
            )
            out.append(
                (
                    f"{n}",
                    [i.id for i in result.incidents],
                    sorted(result.created_ids),
                )
            )
    finally:
        store.close()
    return out


def _check(url: str, results: list[list[tuple[str, list[int], list[int]]]]) -> None:
    store = Store.open(url)
    try:
        stored = list_incidents(store, team_id=ANY_TEAM, limit=None)
    finally:
        store.close()
    assert len(stored) == MESSAGES * len(DENIALS)
    per_message = Counter((i.message_ts, i.denial_index) for i in stored)
    assert set(per_message.values()) == {1}
    for n in range(MESSAGES):
        views = [writer[n] for writer in results]
        ids = {tuple(view[1]) for view in views}
        assert len(ids) == 1, "every writer sees the same incidents"
        created = Counter(i for view in views for i in view[2])
        assert sorted(created) == sorted(next(iter(ids)))
        assert set(created.values()) == {1}, "each incident is created by exactly one writer"


def test_threads_record_one_message_once(db_url: str) -> None:
    barrier = threading.Barrier(WRITERS)
    results: list[Any] = [None] * WRITERS
    errors: list[BaseException] = []

    def run(k: int) -> None:
        try:
            results[k] = _record_all(db_url, barrier.wait)
        except BaseException as exc:  # reported below
            errors.append(exc)
            barrier.abort()

    threads = [threading.Thread(target=run, args=(k,)) for k in range(WRITERS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not errors, errors
    _check(db_url, results)


def _process_main(url: str, barrier: ProcessBarrier, queue: Any) -> None:
    try:
        queue.put(("ok", _record_all(url, barrier.wait)))
    except BaseException as exc:  # sent to the parent, which fails the test
        barrier.abort()
        queue.put(("error", repr(exc)))


def test_processes_record_one_message_once(db_url: str) -> None:
    ctx = multiprocessing.get_context("fork")
    barrier = ctx.Barrier(WRITERS)
    queue = ctx.Queue()
    procs = [
        ctx.Process(target=_process_main, args=(db_url, barrier, queue)) for _ in range(WRITERS)
    ]
    for p in procs:
        p.start()
    outcomes = [queue.get(timeout=120) for _ in procs]
    for p in procs:
        p.join(timeout=30)
    assert all(kind == "ok" for kind, _ in outcomes), outcomes
    _check(db_url, [result for _, result in outcomes])


@pytest.mark.parametrize("kind", ["digest", "reply"])
def test_threads_claim_a_post_once(db_url: str, kind: str) -> None:
    barrier = threading.Barrier(WRITERS)
    wins: list[bool] = []
    lock = threading.Lock()

    def run() -> None:
        store = Store.open(db_url)
        try:
            barrier.wait()
            claim: object
            if kind == "digest":
                claim = claim_digest(store, team_id="T1", channel_id="C1", period_key="2026-W48")
            else:
                claim = claim_reply(store, team_id="T1", channel_id="C1", message_ts="1.000001")
            with lock:
                wins.append(claim is not None)
        finally:
            store.close()

    threads = [threading.Thread(target=run) for _ in range(WRITERS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert sorted(wins) == [False] * (WRITERS - 1) + [True]
