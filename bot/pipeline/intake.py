"""Intake: what runs before Slack is answered — redact, classify, and record the incidents.

`take_in(store, message)` is fast and talks to no Slack API: it redacts the paste (`core.redact`),
classifies the redacted text, and records one incident per denial under the database's unique key
(team, channel, message ts, denial index), so a retried or concurrent delivery records nothing new.
When the database fails, `StoreError` propagates: the listener then answers Slack with a 500 and
Slack redelivers the event later (see docs/reliability.md). Nothing is acknowledged unstored.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.pipeline.extract import Message
from core.classifier import find_denials
from core.credentials import CredentialProblem, credential_problem
from core.record import DenialRecord
from core.redaction import redact
from core.store import Incident, Store, record_incidents

__all__ = ["Intake", "take_in"]


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


def take_in(store: Store, message: Message) -> Intake | None:
    """Record the message's denials (exactly once); None when there is nothing to answer."""
    redaction = redact(message.text)
    denials = tuple(find_denials(redaction.text))
    if not denials:
        if message.is_direct:
            problem = credential_problem(redaction.text)
            if problem is not None:
                return Intake(message, redaction.text, redaction.kinds, (), (), problem)
        return None
    result = record_incidents(
        store,
        team_id=message.team_id,
        channel_id=message.channel_id,
        message_ts=message.ts,
        denials=denials,
        paste=redaction.text,
        reporter_id=message.user_id,
        thread_ts=message.thread_ts if message.thread_ts != message.ts else None,
        event_id=message.event_id,
    )
    return Intake(message, redaction.text, redaction.kinds, denials, result.incidents)
