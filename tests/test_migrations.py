"""Migrations and models agree; slack_sdk's OAuth stores work on the tables we migrate."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import MetaData, Table, inspect

from core.store import (
    SchemaNotReadyError,
    Store,
    ensure_schema,
    head_revision,
    schema_state,
    upgrade,
)
from core.store.models import Base

pytestmark = pytest.mark.db


def _diff(store: Store) -> list[Any]:
    with store.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        return list(compare_metadata(context, Base.metadata))


def test_migrated_database_matches_the_models(empty_db_url: str) -> None:
    store = Store.open(empty_db_url)
    try:
        state = schema_state(store)
        assert state.empty and state.current is None and not state.at_head
        assert upgrade(store).at_head
        assert _diff(store) == []
        tables = set(inspect(store.engine).get_table_names())
        assert set(Base.metadata.tables) <= tables
        assert upgrade(store).current == head_revision()  # idempotent
    finally:
        store.close()


def test_downgrade_to_base_and_back(empty_db_url: str) -> None:
    store = Store.open(empty_db_url)
    try:
        upgrade(store)
        upgrade_to_base(store)
        assert set(inspect(store.engine).get_table_names()) <= {"alembic_version"}
        upgrade(store)
        assert _diff(store) == []
    finally:
        store.close()


def upgrade_to_base(store: Store) -> None:
    from core.store.schema import downgrade

    assert downgrade(store, "base").current is None


def test_ensure_schema(empty_db_url: str) -> None:
    store = Store.open(empty_db_url)
    try:
        with pytest.raises(SchemaNotReadyError, match="iamdeny db upgrade"):
            ensure_schema(store, auto_upgrade_sqlite=False)
        if store.dialect == "sqlite":
            assert ensure_schema(store).at_head  # a local SQLite file is migrated on first use
        else:
            with pytest.raises(SchemaNotReadyError, match="iamdeny db upgrade"):
                ensure_schema(store)  # never migrate a server silently
            upgrade(store)
        assert ensure_schema(store, auto_upgrade_sqlite=False).at_head
    finally:
        store.close()


def test_ensure_schema_refuses_an_unknown_revision(store: Store) -> None:
    from sqlalchemy import text

    with store.write() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = 'ffff'"))
    with pytest.raises(SchemaNotReadyError, match="does not know"):
        ensure_schema(store)


def _slack_tables() -> dict[str, Table]:
    from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore
    from slack_sdk.oauth.state_store.sqlalchemy import SQLAlchemyOAuthStateStore

    metadata = MetaData()
    installations = SQLAlchemyInstallationStore.build_installations_table(
        metadata, SQLAlchemyInstallationStore.default_installations_table_name
    )
    bots = SQLAlchemyInstallationStore.build_bots_table(
        metadata, SQLAlchemyInstallationStore.default_bots_table_name
    )
    states = SQLAlchemyOAuthStateStore.build_oauth_states_table(
        metadata, SQLAlchemyOAuthStateStore.default_table_name
    )
    return {t.name: t for t in (installations, bots, states)}


def _describe(table: Table) -> list[tuple[Any, ...]]:
    return [
        (
            c.name,
            type(c.type).__name__,
            getattr(c.type, "length", None),
            getattr(c.type, "timezone", None),
            c.nullable,
            c.primary_key,
        )
        for c in table.columns
    ]


@pytest.mark.parametrize("name", ["slack_installations", "slack_bots", "slack_oauth_states"])
def test_slack_tables_match_slack_sdk(name: str) -> None:
    theirs = _slack_tables()[name]
    ours = Base.metadata.tables[name]
    assert _describe(ours) == _describe(theirs)
    assert {(i.name, tuple(c.name for c in i.columns)) for i in ours.indexes} == {
        (i.name, tuple(c.name for c in i.columns)) for i in theirs.indexes
    }


def test_slack_sdk_stores_work_on_our_schema(store: Store) -> None:
    from slack_sdk.oauth.installation_store import Installation
    from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore
    from slack_sdk.oauth.state_store.sqlalchemy import SQLAlchemyOAuthStateStore

    installations = SQLAlchemyInstallationStore(client_id="111.222", engine=store.engine)
    installations.save(
        Installation(
            app_id="A1",
            team_id="T1",
            user_id="U1",
            bot_token="xoxb-test",
            bot_id="B1",
            bot_user_id="UB1",
            bot_scopes=["chat:write"],
            installed_at=datetime.now().timestamp(),
        )
    )
    bot = installations.find_bot(enterprise_id=None, team_id="T1")
    assert bot is not None and bot.bot_token == "xoxb-test"
    found = installations.find_installation(enterprise_id=None, team_id="T1")
    assert found is not None and found.user_id == "U1"
    installations.delete_installation(enterprise_id=None, team_id="T1")
    installations.delete_bot(enterprise_id=None, team_id="T1")
    assert installations.find_bot(enterprise_id=None, team_id="T1") is None

    states = SQLAlchemyOAuthStateStore(expiration_seconds=60, engine=store.engine)
    state = states.issue()
    assert states.consume(state) and not states.consume(state)


@pytest.mark.db
def test_sqlite_batch_rebuild_keeps_dependent_rows(tmp_path: Path) -> None:
    """Batch mode rebuilds a SQLite table by copy-and-drop; with foreign keys on, dropping
    `incidents` would cascade-delete its feedback. `migrating` switches them off meanwhile."""
    from alembic.operations import Operations

    from core.record import DenialRecord
    from core.store import add_feedback, list_feedback, record_incidents
    from core.store.schema import migrating

    store = Store.open(f"sqlite:///{tmp_path / 'batch.db'}")
    try:
        upgrade(store)
        (incident,) = record_incidents(
            store,
            team_id="T1",
            channel_id="C1",
            message_ts="1",
            denials=[DenialRecord(action="s3:GetObject")],
        ).incidents
        add_feedback(store, incident.id, team_id="T1", user_id="U1", verdict="wrong")
        with migrating(store) as conn:
            operations = Operations(MigrationContext.configure(conn))
            with operations.batch_alter_table("incidents", recreate="always") as batch:
                batch.alter_column("paste", existing_type=sa.Text(), nullable=True)
        assert len(list_feedback(store, incident.id, team_id="T1")) == 1
        assert _diff(store) == []
        with store.engine.connect() as conn:  # and foreign keys are back on afterwards
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    finally:
        store.close()


def test_a_database_behind_head(empty_db_url: str) -> None:
    store = Store.open(empty_db_url)
    try:
        assert upgrade(store, "0001").current == "0001"
        if store.dialect == "sqlite":
            assert ensure_schema(store).at_head  # the local file catches up on first use
        else:
            with pytest.raises(SchemaNotReadyError, match="at revision 0001"):
                ensure_schema(store)
            assert upgrade(store).at_head
        assert _diff(store) == []
    finally:
        store.close()


def test_concurrent_upgrades_apply_each_migration_once(empty_db_url: str) -> None:
    """A `release:` step and a worker upgrading at the same moment: one migrates, one waits."""
    import threading

    barrier = threading.Barrier(3)
    errors: list[BaseException] = []

    def run() -> None:
        store = Store.open(empty_db_url)
        try:
            barrier.wait()
            upgrade(store)
        except BaseException as exc:  # reported below
            errors.append(exc)
        finally:
            store.close()

    threads = [threading.Thread(target=run) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not errors, errors
    store = Store.open(empty_db_url)
    try:
        assert schema_state(store).at_head and _diff(store) == []
    finally:
        store.close()
