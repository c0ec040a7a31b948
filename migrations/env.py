"""Alembic environment: our metadata, the same URL logic as the app, batch mode on SQLite.

The connection comes from `config.attributes["connection"]` when the caller (`core.store.schema`)
passes one; otherwise (the `alembic` command, run from the repository root) from the
`sqlalchemy.url` option, else `DATABASE_URL`, opened through `core.store.schema.migrating` like
`iamdeny db upgrade` (the migration lock; SQLite foreign keys off during batch rebuilds).
"""

from __future__ import annotations

from typing import Any, Literal

from alembic import context
from sqlalchemy import Connection

from core.store.engine import Store, database_url, make_engine
from core.store.models import Base, UTCDateTime
from core.store.schema import migrating

config = context.config
target_metadata = Base.metadata


def _configured_url() -> str | None:
    """`sqlalchemy.url` when the caller set one (no alembic.ini needed), else None."""
    value = config.get_alembic_option("sqlalchemy.url")
    return value if isinstance(value, str) and value else None


def _render_item(type_: str, obj: Any, _autogen_context: Any) -> str | Literal[False]:
    """Render our UTC type as the plain column type, so revisions never import `core`."""
    if type_ == "type" and isinstance(obj, UTCDateTime):
        return "sa.DateTime(timezone=True)"
    return False


def _configure(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
        render_item=_render_item,
    )


def run_migrations_offline() -> None:
    """Emit SQL to standard output instead of running it (`alembic upgrade head --sql`)."""
    context.configure(
        url=_configured_url() or database_url(),
        target_metadata=target_metadata,
        literal_binds=True,
        dialect_opts={"paramstyle": "named"},
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    """Run the migrations on a live connection (under the migration lock; see `migrating`)."""
    connection = config.attributes.get("connection")
    if connection is not None:
        _configure(connection)
        with context.begin_transaction():
            context.run_migrations()
        return
    store = Store(make_engine(_configured_url()))
    try:
        with migrating(store) as conn:
            _configure(conn)
            with context.begin_transaction():
                context.run_migrations()
    finally:
        store.close()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
