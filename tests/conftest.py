"""Shared fixtures: a fresh, migrated database, on SQLite or on a real PostgreSQL.

- `db_url`: a database migrated to head with every table empty, for one test.
  - SQLite (the default): a new file under the test's tmp_path, per test.
  - PostgreSQL, when `IAMDENY_TEST_POSTGRES_URL` names an admin URL (e.g.
    `postgresql://postgres@127.0.0.1:5432/postgres`): a uniquely named database per test module
    (and xdist worker), created and migrated to head, emptied before each test, and dropped
    `WITH (FORCE)` after the module. Creating a PostgreSQL database costs seconds (it is
    fsync-bound), so one per module keeps the suite fast while every test still starts empty.
  If that server cannot be reached, every database test FAILS with the reason — never a skip.
- `empty_db_url`: a brand-new, never-migrated database per test (migration and `db upgrade` tests).
- `store`: a `core.store.Store` on `db_url`.

Names carry the xdist worker id and a random suffix, so `pytest -n auto` workers never collide.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import psycopg
import pytest
from psycopg import sql
from sqlalchemy.engine import make_url

from core.store import Store, normalize_url, upgrade
from core.store.models import Base

POSTGRES_ENV = "IAMDENY_TEST_POSTGRES_URL"

# The Slack bot's end-to-end harness (fake Slack, the app on loopback): fixtures in conftest_bot.py.
pytest_plugins = ["conftest_bot"]


@dataclass
class _Postgres:
    admin_url: str  # libpq URL (no SQLAlchemy driver suffix)

    def url_for(self, database: str) -> str:
        """The SQLAlchemy URL of `database` on the same server."""
        url = make_url(normalize_url(self.admin_url)).set(database=database)
        return url.render_as_string(hide_password=False)

    def execute(self, statement: sql.Composed) -> None:
        with psycopg.connect(self.admin_url, autocommit=True, connect_timeout=10) as conn:
            conn.execute(statement)

    def create(self, name: str) -> None:
        self.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))

    def drop(self, name: str) -> None:
        self.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )


def _libpq_url(url: str) -> str:
    """An admin URL as psycopg wants it (`postgresql+psycopg://` -> `postgresql://`)."""
    parsed = make_url(normalize_url(url)).set(drivername="postgresql")
    return parsed.render_as_string(hide_password=False)


def _worker() -> str:
    return os.environ.get("PYTEST_XDIST_WORKER", "main")


def _unique(prefix: str) -> str:
    return f"{prefix}_{_worker()}_{uuid.uuid4().hex[:10]}".lower()


@pytest.fixture(scope="session")
def _postgres() -> Iterator[_Postgres | None]:
    """The PostgreSQL server under test, or None on SQLite. Fails loudly when unreachable."""
    admin = os.environ.get(POSTGRES_ENV)
    if not admin:
        yield None
        return
    server = _Postgres(_libpq_url(admin))
    try:
        with psycopg.connect(server.admin_url, connect_timeout=5) as conn:
            conn.execute("SELECT 1")
    except psycopg.Error as exc:
        pytest.fail(f"{POSTGRES_ENV}={admin} is set but PostgreSQL is unreachable: {exc}")
    yield server


@pytest.fixture(scope="session")
def _sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite file migrated to head, copied by each test (made on first use)."""
    path = tmp_path_factory.mktemp("template") / "template.db"
    store = Store.open(f"sqlite:///{path}")
    try:
        upgrade(store)
        with store.engine.connect() as conn:
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        store.close()
    return path


def _clear(url: str) -> None:
    """Empty every table (children first), leaving the schema and its revision."""
    store = Store.open(url)
    try:
        with store.write() as conn:
            for table in reversed(Base.metadata.sorted_tables):
                conn.execute(table.delete())
    finally:
        store.close()


@pytest.fixture(scope="module")
def _module_postgres_db(_postgres: _Postgres | None) -> Iterator[str | None]:
    """On PostgreSQL, a database migrated to head for this module (and worker); else None."""
    if _postgres is None:
        yield None
        return
    name = _unique("iamdeny_test")
    _postgres.create(name)
    try:
        url = _postgres.url_for(name)
        store = Store.open(url)
        try:
            upgrade(store)
        finally:
            store.close()
        yield url
    finally:
        _postgres.drop(name)


@pytest.fixture
def db_url(
    request: pytest.FixtureRequest, tmp_path: Path, _module_postgres_db: str | None
) -> Iterator[str]:
    """A migrated database whose tables are all empty (SQLite, or PostgreSQL per the env)."""
    if _module_postgres_db is None:
        template: Path = request.getfixturevalue("_sqlite_template")
        path = tmp_path / "iamdeny.db"
        shutil.copyfile(template, path)
        yield f"sqlite:///{path}"
        return
    _clear(_module_postgres_db)
    yield _module_postgres_db


@pytest.fixture
def empty_db_url(tmp_path: Path, _postgres: _Postgres | None) -> Iterator[str]:
    """A fresh, empty database (never migrated)."""
    if _postgres is None:
        yield f"sqlite:///{tmp_path / 'empty.db'}"
        return
    name = _unique("iamdeny_empty")
    _postgres.create(name)
    try:
        yield _postgres.url_for(name)
    finally:
        _postgres.drop(name)


@pytest.fixture
def store(db_url: str) -> Iterator[Store]:
    """A store on a fresh migrated database."""
    opened = Store.open(db_url)
    try:
        yield opened
    finally:
        opened.close()
