"""Value objects validate themselves and refuse bad input with a Japanese message."""

import datetime as dt
from decimal import Decimal

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.errors import DomainError, IllegalTransition, InvalidValue
from domain.values import (
    AccountType,
    Address,
    BankAccount,
    DateOfBirth,
    Money,
    PersonName,
    Sex,
    ZenginKana,
    to_katakana,
)

pytestmark = pytest.mark.unit


def an_account(**overrides: object) -> BankAccount:
    fields = {
        "bank_code": "0005",
        "branch_code": "001",
        "account_type": AccountType.ORDINARY,
        "number": "1234567",
        "holder": ZenginKana("ﾔﾏﾀﾞ ﾀﾛｳ"),
    }
    fields.update(overrides)
    return BankAccount(**fields)


# --- errors -------------------------------------------------------------------------------------


def test_a_domain_error_carries_its_message_and_a_stable_code():
    error = InvalidValue("金額に負の値は指定できません。")

    assert error.message == "金額に負の値は指定できません。"
    assert error.code == "invalid_value"
    assert str(error) == error.message


def test_a_domain_error_code_can_be_made_more_specific_without_changing_the_class_default():
    error = IllegalTransition("すでに受け付けています。", code="already_confirmed")

    assert error.code == "already_confirmed"
    assert IllegalTransition.code == "illegal_transition"
    assert isinstance(error, DomainError)


# --- Money --------------------------------------------------------------------------------------


@pytest.mark.parametrize("yen", [0, 1, 70_000, 999_999_999_999])
def test_money_holds_whole_yen_from_zero_up(yen):
    assert Money(yen).yen == yen


@pytest.mark.parametrize("value", [1.5, 100.0, Decimal("100"), "100", None])
def test_money_refuses_anything_but_an_integer(value):
    with pytest.raises(InvalidValue) as caught:
        Money(value)

    assert "整数" in caught.value.message


@pytest.mark.parametrize("value", [True, False])
def test_money_refuses_a_bool_even_though_python_counts_it_as_an_int(value):
    with pytest.raises(InvalidValue):
        Money(value)


@pytest.mark.parametrize("value", [10**12, 2**63 - 1, 2**63 * 10])
def test_money_refuses_more_than_a_transfer_files_total_can_carry(value):
    with pytest.raises(InvalidValue) as caught:
        Money(value)

    assert "大きすぎます" in caught.value.message


def test_money_refuses_a_negative_amount():
    with pytest.raises(InvalidValue) as caught:
        Money(-1)

    assert "負の値" in caught.value.message


def test_money_zero_is_zero_yen():
    assert Money.zero() == Money(0)


def test_money_adds_to_money():
    assert Money(70_000) + Money(1_000) == Money(71_000)


def test_money_times_a_count_multiplies_the_amount():
    assert Money(300).times(3) == Money(900)
    assert Money(300).times(0) == Money.zero()


def test_money_times_a_negative_count_is_refused_as_a_negative_amount():
    with pytest.raises(InvalidValue) as caught:
        Money(300).times(-1)

    assert "負の値" in caught.value.message


@pytest.mark.parametrize(
    ("yen", "shown"),
    [(70_000, "70,000円"), (0, "0円"), (999, "999円"), (1_234_567, "1,234,567円")],
)
def test_money_formats_the_way_a_notice_shows_it(yen, shown):
    assert Money(yen).format() == shown


def test_money_amounts_compare_by_value():
    assert Money(100) < Money(200)
    assert Money(100) == Money(100)


def test_money_is_immutable():
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        Money(100).yen = 200


yen_amounts = st.integers(min_value=0, max_value=10**9)  # sums and 100 times stay below MAX_YEN


@given(yen_amounts, yen_amounts)
def test_money_addition_is_commutative(a, b):
    assert Money(a) + Money(b) == Money(b) + Money(a)


@given(yen_amounts, yen_amounts, yen_amounts)
def test_money_addition_is_associative(a, b, c):
    assert (Money(a) + Money(b)) + Money(c) == Money(a) + (Money(b) + Money(c))


@given(yen_amounts)
def test_zero_yen_is_the_identity_of_money_addition(a):
    assert Money(a) + Money.zero() == Money(a)


@given(yen_amounts, st.integers(min_value=0, max_value=100))
def test_money_times_n_equals_adding_it_n_times(a, n):
    total = Money.zero()
    for _ in range(n):
        total = total + Money(a)

    assert Money(a).times(n) == total


# --- Sex ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["男", "男性", "1", "１", " 男 ", "M", "male"])
def test_sex_parses_the_ways_a_man_is_written(text):
    assert Sex.parse(text) is Sex.MALE


@pytest.mark.parametrize("text", ["女", "女性", "2", "２", "F", "female"])
def test_sex_parses_the_ways_a_woman_is_written(text):
    assert Sex.parse(text) is Sex.FEMALE


@pytest.mark.parametrize("text", ["3", "", "不明", "９", "男女"])
def test_sex_refuses_what_it_cannot_read_and_says_how_to_write_it(text):
    with pytest.raises(InvalidValue) as caught:
        Sex.parse(text)

    assert "性別" in caught.value.message
    assert "男・女" in caught.value.message


def test_sex_codes_and_labels_follow_the_resident_registry():
    assert (Sex.MALE.value, Sex.MALE.label) == ("1", "男")
    assert (Sex.FEMALE.value, Sex.FEMALE.label) == ("2", "女")


# --- PersonName ---------------------------------------------------------------------------------


def test_a_person_name_keeps_the_name_trimmed_and_the_katakana_reading():
    name = PersonName(name="  山田 太郎 ", kana="ヤマダ タロウ")

    assert name.name == "山田 太郎"
    assert name.kana == "ヤマダ タロウ"


def test_a_person_name_may_have_no_reading():
    assert PersonName(name="山田 太郎").kana is None


@pytest.mark.parametrize("kana", ["やまだ たろう", "ﾔﾏﾀﾞ ﾀﾛｳ", "YAMADA", "山田"])
def test_a_person_name_reading_must_be_full_width_katakana(kana):
    with pytest.raises(InvalidValue) as caught:
        PersonName(name="山田 太郎", kana=kana)

    assert "全角カタカナ" in caught.value.message


@pytest.mark.parametrize("name", ["", "   "])
def test_a_person_name_cannot_be_blank(name):
    with pytest.raises(InvalidValue) as caught:
        PersonName(name=name)

    assert "氏名を入力してください" in caught.value.message


def test_a_person_name_refuses_control_characters():
    with pytest.raises(InvalidValue) as caught:
        PersonName(name="山田\x00太郎")

    assert "制御文字" in caught.value.message


def test_a_person_name_is_at_most_100_characters():
    PersonName(name="あ" * 100)

    with pytest.raises(InvalidValue) as caught:
        PersonName(name="あ" * 101)

    assert "100文字以内" in caught.value.message


def test_a_person_name_refuses_a_name_that_is_not_text():
    with pytest.raises(InvalidValue) as caught:
        PersonName(name=42)

    assert "文字列" in caught.value.message


@pytest.mark.parametrize(
    ("typed", "reading"),
    [
        ("やまだ たろう", "ヤマダ タロウ"),
        ("ﾔﾏﾀﾞ ﾀﾛｳ", "ヤマダ タロウ"),
        ("ヤマダ　タロウ", "ヤマダ タロウ"),
        ("  きょうこ ", "キョウコ"),
        ("ゔぁいおりん", "ヴァイオリン"),
    ],
)
def test_person_name_of_turns_what_was_typed_into_a_full_width_katakana_reading(typed, reading):
    assert PersonName.of("山田 太郎", typed).kana == reading


@pytest.mark.parametrize("typed", [None, "", "   "])
def test_person_name_of_leaves_a_blank_reading_unknown(typed):
    assert PersonName.of("山田 太郎", typed).kana is None


def test_person_name_of_still_refuses_a_reading_that_is_not_kana():
    with pytest.raises(InvalidValue) as caught:
        PersonName.of("山田 太郎", "山田")

    assert "全角カタカナ" in caught.value.message


def test_a_person_name_reading_is_stored_without_surrounding_whitespace_like_the_name():
    name = PersonName(name=" 山田 太郎 ", kana=" ヤマダ タロウ\n")

    assert name.kana == "ヤマダ タロウ"


# --- Address ------------------------------------------------------------------------------------


def test_an_address_is_one_trimmed_line_with_an_optional_postal_code():
    address = Address(text="  東京都千代田区千代田1-1 ", postal_code="1000001")

    assert address.text == "東京都千代田区千代田1-1"
    assert address.postal_code == "1000001"
    assert Address(text="東京都千代田区千代田1-1").postal_code is None


@pytest.mark.parametrize("code", ["100001", "10000011", "100-0001", "abcdefg", ""])
def test_an_address_postal_code_is_seven_digits(code):
    with pytest.raises(InvalidValue) as caught:
        Address(text="東京都千代田区千代田1-1", postal_code=code)

    assert "7桁" in caught.value.message


@pytest.mark.parametrize("text", ["", "   "])
def test_an_address_cannot_be_blank(text):
    with pytest.raises(InvalidValue) as caught:
        Address(text=text)

    assert "住所を入力してください" in caught.value.message


def test_an_address_is_at_most_200_characters():
    with pytest.raises(InvalidValue) as caught:
        Address(text="あ" * 201)

    assert "200文字以内" in caught.value.message


@pytest.mark.parametrize(
    "typed", ["〒100-0001", "100-0001", "〒１００－０００１", " 1000001 ", "〒 100-0001"]
)
def test_address_of_strips_the_postal_mark_hyphen_and_full_width_digits(typed):
    assert Address.of("東京都千代田区千代田1-1", typed).postal_code == "1000001"


@pytest.mark.parametrize("typed", [None, "", "〒", " "])
def test_address_of_leaves_a_blank_postal_code_unknown(typed):
    assert Address.of("東京都千代田区千代田1-1", typed).postal_code is None


def test_address_of_still_refuses_a_postal_code_of_the_wrong_length():
    with pytest.raises(InvalidValue) as caught:
        Address.of("東京都千代田区千代田1-1", "〒100-001")

    assert "7桁" in caught.value.message


def test_an_address_postal_code_with_a_trailing_newline_is_refused():
    with pytest.raises(InvalidValue):
        Address(text="東京都千代田区千代田1-1", postal_code="1000001\n")


def test_address_of_refuses_a_postal_code_in_non_japanese_digits():
    with pytest.raises(InvalidValue):
        Address.of("東京都千代田区千代田1-1", "١٠٠٠٠٠١")


# --- DateOfBirth --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "1985-04-01",
        "1985/4/1",
        "1985.4.1",
        "19850401",
        "1985年4月1日",
        "１９８５－０４－０１",
        "１９８５０４０１",
        " 1985-04-01 ",
    ],
)
def test_date_of_birth_parses_the_ways_people_write_a_date(text):
    assert DateOfBirth.parse(text).value == dt.date(1985, 4, 1)


def test_date_of_birth_refuses_a_day_that_does_not_exist_and_says_so():
    with pytest.raises(InvalidValue) as caught:
        DateOfBirth.parse("2023-02-30")

    assert "2023-02-30" in caught.value.message
    assert "存在しない日付" in caught.value.message


@pytest.mark.parametrize("text", ["April 1st 1985", "85-4-1", "1985-4", "", "1985-04-01T00:00"])
def test_date_of_birth_refuses_what_it_cannot_read_and_shows_an_example(text):
    with pytest.raises(InvalidValue) as caught:
        DateOfBirth.parse(text)

    assert "読み取れません" in caught.value.message
    assert "1985-04-01" in caught.value.message


def test_date_of_birth_refuses_a_date_before_1880():
    DateOfBirth(dt.date(1880, 1, 1))

    with pytest.raises(InvalidValue) as caught:
        DateOfBirth.parse("1879-12-31")

    assert "古すぎます" in caught.value.message


@pytest.mark.parametrize(
    "value", [dt.datetime(1985, 4, 1, tzinfo=dt.UTC), "1985-04-01", None]
)
def test_date_of_birth_holds_a_date_and_nothing_else(value):
    with pytest.raises(InvalidValue) as caught:
        DateOfBirth(value)

    assert "日付で指定" in caught.value.message


def test_a_date_of_birth_in_the_future_is_refused():
    born = DateOfBirth(dt.date(2030, 1, 2))

    with pytest.raises(InvalidValue) as caught:
        born.ensure_not_after(dt.date(2030, 1, 1))

    assert "未来" in caught.value.message


def test_a_baby_born_today_is_not_in_the_future():
    born = DateOfBirth(dt.date(2030, 1, 1))

    assert born.ensure_not_after(dt.date(2030, 1, 1)) is born


@pytest.mark.parametrize(
    ("day", "age"),
    [
        (dt.date(2025, 3, 31), 39),  # the day before the birthday
        (dt.date(2025, 4, 1), 40),  # the birthday itself
        (dt.date(2025, 4, 2), 40),
        (dt.date(1985, 4, 1), 0),
    ],
)
def test_age_on_a_day_turns_over_on_the_birthday(day, age):
    assert DateOfBirth(dt.date(1985, 4, 1)).age_on(day) == age


def test_a_leap_day_baby_turns_a_year_older_on_the_first_of_march_in_a_common_year():
    born = DateOfBirth(dt.date(2004, 2, 29))

    assert born.age_on(dt.date(2025, 2, 28)) == 20
    assert born.age_on(dt.date(2025, 3, 1)) == 21


# --- ZenginKana ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "kana"),
    [
        ("やまだ たろう", "ﾔﾏﾀﾞ ﾀﾛｳ"),
        ("ヤマダ タロウ", "ﾔﾏﾀﾞ ﾀﾛｳ"),
        ("ﾔﾏﾀﾞ ﾀﾛｳ", "ﾔﾏﾀﾞ ﾀﾛｳ"),
        ("キョウ", "ｷﾖｳ"),
        ("きょう", "ｷﾖｳ"),
        ("ガッコウ", "ｶﾞﾂｺｳ"),
        ("ヴァイオリン", "ｳﾞｱｲｵﾘﾝ"),
        ("パン", "ﾊﾟﾝ"),
        ("ヲ", "ｦ"),
    ],
)
def test_zengin_kana_from_text_gives_half_width_katakana_with_small_kana_written_large(
    typed, kana
):
    assert ZenginKana.from_text(typed).text == kana


def test_zengin_kana_a_voiced_mark_takes_its_own_character_and_its_own_byte():
    ga = ZenginKana.from_text("ガ")

    assert ga.text == "ｶﾞ"
    assert len(ga.text) == 2
    assert ga.byte_length == 2


def test_zengin_kana_byte_length_counts_cp932_bytes():
    assert ZenginKana.from_text("ヤマダ タロウ").byte_length == len("ﾔﾏﾀﾞ ﾀﾛｳ")


@pytest.mark.parametrize(
    ("typed", "shown"),
    [("サトー", "「ｰ」"), ("ジョン・スミス", "「・」"), ("山田", "「山」")],
)
def test_zengin_kana_refuses_characters_a_transfer_file_cannot_carry_and_names_them(typed, shown):
    with pytest.raises(InvalidValue) as caught:
        ZenginKana.from_text(typed)

    assert "振込で使えない文字" in caught.value.message
    assert shown in caught.value.message


@pytest.mark.parametrize(
    ("typed", "kana"),
    [("yamada", "YAMADA"), ("ｙａｍａｄａ", "YAMADA"), ("abc123", "ABC123")],
)
def test_zengin_kana_upper_cases_latin_letters_and_narrows_full_width_ones(typed, kana):
    assert ZenginKana.from_text(typed).text == kana


@pytest.mark.parametrize(
    ("typed", "kana"),
    [("ヤマダ　タロウ", "ﾔﾏﾀﾞ ﾀﾛｳ"), ("  ヤマダ　　 タロウ　", "ﾔﾏﾀﾞ ﾀﾛｳ")],
)
def test_zengin_kana_collapses_full_width_and_repeated_spaces_to_one(typed, kana):
    assert ZenginKana.from_text(typed).text == kana


def test_zengin_kana_keeps_the_symbols_the_transfer_file_allows():
    assert ZenginKana.from_text("（カ）ヤマダ-ショウテン.").text == "(ｶ)ﾔﾏﾀﾞ-ｼﾖｳﾃﾝ."


@pytest.mark.parametrize("typed", ["", "   ", "　", None, 42])
def test_zengin_kana_from_text_refuses_an_empty_or_missing_name(typed):
    with pytest.raises(InvalidValue) as caught:
        ZenginKana.from_text(typed)

    assert "口座名義（カナ）を入力してください" in caught.value.message


def test_zengin_kana_built_directly_must_already_be_in_transfer_file_form():
    assert ZenginKana("ﾔﾏﾀﾞ").text == "ﾔﾏﾀﾞ"

    with pytest.raises(InvalidValue):
        ZenginKana("ヤマダ")
    with pytest.raises(InvalidValue):
        ZenginKana("ｷｮｳ")  # small half-width kana are written large in the file


_CONVERTIBLE_HIRAGANA = [chr(c) for c in range(0x3041, 0x3097) if chr(c) not in "ゐゑ"]
_CONVERTIBLE_KATAKANA = [chr(c) for c in range(0x30A1, 0x30F7) if chr(c) not in "ヰヱ"]
convertible_text = st.text(
    alphabet=st.sampled_from(
        _CONVERTIBLE_HIRAGANA
        + _CONVERTIBLE_KATAKANA
        + list("abcxyzABCXYZ0123456789ａＺ０９ ()./-　")
    ),
    min_size=1,
    max_size=30,
).filter(lambda text: text.strip(" 　"))


@given(convertible_text)
def test_zengin_kana_of_kana_latin_and_digits_always_fits_one_cp932_byte_per_character(text):
    kana = ZenginKana.from_text(text)

    assert all(len(char.encode("cp932")) == 1 for char in kana.text)
    assert kana.byte_length == len(kana.text)


@given(st.text(max_size=30))
def test_zengin_kana_from_any_text_either_refuses_or_gives_single_byte_characters(text):
    try:
        kana = ZenginKana.from_text(text)
    except InvalidValue:
        return

    assert kana.byte_length == len(kana.text)
    assert kana.text == kana.text.strip()
    assert "  " not in kana.text


@given(convertible_text)
def test_zengin_kana_converting_again_changes_nothing(text):
    kana = ZenginKana.from_text(text)

    assert ZenginKana.from_text(kana.text) == kana


# --- BankAccount --------------------------------------------------------------------------------


def test_a_bank_account_holds_its_codes_type_number_and_holder():
    account = an_account()

    assert (account.bank_code, account.branch_code, account.number) == ("0005", "001", "1234567")
    assert account.account_type is AccountType.ORDINARY
    assert account.holder == ZenginKana("ﾔﾏﾀﾞ ﾀﾛｳ")


@pytest.mark.parametrize("code", ["005", "00005", "00a5", "", 5])
def test_a_bank_code_is_four_digits(code):
    with pytest.raises(InvalidValue) as caught:
        an_account(bank_code=code)

    assert "金融機関コードは4桁" in caught.value.message


@pytest.mark.parametrize("code", ["01", "0001", "0-1", "", 1])
def test_a_branch_code_is_three_digits(code):
    with pytest.raises(InvalidValue) as caught:
        an_account(branch_code=code)

    assert "支店コードは3桁" in caught.value.message


@pytest.mark.parametrize("number", ["123456", "12345678", "123456a", "", 1234567])
def test_an_account_number_is_seven_digits(number):
    with pytest.raises(InvalidValue) as caught:
        an_account(number=number)

    assert "口座番号は7桁" in caught.value.message


def test_an_account_type_must_be_one_of_the_transfer_file_types():
    with pytest.raises(InvalidValue) as caught:
        an_account(account_type="1")

    assert "預金種目" in caught.value.message


def test_bank_account_of_zero_fills_a_short_number_as_banks_do():
    account = BankAccount.of(
        bank_code="0005", branch_code="001", account_type="1", number="12345", holder="やまだ"
    )

    assert account.number == "0012345"


def test_bank_account_of_accepts_full_width_digits_hyphens_and_spaces():
    account = BankAccount.of(
        bank_code="０００５",
        branch_code=" ００１ ",
        account_type=AccountType.SAVINGS,
        number="１２３－４５６７",
        holder="ヤマダ　タロウ",
    )

    assert (account.bank_code, account.branch_code, account.number) == ("0005", "001", "1234567")
    assert account.account_type is AccountType.SAVINGS
    assert account.holder.text == "ﾔﾏﾀﾞ ﾀﾛｳ"


@pytest.mark.parametrize(
    ("code", "kind"), [("1", AccountType.ORDINARY), ("2", AccountType.CURRENT)]
)
def test_bank_account_of_reads_the_account_type_code(code, kind):
    account = BankAccount.of(
        bank_code="0005", branch_code="001", account_type=code, number="1234567", holder="ﾔﾏﾀﾞ"
    )

    assert account.account_type is kind


@pytest.mark.parametrize("code", ["3", "普通", ""])
def test_bank_account_of_refuses_an_unknown_account_type(code):
    with pytest.raises(InvalidValue) as caught:
        BankAccount.of(
            bank_code="0005", branch_code="001", account_type=code, number="1234567",
            holder="ﾔﾏﾀﾞ",
        )

    assert "預金種目" in caught.value.message


@pytest.mark.parametrize("number", ["12345678", "", "12a4567"])
def test_bank_account_of_still_refuses_a_number_that_is_not_up_to_seven_digits(number):
    with pytest.raises(InvalidValue) as caught:
        BankAccount.of(
            bank_code="0005", branch_code="001", account_type="1", number=number, holder="ﾔﾏﾀﾞ"
        )

    assert "口座番号は7桁" in caught.value.message


def test_bank_account_of_refuses_a_holder_name_a_transfer_file_cannot_carry():
    with pytest.raises(InvalidValue) as caught:
        BankAccount.of(
            bank_code="0005", branch_code="001", account_type="1", number="1234567",
            holder="山田太郎",
        )

    assert "口座名義" in caught.value.message


def test_a_masked_account_number_shows_only_the_last_three_digits():
    assert an_account(number="1234567").masked() == "＊＊＊＊567"


@pytest.mark.parametrize(
    ("kind", "label"),
    [
        (AccountType.ORDINARY, "普通"),
        (AccountType.CURRENT, "当座"),
        (AccountType.SAVINGS, "貯蓄"),
        (AccountType.OTHER, "その他"),
    ],
)
def test_account_types_have_the_labels_staff_use(kind, label):
    assert kind.label == label


@pytest.mark.parametrize(
    "overrides", [{"bank_code": "012\n"}, {"branch_code": "01\n"}, {"number": "123456\n"}]
)
def test_a_bank_account_refuses_codes_that_end_in_a_newline(overrides):
    with pytest.raises(InvalidValue):
        an_account(**overrides)


def test_bank_account_of_refuses_digits_a_transfer_file_cannot_carry():
    with pytest.raises(InvalidValue):
        BankAccount.of(
            bank_code="٠٠٠٥", branch_code="001", account_type="1", number="1234567",
            holder="ﾔﾏﾀﾞ",
        )


@pytest.mark.parametrize("typed", ["123-4567", "１２３４５６７", "123 4567", "１２３－４５６７",
                                   "1234567"])
def test_an_account_number_is_read_with_hyphens_spaces_and_full_width_digits(typed):
    assert BankAccount.typed_number(typed) == "1234567"
    assert BankAccount.of(bank_code="0005", branch_code="001", account_type="1", number=typed,
                          holder="ヤマダ タロウ").number == "1234567"


@pytest.mark.parametrize("typed", ["12345678", "12a4567", "", "口座"])
def test_an_account_number_that_is_not_up_to_seven_digits_is_refused(typed):
    with pytest.raises(InvalidValue, match="7桁までの数字"):
        BankAccount.typed_number(typed)


@pytest.mark.parametrize("typed", ["１２３４５６７", "やまぐち1ろう", "YAMADA TARO"])
def test_a_persons_holder_name_with_digits_or_letters_is_refused_as_not_kana(typed):
    with pytest.raises(InvalidValue, match="カナで入力"):
        ZenginKana.of_person(typed)


@pytest.mark.parametrize(("typed", "kept"), [
    ("やまだ　たろう", "ﾔﾏﾀﾞ ﾀﾛｳ"), ("ﾔﾏﾀﾞ ﾀﾛｳ", "ﾔﾏﾀﾞ ﾀﾛｳ"), ("キョウコ", "ｷﾖｳｺ"),
])
def test_a_persons_holder_name_in_any_kana_becomes_transfer_kana(typed, kept):
    assert ZenginKana.of_person(typed).text == kept


def test_a_reading_is_shown_back_in_full_width_katakana():
    assert to_katakana("やまだ　ﾀﾛｳ ") == "ヤマダ タロウ"
