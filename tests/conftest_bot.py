"""Fixtures for the bot's end-to-end tests: a fake Slack, the real app on loopback HTTP, signed
requests. Reusable by every bot test (commands, actions, App Home, digests):

- `fake_slack` — a running `FakeSlack` (module-scoped server, reset before each test); its `url`
  is the app's SLACK_API_URL. The default workspace is `fakeslack.DEFAULT_TEAM` (T0001).
- `bot_settings` — `Settings` for a single-workspace app on `db_url` and the fake Slack.
- `make_bot` — factory: `make_bot(**setting_overrides) -> BotServer`, the real WSGI app (a new
  Bolt app, store and job pool) served by a threaded WSGI server on 127.0.0.1 (random port).
  Call it twice for two app instances on the same database.
- `bot` — `make_bot()` with the defaults.
- `BotServer`: `.url`, `.slack` (a `SlackRequests` signed with its secret), `.store`, `.deps`,
  `.wsgi`, `.drainer` (the spool's drainer, running), `.drain()` (wait for the background
  replies), `.get(path)`.
- `two_workspaces` — a multi-workspace (OAuth) app with `TEAM_B` and `TEAM_C` installed through
  `/slack/install` and `/slack/oauth_redirect` (`oauth_install(bot, fake, team, code)`).
- `db_switch` — `db_switch(store)` returns a switch; `switch.down()` makes every statement on
  that store's engine fail with OperationalError (a database outage), `switch.up()` ends it.

Everything shuts down at the end of the test; mark modules using these `pytest.mark.db`. Signed
request builders are in `tests/slackreq.py`, the fake Slack in `tests/fakeslack/`.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from socketserver import ThreadingMixIn
from typing import TYPE_CHECKING, Any
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

import pytest
from fakeslack import DEFAULT_TEAM, FakeSlack, Team
from slackreq import HttpResponse, SlackRequests
from sqlalchemy import event
from sqlalchemy.exc import OperationalError

from core.store import Store

if TYPE_CHECKING:  # imported in the fixtures, so that other test runs do not load slack_bolt
    from bot.deps import Deps
    from bot.http import SlackWSGI
    from bot.pipeline.backlog import SpoolDrainer
    from bot.settings import Settings

SIGNING_SECRET = "test-signing-secret-0123456789abcdef"


class _ThreadingWSGIServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True
    allow_reuse_address = True


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        return


@dataclass
class BotServer:
    """The real app on a loopback WSGI server."""

    wsgi: SlackWSGI
    deps: Deps
    store: Store
    settings: Settings
    server: WSGIServer
    thread: threading.Thread
    drainer: SpoolDrainer | None = None  # records spooled pastes, as `iamdeny serve` does
    slack: SlackRequests = field(init=False)

    def __post_init__(self) -> None:
        self.slack = SlackRequests(
            self.settings.slack_signing_secret.get_secret_value()
            if self.settings.slack_signing_secret
            else "",
            self.url,
        )

    @property
    def url(self) -> str:
        port = self.server.server_address[1]
        return f"http://127.0.0.1:{port}"

    def get(self, path: str, headers: dict[str, str] | None = None) -> HttpResponse:
        return self.slack.get(path, headers)

    def drain(self, timeout: float = 15.0) -> None:
        """Wait until every background job (replies) finished."""
        assert self.deps.drain(timeout), "background jobs still running"

    def close(self) -> None:
        if self.drainer is not None:
            self.drainer.stop()
        self.server.shutdown()
        self.server.server_close()
        self.deps.shutdown(timeout=10)
        self.store.close()


@pytest.fixture(scope="module")
def _fake_slack_server() -> Iterator[FakeSlack]:
    with FakeSlack() as fake:
        yield fake


@pytest.fixture
def fake_slack(_fake_slack_server: FakeSlack) -> FakeSlack:
    """The fake Slack Web API, its calls, faults and messages forgotten."""
    _fake_slack_server.reset()
    _fake_slack_server.add_team(DEFAULT_TEAM)
    return _fake_slack_server


@pytest.fixture
def bot_settings(fake_slack: FakeSlack, db_url: str, tmp_path: Path) -> Settings:
    """Single-workspace settings on the test database and the fake Slack (the spool in the
    test's temporary directory)."""
    from bot.settings import Settings

    return Settings.load(
        slack_bot_token=DEFAULT_TEAM.bot_token,
        slack_signing_secret=SIGNING_SECRET,
        slack_api_url=fake_slack.url,
        database_url=db_url,
        iamdeny_lang="en",
        iamdeny_reply_workers=4,
        iamdeny_spool_dir=str(tmp_path / "spool"),
    )


@pytest.fixture
def make_bot(bot_settings: Settings, fake_slack: FakeSlack) -> Iterator[Callable[..., BotServer]]:
    """`make_bot(**overrides)`: a new app instance served on loopback (closed after the test).

    The fake's call log is cleared once the app is up (its start-up `auth.test` is not counted).
    """
    servers: list[BotServer] = []

    from bot.app import team_clients
    from bot.deps import Deps
    from bot.http import create_wsgi_app
    from bot.pipeline.backlog import SpoolDrainer

    def make(**overrides: Any) -> BotServer:
        settings = bot_settings.model_copy(update=overrides) if overrides else bot_settings
        store = Store.open(settings.database_url)
        deps = Deps.build(settings, store)
        wsgi = create_wsgi_app(settings, store, deps=deps)
        drainer = (
            SpoolDrainer(deps, team_clients(wsgi.app, settings), interval=0.2)
            if deps.spool is not None
            else None
        )
        server = make_server(
            "127.0.0.1", 0, wsgi, server_class=_ThreadingWSGIServer, handler_class=_QuietHandler
        )
        thread = threading.Thread(
            target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        thread.start()
        bot = BotServer(wsgi, deps, store, settings, server, thread, drainer)
        if drainer is not None:
            drainer.start()
        servers.append(bot)
        fake_slack.clear_calls()
        return bot

    yield make
    for bot in servers:
        bot.close()


@pytest.fixture
def bot(make_bot: Callable[..., BotServer]) -> BotServer:
    """The app (single workspace T0001) on loopback."""
    return make_bot()


class DbSwitch:
    """Makes a store's database fail (OperationalError on every statement) until `up()`."""

    def __init__(self, store: Store) -> None:
        self.failing = False
        self.store = store
        event.listen(store.engine, "before_cursor_execute", self._check)

    def _check(self, *args: Any, **kwargs: Any) -> None:
        if self.failing:
            raise OperationalError(
                "SELECT 1", None, ConnectionRefusedError("database is down (test)")
            )

    def down(self) -> None:
        self.failing = True

    def up(self) -> None:
        self.failing = False


@pytest.fixture
def db_switch() -> Callable[[Store], DbSwitch]:
    return DbSwitch


# --- two workspaces installed through OAuth -------------------------------------------------------

OAUTH_CLIENT_ID = "1111.2222"
TEAM_B = Team("T0000B", "xoxb-fake-T0000B", "UBOTB", "BBOTB", "Beta")
TEAM_C = Team("T0000C", "xoxb-fake-T0000C", "UBOTC", "BBOTC", "Gamma")


def oauth_install(bot: BotServer, fake: FakeSlack, team: Team, code: str) -> None:
    """Install `team` through /slack/install and /slack/oauth_redirect, as a browser would."""
    from http.cookies import SimpleCookie
    from urllib.parse import parse_qs, urlsplit

    start = bot.get("/slack/install")
    assert start.status == 302, start.text
    state = parse_qs(urlsplit(start.headers["location"]).query)["state"][0]
    cookie = SimpleCookie(start.headers["set-cookie"])
    cookies = "; ".join(f"{k}={v.value}" for k, v in cookie.items())
    fake.add_oauth_code(code, team)
    done = bot.get(f"/slack/oauth_redirect?code={code}&state={state}", {"Cookie": cookies})
    assert done.status == 200, done.text


@pytest.fixture
def two_workspaces(make_bot: Callable[..., BotServer], fake_slack: FakeSlack) -> BotServer:
    """A multi-workspace (OAuth) app with `TEAM_B` and `TEAM_C` installed through the OAuth flow
    (the fake's call log cleared afterwards)."""
    from pydantic import SecretStr

    bot = make_bot(
        slack_bot_token=None,
        slack_client_id=OAUTH_CLIENT_ID,
        slack_client_secret=SecretStr("oauth-s3"),
    )
    oauth_install(bot, fake_slack, TEAM_B, "code-b")
    oauth_install(bot, fake_slack, TEAM_C, "code-c")
    fake_slack.clear_calls()
    return bot


# --- `iamdeny serve` (gunicorn) in a subprocess ---------------------------------------------------


def free_port() -> int:
    """A free TCP port on 127.0.0.1."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def served_gunicorn(
    fake: FakeSlack, db_url: str, spool: Path, *, secret: str, threads: int
) -> Iterator[tuple[SlackRequests, subprocess.Popen[bytes]]]:
    """`iamdeny serve` (2 gunicorn workers, DEBUG logs on its stdout) on a free port, once
    `/healthz` answers 200; SIGTERM at the end. Yields a signed client and the process (read its
    output after it ends)."""
    port = free_port()
    env = {
        **os.environ,
        "SLACK_BOT_TOKEN": DEFAULT_TEAM.bot_token,
        "SLACK_SIGNING_SECRET": secret,
        "SLACK_API_URL": fake.url,
        "DATABASE_URL": db_url,
        "IAMDENY_LOG_LEVEL": "DEBUG",
        "IAMDENY_SPOOL_DIR": str(spool),
    }
    env.pop("SLACK_APP_TOKEN", None)
    command = [sys.executable, "-m", "bot.cli", "serve", "--host", "127.0.0.1"]
    command += ["--port", str(port), "--workers", "2", "--threads", str(threads)]
    proc = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    client = SlackRequests(secret, f"http://127.0.0.1:{port}", timeout=5)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if client.get("/healthz").status == 200:
                    break
            except OSError:
                pass
            assert proc.poll() is None, "iamdeny serve exited early"
            assert time.monotonic() < deadline, "iamdeny serve did not become healthy"
            time.sleep(0.1)
        yield client, proc
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
