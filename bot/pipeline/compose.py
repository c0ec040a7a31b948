"""Compose the reply to an intake: remediations in the reply's language, recurrence, Block Kit.

Pure apart from one read of the store (the recurrence of each denial's fingerprint in the
workspace over the last 7 days, the current incidents included, and its last resolution).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from bot.pipeline.intake import Intake
from bot.render import (
    SlackMessage,
    render_credential_problem,
    render_reply,
    render_secret_warning,
    resolution_of,
)
from core.record import DenialRecord
from core.remediation import remediate
from core.store import Incident, Recurrence, Store, StoreError, recurrences

__all__ = [
    "RECURRENCE_DAYS",
    "SlackMessage",
    "compose_credential_note",
    "compose_for_incidents",
    "compose_reply",
    "compose_secret_warning",
]

RECURRENCE_DAYS = 7

_log = logging.getLogger(__name__)


def compose_reply(store: Store, intake: Intake, lang: str) -> SlackMessage:
    """The thread reply for the intake's denials, in `lang` (see `compose_for_incidents`)."""
    return compose_for_incidents(
        store,
        intake.message.team_id,
        intake.denials,
        intake.incidents,
        lang,
        input_truncated=intake.input_truncated,
    )


def compose_for_incidents(
    store: Store,
    team_id: str,
    denials: Sequence[DenialRecord],
    incidents: Sequence[Incident | None],
    lang: str,
    *,
    input_truncated: bool = False,
) -> SlackMessage:
    """The reply for `denials` (their incidents in parallel, None where unrecorded): each with
    its incident (buttons), its recurrence in the workspace over the last 7 days, and its
    resolution when resolved (an edit after "Resolved" keeps showing it)."""
    fingerprints = [i.fingerprint for i in incidents if i is not None]
    seen: dict[str, Recurrence] = {}
    if fingerprints:
        try:
            seen = recurrences(
                store, team_id=team_id, fingerprints=fingerprints, days=RECURRENCE_DAYS
            )
        except StoreError as exc:  # the answer matters more than its statistics
            _log.warning("recurrence lookup failed (%s)", type(exc).__name__)
    return render_reply(
        list(denials),
        [remediate(denial, lang) for denial in denials],
        lang=lang,
        incident_ids=[i.id if i is not None else None for i in incidents],
        recurrences=[seen.get(i.fingerprint) if i is not None else None for i in incidents],
        input_truncated=input_truncated,
        resolved=[resolution_of(i) if i is not None else None for i in incidents],
    )


def compose_secret_warning(intake: Intake, lang: str) -> SlackMessage:
    """The ephemeral note asking the poster to delete the message and rotate the credential."""
    return render_secret_warning(list(intake.secret_kinds), lang)


def compose_credential_note(intake: Intake, lang: str) -> SlackMessage:
    """A direct-message answer: the paste is a credential problem, not a policy denial."""
    kind = intake.credential.kind if intake.credential else "credentials"
    return render_credential_problem(kind, lang)
