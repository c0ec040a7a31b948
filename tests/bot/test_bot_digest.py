"""End to end: `iamdeny digest --post` and the `worker` scheduler against the fake Slack Web API,
on SQLite and PostgreSQL (`db_url`). Exactly one `chat.postMessage` per workspace, channel and
period across repeated runs, concurrent processes, crashes, Slack errors and 429s; each workspace
with its own token and data; the scheduler's due/not-due decisions across time zones.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from fakeslack import DEFAULT_TEAM, FakeSlack, Fault, Team
from slack_sdk import WebClient
from slack_sdk.oauth.installation_store import Installation
from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore

from bot.cli import main
from bot.digest_post import METADATA_EVENT_TYPE, DigestPoster
from bot.scheduler import DigestScheduler
from bot.settings import Settings
from core.digest import Period, iso_week, previous_iso_week
from core.record import DenialRecord, DenyKind, PolicyType, PrincipalKind, PrincipalRecord
from core.store import (
    Store,
    WorkspaceSettings,
    claim_digest,
    get_digest_claim,
    get_workspace_settings,
    record_incidents,
    update_workspace_settings,
)

pytestmark = pytest.mark.db

ROOT = Path(__file__).resolve().parents[2]
CHANNEL = "C0DIGEST"
CLIENT_ID = "1111.2222"
TEAM_B = Team("T0000B", "xoxb-fake-T0000B", "UBOTB", "BBOTB", "Beta")
TEAM_C = Team("T0000C", "xoxb-fake-T0000C", "UBOTC", "BBOTC", "Gamma")
LEASE = timedelta(seconds=600)
HANGUL = range(0xAC00, 0xD7A4)


def denial(action: str = "s3:PutObject", account: str = "111122223333") -> DenialRecord:
    arn = f"arn:aws:sts::{account}:assumed-role/deploy/run-1"
    return DenialRecord(
        principal_arn=arn,
        principal=PrincipalRecord(
            partition="aws",
            account_id=account,
            kind=PrincipalKind.ASSUMED_ROLE,
            name="deploy",
            session="run-1",
            role_arn=f"arn:aws:iam::{account}:role/deploy",
            role_path_unknown=True,
        ),
        action=action,
        service=action.split(":", maxsplit=1)[0].lower(),
        resource="arn:aws:s3:::artifacts/build.zip",
        policy_type=PolicyType.SCP,
        deny_kind=DenyKind.EXPLICIT,
    )


def seed(store: Store, team: str, action: str, period: Period, count: int = 3) -> None:
    """`count` incidents of one denial in `team`, inside `period`."""
    for i in range(count):
        record_incidents(
            store,
            team_id=team,
            channel_id="C0OPS",
            message_ts=f"1764000000.{i:06d}",
            denials=[denial(action)],
            reporter_id=f"U{i}",
            reported_at=period.start + timedelta(hours=5 + i),
        )


def last_week() -> Period:
    return previous_iso_week(now=datetime.now(UTC), tz="UTC")


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch, db_url: str, fake_slack: FakeSlack) -> dict[str, str]:
    """The environment of a single-workspace deployment (T0001) on the test database."""
    for name in list(os.environ):
        if name.startswith(("SLACK_", "IAMDENY_")) and name != "IAMDENY_TEST_POSTGRES_URL":
            monkeypatch.delenv(name)
    values = {
        "DATABASE_URL": db_url,
        "SLACK_API_URL": fake_slack.url,
        "SLACK_BOT_TOKEN": DEFAULT_TEAM.bot_token,
        "IAMDENY_LOG_LEVEL": "WARNING",
    }
    for name, value in values.items():
        monkeypatch.setenv(name, value)
    return values


@pytest.fixture
def db(db_url: str) -> Iterator[Store]:
    store = Store.open(db_url)
    yield store
    store.close()


@pytest.fixture
def settings(env: dict[str, str]) -> Settings:
    return Settings.load()


def post_cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    status = main(["digest", "--post", *args])
    return status, capsys.readouterr().out


def digest_posts(fake: FakeSlack, channel: str = CHANNEL) -> list[object]:
    return [c for c in fake.calls("chat.postMessage") if c.params.get("channel") == channel]


def with_digest_channel(db: Store) -> tuple[Period, WorkspaceSettings, datetime]:
    """Workspace T0001 with its digest channel set: (last week, its settings, now)."""
    update_workspace_settings(db, "T0001", digest_channel_id=CHANNEL)
    return last_week(), get_workspace_settings(db, "T0001"), datetime.now(UTC)


class Clock:
    """A settable clock for the poster and the scheduler."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


# --- --post: once ---------------------------------------------------------------------------------


def test_post_twice_posts_once(
    env: dict[str, str], db: Store, fake_slack: FakeSlack, capsys: pytest.CaptureFixture[str]
) -> None:
    week = last_week()
    seed(db, "T0001", "s3:PutObject", week)
    update_workspace_settings(db, "T0001", digest_channel_id=CHANNEL)

    status, out = post_cli(capsys)
    assert status == 0, out
    assert f"T0001 #{CHANNEL} {week.label}: posted (ts " in out
    (post,) = fake_slack.calls("chat.postMessage")
    assert post.token == DEFAULT_TEAM.bot_token
    assert post.params["channel"] == CHANNEL
    assert "thread_ts" not in post.params or post.params["thread_ts"] is None
    assert post.params["text"] and post.params["blocks"]
    assert "s3:PutObject" in str(post.params["blocks"])
    assert post.params["metadata"]["event_type"] == METADATA_EVENT_TYPE
    assert post.params["metadata"]["event_payload"]["period_key"] == week.label
    claim = get_digest_claim(db, team_id="T0001", channel_id=CHANNEL, period_key=week.label)
    assert claim is not None and claim.status == "posted"
    assert claim.message_ts == post.response["ts"]  # type: ignore[index]

    status, out = post_cli(capsys)
    assert status == 0
    assert f"T0001 #{CHANNEL} {week.label}: already posted (ts {claim.message_ts})" in out
    fake_slack.quiet("chat.postMessage", 1, settle=0.1)


def test_concurrent_processes_post_once(
    env: dict[str, str], db: Store, fake_slack: FakeSlack
) -> None:
    week = last_week()
    seed(db, "T0001", "s3:PutObject", week)
    update_workspace_settings(db, "T0001", digest_channel_id=CHANNEL)
    # A slow Slack widens the race: every process gets to try while the first one is posting.
    fake_slack.add_fault(Fault(method="chat.postMessage", delay=0.5, times=None))
    command = [sys.executable, "-m", "bot.cli", "digest", "--post"]
    procs = [
        subprocess.Popen(
            command,
            cwd=ROOT,
            env={**os.environ, **env},
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(3)
    ]
    results = [p.communicate(timeout=60) for p in procs]
    outs = [out for out, _ in results]
    assert [p.returncode for p in procs] == [0, 0, 0], results
    assert sum(": posted (ts" in out for out in outs) == 1, outs
    assert all(
        ": posted (ts" in out or "in progress" in out or "already posted" in out for out in outs
    ), outs
    assert len(fake_slack.calls("chat.postMessage")) == 1


def test_concurrent_threads_post_once(
    settings: Settings, db: Store, fake_slack: FakeSlack, db_url: str
) -> None:
    week = last_week()
    update_workspace_settings(db, "T0001", digest_channel_id=CHANNEL)
    fake_slack.add_fault(Fault(method="chat.postMessage", delay=0.2, times=None))
    workspace = get_workspace_settings(db, "T0001")
    stores = [Store.open(db_url) for _ in range(8)]
    barrier = threading.Barrier(len(stores))
    outcomes: list[str] = []

    def run(store: Store) -> None:
        poster = DigestPoster(settings, store)
        barrier.wait()
        outcomes.append(poster.post(workspace, week, week.label).status)

    threads = [threading.Thread(target=run, args=(s,)) for s in stores]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    for store in stores:
        store.close()
    assert sorted(outcomes).count("posted") == 1, outcomes
    assert set(outcomes) <= {"posted", "in_progress", "already_posted"}
    assert len(fake_slack.calls("chat.postMessage")) == 1


# --- crashes --------------------------------------------------------------------------------------


def test_crash_between_claim_and_post_is_retried_after_the_lease(
    settings: Settings, db: Store, fake_slack: FakeSlack
) -> None:
    week, workspace, start = with_digest_channel(db)
    # A process claimed the digest and died before posting.
    crashed = claim_digest(
        db, team_id="T0001", channel_id=CHANNEL, period_key=week.label, now=start
    )
    assert crashed is not None
    clock = Clock(start + timedelta(seconds=30))
    poster = DigestPoster(settings, db, clock=clock, lease=LEASE)
    outcome = poster.post(workspace, week, week.label)
    assert outcome.status == "in_progress" and "lease" in outcome.detail
    assert fake_slack.calls("chat.postMessage") == []

    clock.now = start + LEASE + timedelta(seconds=1)
    outcome = poster.post(workspace, week, week.label)
    assert outcome.status == "posted", outcome
    (post,) = fake_slack.calls("chat.postMessage")
    # The taker-over looked in the channel first (nothing there), then posted.
    assert fake_slack.calls("conversations.history")
    claim = get_digest_claim(db, team_id="T0001", channel_id=CHANNEL, period_key=week.label)
    assert claim is not None and claim.status == "posted" and claim.attempts == 2
    assert claim.message_ts == post.response["ts"]  # type: ignore[index]
    # The crashed process's token can no longer mark or release it.
    assert poster.post(workspace, week, week.label).status == "already_posted"
    assert len(fake_slack.calls("chat.postMessage")) == 1


def test_crash_between_post_and_mark_is_not_posted_again(
    settings: Settings, db: Store, fake_slack: FakeSlack
) -> None:
    week, workspace, start = with_digest_channel(db)
    crashed = claim_digest(
        db, team_id="T0001", channel_id=CHANNEL, period_key=week.label, now=start
    )
    assert crashed is not None
    # The crashed process got as far as posting (with its metadata), then died before marking.
    earlier = WebClient(token=DEFAULT_TEAM.bot_token, base_url=fake_slack.url).chat_postMessage(
        channel=CHANNEL,
        text="digest",
        metadata={
            "event_type": METADATA_EVENT_TYPE,
            "event_payload": {"team_id": "T0001", "period_key": week.label},
        },
    )
    fake_slack.clear_calls()
    poster = DigestPoster(settings, db, clock=Clock(start + LEASE + timedelta(seconds=1)))
    outcome = poster.post(workspace, week, week.label)
    assert outcome.status == "posted"
    assert outcome.message_ts == earlier["ts"]
    assert "found in the channel" in outcome.detail
    assert fake_slack.calls("chat.postMessage") == []
    claim = get_digest_claim(db, team_id="T0001", channel_id=CHANNEL, period_key=week.label)
    assert claim is not None and claim.status == "posted" and claim.message_ts == earlier["ts"]


def test_connection_dropped_after_the_post_keeps_the_claim(
    settings: Settings, db: Store, fake_slack: FakeSlack
) -> None:
    week, workspace, start = with_digest_channel(db)
    clock = Clock(start)
    poster = DigestPoster(settings, db, clock=clock, lease=LEASE)
    fake_slack.add_fault(Fault(method="chat.postMessage", drop_after=True, times=1))
    outcome = poster.post(workspace, week, week.label)
    assert outcome.status == "failed" and "outcome unknown" in outcome.detail
    assert len(fake_slack.messages[CHANNEL]) == 1  # Slack did post it
    claim = get_digest_claim(db, team_id="T0001", channel_id=CHANNEL, period_key=week.label)
    assert claim is not None and claim.status == "claimed"  # kept, not released
    assert poster.post(workspace, week, week.label).status == "in_progress"

    clock.now = start + LEASE + timedelta(seconds=1)
    outcome = poster.post(workspace, week, week.label)
    assert outcome.status == "posted" and "found in the channel" in outcome.detail
    assert len(fake_slack.messages[CHANNEL]) == 1  # not posted twice
    assert len(fake_slack.calls("chat.postMessage")) == 1


# --- Slack errors and 429 -------------------------------------------------------------------------


def test_slack_500_releases_the_claim_and_the_next_run_posts(
    env: dict[str, str], db: Store, fake_slack: FakeSlack, capsys: pytest.CaptureFixture[str]
) -> None:
    week = last_week()
    update_workspace_settings(db, "T0001", digest_channel_id=CHANNEL)
    # 500 on the first try and on both of the client's retries.
    fake_slack.add_fault(Fault(method="chat.postMessage", status=500, times=3))
    status, out = post_cli(capsys)
    assert status == 1
    assert "failed (Slack error" in out and "claim released" in out
    assert get_digest_claim(db, team_id="T0001", channel_id=CHANNEL, period_key=week.label) is None
    assert fake_slack.calls("chat.postMessage") == []

    status, out = post_cli(capsys)
    assert status == 0 and ": posted (ts" in out
    assert len(fake_slack.calls("chat.postMessage")) == 1


def test_slack_error_answer_releases_the_claim(
    env: dict[str, str], db: Store, fake_slack: FakeSlack, capsys: pytest.CaptureFixture[str]
) -> None:
    update_workspace_settings(db, "T0001", digest_channel_id=CHANNEL)
    fake_slack.add_fault(Fault(method="chat.postMessage", error="not_in_channel", times=1))
    status, out = post_cli(capsys)
    assert status == 1 and "not_in_channel" in out and "claim released" in out
    status, out = post_cli(capsys)
    assert status == 0 and ": posted (ts" in out
    assert len(fake_slack.calls("chat.postMessage")) == 1


def test_429_waits_for_retry_after_and_posts_once(
    env: dict[str, str], db: Store, fake_slack: FakeSlack, capsys: pytest.CaptureFixture[str]
) -> None:
    update_workspace_settings(db, "T0001", digest_channel_id=CHANNEL)
    fake_slack.add_fault(Fault(method="chat.postMessage", status=429, retry_after=1, times=1))
    status, out = post_cli(capsys)
    assert status == 0 and ": posted (ts" in out
    attempts = fake_slack.calls("chat.postMessage", all_outcomes=True)
    assert [c.outcome for c in attempts] == ["429", "ok"]
    assert attempts[1].at - attempts[0].at >= 1.0 - 0.01  # not earlier than Retry-After
    assert len(fake_slack.calls("chat.postMessage")) == 1


def test_unreachable_slack_releases_the_claim(settings: Settings, db: Store) -> None:
    import socket

    with socket.socket() as sock:  # a port nothing listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    week = last_week()
    update_workspace_settings(db, "T0001", digest_channel_id=CHANNEL)
    workspace = get_workspace_settings(db, "T0001")
    down = settings.model_copy(update={"slack_api_url": f"http://127.0.0.1:{port}/api/"})

    class Tokens:
        def token_for(self, team_id: str) -> str:
            return DEFAULT_TEAM.bot_token

    poster = DigestPoster(down, db, tokens=Tokens())  # type: ignore[arg-type]
    outcome = poster.post(workspace, week, week.label)
    assert outcome.status == "failed" and "cannot reach Slack" in outcome.detail
    assert "claim released" in outcome.detail
    assert get_digest_claim(db, team_id="T0001", channel_id=CHANNEL, period_key=week.label) is None


# --- which workspaces -----------------------------------------------------------------------------


def test_workspaces_without_a_channel_or_token_are_skipped(
    env: dict[str, str], db: Store, fake_slack: FakeSlack, capsys: pytest.CaptureFixture[str]
) -> None:
    week = last_week()
    seed(db, "T0001", "s3:PutObject", week)  # incidents, no settings at all
    update_workspace_settings(db, "T0003", language="ko")  # settings, no channel
    update_workspace_settings(db, "T0004", digest_channel_id="C0FOUR")  # not our token's team
    status, out = post_cli(capsys)
    assert status == 0, out
    lines = out.splitlines()
    assert any(
        line.startswith("T0001") and "skipped (no digest channel set" in line for line in lines
    )
    assert any(line.startswith("T0003") and "skipped (no digest channel" in line for line in lines)
    assert any(
        line.startswith("T0004 #C0FOUR") and "skipped (no bot token" in line for line in lines
    )
    assert fake_slack.calls("chat.postMessage") == []

    status, out = post_cli(capsys, "--team", "T0003")
    assert status == 0 and out.count("\n") == 1 and out.startswith("T0003")


def test_each_workspace_posts_with_its_own_token_and_data(
    env: dict[str, str],
    db: Store,
    fake_slack: FakeSlack,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("SLACK_BOT_TOKEN")
    monkeypatch.setenv("SLACK_CLIENT_ID", CLIENT_ID)
    monkeypatch.setenv("SLACK_CLIENT_SECRET", "oauth-secret")
    installations = SQLAlchemyInstallationStore(client_id=CLIENT_ID, engine=db.engine)
    week = last_week()
    for team, action, channel in (
        (TEAM_B, "s3:PutObject", "C0BETA"),
        (TEAM_C, "kms:Decrypt", "C0GAMMA"),
    ):
        fake_slack.add_team(team)
        installations.save(
            Installation(
                app_id="A0IAMDENY",
                team_id=team.team_id,
                team_name=team.name,
                bot_token=team.bot_token,
                bot_id=team.bot_id,
                bot_user_id=team.bot_user_id,
                bot_scopes=["chat:write"],
                user_id="UINSTALLER",
                installed_at=time.time(),
            )
        )
        seed(db, team.team_id, action, week)
        update_workspace_settings(db, team.team_id, digest_channel_id=channel)
    update_workspace_settings(db, "T0001", digest_channel_id=CHANNEL)  # never installed here

    status, out = post_cli(capsys)
    assert status == 0, out
    assert "T0001 #C0DIGEST" in out and "no bot token" in out
    posts = {c.params["channel"]: c for c in fake_slack.calls("chat.postMessage")}
    assert set(posts) == {"C0BETA", "C0GAMMA"}
    assert posts["C0BETA"].token == TEAM_B.bot_token
    assert posts["C0GAMMA"].token == TEAM_C.bot_token
    beta, gamma = str(posts["C0BETA"].params["blocks"]), str(posts["C0GAMMA"].params["blocks"])
    assert "s3:PutObject" in beta and "kms:Decrypt" not in beta
    assert "kms:Decrypt" in gamma and "s3:PutObject" not in gamma

    status, out = post_cli(capsys)
    assert status == 0 and out.count("already posted") == 2
    assert len(fake_slack.calls("chat.postMessage")) == 2


def test_digest_is_posted_in_the_workspace_language(
    env: dict[str, str], db: Store, fake_slack: FakeSlack, capsys: pytest.CaptureFixture[str]
) -> None:
    seed(db, "T0001", "s3:PutObject", last_week())
    update_workspace_settings(db, "T0001", digest_channel_id=CHANNEL, language="ko")
    status, _ = post_cli(capsys)
    assert status == 0
    (post,) = fake_slack.calls("chat.postMessage")
    assert any(ord(ch) in HANGUL for ch in post.params["text"])


def test_week_and_days_periods_have_their_own_keys(
    env: dict[str, str], db: Store, fake_slack: FakeSlack, capsys: pytest.CaptureFixture[str]
) -> None:
    update_workspace_settings(db, "T0001", digest_channel_id=CHANNEL, timezone="Asia/Seoul")
    status, out = post_cli(capsys, "--week", "2026-W40")
    assert status == 0 and "2026-W40: posted" in out
    status, out = post_cli(capsys, "--days", "7")
    assert status == 0 and ": posted" in out and "days:" in out
    status, out = post_cli(capsys, "--days", "7")
    assert status == 0 and "already posted" in out
    status, out = post_cli(capsys, "--week", "2026-W40")
    assert status == 0 and "already posted" in out
    assert len(fake_slack.calls("chat.postMessage")) == 2
    assert main(["digest", "--post", "--week", "2026-W99"]) == 2


# --- the scheduler --------------------------------------------------------------------------------


def _schedule_three_zones(db: Store) -> None:
    for team, tz in (("TSEOUL", "Asia/Seoul"), ("TLA", "America/Los_Angeles"), ("TUTC", "UTC")):
        update_workspace_settings(
            db, team, digest_channel_id=f"C{team}", digest_weekday=0, digest_hour=9, timezone=tz
        )


def test_scheduler_due_decisions_across_time_zones(
    settings: Settings, db: Store, fake_slack: FakeSlack, monkeypatch: pytest.MonkeyPatch
) -> None:
    _schedule_three_zones(db)
    # One token for all three (the fake maps a token to a team; the poster asks the store).
    poster_tokens = {"TSEOUL", "TLA", "TUTC"}
    for team in poster_tokens:
        fake_slack.add_team(Team(team, f"xoxb-fake-{team}", f"UB{team}", f"BB{team}"))
    clock = Clock(datetime(2026, 11, 29, 23, 59, tzinfo=UTC))
    scheduler = DigestScheduler(settings, db, clock=clock)
    monkeypatch.setattr(scheduler.poster.tokens, "token_for", lambda team: f"xoxb-fake-{team}")

    def posted() -> list[tuple[str, str]]:
        return [
            (c.params["channel"], c.params["metadata"]["event_payload"]["period_key"])
            for c in fake_slack.calls("chat.postMessage")
        ]

    assert scheduler.tick() == []  # Monday 08:59 in Seoul; Sunday elsewhere
    clock.now = datetime(2026, 11, 30, 0, 0, tzinfo=UTC)  # 09:00 KST
    assert [o.status for o in scheduler.tick()] == ["posted"]
    assert posted() == [("CTSEOUL", "2026-W48")]
    clock.now = datetime(2026, 11, 30, 8, 59, tzinfo=UTC)
    assert scheduler.tick() == []  # Seoul already posted: not even tried
    clock.now = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)  # 09:00 UTC
    scheduler.tick()
    clock.now = datetime(2026, 11, 30, 16, 59, tzinfo=UTC)  # 08:59 PST
    scheduler.tick()
    assert posted() == [("CTSEOUL", "2026-W48"), ("CTUTC", "2026-W48")]
    clock.now = datetime(2026, 11, 30, 17, 0, tzinfo=UTC)  # 09:00 PST
    scheduler.tick()
    clock.now = datetime(2026, 11, 30, 23, 0, tzinfo=UTC)
    assert scheduler.tick() == []
    assert posted() == [
        ("CTSEOUL", "2026-W48"),
        ("CTUTC", "2026-W48"),
        ("CTLA", "2026-W48"),
    ]
    la = fake_slack.calls("chat.postMessage")[-1]
    assert la.token == "xoxb-fake-TLA"

    # Los Angeles after spring forward: 09:00 PDT is 16:00 UTC on 2026-03-09.
    fake_slack.clear_calls()
    clock.now = datetime(2026, 3, 9, 15, 59, tzinfo=UTC)
    assert [o.team_id for o in scheduler.tick()] == ["TSEOUL", "TUTC"]  # their W10 is due
    clock.now = datetime(2026, 3, 9, 16, 0, tzinfo=UTC)
    assert [(o.team_id, o.period_key) for o in scheduler.tick()] == [("TLA", "2026-W10")]

    # A worker down for more than the catch-up window does not post a stale digest.
    fake_slack.clear_calls()
    clock.now = datetime(2026, 12, 8, 12, 0, tzinfo=UTC)  # Tuesday, 27h after Monday 09:00 UTC
    assert [o.team_id for o in scheduler.tick()] == ["TLA"]  # 09:00 PST Monday was 19h ago


def test_scheduler_loop_posts_once_with_two_workers(
    settings: Settings, db: Store, fake_slack: FakeSlack, db_url: str
) -> None:
    now = datetime.now(UTC)
    update_workspace_settings(
        db, "T0001", digest_channel_id=CHANNEL, digest_weekday=now.weekday(), digest_hour=now.hour
    )
    stop = threading.Event()
    stores = [Store.open(db_url) for _ in range(2)]
    workers = [DigestScheduler(settings, s, interval=0.05) for s in stores]
    threads = [
        threading.Thread(target=w.run, args=(stop,), kwargs={"max_ticks": 40}) for w in workers
    ]
    for thread in threads:
        thread.start()
    fake_slack.wait_for("chat.postMessage", timeout=20)
    time.sleep(0.5)  # more ticks: nothing more
    stop.set()
    for thread in threads:
        thread.join(10)
        assert not thread.is_alive()
    for store in stores:
        store.close()
    (post,) = fake_slack.calls("chat.postMessage")
    assert (
        post.params["metadata"]["event_payload"]["period_key"] == previous_iso_week(now=now).label
    )


def test_worker_process_posts_once_and_stops_on_sigterm(
    env: dict[str, str], db: Store, fake_slack: FakeSlack
) -> None:
    now = datetime.now(UTC)
    update_workspace_settings(
        db, "T0001", digest_channel_id=CHANNEL, digest_weekday=now.weekday(), digest_hour=now.hour
    )
    proc = subprocess.Popen(
        [sys.executable, "-m", "bot.cli", "digest", "--schedule"],
        cwd=ROOT,
        env={**os.environ, **env, "IAMDENY_DIGEST_INTERVAL_SECONDS": "0.2"},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        fake_slack.wait_for("chat.postMessage", timeout=30)
        time.sleep(0.6)  # a few more checks
        proc.send_signal(signal.SIGTERM)
        _, err = proc.communicate(timeout=15)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0, err
    assert len(fake_slack.calls("chat.postMessage")) == 1


def test_schedule_once_checks_once_and_exits(
    env: dict[str, str], db: Store, fake_slack: FakeSlack
) -> None:
    now = datetime.now(UTC)
    update_workspace_settings(
        db, "T0001", digest_channel_id=CHANNEL, digest_weekday=now.weekday(), digest_hour=now.hour
    )
    update_workspace_settings(db, "T0002", digest_channel_id="C0TWO")  # no token for it: skipped
    before = signal.getsignal(signal.SIGTERM)
    assert main(["digest", "--schedule", "--once"]) == 0
    assert signal.getsignal(signal.SIGTERM) is before  # handlers restored
    (post,) = fake_slack.calls("chat.postMessage")
    assert post.params["channel"] == CHANNEL
    assert main(["digest", "--schedule", "--once"]) == 0
    assert len(fake_slack.calls("chat.postMessage")) == 1


def test_schedule_usage_errors(env: dict[str, str]) -> None:
    assert main(["digest", "--schedule", "--week", "2026-W40"]) == 2
    assert main(["digest", "--once"]) == 2


def test_week_period_helper_matches_the_cli_default() -> None:
    week = last_week()
    assert iso_week(week.label) == week


def test_scheduler_backs_off_after_a_failed_post(
    settings: Settings, db: Store, fake_slack: FakeSlack
) -> None:
    update_workspace_settings(db, "T0001", digest_channel_id=CHANNEL)  # Monday 09:00 UTC
    clock = Clock(datetime(2026, 11, 30, 9, 0, tzinfo=UTC))
    scheduler = DigestScheduler(settings, db, clock=clock, interval=60)
    fault = fake_slack.add_fault(
        Fault(method="chat.postMessage", error="not_in_channel", times=None)
    )

    def attempts_at(*minutes: float) -> list[str]:
        statuses: list[str] = []
        for minute in minutes:
            clock.now = datetime(2026, 11, 30, 9, 0, tzinfo=UTC) + timedelta(minutes=minute)
            statuses.extend(o.status for o in scheduler.tick())
        return statuses

    # Tried at once, then after 1, 2 and 4 minutes: not at every check.
    assert attempts_at(0, 0.5, 1, 2, 2.5, 3, 4, 5, 6, 7) == ["failed"] * 4
    assert fault.fired == 4
    fake_slack.clear_faults()
    assert attempts_at(14) == []  # the next attempt is due at minute 15
    assert attempts_at(15) == ["posted"]
    assert attempts_at(16, 60) == []
    assert len(fake_slack.calls("chat.postMessage")) == 1


def test_post_json_output(
    env: dict[str, str], db: Store, fake_slack: FakeSlack, capsys: pytest.CaptureFixture[str]
) -> None:
    import json

    update_workspace_settings(db, "T0001", digest_channel_id=CHANNEL)
    update_workspace_settings(db, "T0002", language="en")
    assert main(["digest", "--post", "--json"]) == 0
    results = json.loads(capsys.readouterr().out)["results"]
    assert [(r["team_id"], r["status"]) for r in results] == [
        ("T0001", "posted"),
        ("T0002", "skipped"),
    ]
    assert results[0]["message_ts"] == fake_slack.calls("chat.postMessage")[0].response["ts"]  # type: ignore[index]
    assert results[0]["period"] == last_week().label
