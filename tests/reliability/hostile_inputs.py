"""Hostile pastes for the fuzz tests and `bench/bench_fuzz.py`: the tokens issue 5 names, each
repeated up to 10,000 times, plus control characters, lone surrogates, bidi and zero-width marks,
emoji, and near-denials that make the classifier and the redactor work hard.

`hostile_texts()` returns (name, text) pairs; texts up to 80,000 characters (a token of 8 characters
x 10,000). Slack caps a message at 40,000 characters: the timing goal applies up to there.
"""

from __future__ import annotations

SLACK_LIMIT = 40_000

TOKENS: dict[str, str] = {
    "user": "User:",
    "arn": "arn:aws:",
    "colon": ":",
    "slash": "/",
    "quote": '"',
    "space": " ",
    "akia": "AKIA",
    "backtick": "`",
    "lt-entity": "&lt;",
    "nul": "\x00",
    "lone-surrogate": "\ud800",
    "low-surrogate": "\udfff",
    "rtl-override": "\u202e",
    "rtl-mark": "\u200f",
    "zero-width": "\u200b",
    "zwj": "\u200d",
    "bom": "\ufeff",
    "emoji": "\U0001f525",
    "emoji-zwj": "\U0001f469\u200d\U0001f4bb",
    "backslash": "\\",
    "newline": "\n",
    "crlf": "\r\n",
    "brace": "{",
    "angle": "<",
    "pipe-link": "<https://x|",
    "fence": "```",
    "secret-name": "aws_secret_access_key=",
    "bearer": "Bearer ",
    "pem": "-----BEGIN PRIVATE KEY-----\n",
    "perform": " is not authorized to perform: ",
}

DENIAL = (
    "User: arn:aws:iam::111122223333:user/zed is not authorized to perform: s3:GetObject on "
    "resource: arn:aws:s3:::bucket/key because no identity-based policy allows the s3:GetObject "
    "action"
)

REPEATS = (1, 100, 1_000, 10_000)


def hostile_texts() -> list[tuple[str, str]]:
    """(name, text): every token at every repeat count, alone and around a real denial, and a few
    composite traps."""
    out: list[tuple[str, str]] = []
    for name, token in TOKENS.items():
        for n in REPEATS:
            out.append((f"{name}x{n}", token * n))
        out.append((f"{name}x5000+denial", token * 5_000 + DENIAL))
        out.append((f"denial+{name}x5000", DENIAL + token * 5_000))
        out.append((f"interleaved-{name}", (DENIAL[:60] + token * 7) * 300))
    out += [
        ("user-arn-chain", ("User: arn:aws:iam::1:user/" + "a/" * 20) * 500),
        ("unterminated-arns", "User: " + "arn:aws:iam::111122223333:" * 1_500),
        ("perform-without-action", ("User: arn:aws:iam::1:user/x is not authorized to perform:")),
        ("many-denials", (DENIAL + "\n") * 200),
        ("akia-near-keys", ("AKIA" + "A" * 15 + " ") * 2_000),
        ("base64-wall", "QUJD" * 10_000),
        ("json-escapes", '\\"' * 20_000),
        ("nested-quotes", "'\"`" * 13_000),
        ("mixed-scripts", ("권한 거부 " + "\u202eUser:\u200b arn:aws: " + "😀") * 1_000),
        ("surrogate-soup", "\ud83d" + DENIAL + "\udca9" * 1_000),
        ("nul-denial", DENIAL.replace(" ", "\x00 ")),
        ("slack-escaped", ("&lt;arn:aws:iam::1:role/x&gt; &amp; " * 1_000)),
        ("links", "<https://console.aws.amazon.com/|console> " * 900),
    ]
    return out


def nested_json(depth: int) -> str:
    """A JSON document nested `depth` arrays deep inside an event's text field."""
    return "[" * depth + "]" * depth


def within_slack_limit(text: str) -> str:
    return text[:SLACK_LIMIT]
