"""End to end: while the database is unavailable, pastes are acknowledged from the spool and
recorded and answered once it is back — once, with the time they arrived, without their secrets
ever touching the disk (real app over loopback HTTP, fake Slack; SQLite, and PostgreSQL when
configured). The outage is `db_switch` (every statement fails with OperationalError); the real
PostgreSQL refusal is in test_bot_messages.py, the killed-process soak in tests/reliability."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from conftest_bot import BotServer, DbSwitch
from fakeslack import FakeSlack
from samples import DENIAL, DENIAL_2, SECRET_KEY
from slackreq import message_changed, message_event
from sqlalchemy import event
from sqlalchemy.exc import DataError, OperationalError

from core.store import ANY_TEAM, Incident, Store, list_incidents

pytestmark = pytest.mark.db


def _incidents(store: Store) -> list[Incident]:
    return list_incidents(store, team_id=ANY_TEAM, limit=None)


def _wait_for(what: str, condition: Callable[[], Any], timeout: float = 15.0) -> Any:
    deadline = time.monotonic() + timeout
    while not (value := condition()):
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.05)
    return value


def _spool_bytes(bot: BotServer) -> bytes:
    assert bot.deps.spool is not None
    directory = bot.deps.spool.directory
    if not directory.exists():
        return b""
    return b"".join(p.read_bytes() for p in sorted(directory.iterdir()))


def test_outage_paste_is_acknowledged_from_the_spool_then_recorded_and_answered_once(
    bot: BotServer, fake_slack: FakeSlack, db_switch: Callable[..., DbSwitch], db_url: str
) -> None:
    checker = Store.open(db_url)  # reads the database behind the app's back (not switched off)
    switch = db_switch(bot.store)
    paste = f"deploy failed:\n{DENIAL}\naws_secret_access_key = {SECRET_KEY}"
    body = message_event(paste, user="U0USER1")
    try:
        switch.down()
        received = datetime.now(UTC)
        assert bot.slack.send_event(body).status == 200  # acknowledged: it is in the spool
        assert bot.slack.send_event(body, retry_num=1).status == 200  # a redelivery, harmless
        assert bot.get("/healthz").status == 503
        time.sleep(0.5)  # the drainer tries (every 0.2 s) and fails while the database is down
        assert _incidents(checker) == []
        assert fake_slack.calls("chat.postMessage", all_outcomes=True) == []
        on_disk = _spool_bytes(bot)
        assert on_disk.count(b'"version":1') == 2
        assert SECRET_KEY.encode() not in on_disk and b"redacted:" in on_disk
        switch.up()
        (post,) = fake_slack.wait_for("chat.postMessage")
        bot.drain()
        (incident,) = _incidents(checker)
        assert incident.action == "s3:PutObject" and incident.reporter_id == "U0USER1"
        assert incident.message_ts == body["event"]["ts"]
        reported = incident.reported_at.replace(tzinfo=incident.reported_at.tzinfo or UTC)
        assert abs((reported - received).total_seconds()) < 5  # when it arrived, not drained
        assert post.params["thread_ts"] == body["event"]["ts"]
        assert SECRET_KEY not in str(post.params)
        # The poster still learns that the paste held a secret (the kinds were spooled).
        (warning,) = fake_slack.wait_for("chat.postEphemeral")
        assert warning.params["user"] == "U0USER1"
        assert bot.deps.spool is not None and bot.deps.spool.names() == []
        fake_slack.quiet("chat.postMessage", 1, settle=0.5)
        assert bot.get("/healthz").status == 200
    finally:
        switch.up()
        checker.close()


def test_edit_during_an_outage_is_answered_once_after_it(
    bot: BotServer, fake_slack: FakeSlack, db_switch: Callable[..., DbSwitch]
) -> None:
    switch = db_switch(bot.store)
    original = message_event("deploying now, one sec")
    ts = original["event"]["ts"]
    assert bot.slack.send_event(original).status == 200  # chatter: nothing to record
    switch.down()
    try:
        edit = message_changed(ts, f"it failed:\n{DENIAL}", "deploying now, one sec")
        assert bot.slack.send_event(edit).status == 200
    finally:
        switch.up()
    (post,) = fake_slack.wait_for("chat.postMessage")
    bot.drain()
    assert post.params["thread_ts"] == ts
    (incident,) = _incidents(bot.store)
    assert incident.message_ts == ts
    fake_slack.quiet("chat.postMessage", 1, settle=0.5)


def test_another_process_on_the_host_drains_what_one_spooled(
    make_bot: Callable[..., BotServer],
    fake_slack: FakeSlack,
    db_switch: Callable[..., DbSwitch],
    tmp_path: Path,
) -> None:
    """A process that spooled pastes and then died leaves them to the next one on the host."""
    shared = str(tmp_path / "host-spool")
    first = make_bot(iamdeny_spool_dir=shared)
    switch = db_switch(first.store)
    switch.down()
    bodies = [message_event(DENIAL), message_event(DENIAL_2), message_event(DENIAL)]
    for body in bodies:
        assert first.slack.send_event(body).status == 200
    assert first.drainer is not None
    first.close()  # gone, its spool left behind
    second = make_bot(iamdeny_spool_dir=shared)
    posts = fake_slack.wait_for("chat.postMessage", 3)
    second.drain()
    assert sorted(p.params["thread_ts"] for p in posts) == sorted(b["event"]["ts"] for b in bodies)
    assert len(_incidents(second.store)) == 3
    assert second.deps.spool is not None and second.deps.spool.names() == []
    fake_slack.quiet("chat.postMessage", 3, settle=0.5)


def test_a_full_spool_answers_500_and_slack_redelivers(
    make_bot: Callable[..., BotServer], fake_slack: FakeSlack, db_switch: Callable[..., DbSwitch]
) -> None:
    bot = make_bot(iamdeny_spool_max_entries=1)
    switch = db_switch(bot.store)
    kept, refused = message_event(DENIAL), message_event(DENIAL_2)
    switch.down()
    try:
        assert bot.slack.send_event(kept).status == 200
        assert 500 <= bot.slack.send_event(refused).status < 600  # not acknowledged: not stored
    finally:
        switch.up()
    fake_slack.wait_for("chat.postMessage")
    assert bot.slack.send_event(refused, retry_num=1).status == 200
    fake_slack.wait_for("chat.postMessage", 2)
    bot.drain()
    assert sorted(str(i.action) for i in _incidents(bot.store)) == [
        "dynamodb:PutItem",
        "s3:PutObject",
    ]


def test_a_broken_spool_answers_500(
    make_bot: Callable[..., BotServer],
    fake_slack: FakeSlack,
    db_switch: Callable[..., DbSwitch],
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    blocked = tmp_path / "not-a-directory"
    blocked.write_text("a file where the spool should be")
    bot = make_bot(iamdeny_spool_dir=str(blocked / "spool"))
    switch = db_switch(bot.store)
    switch.down()
    try:
        status = bot.slack.send_event(message_event(f"{DENIAL} {SECRET_KEY}")).status
        assert 500 <= status < 600
    finally:
        switch.up()
    assert SECRET_KEY not in caplog.text and "artifacts/build.zip" not in caplog.text


def test_other_database_errors_are_not_spooled(bot: BotServer, fake_slack: FakeSlack) -> None:
    """A fault in the statement or the data is not an outage: spooling it would only retry a
    failure, so Slack gets its 500 as before."""

    def bad_data(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        if statement.lstrip().upper().startswith("INSERT INTO INCIDENTS"):
            raise DataError(statement[:40], None, ValueError("bad data (test)"))

    event.listen(bot.store.engine, "before_cursor_execute", bad_data)
    try:
        status = bot.slack.send_event(message_event(DENIAL)).status
    finally:
        event.remove(bot.store.engine, "before_cursor_execute", bad_data)
    assert 500 <= status < 600
    assert bot.deps.spool is not None and bot.deps.spool.names() == []
    assert not bot.deps.gate.bypass()


def test_reply_that_could_not_be_claimed_follows_the_database_back(
    bot: BotServer, fake_slack: FakeSlack
) -> None:
    """Recorded, then the database went away before the reply job could claim the reply: the
    reading is spooled, and the reply is posted (once) as soon as the drainer can claim it —
    not minutes later by the recovery sweep."""
    failures: list[str] = []

    def lose_the_claim(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        if "message_replies" in statement and not failures:
            failures.append(statement)
            raise OperationalError(statement[:40], None, ConnectionResetError("lost (test)"))

    event.listen(bot.store.engine, "before_cursor_execute", lose_the_claim)
    try:
        body = message_event(DENIAL)
        assert bot.slack.send_event(body).status == 200
        (post,) = fake_slack.wait_for("chat.postMessage")
        bot.drain()
    finally:
        event.remove(bot.store.engine, "before_cursor_execute", lose_the_claim)
    assert failures  # the claim did fail once
    assert post.params["thread_ts"] == body["event"]["ts"]
    assert len(_incidents(bot.store)) == 1
    assert bot.deps.spool is not None and bot.deps.spool.names() == []
    fake_slack.quiet("chat.postMessage", 1, settle=0.5)


def test_oauth_workspaces_seen_before_an_outage_are_spooled_during_it(
    two_workspaces: BotServer, fake_slack: FakeSlack, db_switch: Callable[..., DbSwitch]
) -> None:
    """Multi-workspace mode authorizes every request from the installation rows: during an outage
    the last row read is used, so a known workspace's pastes are spooled and answered with its
    own token afterwards; a workspace this process never saw gets a 500 (Slack redelivers)."""
    from conftest_bot import TEAM_B, TEAM_C

    bot = two_workspaces
    seen = message_event(DENIAL, team_id=TEAM_B.team_id, channel="C0BETA")
    assert bot.slack.send_event(seen).status == 200
    fake_slack.wait_for("chat.postMessage")
    bot.drain()
    switch = db_switch(bot.store)
    during_b = message_event(DENIAL_2, team_id=TEAM_B.team_id, channel="C0BETA")
    during_c = message_event(DENIAL_2, team_id=TEAM_C.team_id, channel="C0GAMMA")
    switch.down()
    try:
        assert bot.slack.send_event(during_b).status == 200
        assert 500 <= bot.slack.send_event(during_c).status < 600
    finally:
        switch.up()
    assert bot.slack.send_event(during_c, retry_num=1).status == 200
    posts = fake_slack.wait_for("chat.postMessage", 3)
    bot.drain()
    by_thread = {p.params["thread_ts"]: p.token for p in posts}
    assert by_thread == {
        seen["event"]["ts"]: TEAM_B.bot_token,
        during_b["event"]["ts"]: TEAM_B.bot_token,
        during_c["event"]["ts"]: TEAM_C.bot_token,
    }
    assert {i.team_id for i in _incidents(bot.store)} == {TEAM_B.team_id, TEAM_C.team_id}
    fake_slack.quiet("chat.postMessage", 3, settle=0.5)


def test_an_entry_whose_handling_raises_is_left_for_the_next_pass(
    bot: BotServer, fake_slack: FakeSlack, db_switch: Callable[..., DbSwitch]
) -> None:
    """Recorded, but the workspace's Slack client could not be had (Slack unreachable): the
    entry is unlocked and kept, and the next pass answers it."""
    from bot.app import team_clients
    from bot.pipeline.backlog import SpoolDrainer

    assert bot.drainer is not None and bot.deps.spool is not None
    bot.drainer.stop()
    switch = db_switch(bot.store)
    switch.down()
    try:
        assert bot.slack.send_event(message_event(DENIAL)).status == 200
    finally:
        switch.up()
    (name,) = bot.deps.spool.names()
    working = team_clients(bot.wsgi.app, bot.settings)
    calls: list[str] = []

    def flaky(team_id: str) -> Any:
        calls.append(team_id)
        if len(calls) == 1:
            raise ConnectionError("Slack unreachable (test)")
        return working(team_id)

    drainer = SpoolDrainer(bot.deps, flaky)
    with pytest.raises(ConnectionError):
        drainer.drain_once()
    assert len(_incidents(bot.store)) == 1  # recorded before the client was asked for
    entry = bot.deps.spool.take(name)  # not left locked by the failed pass
    assert entry is not None
    entry.release()
    assert drainer.drain_once() == 1
    fake_slack.wait_for("chat.postMessage")
    bot.drain()
    assert bot.deps.spool.names() == [] and len(_incidents(bot.store)) == 1
    fake_slack.quiet("chat.postMessage", 1, settle=0.3)
