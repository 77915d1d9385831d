"""Signing in to the web channel (application/channels/web_sign_in.py): what counts as a phone
number or an address, one-time codes, and the one web identity a resident has."""

from __future__ import annotations

import re

import pytest

from application.channels.web_sign_in import (
    MAX_CODE_ATTEMPTS,
    CodeRefusal,
    SignInCodes,
    address_of,
    web_identity_for,
)
from domain.channels import ChannelIdentity
from domain.errors import InvalidValue
from tests.fake_links import MemoryLinkStore
from tests.fakes import FakeClock, FakeDatabase, SequentialIds, fake_uow_factory

PHONE = "+819012345678"


@pytest.mark.parametrize(("typed", "expected"), [
    ("090-1234-5678", ("sms", PHONE)),
    ("０９０ １２３４ ５６７８", ("sms", PHONE)),
    ("+819012345678", ("sms", PHONE)),
    ("(03) 1234-5678", ("sms", "+81312345678")),
    (" Hanako@Example.JP ", ("email", "hanako@example.jp")),
])
def test_a_number_or_an_address_is_read_in_one_shape(typed: str,
                                                    expected: tuple[str, str]) -> None:
    assert address_of(typed) == expected


@pytest.mark.parametrize("typed", ["", "12345", "090-1234", "+1 415 555 0100", "hanako@",
                                   "@example.jp", "hanako@example", "電話"])
def test_what_is_no_number_nor_address_is_refused(typed: str) -> None:
    with pytest.raises(InvalidValue, match="正しくありません"):
        address_of(typed)


@pytest.fixture
def database() -> FakeDatabase:
    database = FakeDatabase()
    uow = fake_uow_factory(database)()
    with uow:
        phone = ChannelIdentity.first_seen(id="sms1", channel="sms", address=PHONE,
                                           at=FakeClock().now())
        phone.link("r1")
        uow.channel_identities.add(phone)
        uow.commit()
    return database


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def codes(database: FakeDatabase, clock: FakeClock) -> SignInCodes:
    return SignInCodes(MemoryLinkStore(), secret_key="s" * 32, town_name="見本町", clock=clock,
                       ids=SequentialIds("m"), uow_factory=fake_uow_factory(database))


def _sent_code(database: FakeDatabase) -> str:
    [message] = database.tables["outbox"].values()
    assert (message.channel, message.recipient) == ("sms", PHONE)
    return re.search(r"\d{6}", message.payload["messages"][0]["text"])[0]  # type: ignore[index]


def test_the_right_code_signs_in_once(codes: SignInCodes, database: FakeDatabase) -> None:
    attempt = codes.send("090-1234-5678")
    code = _sent_code(database)

    first, again = codes.check(attempt, code), codes.check(attempt, code)

    assert first.identity_id == "sms1" and first.refusal is None
    assert again.identity_id is None and again.refusal is CodeRefusal.TOO_MANY


def test_wrong_codes_use_the_attempt_up(codes: SignInCodes, database: FakeDatabase) -> None:
    attempt = codes.send(PHONE)
    right = _sent_code(database)
    wrong = f"{(int(right) + 1) % 1_000_000:06d}"

    refusals = [codes.check(attempt, wrong).refusal for _ in range(MAX_CODE_ATTEMPTS)]

    assert refusals == [CodeRefusal.WRONG] * (MAX_CODE_ATTEMPTS - 1) + [CodeRefusal.TOO_MANY]
    assert codes.check(attempt, right).refusal is CodeRefusal.TOO_MANY


def test_a_code_lasts_ten_minutes(codes: SignInCodes, database: FakeDatabase,
                                  clock: FakeClock) -> None:
    attempt = codes.send(PHONE)
    clock.advance(minutes=10)

    assert codes.check(attempt, _sent_code(database)).refusal is CodeRefusal.EXPIRED


def test_an_unknown_number_gets_an_attempt_but_no_message(codes: SignInCodes,
                                                          database: FakeDatabase) -> None:
    attempt = codes.send("080-0000-0000")

    assert database.tables["outbox"] == {}
    assert codes.check(attempt, "000000").refusal is CodeRefusal.WRONG


def test_a_resident_has_one_web_identity_linked_like_their_phone(database: FakeDatabase,
                                                                 clock: FakeClock) -> None:
    ids = SequentialIds("w")
    made = []
    for _ in range(2):
        uow = fake_uow_factory(database)()
        with uow:
            made.append(web_identity_for("sms1", uow=uow, ids=ids, clock=clock))
            uow.commit()

    assert made[0].id == made[1].id
    assert made[0].channel == "web" and made[0].resident_id == "r1"
    assert PHONE not in made[0].address and len(made[0].address) > 20


def test_an_unlinked_recipient_gets_a_new_web_identity_linked_to_nobody(
    database: FakeDatabase, clock: FakeClock,
) -> None:
    uow = fake_uow_factory(database)()
    with uow:
        made = web_identity_for(None, uow=uow, ids=SequentialIds("w"), clock=clock)

    assert made.channel == "web" and made.resident_id is None
