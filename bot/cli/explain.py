"""`iamdeny explain [TEXT]`: read a paste, print each denial with what fixes it.

TEXT, or standard input when TEXT is absent or `-`. `--json` prints `{"denials": [...]}` (each
denial's fields plus its `remediation`); `--lang en|ko`. Exit status 0 when at least one denial was
found, 1 when none (like grep), 2 on bad usage or undecodable input.

This path never imports pydantic or Slack: a one-shot explain must start fast.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from typing import Any

from bot.cli.terminal import Style, render_denial

EXIT_FOUND, EXIT_NONE, EXIT_USAGE = 0, 1, 2
LANGS = ("en", "ko")


def register(subparsers: Any) -> None:
    """Add the `explain` subcommand."""
    parser = subparsers.add_parser(
        "explain",
        help="explain the access-denied errors in a paste",
        description="Explain the AWS access-denied errors in TEXT (or standard input).",
    )
    parser.add_argument("text", nargs="?", default="-", help="the paste; '-' or absent: stdin")
    parser.add_argument("--json", action="store_true", help="print machine-readable JSON")
    parser.add_argument(
        "--lang",
        choices=LANGS,
        default=None,
        help="language of the explanation (default: $IAMDENY_LANG or en)",
    )
    parser.add_argument(
        "--record",
        action="store_true",
        help="also record what was found as incidents ($DATABASE_URL; see `iamdeny incidents`)",
    )
    parser.set_defaults(handler=run)


class InputError(Exception):
    """The input cannot be read as text."""


def read_input(text: str) -> str:
    """The paste: TEXT itself, or standard input for '-'. Raises InputError if not UTF-8."""
    if text != "-":
        try:
            text.encode("utf-8")
        except UnicodeEncodeError as exc:  # argv bytes that were not UTF-8 (surrogate-escaped)
            raise InputError("TEXT is not valid UTF-8") from exc
        return text
    if sys.stdin is None or (sys.stdin.isatty() and not os.environ.get("IAMDENY_ALLOW_TTY")):
        print("reading the paste from standard input; end with Ctrl-D", file=sys.stderr)
    data = sys.stdin.buffer.read() if sys.stdin is not None else b""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(f"standard input is not valid UTF-8 (byte {exc.start})") from exc


def default_lang() -> str:
    """The language from $IAMDENY_LANG when it is a supported one, else English."""
    lang = os.environ.get("IAMDENY_LANG", "en").strip().lower()
    return lang if lang in LANGS else "en"


def run(args: argparse.Namespace) -> int:
    """Handle `iamdeny explain`."""
    from core.classifier import MAX_INPUT_CHARS, find_denials
    from core.credentials import credential_problem
    from core.record import record_to_dict
    from core.remediation import remediate

    lang = args.lang or default_lang()
    try:
        paste = read_input(args.text)
    except InputError as exc:
        print(f"iamdeny explain: {exc}", file=sys.stderr)
        return EXIT_USAGE

    if len(paste) > MAX_INPUT_CHARS:
        print(
            f"iamdeny explain: the input has {len(paste):,} characters; only the first "
            f"{MAX_INPUT_CHARS:,} were read.",
            file=sys.stderr,
        )
    records = find_denials(paste)
    remediations = [remediate(record, lang) for record in records]
    problem = credential_problem(paste[:MAX_INPUT_CHARS]) if not records else None

    if args.json:
        payload: dict[str, Any] = {
            "denials": [
                {**record_to_dict(r), "remediation": m.to_dict()}
                for r, m in zip(records, remediations, strict=True)
            ]
        }
        if problem is not None:
            payload["credential_problem"] = problem.kind
        json.dump(payload, sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
        if args.record:  # stdout stays pure JSON: the note goes to stderr
            from bot.cli.incidents import record_explained

            record_explained(paste, records, out=sys.stderr)
        return EXIT_FOUND if records else EXIT_NONE

    style = Style.for_stream(sys.stdout)
    if not records:
        if problem is not None:
            print(_CREDENTIAL_NOTE[lang].format(kind=problem.kind))
        else:
            print(_NOTHING_FOUND[lang])
        return EXIT_NONE
    blocks = [
        render_denial(record, remediation, style, index=i + 1, total=len(records))
        for i, (record, remediation) in enumerate(zip(records, remediations, strict=True))
    ]
    print("\n\n".join(blocks))
    if args.record:
        from bot.cli.incidents import record_explained

        record_explained(paste, records, out=sys.stdout)
    return EXIT_FOUND


_NOTHING_FOUND = {
    "en": "No AWS access-denied error found in the input.",
    "ko": "입력에서 AWS 액세스 거부 오류를 찾지 못했습니다.",
}
_CREDENTIAL_NOTE = {
    "en": "No policy denied this: it is a credential problem ({kind}). "
    "Refresh or fix the credentials, then retry.",
    "ko": "정책 거부가 아니라 자격 증명 문제입니다 ({kind}). "
    "자격 증명을 갱신하거나 바로잡은 뒤 다시 시도하세요.",
}
