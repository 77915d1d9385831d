"""異体字: variant kanji that a town clerk reads as the same character in a name or a place name.

`VARIANT_KANJI` maps a variant to the one form both sides are folded to before comparison. The
form folded to is, in order of preference, the one in the 常用漢字表, else the one in the
人名用漢字 list, else the JIS X 0208 level-1 form; which member of a pair is the target never
changes what compares equal, only what the (never shown) normal form looks like.

What is in the table, and why:
- 旧字体 → 新字体 pairs that 人名用漢字 lists as the same character (澤/沢, 櫻/桜, 廣/広, 龍/竜, …);
- 異体字 that the character sets of town systems and the card write either way (髙/高, 﨑/崎,
  邉/邊/辺, 𠮷/吉, 𡈽/土, 濵/濱/浜, 冨/富, 嶋/嶌/島, …);
- 渕/淵: one character in two forms; folded to 淵, the 人名用漢字 form.

What is deliberately NOT in the table:
- 斉 and 斎 are different characters (斉藤 and 斎藤 are different registered names, and many towns
  treat them so), so 齊 folds to 斉 (its old form) and 齋 to 斎 (its old form), never across.
- 嶽/岳, 埜/野, 邨/村, 碕/崎, 檜/桧, 薮/藪: used as distinct characters in some names or places
  (御嶽山 and 御岳山 are different mountains); a clerk would not accept them as the same without
  looking, so they go to review instead.
- 辻 with one or two dots, 葛, 祇 and the like: Unicode gives both glyphs one code point, so there
  is nothing to fold.

Compatibility ideographs with a canonical decomposition (U+FA10 塚 → 塚, U+FA19 神 → 神, …) are
already folded by NFKC; those without one (U+FA11 﨑) must be in the table. Keys are checked by the
tests: none is changed by NFKC into something else, and no target is itself a key (one step
folds completely).
"""

from __future__ import annotations

__all__ = ["VARIANT_KANJI"]

VARIANT_KANJI: dict[str, str] = {
    # 異体字 common in family names
    "髙": "高",  # U+9AD9 はしごだか
    "\ufa11": "崎",  # U+FA11 たつさき (compatibility ideograph without decomposition)
    "嵜": "崎",
    "邊": "辺",
    "邉": "辺",
    "齋": "斎",  # old form of 斎 (not 斉)
    "齊": "斉",  # old form of 斉 (not 斎)
    "濵": "浜",
    "濱": "浜",
    "澤": "沢",
    "𠮷": "吉",  # U+20BB7 つちよし
    "𡈽": "土",  # U+2123D 土 with a dot
    "冨": "富",
    "曻": "昇",
    "嶋": "島",
    "嶌": "島",
    "桒": "桑",
    "舘": "館",
    "槇": "槙",
    "渕": "淵",
    "篭": "籠",
    "\ufa10": "塚",  # NFKC folds it already; listed so the table says so
    # 旧字体 → 新字体 (人名用漢字 lists both as one character)
    "櫻": "桜",
    "廣": "広",
    "國": "国",
    "眞": "真",
    "實": "実",
    "惠": "恵",
    "榮": "栄",
    "德": "徳",
    "龍": "竜",
    "瀧": "滝",
    "條": "条",
    "藏": "蔵",
    "萬": "万",
    "壽": "寿",
    "淺": "浅",
    "驒": "騨",
    "團": "団",
    "關": "関",
    "鐵": "鉄",
    "與": "与",
    "彌": "弥",
    "穗": "穂",
    "峯": "峰",
    "黑": "黒",
    "靑": "青",
    "淸": "清",
    "瀨": "瀬",
    "澁": "渋",
    "增": "増",
    "豐": "豊",
    "賴": "頼",
    "龜": "亀",
    "稻": "稲",
    "曾": "曽",
    "戶": "戸",
    "靜": "静",
    "兒": "児",
    "莊": "荘",
    "學": "学",
    "來": "来",
    "禮": "礼",
    "縣": "県",
    "圓": "円",
    "亞": "亜",
    "將": "将",
    "聰": "聡",
    "壯": "壮",
    "鷗": "鴎",
    "蘆": "芦",
    "鹽": "塩",
    "檢": "検",
    "巖": "巌",
    "驛": "駅",
    "廳": "庁",
}
