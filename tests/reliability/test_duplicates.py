"""Duplicates (issue 5, item 2): every message delivered 4 times — the first delivery, a retry at
once and two retries seconds later (`X-Slack-Retry-Num` 1-3), or for a share of them all four at the
same instant (races) — alternating between two `iamdeny serve` processes on the same database.
Exactly (messages x denials) incidents and one reply per message; every delivery answered 2xx.

CI: 200 messages, 50 of them raced; `IAMDENY_SOAK=1` (and bench/bench_soak.py): 1,000 messages,
100 raced."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from fakeslack import FakeSlack
from scenarios import run_duplicates

pytestmark = [pytest.mark.db, pytest.mark.slow]

SOAK = os.environ.get("IAMDENY_SOAK") == "1"


def test_four_deliveries_across_two_processes_record_and_reply_once(
    fake_slack: FakeSlack, db_url: str, tmp_path: Path
) -> None:
    figures, result, problems = run_duplicates(
        fake_slack,
        db_url,
        tmp_path,
        messages=1000 if SOAK else 200,
        races=100 if SOAK else 50,
        rate=50.0,
        later=3.0,
    )
    print("\nreliability duplicates:", json.dumps(figures))
    assert not problems, problems[:5]
    assert figures["non_2xx"] == 0, figures["statuses"]
    assert result.clean, result.summary()
    assert figures["incidents_stored"] == figures["incidents_expected"]
    assert figures["replies"] == figures["messages"]
