"""Load (issue 5, item 1): signed message events at 50/s with a 200-event burst, payloads of 200 to
40,000 characters (denials and chatter), against `iamdeny serve` (gunicorn) over loopback with the
fake Slack. Every event gets a 2xx; every denial message gets its incidents and one reply; chatter
gets nothing. The ack p50/p99 are printed (the issue's goal, p99 <= 300 ms, is a figure for the
report and docs/reliability.md, not an assertion).

CI runs 10 s at 50/s + a 200-event burst; `IAMDENY_SOAK=1` runs the full 60 s (also
bench/bench_soak.py)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from fakeslack import FakeSlack
from scenarios import run_load

pytestmark = [pytest.mark.db, pytest.mark.slow]

SOAK = os.environ.get("IAMDENY_SOAK") == "1"


def test_load_with_burst_gets_2xx_and_one_reply_each(
    fake_slack: FakeSlack, db_url: str, tmp_path: Path
) -> None:
    figures, result = run_load(
        fake_slack, db_url, tmp_path, rate=50.0, seconds=60.0 if SOAK else 10.0, burst=200
    )
    print("\nreliability load:", json.dumps(figures))
    assert figures["non_2xx"] == 0, figures["statuses"]
    assert result.clean, result.summary()
    assert figures["incidents_stored"] == figures["incidents_expected"]
    assert figures["server_alive_at_end"]
    assert figures["payload_chars"]["max"] > 30_000 and figures["payload_chars"]["min"] <= 400
    # No timed assertion (the machine is shared): the figures above are the result.
