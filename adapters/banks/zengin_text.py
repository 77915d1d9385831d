"""Text for the Zengin transfer file: half-width katakana, A–Z, 0–9, space and ( ) . - /,
one byte each in CP932, fields counted in bytes.

- Full-width and hiragana are converted (キョウ → ｷﾖｳ): small kana are written large and a voiced
  mark takes its own byte (ガ → ｶﾞ); the long-vowel mark ー and ・ * & $ + ; @ = % are refused.
- A field too long is cut at its byte length; when the cut falls between a kana and its voiced
  mark, the kana goes too and the field ends with a space (ADR 0019): a ｶ without its ﾞ would
  be another name.
"""

from __future__ import annotations

from domain.errors import InvalidValue
from domain.values import ZenginKana

__all__ = ["ALLOWED", "VOICED_MARKS", "fit", "forbidden_in", "to_file_text"]

VOICED_MARKS = frozenset("\uff9e\uff9f")  # ﾞ ﾟ (CP932 0xDE, 0xDF)
_KANA = {chr(c) for c in range(0xFF71, 0xFFA0)} | {"\uff66"}  # ｦ, ｱ…ﾝ, ﾞ, ﾟ (no small kana, ｰ)
ALLOWED = frozenset(_KANA | set("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789()./- "))
_VOICED_BYTES = (0xDE, 0xDF)


def to_file_text(text: str) -> str:
    """What a person typed (or the bank master's full-width kana), as the file carries it.
    Raises `InvalidValue` naming the characters the file cannot carry."""
    return ZenginKana.from_text(text).text


def forbidden_in(text: str) -> list[str]:
    """The characters of an already converted text that the file cannot carry."""
    return sorted({c for c in text if c not in ALLOWED})


def fit(text: str, length: int) -> bytes:
    """`text` (already converted) as exactly `length` bytes: cut, then padded with spaces."""
    data = text.encode("cp932")
    if len(data) > length:
        cut = data[:length]
        if data[length] in _VOICED_BYTES:  # the mark would be cut off its kana: drop both
            cut = cut[:-1]
        data = cut
    return data.ljust(length, b" ")


def was_cut(text: str, length: int) -> bool:
    return len(text.encode("cp932")) > length


def ensure_digits(value: str, length: int, what: str) -> str:
    if not (isinstance(value, str) and value.isascii() and value.isdigit()
            and len(value) <= length):
        raise InvalidValue(f"{what}は{length}桁以内の数字で指定してください。")
    return value.zfill(length)
