"""Remediation of access-denied errors, in English and Korean: pure functions over data files.

`remediate(denial, lang)` returns a `Remediation`: a one-line verdict, who can fix it, ordered
steps, artefacts (policy statements and read-only commands filled with the denial's own values) and
warnings. Which scenario applies, and what it offers, is data (`rules.toml`, `commands.toml`); every
sentence is data too (`texts.en.toml`, `texts.ko.toml`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from core.record import DenialRecord
from core.remediation.build import build
from core.remediation.catalog import SUPPORTED_LANGS, check_lang, texts
from core.remediation.result import Artefact, Fixer, Remediation

if TYPE_CHECKING:
    from core.model import Denial

__all__ = ["SUPPORTED_LANGS", "Artefact", "Fixer", "Remediation", "fixer_label", "remediate"]


def remediate(denial: DenialRecord | Denial, lang: str = "en") -> Remediation:
    """How to fix one denial, in `lang` (one of `SUPPORTED_LANGS`; ValueError otherwise).

    Accepts the classifier's `DenialRecord` or the public pydantic `Denial`.
    """
    check_lang(lang)
    record = denial if isinstance(denial, DenialRecord) else denial.to_record()
    return build(record, lang)


def fixer_label(fixer: Fixer | str, lang: str = "en") -> str:
    """The label of one fixer in `lang` (e.g. for digests that group by who can fix)."""
    label: str = texts(check_lang(lang))["fixers"][Fixer(fixer).value]
    return label
