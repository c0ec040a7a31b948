"""Database URLs and engine settings: Heroku URLs, psycopg 3, SQLite pragmas, PostgreSQL options."""

from __future__ import annotations

import pytest

from core.store import Store, database_url, make_engine, normalize_url, redact_url


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("postgres://u:p@h:5432/db", "postgresql+psycopg://u:p@h:5432/db"),
        ("postgresql://u@h/db?sslmode=require", "postgresql+psycopg://u@h/db?sslmode=require"),
        ("postgresql+psycopg://u@h/db", "postgresql+psycopg://u@h/db"),
        ("postgresql+psycopg2://u@h/db", "postgresql+psycopg2://u@h/db"),
        ("sqlite:///iamdeny.db", "sqlite:///iamdeny.db"),
        ("  sqlite:////tmp/x.db\n", "sqlite:////tmp/x.db"),
    ],
)
def test_url_normalisation(given: str, expected: str) -> None:
    assert normalize_url(given) == expected


def test_database_url_default_and_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DATABASE_URL", raising=False)
    assert database_url() == "sqlite:///iamdeny.db"
    monkeypatch.setenv("DATABASE_URL", "postgres://u:secret@db.example:5432/app")
    assert database_url() == "postgresql+psycopg://u:secret@db.example:5432/app"
    assert database_url("sqlite:///x.db") == "sqlite:///x.db"
    assert "secret" not in redact_url(database_url())


def test_heroku_url_builds_a_psycopg3_engine() -> None:
    engine = make_engine("postgres://u:p@db.example:5432/app")
    try:
        assert engine.dialect.name == "postgresql" and engine.dialect.driver == "psycopg"
        assert engine.pool._pre_ping
    finally:
        engine.dispose()


@pytest.mark.db
def test_engine_settings(db_url: str) -> None:
    store = Store.open(db_url)
    try:
        with store.engine.connect() as conn:
            if store.dialect == "sqlite":
                assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
                assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
                assert (conn.exec_driver_sql("PRAGMA busy_timeout").scalar() or 0) >= 5000
            else:
                assert conn.dialect.driver == "psycopg"
                dsn = conn.connection.dbapi_connection.info.dsn  # type: ignore[union-attr]
                assert "connect_timeout=" in dsn
        with store.write() as conn:  # transactions work in both modes
            conn.exec_driver_sql("SELECT 1")
        with store.read() as conn:
            conn.exec_driver_sql("SELECT 1")
    finally:
        store.close()
