"""A contact verified by a code (ADR 0041): numbers and addresses checked at entry, the code
kept hashed, expiring after 10 minutes, 5 tries, at most 3 codes sent."""

from __future__ import annotations

import datetime as dt

import pytest

from domain.channels import email_address, phone_number
from domain.contact_codes import CodeCheck, ContactCode, new_code
from domain.errors import IllegalTransition, InvalidValue

pytestmark = pytest.mark.unit

NOW = dt.datetime(2026, 6, 1, 9, tzinfo=dt.UTC)


def _code(code: str = "123456") -> ContactCode:
    return ContactCode.issue(id="c1", resident_id="r1", channel="sms", address="+819012345678",
                             code=code, at=NOW)


@pytest.mark.parametrize("typed", ["090-1234-5678", "０９０－１２３４－５６７８", "09012345678",
                                   "+81 90 1234 5678", "(090)1234-5678"])
def test_a_japanese_mobile_number_is_kept_in_e164(typed: str) -> None:
    assert phone_number(typed) == "+819012345678"


@pytest.mark.parametrize("typed", ["090-12", "1234567890123", "+1 202 555 0100", "abc", ""])
def test_a_malformed_or_foreign_number_is_refused_with_an_example(typed: str) -> None:
    with pytest.raises(InvalidValue, match="090-1234-5678"):
        phone_number(typed)


def test_an_address_is_lower_cased_and_a_malformed_one_refused() -> None:
    assert email_address(" Taro@Example.JP ") == "taro@example.jp"
    for typed in ("taro", "taro@", "taro@example", "a b@example.jp"):
        with pytest.raises(InvalidValue, match="メールアドレス"):
            email_address(typed)


def test_the_code_is_kept_hashed_and_verifies_once_right() -> None:
    code = _code()
    assert "123456" not in code.code_hash
    assert code.check("１２３４５６", NOW) is CodeCheck.VERIFIED  # typed full-width
    assert code.verified and code.verified_at == NOW


def test_a_wrong_code_counts_a_try_and_five_tries_end_it() -> None:
    code = _code()
    results = [code.check("000000", NOW) for _ in range(5)]
    assert results == [CodeCheck.WRONG] * 4 + [CodeCheck.EXHAUSTED]
    assert code.check("123456", NOW) is CodeCheck.EXHAUSTED  # even the right one, now
    assert not code.verified


def test_a_code_expires_after_ten_minutes() -> None:
    code = _code()
    assert code.check("123456", NOW + dt.timedelta(minutes=10)) is CodeCheck.EXPIRED
    assert not code.verified


def test_a_new_code_replaces_the_old_and_three_are_the_most() -> None:
    code = _code()
    code.check("000000", NOW)
    later = NOW + dt.timedelta(minutes=20)
    code.resend("654321", later)
    assert code.tries == 0 and code.check("123456", later) is CodeCheck.WRONG
    code.resend("111111", later)
    with pytest.raises(IllegalTransition, match="上限"):
        code.resend("222222", later)
    assert code.check("111111", later) is CodeCheck.VERIFIED


def test_codes_are_six_digits() -> None:
    assert all(len(c) == 6 and c.isdigit() for c in (new_code() for _ in range(50)))
