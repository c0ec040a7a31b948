"""Recovery: post the replies a crashed process owed (recorded, acknowledged, never posted).

A message's incidents are stored before Slack gets its 200, and the reply is posted after. If the
process dies in between, Slack will not deliver the event again. Each process therefore runs a
`ReplyRecovery` sweeper: every `interval` seconds (with jitter) it looks for messages recorded from
Slack events in the last `window` and at least `min_age` ago that have no posted reply, rebuilds
each reply from the stored (redacted) paste and posts it through the same claim as the live path
(`reply.deliver`), taking over only claims older than `lease` — so a reply being posted (or waiting
out a 429) elsewhere is left alone, and every process may sweep at once.
"""

from __future__ import annotations

import logging
import random
import re
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from bot.background import Periodic
from bot.deps import Deps
from bot.pipeline.extract import Message
from bot.pipeline.intake import Intake
from bot.pipeline.reply import deliver
from core.classifier import find_denials
from core.store import StoreError
from core.store.models import utcnow
from core.store.recovery import UnansweredMessage, message_incidents, unanswered_messages

__all__ = ["ClientForTeam", "ReplyRecovery"]

_log = logging.getLogger(__name__)
_MARKER = re.compile(r"\[redacted:([a-z0-9-]{1,64})\]")

ClientForTeam = Callable[[str], Any]
"""team id -> a Web API client holding that workspace's bot token (None when not installed)."""


class ReplyRecovery(Periodic):
    """The sweeper: `run_once()` does one pass; `start()`/`stop()` run it on a daemon thread."""

    thread_name = "iamdeny-recovery"

    def __init__(
        self,
        deps: Deps,
        client_for: ClientForTeam,
        *,
        interval: float = 15.0,
        min_age: timedelta = timedelta(seconds=20),
        window: timedelta = timedelta(minutes=30),
        lease: timedelta = timedelta(minutes=2),
        batch: int = 50,
    ) -> None:
        self.deps = deps
        self.client_for = client_for
        self.interval = interval
        self.min_age = min_age
        self.window = window
        self.lease = lease
        self.batch = batch
        super().__init__()

    def run_once(self) -> int:
        """One pass; returns how many unanswered messages it tried to answer."""
        now = utcnow()
        try:
            pending = unanswered_messages(
                self.deps.store,
                since=now - self.window,
                before=now - self.min_age,
                limit=self.batch,
            )
        except StoreError as exc:
            _log.warning("reply recovery: database unavailable (%s)", type(exc).__name__)
            return 0
        for item in pending:
            if self.stopping:
                break
            try:
                self._answer(item)
            except Exception as exc:
                _log.warning("reply recovery failed for one message: %s", type(exc).__name__)
        return len(pending)

    def _answer(self, item: UnansweredMessage) -> None:
        incidents = message_incidents(
            self.deps.store,
            team_id=item.team_id,
            channel_id=item.channel_id,
            message_ts=item.message_ts,
        )
        if not incidents:
            return
        first = incidents[0]
        paste = first.paste or ""
        denials = tuple(find_denials(paste))
        count = min(len(denials), len(incidents))
        if count == 0:
            _log.warning("reply recovery: stored paste no longer reads as a denial; skipped")
            return
        client = self.client_for(item.team_id)
        if client is None:
            return  # the workspace uninstalled the app meanwhile
        message = Message(
            team_id=item.team_id,
            channel_id=item.channel_id,
            channel_type=None,
            ts=item.message_ts,
            thread_ts=first.thread_ts or item.message_ts,
            user_id=first.reporter_id,
            bot_id=None,
            text=paste,
            edited=False,
            event_id=first.event_id,
        )
        kinds = tuple(dict.fromkeys(_MARKER.findall(paste)))
        intake = Intake(message, paste, kinds, denials[:count], incidents[:count])
        deliver(self.deps, client, intake, lease=self.lease)

    def period(self) -> float:
        """The interval, with jitter (processes sweeping together drift apart)."""
        return self.interval * random.uniform(0.5, 1.5)  # noqa: S311

    def tick(self) -> None:
        """One sweep."""
        self.run_once()
