"""Japanese numbers as residents type them become E.164; what cannot take SMS is refused with
a message that says what to type."""

from __future__ import annotations

import pytest

from domain.errors import InvalidValue
from domain.phone import (
    ANY_MALFORMED,
    IP_PHONE,
    LANDLINE,
    MALFORMED,
    NOT_JAPANESE,
    SERVICE,
    PhoneNumber,
    dialled_number,
    written_number,
)

pytestmark = pytest.mark.unit


@pytest.mark.parametrize("typed", [
    "090-1234-5678", "09012345678", "０９０１２３４５６７８", "０９０－１２３４－５６７８",
    "090ー1234ー5678", "(090) 1234 5678", "+81 90 1234 5678", "+819012345678",
    "+81(0)90-1234-5678", "＋８１９０１２３４５６７８", " 090.1234.5678 ",
])
def test_a_mobile_number_written_any_way_becomes_e164(typed: str) -> None:
    assert PhoneNumber.mobile(typed).e164 == "+819012345678"


@pytest.mark.parametrize(("typed", "message"), [
    ("03-1234-5678", LANDLINE), ("0866-92-8200", LANDLINE), ("+81 3 1234 5678", LANDLINE),
    ("050-1234-5678", IP_PHONE), ("0120-123-456", SERVICE), ("0570-000-123", SERVICE),
    ("+1 415 555 1212", NOT_JAPANESE), ("090-1234-567", MALFORMED),
    ("090-1234-56789", MALFORMED), ("電話番号", MALFORMED), ("", MALFORMED),
    ("٠٩٠١٢٣٤٥٦٧٨", MALFORMED),
])
def test_what_cannot_take_sms_is_refused_with_what_to_type(typed: str, message: str) -> None:
    with pytest.raises(InvalidValue) as refused:
        PhoneNumber.mobile(typed)
    assert refused.value.message == message


def test_a_number_shows_as_people_write_it_and_masked() -> None:
    number = PhoneNumber.mobile("08011112222")
    assert (number.national, number.masked(), str(number)) == (
        "080-1111-2222", "080-****-2222", "+818011112222")


def test_the_value_itself_refuses_anything_but_a_japanese_mobile() -> None:
    with pytest.raises(InvalidValue):
        PhoneNumber("+81312345678")


# -- any number a resident can be called back on (a procedure's phone question) ------------------

@pytest.mark.parametrize(("typed", "dialled", "written"), [
    ("090-1234-5678", "09012345678", "090-1234-5678"),
    ("０８６６－９２－１２３４", "0866921234", "0866921234"),  # a landline: its area code varies
    ("03 1234 5678", "0312345678", "0312345678"),
    ("+81(0)50-1234-5678", "05012345678", "050-1234-5678"),
    ("0120-123-456", "0120123456", "0120-123-456"),
    ("0800-123-4567", "08001234567", "0800-123-4567"),
])
def test_any_japanese_number_is_kept_as_dialled_and_written_where_the_split_is_certain(
        typed: str, dialled: str, written: str) -> None:
    assert dialled_number(typed) == dialled
    assert written_number(dialled) == written


@pytest.mark.parametrize(("typed", "message"), [
    ("090-1234-567", ANY_MALFORMED), ("0866-92-12345", ANY_MALFORMED), ("1234", ANY_MALFORMED),
    ("00-1234-5678", ANY_MALFORMED), ("+1 202 555 0100", NOT_JAPANESE), ("電話", ANY_MALFORMED),
])
def test_a_number_that_cannot_be_dialled_in_japan_is_refused_with_what_to_type(
        typed: str, message: str) -> None:
    with pytest.raises(InvalidValue) as refused:
        dialled_number(typed)
    assert refused.value.message == message
