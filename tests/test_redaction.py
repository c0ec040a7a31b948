"""`core.redact`: realistic pastes lose their secrets and keep everything else, byte for byte.

Secret values are assembled from pieces (`"xox" + "b-..."`) so that secret scanners do not flag this
file; the AWS values are the documentation's own examples.
"""

from __future__ import annotations

import dataclasses
import json
import re
import subprocess
import sys
from importlib import resources
from pathlib import Path

import pytest

import core
from core.redaction import (
    MARKER_PREFIX,
    Finding,
    Redaction,
    _present_needles,
    _scan,
    known_kinds,
    marker,
    redact,
)
from core.redaction.rules import RULES_FILE, load_rules, rules

AKID = "AKIA" + "IOSFODNN7EXAMPLE"
ASID = "ASIA" + "Y34FZKBOKMUTVV7A"
SECRET = "wJalrXUtnFEMI/K7MDENG/" + "bPxRfiCYEXAMPLEKEY"
SECRET2 = "je7MtGbClwBF/2Zp9Utk/" + "h3yCo8nvbEXAMPLEKEY"
TOKEN = (
    "IQoJb3JpZ2luX2VjEJr//////////wEaCXVzLWVhc3QtMSJHMEUCIQD6gWbZb2YxEXAMPLEaBcDeFgHiJkLmNoPq"
    "RsTuVwXyZ0123456789+/abcdEFGHijklMNOPqrstUVWXyz0123456789abcdEFGH/ijklMNOP+qrstUVWX=="
)
OLD_TOKEN = "FwoGZXIvYXdz" + "EJr//////////wEaDExAMPLEtOkEnAbCdEfGhIjKlMnOpQrStUvWxYz0123456789Ab"
SLACK_BOT = "xox" + "b-123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx"
SLACK_USER = "xox" + "p-123456789012-123456789012-1234567890123-0123456789abcdef0123456789abcdef"
SLACK_APP = "xap" + "p-1-A0123456789-1234567890123-0123456789abcdef0123456789abcdef0123456789ab"
SLACK_ROTATING = "xoxe" + ".xoxp-1-Mi0yLTEyMzQ1Njc4OTAxMi0xMjM0NTY3ODkwMTIzLTEyMzQ1Njc4OTAxMjM0"
SLACK_REFRESH = "xox" + "e-1-My0xLTEyMzQ1Njc4OTAxMi0xMjM0NTY3ODkwMTIzLWFiY2RlZg"
WEBHOOK_PATH = "T00000000/B00000000/" + "XXXXXXXXXXXXXXXXXXXXXXXX"
GITHUB_PAT = "gh" + "p_" + "A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8"
GITHUB_FINE = (
    "github" + "_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJKLMNOPQRSTUV"
)
GITLAB = "gl" + "pat-AbCdEfGhIjKlMnOpQrSt"
GOOGLE = "AI" + "zaSyA-1234567890abcdefghijklmnopqrstu"
STRIPE = "sk" + "_live_" + "4eC39HqLyjWDarjtT1zdp7dc"
JWT = (
    "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9"
    ".eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ"
    ".SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c"
)
PEM_BODY = (
    "MIIEowIBAAKCAQEAu1SU1LfVLPHCozMxH2Mo4lgOEePzNm0tRgeLezV6ffAt0gun\n"
    "VTLw7onLRnrq0/IzW7yWR7QkrmBL7jTKEn5u+qKhbwKfBstIs+bMY2Zkp18gnTxK\n"
    "LxoS2tFczGkPLPgizskuemMghRniWaoLcyehkd3qqGElvW/VDL5AaWTg0nLVkjRo\n"
    "9z+40RQzuVaE8AkAFmxZzow3x+VJYKdjykkJ0iT9wCS0DRTXu269V264Vf/3jvre\n"
    "AbCd==\n"
)
CORPUS = Path(__file__).parent / "corpus" / "pastes.jsonl"
SEED = Path(__file__).parent.parent.parent / "shared" / "corpus" / "seed_examples.jsonl"

RSA_KEY = f"-----BEGIN RSA PRIVATE KEY-----\n{PEM_BODY}-----END RSA PRIVATE KEY-----"

# (name, paste, [(kind, secret), ...] in order of position)
PLANTED: list[tuple[str, str, list[tuple[str, str]]]] = [
    (
        "export lines",
        f"export AWS_ACCESS_KEY_ID={AKID}\nexport AWS_SECRET_ACCESS_KEY={SECRET}\n"
        f"export AWS_SESSION_TOKEN={TOKEN}\naws s3 ls",
        [("aws-access-key-id", AKID), ("aws-secret-key", SECRET), ("aws-session-token", TOKEN)],
    ),
    (
        "env file with quotes",
        f'AWS_ACCESS_KEY_ID="{AKID}"\nAWS_SECRET_ACCESS_KEY="{SECRET}"\nAWS_REGION=us-east-1\n',
        [("aws-access-key-id", AKID), ("aws-secret-key", SECRET)],
    ),
    (
        "credentials file",
        f"[default]\naws_access_key_id = {AKID}\naws_secret_access_key = {SECRET}\n\n[ci]\n"
        f"aws_access_key_id={ASID}\naws_secret_access_key={SECRET2}\naws_session_token={OLD_TOKEN}\n",
        [
            ("aws-access-key-id", AKID),
            ("aws-secret-key", SECRET),
            ("aws-access-key-id", ASID),
            ("aws-secret-key", SECRET2),
            ("aws-session-token", OLD_TOKEN),
        ],
    ),
    (
        "aws configure prompts",
        f"$ aws configure\nAWS Access Key ID [None]: {AKID}\nAWS Secret Access Key [None]: "
        f"{SECRET}\n"
        "Default region name [None]: us-west-2\nDefault output format [None]: json",
        [("aws-access-key-id", AKID), ("aws-secret-key", SECRET)],
    ),
    (
        "aws configure prompts over a masked value",
        f"AWS Access Key ID [****************MPLE]: {AKID}\n"
        f"AWS Secret Access Key [****************EKEY]: {SECRET}",
        [("aws-access-key-id", AKID), ("aws-secret-key", SECRET)],
    ),
    (
        "aws configure set",
        f"aws configure set aws_secret_access_key {SECRET} --profile ci",
        [("aws-secret-key", SECRET)],
    ),
    (
        "sts assume-role JSON",
        json.dumps(
            {
                "Credentials": {
                    "AccessKeyId": ASID,
                    "SecretAccessKey": SECRET,
                    "SessionToken": TOKEN,
                    "Expiration": "2026-11-30T01:00:00+00:00",
                },
                "AssumedRoleUser": {
                    "AssumedRoleId": "AROA3XFRBF535PLBIFPI4:s3-access-example",
                    "Arn": "arn:aws:sts::123456789012:assumed-role/xaccounts3access/"
                    "s3-access-example",
                },
            },
            indent=4,
        ),
        [("aws-access-key-id", ASID), ("aws-secret-key", SECRET), ("aws-session-token", TOKEN)],
    ),
    (
        "sts XML response",
        f"<Credentials>\n  <SessionToken>{TOKEN}</SessionToken>\n"
        f"  <SecretAccessKey>{SECRET}</SecretAccessKey>\n  <AccessKeyId>{ASID}</AccessKeyId>\n"
        "</Credentials>",
        [("aws-session-token", TOKEN), ("aws-secret-key", SECRET), ("aws-access-key-id", ASID)],
    ),
    (
        "export-credentials powershell",
        f'$Env:AWS_ACCESS_KEY_ID="{ASID}"\n$Env:AWS_SECRET_ACCESS_KEY="{SECRET}"\n'
        f'$Env:AWS_SESSION_TOKEN="{TOKEN}"',
        [("aws-access-key-id", ASID), ("aws-secret-key", SECRET), ("aws-session-token", TOKEN)],
    ),
    (
        "console credentials CSV",
        f"Access key ID,Secret access key\n{AKID},{SECRET}\n",
        [("aws-access-key-id", AKID), ("aws-secret-key", SECRET)],
    ),
    (
        "key id, secret and token as CSV and as three lines",
        f"{ASID},{SECRET},{OLD_TOKEN}{'x' * 60}\n\n{ASID}\n{SECRET2}\n{'Zm9v' * 40}\n",
        [
            ("aws-access-key-id", ASID),
            ("aws-secret-key", SECRET),
            ("aws-session-token", OLD_TOKEN + "x" * 60),
            ("aws-access-key-id", ASID),
            ("aws-secret-key", SECRET2),
            ("aws-session-token", "Zm9v" * 40),
        ],
    ),
    (
        "key id and secret on adjacent lines",
        f"here are the keys for the sandbox:\n{AKID}\n{SECRET}\nthey stopped working today",
        [("aws-access-key-id", AKID), ("aws-secret-key", SECRET)],
    ),
    (
        "Java credentials in a stack trace",
        "com.amazonaws.services.s3.model.AmazonS3Exception: Access Denied (Service: Amazon S3; "
        "Status Code: 403; Error Code: AccessDenied; Request ID: 4442587FB7D0A2F9)\n"
        f"\tat com.example.Uploader.<init>(Uploader.java:42) creds=new "
        f'BasicAWSCredentials("{AKID}",'
        f' "{SECRET}")',
        [("aws-access-key-id", AKID), ("aws-secret-key", SECRET)],
    ),
    (
        "Python traceback with boto3 arguments",
        'Traceback (most recent call last):\n  File "deploy.py", line 7, in <module>\n'
        f"    s3 = boto3.client('s3', aws_access_key_id='{AKID}', "
        f"aws_secret_access_key='{SECRET}')\n"
        "botocore.exceptions.ClientError: An error occurred (AccessDenied) when calling the "
        "PutObject operation: Access Denied",
        [("aws-access-key-id", AKID), ("aws-secret-key", SECRET)],
    ),
    (
        "Terraform provider block",
        f'provider "aws" {{\n  region     = "us-east-1"\n  access_key = "{AKID}"\n'
        f'  secret_key = "{SECRET}"\n}}',
        [("aws-access-key-id", AKID), ("aws-secret-key", SECRET)],
    ),
    (
        "Kubernetes env list",
        f"env:\n  - name: AWS_ACCESS_KEY_ID\n    value: {AKID}\n"
        f"  - name: AWS_SECRET_ACCESS_KEY\n    value: {SECRET}\n",
        [("aws-access-key-id", AKID), ("aws-secret-key", SECRET)],
    ),
    (
        "ECS task definition environment",
        json.dumps({"environment": [{"name": "DB_PASSWORD", "value": "Tr0ub4dor&3"}]}),
        [("password", "Tr0ub4dor&3")],
    ),
    (
        "presigned URL",
        "curl 'https://b.s3.amazonaws.com/k?X-Amz-Algorithm=AWS4-HMAC-SHA256"
        f"&X-Amz-Credential={ASID}%2F20261130%2Fus-east-1%2Fs3%2Faws4_request"
        "&X-Amz-Security-Token=IQoJb3JpZ2luX2VjEJr%2F%2F%2F%2F%2F%2F%2F%2F%2F%2FwEaCXVzLWVhc3Qt"
        "MSJHMEUCIQD6gWbZb2Yx&X-Amz-Signature=" + "0a1b2c3d" * 8 + "'",
        [
            ("aws-access-key-id", ASID),
            (
                "aws-session-token",
                "IQoJb3JpZ2luX2VjEJr%2F%2F%2F%2F%2F%2F%2F%2F%2F%2FwEaCXVzLWVhc3QtMSJHMEUCIQD6gWbZb2Yx",
            ),
        ],
    ),
    (
        "bare session token in a debug log",
        f"2026-11-30 01:02:03 DEBUG botocore.endpoint headers={{'X-Amz-Date': b'20261130T010203Z', "
        f"'X-Amz-Security-Token': b'{TOKEN}'}}",
        [("aws-session-token", TOKEN)],
    ),
    (
        "Slack tokens in an env file",
        f"SLACK_BOT_TOKEN={SLACK_BOT}\nSLACK_APP_TOKEN={SLACK_APP}\nSLACK_USER_TOKEN='{SLACK_USER}'\n",
        [("slack-token", SLACK_BOT), ("slack-token", SLACK_APP), ("slack-token", SLACK_USER)],
    ),
    (
        "Slack rotating and refresh tokens",
        f'{{"access_token": "{SLACK_ROTATING}", "refresh_token": "{SLACK_REFRESH}"}}',
        [("slack-token", SLACK_ROTATING), ("slack-token", SLACK_REFRESH)],
    ),
    (
        "Slack webhook in a code block",
        f'```\ncurl -X POST -d \'{{"text":"hi"}}\' https://hooks.slack.com/services/{WEBHOOK_PATH}\n```',
        [("slack-webhook", WEBHOOK_PATH)],
    ),
    (
        "Slack signing secret",
        "SLACK_SIGNING_SECRET=8f742231b10e8888abcd99yyyzzz85a5",
        [("api-key", "8f742231b10e8888abcd99yyyzzz85a5")],
    ),
    (
        "database URLs",
        "DATABASE_URL=postgres://app:s3cr3t-Pw@db.internal:5432/app\n"
        "REDIS_URL=redis://:r3d1s-pw@cache:6379/0\n"
        "jdbc:mysql://db:3306/app?user=app&password=j4v4pw&useSSL=true",
        [("password", "s3cr3t-Pw"), ("password", "r3d1s-pw"), ("password", "j4v4pw")],
    ),
    (
        "psql with PGPASSWORD and a URL",
        "PGPASSWORD=hunter2 psql -h db -U app\npsql 'postgresql://app:Pa55word@db.internal/app'",
        [("password", "hunter2"), ("password", "Pa55word")],
    ),
    (
        "mysql command lines",
        "mysql -h db.internal -u admin -pS3cr3t! mydb\nmysqldump -uroot -pr00tpw "
        "--all-databases > x.sql",
        [("password", "S3cr3t!"), ("password", "r00tpw")],
    ),
    (
        "password flags",
        "aws iam create-login-profile --user-name bob --password 'N3w-P@ss' "
        "--password-reset-required\n"
        "aws rds create-db-instance --master-user-password=Sup3rS3cret --db-instance-identifier x",
        [("password", "N3w-P@ss"), ("password", "Sup3rS3cret")],
    ),
    (
        "docker login",
        "docker login -u AWS -p eyJwYXlsb2FkIjoiSGVsbG8ifQ== https://123456789012.dkr.ecr.us-east-1.amazonaws.com",
        [("password", "eyJwYXlsb2FkIjoiSGVsbG8ifQ==")],
    ),
    (
        "sshpass, redis-cli, curl -u, openssl",
        "sshpass -p 'hunter2' ssh deploy@10.0.0.5\nredis-cli -h cache -a s3cretpass PING\n"
        "curl -u admin:adm1nPw https://api.example.com/x\n"
        "openssl rsa -in k.pem -passin pass:0pensslPw",
        [
            ("password", "hunter2"),
            ("password", "s3cretpass"),
            ("password", "adm1nPw"),
            ("password", "0pensslPw"),
        ],
    ),
    (
        "passwords in YAML and JSON",
        "database:\n  host: db\n  username: app\n  password: hunter2\n"
        '{"user": "bob", "password": "correct horse battery staple"}\n'
        "DB_PASSWORD='p@ss w0rd'\nMYSQL_PWD=mysqlpw1\n",
        [
            ("password", "hunter2"),
            ("password", "correct horse battery staple"),
            ("password", "p@ss w0rd"),
            ("password", "mysqlpw1"),
        ],
    ),
    (
        "Secrets Manager output",
        '{\n    "ARN": "arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/db-AbCdEf",\n'
        '    "Name": "prod/db",\n'
        '    "SecretString": "{\\"username\\":\\"admin\\",\\"password\\":\\"hunter2\\"}",\n'
        '    "VersionStages": ["AWSCURRENT"]\n}',
        [("secret-value", '{\\"username\\":\\"admin\\",\\"password\\":\\"hunter2\\"}')],
    ),
    (
        "private key block",
        f"my deploy key doesn't work:\n{RSA_KEY}\nthanks!",
        [("private-key", RSA_KEY)],
    ),
    (
        "truncated private key",
        "-----BEGIN OPENSSH PRIVATE KEY-----\n"
        "b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAABlwAAAAdzc2gtcn\n"
        "NhAAAAAwEAAQAAAYEAzz0123456789abcdef\n\nis this the problem?",
        [
            (
                "private-key",
                "-----BEGIN OPENSSH PRIVATE KEY-----\n"
                "b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAABlwAAAAdzc2gtcn\n"
                "NhAAAAAwEAAQAAAYEAzz0123456789abcdef",
            )
        ],
    ),
    (
        "private key in service-account JSON",
        '{"type": "service_account", "private_key_id": "0123456789abcdef0123456789abcdef01234567", '
        '"private_key": "-----BEGIN PRIVATE '
        "KEY-----\\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7"
        '\\nabcdefghijklmnopqrstuvwxyz0123\\n-----END PRIVATE KEY-----\\n", "client_email": '
        '"x@p.iam.gserviceaccount.com"}',
        [
            (
                "private-key",
                "-----BEGIN PRIVATE KEY-----\\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7"
                "\\nabcdefghijklmnopqrstuvwxyz0123\\n-----END PRIVATE KEY-----",
            )
        ],
    ),
    (
        "bearer and basic headers",
        "curl -H 'Authorization: Bearer abcdef0123456789abcdef0123456789' https://x\n"
        "Authorization: Basic dXNlcjpwYXNzd29yZA==",
        [
            ("bearer-token", "abcdef0123456789abcdef0123456789"),
            ("basic-auth", "dXNlcjpwYXNzd29yZA=="),
        ],
    ),
    (
        "bearer JWT and a bare JWT",
        f"Authorization: Bearer {JWT}\nid_token was {JWT}",
        [("bearer-token", JWT), ("jwt", JWT)],
    ),
    (
        "GitHub, GitLab, Google, Stripe tokens",
        f"GITHUB_TOKEN={GITHUB_PAT}\ngh auth login --with-token <<< {GITHUB_FINE}\n"
        f"token: {GITLAB}\nkey={GOOGLE}\nstripe.api_key = '{STRIPE}'",
        [
            ("github-token", GITHUB_PAT),
            ("github-token", GITHUB_FINE),
            ("gitlab-token", GITLAB),
            ("google-api-key", GOOGLE),
            ("stripe-key", STRIPE),
        ],
    ),
    (
        "generic API key assignments",
        "X-API-KEY: 9f8e7d6c5b4a39281716afbecd\nclient_secret = 'abc123def456ghi789jkl012'",
        [("api-key", "9f8e7d6c5b4a39281716afbecd"), ("api-key", "abc123def456ghi789jkl012")],
    ),
    (
        "credential flags",
        "kubectl get pods --token=eyJhbGciOiJSUzI1NiIsImtpZCI6IjEyMyJ9x9 --server https://k8s\n"
        "tool --api-key 9f8e7d6c5b4a39281716afbecd run --slack-bot-token=abc1234567890abcdefgh",
        [
            ("api-key", "eyJhbGciOiJSUzI1NiIsImtpZCI6IjEyMyJ9x9"),
            ("api-key", "9f8e7d6c5b4a39281716afbecd"),
            ("api-key", "abc1234567890abcdefgh"),
        ],
    ),
    (
        "Docker config, PuTTY key, SendGrid, Azure connection string",
        '{"auths": {"https://index.docker.io/v1/": {"auth": "dXNlcm5hbWU6cGFzc3dvcmQ="}}}\n'
        "PuTTY-User-Key-File-2: ssh-rsa\nEncryption: none\nPublic-Lines: 1\n"
        "AAAAB3NzaC1yc2EAAAABJQAAAQEA\nPrivate-Lines: 2\nAAABAQCfake0123456789abcdefABCDEF\n"
        "AAAAgQDfake0123456789==\nPrivate-MAC: 0123abcd\n"
        "SENDGRID_KEY="
        + "SG."
        + "abcdefghijklmnopqrstuv.abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG\n"
        "DefaultEndpointsProtocol=https;AccountName=acct;"
        "AccountKey=Zm9vYmFyYmF6cXV4MTIzNDU2Nzg5MGFiY2RlZg==;EndpointSuffix=core.windows.net",
        [
            ("basic-auth", "dXNlcm5hbWU6cGFzc3dvcmQ="),
            ("private-key", "AAABAQCfake0123456789abcdefABCDEF\nAAAAgQDfake0123456789=="),
            (
                "sendgrid-key",
                "SG." + "abcdefghijklmnopqrstuv.abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG",
            ),
            ("api-key", "Zm9vYmFyYmF6cXV4MTIzNDU2Nzg5MGFiY2RlZg=="),
        ],
    ),
    (
        "Slack mrkdwn and code fences around an env paste",
        f"> see below\n```AWS_SECRET_ACCESS_KEY={SECRET}```\n&gt; <https://u:pw123@git.example.com|repo>",
        [("aws-secret-key", SECRET), ("password", "pw123")],
    ),
]


@pytest.mark.parametrize(("name", "paste", "expected"), PLANTED, ids=[case[0] for case in PLANTED])
def test_planted_secrets_are_removed_and_the_rest_is_kept(
    name: str, paste: str, expected: list[tuple[str, str]]
) -> None:
    result = redact(paste)
    assert [(f.kind, paste[f.start : f.end]) for f in result.findings] == expected
    for kind, secret in expected:
        assert secret not in result.text
        assert marker(kind) in result.text
    assert result.text == _rebuild(paste, result.findings)
    assert redact(result.text) == Redaction(result.text)


HARMLESS = [
    "User: arn:aws:iam::123456789012:user/JohnDoe is not authorized to perform: "
    "codecommit:ListRepositories because no identity-based policy allows the "
    "codecommit:ListRepositories action",
    "User: arn:aws:sts::111122223333:assumed-role/role-name/role-session-name is not authorized to "
    "perform: SNS:Publish on resource: arn:aws:sns:us-east-1:444455556666:role-name-2 with an "
    "explicit deny in a VPC endpoint policy transitively through a service control policy",
    "An error occurred (AccessDeniedException) when calling the GetSecretValue operation: User: "
    "arn:aws:sts::123456789012:assumed-role/app-task/8f14e45fceea167a5a36dedd4bea2543 is not "
    "authorized to perform: secretsmanager:GetSecretValue on resource: "
    "arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/db/password-AbCdEf because no "
    "resource-based policy allows the secretsmanager:GetSecretValue action",
    "User: arn:aws:iam::123456789012:user/bob is not authorized to perform: iam:ChangePassword on "
    "resource: user bob with an explicit deny in a service control policy: "
    "arn:aws:organizations::123456789012:policy/o-a1b2c3d4e5/service_control_policy/p-examplepolicyid111",
    "An error occurred (UnauthorizedOperation) when calling the RunInstances operation: You are "
    "not "
    "authorized to perform this operation. User: arn:aws:sts::123456789012:assumed-role/dev/i-0abc "
    "is not authorized to perform: ec2:RunInstances on resource: "
    "arn:aws:ec2:us-east-1:123456789012:instance/* because no identity-based policy allows the "
    "ec2:RunInstances action. Encoded authorization failure message: "
    "4GIOHlTkIaWHQD0Q0m6XSnuUMCm-9vj2Kxz6wPEi1Ff5pVMJkBnhO6mF9dkHuV4_BYf8szhj1U7hPbZ-xH2wK3vYqRtLmN0"
    "-aB1cD2eF3gH4iJ5kL6mN7oP8qR9sT0uV1wX2yZ3_AbCdEfGhIjKlMnOpQrStUvWxYz-0123456789_abcdefghijklmnopq"
    "rstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_AKIAabcdefghijklmnop_xoxb9Zq8Yw7Xv6Ut5Sr4Qp3On2Ml1",
    '<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>AccessDenied</Code><Message>Access Denied'
    "</Message><RequestId>4442587FB7D0A2F9</RequestId><HostId>ZxKjYgBlzPR2qHnPpDtgVwAQ2+BPQxDBLNvHlE"
    "wiRsYqrNNpWZ36rAuJbHEZ1rnbVsmDMeIu0Lw=</HostId></Error>",
    "AccessDenied: Access Denied\n\tstatus code: 403, request id: 5YKSX3M5CH1TKT2V, host id: "
    "uUAsCNhZXN0Kb6L8WzjgDyJxKhfTu0mLcYR1sTYFp8eh3PqW+o0iKDfW5VgA6aGk3b9I3hVUpIo=",
    "com.amazonaws.services.s3.model.AmazonS3Exception: Access Denied (Service: Amazon S3; Status "
    "Code: 403; Error Code: AccessDenied; Request ID: 3Z7YKA8NJN2BR7DG; S3 Extended Request ID: "
    "xl5WZpL2G5aR0oVyJbLzqf6Hq+8sZL0y4uJ5b1dGZ1k9RM4vKq8xWbNn6tQ3YdA/5hkI8pJz0wE=; Proxy: null)",
    json.dumps(
        {
            "eventVersion": "1.08",
            "userIdentity": {
                "type": "AssumedRole",
                "principalId": "AROAEXAMPLEID1234567:ci-runner",
                "arn": "arn:aws:sts::111122223333:assumed-role/ci/ci-runner",
                "accountId": "111122223333",
                "sessionContext": {
                    "sessionIssuer": {
                        "type": "Role",
                        "principalId": "AROAEXAMPLEID1234567",
                        "arn": "arn:aws:iam::111122223333:role/ci",
                        "userName": "ci",
                    },
                    "attributes": {
                        "creationDate": "2026-11-30T00:00:00Z",
                        "mfaAuthenticated": "false",
                    },
                },
            },
            "eventTime": "2026-11-30T00:01:02Z",
            "eventSource": "s3.amazonaws.com",
            "eventName": "GetObject",
            "awsRegion": "us-east-1",
            "sourceIPAddress": "203.0.113.7",
            "userAgent": "aws-cli/2.15.0 Python/3.11.6 Linux/6.1 exe/x86_64 command/s3.cp",
            "errorCode": "AccessDenied",
            "errorMessage": "Access Denied",
            "requestParameters": {"bucketName": "artifacts", "key": "builds/2026/11/app-1.2.3.zip"},
            "requestID": "8F7C5B2E1D3A4C6B",
            "eventID": "8f7c5b2e-1d3a-4c6b-9e2f-0a1b2c3d4e5f",
            "readOnly": True,
            "eventType": "AwsApiCall",
            "recipientAccountId": "111122223333",
        }
    ),
    '{"allowed":false,"explicitDeny":false,"matchedStatements":{"items":[]},"failures":{"items":[]},'
    '"context":{"principal":{"id":"AROA123456789EXAMPLE:i-0abc","arn":"arn:aws:sts::123456789012:'
    'assumed-role/ec2-role/i-0abc"},"action":"ec2:RunInstances","resource":"arn:aws:ec2:us-east-1:'
    '123456789012:instance/*","conditions":{"items":[{"key":"aws:Resource","values":{"items":'
    '[{"value":"instance/*"}]}},{"key":"aws:Account","values":{"items":[{"value":"123456789012"}]}}]}}}',
    '{\n    "UserId": "AIDASAMPLEUSERID12345",\n    "Account": "123456789012",\n'
    '    "Arn": "arn:aws:iam::123456789012:user/DevAdmin"\n}',
    "An error occurred (AccessDeniedException) when calling the Decrypt operation: User: "
    "arn:aws:iam::123456789012:user/app is not authorized to perform: kms:Decrypt on resource: "
    "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab because no "
    "resource-based policy allows the kms:Decrypt action",
    "An error occurred (InvalidClientTokenId) when calling the GetCallerIdentity operation: The "
    "security token included in the request is invalid.",
    "An error occurred (ExpiredToken) when calling the ListBuckets operation: The provided "
    "token has "
    "expired. Your session token has expired, run aws sso login.",
    '{\n    "Users": [],\n    "NextToken": '
    '"eyJNYXJrZXIiOiBudWxsLCAiYm90b190cnVuY2F0ZV9hbW91bnQiOiAxfQ=="\n}',
    "      Name                    Value             Type    Location\n"
    "      ----                    -----             ----    --------\n"
    "   profile                <not set>             None    None\n"
    "access_key     ****************MPLE shared-credentials-file\n"
    "secret_key     ****************EKEY shared-credentials-file\n"
    "    region                us-east-1      config-file    ~/.aws/config",
    "│ Error: creating IAM Role (deploy): AccessDenied: User: "
    "arn:aws:sts::123456789012:assumed-role/"
    "tf/tf-run is not authorized to perform: iam:CreateRole on resource: arn:aws:iam::123456789012:"
    "role/deploy\n│ \tstatus code: 403, request id: 0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0\n│ \n│   "
    'with aws_iam_role.deploy,\n│   on main.tf line 12, in resource "aws_iam_role" "deploy":',
    "aws ecr get-login-password --region us-east-1 | docker login --username AWS --password-stdin "
    "123456789012.dkr.ecr.us-east-1.amazonaws.com",
    "see https://console.aws.amazon.com/iam/home?region=us-east-1#/roles/details/deploy?section"
    "=permissions "
    "and https://docs.aws.amazon.com/IAM/latest/UserGuide/troubleshoot_access-denied.html, "
    "s3://artifacts/builds/app.zip and <https://github.com/org/repo/pull/42|PR 42>",
    "image sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08 from commit "
    "4b825dc642cb6eb9a060e54bf8d69288fbee4904, md5 d41d8cd98f00b204e9800998ecf8427e",
    "Password does not conform to the account password policy. The password policy requires at "
    "least one uppercase letter. Bearer tokens are described in RFC 6750.",
    '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["sts:GetSessionToken",'
    '"iam:CreateAccessKey","secretsmanager:GetSecretValue","ssm:GetParameter"],"Resource":'
    '"arn:aws:ssm:us-east-1:123456789012:parameter/app/api_key","Condition":{"StringEquals":'
    '{"aws:PrincipalTag/team":"platform"}}}]}',
    "psql --no-password postgres://db.internal/app\n  + secret_key = (sensitive value)",
    "aws iam list-users --starting-token eyJNYXJrZXIiOiAxfQ1234 --next-token abc1234567890abcdef "
    "--client-token 0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0\n"
    "aws sts get-session-token --serial-number arn:aws:iam::123456789012:mfa/bob "
    "--token-code 123456",
    "valueFrom:\n  secretKeyRef:\n    name: aws\n    key: secret_access_key",
    "aws-access-key-id: ${{ secrets.AWS_ACCESS_KEY_ID }}\n"
    "aws-secret-access-key: ${{ secrets.AWS_SECRET_ACCESS_KEY }}",
    "mysql> SELECT user FROM mysql.user;\ndocker run -p 8080:80 -u 1000:1000 nginx\nmkdir -p "
    "/tmp/x && cp -pr a b",
    "ssh -i ~/.ssh/id_ed25519 ec2-user@ec2-203-0-113-7.compute-1.amazonaws.com -p 22",
    "kms key 1234abcd-12ab-34cd-56ef-1234567890ab (alias/prod-data), request "
    "8f7c5b2e-1d3a-4c6b-9e2f-0a1b2c3d4e5f",
    "ERROR 1045 (28000): Access denied for user 'app'@'10.0.3.17' (using password: YES)",
    "def connect(host: str, password: str) -> None:\n    token: Optional[str] = None\n"
    '    "password": null, "password": "HIDDEN_DUE_TO_SECURITY_REASONS"',
]


@pytest.mark.parametrize("text", HARMLESS)
def test_harmless_aws_text_comes_back_unchanged(text: str) -> None:
    result = redact(text)
    assert result.findings == ()
    assert result.text == text
    assert not result.found
    assert not result.has_secrets


def test_cloudtrail_event_comes_back_whole() -> None:
    """CloudTrail logs the key id of every call (never the secret); the event stays intact."""
    event = {
        "eventVersion": "1.09",
        "userIdentity": {
            "type": "AssumedRole",
            "principalId": "AROAEXAMPLEID1234567:bob@example.com",
            "arn": "arn:aws:sts::111122223333:assumed-role/AWSReservedSSO_Dev_0123abcd/"
            "bob@example.com",
            "accountId": "111122223333",
            "accessKeyId": ASID,
        },
        "eventSource": "dynamodb.amazonaws.com",
        "eventName": "PutItem",
        "errorCode": "AccessDenied",
        "errorMessage": "User: arn:aws:sts::111122223333:assumed-role/AWSReservedSSO_Dev_0123abcd/"
        "bob@example.com is not authorized to perform: dynamodb:PutItem on resource: "
        "arn:aws:dynamodb:us-east-1:111122223333:table/orders because no identity-based policy "
        "allows the dynamodb:PutItem action",
        "requestID": "V4J3R2L1K0QK9PJ8O7N6M5L4K3J2I1H0G9F8E7D6C5B4A3Z2Y1X0",
        "eventID": "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0",
    }
    for text in (
        json.dumps({"Records": [event]}),
        json.dumps(event, indent=2),
        json.dumps({"message": json.dumps(event)}),  # escaped, as a log shipper writes it
    ):
        assert redact(text) == Redaction(text)


def test_an_access_key_id_outside_cloudtrail_is_redacted() -> None:
    for text in (
        f'{{"AccessKeyId": "{ASID}"}}',
        f"accessKeyId: '{AKID}'",
        f"key id {AKID} was disabled",
        f"ok\n{AKID}\n",
    ):
        result = redact(text)
        assert result.kinds == ("aws-access-key-id",)
        assert AKID not in result.text and ASID not in result.text


def test_principal_unique_ids_are_not_access_keys() -> None:
    for prefix in ("AIDA", "AROA", "AGPA", "ANPA", "ANVA", "AIPA", "APKA", "ASCA"):
        text = f'"principalId": "{prefix}IOSFODNN7EXAMPLE:session"'
        assert redact(text).text == text


def test_each_access_key_prefix_that_is_a_credential() -> None:
    for prefix in ("AKIA", "ASIA", "ABIA", "ACCA"):
        key = prefix + "IOSFODNN7EXAMPLE"
        assert redact(f"key {key} here").text == "key [redacted:aws-access-key-id] here"


def test_api_and_properties() -> None:
    paste = f"AKID={AKID} and again {AKID}\nexport AWS_SECRET_ACCESS_KEY={SECRET}"
    result = redact(paste)
    assert result.found and result.has_secrets
    assert result.kinds == ("aws-access-key-id", "aws-secret-key")
    assert result.counts() == {"aws-access-key-id": 2, "aws-secret-key": 1}
    assert all(isinstance(f, Finding) for f in result.findings)
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.text = "x"  # type: ignore[misc]
    assert marker("password") == "[redacted:password]"
    assert marker("x").startswith(MARKER_PREFIX)
    assert core.redact is redact and core.Redaction is Redaction
    assert redact("") == Redaction("")


def test_findings_never_hold_the_secret() -> None:
    result = redact(f"aws_secret_access_key = {SECRET}")
    assert SECRET not in repr(result.findings)
    assert {field.name for field in dataclasses.fields(Finding)} == {"kind", "start", "end"}


def test_known_kinds_cover_at_least_twelve_formats() -> None:
    kinds = known_kinds()
    assert len(kinds) >= 12
    for kind in (
        "aws-access-key-id",
        "aws-secret-key",
        "aws-session-token",
        "slack-token",
        "slack-webhook",
        "password",
        "private-key",
        "bearer-token",
        "jwt",
        "github-token",
    ):
        assert kind in kinds
    for kind in kinds:
        assert re.fullmatch(r"[a-z0-9]+(?:-[a-z0-9]+)*", kind)


def test_odd_strings_do_not_raise() -> None:
    for text in (
        "\x00",
        "\ud800",
        "a\udfffb",
        "\u202e\u200b",
        "🙂" * 1000,
        "\r\n" * 1000,
        "password=\ud800\x00",
        "AKIA\ud800" * 100,
        "x" * 1_000_000,
    ):
        result = redact(text)
        assert result.text == _rebuild(text, result.findings)


def test_a_megabyte_paste_with_secrets_throughout() -> None:
    block = f"line ok\naws_secret_access_key = {SECRET}\nUser: arn:aws:iam::123456789012:user/x\n"
    text = block * (1_000_000 // len(block))
    result = redact(text)
    assert SECRET not in result.text
    assert len(result.findings) == text.count(SECRET)


def test_overlaps_resolve_to_the_earliest_then_longest() -> None:
    # The password rule and the Slack rule both see the same span: the table's order decides, and
    # the more specific rule comes first.
    assert redact(f"password={SLACK_BOT}").text == "password=[redacted:slack-token]"
    # A longer span that starts at the same place wins over the token inside it.
    result = redact(f"password={SLACK_BOT}!x")
    assert result.text == "password=[redacted:password]"
    assert len(result.findings) == 1


def test_a_secret_that_only_shows_once_its_neighbour_is_gone() -> None:
    # In the original the OpenSSL flag is glued to the token (no word boundary before `-passin`);
    # once the token is a marker it is a flag of its own: the re-scan finds it, and the positions
    # still refer to the original text.
    text = f"{GITHUB_PAT}-passin pass:0pensslPw"
    result = redact(text)
    assert [(f.kind, text[f.start : f.end]) for f in result.findings] == [
        ("github-token", GITHUB_PAT),
        ("password", "0pensslPw"),
    ]
    assert result.text == "[redacted:github-token]-passin pass:[redacted:password]"
    assert redact(result.text) == Redaction(result.text)


@pytest.mark.parametrize("kind", known_kinds())
def test_markers_are_inert(kind: str) -> None:
    """A needle inside a marker enables no match: the re-scan relies on it (see `redact`)."""
    every_needle = {needle for rule in rules() for needle in rule.needles}
    for before in ("", "x ", '"', "\n", "= ", "--", "Bearer ", "-----BEGIN RSA PRIVATE KEY-----\n"):
        for after in (
            "",
            ": abcdef0123456789ABCDEF/+=",
            "=abcdef0123456789ABCDEF",
            " Q7abcdef0123456789ab",
            '": "abcdef0123456789ABCDEF"',
            "\n  value: abc0123456789abcdef",
            "@db:5432",
        ):
            text = before + marker(kind) + after
            outside = _present_needles(before + "\x00" + after)
            assert _scan(text, every_needle) == _scan(text, outside), text


def test_markers_already_in_the_text_are_left_alone() -> None:
    text = "password=[redacted:password] and aws_secret_access_key: [redacted:aws-secret-key]"
    assert redact(text) == Redaction(text)


def test_values_that_are_not_secrets() -> None:
    for text in (
        "AWS_SECRET_ACCESS_KEY=${AWS_SECRET_ACCESS_KEY}",
        "AWS_SECRET_ACCESS_KEY=YOUR_SECRET_ACCESS_KEY",
        "password: <your password>",
        "password: !Ref DbPassword",
        "password = %(db_password)s",
        "--password $DB_PASSWORD",
        "aws-secret-access-key: ${{ secrets.AWS_SECRET_ACCESS_KEY }}",
        "mysql -u root -p mydb",
        "the secret key management page",
    ):
        assert redact(text) == Redaction(text), text


def test_the_classifier_corpora_are_left_alone() -> None:
    """The pastes the classifier is tested on are AWS errors, not secrets: at most 1% may change."""
    texts: list[str] = []
    for path in (CORPUS, SEED):
        if path.is_file():
            texts += [
                json.loads(line)["text"] for line in path.read_text("utf-8").splitlines() if line
            ]
    if not texts:
        pytest.skip("no corpus in this checkout")
    changed = [text[:80] for text in texts if redact(text).findings]
    assert len(changed) <= len(texts) // 100, changed


# --- the rules table -------------------------------------------------------------------------


def test_rules_ship_as_package_data() -> None:
    assert resources.files("core.redaction").joinpath(RULES_FILE).is_file()
    assert len(rules()) >= 20


def test_every_rule_is_documented() -> None:
    for rule in rules():
        assert rule.kind and rule.description
        assert rule.group in rule.regex.groupindex
        assert all(needle == needle.lower() for needle in rule.needles)


def _repeat_bounds(pattern: re.Pattern[str]) -> list[int]:
    """The upper bound of every repetition in a compiled pattern (MAXREPEAT when unbounded)."""
    from re import _constants, _parser  # type: ignore[attr-defined]

    repeats = (_constants.MAX_REPEAT, _constants.MIN_REPEAT, _constants.POSSESSIVE_REPEAT)
    bounds: list[int] = []

    def walk(items: object) -> None:
        for op, arg in items:  # type: ignore[attr-defined]
            if op in repeats:
                bounds.append(arg[1])
                walk(arg[2])
                continue
            for part in arg if isinstance(arg, (list, tuple)) else [arg]:
                for sub in part if isinstance(part, (list, tuple)) else [part]:
                    if isinstance(sub, _parser.SubPattern):
                        walk(sub)

    walk(_parser.parse(pattern.pattern, pattern.flags))
    return bounds


def test_no_rule_repeats_without_bound() -> None:
    """Linear time starts with bounded repetition: no `*`, `+` or `{n,}` in any pattern."""
    from re import _constants  # type: ignore[attr-defined]

    assert _constants.MAXREPEAT in _repeat_bounds(re.compile(r"x(?:a|(?=b*))"))  # the check works
    for rule in rules():
        bounds = _repeat_bounds(rule.regex)
        assert bounds, rule.description
        assert _constants.MAXREPEAT not in bounds, rule.description


def test_loader_reports_bad_tables() -> None:
    with pytest.raises(ValueError, match="unknown fragment"):
        load_rules('[[rule]]\nkind = "x"\ndescription = "d"\npattern = "{nope}(?P<secret>a)"\n')
    with pytest.raises(ValueError, match="no group"):
        load_rules('[[rule]]\nkind = "x"\ndescription = "d"\npattern = "a"\n')
    with pytest.raises(ValueError, match="needle"):
        load_rules(
            '[[rule]]\nkind = "x"\ndescription = "d"\nneedles = ["a]"]\npattern = "(?P<secret>a)"\n'
        )
    with pytest.raises(ValueError, match="rule 1"):
        load_rules('[[rule]]\nkind = "x"\ndescription = "d"\npattern = "(?P<secret>"\n')
    table = load_rules(
        '[words]\nw = ["key"]\n[fragments]\nf = "{w}="\n'
        '[[rule]]\nkind = "k"\ndescription = "d"\npattern = ["{f}", "(?P<secret>[0-9]{1,3})"]\n'
    )
    assert [bool(table[0].regex.fullmatch(s)) for s in ("key=1", "KEY=2", "Key=3", "kEy=4")] == [
        True,
        True,
        True,
        False,
    ]
    behind = load_rules(
        '[words]\nw = ["api", "client"]\n'
        '[[rule]]\nkind = "k"\ndescription = "d"\npattern = "key{w<3}=(?P<secret>[0-9]{1,3})"\n'
    )[0].regex
    probes = ("api_key=1", "CLIENT-key=2", "apikey=3", "sort_key=4")
    assert [bool(behind.search(s)) for s in probes] == [
        True,
        True,
        True,
        False,
    ]
    with pytest.raises(ValueError, match="needs a"):
        load_rules('[[rule]]\nkind = "k"\ndescription = "d"\npattern = "{nope<3}(?P<secret>a)"\n')


def test_import_stays_light() -> None:
    code = (
        "import core.redaction, sys; core.redaction.redact('x'); print('pydantic' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def _rebuild(text: str, findings: tuple[Finding, ...]) -> str:
    """The original with each finding replaced by its marker: what `redact` must return."""
    parts: list[str] = []
    position = 0
    for finding in findings:
        parts.append(text[position : finding.start])
        parts.append(marker(finding.kind))
        position = finding.end
    parts.append(text[position:])
    return "".join(parts)
