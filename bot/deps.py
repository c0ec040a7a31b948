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

__all__ = ["Deps"]


@dataclass(frozen=True, slots=True)
class Deps:
    """The bot's collaborators, passed to every `register(app, deps)`."""

    settings: Settings
    store: Store
    jobs: Jobs
    locales: LocaleCache
    spool: Spool | None = None  # where pastes wait while the database is down (None: 500s)
    gate: DatabaseGate = field(default_factory=DatabaseGate)

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
