"""Names, readings and addresses written two ways by two official systems compare equal; names
and places that are really different stay different."""

import doctest
import unicodedata

import pytest

from application.residents import normalization
from application.residents.normalization import (
    PREFECTURES,
    normalize_address,
    normalize_kana,
    normalize_name,
)
from application.residents.variants import VARIANT_KANJI

pytestmark = pytest.mark.unit


# --- names --------------------------------------------------------------------------------------


@pytest.mark.parametrize(("card", "registry"), [
    ("高橋 太郎", "高橋　太郎"),  # half- or full-width space
    ("高橋太郎", "高橋　太郎"),  # no space at all
    ("高橋\t太郎", "高橋  太郎"),  # a tab, two spaces
    ("高橋 太郎", "髙橋 太郎"),  # はしごだか
    ("山崎 さくら", "山﨑 さくら"),  # たつさき U+FA11
    ("山崎 誠", "山嵜 誠"),
    ("渡辺 健太", "渡邊 健太"),
    ("渡辺 健太", "渡邉 健太"),
    ("斎藤 陽子", "齋藤 陽子"),
    ("斉藤 陽子", "齊藤 陽子"),  # 齊 is the old form of 斉, not of 斎
    ("浜田 花子", "濱田 花子"),
    ("浜田 花子", "濵田 花子"),
    ("沢田 修", "澤田 修"),
    ("桜井 葵", "櫻井 葵"),
    ("広田 浩", "廣田 浩"),
    ("吉田 直美", "𠮷田 直美"),  # つちよし U+20BB7
    ("土屋 樹", "𡈽屋 樹"),
    ("大塚 亮", "大\ufa10 亮"),  # compatibility 塚, folded by NFKC
    ("中島 恵子", "中嶋 惠子"),  # two variants in one name
    ("竜之介", "龍之介"),
    ("滝沢 真一", "瀧澤 眞一"),
    ("葛西 誠", "葛\U000e0100西 誠"),  # an ideographic variation selector (IVS)
    ("髙橋 太郎", "髙\ufe00橋 太郎"),  # a standardized variation selector
    ("SMITH JOHN", "ＳＭＩＴＨ　ＪＯＨＮ"),  # full-width letters
    ("SMITH JOHN", "Smith John"),  # letter case
    ("スミス・ジョン", "スミス ジョン"),  # middle dot between family and given name
    ("ｽﾐｽ ｼﾞｮﾝ", "スミス ジョン"),  # half-width katakana, voiced mark composed
])
def test_a_name_written_another_way_normalizes_to_the_same_form(card, registry):
    assert normalize_name(card) == normalize_name(registry)


@pytest.mark.parametrize(("one", "other"), [
    ("斉藤 誠", "斎藤 誠"),  # different characters, different registered names
    ("齊藤 誠", "齋藤 誠"),
    ("高橋 太郎", "高橋 次郎"),
    ("はな", "ハナ"),  # hiragana and katakana given names are different names
    ("佐々木 誠", "佐木 誠"),
    ("一ノ瀬 誠", "一之瀬 誠"),  # の/ノ/之 are not folded in names
    ("山崎 誠", "山碕 誠"),  # 碕 is not in the table: staff decide
    ("渡辺 誠", "渡部 誠"),  # same reading, different name
])
def test_a_different_name_stays_different(one, other):
    assert normalize_name(one) != normalize_name(other)


def test_a_normalized_name_has_no_spaces_dots_or_variants():
    assert normalize_name("　渡邊・健太　") == "渡辺健太"


# --- readings -----------------------------------------------------------------------------------


@pytest.mark.parametrize(("typed", "registry"), [
    ("さいとう しょうた", "サイトウ　ショウタ"),  # hiragana
    ("ｻｲﾄｳ ｼｮｳﾀ", "サイトウ　ショウタ"),  # half-width
    ("サイトウ シヨウタ", "サイトウ　ショウタ"),  # small kana written large (banks do)
    ("キヨウコ", "キョウコ"),
    ("ミツコ", "ミッコ"),
    ("ヤマダ タロウ", "ヤマダタロウ"),
    ("ユーコ", "ユコ"),  # the long-vowel mark is dropped
    ("オノ", "ヲノ"),
    ("イチロウ", "ヰチロウ"),
    ("エミ", "ヱミ"),
    ("ガク", "カ゛ク"),  # a spacing voiced mark
    ("ガク", "ｶﾞｸ"),
    ("ジョン・スミス", "ジョン スミス"),
    ("ヴァン", "ゔぁん"),
])
def test_a_reading_written_another_way_normalizes_to_the_same_form(typed, registry):
    assert normalize_kana(typed) == normalize_kana(registry)


@pytest.mark.parametrize(("one", "other"), [
    ("ヴァン", "バン"),  # ヴ is kept
    ("ガク", "カク"),  # voiced marks are kept
    ("パク", "ハク"),
    ("ミカヅキ", "ミカズキ"),  # ヅ and ズ are not folded
    ("ユウコ", "ユコ"),
])
def test_a_different_reading_stays_different(one, other):
    assert normalize_kana(one) != normalize_kana(other)


# --- addresses ----------------------------------------------------------------------------------


@pytest.mark.parametrize(("card", "registry"), [
    ("東京都千代田区霞が関1丁目2番3号", "千代田区霞が関1丁目2番3号"),  # prefecture omitted
    ("千代田区霞ヶ関1-2-3", "千代田区霞が関1-2-3"),  # ヶ / が joining a place name
    ("千代田区霞ケ関1-2-3", "千代田区霞ガ関1-2-3"),
    ("本町3丁目5番12号", "本町三丁目5番12号"),  # kanji chome
    ("本町3丁目5番12号", "本町三丁目五番十二号"),  # every number in kanji
    ("本町3丁目5番12号", "本町3-5-12"),
    ("本町3丁目5番12号", "本町3丁目5-12"),
    ("本町3丁目5番12号", "本町３－５－１２"),  # full-width digits and hyphen
    ("本町3-5-12", "本町3‐5‐12"),  # U+2010 hyphen
    ("本町3-5-12", "本町3ー5ー12"),  # long-vowel mark after a digit
    ("本町3-5-12", "本町3ｰ5ｰ12"),  # half-width long-vowel mark
    ("本町3-5-12", "本町3−5−12"),  # minus sign
    ("本町3-5-12", "本町3—5―12"),  # dashes
    ("本町3丁目5番地12", "本町3-5-12"),
    ("本町3丁目5番12号", "本町 3丁目 5番 12号"),  # spaces between the parts
    ("見本町大字上野23番地の5", "見本町大字上野23-5"),
    ("見本町大字上野23番地の5", "見本町大字上野二十三番地の五"),
    ("見本町大字上野23番地の5", "見本町大字上野23番地5"),
    ("見本町大字上野105番地", "見本町大字上野百五番地"),
    ("見本町大字上野105番地", "見本町大字上野105"),
    ("見本町1234番地", "見本町千二百三十四番地"),
    ("見本町203番地", "見本町二〇三番地"),  # kanji digits read one by one
    ("札幌市中央区北11条西3丁目", "北海道札幌市中央区北十一条西三丁目"),
    ("本町1丁目2番3号 さくらハイツ201号室", "本町1-2-3　さくらハイツ２０１号室"),
    ("本町1-2-3 101", "本町1丁目2番3号101"),  # a room number after the house number
    ("神奈川縣横濱市中区", "神奈川県横浜市中区"),  # variant kanji in place names
    ("茨城県龍ケ崎市", "竜ヶ崎市"),
])
def test_an_address_written_another_way_normalizes_to_the_same_form(card, registry):
    assert normalize_address(card) == normalize_address(registry)


@pytest.mark.parametrize(("text", "expected"), [
    ("愛知県一宮市本町3丁目", "一宮市本町3"),  # 一宮 is a place name, not 1宮
    ("東京都三鷹市下連雀三丁目4-5", "三鷹市下連雀3-4-5"),
    ("千葉県八千代市八千代台北三丁目", "八千代市八千代台北3"),
    ("新潟県十日町市本町二丁目", "十日町市本町2"),
    ("東京都千代田区一番町5", "千代田区一番町5"),  # 一番町 is not "1番"
    ("宮城県仙台市青葉区二番丁3-4", "仙台市青葉区二番丁3-4"),
    ("静岡県浜松市北区三ヶ日町三ヶ日123番地", "浜松市北区三ケ日町三ケ日123"),
    ("京都府京都市中京区四条通", "京都市中京区4条通"),
    ("見本市一の宮二の三", "見本市一の宮二の三"),  # no marker: nothing is a number here
])
def test_kanji_numerals_inside_place_names_are_kept(text, expected):
    assert normalize_address(text) == expected


@pytest.mark.parametrize(("one", "other"), [
    ("本町3丁目5番12号", "本町4丁目5番12号"),  # another chome
    ("本町3丁目5番12号", "本町3丁目5番13号"),
    ("本町3-5-12", "本町35-12"),
    ("本町1-2-3さくらハイツ201号室", "本町1-2-3さくらハイツ202号室"),  # another room
    ("本町1-2-3-101", "本町1-2-3101"),
    ("東京都府中市本町1-2-3", "東京都府中市栄町1-2-3"),
    ("見本市一宮1-2-3", "見本市1宮1-2-3"),
    ("見本町大字上野23番地", "見本町大字上野23番地の5"),
])
def test_a_different_address_stays_different(one, other):
    assert normalize_address(one) != normalize_address(other)


def test_every_prefecture_is_removed_from_the_front_only():
    assert len(PREFECTURES) == 47
    for prefecture in PREFECTURES:
        assert normalize_address(f"{prefecture}見本市本町1-2-3") == "見本市本町1-2-3"
    assert normalize_address("京都市下京区") == "京都市下京区"  # a city, not 京都府
    assert normalize_address("見本市東京都町1") == "見本市東京都町1"


# --- the table and the examples -----------------------------------------------------------------


def test_the_variant_table_has_at_least_forty_pairs_that_fold_in_one_step():
    assert len(VARIANT_KANJI) >= 40
    assert not set(VARIANT_KANJI.values()) & set(VARIANT_KANJI)
    assert all(len(variant) == 1 and len(standard) == 1
               for variant, standard in VARIANT_KANJI.items())


def test_every_variant_in_the_table_reaches_the_table_after_nfkc():
    for variant, standard in VARIANT_KANJI.items():
        survives = unicodedata.normalize("NFKC", variant)
        assert survives in (variant, standard), variant


def test_sai_is_never_folded_across():
    assert "斉" not in VARIANT_KANJI and "斎" not in VARIANT_KANJI
    assert VARIANT_KANJI["齋"] == "斎" and VARIANT_KANJI["齊"] == "斉"


def test_normalization_is_idempotent():
    for text in ("髙橋　太郎", "東京都千代田区霞が関一丁目2番3号", "見本町大字上野二十三番地の五"):
        assert normalize_name(normalize_name(text)) == normalize_name(text)
        assert normalize_address(normalize_address(text)) == normalize_address(text)
    assert normalize_kana(normalize_kana("きょうこ")) == normalize_kana("きょうこ")


def test_the_documented_examples_hold():
    failures, attempted = doctest.testmod(normalization, verbose=False)
    assert attempted > 0 and failures == 0


# -- the town's own prefecture and city -----------------------------------------------------------

SOJA = ("岡山県", "総社市")


@pytest.mark.parametrize("written", [
    "岡山県総社市中央一丁目1番1号", "総社市中央1-1-1", "中央一丁目1番1号", "中央１丁目１番１号",
    "岡山県　総社市　中央1丁目1番1号",
])
def test_an_address_in_this_town_is_the_same_with_or_without_the_town(written: str) -> None:
    assert normalize_address(written, SOJA) == normalize_address("中央1-1-1", SOJA) == "中央1-1-1"


@pytest.mark.parametrize("elsewhere", [
    "岡山県倉敷市中央一丁目1番1号", "倉敷市中央1-1-1", "広島県府中市中央1-1-1",
    "東京都総社市中央1-1-1",  # a city of the same name in another prefecture
])
def test_an_address_in_another_town_never_equals_one_in_this_town(elsewhere: str) -> None:
    assert normalize_address(elsewhere, SOJA) != normalize_address("中央1-1-1", SOJA)


def test_a_town_in_a_district_is_found_with_or_without_the_gun() -> None:
    for town in (("岡山県", "早島町"), ("岡山県", "都窪郡早島町")):
        assert (normalize_address("岡山県都窪郡早島町前潟三百番地", town)
                == normalize_address("早島町前潟300", town)
                == normalize_address("前潟300番地", town) == "前潟300")


def test_the_city_is_folded_as_addresses_are() -> None:
    assert normalize_address("埼玉県鶴ヶ島市上広谷1-1", ("埼玉県", "鶴ケ島市")) == "上広谷1-1"


def test_without_the_town_a_leading_prefecture_is_still_dropped() -> None:
    assert normalize_address("岡山県総社市中央1-1-1") == "総社市中央1-1-1"
