"""The short notes of `/iamdeny`, the buttons and the modals, in English and Korean.

`bot.render` holds the texts of the big surfaces (replies, help, lists, modals, App Home); these
are the one-line confirmations and refusals around them. Values are mrkdwn; `{placeholders}` are
filled by `note()` with values the caller has already escaped.
"""

from __future__ import annotations

from typing import Final

from bot.render import SlackMessage
from bot.render.blocks import section

__all__ = ["NOTES", "note", "note_message"]

NOTES: Final[dict[str, dict[str, str]]] = {
    "en": {
        "shared_by": ":loudspeaker: Shared by {who}",
        "share_gone": "That answer is no longer available to share. Run `/iamdeny <error>` again.",
        "lang_usage": "Usage: `/iamdeny lang en` or `/iamdeny lang ko`.",
        "note_required": "Please write what fixed it.",
        "admin_check_failed": "I could not check whether you are a workspace admin. Please try "
        "again in a moment.",
        "incident_gone": "That incident is not in this workspace any more.",
        "other_lang_gone": "I cannot find that answer any more. Run `/iamdeny <error>` again.",
        "bad_channel": "Choose a channel (or leave it empty to turn the digest off).",
        "bad_weekday": "Choose a day of the week.",
        "bad_hour": "Choose an hour between 00:00 and 23:00.",
        "bad_timezone": "Not a time zone I know. Use an IANA name like Asia/Seoul.",
        "bad_language": "Choose English or Korean.",
    },
    "ko": {
        "shared_by": ":loudspeaker: {who}님이 공유함",
        "share_gone": "이 답변은 더 이상 공유할 수 없습니다. `/iamdeny <오류>`를 다시 실행하세요.",
        "lang_usage": "사용법: `/iamdeny lang en` 또는 `/iamdeny lang ko`.",
        "note_required": "무엇으로 해결했는지 적어 주세요.",
        "admin_check_failed": "워크스페이스 관리자인지 확인하지 못했습니다. 잠시 후 다시 "
        "시도하세요.",
        "incident_gone": "이 인시던트는 더 이상 이 워크스페이스에 없습니다.",
        "other_lang_gone": "이 답변을 더 이상 찾을 수 없습니다. `/iamdeny <오류>`를 다시 "
        "실행하세요.",
        "bad_channel": "채널을 선택하세요 (비워 두면 다이제스트를 보내지 않습니다).",
        "bad_weekday": "요일을 선택하세요.",
        "bad_hour": "00:00에서 23:00 사이의 시각을 선택하세요.",
        "bad_timezone": "알 수 없는 시간대입니다. Asia/Seoul 같은 IANA 이름을 쓰세요.",
        "bad_language": "영어나 한국어를 선택하세요.",
    },
}


def note(lang: str, key: str, /, **values: object) -> str:
    """The note `key` in `lang` (English when `lang` is not one we have)."""
    table = NOTES.get(lang, NOTES["en"])
    return table[key].format(**values)


def note_message(lang: str, key: str, /, **values: object) -> SlackMessage:
    """A one-section message holding the note."""
    text = note(lang, key, **values)
    return SlackMessage(text=text, blocks=[section(text, block_id=f"iamdeny_note_{key}")])
