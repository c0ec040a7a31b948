"""A generated corpus of planted secrets (formats x contexts) and harmless AWS error lines.

`planted(n, seed)` returns `Planted` items: the text to paste (a secret in its context) and the
values that must never come out again (`needles`: the secret itself, or for a PEM key each of its
base64 lines). `harmless(n, seed)` returns AWS error lines that hold no secret at all (ARNs,
request ids, unique principal ids, KMS key ids, encoded authorization messages, digests...), which
redaction should leave alone. Deterministic for a seed; every secret is random, so a needle found
anywhere can only have come from the corpus.
"""

from __future__ import annotations

import base64
import json
import random
import string
from collections.abc import Callable
from dataclasses import dataclass

__all__ = ["CONTEXTS", "FORMATS", "Planted", "harmless", "planted"]

_UPPER_DIGITS = string.ascii_uppercase + string.digits
_ALNUM = string.ascii_letters + string.digits
_B64 = _ALNUM + "+/"
_URLSAFE = _ALNUM + "_-"


@dataclass(frozen=True)
class Secret:
    """One secret: its value, the name it goes by, a command line that carries it."""

    fmt: str
    value: str
    name: str
    cli: str
    needles: tuple[str, ...]


@dataclass(frozen=True)
class Planted:
    fmt: str
    context: str
    text: str
    needles: tuple[str, ...]


def _r(rng: random.Random, alphabet: str, n: int) -> str:
    return "".join(rng.choice(alphabet) for _ in range(n))


def _with_digit(rng: random.Random, alphabet: str, n: int) -> str:
    value = _r(rng, alphabet, n - 2)
    return value[: n // 2] + str(rng.randrange(10)) + rng.choice("/+") + value[n // 2 :]


def _simple(fmt: str, name: str, cli: str) -> Callable[[random.Random, str], Secret]:
    def make(rng: random.Random, value: str) -> Secret:
        return Secret(fmt, value, name, cli.format(v=value), (value,))

    return make


def _aws_key_id(rng: random.Random) -> Secret:
    value = "AKIA" + _r(rng, _UPPER_DIGITS, 16)
    return Secret(
        "aws-access-key-id",
        value,
        "AWS_ACCESS_KEY_ID",
        f"aws configure set aws_access_key_id {value}",
        (value,),
    )


def _aws_secret(rng: random.Random) -> Secret:
    value = _with_digit(rng, _B64, 40)
    return Secret(
        "aws-secret-key",
        value,
        "AWS_SECRET_ACCESS_KEY",
        f"aws configure set aws_secret_access_key {value}",
        (value,),
    )


def _aws_session(rng: random.Random) -> Secret:
    value = "IQoJb3JpZ2luX2VjE" + _r(rng, _B64, 300)
    return Secret(
        "aws-session-token",
        value,
        "AWS_SESSION_TOKEN",
        f"aws configure set aws_session_token {value}",
        (value,),
    )


def _slack_token(rng: random.Random) -> Secret:
    value = f"xoxb-{rng.randrange(10**11, 10**12)}-{rng.randrange(10**11, 10**12)}-" + _r(
        rng, _ALNUM, 24
    )
    return Secret(
        "slack-token",
        value,
        "SLACK_BOT_TOKEN",
        f"curl -H 'Authorization: Bearer {value}'",
        (value,),
    )


def _slack_webhook(rng: random.Random) -> Secret:
    path = f"T{_r(rng, _UPPER_DIGITS, 8)}/B{_r(rng, _UPPER_DIGITS, 10)}/{_r(rng, _ALNUM, 24)}"
    url = f"https://hooks.slack.com/services/{path}"
    return Secret(
        "slack-webhook",
        url,
        "SLACK_WEBHOOK_URL",
        f"curl -X POST -d @payload.json {url}",
        (path, path.rsplit("/", 1)[1]),
    )


def _github(rng: random.Random) -> Secret:
    value = "ghp_" + _r(rng, _ALNUM, 36)
    return Secret(
        "github-token", value, "GITHUB_TOKEN", f"gh auth login --with-token {value}", (value,)
    )


def _gitlab(rng: random.Random) -> Secret:
    value = "glpat-" + _r(rng, _URLSAFE, 20)
    return Secret(
        "gitlab-token",
        value,
        "GITLAB_TOKEN",
        f"curl --header 'PRIVATE-TOKEN: {value}' https://gitlab.example.com/api/v4/projects",
        (value,),
    )


def _url_password(rng: random.Random) -> Secret:
    value = _r(rng, _ALNUM, 10) + "!" + _r(rng, _ALNUM, 8)
    url = f"postgres://app_user:{value}@db.internal.example.com:5432/orders"
    return Secret("url-password", value, "DATABASE_URL", f"psql {url}", (value,))


def _flag_password(rng: random.Random) -> Secret:
    value = "Pw" + _r(rng, _ALNUM, 14) + str(rng.randrange(10))
    return Secret(
        "flag-password",
        value,
        "DB_PASSWORD",
        f"aws rds create-db-instance --db-instance-identifier db1 --master-user-password {value}",
        (value,),
    )


def _private_key(rng: random.Random) -> Secret:
    lines = [_r(rng, _B64, 64) for _ in range(6)]
    pem = "-----BEGIN RSA PRIVATE KEY-----\n" + "\n".join(lines) + "\n-----END RSA PRIVATE KEY-----"
    return Secret("private-key", pem, "SSH_PRIVATE_KEY", f"echo '{pem}' > id_rsa", tuple(lines))


def _bearer(rng: random.Random) -> Secret:
    value = _r(rng, _URLSAFE, 40) + str(rng.randrange(10))
    return Secret(
        "bearer-token",
        value,
        "ACCESS_TOKEN",
        f"curl -H 'Authorization: Bearer {value}' https://api.example.com/v1/items",
        (value,),
    )


def _jwt(rng: random.Random) -> Secret:
    header = base64.urlsafe_b64encode(b'{"alg":"HS256","typ":"JWT"}').decode().rstrip("=")
    claims = {"sub": _r(rng, _ALNUM, 12), "iat": rng.randrange(10**9, 2 * 10**9)}
    payload = base64.urlsafe_b64encode(json.dumps(claims).encode()).decode().rstrip("=")
    value = f"{header}.{payload}.{_r(rng, _URLSAFE, 43)}"
    return Secret("jwt", value, "ID_TOKEN", f"curl -H 'X-Id-Token: {value}' https://x", (value,))


def _google(rng: random.Random) -> Secret:
    value = "AIza" + _r(rng, _URLSAFE, 35)
    return Secret("google-api-key", value, "GOOGLE_API_KEY", f"gcloud --api-key={value}", (value,))


def _stripe(rng: random.Random) -> Secret:
    value = "sk_live_" + _r(rng, _ALNUM, 24)
    return Secret("stripe-key", value, "STRIPE_SECRET_KEY", f"stripe --api-key {value}", (value,))


def _generic_api_key(rng: random.Random) -> Secret:
    value = _r(rng, _ALNUM, 20) + str(rng.randrange(10)) + _r(rng, _ALNUM, 11)
    return Secret(
        "api-key", value, "DATADOG_API_KEY", f"datadog-agent start --api-key {value}", (value,)
    )


def _client_secret(rng: random.Random) -> Secret:
    value = _r(rng, _ALNUM, 16) + str(rng.randrange(10)) + "~" + _r(rng, _URLSAFE, 15)
    return Secret(
        "client-secret",
        value,
        "OAUTH_CLIENT_SECRET",
        f"az login --service-principal --client-secret {value}",
        (value,),
    )


FORMATS: tuple[Callable[[random.Random], Secret], ...] = (
    _aws_key_id,
    _aws_secret,
    _aws_session,
    _slack_token,
    _slack_webhook,
    _github,
    _gitlab,
    _url_password,
    _flag_password,
    _private_key,
    _bearer,
    _jwt,
    _google,
    _stripe,
    _generic_api_key,
    _client_secret,
)


def _value_for(secret: Secret) -> str:
    """What goes after the name: the secret, or the string that carries it."""
    if secret.fmt == "url-password":
        return f"postgres://app_user:{secret.value}@db.internal.example.com:5432/orders"
    if secret.fmt == "bearer-token":
        return f"Bearer {secret.value}"
    return secret.value


def _env(s: Secret) -> str:
    return f"# .env\n{s.name}={_value_for(s)}\nREGION=us-east-1"


def _env_suffixed(s: Secret) -> str:
    """Per-environment names: `DB_PASSWORD_PROD=`, `AWS_SECRET_ACCESS_KEY_2=`."""
    value = _value_for(s).replace("\n", "\\n")
    return f"{s.name}_PROD={value}\n{s.name.lower()}_2: {value}"


def _export(s: Secret) -> str:
    value = _value_for(s)
    if "\n" in value:
        return f'export {s.name}="{value}"'
    return f"$ export {s.name}='{value}'\n$ {s.cli}"


def _json(s: Secret) -> str:
    return json.dumps({"Environment": {"Variables": {s.name: _value_for(s), "STAGE": "prod"}}})


def _yaml(s: Secret) -> str:
    value = _value_for(s)
    if "\n" in value:
        body = "\n".join("      " + line for line in value.splitlines())
        return f"env:\n  - name: {s.name}\n    value: |\n{body}"
    return f"spec:\n  env:\n    {s.name.lower()}: {value}\n    region: us-east-1"


def _url(s: Secret) -> str:
    if s.fmt in ("slack-webhook", "url-password"):
        return f"see <{_value_for(s)}|the endpoint>"
    value = s.value.replace("\n", "\\n")
    return f"GET https://api.example.com/v1/items?{s.name.lower()}={value}"


def _stack(s: Secret) -> str:
    value = _value_for(s).replace("\n", "\\n")
    return (
        "Traceback (most recent call last):\n"
        '  File "/srv/app/deploy.py", line 42, in <module>\n'
        f'    client = make_client({s.name.lower()}="{value}")\n'
        '  File "/srv/app/aws.py", line 7, in make_client\n'
        "    raise RuntimeError(kwargs)\n"
        f"RuntimeError: {{'{s.name.lower()}': '{value}'}}"
    )


def _code_block(s: Secret) -> str:
    return f"```\n$ {s.cli}\n```"


def _terraform(s: Secret) -> str:
    value = _value_for(s).replace("\n", "\\n")
    return (
        "Terraform will perform the following actions:\n"
        "  # aws_lambda_function.api will be updated in-place\n"
        f'      + {s.name.lower()} = "{value}"\n'
        "Outputs:\n\n"
        f'{s.name.lower()} = "{value}"'
    )


def _log(s: Secret) -> str:
    value = _value_for(s).replace("\n", "\\n")
    return f"2026-11-30T01:02:03.456Z ERROR worker-3 config loaded {s.name}={value} attempt=2"


def _escaped(s: Secret) -> str:
    """As Slack sends it: &lt; &gt; &amp; escaped, links in angle brackets."""
    value = _value_for(s).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return f"&gt; {s.name}={value}"


CONTEXTS: dict[str, Callable[[Secret], str]] = {
    "env-file": _env,
    "env-suffixed": _env_suffixed,
    "cli-line": _export,
    "json": _json,
    "yaml": _yaml,
    "url": _url,
    "stack-trace": _stack,
    "code-block": _code_block,
    "terraform": _terraform,
    "log-line": _log,
    "slack-escaped": _escaped,
}


def planted(n: int, seed: int) -> list[Planted]:
    """`n` secrets, cycling through every format x context pair."""
    rng = random.Random(seed)
    contexts = list(CONTEXTS.items())
    out: list[Planted] = []
    for i in range(n):
        make = FORMATS[i % len(FORMATS)]
        context_name, context = contexts[(i // len(FORMATS) + i) % len(contexts)]
        secret = make(rng)
        out.append(Planted(secret.fmt, context_name, context(secret), secret.needles))
    return out


_SERVICES = (
    ("s3", "GetObject", "arn:aws:s3:::logs-{n}/2026/11/30/app.log"),
    ("dynamodb", "Query", "arn:aws:dynamodb:us-east-1:{acct}:table/orders-{n}"),
    ("kms", "Decrypt", "arn:aws:kms:eu-west-1:{acct}:key/{uuid}"),
    ("sqs", "SendMessage", "arn:aws:sqs:us-west-2:{acct}:jobs-{n}"),
    ("lambda", "InvokeFunction", "arn:aws:lambda:us-east-1:{acct}:function:api-{n}"),
    ("secretsmanager", "GetSecretValue", "arn:aws:secretsmanager:us-east-1:{acct}:secret:db-{n}"),
    ("ssm", "GetParameter", "arn:aws:ssm:us-east-1:{acct}:parameter/app/token-name-{n}"),
    ("iam", "PassRole", "arn:aws:iam::{acct}:role/service-role/deploy-{n}"),
)


def harmless(n: int, seed: int) -> list[str]:
    """`n` AWS error lines without any secret (they should come back unchanged)."""
    rng = random.Random(seed)
    lines: list[str] = []
    for i in range(n):
        acct = f"{rng.randrange(10**11, 10**12)}"
        service, action, resource = _SERVICES[i % len(_SERVICES)]
        uuid = "-".join(_r(rng, "0123456789abcdef", k) for k in (8, 4, 4, 4, 12))
        res = resource.format(n=i, acct=acct, uuid=uuid)
        request_id = uuid.upper()
        kind = i % 10
        if kind == 0:
            line = (
                f"User: arn:aws:sts::{acct}:assumed-role/Admin-{i}/session-{i} is not authorized "
                f"to perform: {service}:{action} on resource: {res} because no identity-based "
                f"policy allows the {service}:{action} action"
            )
        elif kind == 1:
            line = (
                f"An error occurred (AccessDenied) when calling the {action} operation: User: "
                f"arn:aws:iam::{acct}:user/ci-{i} is not authorized to perform: "
                f"{service}:{action} on resource: {res} with an explicit deny in a service "
                f"control policy: arn:aws:organizations::{acct}:policy/"
                f"o-{_r(rng, 'abcdef0123456789', 10)}/"
                f"service_control_policy/p-{_r(rng, 'abcdef0123456789', 8)}"
            )
        elif kind == 2:
            line = (
                f"AccessDeniedException: User: arn:aws:iam::{acct}:user/bot-{i} is not authorized "
                f"to perform: {service}:{action} (Service: {service}, Status Code: 400, Request "
                f"ID: {request_id})"
            )
        elif kind == 3:
            host_id = base64.b64encode(rng.randbytes(57)).decode()
            line = (
                f"<Error><Code>AccessDenied</Code><Message>Access Denied</Message><RequestId>"
                f"{_r(rng, _UPPER_DIGITS, 16)}</RequestId><HostId>{host_id}</HostId></Error>"
            )
        elif kind == 4:
            encoded = _r(rng, _URLSAFE, 300)
            line = (
                "An error occurred (UnauthorizedOperation) when calling the RunInstances "
                "operation: You are not authorized to perform this operation. Encoded "
                f"authorization failure message: {encoded}"
            )
        elif kind == 5:
            line = (
                f'{{"userIdentity": {{"type": "IAMUser", "principalId": "AIDA'
                f'{_r(rng, _UPPER_DIGITS, 17)}", "arn": "arn:aws:iam::{acct}:user/dev-{i}", '
                f'"accountId": "{acct}"}}, "eventName": "{action}", "errorCode": "AccessDenied"}}'
            )
        elif kind == 6:
            line = (
                f"User: arn:aws:sts::{acct}:assumed-role/AROA{_r(rng, _UPPER_DIGITS, 17)}/i-"
                f"{_r(rng, '0123456789abcdef', 17)} is not authorized to perform: "
                f"{service}:{action} on resource: {res}"
            )
        elif kind == 7:
            line = (
                f"error: deploy {_r(rng, '0123456789abcdef', 40)} failed: AccessDenied: "
                f"{service}:{action} denied on {res} (request {request_id}); key "
                f"alias/app-{i} key id {uuid}"
            )
        elif kind == 8:
            line = (
                f"botocore.exceptions.ClientError: An error occurred (AccessDenied) when calling "
                f"the AssumeRole operation: User: arn:aws:iam::{acct}:user/svc-{i} is not "
                f"authorized to perform: sts:AssumeRole on resource: "
                f"arn:aws:iam::{acct}:role/cross-account-{i}"
            )
        else:
            line = (
                f"Error: creating {service} resource ({res}): operation error {service}: "
                f"{action}, https response error StatusCode: 403, RequestID: {request_id}, api "
                f"error AccessDeniedException: access token expired? no: missing permission "
                f"{service}:{action} for session-token-name-{i} ssm:/app/password-hint-{i}"
            )
        lines.append(line)
    return lines
