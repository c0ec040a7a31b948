"""Persistence for iamdeny: the one package that imports SQLAlchemy.

Callers open a `Store` (an engine handle; `Store.open()` reads `DATABASE_URL`), pass it to small
typed functions and get frozen dataclasses back, so nothing outside `core.store` needs SQLAlchemy:

- incidents: `record_incidents` (exactly once per message and denial), `list_incidents`,
  `get_incident`, `resolve_incident`, `ignore_incident`, `set_status`, `recurrence(s)`,
  `list_team_ids`; feedback: `add_feedback`, `list_feedback`; retention: `purge_incidents`.
- settings: `get/update_workspace_settings`, `list_workspace_settings`, `get/set_user_language`.
- exactly-once posts: `claim_digest`, `mark_digest_posted`, `release_digest_claim` (weekly digests);
  `claim_reply`, `mark_reply_posted`, `release_reply_claim`, `get_reply` (thread replies).
- schema: `upgrade`, `schema_state`, `ensure_schema` (Alembic migrations in `migrations/`).

The table definitions are in `core.store.models` (for the digest queries and the Slack
installation store, which share this database).
"""

from __future__ import annotations

from core.store.claims import (
    DEFAULT_LEASE,
    REPLY_LEASE,
    DigestClaim,
    ReplyClaim,
    claim_digest,
    claim_reply,
    get_digest_claim,
    get_reply,
    mark_digest_posted,
    mark_reply_posted,
    release_digest_claim,
    release_reply_claim,
)
from core.store.engine import (
    DEFAULT_DATABASE_URL,
    Store,
    StoreError,
    database_unavailable,
    database_url,
    make_engine,
    normalize_url,
    redact_url,
)
from core.store.feedback import Feedback, Verdict, add_feedback, list_feedback
from core.store.incidents import (
    ANY_TEAM,
    Incident,
    IncidentStatus,
    RecordResult,
    Recurrence,
    Resolution,
    get_incident,
    ignore_incident,
    list_incidents,
    list_team_ids,
    record_incidents,
    recurrence,
    recurrences,
    resolve_incident,
    set_status,
)
from core.store.models import PASTE_MAX_CHARS, STATUSES
from core.store.retention import purge_incidents
from core.store.schema import (
    SchemaNotReadyError,
    SchemaState,
    ensure_schema,
    head_revision,
    schema_state,
    upgrade,
)
from core.store.settings import (
    LANGUAGES,
    UNCHANGED,
    UserSettings,
    WorkspaceSettings,
    get_user_language,
    get_workspace_settings,
    list_workspace_settings,
    set_user_language,
    update_workspace_settings,
)

__all__ = [
    "ANY_TEAM",
    "DEFAULT_DATABASE_URL",
    "DEFAULT_LEASE",
    "LANGUAGES",
    "PASTE_MAX_CHARS",
    "REPLY_LEASE",
    "STATUSES",
    "UNCHANGED",
    "DigestClaim",
    "Feedback",
    "Incident",
    "IncidentStatus",
    "RecordResult",
    "Recurrence",
    "ReplyClaim",
    "Resolution",
    "SchemaNotReadyError",
    "SchemaState",
    "Store",
    "StoreError",
    "UserSettings",
    "Verdict",
    "WorkspaceSettings",
    "add_feedback",
    "claim_digest",
    "claim_reply",
    "database_unavailable",
    "database_url",
    "ensure_schema",
    "get_digest_claim",
    "get_incident",
    "get_reply",
    "get_user_language",
    "get_workspace_settings",
    "head_revision",
    "ignore_incident",
    "list_feedback",
    "list_incidents",
    "list_team_ids",
    "list_workspace_settings",
    "make_engine",
    "mark_digest_posted",
    "mark_reply_posted",
    "normalize_url",
    "purge_incidents",
    "record_incidents",
    "recurrence",
    "recurrences",
    "redact_url",
    "release_digest_claim",
    "release_reply_claim",
    "resolve_incident",
    "schema_state",
    "set_status",
    "set_user_language",
    "update_workspace_settings",
    "upgrade",
]
