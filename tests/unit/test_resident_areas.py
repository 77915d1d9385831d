"""The area (町丁目 / 大字) segments read, from the registry's address (ADR 0056)."""

from __future__ import annotations

import datetime as dt

import pytest

from application.residents.areas import area_of
from application.residents.profiles import profile_of, refresh_profiles
from domain.segments import month_index
from domain.values import Sex
from tests import builders
from tests.fakes import FakeClock, FakeDatabase, FakeUnitOfWork

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(("address", "area"), [
    ("本町2丁目3番4号", "本町2丁目"),
    ("本町２丁目３番４号", "本町2丁目"),  # full-width digits
    ("本町二丁目3番4号", "本町2丁目"),  # 漢数字
    ("本町十二丁目1番", "本町12丁目"),
    ("本町二十一丁目1番", "本町21丁目"),
    ("本町 2丁目 3-4 さくらハイツ201号室", "本町2丁目"),
    ("本町2-3-4", "本町2丁目"),  # three numbers: the first is the 丁目
    ("本町３－４－５", "本町3丁目"),
    ("本町2ー3ー4", "本町2丁目"),
    ("グリーンヒル3丁目2番1号", "グリーンヒル3丁目"),  # ー in a name is a long vowel
    ("大字上野字中原123番地", "大字上野"),
    ("大字上野二十三番地の五", "大字上野"),
    ("本町105番地", "本町"),
    ("一番町5番地", "一番町"),  # a numeral inside a place name stays
    ("東京都千代田区霞が関一丁目2番3号", "霞が関1丁目"),
    ("岡山県総社市中央一丁目1番1号", "中央1丁目"),
    ("北海道札幌市中央区北一条西二丁目1番地", "北一条西2丁目"),
    ("長野県北佐久郡軽井沢町大字軽井沢1323番地", "大字軽井沢"),
    ("", ""),
    ("123", ""),
])
def test_the_area_of_an_address(address: str, area: str) -> None:
    assert area_of(address) == area


def test_the_towns_own_name_in_front_is_dropped() -> None:
    assert area_of("見本県見本町本町1丁目2番3号", town="見本町") == "本町1丁目"
    assert area_of("本町1丁目2番3号", town="見本町") == "本町1丁目"


def test_a_profile_keeps_the_month_of_birth_and_the_registrys_sex_code() -> None:
    resident = builders.resident(address="本町２丁目３番４号", born=dt.date(1950, 3, 31),
                                 sex=Sex.FEMALE)
    profile = profile_of(resident)
    assert profile is not None
    assert (profile.area, profile.birth_month, profile.sex) == (
        "本町2丁目", month_index(1950, 3), "2")


def test_refreshing_writes_every_residents_profile_and_is_audited() -> None:
    database = FakeDatabase()
    with FakeUnitOfWork(database) as uow:
        for n in range(1, 4):
            uow.residents.add(builders.resident(id=f"r{n}", resident_number=f"00{n}",
                                                address=f"本町{n}丁目1番"))
        uow.commit()
    written = refresh_profiles(actor=builders.actor(), uow_factory=lambda: FakeUnitOfWork(database),
                               clock=FakeClock(), batch_size=2)
    assert written == 3
    assert sorted(p.area for p in database.tables["resident_profiles"].values()) == [
        "本町1丁目", "本町2丁目", "本町3丁目"]
