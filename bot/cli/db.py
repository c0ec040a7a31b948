"""`iamdeny db`: the database schema and retention.

    iamdeny db upgrade                 # apply every migration ($DATABASE_URL; Procfile `release:`)
    iamdeny db current                 # the database's schema revision and the code's
    iamdeny db purge --older-than 90   # delete incidents reported more than 90 days ago

Exit status: 0 on success, 1 when the database cannot be used, 2 on bad usage.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any


def _non_negative(value: str) -> int:
    try:
        days = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number of days: {value!r}") from None
    if days < 0:
        raise argparse.ArgumentTypeError("must be zero or more days")
    return days


def register(subparsers: Any) -> None:
    """Add the `db` subcommand and its actions."""
    parser = subparsers.add_parser(
        "db",
        help="database migrations and retention",
        description="Manage the database named by $DATABASE_URL (default sqlite:///iamdeny.db).",
    )
    actions = parser.add_subparsers(dest="db_action", metavar="ACTION")
    actions.required = True

    upgrade = actions.add_parser("upgrade", help="apply migrations (bring the schema to head)")
    upgrade.add_argument("--revision", default="head", help="target revision (default: head)")
    upgrade.set_defaults(handler=run_upgrade)

    current = actions.add_parser("current", help="show the schema revision")
    current.set_defaults(handler=run_current)

    purge = actions.add_parser("purge", help="delete old incidents (retention)")
    purge.add_argument(
        "--older-than",
        type=_non_negative,
        required=True,
        metavar="DAYS",
        help="delete incidents reported more than DAYS days ago",
    )
    purge.set_defaults(handler=run_purge)


def _fail(message: str) -> int:
    print(f"iamdeny db: {message}", file=sys.stderr)
    return 1


def run_upgrade(args: argparse.Namespace) -> int:
    """Apply the migrations up to --revision."""
    from core.store import Store, StoreError, schema_state, upgrade

    store = Store.open()
    try:
        before = schema_state(store)
        after = upgrade(store, args.revision)
    except StoreError as exc:
        return _fail(f"cannot upgrade {store.url}: {exc.__class__.__name__}: {exc}")
    finally:
        store.close()
    if before.current == after.current:
        print(f"{store.url}: already at revision {after.current}")
    else:
        start = before.current or "empty"
        print(f"{store.url}: upgraded from {start} to revision {after.current}")
    return 0


def run_current(_args: argparse.Namespace) -> int:
    """Print the database's revision and the code's head."""
    from core.store import Store, StoreError, schema_state

    store = Store.open()
    try:
        state = schema_state(store)
    except StoreError as exc:
        return _fail(f"cannot read {store.url}: {exc.__class__.__name__}: {exc}")
    finally:
        store.close()
    status = "up to date" if state.at_head else "run `iamdeny db upgrade`"
    print(f"{store.url}: revision {state.current or '(empty)'}; head {state.head} ({status})")
    return 0


def run_purge(args: argparse.Namespace) -> int:
    """Delete incidents older than --older-than days."""
    from core.store import (
        SchemaNotReadyError,
        Store,
        StoreError,
        ensure_schema,
        purge_incidents,
    )

    store = Store.open()
    try:
        ensure_schema(store, auto_upgrade_sqlite=False)
        deleted = purge_incidents(store, older_than_days=args.older_than)
    except SchemaNotReadyError as exc:
        return _fail(str(exc))
    except StoreError as exc:
        return _fail(f"cannot purge {store.url}: {exc.__class__.__name__}: {exc}")
    finally:
        store.close()
    noun = "incident" if deleted == 1 else "incidents"
    print(f"deleted {deleted} {noun} older than {args.older_than} days")
    return 0
