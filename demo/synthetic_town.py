"""Synthetic residents for the demo town and the benchmarks. Names are common Japanese names;
nobody real is described. Deterministic for a given seed.

`registry_rows` writes the households as the town's registry extract (住民基本台帳) lists them,
so the demo town is imported the way a real town's is."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterable, Iterator

from attrs import frozen

from domain.residents import PersonalFacts
from domain.values import Address, DateOfBirth, PersonName, Sex

__all__ = ["SyntheticHousehold", "SyntheticPerson", "generate_households", "registry_rows"]

FAMILY_NAMES = [
    ("佐藤", "サトウ"), ("鈴木", "スズキ"), ("高橋", "タカハシ"), ("田中", "タナカ"),
    ("伊藤", "イトウ"), ("渡辺", "ワタナベ"), ("山本", "ヤマモト"), ("中村", "ナカムラ"),
    ("小林", "コバヤシ"), ("加藤", "カトウ"), ("吉田", "ヨシダ"), ("山田", "ヤマダ"),
    ("佐々木", "ササキ"), ("山口", "ヤマグチ"), ("松本", "マツモト"), ("井上", "イノウエ"),
    ("木村", "キムラ"), ("林", "ハヤシ"), ("斎藤", "サイトウ"), ("清水", "シミズ"),
    ("山崎", "ヤマザキ"), ("森", "モリ"), ("池田", "イケダ"), ("橋本", "ハシモト"),
]
MALE_NAMES = [
    ("太郎", "タロウ"), ("健太", "ケンタ"), ("翔太", "ショウタ"), ("大輔", "ダイスケ"),
    ("誠", "マコト"), ("浩", "ヒロシ"), ("隆", "タカシ"), ("蓮", "レン"), ("悠真", "ユウマ"),
    ("湊", "ミナト"), ("一郎", "イチロウ"), ("修", "オサム"),
]
FEMALE_NAMES = [
    ("花子", "ハナコ"), ("陽子", "ヨウコ"), ("美咲", "ミサキ"), ("恵子", "ケイコ"),
    ("由美", "ユミ"), ("さくら", "サクラ"), ("結衣", "ユイ"), ("葵", "アオイ"),
    ("京子", "キョウコ"), ("直美", "ナオミ"), ("陽菜", "ヒナ"), ("幸子", "サチコ"),
]
DISTRICTS = ["本町", "栄町", "旭町", "緑町", "東町", "西町", "南町", "北町", "中央", "桜台"]


@frozen
class SyntheticPerson:
    resident_number: str
    relationship: str
    facts: PersonalFacts


@frozen
class SyntheticHousehold:
    household_number: str
    members: tuple[SyntheticPerson, ...]  # the head first


def _person(rng: random.Random, family: tuple[str, str], *, sex: Sex, born: dt.date,
            number: str, relationship: str, address: Address) -> SyntheticPerson:
    given = rng.choice(MALE_NAMES if sex is Sex.MALE else FEMALE_NAMES)
    name = PersonName(name=f"{family[0]} {given[0]}", kana=f"{family[1]} {given[1]}")
    return SyntheticPerson(resident_number=number, relationship=relationship,
                           facts=PersonalFacts(name=name, address=address,
                                               date_of_birth=DateOfBirth(born), sex=sex))


def _birth(rng: random.Random, *, year_from: int, year_to: int) -> dt.date:
    start = dt.date(year_from, 1, 1).toordinal()
    end = dt.date(year_to, 12, 31).toordinal()
    return dt.date.fromordinal(rng.randint(start, end))


def generate_households(count: int, *, seed: int = 7, town: str = "",
                        prefix: str = "D") -> Iterator[SyntheticHousehold]:
    """`count` households of one to four people: a head, maybe a spouse, maybe children.
    Addresses start with `town` ("" by default: written relative to the town, as a real
    registry extract writes them, 本町1丁目2番3号; the card adds the prefecture and city)."""
    rng = random.Random(seed)
    person_counter = 0
    for index in range(1, count + 1):
        family = rng.choice(FAMILY_NAMES)
        district = rng.choice(DISTRICTS)
        address = Address(
            text=f"{town}{district}{rng.randint(1, 5)}丁目"
                 f"{rng.randint(1, 30)}番{rng.randint(1, 20)}号",
            postal_code=f"{rng.randint(100, 999)}{rng.randint(0, 9999):04d}",
        )

        def next_number() -> str:
            nonlocal person_counter
            person_counter += 1
            return f"{prefix}{person_counter:09d}"

        head_sex = rng.choice([Sex.MALE, Sex.FEMALE])
        head_born = _birth(rng, year_from=1940, year_to=1998)
        members = [_person(rng, family, sex=head_sex, born=head_born, number=next_number(),
                           relationship="世帯主", address=address)]
        if rng.random() < 0.55:
            spouse_sex = Sex.FEMALE if head_sex is Sex.MALE else Sex.MALE
            members.append(_person(rng, family, sex=spouse_sex,
                                   born=_birth(rng, year_from=head_born.year - 5,
                                               year_to=min(head_born.year + 5, 2000)),
                                   number=next_number(),
                                   relationship="妻" if spouse_sex is Sex.FEMALE else "夫",
                                   address=address))
        for _ in range(rng.choice([0, 0, 1, 2])):
            child_from = min(head_born.year + 20, 2020)
            born = _birth(rng, year_from=child_from, year_to=min(child_from + 15, 2024))
            members.append(_person(rng, family, sex=rng.choice([Sex.MALE, Sex.FEMALE]),
                                   born=born,
                                   number=next_number(), relationship="子", address=address))
        yield SyntheticHousehold(household_number=f"{prefix}H{index:08d}", members=tuple(members))


def registry_rows(households: Iterable[SyntheticHousehold]) -> Iterator[tuple[int, dict[str, str]]]:
    """The households as rows of a registry extract, `(row number, {field: cell})` in the fields
    of `application.residents.registry_rows.COLUMNS`: every person a resident (住民), the head
    first in each household."""
    row = 0
    for household in households:
        for person in household.members:
            row += 1
            facts = person.facts
            yield row, {
                "resident_number": person.resident_number,
                "household_number": household.household_number,
                "relationship": person.relationship,
                "name": facts.name.name,
                "kana": facts.name.kana or "",
                "date_of_birth": facts.date_of_birth.value.isoformat(),
                "sex": facts.sex.label,
                "address": facts.address.text,
                "postal_code": facts.address.postal_code or "",
                "status": "",
            }
