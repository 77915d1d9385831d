"""Fact by fact: which of a card's facts are the same as a registry person's, in the normal
forms matching uses (see `normalization`), so that staff and the reason in the review queue say
exactly what differs ("氏名・住所・性別は一致、生年月日が不一致"), never more."""

from __future__ import annotations

from attrs import frozen

from application.residents.normalization import normalize_address, normalize_kana, normalize_name
from domain.residents import PersonalFacts

__all__ = ["FactComparison", "compare_facts"]

_LABELS = (("name", "氏名"), ("address", "住所"), ("date_of_birth", "生年月日"), ("sex", "性別"),
           ("reading", "読み"))
_HINTS = {("date_of_birth",): "入力誤りの可能性", ("sex",): "入力誤りの可能性",
          ("date_of_birth", "sex"): "入力誤りの可能性", ("address",): "転居の可能性",
          ("name",): "別人か異体字の可能性"}


@frozen
class FactComparison:
    """True where the fact is the same; `reading` is None when either side has none."""

    name: bool
    address: bool
    date_of_birth: bool
    sex: bool
    reading: bool | None = None

    def _facts(self) -> list[tuple[str, str, bool]]:
        return [(key, label, value) for key, label in _LABELS
                if (value := getattr(self, key)) is not None]

    @property
    def equal(self) -> tuple[str, ...]:
        return tuple(label for _key, label, same in self._facts() if same)

    @property
    def different(self) -> tuple[str, ...]:
        return tuple(label for _key, label, same in self._facts() if not same)

    def describe(self) -> str:
        """氏名・住所・性別は一致、生年月日が不一致（入力誤りの可能性）."""
        if not self.different:
            return "すべて一致"
        keys = tuple(key for key, _label, same in self._facts()
                     if not same and key != "reading")
        hint = _HINTS.get(keys)
        text = f"{'・'.join(self.different)}が不一致" + (f"（{hint}）" if hint else "")
        return f"{'・'.join(self.equal)}は一致、{text}" if self.equal else text


def compare_facts(card: PersonalFacts, registry: PersonalFacts, *,
                  town: tuple[str, str] = ("", "")) -> FactComparison:
    """`town`: the town's (prefecture, city), as the match keys fold addresses."""
    kana = card.name.kana, registry.name.kana
    return FactComparison(
        name=normalize_name(card.name.name) == normalize_name(registry.name.name),
        address=(normalize_address(card.address.text, town)
                 == normalize_address(registry.address.text, town)),
        date_of_birth=card.date_of_birth.value == registry.date_of_birth.value,
        sex=card.sex == registry.sex,
        reading=normalize_kana(kana[0]) == normalize_kana(kana[1]) if all(kana) else None,
    )
