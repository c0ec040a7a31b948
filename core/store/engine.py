"""Database URLs and engines: `DATABASE_URL` to a tuned SQLAlchemy `Engine`, wrapped in a `Store`.

- The URL comes from the argument, else `DATABASE_URL`, else `sqlite:///iamdeny.db`.
- Heroku-style `postgres://` and plain `postgresql://` URLs use the psycopg 3 driver.
- SQLite: WAL journal, a busy timeout, foreign keys on. Transactions are begun by us, not by the
  sqlite3 module, so that a writing transaction can take the write lock up front (`BEGIN
  IMMEDIATE`) and wait its turn instead of failing with "database is locked" half-way through.
- PostgreSQL: pre-ping pooled connections, a connect timeout.
"""

from __future__ import annotations

import os
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import (
    DBAPIError,
    DisconnectionError,
    InterfaceError,
    OperationalError,
    SQLAlchemyError,
)
from sqlalchemy.exc import (
    TimeoutError as PoolTimeoutError,
)

__all__ = [
    "DEFAULT_DATABASE_URL",
    "Store",
    "StoreError",
    "database_unavailable",
    "database_url",
    "make_engine",
    "normalize_url",
    "redact_url",
]

DEFAULT_DATABASE_URL = "sqlite:///iamdeny.db"

StoreError = SQLAlchemyError
"""What store functions raise when the database fails (unreachable, locked, ...): catch this
instead of importing SQLAlchemy."""


def database_unavailable(exc: BaseException) -> bool:
    """True when `exc` says the database could not be reached or used right now (connection
    refused or lost, server shutting down, pool exhausted, a locked file) — an outage worth
    waiting out — rather than a fault in the statement or the data."""
    if isinstance(exc, DBAPIError) and exc.connection_invalidated:
        return True
    return isinstance(
        exc, OperationalError | InterfaceError | DisconnectionError | PoolTimeoutError
    )


SQLITE_BUSY_TIMEOUT_MS = 30_000
POSTGRES_CONNECT_TIMEOUT_S = 10

# Execution option naming how a SQLite transaction begins ("IMMEDIATE" for writers).
SQLITE_BEGIN_OPTION = "iamdeny_sqlite_begin"


def normalize_url(url: str) -> str:
    """The SQLAlchemy URL for `url`: PostgreSQL URLs without a driver use psycopg 3."""
    url = url.strip()
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def database_url(url: str | None = None) -> str:
    """The normalised URL: `url`, else `$DATABASE_URL`, else the default SQLite file."""
    return normalize_url(url or os.environ.get("DATABASE_URL") or DEFAULT_DATABASE_URL)


def redact_url(url: str) -> str:
    """The URL with its password hidden, for messages."""
    return make_url(normalize_url(url)).render_as_string(hide_password=True)


def _on_sqlite_connect(dbapi_connection: Any, _record: Any) -> None:
    # Let SQLAlchemy's "begin" event (below) start transactions, not the sqlite3 module.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys = ON")
        _use_wal(cursor)
        cursor.execute("PRAGMA synchronous = NORMAL")
    finally:
        cursor.close()


def _use_wal(cursor: Any) -> None:
    """Switch the file to WAL unless it is already. Switching needs an exclusive lock and SQLite
    answers "database is locked" at once, without its busy handler, when another connection holds
    one (several processes opening a new file together): retry with backoff, up to the busy
    timeout."""
    deadline = time.monotonic() + SQLITE_BUSY_TIMEOUT_MS / 1000
    delay = 0.005
    while True:
        try:
            (mode,) = cursor.execute("PRAGMA journal_mode").fetchone()
            if str(mode).lower() != "wal":
                cursor.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() + delay > deadline:
                raise
            time.sleep(delay)
            delay = min(delay * 2, 0.2)


def _on_sqlite_begin(connection: Connection) -> None:
    mode = connection.get_execution_options().get(SQLITE_BEGIN_OPTION, "DEFERRED")
    connection.exec_driver_sql(f"BEGIN {mode}")


def make_engine(url: str | None = None, **kwargs: Any) -> Engine:
    """An engine for `url` (default per `database_url`), tuned for its database."""
    resolved = make_url(database_url(url))
    backend = resolved.get_backend_name()
    if backend == "sqlite":
        connect_args = {"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000, "check_same_thread": False}
        connect_args.update(kwargs.pop("connect_args", {}))
        engine = create_engine(resolved, connect_args=connect_args, **kwargs)
        event.listen(engine, "connect", _on_sqlite_connect)
        event.listen(engine, "begin", _on_sqlite_begin)
        return engine
    if backend == "postgresql":
        connect_args = {"connect_timeout": POSTGRES_CONNECT_TIMEOUT_S}
        connect_args.update(kwargs.pop("connect_args", {}))
        kwargs.setdefault("pool_pre_ping", True)
        return create_engine(resolved, connect_args=connect_args, **kwargs)
    return create_engine(resolved, **kwargs)


@dataclass(frozen=True, slots=True)
class Store:
    """A handle on the database: what every store function takes first.

    `Store.open()` reads `DATABASE_URL`; `store.close()` releases the pool. Callers outside
    `core.store` never need SQLAlchemy: they only pass this object around.
    """

    engine: Engine

    @classmethod
    def open(cls, url: str | None = None, **engine_kwargs: Any) -> Store:
        """A store on `url` (default: `$DATABASE_URL`, else `sqlite:///iamdeny.db`)."""
        return cls(make_engine(url, **engine_kwargs))

    @property
    def dialect(self) -> str:
        """`sqlite` or `postgresql`."""
        return self.engine.dialect.name

    @property
    def url(self) -> str:
        """The database URL, password hidden."""
        return self.engine.url.render_as_string(hide_password=True)

    def close(self) -> None:
        """Close every pooled connection."""
        self.engine.dispose()

    @contextmanager
    def read(self) -> Iterator[Connection]:
        """A connection in a read transaction."""
        with self.engine.connect() as conn, conn.begin():
            yield conn

    @contextmanager
    def write(self) -> Iterator[Connection]:
        """A connection in a write transaction; on SQLite it takes the write lock up front."""
        with self.engine.connect() as conn:
            if self.dialect == "sqlite":
                conn.execution_options(**{SQLITE_BEGIN_OPTION: "IMMEDIATE"})
            with conn.begin():
                yield conn
