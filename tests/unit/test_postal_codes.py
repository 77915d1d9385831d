"""Postal codes: Japan Post's KEN_ALL.CSV read by the adapter (the bundled excerpt and the
data's own conventions), and the in-memory fake, through one contract."""

from __future__ import annotations

import pathlib

import pytest

from adapters.postal_codes.ken_all import BUNDLED, KenAllPostalCodes
from application.ports.postal_codes import PostalArea, PostalCodes
from tests.support.postal_codes import EXCERPT_AREAS, FakePostalCodes

pytestmark = pytest.mark.unit


@pytest.fixture(params=["ken_all", "fake"])
def postal_codes(request: pytest.FixtureRequest) -> PostalCodes:
    return KenAllPostalCodes() if request.param == "ken_all" else FakePostalCodes()


def test_a_code_gives_its_prefecture_city_and_town(postal_codes: PostalCodes) -> None:
    assert postal_codes.areas("7191131") == (PostalArea("7191131", "岡山県", "総社市", "中央"),)
    assert postal_codes.areas("7191131")[0].text == "岡山県総社市中央"


def test_an_unknown_code_gives_nothing(postal_codes: PostalCodes) -> None:
    assert tuple(postal_codes.areas("9999998")) == ()


def test_the_rest_of_a_city_has_no_town(postal_codes: PostalCodes) -> None:
    [area] = postal_codes.areas("0600000")  # 以下に掲載がない場合
    assert area.town == "" and area.text == "北海道札幌市中央区"


def test_a_parenthesis_narrowing_the_town_is_dropped(postal_codes: PostalCodes) -> None:
    assert [a.town for a in postal_codes.areas("0600042")] == ["大通西"]  # （１～１９丁目）
    assert [a.town for a in postal_codes.areas("1000005")] == ["丸の内"]  # （次のビルを除く）


def test_a_code_of_two_prefectures_gives_both(postal_codes: PostalCodes) -> None:
    assert [a.prefecture for a in postal_codes.areas("4980000")] == ["愛知県", "三重県"]


def test_the_bundled_excerpt_is_the_fakes_data() -> None:
    real = KenAllPostalCodes()
    assert tuple(a for code in sorted({a.code for a in EXCERPT_AREAS})
                 for a in real.areas(code)) == EXCERPT_AREAS
    assert BUNDLED.read_bytes().decode("cp932")  # as Japan Post writes it


def _ken_all(tmp_path: pathlib.Path, *towns: tuple[str, str]) -> pathlib.Path:
    path = tmp_path / "KEN_ALL.CSV"
    lines = [f'33208,"719  ","{code}","ｵｶﾔﾏｹﾝ","ｿｳｼﾞﾔｼ","ｶﾅ","岡山県","総社市","{town}",'
             "0,0,0,0,0,0" for code, town in towns]
    path.write_bytes("\r\n".join(lines).encode("cp932"))
    return path


def test_a_town_split_over_rows_is_read_as_one(tmp_path: pathlib.Path) -> None:
    path = _ken_all(tmp_path, ("7190001", "長い町（一番地、二番地、"), ("7190001", "三番地）"),
                    ("7190002", "短い町"))

    codes = KenAllPostalCodes(path)

    assert [a.town for a in codes.areas("7190001")] == ["長い町"]
    assert [a.town for a in codes.areas("7190002")] == ["短い町"]


def test_a_whole_place_and_a_place_before_its_lot_number_have_no_town(
        tmp_path: pathlib.Path) -> None:
    path = _ken_all(tmp_path, ("7190003", "見本村一円"), ("7190004", "見本村の次に番地がくる場合"),
                    ("7190005", "一円"))

    codes = KenAllPostalCodes(path)

    assert [a.town for a in codes.areas("7190003")] == [""]
    assert [a.town for a in codes.areas("7190004")] == [""]
    assert [a.town for a in codes.areas("7190005")] == ["一円"]  # a town called 一円


def test_the_same_area_under_one_code_is_kept_once(tmp_path: pathlib.Path) -> None:
    path = _ken_all(tmp_path, ("7190006", "本町（１丁目）"), ("7190006", "本町（２丁目）"))

    assert KenAllPostalCodes(path).areas("7190006") == (
        PostalArea("7190006", "岡山県", "総社市", "本町"),)


def test_nothing_is_read_before_the_first_look_up(tmp_path: pathlib.Path) -> None:
    KenAllPostalCodes(tmp_path / "not-there.csv")  # no error: read on first use
