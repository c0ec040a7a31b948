"""The backlog: pastes read while the database was down, spooled, and recorded once it is back.

- `record_or_spool(deps, reading)`: record the reading's incidents; when the database is
  unavailable (`core.store.database_unavailable`), write the reading to the spool instead and
  return None — the message is then acknowledged, stored on disk. Without a spool (or when it is
  full, or the disk fails) the error propagates and Slack gets a 500, as before.
- While `deps.gate` (`bot.pipeline.gate`) remembers a recent outage, readings go straight to the
  spool; any successful record (a request's or the drainer's) reopens the way.
- `SpoolDrainer`: one daemon thread per process. Every `interval` it takes the spooled readings,
  oldest first, records each with the time it arrived, queues its thread reply on the job pool
  (the reply claim keeps it to one reply), and removes the entry. The first outage error ends the
  pass (the database is still down); a reading failing for another reason `max_attempts` times is
  quarantined. Replies owed by a process that died after recording are posted by the recovery
  sweep, as for any message.
- `deliver_or_spool`: the reply job; a reply that could not even be claimed because the database
  went away is spooled too (recording it again is a no-op), so it follows the database's return.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from bot.background import Periodic
from bot.deps import Deps
from bot.pipeline.intake import Intake, Reading, record
from bot.pipeline.reply import deliver
from bot.pipeline.spool import SpooledReading, SpoolEntry, SpoolFormatError
from core.classifier import find_denials
from core.store import StoreError, database_unavailable
from core.store.models import utcnow

__all__ = ["SpoolDrainer", "deliver_or_spool", "record_or_spool", "spool_reading"]

_log = logging.getLogger(__name__)

ClientForTeam = Callable[[str], Any]


def spool_reading(deps: Deps, reading: Reading, *, reply: bool = True) -> bool:
    """Write the reading to the spool (redacted text only); False when there is no spool, it is
    full, or the disk failed."""
    if deps.spool is None or not reading.denials:
        return False
    message = reading.message
    spooled = SpooledReading(
        message=replace(message, text=reading.redacted),
        secret_kinds=reading.secret_kinds,
        received_at=utcnow(),
        reply=reply,
    )
    return deps.spool.put(spooled)


def record_or_spool(deps: Deps, reading: Reading, *, reply: bool = True) -> Intake | None:
    """Record the reading, or spool it while the database is unavailable (None: spooled)."""
    if deps.gate.bypass() and spool_reading(deps, reading, reply=reply):
        return None
    try:
        intake = record(deps.store, reading)
    except StoreError as exc:
        if not database_unavailable(exc) or not spool_reading(deps, reading, reply=reply):
            raise
        if deps.gate.trip():
            _log.warning(
                "database unavailable (%s): spooling pastes until it answers", type(exc).__name__
            )
        return None
    if reading.denials:
        deps.gate.reset()
    return intake


def deliver_or_spool(deps: Deps, client: Any, intake: Intake) -> None:
    """`reply.deliver` (a job-pool job); when the database goes away before the reply could be
    claimed, the reading goes to the spool, so the reply follows within seconds of the database's
    return instead of waiting for the recovery sweep."""
    try:
        deliver(deps, client, intake)
    except StoreError as exc:
        reading = Reading(intake.message, intake.redacted, intake.secret_kinds, intake.denials)
        if not database_unavailable(exc) or not spool_reading(deps, reading):
            raise
        deps.gate.trip()
        _log.warning("reply deferred to the spool: database unavailable (%s)", type(exc).__name__)


class SpoolDrainer(Periodic):
    """Records spooled readings once the database answers; `drain_once()` is one pass,
    `start()`/`stop()` run passes on a daemon thread."""

    thread_name = "iamdeny-spool"

    def __init__(
        self,
        deps: Deps,
        client_for: ClientForTeam,
        *,
        interval: float = 1.0,
        batch: int = 200,
        max_attempts: int = 5,
    ) -> None:
        if deps.spool is None:
            raise ValueError("no spool configured")
        self.deps = deps
        self.spool = deps.spool
        self.client_for = client_for
        self.interval = interval
        self.batch = batch
        self.max_attempts = max_attempts
        self._failures: Counter[str] = Counter()
        super().__init__()

    def drain_once(self) -> int:
        """One pass over at most `batch` entries; returns how many were recorded."""
        recorded = 0
        for entry in self.spool.entries(limit=self.batch):
            if self.stopping:
                entry.release()
                break
            try:
                outcome = self._handle(entry)
            finally:
                entry.release()  # unlocks it if `_handle` raised; a no-op once it is finished
            if outcome == "outage":
                break
            recorded += outcome == "recorded"
        if recorded:
            _log.info("recorded %d spooled paste(s)", recorded)
        return recorded

    def _handle(self, entry: SpoolEntry) -> str:
        try:
            spooled = entry.reading()
        except SpoolFormatError as exc:
            _log.error("spool entry %s unreadable (%s): set aside", entry.name, exc)
            entry.quarantine()
            return "bad"
        message = spooled.message
        reading = Reading(
            message, message.text, spooled.secret_kinds, tuple(find_denials(message.text))
        )
        try:
            intake = record(self.deps.store, reading, reported_at=spooled.received_at)
        except StoreError as exc:
            if database_unavailable(exc):
                entry.release()
                self.deps.gate.trip()
                return "outage"
            self._failures[entry.name] += 1
            if self._failures[entry.name] < self.max_attempts:
                entry.release()
            else:
                _log.error(
                    "spool entry %s failed %d times (%s): set aside",
                    entry.name,
                    self.max_attempts,
                    type(exc).__name__,
                )
                entry.quarantine()
                del self._failures[entry.name]
            return "failed"
        self.deps.gate.reset()
        if spooled.reply and intake.denials:
            client = self.client_for(message.team_id)
            if client is not None:  # None: the workspace uninstalled the app meanwhile
                self.deps.jobs.submit(deliver_or_spool, self.deps, client, intake)
        entry.done()
        self._failures.pop(entry.name, None)
        return "recorded"

    def start(self) -> None:
        """Drain on a daemon thread until `stop()` (first removing what killed writers left)."""
        self.spool.remove_stale_temporaries()
        super().start()

    def period(self) -> float:
        """The interval between passes."""
        return self.interval

    def tick(self) -> None:
        """Passes until one finds less than a full batch."""
        while self.drain_once() >= self.batch and not self.stopping:
            pass
