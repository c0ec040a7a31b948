"""`iamdeny serve` as a real process: gunicorn with two workers on loopback, the fake Slack as
SLACK_API_URL; a paste is answered once, and nothing from the body reaches the logs."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest_bot import served_gunicorn
from fakeslack import DEFAULT_TEAM, FakeSlack
from slackreq import SlackRequests, message_event

from core.store import ANY_TEAM, Store, list_incidents

pytestmark = [pytest.mark.db, pytest.mark.slow]

SECRET = "serve-test-signing-secret"
MARKER = "serve-marker-51c2"
DENIAL = (
    "User: arn:aws:iam::111122223333:user/erin is not authorized to perform: ec2:RunInstances "
    "on resource: arn:aws:ec2:us-east-1:111122223333:instance/* with an explicit deny in a "
    "permissions boundary"
)


@pytest.fixture
def served(
    fake_slack: FakeSlack, db_url: str, tmp_path: Path
) -> Iterator[tuple[SlackRequests, subprocess.Popen[bytes]]]:
    with served_gunicorn(fake_slack, db_url, tmp_path / "spool", secret=SECRET, threads=4) as app:
        yield app


def test_serve_answers_a_paste_once_and_logs_no_body(
    served: tuple[SlackRequests, subprocess.Popen[bytes]], fake_slack: FakeSlack, db_url: str
) -> None:
    client, proc = served
    body = message_event(f"{DENIAL}\n{MARKER}")
    for retry in (None, 1, 2, 3):  # spread over both workers by the kernel
        assert client.send_event(body, retry_num=retry).status == 200
    assert (
        client.post(
            "/slack/events",
            b"{}",
            {"X-Slack-Signature": "v0=bad", "X-Slack-Request-Timestamp": "1"},
        ).status
        == 401
    )
    (post,) = fake_slack.wait_for("chat.postMessage", timeout=15)
    assert post.params["thread_ts"] == body["event"]["ts"]
    store = Store.open(db_url)
    try:
        assert len(list_incidents(store, team_id=ANY_TEAM)) == 1
    finally:
        store.close()
    time.sleep(0.3)
    assert len(fake_slack.calls("chat.postMessage")) == 1
    proc.send_signal(signal.SIGTERM)
    out = proc.communicate(timeout=30)[0].decode("utf-8", "replace")
    assert proc.returncode == 0, out[-2000:]
    assert "POST /slack/events" in out  # the access log is there...
    assert MARKER not in out  # ...without any body
    assert SECRET not in out and DEFAULT_TEAM.bot_token not in out


def test_socket_mode_opens_its_connection_through_slack_api_url(
    fake_slack: FakeSlack, db_url: str
) -> None:
    env = {
        **os.environ,
        "SLACK_BOT_TOKEN": DEFAULT_TEAM.bot_token,
        "SLACK_APP_TOKEN": "xapp-1-fake-app-token",
        "SLACK_API_URL": fake_slack.url,
        "DATABASE_URL": db_url,
    }
    env.pop("SLACK_SIGNING_SECRET", None)
    proc = subprocess.Popen(
        [sys.executable, "-m", "bot.cli", "serve"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        (opened, *_) = fake_slack.wait_for("apps.connections.open", timeout=30)
        assert opened.token == "xapp-1-fake-app-token"
        assert fake_slack.calls("auth.test")[0].token == DEFAULT_TEAM.bot_token
    finally:
        proc.kill()
        proc.wait(timeout=10)
