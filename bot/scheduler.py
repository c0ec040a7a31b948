"""The `worker` process: post each workspace's weekly digest when its weekday and hour arrive.

`DigestScheduler.run(stop)` checks every `IAMDENY_DIGEST_INTERVAL_SECONDS` (default 60): for each
workspace with a digest channel, `core.digest.schedule.due_digest` says whether its latest
scheduled moment (weekday/hour in its time zone) has passed within the catch-up window, and which
ISO week that moment reports (the week before the moment's own week). A week whose claim is already
marked posted costs one read; otherwise `bot.digest_post.DigestPoster` claims, posts and marks it,
so any number of workers (and manual `iamdeny digest --post` runs, which use the same key) post it
once. A failed post (Slack said `not_in_channel`, or is down) is tried again with a per-process
backoff: after one interval, then two, four, ... at most an hour apart, so a channel the bot was
removed from does not cost a digest computation and an error every minute.

The clock is injectable (`clock=`), and `tick()` is one check, for tests. `run()` returns when
`stop` is set (SIGTERM/SIGINT in `iamdeny digest --schedule`), after the post in progress; a
database or Slack failure in one check is logged and the loop goes on.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from bot.digest_post import DigestPoster, PostOutcome
from bot.settings import Settings
from core.digest.schedule import due_digest
from core.store import Store, get_digest_claim, list_workspace_settings

__all__ = ["MAX_BACKOFF", "DigestScheduler"]

MAX_BACKOFF = timedelta(hours=1)

_log = logging.getLogger("iamdeny.worker")


class DigestScheduler:
    """Checks the digest schedules and posts what is due; see the module doc."""

    def __init__(
        self,
        settings: Settings,
        store: Store,
        *,
        poster: DigestPoster | None = None,
        clock: Callable[[], datetime] | None = None,
        interval: float | None = None,
        catch_up: timedelta | None = None,
    ) -> None:
        self.settings = settings
        self.store = store
        self.clock = clock or (lambda: datetime.now(UTC))
        self.poster = poster or DigestPoster(
            settings,
            store,
            clock=self.clock,
            lease=timedelta(seconds=settings.iamdeny_digest_lease_seconds),
        )
        self.interval = (
            interval if interval is not None else settings.iamdeny_digest_interval_seconds
        )
        self.catch_up = catch_up or timedelta(hours=settings.iamdeny_digest_catch_up_hours)
        # (team, channel, key) -> (failures so far, no new attempt before this time)
        self._backoff: dict[tuple[str, str, str], tuple[int, datetime]] = {}

    def tick(self, stop: threading.Event | None = None) -> list[PostOutcome]:
        """One check at `clock()`: post every digest that is due and not yet posted."""
        now = self.clock()
        outcomes: list[PostOutcome] = []
        for workspace in list_workspace_settings(self.store):
            if stop is not None and stop.is_set():
                break
            if not workspace.digest_channel_id:
                continue
            try:
                due = due_digest(
                    workspace.digest_weekday,
                    workspace.digest_hour,
                    workspace.timezone,
                    now,
                    catch_up=self.catch_up,
                )
            except ValueError as exc:  # a time zone this machine's tzdata lacks
                _log.error("workspace %s: bad digest schedule: %s", workspace.team_id, exc)
                continue
            if due is None:
                continue
            claim = get_digest_claim(
                self.store,
                team_id=workspace.team_id,
                channel_id=workspace.digest_channel_id,
                period_key=due.key,
            )
            if claim is not None and claim.status == "posted":
                continue
            key = (workspace.team_id, workspace.digest_channel_id, due.key)
            failures, not_before = self._backoff.get(key, (0, now))
            if now < not_before:
                continue
            outcome = self.poster.post(workspace, due.period, due.key)
            if outcome.failed:
                delay = min(timedelta(seconds=self.interval) * 2**failures, MAX_BACKOFF)
                self._backoff[key] = (failures + 1, now + delay)
                _log.error("digest %s; next attempt in %ds", outcome.line(), delay.total_seconds())
            else:
                self._backoff.pop(key, None)
                _log.info("digest %s", outcome.line())
            outcomes.append(outcome)
        return outcomes

    def run(self, stop: threading.Event, *, max_ticks: int | None = None) -> int:
        """Check every `interval` seconds until `stop` is set (or `max_ticks` checks); returns the
        number of checks made."""
        ticks = 0
        _log.info("digest worker: checking every %gs", self.interval)
        while not stop.is_set() and (max_ticks is None or ticks < max_ticks):
            started = time.monotonic()
            try:
                self.tick(stop)
            except Exception as exc:  # the database is down, ...: try again next time
                _log.error("digest check failed: %s: %s", type(exc).__name__, exc)
            ticks += 1
            if max_ticks is not None and ticks >= max_ticks:
                break
            stop.wait(max(0.0, self.interval - (time.monotonic() - started)))
        _log.info("digest worker: stopped after %d check(s)", ticks)
        return ticks
