"""Fact by fact: the reason a verification waits for staff names exactly the facts that differ."""

from __future__ import annotations

import datetime as dt

import pytest

from application.residents.comparing import compare_facts
from domain.values import Sex
from tests import builders as b

pytestmark = pytest.mark.unit


def test_only_the_date_of_birth_differing_says_so_and_nothing_else() -> None:
    card = b.facts(name="山田太郎", kana=None, born=dt.date(1980, 4, 2))
    compared = compare_facts(card, b.facts())

    assert compared.different == ("生年月日",)
    assert compared.describe() == "氏名・住所・性別は一致、生年月日が不一致（入力誤りの可能性）"


def test_the_town_is_folded_as_the_keys_fold_it() -> None:
    card = b.facts(address="岡山県総社市中央一丁目1番1号", sex=Sex.FEMALE)
    registry = b.facts(address="中央1-1-1")

    compared = compare_facts(card, registry, town=("岡山県", "総社市"))

    assert compared.address and compared.different == ("性別",)
    assert not compare_facts(card, registry).address  # without the town they differ


def test_the_reading_counts_only_where_both_sides_have_one() -> None:
    assert compare_facts(b.facts(kana=None), b.facts()).reading is None
    assert compare_facts(b.facts(kana="ヤマダ　タロウ"), b.facts()).equal == (
        "氏名", "住所", "生年月日", "性別", "読み")
