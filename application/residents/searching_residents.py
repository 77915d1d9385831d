"""Staff search for a resident (住民検索) by resident number, or by name (kanji or kana) together
with the date of birth.

Names are encrypted at rest, so the search never reads them: it computes the same keyed match
keys the registry import stores (name or reading + date of birth + sex, both sexes) and looks
them up in their indexes. A name alone or a date of birth alone is not a search (see ADR 0013).
"""

from __future__ import annotations

import contextlib
import re
import unicodedata
from collections.abc import Sequence

from attrs import frozen

from application.access.actor import Actor
from application.audit.recording import record
from application.ports.clock import Clock
from application.ports.matching import MatchKeyer
from application.ports.unit_of_work import UnitOfWork
from application.residents.registry_rows import parse_registry_date
from domain.access import Permission
from domain.errors import InvalidValue
from domain.residents import PersonalFacts, Resident
from domain.values import Address, DateOfBirth, PersonName, Sex

__all__ = ["SearchResidents", "name_keys", "search_residents"]

_NEEDS_BOTH = ("氏名で探すときは生年月日も入力してください（例: 1985-04-01、昭和60年4月1日）。"
               "宛名番号だけでも探せます。")
_PLACEHOLDER_ADDRESS = Address(text="-")  # the address key is not used by the search
_KANA = re.compile(r"^[\u3041-\u3096\u30a1-\u30fa\u30fc\uff66-\uff9f\u3000 ]+$")


@frozen
class SearchResidents:
    name: str = ""
    date_of_birth: str = ""
    resident_number: str = ""


def _clean(text: str) -> str:
    return unicodedata.normalize("NFKC", text or "").strip()


def _by_name(name: str, born: DateOfBirth, keyer: MatchKeyer) -> tuple[list[str], list[str]]:
    readings: list[str] = []
    persons: list[str] = []
    spelled = [PersonName.of(name)]
    if _KANA.match(name):  # typed as kana: the reading, and the name as it might be written
        with contextlib.suppress(InvalidValue):
            spelled.append(PersonName.of(name, kana=name))
    for person_name in spelled:
        for sex in Sex:
            keys = keyer.keys_for(PersonalFacts(name=person_name, address=_PLACEHOLDER_ADDRESS,
                                                date_of_birth=born, sex=sex))
            persons.append(keys.person)
            if keys.reading:
                readings.append(keys.reading)
    return persons, readings


def search_residents(query: SearchResidents, *, actor: Actor, uow: UnitOfWork,
                     keyer: MatchKeyer, clock: Clock) -> Sequence[Resident]:
    actor.ensure(Permission.VIEW_RESIDENTS, "住民を検索")
    number, name, born_text = (_clean(query.resident_number), _clean(query.name),
                               _clean(query.date_of_birth))
    if not (number or name or born_text):
        raise InvalidValue("宛名番号、または氏名と生年月日を入力してください。")
    if not number and not (name and born_text):
        raise InvalidValue(_NEEDS_BOTH)
    with uow:
        if number:
            found = uow.residents.get_by_resident_number(number)
            results = [found] if found is not None else []
            if name and born_text:
                results = [r for r in results if r in _named(uow, name, born_text, keyer)]
        else:
            results = list(_named(uow, name, born_text, keyer))
        record(uow, actor, "resident.search", "resident", at=clock.now(), shown=len(results),
               by="number" if number else "name_and_birth")
        uow.commit()
    return results


def name_keys(name: str, born_text: str, keyer: MatchKeyer) -> tuple[list[str], list[str]]:
    """The keyed match keys (as a name, and as a reading) a typed name with its date of birth
    is looked up by; other searches (a program's applications) use them too."""
    name, born_text = _clean(name), _clean(born_text)
    if not (name and born_text):
        raise InvalidValue(_NEEDS_BOTH)
    born = DateOfBirth(parse_registry_date(born_text))  # also 昭和60年4月1日, S60.4.1
    if len(name) > 100:
        raise InvalidValue("氏名は100文字以内で入力してください。")
    return _by_name(name, born, keyer)


def _named(uow: UnitOfWork, name: str, born_text: str, keyer: MatchKeyer) -> list[Resident]:
    persons, readings = name_keys(name, born_text, keyer)
    found = uow.residents.candidates(persons=persons, places=[], readings=readings)
    return sorted(found, key=lambda r: (r.resident_number or "", r.id))
