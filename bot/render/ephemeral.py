"""Notes only the poster sees: a pasted secret, and a credential error that is not a denial.

`render_secret_warning` names the kinds of secret found (`core.redact`'s kinds, e.g.
`aws-secret-key`), never the secret. `render_credential_problem` answers a paste that is a
credential error (`core.credential_problem`'s kinds, e.g. `expired-token`): no policy will fix it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

from bot.render.blocks import Block, context, section
from bot.render.escape import inline_code
from bot.render.limits import FALLBACK_TARGET, fit
from bot.render.message import SlackMessage
from bot.render.texts import check_lang, t

__all__ = ["render_credential_problem", "render_secret_warning", "secret_kind_label"]

_SECRET_KINDS: Final = {
    "private-key": "secret_kind.private_key",
    "aws-access-key-id": "secret_kind.aws_access_key_id",
    "aws-session-token": "secret_kind.aws_session_token",
    "aws-secret-key": "secret_kind.aws_secret_key",
    "slack-token": "secret_kind.slack_token",
    "slack-webhook": "secret_kind.slack_webhook",
    "github-token": "secret_kind.github_token",
    "gitlab-token": "secret_kind.gitlab_token",
    "google-api-key": "secret_kind.google_api_key",
    "stripe-key": "secret_kind.stripe_key",
    "sendgrid-key": "secret_kind.sendgrid_key",
    "npm-token": "secret_kind.npm_token",
    "pypi-token": "secret_kind.pypi_token",
    "openai-api-key": "secret_kind.openai_api_key",
    "anthropic-api-key": "secret_kind.anthropic_api_key",
    "bearer-token": "secret_kind.bearer_token",
    "jwt": "secret_kind.jwt",
    "basic-auth": "secret_kind.basic_auth",
    "secret-value": "secret_kind.secret_value",
    "password": "secret_kind.password",
    "api-key": "secret_kind.api_key",
}

_CREDENTIAL_KINDS: Final = {
    "expired-token": "credential.expired_token",
    "invalid-token": "credential.invalid_token",
    "invalid-access-key": "credential.invalid_access_key",
    "bad-signature": "credential.bad_signature",
    "clock-skew": "credential.clock_skew",
    "missing-credentials": "credential.missing_credentials",
    "login-failed": "credential.login_failed",
}

_KINDS_SHOWN_MAX: Final = 10


def secret_kind_label(kind: str, lang: str) -> str:
    """A reader's name for a redaction kind (`aws-secret-key` → "an AWS secret access key"); a
    kind we have no name for yet is shown as inline code ("a secret (`new-kind`)")."""
    key = _SECRET_KINDS.get(kind)
    return (
        t(lang, key)
        if key
        else t(lang, "secret_kind.other", kind=inline_code(fit(kind, 60, escaped=False)))
    )


def render_secret_warning(kinds: Sequence[str], lang: str) -> SlackMessage:
    """The ephemeral note to whoever pasted a secret: what kind it was, delete it, rotate it."""
    check_lang(lang)
    unique = list(dict.fromkeys(kinds))
    labels = [secret_kind_label(kind, lang) for kind in unique[:_KINDS_SHOWN_MAX]]
    if len(unique) > _KINDS_SHOWN_MAX:
        labels.append(t(lang, "secret.more_kinds", count=len(unique) - _KINDS_SHOWN_MAX))
    what = t(lang, "secret.list_separator").join(labels) if labels else t(lang, "secret.unknown")
    head = t(lang, "secret.title", kinds=what)
    body = t(lang, "secret.body")
    blocks: list[Block] = [
        section(f"{head}\n{body}", block_id="iamdeny_secret"),
        context([t(lang, "secret.how")], block_id="iamdeny_secret_how"),
    ]
    return SlackMessage(text=fit(f"{head} {body}", FALLBACK_TARGET), blocks=blocks)


def render_credential_problem(kind: str, lang: str) -> SlackMessage:
    """The answer to a paste that is a credential error, not a denial: what it means, the fix."""
    check_lang(lang)
    key = _CREDENTIAL_KINDS.get(kind)
    detail = t(lang, key) if key else t(lang, "credential.generic")
    head = t(lang, "credential.title")
    blocks: list[Block] = [
        section(f"{head}\n{detail}", block_id="iamdeny_credential"),
        context([t(lang, "credential.check")], block_id="iamdeny_credential_check"),
    ]
    return SlackMessage(text=fit(f"{head} {detail}", FALLBACK_TARGET), blocks=blocks)
