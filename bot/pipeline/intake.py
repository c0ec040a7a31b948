"""Intake: what runs before Slack is answered — redact, classify, and record the incidents.

`read_paste(message)` is pure: it redacts the paste (`core.redact`) and classifies the redacted
text. `record(store, reading)` records one incident per denial under the database's unique key
(team, channel, message ts, denial index), so a retried or concurrent delivery records nothing new.
`take_in(store, message)` does both. Neither talks to a Slack API. When the database fails,
`StoreError` propagates: the caller spools the reading (`bot.pipeline.backlog`) or answers Slack
with a 500 so that Slack redelivers (see docs/reliability.md). Nothing is acknowledged unstored.

The stored paste is cut to `PASTE_MAX_CHARS`. When a long paste's denials lie past that head, the
paste is stored as an excerpt of its denials instead (`stored_paste`), so that whatever later
rebuilds the reply from the stored paste (the recovery sweep after a crash, the buttons) reads the
same denials in the same order.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from bot.pipeline.extract import Message
from core.classifier import find_denials
from core.credentials import CredentialProblem, credential_problem
from core.fingerprint import fingerprint
from core.record import DenialRecord
from core.redaction import redact
from core.store import PASTE_MAX_CHARS, Incident, Store, record_incidents

__all__ = ["Intake", "Reading", "read_paste", "record", "stored_paste", "take_in"]

_GAP = "\n[...]\n"
_LINE_CONTEXT = 300  # at most this many characters of a denial's line kept on each side
_HEAD_MARKER = 32  # room for record_incidents' own truncation marker


@dataclass(frozen=True, slots=True)
class Reading:
    """A paste read but not yet recorded: the message, its redacted text, what secrets it held,
    its denials (classified from the redacted text), or a credential problem (in direct messages,
    when there is no denial)."""

    message: Message
    redacted: str
    secret_kinds: tuple[str, ...]
    denials: tuple[DenialRecord, ...]
    credential: CredentialProblem | None = None


@dataclass(frozen=True, slots=True)
class Intake:
    """A read paste: its redacted text, what secrets it held, its denials and their incidents."""

    message: Message
    redacted: str
    secret_kinds: tuple[str, ...]
    denials: tuple[DenialRecord, ...]
    incidents: tuple[Incident, ...]
    credential: CredentialProblem | None = None  # set (in direct messages) when no denial

    @property
    def input_truncated(self) -> bool:
        """True when the classifier read only the start of a very long paste."""
        return any(denial.input_truncated for denial in self.denials)


def read_paste(message: Message) -> Reading | None:
    """Redact and classify the message (no I/O); None when there is nothing to answer."""
    redaction = redact(message.text)
    denials = tuple(find_denials(redaction.text))
    if denials:
        return Reading(message, redaction.text, redaction.kinds, denials)
    if message.is_direct:
        problem = credential_problem(redaction.text)
        if problem is not None:
            return Reading(message, redaction.text, redaction.kinds, (), problem)
    return None


def record(store: Store, reading: Reading, *, reported_at: datetime | None = None) -> Intake:
    """Record the reading's denials (exactly once) and return the intake. `reported_at`: when
    the message arrived, for a reading recorded later (from the spool); default now."""
    if not reading.denials:
        return Intake(
            reading.message, reading.redacted, reading.secret_kinds, (), (), reading.credential
        )
    message = reading.message
    result = record_incidents(
        store,
        team_id=message.team_id,
        channel_id=message.channel_id,
        message_ts=message.ts,
        denials=reading.denials,
        paste=stored_paste(reading.redacted, reading.denials),
        reporter_id=message.user_id,
        thread_ts=message.thread_ts if message.thread_ts != message.ts else None,
        event_id=message.event_id,
        reported_at=reported_at,
    )
    return Intake(
        message, reading.redacted, reading.secret_kinds, reading.denials, result.incidents
    )


def take_in(store: Store, message: Message) -> Intake | None:
    """Read and record the message (exactly once); None when there is nothing to answer."""
    reading = read_paste(message)
    return None if reading is None else record(store, reading)


def stored_paste(text: str, denials: Sequence[DenialRecord]) -> str:
    """What to store of a redacted paste: all of it when it fits `PASTE_MAX_CHARS`, or when its
    head holds every denial; else an excerpt of its denials (each with the rest of its lines when
    short) that reads back as the same denials — checked by classifying it again; the head when
    no excerpt does."""
    if len(text) <= PASTE_MAX_CHARS:
        return text
    spans = [d.span for d in denials]
    if not denials or any(span is None for span in spans):
        return text
    head = PASTE_MAX_CHARS - _HEAD_MARKER
    if all(span is not None and span[1] <= head for span in spans):
        return text
    wanted = [fingerprint(d) for d in denials]
    bare = [(s[0], s[1]) for s in spans if s is not None]
    for ranges in (_with_lines(text, bare), bare):
        excerpt = _GAP.join(text[start:end] for start, end in _merged(ranges)).strip()
        if len(excerpt) <= head and [fingerprint(d) for d in find_denials(excerpt)] == wanted:
            return excerpt
    return text


def _with_lines(text: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    out = []
    for start, end in spans:
        line_start = text.rfind("\n", 0, start) + 1
        line_end = text.find("\n", end)
        line_end = len(text) if line_end < 0 else line_end
        out.append(
            (
                line_start if start - line_start <= _LINE_CONTEXT else start,
                line_end if line_end - end <= _LINE_CONTEXT else end,
            )
        )
    return out


def _merged(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged
