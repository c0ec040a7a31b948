"""The store's command line: `db upgrade/current/purge`, `incidents`, `incidents resolve/ignore`,
`explain --record` — through `bot.cli.main`, with DATABASE_URL pointing at a real test database."""

from __future__ import annotations

import dataclasses
import getpass
import importlib.util
import json
from datetime import UTC, datetime, timedelta

import pytest

from bot.cli import main
from core.record import DenialRecord, DenyKind, PolicyType
from core.store import ANY_TEAM, Store, head_revision, list_incidents, record_incidents

SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
PASTE = (
    "User: arn:aws:sts::111122223333:assumed-role/deploy/ci-{n} is not authorized to perform: "
    "s3:PutObject on resource: arn:aws:s3:::artifacts/build.zip with an explicit deny in a "
    "service control policy\naws_secret_access_key = " + SECRET
)


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    status = main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


def seed(url: str) -> dict[str, int]:
    store = Store.open(url)
    now = datetime.now(UTC)

    def one(ts: str, team: str, days_ago: float, **fields: object) -> int:
        base = {
            "principal_arn": "arn:aws:sts::111122223333:assumed-role/deploy/run-1",
            "action": "s3:PutObject",
            "resource": "arn:aws:s3:::artifacts/build.zip",
            "policy_type": PolicyType.SCP,
            "deny_kind": DenyKind.EXPLICIT,
        }
        result = record_incidents(
            store,
            team_id=team,
            channel_id="C1",
            message_ts=ts,
            denials=[DenialRecord(**{**base, **fields})],  # type: ignore[arg-type]
            reporter_id="U1",
            reported_at=now - timedelta(days=days_ago),
        )
        return result.incidents[0].id

    try:
        return {
            "old": one("1", "T1", 40),
            "scp": one("2", "T1", 2),
            "kms": one(
                "3",
                "T2",
                0.1,
                principal_arn="arn:aws:iam::444455556666:user/alice",
                action="kms:Decrypt",
                resource="arn:aws:kms:eu-west-1:444455556666:key/k1",
                policy_type=PolicyType.IDENTITY_BASED,
                deny_kind=DenyKind.IMPLICIT,
            ),
        }
    finally:
        store.close()


@pytest.mark.db
def test_db_upgrade_and_current(
    empty_db_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("DATABASE_URL", empty_db_url)
    status, out, _ = run(capsys, "db", "current")
    assert status == 0 and "(empty)" in out and "iamdeny db upgrade" in out
    status, out, _ = run(capsys, "db", "upgrade")
    assert status == 0 and f"upgraded from empty to revision {head_revision()}" in out
    status, out, _ = run(capsys, "db", "upgrade")
    assert status == 0 and f"already at revision {head_revision()}" in out
    status, out, _ = run(capsys, "db", "current")
    assert status == 0 and "up to date" in out


@pytest.mark.db
def test_db_purge(
    db_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("DATABASE_URL", db_url)
    ids = seed(db_url)
    status, out, _ = run(capsys, "db", "purge", "--older-than", "30")
    assert status == 0 and out.strip() == "deleted 1 incident older than 30 days"
    store = Store.open(db_url)
    try:
        assert ids["old"] not in {i.id for i in list_incidents(store, team_id=ANY_TEAM)}
    finally:
        store.close()
    with pytest.raises(SystemExit) as usage:
        main(["db", "purge", "--older-than", "-3"])
    assert usage.value.code == 2


@pytest.mark.db
def test_incidents_list(
    db_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("DATABASE_URL", db_url)
    ids = seed(db_url)

    def listed(*argv: str) -> list[int]:
        status, out, _ = run(capsys, "incidents", "--json", *argv)
        assert status == 0
        return [i["id"] for i in json.loads(out)["incidents"]]

    assert listed() == [ids["kms"], ids["scp"], ids["old"]]
    assert listed("--team", "T1") == [ids["scp"], ids["old"]]
    assert listed("--account", "444455556666") == [ids["kms"]]
    assert listed("--policy-type", "scp") == [ids["scp"], ids["old"]]
    assert listed("--since", "7d") == [ids["kms"], ids["scp"]]
    since = (datetime.now(UTC) - timedelta(days=10)).date().isoformat()
    assert listed("--since", since) == [ids["kms"], ids["scp"]]
    assert listed("--limit", "1") == [ids["kms"]]
    assert listed("--status", "resolved") == []

    status, out, _ = run(capsys, "incidents")
    assert status == 0
    header, *lines = out.splitlines()
    assert header.split()[:3] == ["ID", "REPORTED", "(UTC)"]
    assert [line.split()[0] for line in lines] == [
        str(ids["kms"]),
        str(ids["scp"]),
        str(ids["old"]),
    ]
    assert "role/deploy" in lines[1] and "scp explicit" in lines[1] and "user/alice" in lines[0]

    status, out, _ = run(capsys, "incidents", "--team", "nobody")
    assert status == 0 and "No incidents" in out
    with pytest.raises(SystemExit) as usage:
        main(["incidents", "--since", "last tuesday"])
    assert usage.value.code == 2


@pytest.mark.db
def test_incidents_resolve_and_ignore(
    db_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("DATABASE_URL", db_url)
    ids = seed(db_url)
    scp = str(ids["scp"])
    status, out, _ = run(capsys, "incidents", "resolve", scp, "--note", "SCP exception", "--json")
    assert status == 0
    resolved = json.loads(out)
    assert resolved["status"] == "resolved" and resolved["resolution_note"] == "SCP exception"
    assert resolved["resolved_by"] == getpass.getuser()
    status, out, _ = run(capsys, "incidents", "resolve", scp, "--note", "again", "--by", "alice")
    assert status == 0 and out.strip() == f"incident {scp} resolved by alice: again"
    # Scoped by workspace when --team is given; unknown ids are an error.
    status, _, err = run(capsys, "incidents", "resolve", scp, "--team", "T2", "--note", "x")
    assert status == 1 and f"no incident {scp} in workspace T2" in err
    status, _, err = run(capsys, "incidents", "resolve", "999999", "--note", "x")
    assert status == 1 and "no incident 999999" in err
    status, out, _ = run(capsys, "incidents", "ignore", str(ids["kms"]), "--team", "T2")
    assert status == 0 and out.strip() == f"incident {ids['kms']} ignored"
    status, out, _ = run(capsys, "incidents", "--status", "ignored", "--json")
    assert [i["id"] for i in json.loads(out)["incidents"]] == [ids["kms"]]


@pytest.mark.db
def test_explain_record(
    db_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("DATABASE_URL", db_url)
    status, out, _ = run(capsys, "explain", "--record", PASTE.format(n=1))
    assert status == 0
    assert "seen once in the last 7 days" in out.splitlines()[-1]
    status, out, _ = run(capsys, "explain", "--record", PASTE.format(n=2))
    assert status == 0 and "seen 2 times in the last 7 days" in out.splitlines()[-1]
    status, out, err = run(capsys, "explain", "--record", "--json", PASTE.format(n=3))
    assert status == 0 and json.loads(out)["denials"]  # stdout stays JSON
    assert "seen 3 times" in err
    store = Store.open(db_url)
    try:
        incidents = list_incidents(store, team_id="cli")
    finally:
        store.close()
    assert len(incidents) == 3
    assert len({i.message_ts for i in incidents}) == 3  # one message per invocation
    assert len({i.fingerprint for i in incidents}) == 1  # ci-1, ci-2, ci-3: the same denial
    first = incidents[-1]
    assert (first.team_id, first.channel_id, first.reporter_id) == ("cli", "cli", getpass.getuser())
    assert first.action == "s3:PutObject" and first.policy_type == "scp"
    for incident in incidents:
        assert SECRET not in (incident.paste or "")
    if importlib.util.find_spec("core.redaction") is not None:
        assert first.paste is not None and "[redacted:" in first.paste
        assert "assumed-role/deploy/ci-1" in first.paste
    # Nothing found: nothing recorded, exit 1 as without --record.
    status, _, _ = run(capsys, "explain", "--record", "hello world")
    assert status == 1


def test_explain_record_creates_a_local_sqlite_database(
    tmp_path: object, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(str(tmp_path))
    monkeypatch.delenv("DATABASE_URL", raising=False)
    status, out, _ = run(capsys, "explain", "--record", PASTE.format(n=1))
    assert status == 0 and "recorded incident 1 in sqlite:///iamdeny.db" in out
    status, out, _ = run(capsys, "incidents", "--json")
    assert status == 0 and len(json.loads(out)["incidents"]) == 1


@pytest.mark.db
def test_unmigrated_server_is_not_migrated_silently(
    empty_db_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("DATABASE_URL", empty_db_url)
    status, out, err = run(capsys, "incidents")
    if empty_db_url.startswith("sqlite"):
        assert status == 0 and "No incidents" in out  # a local file is migrated on first use
    else:
        assert status == 1 and "run `iamdeny db upgrade` first" in err
        status, _, err = run(capsys, "explain", "--record", PASTE.format(n=1))
        assert "iamdeny db upgrade" in err


def test_unreachable_database_is_a_clear_error(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("DATABASE_URL", "postgres://nobody:hunter2@127.0.0.1:1/none")
    status, _, err = run(capsys, "incidents")
    assert status == 1 and "cannot use the database" in err and "hunter2" not in err
    status, _, err = run(capsys, "db", "upgrade")
    assert status == 1 and "cannot upgrade" in err and "hunter2" not in err


def test_table_fits_the_terminal() -> None:
    from bot.cli.incidents import format_table
    from core.store import Incident

    now = datetime(2026, 11, 30, tzinfo=UTC)
    incident = Incident(
        **{name: None for name in Incident.__slots__},  # type: ignore[arg-type]
    )
    incident = dataclasses.replace(
        incident,
        id=7,
        team_id="T1",
        reported_at=now,
        status="open",
        kind="not_authorized",
        action="s3:PutObject",
        principal_kind="assumed_role",
        principal_name="deploy",
        policy_type="scp",
        deny_kind="explicit",
        principal_account="111122223333",
        resource="arn:aws:s3:::artifacts/" + "k" * 200,
    )
    wide = format_table([incident])
    assert "role/deploy" in wide and "k" * 200 in wide
    narrow = format_table([incident], width=120)
    assert max(len(line) for line in narrow.splitlines()) <= 120
    assert narrow.splitlines()[1].endswith("…")
