"""A synthetic town for testing and benchmarking 照合: a resident registry (住民基本台帳 extract)
as the town's system writes it, and card verifications as the My Number card writes the same
people, with the notation variants real records show and the hard cases that must not link.

Nobody real is described; the names are common Japanese (and a few foreign) names. Deterministic
for a seed. Tables are built once; a row costs a few random draws and cached value objects, so a
million registry persons take seconds.

The registry (`generate_registry`) has households at unique addresses (houses, and rooms in
buildings), a share moved out (転出) or deceased (死亡), twins (same household, birthday and sex,
different given names), namesakes (same name, birthday and sex in another household) and a few
persons recorded twice with the same facts.

Each verification (`generate_verified`) says who truly verified (`truth`, None for someone not
in the registry), the facts as the card writes them, whether a correct matcher links it
(`linkable`) and the case it stands for:

- "same", "twin", "namesake": a living registry person, written another way: 全角/半角, spaces,
  異体字 (髙橋/高橋, 山﨑/山崎, 齋藤/斎藤, 渡邊/渡辺), 三丁目/3丁目, 1丁目2番3号/1-2-3/1丁目2-3/
  １－２－３ with ‐ ー − －, the prefecture written or not, ヶ/ケ/が, readings typed in hiragana
  or with small kana written large. Linkable.
- "moved": the card has a new address, the registry the old one. Not linkable (review).
- "moved_out": a person the registry marks 転出, with their new address. Not linkable.
- "stale": every fact equal, but the registry marks the person 転出 or 死亡. Not linkable.
- "duplicate": a person recorded twice in the registry. Not linkable (ambiguous).
- "variant_unknown": 崎 written 碕, a variant the table does not fold. Not linkable (review).
- "newcomer": not in the registry at all (truth None). Not linkable.

It lives with the tests, not in the shipped code: the matching tests and
`bench/registry_matching.py` use it (the demo town's generator is `demo/synthetic_town.py`).
"""

from __future__ import annotations

import bisect
import datetime as dt
import itertools
import random
import unicodedata
from collections.abc import Iterator, Sequence
from typing import NamedTuple, TypeVar

from attrs import frozen

from domain.residents import PersonalFacts, RegistryStatus
from domain.values import Address, DateOfBirth, PersonName, Sex

T = TypeVar("T")

__all__ = [
    "AddressParts",
    "RegistryPerson",
    "VerifiedPerson",
    "generate_registry",
    "generate_verified",
]


# --- tables: "registry form, reading, other forms the card may write" -----------------------

Spelling = tuple[tuple[str, ...], str]  # the forms of a name (registry form first), its reading


def _rows(table: str) -> tuple[tuple[str, ...], ...]:
    """"a b c / d e" (entries split by slashes and lines) → (("a", "b", "c"), ("d", "e"))."""
    return tuple(tuple(entry.split()) for entry in table.replace("\n", "/").split("/")
                 if entry.strip())


def _spellings(table: str) -> tuple[Spelling, ...]:
    return tuple(((row[0], *row[2:]), row[1]) for row in _rows(table))


FAMILY_NAMES = _spellings("""
佐藤 サトウ / 鈴木 スズキ / 高橋 タカハシ 髙橋 / 田中 タナカ / 伊藤 イトウ
渡辺 ワタナベ 渡邊 渡邉 / 山本 ヤマモト / 中村 ナカムラ / 小林 コバヤシ / 加藤 カトウ
吉田 ヨシダ 𠮷田 / 山田 ヤマダ / 佐々木 ササキ / 山口 ヤマグチ / 松本 マツモト
井上 イノウエ / 木村 キムラ / 林 ハヤシ / 斎藤 サイトウ 齋藤 / 斉藤 サイトウ 齊藤
清水 シミズ / 山崎 ヤマザキ 山﨑 山嵜 / 森 モリ / 池田 イケダ / 橋本 ハシモト / 阿部 アベ
石川 イシカワ / 山下 ヤマシタ / 中島 ナカジマ 中嶋 中嶌 / 石井 イシイ / 小川 オガワ
前田 マエダ / 岡田 オカダ / 長谷川 ハセガワ / 藤田 フジタ / 後藤 ゴトウ / 近藤 コンドウ
村上 ムラカミ / 遠藤 エンドウ / 青木 アオキ / 坂本 サカモト / 福田 フクダ / 太田 オオタ
西村 ニシムラ / 藤井 フジイ / 岡本 オカモト / 松田 マツダ / 中川 ナカガワ / 原田 ハラダ
小野 オノ / 田村 タムラ / 竹内 タケウチ / 金子 カネコ / 和田 ワダ / 宮崎 ミヤザキ 宮﨑
高木 タカギ 髙木 / 島田 シマダ 嶋田 / 沢田 サワダ 澤田 / 浜田 ハマダ 濱田 濵田
桜井 サクライ 櫻井 / 広田 ヒロタ 廣田 / 富田 トミタ 冨田 / 岩崎 イワサキ 岩﨑
渡部 ワタナベ / 吉川 ヨシカワ 𠮷川 / 黒田 クロダ 黑田 / 滝沢 タキザワ 瀧澤 滝澤 瀧沢
関 セキ 關 / 大塚 オオツカ 大\ufa10 / 土屋 ツチヤ 𡈽屋
""")
MALE_NAMES = _spellings("""
太郎 タロウ / 健太 ケンタ / 翔太 ショウタ / 大輔 ダイスケ / 誠 マコト / 浩 ヒロシ
隆 タカシ / 蓮 レン / 悠真 ユウマ / 湊 ミナト / 一郎 イチロウ / 修 オサム / 健一 ケンイチ
拓也 タクヤ / 直樹 ナオキ / 和也 カズヤ / 大樹 ダイキ / 陽翔 ハルト / 樹 イツキ
悠人 ユウト / 竜之介 リュウノスケ 龍之介 / 広志 ヒロシ 廣志 / 実 ミノル 實
栄一 エイイチ 榮一 / 真一 シンイチ 眞一 / 恭平 キョウヘイ / 勇気 ユウキ / 正 タダシ
清 キヨシ 淸 / 豊 ユタカ 豐 / 亮 リョウ / 駿 シュン / 昇 ノボル 曻
""")
FEMALE_NAMES = _spellings("""
花子 ハナコ / 陽子 ヨウコ / 美咲 ミサキ / 恵子 ケイコ 惠子 / 由美 ユミ / さくら サクラ
結衣 ユイ / 葵 アオイ / 京子 キョウコ / 直美 ナオミ / 陽菜 ヒナ / 幸子 サチコ
真理子 マリコ 眞理子 / 徳子 ノリコ 德子 / 寿子 ヒサコ 壽子 / 桜 サクラ 櫻 / 優子 ユウコ
裕子 ユウコ / 久美子 クミコ / 明美 アケミ / 智子 トモコ / 愛 アイ / 彩 アヤ / 凛 リン
千尋 チヒロ / 舞 マイ / 静香 シズカ 靜香 / 弥生 ヤヨイ 彌生 / 瑞穂 ミズホ 瑞穗
涼子 リョウコ / 由紀 ユキ / ゆり ユリ
""")
FOREIGN_FAMILY_NAMES = _spellings("""
SMITH スミス / KIM キム / NGUYEN グエン / GARCIA ガルシア / SILVA シルバ
""")
FOREIGN_MALE_NAMES = _spellings("JOHN ジョン / MINH ミン / LUCAS ルーカス / VAN ヴァン")
FOREIGN_FEMALE_NAMES = _spellings("MARIA マリア / ANNA アンナ / LINH リン / JOY ジョイ")

# Districts: registry form, then other forms the card may write. Some hold kanji numerals that
# are part of the place name (一宮, 三鷹台, 八千代台, 十日町, 一番町) and must survive.
URBAN_DISTRICTS = _rows("""
本町 / 栄町 / 旭町 / 緑町 / 中央 / 東町 / 西町 / 南町 / 北町 / 若葉町 / 春日町 / 港町 / 元町
桜台 櫻台 / 霞ケ丘 霞ヶ丘 霞が丘 / 自由が丘 自由ヶ丘 自由ケ丘 / 梅ケ枝町 梅ヶ枝町 梅が枝町
竜ケ崎台 龍ケ崎台 竜ヶ崎台 / 浜町 濱町 濵町 / 沢田 澤田 / 広町 廣町 / 高見台 髙見台
富士見町 冨士見町 / 一宮 / 三鷹台 / 八千代台 / 十日町 / 一番町 / 北3条西 北三条西 北３条西
南1条東 南一条東
""")
RURAL_DISTRICTS = _rows("""
大字上野 / 大字中原 / 大字下田 / 字東山 / 大字石川 / 大字荒井 / 大字宮崎 大字宮﨑
大字一ノ瀬
""")
NEW_DISTRICTS = (("新栄町",), ("希望ケ丘", "希望ヶ丘", "希望が丘"), ("みなと台",))
BUILDINGS = ("さくらハイツ", "メゾン緑", "コーポ旭", "グランドール本町", "パークサイド",
             "サンハイム", "ドミール", "レジデンス中央", "シャトー栄", "ヴィラ東")
PREFECTURE, CITY, OTHER_CITY = "神奈川県", "見本市", "隣野市"

_DIGITS = "〇一二三四五六七八九"
_FULL_WIDTH = str.maketrans("0123456789- ", "０１２３４５６７８９－　")
_HYPHENS = ("-", "－", "‐", "ー", "−")
_HIRAGANA = str.maketrans({chr(c): chr(c - 0x60) for c in range(ord("ァ"), ord("ヶ") + 1)})
_LARGE = str.maketrans("ァィゥェォッャュョ", "アイウエオツヤユヨ")
_STATUSES = (RegistryStatus.RESIDENT, RegistryStatus.MOVED_OUT, RegistryStatus.DECEASED)


class _Draws(random.Random):
    """Draws by one `random()` each: slightly biased for huge ranges, far cheaper than
    `randint` and `choice`, and just as deterministic for a seed."""

    def pick(self, options: Sequence[T]) -> T:
        return options[int(self.random() * len(options))]

    def between(self, low: int, high: int) -> int:
        return low + int(self.random() * (high - low + 1))

    def below(self, count: int) -> int:
        return int(self.random() * count)

    def weighted(self, options: Sequence[T], cumulative: Sequence[float]) -> T:
        return options[bisect.bisect(cumulative, self.random() * cumulative[-1])]


def _kanji(number: int) -> str:
    """123 → 百二十三, 1005 → 千五."""
    out = ""
    for unit, mark in ((1000, "千"), (100, "百"), (10, "十")):
        count, number = divmod(number, unit)
        if count:
            out += ("" if count == 1 else _DIGITS[count]) + mark
    return out + (_DIGITS[number] if number else "") or "〇"


# --- registry -------------------------------------------------------------------------------

@frozen
class AddressParts:
    """The parts an address was written from, so that a card can write it another way."""

    prefecture: str
    city: str
    district: tuple[str, ...]  # registry form first, then other forms
    chome: int | None  # 丁目; None in a rural 大字 (番地 only)
    block: int  # 番 or 番地
    lot: int | None  # 号, or the 枝番 after 番地
    building: str | None = None
    room: int | None = None
    style: int = 0  # how the town's system writes it

    def registry_text(self) -> str:
        district = self.district[0]
        if self.chome is not None:
            chome = _kanji(self.chome) if self.style else str(self.chome)
            numbers = f"{chome}丁目{self.block}番{self.lot}号"
            if self.style == 2:
                numbers = numbers.translate(_FULL_WIDTH)
        else:
            lot = "" if self.lot is None else ("{}", "の{}", "-{}")[self.style].format(self.lot)
            numbers = f"{self.block}番地{lot}" if self.style < 2 else f"{self.block}{lot}"
        text = f"{self.prefecture}{self.city}{district}{numbers}"
        return text + (f"　{self.building}{self.room}号室" if self.building else "")


@frozen
class RegistryPerson:
    """One row of the extract, as the town's system writes it, with what the generator knows
    about it (`trait`: "twin", "namesake" for the later of two people with one name, birthday
    and sex, "duplicate" for both records of a person recorded twice, else "")."""

    resident_number: str  # 宛名番号
    household_number: str  # 世帯番号
    relationship: str  # 続柄
    facts: PersonalFacts
    status: RegistryStatus
    address_parts: AddressParts
    trait: str = ""

    @property
    def living(self) -> bool:
        return self.status is RegistryStatus.RESIDENT


class _Values:
    """Value objects shared between rows (they are immutable): building them is the cost."""

    def __init__(self) -> None:
        self.names: dict[tuple[str, str | None], PersonName] = {}
        self.births: dict[int, DateOfBirth] = {}

    def name(self, name: str, kana: str | None, *, typed: bool = False) -> PersonName:
        """The name; `typed`: the reading as a person typed it (hiragana, half-width, …)."""
        key = (name, kana)
        if key not in self.names:
            self.names[key] = PersonName.of(name, kana) if typed else PersonName(name, kana)
        return self.names[key]

    def birth(self, ordinal: int) -> DateOfBirth:
        if ordinal not in self.births:
            self.births[ordinal] = DateOfBirth(dt.date.fromordinal(ordinal))
        return self.births[ordinal]


def _day(year: int) -> int:
    return dt.date(year, 1, 1).toordinal()


_TODAY, _Y1935, _Y1962, _Y2002 = _day(2026), _day(1935), _day(1962), _day(2002)
_YEAR = 365
_FAMILY_WEIGHTS = tuple(itertools.accumulate(1 / (rank + 8) for rank in range(len(FAMILY_NAMES))))

Member = tuple[str, str, str, int, Sex, str]  # relationship, name, kana, born, sex, trait


def _named(rng: _Draws, family: Spelling, family_form: str, given: Spelling,
           ) -> tuple[str, str]:
    form = given[0][0] if rng.random() < 0.9 else rng.pick(given[0])
    return f"{family_form}　{form}", f"{family[1]}　{given[1]}"


def _household(rng: _Draws, pool: list[tuple[Spelling, str, Member]]) -> list[Member]:
    """The members of one household: a head (now and then a namesake of an earlier head), maybe
    a spouse, children (3% of them twins), sometimes a parent of the head."""
    foreign = rng.random() < 0.01
    male, female = (FOREIGN_MALE_NAMES, FOREIGN_FEMALE_NAMES) if foreign else (MALE_NAMES,
                                                                               FEMALE_NAMES)
    if foreign:
        family = rng.pick(FOREIGN_FAMILY_NAMES)
    else:
        family = rng.weighted(FAMILY_NAMES, _FAMILY_WEIGHTS)
    family_form = family[0][0] if rng.random() < 0.85 else rng.pick(family[0])

    def given(sex: Sex, unlike: Spelling | None = None) -> Spelling:
        names = male if sex is Sex.MALE else female
        chosen = rng.pick(names)
        while chosen == unlike:
            chosen = rng.pick(names)
        return chosen

    if pool and rng.random() < 0.002:
        family, family_form, head = rng.pick(pool)
        head = (*head[:5], "namesake")
    else:
        sex = rng.pick((Sex.MALE, Sex.FEMALE))
        head = ("世帯主", *_named(rng, family, family_form, given(sex)),
                rng.between(_Y1935, _Y2002), sex, "")
        if rng.random() < 0.01:
            pool.append((family, family_form, head))
    members: list[Member] = [head]
    head_born, head_sex = head[3], head[4]
    if rng.random() < 0.55:
        sex = Sex.FEMALE if head_sex is Sex.MALE else Sex.MALE
        members.append(("妻" if sex is Sex.FEMALE else "夫",
                        *_named(rng, family, family_form, given(sex)),
                        head_born + rng.between(-5 * _YEAR, 5 * _YEAR), sex, ""))
    children_from = head_born + 22 * _YEAR
    for _ in range(rng.pick((0, 0, 1, 1, 2, 3)) if children_from < _TODAY - _YEAR else 0):
        sex = rng.pick((Sex.MALE, Sex.FEMALE))
        born = children_from + rng.between(0, min(18 * _YEAR, _TODAY - children_from))
        first = given(sex)
        if rng.random() < 0.03:  # twins: one birthday and sex, never one given name
            second = given(sex, unlike=first)
            members.append(("子", *_named(rng, family, family_form, first), born, sex, "twin"))
            members.append(("子", *_named(rng, family, family_form, second), born, sex, "twin"))
        else:
            members.append(("子", *_named(rng, family, family_form, first), born, sex, ""))
    if head_born > _Y1962 and rng.random() < 0.08:
        sex = rng.pick((Sex.MALE, Sex.FEMALE))
        members.append(("父" if sex is Sex.MALE else "母",
                        *_named(rng, family, family_form, given(sex)),
                        head_born - rng.between(22 * _YEAR, 40 * _YEAR), sex, ""))
    return members


def generate_registry(count: int, seed: int = 1) -> Iterator[RegistryPerson]:
    """`count` registry persons of the town, household by household (see `_household`); 2.5%
    moved out, 1.5% deceased, 0.05% recorded twice with the same facts."""
    rng = _Draws(seed)
    values = _Values()
    used_blocks: dict[tuple[int, int, int, int], int] = {}
    pool: list[tuple[Spelling, str, Member]] = []
    numbers = itertools.count(1)
    made = 0
    for household_index in itertools.count(1):
        household = f"{household_index:08d}"
        home = _new_home(rng, used_blocks)
        address = Address(text=home.registry_text())
        for relationship, name, kana, born, sex, trait in _household(rng, pool):
            roll = rng.random()
            status = _STATUSES[0 if roll < 0.96 else 1 if roll < 0.985 else 2]
            facts = PersonalFacts(name=values.name(name, kana), address=address,
                                  date_of_birth=values.birth(born), sex=sex)
            twice = made + 1 < count and rng.random() < 0.0005
            for _ in range(2 if twice else 1):
                yield RegistryPerson(
                    resident_number=f"{next(numbers):010d}", household_number=household,
                    relationship=relationship, facts=facts, status=status,
                    address_parts=home, trait="duplicate" if twice else trait)
                made += 1
            if made >= count:
                return


def _new_home(rng: _Draws, used: dict[tuple[int, int, int, int], int]) -> AddressParts:
    """A household's address, never one already given: a house, or the next room in the
    building on a block that already has one."""
    if rng.random() < 0.8:
        index = rng.below(len(URBAN_DISTRICTS))
        district, chome = URBAN_DISTRICTS[index], rng.between(1, 6)
        block, lot = rng.between(1, 30), rng.between(1, 25)
    else:
        index = 100 + rng.below(len(RURAL_DISTRICTS))
        district, chome = RURAL_DISTRICTS[index - 100], None
        block, lot = rng.between(1, 2500), rng.pick((None, rng.between(1, 20)))
    key = (index, chome or 0, block, lot or 0)
    households_there = used.get(key, 0)
    used[key] = households_there + 1
    building = room = None
    if households_there:
        building = BUILDINGS[(block * 7 + (lot or 0)) % len(BUILDINGS)]
        floor, door = divmod(households_there - 1, 8)
        room = (floor + 1) * 100 + door + 1
    return AddressParts(prefecture=PREFECTURE, city=CITY, district=tuple(district), chome=chome,
                        block=block, lot=lot, building=building, room=room, style=index % 3)


# --- verifications: the same people as the card writes them -------------------------------

class VerifiedPerson(NamedTuple):
    truth: str | None  # resident number of who really verified; None: not in the registry
    facts: PersonalFacts  # as the card writes them
    linkable: bool  # a correct matcher links it (to `truth`); otherwise it must not link
    case: str  # see the module docstring


_CASES = (  # case, share of the verifications; the rest are "same"
    ("moved", 0.03), ("newcomer", 0.03), ("moved_out", 0.01), ("twin", 0.01),
    ("namesake", 0.01), ("duplicate", 0.005), ("stale", 0.003), ("variant_unknown", 0.003),
)
_LINKABLE = frozenset({"same", "twin", "namesake"})
_GIVEN_NAMES = (*MALE_NAMES, *FEMALE_NAMES, *FOREIGN_MALE_NAMES, *FOREIGN_FEMALE_NAMES)
_FAMILY_BY_FORM = {form: s for s in (*FAMILY_NAMES, *FOREIGN_FAMILY_NAMES) for form in s[0]}
_GIVEN_BY_FORM = {form: spelling for spelling in _GIVEN_NAMES for form in spelling[0]}


def _half_width_kana() -> dict[int, str]:
    table: dict[int, str] = {}
    for code in range(0xFF66, 0xFF9E):
        half = chr(code)
        table[ord(unicodedata.normalize("NFKC", half))] = half
        for mark in ("\uff9e", "\uff9f"):
            composed = unicodedata.normalize("NFKC", half + mark)
            if len(composed) == 1:
                table[ord(composed)] = half + mark
    return table


_HALF_WIDTH_KANA = _half_width_kana()


def generate_verified(registry: Sequence[RegistryPerson], count: int,
                      seed: int = 2) -> Iterator[VerifiedPerson]:
    """`count` card verifications against `registry` (see the module docstring for the cases;
    a registry person may verify more than once, as people do)."""
    rng = _Draws(seed)
    values = _Values()
    chosen = _Chooser(registry, rng)
    shares = list(itertools.accumulate(share for _case, share in _CASES))
    for _ in range(count):
        roll = rng.random()
        case = next((c for (c, _s), top in zip(_CASES, shares, strict=True) if roll < top), "same")
        if case == "newcomer":
            yield VerifiedPerson(None, _newcomer(rng, values), False, case)
            continue
        person = chosen.one(case)
        if person is None:
            case, person = "same", chosen.living()
        name, kana = _card_name(rng, person, unknown_variant=case == "variant_unknown")
        parts = person.address_parts
        if case in ("moved", "moved_out"):
            parts = _elsewhere(rng, other_city=case == "moved_out")
        facts = PersonalFacts(name=values.name(name, kana, typed=True),
                              address=Address(_card_address(rng, parts)),
                              date_of_birth=person.facts.date_of_birth, sex=person.facts.sex)
        yield VerifiedPerson(person.resident_number, facts, case in _LINKABLE, case)


class _Chooser:
    """Picks registry people for each case: one pass to list the rare kinds, rejection
    sampling for the common one."""

    def __init__(self, registry: Sequence[RegistryPerson], rng: _Draws) -> None:
        self.registry, self.rng = registry, rng
        self.kinds: dict[str, list[RegistryPerson]] = {c: [] for c, _s in _CASES}
        for person in registry:
            if person.trait:
                self.kinds[person.trait].append(person)
            if person.trait == "duplicate":
                continue
            if person.living:
                if "崎" in _family_spelling(person)[0][0]:
                    self.kinds["variant_unknown"].append(person)
            else:
                self.kinds["stale"].append(person)
                if person.status is RegistryStatus.MOVED_OUT:
                    self.kinds["moved_out"].append(person)
        self.kinds["twin"] = [p for p in self.kinds["twin"] if p.living]
        self.kinds["namesake"] = [p for p in self.kinds["namesake"] if p.living]

    def one(self, case: str) -> RegistryPerson | None:
        if case in ("same", "moved"):
            return self.living()
        kind = self.kinds[case]
        return self.rng.pick(kind) if kind else None

    def living(self) -> RegistryPerson:
        for _ in range(1000):
            person = self.registry[self.rng.below(len(self.registry))]
            if person.living and person.trait != "duplicate":
                return person
        raise ValueError("the registry has no living person recorded once")


def _family_spelling(person: RegistryPerson) -> Spelling:
    return _FAMILY_BY_FORM[person.facts.name.name.split("　")[0]]


def _card_name(rng: _Draws, person: RegistryPerson, *,
               unknown_variant: bool) -> tuple[str, str | None]:
    family_form, given_form = person.facts.name.name.split("　")
    family, given = _FAMILY_BY_FORM[family_form], _GIVEN_BY_FORM[given_form]
    if rng.random() < 0.3:
        family_form = rng.pick(family[0])
    if rng.random() < 0.3:
        given_form = rng.pick(given[0])
    if unknown_variant:
        family_form = family[0][0].replace("崎", "碕")
    separator = rng.pick((" ", "　", "", "　", "  "))
    name = f"{family_form}{separator}{given_form}"
    if family_form.isascii():
        name = rng.pick((name, name.translate(_FULL_WIDTH), name.title(), name.upper()))
    kana = person.facts.name.kana
    if kana is None or (rng.random() < 0.5 and not unknown_variant):
        return name, None
    way = rng.below(6)
    if way == 0:
        written = kana.translate(_HIRAGANA)  # typed in hiragana
    elif way == 1:
        written = "".join(_HALF_WIDTH_KANA.get(ord(c), c) for c in kana)
    elif way == 2:
        written = kana.translate(_LARGE)  # small kana written large, as banks do
    else:
        written = (kana, kana.replace("　", ""), kana.replace("　", " "))[way - 3]
    return name, written


def _card_address(rng: _Draws, parts: AddressParts) -> str:
    """The address as a card may write it: one style of numbers (and one width of digits) per
    address, as one writer would."""
    def gap() -> str:
        return rng.pick(("", "", "", " ", "　"))

    wide = rng.random() < 0.25

    def number(value: int) -> str:
        return str(value).translate(_FULL_WIDTH) if wide else str(value)

    district = parts.district[0] if rng.random() < 0.5 else rng.pick(parts.district)
    hyphen, style = rng.pick(_HYPHENS), rng.below(5)
    block, lot = parts.block, parts.lot
    if parts.chome is not None and lot is not None:
        chome = _kanji(parts.chome) if rng.random() < 0.3 else number(parts.chome)
        if style == 0:
            numbers = f"{chome}丁目{number(block)}番{number(lot)}号"
        elif style == 1:
            numbers = f"{number(parts.chome)}{hyphen}{number(block)}{hyphen}{number(lot)}"
        elif style == 2:
            numbers = f"{chome}丁目{number(block)}{hyphen}{number(lot)}"
        elif style == 3:
            numbers = f"{chome}丁目{number(block)}番地{number(lot)}"
        else:
            numbers = f"{_kanji(parts.chome)}丁目{_kanji(block)}番{_kanji(lot)}号"
    elif lot is None:
        numbers = (f"{_kanji(block)}番地" if style == 0 else
                   number(block) if style == 1 else f"{number(block)}番地")
    elif style == 0:
        numbers = f"{_kanji(block)}番地の{_kanji(lot)}"
    else:
        separator = ("番地", "番地の", hyphen, f"番地{gap()}の")[style - 1]
        numbers = f"{number(block)}{separator}{number(lot)}"
    text = (f"{parts.prefecture if rng.random() < 0.6 else ''}{gap()}{parts.city}{gap()}"
            f"{district}{gap()}{numbers}")
    if parts.building:
        text += f"{gap()}{parts.building}{number(parts.room or 0)}号室"
    return text


def _elsewhere(rng: _Draws, *, other_city: bool) -> AddressParts:
    """An address no registry household has: a district the registry does not use, or another
    city (where a person who moved out now lives)."""
    return AddressParts(prefecture=PREFECTURE, city=OTHER_CITY if other_city else CITY,
                        district=rng.pick(NEW_DISTRICTS), chome=rng.between(1, 6),
                        block=rng.between(1, 30), lot=rng.between(1, 25))


def _newcomer(rng: _Draws, values: _Values) -> PersonalFacts:
    """Someone who verified but is not in the registry (moved in after the extract)."""
    sex = rng.pick((Sex.MALE, Sex.FEMALE))
    family = rng.weighted(FAMILY_NAMES, _FAMILY_WEIGHTS)
    given = rng.pick(MALE_NAMES if sex is Sex.MALE else FEMALE_NAMES)
    name, kana = _named(rng, family, family[0][0], given)
    address = Address(_card_address(rng, _elsewhere(rng, other_city=rng.random() < 0.5)))
    born = values.birth(rng.between(_Y1935, _TODAY - _YEAR))
    return PersonalFacts(name=values.name(name, kana if rng.random() < 0.5 else None),
                         address=address, date_of_birth=born, sex=sex)
