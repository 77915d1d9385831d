"""The postback data of the engine's own buttons, and the commands a resident may type.

Every button the engine shows carries `dlg:{turn}:{value}` (at most 300 characters, LINE's
limit). `value` is an option value, a bank or branch code, or one of the `$` words below; option
values may not start with `$`. Postbacks that do not start with `dlg:` belong to someone else
(a benefit notice's buttons, a rich menu): the caller routes them.
"""

from __future__ import annotations

import re
import unicodedata

from attrs import frozen

__all__ = [
    "BACK",
    "CANCEL",
    "MAX_POSTBACK_LENGTH",
    "MORE_PHOTOS",
    "PAGE",
    "PHOTOS_DONE",
    "PREFIX",
    "RESTART",
    "SEARCH",
    "SKIP",
    "DialoguePostback",
    "command_for",
    "is_dialogue_postback",
    "page_value",
    "parse_postback",
    "postback",
]

PREFIX = "dlg:"
MAX_POSTBACK_LENGTH = 300

BACK = "$back"  # 戻る: the previous question, earlier answers kept
RESTART = "$restart"  # 最初から: answers cleared, the first question again
CANCEL = "$cancel"  # やめる
SKIP = "$skip"  # スキップ: an optional question left unanswered
SEARCH = "$search"  # 別の名前で探す: ask for a bank or branch name again
PAGE = "$page:"  # $page:2 — the second page of a long list of options
MORE_PHOTOS = "$more"  # 写真を追加: another photo for a question that takes several
PHOTOS_DONE = "$done"  # 次へ: the photos sent so far are the answer

_COMMAND_WORDS = {
    BACK: {"戻る", "もどる", "戻"},
    RESTART: {"最初から", "さいしょから", "はじめから", "初めから", "やり直す", "やりなおす"},
    CANCEL: {"やめる", "止める", "中止", "キャンセル"},
    SKIP: {"スキップ", "すきっぷ", "skip"},
}
_BY_WORD = {word: command for command, words in _COMMAND_WORDS.items() for word in words}
_DATA = re.compile(r"dlg:([0-9]{1,10}):(.*)", re.DOTALL)


@frozen
class DialoguePostback:
    turn: int
    value: str


def postback(turn: int, value: str) -> str:
    data = f"{PREFIX}{turn}:{value}"
    if len(data) > MAX_POSTBACK_LENGTH:
        raise ValueError(f"postback data is {len(data)} characters; LINE allows 300")
    return data


def page_value(page: int) -> str:
    return f"{PAGE}{page}"


def is_dialogue_postback(data: str) -> bool:
    """Whether a postback belongs to the conversation engine."""
    return data.startswith(PREFIX)


def parse_postback(data: str) -> DialoguePostback | None:
    """The turn and value of `dlg:{turn}:{value}`, or None when it is malformed."""
    match = _DATA.fullmatch(data)
    return DialoguePostback(int(match[1]), match[2]) if match else None


def command_for(text: str) -> str | None:
    """The command a typed message means (「戻る」 → $back), or None."""
    word = unicodedata.normalize("NFKC", text).strip().casefold()
    return _BY_WORD.get(word)
