"""Find every AWS access-denied error in a paste: `classify(text) -> list[Denial]`.

The pipeline, each step its own module:

1. prefilter — a paste without any trigger word (`phrases.TRIGGERS`) holds no denial;
2. `normalize` — undo copy damage, keeping a map back to original offsets;
3. extractors — CloudTrail events, decoded authorization JSON, the canonical sentence, EC2 encoded
   messages and service-specific refusals, each reading its own family;
4. `wrappers` — error codes, operations, request ids written around the messages;
5. `assemble` — overlaps and repeats removed, records built, actions checked against the catalog.

Input longer than `MAX_INPUT_CHARS` is cut there and every denial carries `input_truncated`.
`find_denials` returns the stdlib records (no pydantic import); `classify` the public models.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from core.classifier import assemble, canonical, cloudtrail, encoded, services, wrappers
from core.classifier.candidate import Candidate
from core.classifier.normalize import normalize
from core.classifier.phrases import INVISIBLE, TRIGGERS
from core.record import DenialRecord

if TYPE_CHECKING:
    from core.model import Denial

__all__ = ["MAX_INPUT_CHARS", "classify", "find_denials", "might_contain_denial"]

# Slack caps a message at 40,000 characters; a pasted log may be longer. Past this, the input is
# cut (and every denial says so) rather than rejected.
MAX_INPUT_CHARS = 100_000
# Nearest-name searches for unknown actions cost up to a millisecond each; one paste gets this many
# (later unknown actions are still marked unknown, without a suggestion).
SUGGESTION_BUDGET = 20

# What a wrapped line may start with in a paste: indentation, quote marks, Terraform's gutter.
# (The normaliser knows every decoration; this cheap check only needs the ones that continue a
# wrapped sentence.)
_WRAP_STARTS = ("\n ", "\n\t", "\n>", "\n&gt;", "\n│", "\n|")
_LINE_JOIN = re.compile(r"\n(?:[ \t>│┃║|]|&gt;)*")


def might_contain_denial(text: str) -> bool:
    """False when `text` certainly holds no denial (cheap; most chatter stops here)."""
    if not text.isascii():
        for char in INVISIBLE:
            if char in text:
                text = text.replace(char, "")
    if any(trigger in text for trigger in TRIGGERS):
        return True
    if "\n" not in text and "\r" not in text:
        return False
    # A hard wrap may split a trigger word: look again with line breaks removed, and with the
    # decorations that start lines (indentation, quotes, gutters) when there are any.
    joined = text.replace("\r", "")
    if any(start in joined for start in _WRAP_STARTS):
        joined = _LINE_JOIN.sub("", joined)
    joined = joined.replace("\n", "")
    return any(trigger in joined for trigger in TRIGGERS)


def _action_checker() -> assemble.ActionChecker | None:
    try:
        from core.catalog import check_action
    except ImportError:  # pragma: no cover - the catalog ships with the package
        return None

    searches_left = SUGGESTION_BUDGET

    def check(action: str) -> tuple[bool | None, str | None, bool | None, str | None]:
        nonlocal searches_left
        result = check_action(action, suggest=searches_left > 0)
        if result.action_known is False or result.service_known is False:
            searches_left -= 1
        return (
            result.action_known,
            result.action_suggestion,
            result.service_known,
            result.service_suggestion,
        )

    return check


def find_denials(text: str) -> list[DenialRecord]:
    """Every denial in `text` as stdlib records, in order of appearance. Never raises."""
    try:
        return _find(text)
    except Exception:  # a bug must not take the bot down; it is logged and the paste skipped
        import logging  # only on this path: a one-shot explain should not pay for it

        logging.getLogger(__name__).exception(
            "classifier failed on a paste of %d characters", len(text)
        )
        return []


def _find(text: str) -> list[DenialRecord]:
    if not isinstance(text, str) or not text:
        return []
    truncated = len(text) > MAX_INPUT_CHARS
    if truncated:
        text = text[:MAX_INPUT_CHARS]
    if not might_contain_denial(text):
        return []
    norm = normalize(text)
    clean = norm.text

    # Each extractor runs only when its family's key word is in the paste.
    structured: list[Candidate] = []
    if '"errorCode"' in clean:
        structured += cloudtrail.find_cloudtrail(clean)
    if "explicitDeny" in clean:
        structured += encoded.find_decoded(clean)
    spoken = structured + assemble.drop_inside(canonical.find_canonical(clean), structured)
    spoken += assemble.drop_inside(services.find_service_messages(clean), spoken)
    if "ncoded" in clean:
        spoken += assemble.drop_inside(encoded.find_encoded(clean), spoken)

    annotations = wrappers.scan(clean)
    used = assemble.attach_wrappers(spoken, annotations, clean)
    spoken += assemble.generic_denials(annotations, used, spoken, clean)
    if not spoken:
        return []

    checker = _action_checker()
    return [
        assemble.to_record(c, norm, truncated=truncated, check_action=checker)
        for c in assemble.dedupe(spoken)
    ]


def classify(text: str) -> list[Denial]:
    """Every denial found in one paste, in order of appearance; [] when there is none.

    Never raises on any `str` input.
    """
    from core.model import Denial

    return [Denial.from_record(record) for record in find_denials(text)]
