"""The spool's files: durable, ordered, taken by one holder at a time (across processes), bounded,
and never holding what it was not given (no database or Slack here: `bot.pipeline.spool` alone)."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.pipeline.extract import Message
from bot.pipeline.gate import DatabaseGate
from bot.pipeline.spool import Spool, SpooledReading, SpoolFormatError


def _reading(text: str = "denied", ts: str = "1700000000.000100", **kw: object) -> SpooledReading:
    message = Message(
        team_id="T0001",
        channel_id="C0CHAN1",
        channel_type="channel",
        ts=ts,
        thread_ts=ts,
        user_id="U0USER1",
        bot_id=None,
        text=text,
        edited=False,
        event_id="Ev01",
    )
    return SpooledReading(
        message=message,
        secret_kinds=("aws-secret-key",),
        received_at=datetime(2026, 11, 30, 3, 0, 0, 123456, tzinfo=UTC),
        **kw,  # type: ignore[arg-type]
    )


def test_entries_round_trip_in_arrival_order(tmp_path: Path) -> None:
    spool = Spool(tmp_path / "spool")
    texts = ["first", "한국어 \u202e rtl \u200b zwsp", "lone \ud800 surrogate", "x" * 130_000]
    for n, text in enumerate(texts):
        assert spool.put(_reading(text, ts=f"17000000{n:02d}.000100", reply=n != 2))
    names = spool.names()
    assert len(names) == 4 and names == sorted(names)
    back = []
    for entry in spool.entries():
        back.append(entry.reading())
        entry.done()
    assert [r.message.text for r in back] == texts
    assert [r.reply for r in back] == [True, True, False, True]
    assert back[0] == _reading("first", ts="1700000000.000100")  # every field, time zone kept
    assert spool.names() == [] and spool.count() == 0


def test_files_are_private_and_temporaries_are_not_entries(tmp_path: Path) -> None:
    spool = Spool(tmp_path / "spool")
    assert spool.put(_reading())
    assert stat.S_IMODE(spool.directory.stat().st_mode) == 0o700
    (name,) = spool.names()
    assert stat.S_IMODE((spool.directory / name).stat().st_mode) == 0o600
    leftover = spool.directory / f".tmp-{name}"  # a writer killed before its rename
    leftover.write_bytes(b'{"version": 1, "mess')
    assert spool.names() == [name]
    assert spool.remove_stale_temporaries() == 0  # recent: may still be being written
    old = time.time() - 7200
    os.utime(leftover, (old, old))
    assert spool.remove_stale_temporaries() == 1 and not leftover.exists()


def test_an_entry_is_held_by_one_taker_at_a_time(tmp_path: Path) -> None:
    spool = Spool(tmp_path / "spool")
    spool.put(_reading())
    (name,) = spool.names()
    first = spool.take(name)
    assert first is not None
    assert spool.take(name) is None  # held
    assert list(spool.entries()) == []
    first.release()
    second = spool.take(name)
    assert second is not None
    second.done()
    assert spool.take(name) is None and spool.names() == []


def test_a_holder_in_another_process_excludes_us_until_it_dies(tmp_path: Path) -> None:
    spool = Spool(tmp_path / "spool")
    spool.put(_reading())
    (name,) = spool.names()
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import fcntl, os, sys, time\n"
            "fd = os.open(sys.argv[1], os.O_RDWR)\n"
            "fcntl.flock(fd, fcntl.LOCK_EX)\n"
            "print('held', flush=True)\n"
            "time.sleep(60)\n",
            str(spool.directory / name),
        ],
        stdout=subprocess.PIPE,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == b"held"
        assert spool.take(name) is None
    finally:
        holder.kill()  # dies holding the lock, as a killed worker would
        holder.wait(10)
    entry = spool.take(name)
    assert entry is not None and entry.reading().message.text == "denied"
    entry.done()


def test_unreadable_entries_are_set_aside(tmp_path: Path) -> None:
    spool = Spool(tmp_path / "spool")
    spool.put(_reading())
    (name,) = spool.names()
    for raw in (b"not json", b'{"version": 99}', b"[]", b'{"version": 1, "message": {}}'):
        (spool.directory / name).write_bytes(raw)
        entry = spool.take(name)
        assert entry is not None
        with pytest.raises(SpoolFormatError):
            entry.reading()
        entry.release()
    entry = spool.take(name)
    assert entry is not None
    entry.quarantine()
    assert spool.names() == [] and (spool.directory / f"{name}.bad").exists()


def test_a_full_or_broken_spool_refuses(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    full = Spool(tmp_path / "full", max_entries=2)
    assert full.put(_reading()) and full.put(_reading())
    assert not full.put(_reading(text="third: sk-secret-not-logged"))
    assert len(full.names()) == 2
    blocked = tmp_path / "a-file"
    blocked.write_text("not a directory")
    broken = Spool(blocked / "spool")
    assert not broken.put(_reading(text="on a broken disk: sk-secret-not-logged"))
    assert "sk-secret-not-logged" not in caplog.text


def test_the_gate_bypasses_for_its_hold_then_tries_again() -> None:
    gate = DatabaseGate(hold=0.3)
    assert not gate.bypass()
    assert gate.trip() is True  # the first failure of an outage is announced
    assert gate.trip() is False
    assert gate.bypass()
    gate.reset()
    assert not gate.bypass()
    assert gate.trip() is True  # a new outage after a recovery is announced again
    time.sleep(0.35)
    assert not gate.bypass()  # the hold passed: the next request tries the database
