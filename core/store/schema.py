"""The database schema's version: run Alembic's migrations, report where a database stands.

The migrations ship in the `migrations` package, so this works from an installed package, with no
alembic.ini and from any working directory. Upgrades hold a lock while they run (the write lock on
SQLite, an advisory lock on PostgreSQL), so several processes upgrading at once (a `release:` step
and a worker) apply each migration once.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, inspect, text

from core.store.engine import SQLITE_BEGIN_OPTION, Store

__all__ = [
    "SchemaNotReadyError",
    "SchemaState",
    "alembic_config",
    "downgrade",
    "ensure_schema",
    "head_revision",
    "known_revisions",
    "migrating",
    "schema_state",
    "upgrade",
]

# Any constant: the key of the PostgreSQL advisory lock taken while migrating.
_PG_MIGRATION_LOCK = 0x1A4D_E11E


class SchemaNotReadyError(RuntimeError):
    """The database is not at the schema this code needs; the message says what to run."""


@dataclass(frozen=True, slots=True)
class SchemaState:
    """Where a database stands: its revision (None when never migrated) and the code's head."""

    current: str | None
    head: str
    empty: bool  # no tables at all

    @property
    def at_head(self) -> bool:
        """True when the database has every migration this code knows."""
        return self.current == self.head


def migrations_path() -> Path:
    """The directory of the `migrations` package (Alembic's script location)."""
    return Path(str(resources.files("migrations")))


def alembic_config(connection: Connection | None = None) -> Config:
    """An Alembic configuration for our migrations, bound to `connection` when given."""
    config = Config()
    config.set_main_option("script_location", str(migrations_path()))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


@cache
def _scripts() -> ScriptDirectory:
    return ScriptDirectory.from_config(alembic_config())


def head_revision() -> str:
    """The newest migration's revision id."""
    head = _scripts().get_current_head()
    assert head is not None, "no migrations found"
    return head


def known_revisions() -> frozenset[str]:
    """Every revision id this code has a migration for."""
    return frozenset(rev.revision for rev in _scripts().walk_revisions())


def schema_state(store: Store) -> SchemaState:
    """The database's revision against the code's head."""
    with store.engine.connect() as conn:
        current = MigrationContext.configure(conn).get_current_revision()
        empty = not inspect(conn).get_table_names()
    return SchemaState(current=current, head=head_revision(), empty=empty)


@contextmanager
def migrating(store: Store) -> Iterator[Connection]:
    """A connection in one transaction for running migrations, holding the migration lock.

    On SQLite, foreign keys are switched off for the duration (they cannot be switched inside a
    transaction) and checked before commit: batch mode rebuilds a table by copying it and dropping
    the original, and with foreign keys on, dropping `incidents` would cascade-delete the feedback.
    """
    with store.engine.connect() as conn:
        sqlite = store.dialect == "sqlite"
        raw = conn.connection.dbapi_connection
        if sqlite:
            assert raw is not None
            raw.execute("PRAGMA foreign_keys = OFF")  # outside any transaction (autocommit)
        try:
            if sqlite:
                conn.execution_options(**{SQLITE_BEGIN_OPTION: "IMMEDIATE"})
            with conn.begin():
                if not sqlite:
                    lock = text("SELECT pg_advisory_xact_lock(:key)")
                    conn.execute(lock, {"key": _PG_MIGRATION_LOCK})
                yield conn
                if sqlite:
                    broken = conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                    if broken:
                        raise RuntimeError(f"migration left broken foreign keys: {broken[:5]}")
        finally:
            if sqlite:
                assert raw is not None
                raw.execute("PRAGMA foreign_keys = ON")


def upgrade(store: Store, revision: str = "head") -> SchemaState:
    """Apply the migrations up to `revision` (default: all); returns the new state."""
    with migrating(store) as conn:
        command.upgrade(alembic_config(conn), revision)
    return schema_state(store)


def downgrade(store: Store, revision: str) -> SchemaState:
    """Revert the migrations down to `revision` (`base`: none); returns the new state."""
    with migrating(store) as conn:
        command.downgrade(alembic_config(conn), revision)
    return schema_state(store)


def ensure_schema(store: Store, *, auto_upgrade_sqlite: bool = True) -> SchemaState:
    """Make sure the database is at head before use.

    A SQLite database (the local default) that is empty or behind is upgraded on the spot when
    `auto_upgrade_sqlite`; any other database that is not at head raises `SchemaNotReadyError`,
    telling the user to run `iamdeny db upgrade` (schema changes on a shared server are deliberate).
    """
    state = schema_state(store)
    if state.at_head:
        return state
    if state.current is not None and state.current not in known_revisions():
        raise SchemaNotReadyError(
            f"the database {store.url} is at schema revision {state.current}, which this version "
            "of iamdeny does not know (newer code migrated it?); upgrade iamdeny"
        )
    if store.dialect == "sqlite" and auto_upgrade_sqlite:
        return upgrade(store)
    where = "empty" if state.current is None else f"at revision {state.current}"
    raise SchemaNotReadyError(
        f"the database {store.url} is {where}, not at schema revision {state.head}; "
        "run `iamdeny db upgrade` first"
    )
