"""Post a workspace's weekly digest to its digest channel, exactly once per channel and period.

`DigestPoster.post(workspace, period, key)` is what `iamdeny digest --post` and the `worker`
scheduler (`bot.scheduler`) both call. The steps, for one (workspace, channel, period key):

1. no digest channel in the workspace's settings, or no bot token for it → skipped (why);
2. a claim row for the key already marked posted → already posted;
3. `claim_digest` inserts the claim under its UNIQUE key (or takes over a claim whose lease ran
   out); of any number of processes exactly one wins, the others report "in progress";
4. the winner computes the digest, renders it in the workspace's language and calls
   `chat.postMessage` (the message carries `metadata` naming the key), then
   `mark_digest_posted(ts)`.

Failures:

- Slack answered with an error (`ok: false`, a 5xx after the client's retries, a 429 beyond its
  retries) or the connection was refused: nothing was posted, so the claim is released and the next
  run retries at once.
- The outcome is unknown (the connection dropped or timed out after the request was sent), or the
  process died between claim and mark: the claim stays; once its lease has passed, a later run takes
  it over and first looks in the channel's recent history for a message of ours carrying the key's
  metadata. If it finds one, it marks the claim posted with that message's ts instead of posting
  again; only when there is none does it post.

429s: the client's `RateLimitErrorRetryHandler` waits `Retry-After` and tries again. Tokens come
from the OAuth installation store (multi-workspace) or `SLACK_BOT_TOKEN`, which serves only the
workspace `auth.test` says it belongs to — a workspace never gets another's token or data.
"""

from __future__ import annotations

import logging
import urllib.error
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Final, Literal

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_handlers import (
    RateLimitErrorRetryHandler,
    ServerErrorRetryHandler,
)

from bot.settings import Settings
from core.digest.period import Period
from core.store import (
    DEFAULT_LEASE,
    DigestClaim,
    Store,
    WorkspaceSettings,
    claim_digest,
    get_digest_claim,
    mark_digest_posted,
    release_digest_claim,
)

__all__ = [
    "METADATA_EVENT_TYPE",
    "DigestPoster",
    "PostOutcome",
    "Status",
    "TokenSource",
    "make_digest_client",
]

METADATA_EVENT_TYPE: Final = "iamdeny_digest"
WEB_API_TIMEOUT_SECONDS: Final = 15
HISTORY_LIMIT: Final = 200
HISTORY_PAGES: Final = 5

Status = Literal["posted", "already_posted", "in_progress", "skipped", "failed"]

_log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class PostOutcome:
    """What happened to one workspace's digest."""

    team_id: str
    status: Status
    detail: str = ""
    channel_id: str | None = None
    period_key: str | None = None
    message_ts: str | None = None

    @property
    def failed(self) -> bool:
        return self.status == "failed"

    def line(self) -> str:
        """One line for the command's output: `T0123 #C0456 2026-W47: posted (ts ...)`."""
        where = " ".join(
            part
            for part in (
                self.team_id,
                f"#{self.channel_id}" if self.channel_id else "",
                self.period_key or "",
            )
            if part
        )
        words = self.status.replace("_", " ")
        return f"{where}: {words}" + (f" ({self.detail})" if self.detail else "")


def make_digest_client(settings: Settings, token: str) -> WebClient:
    """A Web API client on SLACK_API_URL for posting digests.

    It retries 429s after `Retry-After` and 500/503 answers (Slack did not post), but never a
    dropped connection: that post may have happened, and the claim's lease plus the history check
    settle it instead.
    """
    return WebClient(
        token=token,
        base_url=settings.slack_api_url,
        timeout=WEB_API_TIMEOUT_SECONDS,
        retry_handlers=[
            RateLimitErrorRetryHandler(max_retry_count=3),
            ServerErrorRetryHandler(max_retry_count=2),
        ],
        user_agent_prefix="iamdeny",
    )


class TokenSource:
    """Finds a workspace's bot token: the OAuth installation store when SLACK_CLIENT_ID is set,
    else SLACK_BOT_TOKEN for the one workspace it belongs to (learnt once with `auth.test`)."""

    def __init__(
        self,
        settings: Settings,
        store: Store,
        client_factory: Callable[[Settings, str], WebClient] = make_digest_client,
    ) -> None:
        self._settings = settings
        self._client_factory = client_factory
        self._installations: Any = None
        if settings.oauth_enabled:
            from slack_sdk.oauth.installation_store.sqlalchemy import (
                SQLAlchemyInstallationStore,
            )

            self._installations = SQLAlchemyInstallationStore(
                client_id=settings.slack_client_id or "",
                engine=store.engine,
                bots_table_name="slack_bots",
                installations_table_name="slack_installations",
            )
        self._single_team: str | None = None
        self._single_checked = False

    def _single_workspace_team(self) -> str | None:
        if self._single_checked or self._settings.slack_bot_token is None:
            return self._single_team
        token = self._settings.slack_bot_token.get_secret_value()
        try:
            response = self._client_factory(self._settings, token).auth_test()
        except (SlackApiError, OSError, urllib.error.URLError) as exc:
            _log.warning("auth.test with SLACK_BOT_TOKEN failed: %s", _why(exc))
            return None  # asked again on the next call
        self._single_checked = True
        self._single_team = response.get("team_id")
        return self._single_team

    def token_for(self, team_id: str) -> str | None:
        """The bot token to post in `team_id` with, or None when the bot is not installed there."""
        if self._installations is not None:
            bot = self._installations.find_bot(enterprise_id=None, team_id=team_id)
            if bot is not None and bot.bot_token:
                return str(bot.bot_token)
        if self._settings.slack_bot_token is not None and self._single_workspace_team() == team_id:
            return self._settings.slack_bot_token.get_secret_value()
        return None


def _why(exc: BaseException) -> str:
    if isinstance(exc, SlackApiError):
        response = exc.response
        error = response.get("error") if response is not None else None
        status = getattr(response, "status_code", None)
        return f"Slack error {error or 'unknown'}" + (f", HTTP {status}" if status else "")
    if isinstance(exc, urllib.error.URLError):
        return f"cannot reach Slack: {exc.reason}"
    return type(exc).__name__ + (f": {exc}" if str(exc) else "")


def _definitely_not_posted(exc: BaseException) -> bool:
    """True when the request cannot have been performed (Slack answered, or no connection)."""
    if isinstance(exc, SlackApiError):
        return True
    if isinstance(exc, urllib.error.URLError):
        return isinstance(exc.reason, ConnectionRefusedError)
    return isinstance(exc, ConnectionRefusedError)


def _ago(then: datetime, now: datetime) -> str:
    if then.tzinfo is None:
        then = then.replace(tzinfo=UTC)
    seconds = max(0, int((now - then).total_seconds()))
    return f"{seconds}s ago" if seconds < 120 else f"{seconds // 60} min ago"


class DigestPoster:
    """Posts digests, exactly once per (workspace, channel, period key); see the module doc."""

    def __init__(
        self,
        settings: Settings,
        store: Store,
        *,
        tokens: TokenSource | None = None,
        lease: timedelta = DEFAULT_LEASE,
        clock: Callable[[], datetime] | None = None,
        client_factory: Callable[[Settings, str], WebClient] = make_digest_client,
        top: int = 10,
        oldest: int = 5,
    ) -> None:
        self.settings = settings
        self.store = store
        self.tokens = tokens or TokenSource(settings, store, client_factory)
        self.lease = lease
        self.clock = clock or (lambda: datetime.now(UTC))
        self._client_factory = client_factory
        self.top = top
        self.oldest = oldest

    def post(self, workspace: WorkspaceSettings, period: Period, key: str) -> PostOutcome:
        """Post `period`'s digest of `workspace` under claim key `key`, at most once."""
        team = workspace.team_id
        channel = workspace.digest_channel_id
        if not channel:
            return PostOutcome(
                team,
                "skipped",
                "no digest channel set; a workspace admin sets one with /iamdeny settings",
                period_key=key,
            )
        out = _Outcomes(team, channel, key)
        try:
            existing = get_digest_claim(
                self.store, team_id=team, channel_id=channel, period_key=key
            )
        except Exception as exc:
            return out("failed", f"database error: {_why(exc)}")
        if existing is not None and existing.status == "posted":
            return out("already_posted", f"ts {existing.message_ts}", existing.message_ts)
        try:
            token = self.tokens.token_for(team)
        except Exception as exc:
            return out("failed", f"cannot read the installation store: {_why(exc)}")
        if token is None:
            return out("skipped", "no bot token for this workspace (the app is not installed)")
        now = self.clock()
        try:
            claim = claim_digest(
                self.store,
                team_id=team,
                channel_id=channel,
                period_key=key,
                lease=self.lease,
                now=now,
            )
        except Exception as exc:
            return out("failed", f"database error: {_why(exc)}")
        if claim is None:
            return self._lost(out, now)
        return self._post_claimed(out, claim, workspace, period, token=token, now=now)

    def _lost(self, out: _Outcomes, now: datetime) -> PostOutcome:
        team, channel, key = out.team, out.channel, out.key
        try:
            current = get_digest_claim(self.store, team_id=team, channel_id=channel, period_key=key)
        except Exception as exc:
            return out("failed", f"database error: {_why(exc)}")
        if current is not None and current.status == "posted":
            return out("already_posted", f"ts {current.message_ts}", current.message_ts)
        since = _ago(current.claimed_at, now) if current is not None else "just now"
        return out(
            "in_progress",
            f"another process claimed it {since}; retried once its lease of "
            f"{int(self.lease.total_seconds())}s has passed if it never posts",
        )

    def _post_claimed(
        self,
        out: _Outcomes,
        claim: DigestClaim,
        workspace: WorkspaceSettings,
        period: Period,
        *,
        token: str,
        now: datetime,
    ) -> PostOutcome:
        from bot.render.digest import render_digest
        from core.store.digest_queries import compute_digest

        client = self._client_factory(self.settings, token)
        channel = claim.channel_id
        try:
            found = (
                self._find_posted(client, channel, claim.period_key, workspace.team_id, period)
                if claim.attempts > 1
                else None
            )
            if found is not None:
                ts: str | None = found
                detail = f"ts {found}, found in the channel after an interrupted attempt"
            else:
                digest = compute_digest(
                    self.store, workspace.team_id, period, top=self.top, oldest=self.oldest, now=now
                )
                message = render_digest(digest, workspace.language or self.settings.lang)
                response = client.chat_postMessage(
                    channel=channel,
                    **message.post_kwargs(),
                    metadata={
                        "event_type": METADATA_EVENT_TYPE,
                        "event_payload": {
                            "team_id": workspace.team_id,
                            "period_key": claim.period_key,
                        },
                    },
                )
                ts = response.get("ts")
                detail = f"ts {ts}"
        except Exception as exc:
            reason = _why(exc)
            if _definitely_not_posted(exc):
                self._release(claim)
                return out("failed", f"{reason}; claim released, the next run retries")
            _log.warning("digest post %s outcome unknown: %s", claim.period_key, reason)
            return out(
                "failed",
                f"{reason}; outcome unknown, the claim is kept: after its lease a later run "
                "checks the channel and posts only if the digest is not there",
            )
        try:
            marked = mark_digest_posted(self.store, claim, message_ts=ts, now=self.clock())
        except Exception as exc:
            # Posted but not recorded: the lease expires and the history check finds the post.
            _log.error("digest %s posted (ts %s) but not recorded: %s", claim.period_key, ts, exc)
            return out("posted", f"{detail}; recording it failed: {_why(exc)}", ts)
        if not marked:
            _log.warning("digest %s posted after its claim's lease ran out", claim.period_key)
            detail += "; the claim's lease ran out before it was recorded"
        return out("posted", detail, ts)

    def _release(self, claim: DigestClaim) -> None:
        try:
            release_digest_claim(self.store, claim)
        except Exception as exc:
            _log.warning("could not release digest claim %s: %s", claim.period_key, _why(exc))

    def _find_posted(
        self, client: WebClient, channel: str, key: str, team_id: str, period: Period
    ) -> str | None:
        """The ts of a digest for `key` that an earlier, interrupted attempt posted, if any.

        Reads the channel's messages since the period ended (a digest is never posted before),
        newest first and at most `HISTORY_PAGES` pages, keeping ours that carry the key in their
        metadata. A failed read (missing scope, not in the channel) answers None: post.
        """
        oldest = period.end - timedelta(hours=1)
        cursor: str | None = None
        for _ in range(HISTORY_PAGES):
            try:
                response = client.conversations_history(
                    channel=channel,
                    oldest=f"{oldest.timestamp():.6f}",
                    include_all_metadata=True,
                    limit=HISTORY_LIMIT,
                    cursor=cursor,
                )
            except Exception as exc:
                _log.warning("could not read %s's history for a digest: %s", channel, _why(exc))
                return None
            for message in response.get("messages") or []:
                metadata = message.get("metadata") or {}
                payload = metadata.get("event_payload") or {}
                if (
                    metadata.get("event_type") == METADATA_EVENT_TYPE
                    and payload.get("period_key") == key
                    and payload.get("team_id") in (None, team_id)
                ):
                    return str(message.get("ts"))
            cursor = (response.get("response_metadata") or {}).get("next_cursor") or None
            if not response.get("has_more") or not cursor:
                return None
        return None


class _Outcomes:
    """Builds outcomes for one (team, channel, key)."""

    def __init__(self, team: str, channel: str, key: str) -> None:
        self.team, self.channel, self.key = team, channel, key

    def __call__(self, status: Status, detail: str, ts: str | None = None) -> PostOutcome:
        return PostOutcome(self.team, status, detail, self.channel, self.key, ts)
