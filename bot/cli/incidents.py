"""`iamdeny incidents`: list recorded incidents, resolve or ignore one.

    iamdeny incidents                                  # the 50 newest, every workspace
    iamdeny incidents --status open --since 7d --team T0123 --account 111122223333
    iamdeny incidents --policy-type scp --json         # {"incidents": [...]}
    iamdeny incidents resolve 42 --note "exception added to the SCP" [--by alice] [--json]
    iamdeny incidents ignore 42

Reads $DATABASE_URL (default sqlite:///iamdeny.db; a new SQLite file is created and migrated on
first use). Exit status: 0 on success (also when nothing matches), 1 when the incident is not found
or the database cannot be used, 2 on bad usage.
"""

from __future__ import annotations

import argparse
import getpass
import json
import os
import re
import shutil
import sys
import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any, TextIO

from bot.cli.argtypes import positive_int
from core.record import DenialRecord, PolicyType

if TYPE_CHECKING:
    from core.store import Incident, Store

CLI_TEAM = CLI_CHANNEL = "cli"
RECURRENCE_DAYS = 7

STATUSES = ("open", "resolved", "ignored")
_RELATIVE = re.compile(r"^\s*(\d+)\s*([mhdw])\s*$", re.IGNORECASE)
_UNITS = {"m": "minutes", "h": "hours", "d": "days", "w": "weeks"}


def parse_since(value: str, *, now: datetime | None = None) -> datetime:
    """`7d`, `12h`, `2w`, `30m` (ago), or an ISO date/datetime (naive means UTC)."""
    match = _RELATIVE.match(value)
    if match:
        amount, unit = int(match[1]), match[2].lower()
        return (now or datetime.now(UTC)) - timedelta(**{_UNITS[unit]: amount})
    try:
        parsed = datetime.fromisoformat(value.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"not a date or a duration: {value!r} (use 2026-11-01, 2026-11-01T09:00 or 7d)"
        ) from None
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)


def register(subparsers: Any) -> None:
    """Add the `incidents` subcommand (list by default; `resolve`, `ignore`)."""
    parser = subparsers.add_parser(
        "incidents",
        help="list recorded incidents; resolve or ignore one",
        description="List recorded incidents, newest first (every workspace unless --team). "
        "Reads $DATABASE_URL.",
    )
    parser.add_argument("--team", metavar="TEAM", help="only this workspace (team id)")
    parser.add_argument("--status", choices=STATUSES)
    parser.add_argument(
        "--account", metavar="ACCOUNT", help="the principal's or the resource's AWS account id"
    )
    parser.add_argument("--policy-type", choices=[p.value for p in PolicyType])
    parser.add_argument(
        "--since",
        type=parse_since,
        metavar="WHEN",
        help="reported at or after WHEN: an ISO date/time (UTC) or a duration ago (7d, 12h, 2w)",
    )
    parser.add_argument("--limit", type=positive_int, default=50, help="at most N (default 50)")
    parser.add_argument("--json", action="store_true", help='print {"incidents": [...]}')
    parser.set_defaults(handler=run_list)

    actions = parser.add_subparsers(dest="incidents_action", metavar="ACTION")
    resolve = actions.add_parser("resolve", help="mark an incident resolved, with a note")
    resolve.add_argument("id", type=int, metavar="ID")
    resolve.add_argument("--note", help="how it was fixed (shown when the denial comes back)")
    resolve.add_argument("--by", help="who resolved it (default: your OS user name)")
    _scope_and_json(resolve)
    resolve.set_defaults(handler=run_resolve)

    ignore = actions.add_parser("ignore", help="mark an incident ignored")
    ignore.add_argument("id", type=int, metavar="ID")
    _scope_and_json(ignore)
    ignore.set_defaults(handler=run_ignore)


def _scope_and_json(parser: argparse.ArgumentParser) -> None:
    # SUPPRESS: an option given before ACTION (`incidents --json resolve 3`) is not overwritten.
    parser.add_argument(
        "--team", default=argparse.SUPPRESS, metavar="TEAM", help="the incident's workspace"
    )
    parser.add_argument(
        "--json", action="store_true", default=argparse.SUPPRESS, help="print the incident as JSON"
    )


def _with_store(action: Callable[[Store], int], *, prog: str = "iamdeny incidents") -> int:
    """Open the store (migrating a local SQLite file if needed), run `action`, report failures."""
    from core.store import SchemaNotReadyError, Store, StoreError, ensure_schema

    store = Store.open()
    try:
        ensure_schema(store)
        return action(store)
    except SchemaNotReadyError as exc:
        print(f"{prog}: {exc}", file=sys.stderr)
        return 1
    except StoreError as exc:
        print(
            f"{prog}: cannot use the database {store.url}: {exc.__class__.__name__}: {exc}",
            file=sys.stderr,
        )
        return 1
    finally:
        store.close()


def run_list(args: argparse.Namespace) -> int:
    """List incidents matching the filters."""
    from core.store import ANY_TEAM, list_incidents

    def action(store: Store) -> int:
        incidents = list_incidents(
            store,
            team_id=args.team if args.team is not None else ANY_TEAM,
            status=args.status,
            account=args.account,
            policy_type=args.policy_type,
            since=args.since,
            limit=args.limit,
        )
        if args.json:
            json.dump({"incidents": [i.to_dict() for i in incidents]}, sys.stdout, indent=2)
            sys.stdout.write("\n")
        elif not incidents:
            print(f"No incidents match in {store.url}.")
        else:
            width = shutil.get_terminal_size().columns if sys.stdout.isatty() else None
            sys.stdout.write(format_table(incidents, width=width))
        return 0

    return _with_store(action)


def _change(args: argparse.Namespace, verb: str) -> int:
    from core.store import ANY_TEAM, ignore_incident, resolve_incident

    team = getattr(args, "team", None)
    scope = team if team is not None else ANY_TEAM

    def action(store: Store) -> int:
        if verb == "resolved":
            incident = resolve_incident(
                store, args.id, team_id=scope, by=args.by or getpass.getuser(), note=args.note
            )
        else:
            incident = ignore_incident(store, args.id, team_id=scope)
        if incident is None:
            where = f" in workspace {team}" if team is not None else ""
            print(f"iamdeny incidents: no incident {args.id}{where}", file=sys.stderr)
            return 1
        if getattr(args, "json", False):
            json.dump(incident.to_dict(), sys.stdout, indent=2)
            sys.stdout.write("\n")
        else:
            by = f" by {incident.resolved_by}" if incident.resolved_by else ""
            note = f": {incident.resolution_note}" if incident.resolution_note else ""
            print(f"incident {incident.id} {verb}{by}{note}")
        return 0

    return _with_store(action)


def run_resolve(args: argparse.Namespace) -> int:
    """Resolve one incident."""
    return _change(args, "resolved")


def run_ignore(args: argparse.Namespace) -> int:
    """Ignore one incident."""
    return _change(args, "ignored")


# --- `iamdeny explain --record` -------------------------------------------------------------------


def _os_user() -> str:
    try:
        return getpass.getuser()
    except (OSError, KeyError):  # no login name, no passwd entry (some containers)
        return "unknown"


def _redacted(paste: str) -> str | None:
    """The paste with its secrets replaced; None (store no paste) when redaction is unavailable."""
    try:
        from core.redaction import redact
    except ImportError:
        return None
    return redact(paste).text


def record_explained(paste: str, records: Sequence[DenialRecord], *, out: TextIO) -> bool:
    """Store what `iamdeny explain` found as incidents of workspace `cli` and say so on `out`.

    One invocation is one message (a time-based id), the reporter is the OS user, the paste is
    stored redacted. Returns False (after saying why on stderr) when the store cannot be used.
    """
    if not records:
        return True
    from core.store import record_incidents, recurrences

    def action(store: Store) -> int:
        result = record_incidents(
            store,
            team_id=CLI_TEAM,
            channel_id=CLI_CHANNEL,
            message_ts=f"{time.time_ns()}.{os.getpid()}",
            denials=records,
            paste=_redacted(paste),
            reporter_id=_os_user(),
        )
        seen = recurrences(
            store,
            team_id=CLI_TEAM,
            fingerprints=[i.fingerprint for i in result.incidents],
            days=RECURRENCE_DAYS,
        )
        for incident in result.incidents:
            recurrence = seen[incident.fingerprint]
            times = "once" if recurrence.count == 1 else f"{recurrence.count} times"
            line = (
                f"recorded incident {incident.id} in {store.url}: seen {times} in the last "
                f"{RECURRENCE_DAYS} days"
            )
            last = recurrence.last_resolution
            if last is not None:
                line += f"; last resolved (incident {last.incident_id}) by {last.resolved_by}"
                line += f": {last.note}" if last.note else ""
            print(line, file=out)
        return 0

    return _with_store(action, prog="iamdeny explain") == 0


# --- the table ---------------------------------------------------------------------------------

_HEADERS = (
    *("ID", "REPORTED (UTC)", "TEAM", "STATUS", "POLICY"),
    *("ACCOUNT", "PRINCIPAL", "ACTION", "RESOURCE"),
)


def _principal(incident: Incident) -> str:
    if incident.principal_name and incident.principal_kind:
        kind = "role" if incident.principal_kind == "assumed_role" else incident.principal_kind
        return f"{kind}/{incident.principal_name}"
    return incident.principal_arn or "-"


def _row(incident: Incident) -> tuple[str, ...]:
    policy = " ".join(p for p in (incident.policy_type, incident.deny_kind) if p) or "-"
    return (
        str(incident.id),
        incident.reported_at.astimezone(UTC).strftime("%Y-%m-%d %H:%M"),
        incident.team_id,
        incident.status,
        policy,
        incident.principal_account or incident.resource_account or "-",
        _principal(incident),
        incident.action or incident.operation or incident.kind,
        incident.resource or "-",
    )


def _clip(text: str, width: int) -> str:
    return text if len(text) <= width else text[: max(width - 1, 0)] + "…"


def format_table(incidents: Sequence[Incident], *, width: int | None = None) -> str:
    """A plain-text table, one incident a line; the widest columns are clipped to `width`."""
    rows = [_HEADERS, *(_row(i) for i in incidents)]
    widths = [max(len(r[c]) for r in rows) for c in range(len(_HEADERS))]
    if width is not None:
        # Shrink RESOURCE, then PRINCIPAL, then ACTION, down to a floor, until the line fits
        # (a terminal narrower than the floors wraps).
        for column, floor in ((8, 16), (6, 12), (7, 12)):
            excess = sum(widths) + 2 * (len(widths) - 1) - width
            if excess <= 0:
                break
            widths[column] = max(min(floor, widths[column]), widths[column] - excess)
    lines = [
        "  ".join(_clip(cell, widths[c]).ljust(widths[c]) for c, cell in enumerate(row)).rstrip()
        for row in rows
    ]
    return "\n".join(lines) + "\n"
