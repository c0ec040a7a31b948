"""`create_app(settings, store)`: a new Bolt app, its listeners registered. No module-level app.

- Every Web API client the app makes uses `SLACK_API_URL` (the app's client; Bolt copies it per
  request and for the OAuth flow; Socket Mode opens its connection with it), with retry handlers:
  429s wait for `Retry-After`, dropped connections and 500/503 are retried.
- Single workspace (`SLACK_BOT_TOKEN`): the token is checked once at start (`auth.test`).
- Multi-workspace (`SLACK_CLIENT_ID`/`SLACK_CLIENT_SECRET`): OAuth install at `/slack/install` and
  `/slack/oauth_redirect`, installations and OAuth states in our database (slack_sdk's SQLAlchemy
  stores bound to our engine and our `slack_*` tables); each request is authorized from the stored
  bot (no `auth.test` per request); `app_uninstalled`/`tokens_revoked` delete the installation.
- `process_before_response`: a listener's work is done before Slack is answered, so an event is
  stored before its 200 (listeners hand Slack API calls to the job pools, `deps.jobs` for
  replies and `deps.interactive` for what a person waits on).
- Requests no listener handles get a 200, not Bolt's 404 (`raise_error_for_unhandled_request` and
  an error handler that turns `BoltUnhandledRequestError` into a 200); other errors stay 500s,
  logged as one line without the request body.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

from slack_bolt import App, BoltResponse
from slack_bolt.authorization import AuthorizeResult
from slack_bolt.authorization.authorize import Authorize
from slack_bolt.context import BoltContext
from slack_bolt.error import BoltUnhandledRequestError
from slack_bolt.oauth.oauth_settings import OAuthSettings
from slack_sdk import WebClient
from slack_sdk.http_retry import RetryHandler
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
    ServerErrorRetryHandler,
)
from slack_sdk.oauth.installation_store import Bot, InstallationStore
from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore
from slack_sdk.oauth.state_store.sqlalchemy import SQLAlchemyOAuthStateStore

from bot.background import _short
from bot.deps import Deps
from bot.listeners import register_all
from bot.settings import Mode, Settings
from core.store import Store, StoreError, database_unavailable

__all__ = [
    "BOT_SCOPES",
    "INSTALL_PATH",
    "OAUTH_STATE_SECONDS",
    "REDIRECT_PATH",
    "StoredBotAuthorize",
    "create_app",
    "make_web_client",
    "team_clients",
]

# The bot token scopes the features need; manifest.yml lists the same (a test compares them).
BOT_SCOPES = (
    "channels:history",  # message.channels: pastes in public channels
    "groups:history",  # message.groups: pastes in private channels
    "im:history",  # message.im: pastes in direct messages with the bot
    "chat:write",  # thread replies, updates, ephemeral notes, digests
    "commands",  # /iamdeny
    "users:read",  # users.info locale: answer ko-KR users in Korean
)
INSTALL_PATH = "/slack/install"
REDIRECT_PATH = "/slack/oauth_redirect"
OAUTH_STATE_SECONDS = 600
WEB_API_TIMEOUT_SECONDS = 10
_KNOWN_BOTS_MAX = 10_000  # installations remembered per process for database outages

_log = logging.getLogger(__name__)


def retry_handlers() -> list[RetryHandler]:
    """Retries for every Web API client: 429 (after Retry-After), connection errors, 500/503."""
    return [
        RateLimitErrorRetryHandler(max_retry_count=3),
        ConnectionErrorRetryHandler(max_retry_count=2),
        ServerErrorRetryHandler(max_retry_count=2),
    ]


def make_web_client(settings: Settings, token: str | None = None) -> WebClient:
    """A Web API client on SLACK_API_URL with our retry handlers."""
    return WebClient(
        token=token,
        base_url=settings.slack_api_url,
        timeout=WEB_API_TIMEOUT_SECONDS,
        retry_handlers=retry_handlers(),
        user_agent_prefix="iamdeny",
    )


class StoredBotAuthorize(Authorize):
    """Authorize a request from the installation store's bot row alone (no `auth.test` call in
    the request path).

    Every request reads the row (an uninstall takes effect at once). When the database is
    unavailable, the last row this process read for that workspace is used instead, so that pastes
    can still be acknowledged from the spool during an outage; a workspace this process has not
    seen yet gets the error (a 500: Slack redelivers). Any other database error propagates."""

    def __init__(self, installation_store: InstallationStore) -> None:
        self.installation_store = installation_store
        self._known: dict[tuple[str | None, str | None, bool], Bot | None] = {}
        self._lock = threading.Lock()

    def __call__(
        self,
        *,
        context: BoltContext,
        enterprise_id: str | None,
        team_id: str | None,
        user_id: str | None,
        actor_enterprise_id: str | None = None,
        actor_team_id: str | None = None,
        actor_user_id: str | None = None,
    ) -> AuthorizeResult | None:
        bot = self._find_bot(enterprise_id, team_id, bool(context.is_enterprise_install))
        if bot is None or not bot.bot_token:
            return None
        return AuthorizeResult(
            enterprise_id=bot.enterprise_id,
            team_id=bot.team_id,
            bot_token=bot.bot_token,
            bot_id=bot.bot_id,
            bot_user_id=bot.bot_user_id,
            bot_scopes=bot.bot_scopes,
            user_id=user_id,
        )

    def _find_bot(
        self, enterprise_id: str | None, team_id: str | None, enterprise_install: bool
    ) -> Bot | None:
        key = (enterprise_id, team_id, enterprise_install)
        try:
            bot = self.installation_store.find_bot(
                enterprise_id=enterprise_id,
                team_id=team_id,
                is_enterprise_install=enterprise_install,
            )
        except StoreError as exc:
            with self._lock:
                if key not in self._known or not database_unavailable(exc):
                    raise
                return self._known[key]
        with self._lock:
            if len(self._known) >= _KNOWN_BOTS_MAX and key not in self._known:
                self._known.clear()  # a bound, not a cache policy: outages are rare
            self._known[key] = bot
        return bot


class _NoPayloadFilter(logging.Filter):
    """Drops Bolt log records that would carry a request body (or only noise about our setup).

    Bolt copies the filters of the logger it is given to each of its component loggers."""

    _MARKERS = (
        "Invalid request signature detected",  # logs the body (we reject bad signatures earlier)
        "Unhandled request",  # logs the body (we answer unhandled requests with a 200)
        "Skipped self event",  # logs the event
        "`token` will be unused",  # SLACK_BOT_TOKEN read by Bolt from the environment; we use it
    )

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        return not any(marker in message for marker in self._MARKERS)


def _bolt_logger() -> logging.Logger:
    logger = logging.getLogger("slack_bolt.App")
    if not any(isinstance(f, _NoPayloadFilter) for f in logger.filters):
        logger.addFilter(_NoPayloadFilter())
    return logger


def _on_error(error: Exception, response: BoltResponse | None) -> BoltResponse | None:
    if isinstance(error, BoltUnhandledRequestError):
        return BoltResponse(status=200, body="")
    # One line, no request body: Slack redelivers events answered with a 5xx.
    _log.error("request failed: %s", _short(error))
    return None


def create_app(
    settings: Settings,
    store: Store,
    *,
    deps: Deps | None = None,
    mode: Mode = "http",
) -> App:
    """A new Bolt app for these settings and this store, every listener registered.

    `deps` (default: built from settings and store) carries the job pool the listeners use; pass
    your own to drain it (tests) or to share it with other apps in the process.
    """
    settings.check_mode(mode)
    deps = deps or Deps.build(settings, store)
    common: dict[str, Any] = {
        "name": "iamdeny",
        "logger": _bolt_logger(),
        "process_before_response": True,
        "raise_error_for_unhandled_request": True,
        "request_verification_enabled": mode == "http",
        "signing_secret": (
            settings.slack_signing_secret.get_secret_value()
            if settings.slack_signing_secret is not None
            else "unused-in-socket-mode"
        ),
    }
    if settings.oauth_enabled:
        assert settings.slack_client_id is not None and settings.slack_client_secret is not None
        installation_store = SQLAlchemyInstallationStore(
            client_id=settings.slack_client_id,
            engine=store.engine,
            bots_table_name="slack_bots",
            installations_table_name="slack_installations",
        )
        oauth_settings = OAuthSettings(
            client_id=settings.slack_client_id,
            client_secret=settings.slack_client_secret.get_secret_value(),
            scopes=list(BOT_SCOPES),
            user_scopes=[],
            installation_store=installation_store,
            state_store=SQLAlchemyOAuthStateStore(
                expiration_seconds=OAUTH_STATE_SECONDS,
                engine=store.engine,
                table_name="slack_oauth_states",
            ),
            install_path=INSTALL_PATH,
            redirect_uri_path=REDIRECT_PATH,
            install_page_rendering_enabled=False,
        )
        app = App(
            client=make_web_client(settings),
            installation_store=installation_store,
            authorize=StoredBotAuthorize(installation_store),  # type: ignore[arg-type]
            oauth_settings=oauth_settings,
            **common,
        )
    else:
        assert settings.slack_bot_token is not None
        app = App(
            client=make_web_client(settings, settings.slack_bot_token.get_secret_value()),
            **common,
        )
    app.error(_on_error)
    register_all(app, deps)
    return app


def team_clients(app: App, settings: Settings) -> Callable[[str], WebClient | None]:
    """team id -> a Web API client with that workspace's bot token, or None when the app is not
    installed there (for work done outside a request, e.g. reply recovery)."""
    installation_store = app.installation_store
    if installation_store is None:
        own_team: list[str] = []

        def single(team_id: str) -> WebClient | None:
            if not own_team:
                own_team.append(str(app.client.auth_test().get("team_id") or ""))
            return app.client if team_id == own_team[0] else None

        return single

    def installed(team_id: str) -> WebClient | None:
        bot = installation_store.find_bot(enterprise_id=None, team_id=team_id)
        if bot is None or not bot.bot_token:
            return None
        return make_web_client(settings, bot.bot_token)

    return installed
