"""Normal forms of a name, its reading and an address, so that two official records of the same
person compare equal however each system wrote them (the My Number card, the town's 住民基本台帳).

Every function here is pure and deterministic. Each folds only what a town clerk accepts as "the
same thing written another way"; anything else is left as it is, so that the difference reaches a
person in the review queue instead of being guessed away.

Folded everywhere: NFKC (全角/半角 letters, digits and kana; compatibility ideographs with a
canonical form, such as U+FA10 塚), ideographic variation selectors (IVS, U+FE00–FE0F and
U+E0100–E01EF), spacing voiced marks (カ゛ → ガ), Latin letters to upper case, and the variant
kanji of `application.residents.variants.VARIANT_KANJI` (髙 → 高, 﨑 → 崎, 邊 → 辺, 齋 → 斎, …).
斉 and 斎 stay different (see that module).

Not folded: の/ノ/之 in names (一ノ瀬, 一之瀬), 々 and its repeated kanji (佐々木, 佐佐木),
ヅ/ズ and ヂ/ジ in readings, 大字/字 in addresses, building and room names, anything after a
house number.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from application.residents.variants import VARIANT_KANJI

__all__ = ["PREFECTURES", "normalize_address", "normalize_kana", "normalize_name"]

PREFECTURES: tuple[str, ...] = (
    "北海道", "青森県", "岩手県", "宮城県", "秋田県", "山形県", "福島県",
    "茨城県", "栃木県", "群馬県", "埼玉県", "千葉県", "東京都", "神奈川県",
    "新潟県", "富山県", "石川県", "福井県", "山梨県", "長野県", "岐阜県", "静岡県", "愛知県",
    "三重県", "滋賀県", "京都府", "大阪府", "兵庫県", "奈良県", "和歌山県",
    "鳥取県", "島根県", "岡山県", "広島県", "山口県",
    "徳島県", "香川県", "愛媛県", "高知県",
    "福岡県", "佐賀県", "長崎県", "熊本県", "大分県", "宮崎県", "鹿児島県", "沖縄県",
)

# --- shared ---------------------------------------------------------------------------------------

# Removed after NFKC (which keeps them), in the same translation as the rest of the folding.
_VARIATION_SELECTORS = dict.fromkeys(
    chr(c) for c in (*range(0xFE00, 0xFE10), *range(0xE0100, 0xE01F0)))
_MIDDLE_DOTS = "・·‧⋅"


def _nfkc(text: str) -> str:
    if "゛" in text or "゜" in text:
        # spacing voiced marks: NFKC would make them a space and a combining mark, which then
        # cannot compose with the kana before them
        text = text.replace("゛", "\u3099").replace("゜", "\u309a")
    return unicodedata.normalize("NFKC", text)


def _without_spaces(text: str) -> str:
    return "".join(text.split())  # every Unicode space, tab and line break (and \x1c–\x1f)


# --- names ----------------------------------------------------------------------------------------

_NAME_TABLE = str.maketrans({**VARIANT_KANJI, **_VARIATION_SELECTORS,
                             **dict.fromkeys(_MIDDLE_DOTS)})


def normalize_name(text: str) -> str:
    """氏名 in its normal form: NFKC, no spaces or middle dots, variant kanji folded, Latin upper
    case. Hiragana and katakana in a name stay as written (はな and ハナ are different names).

    >>> normalize_name("髙橋　太郎")
    '高橋太郎'
    >>> normalize_name("渡邊 健太") == normalize_name("渡辺健太") == normalize_name("渡邉　健太")
    True
    >>> normalize_name("山﨑 さくら")
    '山崎さくら'
    >>> normalize_name("ｽﾐｽ・ｼﾞｮﾝ"), normalize_name("Smith John")
    ('スミスジョン', 'SMITHJOHN')
    >>> normalize_name("斉藤 誠") == normalize_name("斎藤 誠")
    False
    """
    return _without_spaces(_nfkc(text)).translate(_NAME_TABLE).upper()


# --- readings -------------------------------------------------------------------------------------

_KATAKANA_FOLDS = {
    **dict(zip("ァィゥェォッャュョヮヵヶ", "アイウエオツヤユヨワカケ", strict=True)),
    **dict(zip("ㇰㇱㇲㇳㇴㇵㇶㇷㇸㇹㇺㇻㇼㇽㇾㇿ",
               "クシストヌハヒフヘホムラリルレロ", strict=True)),
    **dict(zip("ヰヱヲ", "イエオ", strict=True)),  # ゐ, ゑ, を as well, through the hiragana
    **dict.fromkeys("ー-‐‑‒–—―−" + _MIDDLE_DOTS, ""),
}
_HIRAGANA_TO_KATAKANA = {
    chr(c): chr(c + 0x60) for c in (*range(ord("ぁ"), ord("ゖ") + 1), ord("ゝ"), ord("ゞ"))
}
_KANA_TABLE = str.maketrans({
    **_VARIATION_SELECTORS,
    **_KATAKANA_FOLDS,
    **{h: _KATAKANA_FOLDS.get(k, k) for h, k in _HIRAGANA_TO_KATAKANA.items()},
})


def normalize_kana(text: str) -> str:
    """氏名のフリガナ in its normal form: katakana, small kana written large, no long-vowel mark,
    no spaces or dots, ヰ/ヱ/ヲ as イ/エ/オ (the forms banks and registries disagree on). Voiced and
    semi-voiced marks and ヴ are kept: they change the name.

    >>> normalize_kana("さいとう　しょうた")
    'サイトウシヨウタ'
    >>> normalize_kana("ｻｲﾄｳ ｼｮｳﾀ") == normalize_kana("サイトウ ショウタ")
    True
    >>> normalize_kana("ユーコ"), normalize_kana("ヲノ ヰチロウ")
    ('ユコ', 'オノイチロウ')
    >>> normalize_kana("ヴァン") == normalize_kana("バン")
    False
    """
    return _without_spaces(_nfkc(text)).translate(_KANA_TABLE).upper()


# --- addresses ------------------------------------------------------------------------------------

_KANJI = r"\u3400-\u9fff\uf900-\ufaff\U00020000-\U0003ffff"
_NUMERALS = "〇一二三四五六七八九十百千"
_DIGIT_VALUES = {c: i for i, c in enumerate("〇一二三四五六七八九")}
_UNITS = {"十": 10, "百": 100, "千": 1000}

_PREFECTURE = re.compile("^(?:" + "|".join(PREFECTURES) + ")")
_CONNECTIVE_KE = re.compile(rf"(?<=[{_KANJI}])[ヶケがガ](?=[{_KANJI}])")  # 霞ヶ関, 霞が関
_ADDRESS_TABLE = str.maketrans({**VARIANT_KANJI, **_VARIATION_SELECTORS,
                                **dict.fromkeys("‐‑‒–—―−﹣", "-")})
_LONG_VOWEL_AS_HYPHEN = re.compile(rf"(?<=[0-9])ー|(?<=[{_NUMERALS}])ー(?=[0-9{_NUMERALS}])")
_ANY_NUMERAL = re.compile(f"[{_NUMERALS}]")
# A kanji numeral is a number only right before a block marker (三丁目, 五番地, 十二号, 北十一条,
# 三-4) or right after a number and a marker (3番地の五, 1丁目二-3); never inside a place name
# (一宮, 三鷹, 八千代, 十日町, 一番町, 二番丁).
_BEFORE_MARKER = re.compile(rf"[{_NUMERALS}]+(?=丁目|番地|番(?![町丁])|号|条|-)")
_AFTER_MARKER = re.compile(
    rf"(\d(?:丁目|番地の?|番|号|-|の))([{_NUMERALS}]+)(?=丁目|番|号|[^{_KANJI}]|$)"
)
_BLOCK_MARKER = "丁目|番地の?|番(?![町丁])|号(?![室棟館])"
_MARKER_BETWEEN_NUMBERS = re.compile(rf"(?<=\d)(?:{_BLOCK_MARKER}|の)(?=\d)")
_MARKER_AFTER_NUMBER = re.compile(rf"(?<=\d)(?:{_BLOCK_MARKER})")
_REPEATED_HYPHENS = re.compile("-{2,}")
_SPACE_BETWEEN_NUMBERS = re.compile(r"(?<=\d)\s+(?=\d)")


@lru_cache(maxsize=8)
def _town_prefix(prefecture: str, city: str) -> re.Pattern[str]:
    """This town's name at the start of an address: its prefecture (optional), a 郡 (optional,
    whether or not the setting names it) and the city, each folded as addresses are."""
    prefecture = _without_spaces(_nfkc(prefecture)).translate(_ADDRESS_TABLE)
    city = _CONNECTIVE_KE.sub("ケ", _without_spaces(_nfkc(city)).translate(_ADDRESS_TABLE).upper())
    city = city.rpartition("郡")[2] or city
    return re.compile(rf"^(?:{re.escape(prefecture)})?(?:[{_KANJI}ケ]{{1,8}}郡)?{re.escape(city)}")


def _relative_to(text: str, town: tuple[str, str]) -> str:
    prefecture, city = town
    text = _CONNECTIVE_KE.sub("ケ", text)
    found = _town_prefix(prefecture, city).match(text)
    if found:
        return text[found.end():]
    own = _without_spaces(_nfkc(prefecture))
    return text.removeprefix(own)  # another prefecture's name stays: it never matches here


def _kanji_number(run: str) -> str:
    """二十三 → 23, 百五 → 105, 千二百 → 1200, 二〇三 → 203 (read digit by digit)."""
    if not any(c in _UNITS for c in run):
        return "".join(str(_DIGIT_VALUES[c]) for c in run)
    total = current = 0
    for c in run:
        if c in _UNITS:
            total += (current or 1) * _UNITS[c]
            current = 0
        else:
            current = current * 10 + _DIGIT_VALUES[c]
    return str(total + current)


def _numerals_to_digits(text: str) -> str:
    while _ANY_NUMERAL.search(text):
        converted = _BEFORE_MARKER.sub(lambda m: _kanji_number(m[0]), text)
        converted = _AFTER_MARKER.sub(lambda m: m[1] + _kanji_number(m[2]), converted)
        if converted == text:
            break
        text = converted
    return text


@lru_cache(maxsize=16384)  # household members share one address: the registry repeats it
def normalize_address(text: str, town: tuple[str, str] = ("", "")) -> str:
    """住所 in its normal form, for comparing two official records of one address.

    Folded: NFKC, spaces, variation selectors, Latin case, the variant kanji of names; a leading
    prefecture (東京都千代田区… and 千代田区… compare equal); the ケ/ヶ/が/ガ that joins two
    kanji of a place name (霞ヶ関, 霞ケ関, 霞が関); hyphen-like characters (‐ ‑ ‒ – — ― − －,
    and ー/ｰ after a digit) and a space between two numbers to "-"; kanji numerals to digits
    where they are numbers (before 丁目/番地/番/号/条/-, or after a number and such a marker;
    never 一宮 or 三鷹); and the block part "X丁目Y番地Z" / "X丁目Y番Z号" / "X丁目Y-Z" /
    "Y番地のZ" / "X-Y-Z" to "X-Y-Z" (a trailing 丁目, 番地, 番 or 号 is dropped).

    `town` is the town's own (prefecture, city), e.g. ("岡山県", "総社市"), as its settings say.
    Given, an address in this town is written relative to it, whichever way it came: a leading
    "岡山県総社市", "総社市" (or "岡山県都窪郡早島町", "早島町") is dropped, so a registry
    extract's 中央一丁目1番1号 and the card's 岡山県総社市中央一丁目1番1号 compare equal. An
    address elsewhere keeps its city (岡山県倉敷市… becomes 倉敷市…), and one in another
    prefecture keeps its prefecture as well, so it never equals an address in this town.

    Not folded: another town's name, 大字/字, の/ノ in place names, and everything after the
    house number (building, room: 201号室 stays as it is). Both sides are official records and
    carry the same building part; two households in one building differ only there.

    >>> normalize_address("東京都千代田区霞が関一丁目2番3号")
    '千代田区霞ケ関1-2-3'
    >>> normalize_address("千代田区霞ヶ関１－２－３") == normalize_address("千代田区霞ケ関1‐2ー3")
    True
    >>> normalize_address("見本町大字上野二十三番地の五"), normalize_address("見本町百五番地")
    ('見本町大字上野23-5', '見本町105')
    >>> normalize_address("愛知県一宮市三丁目4"), normalize_address("東京都三鷹市下連雀三-4-5")
    ('一宮市3-4', '三鷹市下連雀3-4-5')
    >>> normalize_address("本町3丁目5番12号　さくらハイツ２０１号室")
    '本町3-5-12さくらハイツ201号室'
    >>> normalize_address("本町1-2-3 101") == normalize_address("本町1丁目2番3号101")
    True
    >>> soja = ("岡山県", "総社市")
    >>> normalize_address("岡山県総社市中央一丁目1番1号", soja)
    '中央1-1-1'
    >>> normalize_address("中央1-1-1", soja)
    '中央1-1-1'
    >>> normalize_address("岡山県倉敷市中央一丁目1番1号", soja)
    '倉敷市中央1-1-1'
    """
    text = _SPACE_BETWEEN_NUMBERS.sub("-", _nfkc(text))
    text = _without_spaces(text).translate(_ADDRESS_TABLE).upper()
    text = _relative_to(text, town) if town[0] and town[1] else _PREFECTURE.sub("", text, count=1)
    text = _CONNECTIVE_KE.sub("ケ", text)
    if "ー" in text:
        text = _LONG_VOWEL_AS_HYPHEN.sub("-", text)
    text = _numerals_to_digits(text)
    text = _MARKER_BETWEEN_NUMBERS.sub("-", text)
    text = _MARKER_AFTER_NUMBER.sub("", text)
    if "--" in text:
        text = _REPEATED_HYPHENS.sub("-", text)
    return text.rstrip("-")
