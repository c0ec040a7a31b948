"""Reader's names for policy types and deny kinds, in each language."""

from __future__ import annotations

from typing import Final

from bot.render.escape import escape_mrkdwn
from bot.render.texts import t
from core.record import DenyKind, PolicyType

__all__ = ["deny_label", "policy_label", "policy_type_label"]

_POLICY_KEYS: Final[dict[str, str]] = {
    PolicyType.SCP: "policy.scp",
    PolicyType.RCP: "policy.rcp",
    PolicyType.VPC_ENDPOINT: "policy.vpc_endpoint",
    PolicyType.PERMISSIONS_BOUNDARY: "policy.permissions_boundary",
    PolicyType.SESSION_POLICY: "policy.session_policy",
    PolicyType.RESOURCE_BASED: "policy.resource_based",
    PolicyType.ROLE_TRUST: "policy.role_trust",
    PolicyType.IDENTITY_BASED: "policy.identity_based",
}
_DENY_KEYS: Final[dict[str, str]] = {
    DenyKind.EXPLICIT: "deny.explicit",
    DenyKind.IMPLICIT: "deny.implicit",
}


def policy_type_label(policy_type: str, lang: str) -> str:
    """`scp` → "Service control policy (SCP)"; an unknown value escaped as is."""
    key = _POLICY_KEYS.get(policy_type)
    return t(lang, key) if key else escape_mrkdwn(policy_type)


def deny_label(deny_kind: str, lang: str) -> str:
    """`explicit` → "explicit deny"; an unknown value escaped as is."""
    key = _DENY_KEYS.get(deny_kind)
    return t(lang, key) if key else escape_mrkdwn(deny_kind)


def policy_label(
    policy_type: str | None,
    deny_kind: str | None,
    lang: str,
    transitive_through: str | None = None,
) -> str | None:
    """ "Service control policy (SCP), explicit deny (through …)", or None when nothing is known."""
    policy = policy_type_label(policy_type, lang) if policy_type else None
    deny = deny_label(deny_kind, lang) if deny_kind else None
    if policy and deny:
        text = t(lang, "fields.policy_and_deny", policy=policy, deny=deny)
    else:
        text = policy or deny or ""
    if transitive_through:
        via = t(lang, "fields.via", policy=policy_type_label(transitive_through, lang))
        text = f"{text} {via}" if text else via
    return text or None
