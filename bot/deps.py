"""What every listener needs, built once per app: settings, the store, the job pool, caches, the
spool and the database gate.

`create_app` builds one `Deps` and hands it to each listener package's `register(app, deps)`. It is
per app instance (never module-level), so two apps in one process (tests, a second workspace
mode) share nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.background import Jobs
from bot.pipeline.gate import DatabaseGate
from bot.pipeline.language import LocaleCache
from bot.pipeline.spool import Spool
from bot.settings import Settings
from core.store import Store

__all__ = ["INTERACTIVE_WORKERS", "Deps"]

# Threads for work a person is waiting on (button clicks, /iamdeny, modals, App Home): apart from
# the reply pool, so that replies waiting out a 429 never hold up a click whose trigger_id expires
# in 3 seconds.
INTERACTIVE_WORKERS = 4


@dataclass(frozen=True, slots=True)
class Deps:
    """The bot's collaborators, passed to every `register(app, deps)`.

    `jobs` posts thread replies (and other work nobody waits on); `interactive` runs what a person
    waits on: button clicks, slash commands, modal submissions, App Home."""

    settings: Settings
    store: Store
    jobs: Jobs
    locales: LocaleCache
    spool: Spool | None = None  # where pastes wait while the database is down (None: 500s)
    gate: DatabaseGate = field(default_factory=DatabaseGate)
    interactive: Jobs = field(
        default_factory=lambda: Jobs(INTERACTIVE_WORKERS, name="iamdeny-interactive")
    )

    @classmethod
    def build(cls, settings: Settings, store: Store, jobs: Jobs | None = None) -> Deps:
        """Deps for one app: a new job pool (unless given), an empty locale cache, and the spool
        of IAMDENY_SPOOL_DIR (none when it is empty)."""
        spool_dir = settings.iamdeny_spool_dir.strip()
        return cls(
            settings=settings,
            store=store,
            jobs=jobs or Jobs(settings.iamdeny_reply_workers),
            locales=LocaleCache(ttl=settings.iamdeny_locale_cache_seconds),
            spool=(
                Spool(spool_dir, max_entries=settings.iamdeny_spool_max_entries)
                if spool_dir
                else None
            ),
        )

    def drain(self, timeout: float | None = None) -> bool:
        """Wait until both job pools are idle; False on timeout."""
        return self.interactive.drain(timeout) and self.jobs.drain(timeout)

    def shutdown(self, timeout: float | None = 30.0) -> None:
        """Let both pools' running jobs finish (up to `timeout` each), then stop them."""
        self.interactive.shutdown(timeout)
        self.jobs.shutdown(timeout)
