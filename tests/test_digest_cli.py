"""`iamdeny digest` end to end: incidents recorded through the store's API, the CLI's output parsed
and compared with what `compute_digest` says. SQLite and PostgreSQL (`db_url`)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

from bot.cli import main
from core.digest import DigestReport, iso_week
from core.record import DenialRecord, DenyKind, PolicyType, PrincipalKind, PrincipalRecord
from core.store.digest_queries import compute_digest
from core.store.engine import Store
from core.store.incidents import record_incidents

pytestmark = pytest.mark.db

MONDAY = datetime(2026, 11, 16, 9, tzinfo=UTC)  # 2026-W47


def denial(session: str, action: str = "s3:PutObject") -> DenialRecord:
    arn = f"arn:aws:sts::111122223333:assumed-role/deploy/{session}"
    return DenialRecord(
        principal_arn=arn,
        principal=PrincipalRecord(
            partition="aws",
            account_id="111122223333",
            kind=PrincipalKind.ASSUMED_ROLE,
            name="deploy",
            session=session,
            role_arn="arn:aws:iam::111122223333:role/deploy",
            role_path_unknown=True,
        ),
        action=action,
        service=action.split(":", maxsplit=1)[0].lower(),
        resource="arn:aws:s3:::artifacts/build.zip",
        policy_type=PolicyType.SCP,
        deny_kind=DenyKind.EXPLICIT,
    )


@pytest.fixture
def store(db_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[Store]:
    monkeypatch.setenv("DATABASE_URL", db_url)
    store = Store.open(db_url)
    # TA: the same denial from three CI runs (one fingerprint), and one other; TB: one denial.
    for i in range(3):
        record_incidents(
            store,
            team_id="TA",
            channel_id="C-ops",
            message_ts=f"1763283600.00000{i}",
            denials=[denial(f"run-{i}")],
            reporter_id=f"U{i}",
            reported_at=MONDAY + timedelta(days=i),
        )
    record_incidents(
        store,
        team_id="TA",
        channel_id="C-dev",
        message_ts="1763283700.000001",
        denials=[denial("run-9", "s3:GetObject")],
        reporter_id="U1",
        reported_at=MONDAY,
    )
    record_incidents(
        store,
        team_id="TB",
        channel_id="C-b",
        message_ts="1763283800.000001",
        denials=[denial("run-1")],
        reporter_id="U-b",
        reported_at=MONDAY,
    )
    yield store
    store.close()


def run_json(capsys: pytest.CaptureFixture[str], *argv: str) -> DigestReport:
    assert main(["digest", "--json", *argv]) == 0
    return DigestReport.model_validate_json(capsys.readouterr().out)


def test_json_matches_the_store(store: Store, capsys: pytest.CaptureFixture[str]) -> None:
    report = run_json(capsys, "--week", "2026-W47")
    assert [d.team_id for d in report.digests] == ["TA", "TB"]  # every workspace by default
    week = iso_week("2026-W47")
    for digest in report.digests:
        expected = compute_digest(store, digest.team_id, week, now=digest.generated_at)
        assert digest == expected
    ta = report.digests[0]
    assert ta.totals.incidents == 4 and ta.totals.distinct_fingerprints == 2
    (top,) = ta.top_recurring  # three sessions of one role are one recurring denial
    assert (top.count, top.distinct_reporters, top.role, top.action) == (
        3,
        3,
        "deploy",
        "s3:PutObject",
    )
    assert [d.incidents for d in ta.per_day] == [2, 1, 1, 0, 0, 0, 0]


def test_json_is_the_documented_shape(store: Store, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["digest", "--json", "--team", "TB", "--week", "2026-W47"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert set(data) == {"schema_version", "digests"}
    (tb,) = data["digests"]
    assert tb["team_id"] == "TB" and tb["totals"]["incidents"] == 1
    assert tb["period"] == {
        "kind": "iso_week",
        "label": "2026-W47",
        "start": "2026-11-16T00:00:00Z",
        "end": "2026-11-23T00:00:00Z",
        "time_zone": "UTC",
    }


def test_days_and_time_zone(store: Store, capsys: pytest.CaptureFixture[str]) -> None:
    report = run_json(capsys, "--team", "TA", "--days", "3")
    (digest,) = report.digests
    assert digest.period.label == "last 3 days" and len(digest.per_day) == 3
    report = run_json(capsys, "--team", "TA", "--week", "2026-W47", "--tz", "America/Los_Angeles")
    assert report.digests[0].period.start == datetime(2026, 11, 16, 8, tzinfo=UTC)


def test_text(store: Store, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["digest", "--team", "TA", "--week", "2026-W47"]) == 0
    out = capsys.readouterr().out
    assert "iamdeny digest · workspace TA · 2026-W47" in out
    assert " 1. 3× s3:PutObject by deploy on arn:aws:s3:::artifacts/build.zip" in out
    assert "Incidents: 4 (+4 vs 0)" in out


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--week", "2027-W53"], "has no ISO week 53"),
        (["--week", "last"], "not an ISO week"),
        (["--tz", "Nowhere/Town"], "unknown time zone"),
        (["--days", "0"], "between 1 and 366"),
    ],
)
def test_bad_usage(
    store: Store, capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    assert main(["digest", *argv]) == 2
    assert message in capsys.readouterr().err


def test_empty_store(
    db_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("DATABASE_URL", db_url)
    assert main(["digest", "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == {"schema_version": 1, "digests": []}
    assert main(["digest"]) == 0
    assert "No incidents recorded yet" in capsys.readouterr().out
