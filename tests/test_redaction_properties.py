"""Properties of `core.redact`, checked with hypothesis.

- Any `str` (NUL, lone surrogates, huge, hostile): no exception; the output is the input with each
  finding replaced by its marker; findings are sorted, disjoint and inside the text.
- Idempotence: the redacted text redacts to itself, with nothing more to find.
- Text that cannot hold a secret (built from an alphabet and structure that no rule accepts) comes
  back unchanged.
- A generated secret planted in generated harmless context is removed, the context kept byte for
  byte.
"""

from __future__ import annotations

from collections.abc import Callable

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from test_redaction import AKID, HARMLESS

from core.redaction import Finding, known_kinds, marker, redact

# --- any text ------------------------------------------------------------------------------------

ANY_CHAR = st.characters(codec=None, exclude_categories=()) | st.sampled_from(
    ["\x00", "\ud800", "\udfff", "\u200b", "\u202e", "\ufeff", "🙂", "\r", "\n", "\t"]
)

# Syntax that the rules care about, to be shuffled into hostile pastes.
TOKENS = [
    "AKIA",
    "ASIA",
    AKID,
    "ABCDEFGHIJKLMNOP",
    "abcdefghijklmnop",
    "0123456789",
    "wJalrXUtnFEMI/K7",
    "password",
    "Password",
    "PGPASSWORD",
    "passphrase",
    "_pwd",
    "secret",
    "SECRET_ACCESS_KEY",
    "aws_secret_access_key",
    "aws_session_token",
    "SessionToken",
    "api_key",
    "client_secret",
    "token",
    "key",
    "value",
    "name",
    "=",
    ":",
    ": ",
    " = ",
    "=>",
    " ",
    "\t",
    "\n",
    "\r\n",
    '"',
    "'",
    "\\",
    "\\n",
    '\\"',
    ",",
    ";",
    "&",
    "|",
    "(",
    ")",
    "[",
    "]",
    "{",
    "}",
    "<",
    ">",
    "/",
    "+",
    "-",
    "--",
    ".",
    "://",
    "postgres://",
    "@",
    "-----BEGIN RSA PRIVATE KEY-----",
    "-----END RSA PRIVATE KEY-----",
    "-----BEGIN",
    "PRIVATE KEY",
    "xoxb-",
    "xapp-",
    "xoxe.xoxp-",
    "hooks.slack.com/services/",
    "Bearer ",
    "bearer",
    "Authorization: ",
    "Basic ",
    "eyJ",
    "eyJhbGciOiJIUzI1NiJ9",
    "IQoJb3JpZ2lu",
    "FwoGZXIvYXdz",
    "ghp_",
    "github_pat_",
    "glpat-",
    "AIza",
    "sk_live_",
    "npm_",
    "mysql",
    " -p",
    "-p",
    " -u ",
    "docker login",
    "curl",
    "redis-cli",
    " -a ",
    "sshpass",
    "-passin pass:",
    "--password",
    "--password-stdin",
    "--secret-string",
    '"SecretString": "',
    "[redacted:",
    "[redacted:password]",
    "]",
    "$",
    "${",
    "<",
    "*",
    "!Ref",
    "null",
    "arn:aws:iam::123456789012:role/x",
    "s3:GetObject",
]

HOSTILE = st.lists(st.sampled_from(TOKENS) | st.text(ANY_CHAR, max_size=4), max_size=40).map(
    "".join
)

ANY_TEXT = st.text(ANY_CHAR, max_size=300) | HOSTILE


def _rebuild(text: str, findings: tuple[Finding, ...]) -> str:
    parts: list[str] = []
    position = 0
    for finding in findings:
        parts.append(text[position : finding.start])
        parts.append(marker(finding.kind))
        position = finding.end
    parts.append(text[position:])
    return "".join(parts)


@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ANY_TEXT)
@example("password=\ud800")
@example("AKIA" * 10_000)
@example("-----BEGIN RSA PRIVATE KEY-----\n" + "abc\n" * 5_000)
def test_any_text_redacts_cleanly(text: str) -> None:
    result = redact(text)
    kinds = set(known_kinds())
    previous_end = 0
    for finding in result.findings:
        assert previous_end <= finding.start < finding.end <= len(text)
        assert finding.kind in kinds
        previous_end = finding.end
    assert result.text == _rebuild(text, result.findings)


@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ANY_TEXT)
@example("password=[redacted:password]x")
@example("aws_secret_access_key=" + "A1" * 200)
def test_redaction_is_idempotent(text: str) -> None:
    once = redact(text)
    twice = redact(once.text)
    assert twice.text == once.text
    assert twice.findings == ()


# --- harmless text -------------------------------------------------------------------------------

# No upper case, digits, `e`, `o`, `-`, `_`, `=`, `:`, `/`, `@`, `.`: so no key prefix, no name a
# rule knows (every one holds an `e` or an `o`), no separator, no URL, no flag. Non-ASCII is free:
# every rule is ASCII.
SAFE_CHARS = st.sampled_from(list("abcdfghijklmnpqrstuvwxyz")) | st.sampled_from(
    [*" \t\n,;!?()'\"#%&*[]{}|<>", "é", "한", "글", "🙂", "\u200b", "\x00", "\ud800"]
)
SAFE_TEXT = st.text(SAFE_CHARS, max_size=200)

HARMLESS_CONTEXT = st.sampled_from(HARMLESS) | SAFE_TEXT


@settings(deadline=None)
@given(SAFE_TEXT)
def test_text_without_secrets_is_unchanged(text: str) -> None:
    assert redact(text).text == text


@settings(deadline=None)
@given(st.lists(st.sampled_from(HARMLESS), min_size=1, max_size=5))
def test_harmless_aws_lines_in_any_order_are_unchanged(lines: list[str]) -> None:
    text = "\n".join(lines)
    assert redact(text).text == text


# --- planted secrets -----------------------------------------------------------------------------

UPPER = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
LOWER = "abcdefghijklmnopqrstuvwxyz"
DIGITS = "0123456789"
B64 = UPPER + LOWER + DIGITS + "+/"


def _chars(alphabet: str, size: int, max_size: int | None = None) -> st.SearchStrategy[str]:
    return st.text(st.sampled_from(alphabet), min_size=size, max_size=max_size or size)


ACCESS_KEY_ID = st.tuples(st.sampled_from(["AKIA", "ASIA"]), _chars(UPPER + "234567", 16)).map(
    "".join
)
# 40 base64 characters holding an upper-case letter, a digit and a slash, as real keys do.
SECRET_KEY = _chars(B64, 37).map(lambda s: s[:10] + "Q/7" + s[10:])
SESSION_TOKEN = _chars(B64, 100, 600).map(lambda s: "IQoJb3JpZ2luX2VjE" + s + "==")
SLACK_TOKEN = st.tuples(
    _chars(DIGITS, 12), _chars(DIGITS, 13), _chars(UPPER + LOWER + DIGITS, 24)
).map(lambda p: f"xox{'b'}-{p[0]}-{p[1]}-{p[2]}")
GITHUB_TOKEN = _chars(UPPER + LOWER + DIGITS, 36).map(lambda s: "gh" + "p_" + s)
JWT = st.tuples(*(_chars(UPPER + LOWER + DIGITS + "_-", 10, 60) for _ in range(3))).map(
    lambda p: f"eyJ{p[0]}.eyJ{p[1]}.{p[2]}"
)
# Passwords: no blank, quote, separator or URL delimiter; a letter first and a digit last, so that
# no value reads as a placeholder or a constant.
PASSWORD = st.tuples(
    _chars(UPPER + LOWER, 1), _chars(UPPER + LOWER + DIGITS + "!#%^*_+~.", 0, 24), _chars(DIGITS, 1)
).map("".join)
PEM_KEY = st.lists(_chars(B64, 64), min_size=1, max_size=12).flatmap(
    lambda lines: _chars(B64, 1, 15).map(
        lambda last: (
            "-----BEGIN PRIVATE KEY-----\n"
            + "\n".join([*lines, last + "=="])
            + "\n-----END PRIVATE KEY-----"
        )
    )
)

# A template is a list of literal strings and (kind, secret) pairs.
Part = str | tuple[str, str]
Template = Callable[[str], list[Part]]

TEMPLATES: list[tuple[st.SearchStrategy[str], Template]] = [
    (ACCESS_KEY_ID, lambda s: ["aws_access_key_id = ", ("aws-access-key-id", s)]),
    (ACCESS_KEY_ID, lambda s: ['"AccessKeyId": "', ("aws-access-key-id", s), '",']),
    (SECRET_KEY, lambda s: ["export AWS_SECRET_ACCESS_KEY=", ("aws-secret-key", s)]),
    (SECRET_KEY, lambda s: ["aws_secret_access_key = ", ("aws-secret-key", s)]),
    (SECRET_KEY, lambda s: ['    "SecretAccessKey": "', ("aws-secret-key", s), '",']),
    (SECRET_KEY, lambda s: ["AWS Secret Access Key [None]: ", ("aws-secret-key", s)]),
    (SECRET_KEY, lambda s: [("aws-access-key-id", AKID), ",", ("aws-secret-key", s)]),
    (SECRET_KEY, lambda s: [("aws-access-key-id", AKID), "\n", ("aws-secret-key", s)]),
    (SESSION_TOKEN, lambda s: ["aws_session_token=", ("aws-session-token", s)]),
    (SESSION_TOKEN, lambda s: ['"SessionToken": "', ("aws-session-token", s), '"']),
    (SESSION_TOKEN, lambda s: ["token was ", ("aws-session-token", s), " yesterday"]),
    (SLACK_TOKEN, lambda s: ["SLACK_BOT_TOKEN=", ("slack-token", s)]),
    (SLACK_TOKEN, lambda s: ["```", ("slack-token", s), "```"]),
    (GITHUB_TOKEN, lambda s: ["GITHUB_TOKEN=", ("github-token", s)]),
    (JWT, lambda s: ["id ", ("jwt", s), " end"]),
    (JWT, lambda s: ["Authorization: Bearer ", ("bearer-token", s)]),
    (PASSWORD, lambda s: ["password=", ("password", s)]),
    (PASSWORD, lambda s: ['DB_PASSWORD="', ("password", s), '"']),
    (PASSWORD, lambda s: ['{"password": "', ("password", s), '"}']),
    (
        PASSWORD,
        lambda s: ["DATABASE_URL=postgres://app:", ("password", s), "@db.internal:5432/app"],
    ),
    (PASSWORD, lambda s: ["mysql -h db -u root -p", ("password", s), " app"]),
    (
        PASSWORD,
        lambda s: ["aws iam create-login-profile --user-name bob --password ", ("password", s)],
    ),
    (PASSWORD, lambda s: ["curl -u admin:", ("password", s), " https://x.example.com"]),
    (PEM_KEY, lambda s: [("private-key", s)]),
]


@st.composite
def planted(draw: st.DrawFn) -> tuple[str, str, list[tuple[str, str]]]:
    """(paste, expected redacted text, expected [(kind, secret)])."""
    strategy, template = draw(st.sampled_from(TEMPLATES))
    parts = template(draw(strategy))
    before, after = draw(HARMLESS_CONTEXT), draw(HARMLESS_CONTEXT)
    pieces = [before, "\n", *parts, "\n", after]
    text = "".join(p if isinstance(p, str) else p[1] for p in pieces)
    expected = "".join(p if isinstance(p, str) else marker(p[0]) for p in pieces)
    return text, expected, [p for p in parts if not isinstance(p, str)]


@settings(deadline=None, max_examples=300)
@given(planted())
def test_a_planted_secret_is_removed_and_its_context_kept(
    case: tuple[str, str, list[tuple[str, str]]],
) -> None:
    text, expected, secrets = case
    result = redact(text)
    assert result.text == expected
    assert [(f.kind, text[f.start : f.end]) for f in result.findings] == secrets
