"""The spool: readings kept on local disk while the database cannot take them.

When the database is unreachable, a pasted denial is written here (redacted: the spool never holds
what `core.redact` removed) and Slack gets its 200; `bot.pipeline.backlog` records the spooled
readings and posts their replies as soon as the database answers again, instead of waiting for
Slack's redeliveries (after one and five minutes, then never).

One file per reading, `<ns since epoch>-<pid>-<n>.json`, so a directory listing is the arrival
order. Writing is crash-safe: a hidden temporary file, fsync, an atomic rename, fsync of the
directory — a file under its final name is complete, and a process killed mid-write leaves only a
temporary file (its request got no 200, so Slack redelivers it). Any number of processes on the
host may take entries: an entry is locked (`flock`) while one handles it and unlinked when done; a
process that dies holding one releases the lock with it, and the next taker handles it again,
which is harmless (recording is idempotent, replies are claimed). An entry that cannot be read is
renamed `*.bad` and never retried.

The spool is bounded by `max_entries`; when full, `put` refuses and the caller answers 500 (Slack
redelivers later), as it does when the disk fails.
"""

from __future__ import annotations

import contextlib
import fcntl
import itertools
import json
import logging
import os
import threading
import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

from bot.pipeline.extract import Message

__all__ = ["Spool", "SpoolEntry", "SpoolFormatError", "SpooledReading"]

FORMAT_VERSION = 1
_SUFFIX = ".json"
_BAD_SUFFIX = ".bad"
_TMP_PREFIX = ".tmp-"
_STALE_TMP_SECONDS = 3600.0
_COUNT_TTL_SECONDS = 1.0
_MESSAGE_FIELDS = tuple(Message.__dataclass_fields__)

_log = logging.getLogger(__name__)


class SpoolFormatError(ValueError):
    """A spool file that does not hold a reading this version can read."""


@dataclass(frozen=True, slots=True)
class SpooledReading:
    """What a spool entry holds: the message with its REDACTED text, the kinds of secret the
    original held, when it arrived, and whether it is owed a thread reply (a `/iamdeny` paste was
    already answered privately)."""

    message: Message
    secret_kinds: tuple[str, ...]
    received_at: datetime
    reply: bool = True

    def to_json(self) -> bytes:
        """The entry's file contents."""
        return json.dumps(
            {
                "version": FORMAT_VERSION,
                "message": asdict(self.message),
                "secret_kinds": list(self.secret_kinds),
                "received_at": self.received_at.isoformat(),
                "reply": self.reply,
            },
            ensure_ascii=True,
            separators=(",", ":"),
        ).encode("ascii")

    @classmethod
    def from_json(cls, raw: bytes) -> SpooledReading:
        """Parse an entry's file contents (`SpoolFormatError` when it is not one)."""
        try:
            data = json.loads(raw)
            if not isinstance(data, dict) or data.get("version") != FORMAT_VERSION:
                raise SpoolFormatError("not a spool entry of this version")
            fields = data["message"]
            if not isinstance(fields, dict) or set(fields) != set(_MESSAGE_FIELDS):
                raise SpoolFormatError("message fields differ")
            message = Message(**fields)
            if not isinstance(message.text, str) or not isinstance(message.ts, str):
                raise SpoolFormatError("message text or ts is not a string")
            received_at = datetime.fromisoformat(str(data["received_at"]))
            if received_at.tzinfo is None:
                received_at = received_at.replace(tzinfo=UTC)
            return cls(
                message=message,
                secret_kinds=tuple(str(kind) for kind in data.get("secret_kinds") or ()),
                received_at=received_at,
                reply=bool(data.get("reply", True)),
            )
        except SpoolFormatError:
            raise
        except (ValueError, KeyError, TypeError) as exc:
            raise SpoolFormatError(type(exc).__name__) from None


class SpoolEntry:
    """An entry taken (locked) for handling: `done()` removes it, `release()` leaves it for a
    later attempt, `quarantine()` renames it `*.bad`. The first of them called decides; the others
    are then no-ops (so `release()` in a `finally` is always safe)."""

    def __init__(self, path: Path, fd: int, raw: bytes) -> None:
        self.path = path
        self.raw = raw
        self._fd: int | None = fd

    @property
    def name(self) -> str:
        """The entry's file name."""
        return self.path.name

    def reading(self) -> SpooledReading:
        """The spooled reading (`SpoolFormatError` when the file does not hold one)."""
        return SpooledReading.from_json(self.raw)

    def done(self) -> None:
        """Handled: remove the file (still holding the lock, so no other taker starts on it)."""
        if self._fd is None:
            return
        with contextlib.suppress(FileNotFoundError):
            self.path.unlink()
        self._close()

    def release(self) -> None:
        """Not handled now: unlock it for the next attempt."""
        self._close()

    def quarantine(self) -> None:
        """Unreadable: keep it aside as `*.bad`, never to be taken again."""
        if self._fd is None:
            return
        with contextlib.suppress(FileNotFoundError):
            self.path.rename(self.path.with_name(self.path.name + _BAD_SUFFIX))
        self._close()

    def _close(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None


class Spool:
    """A directory of spooled readings (created on first use, readable by its owner only)."""

    def __init__(self, directory: Path | str, *, max_entries: int = 100_000) -> None:
        self.directory = Path(directory)
        self.max_entries = max_entries
        self._serial = itertools.count()
        self._lock = threading.Lock()
        self._count = 0
        self._counted_at = -_COUNT_TTL_SECONDS

    # --- writing ---------------------------------------------------------------------------

    def put(self, reading: SpooledReading) -> bool:
        """Write `reading` durably; False (logged, never raised) when the spool is full or the
        disk fails — the caller must then not acknowledge the message."""
        name = f"{time.time_ns():020d}-{os.getpid()}-{next(self._serial)}{_SUFFIX}"
        final = self.directory / name
        temporary = self.directory / f"{_TMP_PREFIX}{name}"
        try:
            if self.count() >= self.max_entries:
                _log.error("spool full (%d entries): not accepting more", self.max_entries)
                return False
            self.directory.mkdir(mode=0o700, parents=True, exist_ok=True)
            fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            try:
                os.write(fd, reading.to_json())
                os.fsync(fd)
            finally:
                os.close(fd)
            os.replace(temporary, final)
            self._sync_directory()
        except OSError as exc:
            _log.error("could not write to the spool: %s", type(exc).__name__)
            with contextlib.suppress(OSError):
                temporary.unlink()
            return False
        with self._lock:
            self._count += 1
        return True

    def _sync_directory(self) -> None:
        fd = os.open(self.directory, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)

    # --- reading ---------------------------------------------------------------------------

    def names(self) -> list[str]:
        """The entries waiting, oldest first (also refreshes `count()`)."""
        try:
            with os.scandir(self.directory) as listing:
                names = sorted(e.name for e in listing if _is_entry(e.name))
        except FileNotFoundError:
            names = []
        with self._lock:
            self._count = len(names)
            self._counted_at = time.monotonic()
        return names

    def count(self) -> int:
        """How many entries wait (read from the directory at most once a second)."""
        with self._lock:
            fresh = time.monotonic() - self._counted_at < _COUNT_TTL_SECONDS
            if fresh:
                return self._count
        return len(self.names())

    def take(self, name: str) -> SpoolEntry | None:
        """Lock entry `name` for handling; None when another taker has it or it is gone."""
        path = self.directory / name
        try:
            fd = os.open(path, os.O_RDWR)
        except FileNotFoundError:
            return None
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            if os.fstat(fd).st_nlink == 0:  # handled and removed while we opened it
                os.close(fd)
                return None
            raw = _read_all(fd)
        except BlockingIOError:
            os.close(fd)
            return None
        except BaseException:
            os.close(fd)
            raise
        return SpoolEntry(path, fd, raw)

    def entries(self, limit: int | None = None) -> Iterator[SpoolEntry]:
        """Take the waiting entries one by one, oldest first, skipping those others hold; the
        caller must finish each (done / release / quarantine) before asking for the next."""
        for name in self.names()[:limit]:
            entry = self.take(name)
            if entry is not None:
                yield entry

    def remove_stale_temporaries(self, older_than: float = _STALE_TMP_SECONDS) -> int:
        """Delete temporary files left by processes killed mid-write; returns how many."""
        removed = 0
        cutoff = time.time() - older_than
        try:
            with os.scandir(self.directory) as listing:
                for item in listing:
                    if item.name.startswith(_TMP_PREFIX) and item.stat().st_mtime < cutoff:
                        with contextlib.suppress(FileNotFoundError):
                            os.unlink(item.path)
                            removed += 1
        except OSError:
            return removed  # no spool yet, or unreadable: nothing to clean
        return removed


def _is_entry(name: str) -> bool:
    return name.endswith(_SUFFIX) and not name.startswith(".")


def _read_all(fd: int) -> bytes:
    chunks: list[bytes] = []
    while chunk := os.read(fd, 1 << 16):
        chunks.append(chunk)
    return b"".join(chunks)
