"""ゆうちょ銀行: the 記号 and 番号 printed on a passbook, and the transfer form (店番, 預金種目,
口座番号) other banks and the Zengin file need."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.errors import InvalidValue
from domain.values import AccountType, BankAccount
from domain.yucho import YuchoPassbook, account_from_form, as_on_passbook, branch_name

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(("symbol", "number", "branch", "name", "kind", "account"), [
    ("10180", "12345671", "018", "〇一八", AccountType.ORDINARY, "1234567"),
    ("17300", "19927651", "738", "七三八", AccountType.ORDINARY, "1992765"),
    ("00530", "1234567", "059", "〇五九", AccountType.CURRENT, "1234567"),
    ("00530", "12", "059", "〇五九", AccountType.CURRENT, "0000012"),
    ("14090", "5671", "408", "四〇八", AccountType.ORDINARY, "0000567"),
])
def test_the_public_examples_convert_to_the_transfer_form(symbol, number, branch, name, kind,
                                                          account) -> None:
    passbook = YuchoPassbook.of(symbol, number)

    assert (passbook.branch_code, passbook.branch_name) == (branch, name)
    assert (passbook.account_type, passbook.number) == (kind, account)


def test_the_transfer_account_is_a_bank_account_at_yucho() -> None:
    account = YuchoPassbook.of("10180", "12345671").bank_account("やまだ たろう")

    assert (account.bank_code, account.branch_code, account.number) == ("9900", "018", "1234567")
    assert account.account_type is AccountType.ORDINARY and account.holder.text == "ﾔﾏﾀﾞ ﾀﾛｳ"


def test_what_a_person_types_is_read_as_digits() -> None:
    passbook = YuchoPassbook.of(" １０１８０ ", "1234567-1")
    assert passbook.passbook_text() == "10180-12345671"
    assert passbook.transfer_text() == "店番 018（〇一八） 普通 口座番号 1234567"


@pytest.mark.parametrize(("symbol", "number", "says"), [
    ("10180", "12345670", "最後が1"),  # a 1-記号's 番号 ends in its check digit 1
    ("20180", "12345671", "0か1で始まります"),
    ("1018", "12345671", "記号は5桁"),
    ("101800", "12345671", "記号は5桁"),
    ("10180", "123456781", "8桁まで"),
    ("10180", "", "8桁まで"),
    ("10180", "1", "2桁以上"),
    ("10180", "00000001", "正しくありません"),
    ("00530", "12345678", "7桁まで"),
    ("00530", "0", "正しくありません"),
    ("1018O", "12345671", "記号は5桁"),
])
def test_impossible_combinations_are_refused_in_japanese(symbol, number, says) -> None:
    with pytest.raises(InvalidValue) as refused:
        YuchoPassbook.of(symbol, number)
    assert says in refused.value.message


def test_the_symbol_alone_is_checked_before_the_number_is_asked() -> None:
    assert YuchoPassbook.check_symbol("１０１８０") == "10180"
    with pytest.raises(InvalidValue):
        YuchoPassbook.check_symbol("30180")


ordinary = st.tuples(st.text("0123456789", min_size=4, max_size=4),
                     st.integers(1, 9_999_999))
transfer = st.tuples(st.text("0123456789", min_size=4, max_size=4), st.integers(1, 9_999_999))


@given(ordinary)
def test_an_ordinary_passbook_round_trips_through_the_transfer_form(case) -> None:
    rest, account = case
    symbol, number = "1" + rest, f"{account}1"

    passbook = YuchoPassbook.of(symbol, number)

    assert passbook.branch_code == rest[:2] + "8" and passbook.account_type.label == "普通"
    assert len(passbook.number) == 7 and int(passbook.number) == account
    assert int(passbook.number + "1") == int(number)  # the 番号 is the number and its 1
    assert YuchoPassbook.of(passbook.symbol, passbook.passbook_number) == passbook


@given(transfer)
def test_a_transfer_passbook_keeps_its_number_and_ends_its_branch_in_9(case) -> None:
    rest, account = case

    passbook = YuchoPassbook.of("0" + rest, str(account))

    assert passbook.branch_code == rest[:2] + "9" and passbook.account_type.label == "当座"
    assert passbook.number == str(account).zfill(7)


@given(st.one_of(ordinary.map(lambda c: ("1" + c[0], f"{c[1]}1")),
                 transfer.map(lambda c: ("0" + c[0], str(c[1])))))
def test_staff_see_a_transfer_account_as_its_passbook_prints_it_but_the_unkept_digits(
        case) -> None:
    symbol, number = case
    account = YuchoPassbook.of(symbol, number).bank_account("ヤマダ タロウ")

    shown_symbol, shown_number = as_on_passbook(account)

    assert shown_symbol == symbol[:3] + "□□" and shown_number == number.lstrip("0")


def test_another_banks_account_has_no_passbook_reading() -> None:
    assert as_on_passbook(BankAccount.of(bank_code="0001", branch_code="018", account_type="1",
                                         number="1234567", holder="ヤマダ")) is None


@given(st.text("0123456789", min_size=3, max_size=3))
def test_a_branch_is_named_by_its_digits_in_kanji(code) -> None:
    name = branch_name(code)
    assert len(name) == 3 and name.translate(str.maketrans("〇一二三四五六七八九",
                                                           "0123456789")) == code


@given(st.text("0123456789", min_size=5, max_size=5).filter(lambda s: s[0] not in "01"),
       st.text("0123456789", min_size=1, max_size=8))
def test_a_symbol_starting_with_another_digit_is_always_refused(symbol, number) -> None:
    with pytest.raises(InvalidValue):
        YuchoPassbook.of(symbol, number)



def test_a_staff_form_takes_a_yucho_account_by_its_passbook_or_its_transfer_form() -> None:
    by_passbook = account_from_form(bank_code="9900", holder="ヤマダ タロウ",
                                    yucho_symbol="17300", yucho_number="19927651")
    by_branch = account_from_form(bank_code="9900", branch_code="738", account_type="1",
                                  number="1992765", holder="ヤマダ タロウ")
    assert by_passbook == by_branch
    assert account_from_form(bank_code="", holder="ヤマダ", yucho_symbol="00530",
                             yucho_number="1234567").branch_code == "059"


@pytest.mark.parametrize(("fields", "says"), [
    ({"bank_code": "0001", "yucho_symbol": "10180", "yucho_number": "12345671"},
     "ゆうちょ銀行（金融機関コード9900）の通帳のときだけ"),
    ({"bank_code": "9900", "yucho_symbol": "10180"}, "両方"),
    ({"bank_code": "9900", "number": "1234567"}, "記号と番号か、店番"),
])
def test_a_staff_form_refuses_a_passbook_that_does_not_fit(fields, says) -> None:
    with pytest.raises(InvalidValue) as refused:
        account_from_form(holder="ヤマダ タロウ", **fields)
    assert says in refused.value.message
