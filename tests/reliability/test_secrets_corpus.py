"""Issue 5, item 7 (the redactor alone, fast): every planted secret of the corpus, in every
context, is removed by `core.redact`, and harmless AWS error lines come back byte for byte.

Defect found here and fixed: a credential name with an environment or version suffix
(`DB_PASSWORD_PROD=...`, `aws_secret_access_key_2: ...`, `API_KEY_OLD=...`) was not recognised, so
its value (a password, a secret key, a token without a self-describing prefix) was kept.
"""

from __future__ import annotations

from collections import Counter

from secrets_corpus import CONTEXTS, FORMATS, harmless, planted

from core.redaction import redact


def test_every_format_in_every_context_is_redacted() -> None:
    corpus = planted(len(FORMATS) * len(CONTEXTS) * 4, seed=1)
    pairs = Counter((p.fmt, p.context) for p in corpus)
    assert len(pairs) == len(FORMATS) * len(CONTEXTS)  # every pair, several times
    leaked = [
        (p.fmt, p.context) for p in corpus if any(n in redact(p.text).text for n in p.needles)
    ]
    assert not leaked, Counter(leaked).most_common(10)


def test_suffixed_credential_names_are_redacted() -> None:
    for text, value in [
        ("DB_PASSWORD_PROD=s3cr3t-Value", "s3cr3t-Value"),
        ("aws_secret_access_key_2: wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "wJalrXUtnFEMI"),
        ("API_KEY_OLD=abcd1234abcd1234abcd", "abcd1234abcd1234abcd"),
    ]:
        assert value not in redact(text).text, text
    for text in ("password_length = 12", "secret_key_id=ABCDEFGH12345678", "SecretAccessKeyId: x"):
        assert redact(text).text == text


def test_harmless_lines_are_left_alone() -> None:
    lines = harmless(1000, seed=2)
    altered = [line for line in lines if redact(line).text != line]
    assert len(altered) <= len(lines) // 100, altered[:5]
