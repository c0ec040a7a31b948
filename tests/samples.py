"""Pasted denials (and a secret) shared by the bot's end-to-end tests, so each test module does not
carry its own copy."""

from __future__ import annotations

__all__ = ["DENIAL", "DENIAL_2", "DENIAL_2_OTHER_ACCOUNT", "SECRET_KEY"]

# An explicit deny in an SCP, for an assumed-role session (one incident: s3:PutObject).
DENIAL = (
    "User: arn:aws:sts::111122223333:assumed-role/deploy/ci-42 is not authorized to perform: "
    "s3:PutObject on resource: arn:aws:s3:::artifacts/build.zip with an explicit deny in a "
    "service control policy"
)
# An implicit deny in an identity-based policy, for an IAM user (dynamodb:PutItem).
DENIAL_2 = (
    "User: arn:aws:iam::111122223333:user/bob is not authorized to perform: dynamodb:PutItem on "
    "resource: arn:aws:dynamodb:us-east-1:111122223333:table/orders because no identity-based "
    "policy allows the dynamodb:PutItem action"
)
# The same as DENIAL_2 in another account (a second fingerprint beside DENIAL's).
DENIAL_2_OTHER_ACCOUNT = DENIAL_2.replace("111122223333", "444455556666")
# AWS's documented example secret access key: a value the redactor must remove.
SECRET_KEY = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
