"""The bot load benchmark still runs end to end (~2 s at a low rate, SQLite) and reports every
figure it promises; no timing is asserted."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "bench" / "bench_bot.py"

pytestmark = pytest.mark.slow

LATENCY_KEYS = {"p50", "p99", "max", "mean"}
RESULT_KEYS = {
    "target",
    "events",
    "non_2xx",
    "replies",
    "missing_replies",
    "duplicate_replies",
    "ack_ms",
    "reply_ms",
    "sender_lag_ms",
    "rss",
    "statuses",
    "server_alive_at_end",
    "server_cpu_ms_per_event",
}


def test_bench_bot_reports_both_targets() -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "DATABASE_URL"))}
    done = subprocess.run(
        [
            sys.executable,
            str(SCRIPT),
            "--db",
            "sqlite",
            "--rate",
            "5",
            "--seconds",
            "2",
            "--warmup",
            "2",
            "--workers",
            "1",
            "--threads",
            "4",
            "--json",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    report = json.loads(done.stdout)
    assert set(report) == {"config", "results", "overhead", "goals"}
    assert report["config"]["rate"] == 5 and report["config"]["db"].startswith("SQLite")
    assert set(report["results"]) == {"iamdeny", "bare"}
    for name, result in report["results"].items():
        assert set(result) >= RESULT_KEYS, name
        assert result["events"] == 10, name
        assert result["non_2xx"] == 0 and result["missing_replies"] == 0, name
        assert result["duplicate_replies"] == 0, name
        assert set(result["ack_ms"]) == LATENCY_KEYS
        assert set(result["reply_ms"]) == LATENCY_KEYS
        assert result["ack_ms"]["p99"] is not None and result["reply_ms"]["p99"] is not None
        assert result["rss"]["processes"] >= 2  # the gunicorn master and its worker
        assert result["rss"]["max_process_mb"] > 0
    assert set(report["overhead"]) == {"ack_p99_ms", "reply_p99_ms", "reply_p50_ms"}
    assert set(report["goals"]) == {"reply_p99_ms", "overhead_p99_ms", "rss_mb_per_process"}
