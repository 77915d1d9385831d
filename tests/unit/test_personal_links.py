"""Personal links (application/channels/links.py): signed, single-use, expiring, the same link
for a retried send of the same message, and nothing about the person in it."""

from __future__ import annotations

import datetime as dt

import pytest

from application.channels.links import LINK_LIFETIME, LinkRefusal, PersonalLinks
from application.ports.resident_links import LinkPurpose
from domain.channels import ChannelIdentity
from tests.fake_links import MemoryLinkStore
from tests.fakes import FakeClock, FakeDatabase, fake_uow_factory

PHONE = "+819012345678"


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def store() -> MemoryLinkStore:
    return MemoryLinkStore()


@pytest.fixture
def links(store: MemoryLinkStore, clock: FakeClock) -> PersonalLinks:
    database = FakeDatabase()
    uow = fake_uow_factory(database)()
    with uow:
        uow.channel_identities.add(ChannelIdentity.first_seen(
            id="sms1", channel="sms", address=PHONE, at=clock.now()))
        uow.commit()
    return PersonalLinks(store, secret_key="s" * 32, public_url="https://town.example/",
                         clock=clock, uow_factory=fake_uow_factory(database))


def _token(url: str) -> str:
    return url.rsplit("?t=", 1)[-1]


def test_a_link_for_a_message_opens_that_message_for_its_recipient(
    links: PersonalLinks,
) -> None:
    url = links.link_for("sms", PHONE, "msg1")

    checked = links.check(_token(url))

    assert url.startswith("https://town.example/r/l?t=")
    assert checked.ok and checked.link is not None
    assert (checked.link.identity_id, checked.link.message_id) == ("sms1", "msg1")
    assert checked.link.purpose is LinkPurpose.MESSAGE


def test_the_link_says_nothing_about_the_person(links: PersonalLinks) -> None:
    url = links.link_for("sms", PHONE, "msg1")

    assert "9012345678" not in url and "sms1" not in url and "msg1" not in url


def test_a_retried_send_gets_the_same_link_and_another_message_another(
    links: PersonalLinks, store: MemoryLinkStore,
) -> None:
    first = links.link_for("sms", PHONE, "msg1")

    assert links.link_for("sms", PHONE, "msg1") == first
    assert links.link_for("sms", PHONE, "msg2") != first
    assert len(store.links) == 2


def test_a_link_is_used_once(links: PersonalLinks) -> None:
    token = _token(links.link_for("sms", PHONE, "msg1"))

    first, second = links.use(token), links.use(token)

    assert first.ok
    assert second.refusal is LinkRefusal.USED
    assert links.check(token).refusal is LinkRefusal.USED


def test_checking_a_link_does_not_use_it(links: PersonalLinks) -> None:
    token = _token(links.link_for("sms", PHONE, "msg1"))

    links.check(token)
    links.check(token)

    assert links.use(token).ok


def test_a_link_expires_after_seven_days(links: PersonalLinks, clock: FakeClock) -> None:
    token = _token(links.link_for("sms", PHONE, "msg1"))
    assert dt.timedelta(days=7) == LINK_LIFETIME

    clock.advance(days=6, hours=23)
    assert links.check(token).ok
    clock.advance(hours=1)

    assert links.check(token).refusal is LinkRefusal.EXPIRED
    assert links.use(token).refusal is LinkRefusal.EXPIRED


@pytest.mark.parametrize("forge", ["signature", "id", "short", "long", "empty"])
def test_a_forged_token_is_unknown(links: PersonalLinks, store: MemoryLinkStore,
                                   forge: str) -> None:
    token = _token(links.link_for("sms", PHONE, "msg1"))
    other = "B" if token[-1] != "B" else "C"
    forged = {"signature": token[:-1] + other, "id": other + token[1:], "short": token[:-1],
              "long": token + "A", "empty": ""}[forge]

    assert links.check(forged).refusal is LinkRefusal.UNKNOWN
    assert links.use(forged).refusal is LinkRefusal.UNKNOWN
    assert all(link.used_at is None for link in store.links.values())


def test_a_link_signed_with_another_towns_secret_is_unknown(
    links: PersonalLinks, store: MemoryLinkStore, clock: FakeClock,
) -> None:
    token = _token(links.link_for("sms", PHONE, "msg1"))
    elsewhere = PersonalLinks(store, secret_key="t" * 32, public_url="https://other.example",
                              clock=clock, uow_factory=lambda: None)  # type: ignore[arg-type,return-value]

    assert elsewhere.check(token).refusal is LinkRefusal.UNKNOWN


def test_a_link_for_an_unknown_address_signs_in_nobody(links: PersonalLinks) -> None:
    checked = links.check(_token(links.link_for("sms", "+819000000000", "msg9")))

    assert checked.ok and checked.link is not None and checked.link.identity_id is None


def test_a_sign_in_link_has_no_message(links: PersonalLinks) -> None:
    url = links.personal_link("sms1", "sign_in", message_id=None)

    checked = links.check(_token(url))

    assert checked.ok and checked.link is not None
    assert checked.link.purpose is LinkPurpose.SIGN_IN and checked.link.message_id is None
    assert links.personal_link("sms1", "sign_in", message_id=None) != url  # a new one each time


def test_a_refusal_says_why_in_japanese() -> None:
    assert "すでに使われています" in LinkRefusal.USED.message
    assert "有効期限が切れています" in LinkRefusal.EXPIRED.message
    assert "正しくありません" in LinkRefusal.UNKNOWN.message
