"""The placeholder values of one denial: what `{action}`, `{bucket}`, ... stand for.

`derive` reads a `DenialRecord` into plain strings. A value the denial does not carry is left out;
`Values` then prints a `<bucket>`-style marker instead, remembers that it did, and the remediation
warns the user to fill it in. "None" is never printed.
"""

from __future__ import annotations

import shlex
import string
from collections.abc import Iterator, Mapping

from core.record import DenialRecord, PrincipalKind
from core.remediation.catalog import rules

# Every placeholder a text or command may use, with the marker shown when the denial lacks it.
MARKERS: dict[str, str] = {
    "action": "<service:Action>",
    "service": "<service>",
    "principal": "<principal-arn>",
    "principal_policy_arn": "<principal-arn>",
    "partition": "aws",
    "account": "<account-id>",
    "caller_name": "<user-or-role-name>",
    "permission_set": "<permission-set>",
    "session": "<session-name>",
    "resource": "<resource-arn>",
    "resource_account": "<resource-account-id>",
    "role_account": "<role-account-id>",
    "region": "<region>",
    "bucket": "<bucket>",
    "object_key": "<object-key>",
    "key_id": "<key-id>",
    "queue_url": "<queue-url>",
    "queue_arn": "<queue-arn>",
    "target_role": "<role-name>",
    "target_role_arn": "<role-arn>",
    "repository": "<repository-name>",
    "endpoint_service": "<endpoint-service-name>",
    "policy_arn": "<policy-arn>",
    "policy_id": "<policy-id>",
    "authorization_id": "<authorization-id>",
    "authorization_link": "<authorization-link>",
    "encoded": "<encoded-message>",
    "suggestion": "<service:Action>",
    "service_suggestion": "<service>",
    "context_action": "<service:Action>",
    "trust_action": "sts:AssumeRole",
    "event_name": "<EventName>",
    "operation": "<Operation>",
    "model_id": "<model-id>",
    "saml_audience": "<saml-audience-url>",
    # Filled per language by the builder.
    "policy_type_label": "<policy type>",
    "through_label": "<policy type>",
    "placeholders": "",
}

_SSO_PREFIX = "AWSReservedSSO_"

_SAML_AUDIENCE = {
    "aws": "https://signin.aws.amazon.com/saml",
    "aws-cn": "https://signin.amazonaws.cn/saml",
    "aws-us-gov": "https://signin.amazonaws-us-gov.com/saml",
}


class Values(Mapping[str, str]):
    """Placeholder values with markers for the missing ones; records markers and flags used."""

    def __init__(self, known: Mapping[str, str], flags_on_use: Mapping[str, str] | None = None):
        self._known = {k: v for k, v in known.items() if v}
        self._flags_on_use = dict(flags_on_use or {})
        self.markers_used: list[str] = []
        self.flags: set[str] = set()

    def has(self, name: str) -> bool:
        """Whether the denial carries this value."""
        return name in self._known

    def set(self, name: str, value: str) -> None:
        """Add a value known only later (language-specific labels, the placeholder list)."""
        self._known[name] = value

    def flag(self, name: str) -> None:
        """Note something a warning may need to say (e.g. a statement fell back to `*`)."""
        self.flags.add(name)

    def __getitem__(self, name: str) -> str:
        if name not in MARKERS:
            raise KeyError(name)
        if name in self._flags_on_use:
            self.flags.add(self._flags_on_use[name])
        if name in self._known:
            return self._known[name]
        marker = MARKERS[name]
        if marker.startswith("<") and marker not in self.markers_used:
            self.markers_used.append(marker)
        return marker

    def __iter__(self) -> Iterator[str]:
        return iter(MARKERS)

    def __len__(self) -> int:
        return len(MARKERS)

    def fill(self, template: str) -> str:
        """The template with every `{name}` replaced (markers where a value is missing)."""
        return template.format_map(self)

    def fill_shell(self, template: str) -> str:
        """Like `fill`, with real values shell-quoted; markers stay bare for the user to replace."""
        return template.format_map(_ShellView(self))


class _ShellView(Mapping[str, str]):
    def __init__(self, values: Values):
        self._values = values

    def __getitem__(self, name: str) -> str:
        value = self._values[name]
        return value if not self._values.has(name) else shlex.quote(value)

    def __iter__(self) -> Iterator[str]:
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)


def placeholders(template: str) -> set[str]:
    """The `{name}` fields a template uses."""
    return {field for _, field, _, _ in string.Formatter().parse(template) if field}


def _arn_parts(arn: str | None) -> list[str] | None:
    if not arn or not arn.startswith("arn:"):
        return None
    parts = arn.split(":", 5)
    return parts if len(parts) == 6 else None


def _normalise_action(action: str) -> str:
    """`SNS:Publish` → `sns:Publish`: prefixes are case-insensitive, the name is kept."""
    prefix, sep, name = action.partition(":")
    return f"{prefix.lower()}{sep}{name}" if sep else action


def _resource_values(record: DenialRecord, service: str | None, out: dict[str, str]) -> None:
    resource = record.resource
    if not resource:
        return
    out["resource"] = resource
    parts = _arn_parts(resource)
    if parts is None:
        if resource.startswith(("https://sqs.", "http://sqs.", "https://queue.")):
            out["queue_url"] = resource.rstrip("/")
            pieces = resource.split("/")
            host = pieces[2].split(".") if len(pieces) > 2 else []
            if len(pieces) >= 5 and len(host) > 1 and pieces[3] and pieces[4]:
                out.setdefault("resource_account", pieces[3])
                partition = out.get("partition", "aws")
                out["queue_arn"] = f"arn:{partition}:sqs:{host[1]}:{pieces[3]}:{pieces[4]}"
                out.setdefault("region", host[1])
        return
    _, partition, arn_service, region, account, rest = parts
    out.setdefault("partition", partition)
    if region:
        out.setdefault("region", region)
    if account:
        out.setdefault("resource_account", account)
    if arn_service == "s3" and rest:
        bucket, _, key = rest.partition("/")
        out["bucket"] = bucket
        if key and "*" not in key:
            out["object_key"] = key
    elif arn_service == "kms":
        out["key_id"] = resource
    elif arn_service == "sqs":
        out["queue_arn"] = resource
        domain = "amazonaws.com.cn" if partition == "aws-cn" else "amazonaws.com"
        out["queue_url"] = f"https://sqs.{region}.{domain}/{account}/{rest}"
    elif arn_service == "iam" and rest.startswith("role/"):
        out["target_role"] = rest.rsplit("/", 1)[-1]
        out["target_role_arn"] = resource
    elif arn_service == "ecr" and rest.startswith("repository/"):
        out["repository"] = rest.removeprefix("repository/")
    elif arn_service == "bedrock" and "/" in rest:
        out["model_id"] = rest.split("/", 1)[1]
    if service == "kms" and "key_id" not in out:
        out["key_id"] = resource


def _principal_values(record: DenialRecord, out: dict[str, str]) -> dict[str, str]:
    """Fill the caller's values; return the flags raised when some of them are used."""
    flags: dict[str, str] = {}
    principal = record.principal
    if record.principal_arn:
        out["principal"] = record.principal_arn
    if principal is None:
        parts = _arn_parts(record.principal_arn)
        if parts:
            out.setdefault("partition", parts[1])
            out.setdefault("account", parts[4])
        return flags
    if principal.partition:
        out["partition"] = principal.partition
    if principal.account_id:
        out["account"] = principal.account_id
    if principal.session:
        out["session"] = principal.session
    kind = principal.kind
    named = (PrincipalKind.USER, PrincipalKind.ROLE, PrincipalKind.ASSUMED_ROLE)
    if kind in named and principal.name:
        out["caller_name"] = principal.name
        if principal.name.startswith(_SSO_PREFIX):
            # AWSReservedSSO_<permission set>_<16 hex>: Identity Center owns this role.
            out["permission_set"] = principal.name.removeprefix(_SSO_PREFIX).rpartition("_")[0]
    if kind is PrincipalKind.ASSUMED_ROLE:
        role_arn = principal.role_arn
        if not role_arn and principal.account_id and principal.name:
            partition = principal.partition or "aws"
            role_arn = f"arn:{partition}:iam::{principal.account_id}:role/{principal.name}"
        if role_arn:
            out["principal_policy_arn"] = role_arn
            if principal.role_path_unknown or not principal.role_arn:
                flags["principal_policy_arn"] = "role_path_unknown"
    elif kind in (
        PrincipalKind.USER,
        PrincipalKind.ROLE,
        PrincipalKind.ROOT,
        PrincipalKind.FEDERATED_USER,
    ) and (record.principal_arn or "").startswith("arn:"):
        out["principal_policy_arn"] = record.principal_arn or ""
    return flags


def _inferred_action(record: DenialRecord) -> tuple[str | None, str | None]:
    """Service and action from the operation alone, when the error names no action."""
    service = record.service or rules()["kind_service"].get(record.kind.value)
    if not service or not record.operation:
        return service, None
    name = f"{service}:{record.operation}"
    return service, rules()["operation_action"].get(name, name)


def derive(record: DenialRecord) -> Values:
    """The placeholder values one denial carries."""
    out: dict[str, str] = {}
    flags = _principal_values(record, out)
    action = record.action or record.context_action
    service = record.service or (action.partition(":")[0].lower() if action else None)
    inferred = False
    if not action:
        service, action = _inferred_action(record)
        inferred = action is not None
    if action:
        out["action"] = _normalise_action(action)
        out["event_name"] = action.partition(":")[2] or action
        if action.lower().startswith("sts:"):
            out["trust_action"] = out["action"]
    if record.operation:
        out["event_name"] = out["operation"] = record.operation
    if service:
        out["service"] = service
    if record.region:
        out["region"] = record.region
    if record.resource_account:
        out["resource_account"] = record.resource_account
    _resource_values(record, service, out)
    out.setdefault("partition", "aws")
    if "resource_account" in out:
        out["role_account"] = out["resource_account"]
    elif "account" in out:
        out["role_account"] = out["account"]
    if "region" in out and service:
        prefix = "cn.com.amazonaws" if out["partition"] == "aws-cn" else "com.amazonaws"
        out["endpoint_service"] = f"{prefix}.{out['region']}.{service}"
    if out["partition"] in _SAML_AUDIENCE:
        out["saml_audience"] = _SAML_AUDIENCE[out["partition"]]
    for name in ("policy_arn", "authorization_id", "authorization_link", "error_code"):
        value = getattr(record, name)
        if value and name in MARKERS:
            out[name] = value
    if record.policy_arn and record.policy_arn.startswith("arn:"):
        out["policy_id"] = record.policy_arn.rsplit("/", 1)[-1]
    if record.encoded_message and not record.encoded_truncated:
        out["encoded"] = record.encoded_message
    if record.context_action:
        out["context_action"] = record.context_action
    if record.action_suggestion:
        suggestion = record.action_suggestion
        if ":" not in suggestion and service:
            suggestion = f"{service}:{suggestion}"
        out["suggestion"] = suggestion
    if record.service_suggestion:
        out["service_suggestion"] = record.service_suggestion
    values = Values(out, flags)
    if inferred:
        values.flag("action_inferred")
    return values
