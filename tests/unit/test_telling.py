"""The one policy for telling a resident: a household's messages go to its head, a resident's
to them, on the identities that follow the town on the first channel of the ladder."""

from __future__ import annotations

import pytest

from application.messagebus import MessageBus
from application.messaging.telling import ContactPolicy, Telling
from application.ports.messaging import OutgoingMessage
from domain.channels import ChannelIdentity
from domain.households import Household
from tests.fakes import FakeClock, FakeDatabase, FakeUnitOfWork, SequentialIds

pytestmark = pytest.mark.unit

CLOCK = FakeClock()
HELLO = [OutgoingMessage(text="お知らせ")]


def _identity(id: str, resident: str, *, channel: str = "line",
              blocked: bool = False) -> ChannelIdentity:
    identity = ChannelIdentity.first_seen(id=id, channel=channel, address=f"{channel}-{id}",
                                          at=CLOCK.now())
    identity.link(resident)
    if blocked:
        identity.block(CLOCK.now())
    return identity


@pytest.fixture
def database() -> FakeDatabase:
    """Household h1: head r1 (on LINE and on SMS), member r2 (on LINE). Household h2: head r3,
    who blocked the town. Household h3: head r4, on no channel."""
    database = FakeDatabase(MessageBus({}))
    with FakeUnitOfWork(database) as uow:
        for household, head, members in (("h1", "r1", ["r2"]), ("h2", "r3", []),
                                         ("h3", "r4", [])):
            home = Household.found(id=household, household_number=household.upper(),
                                   head_resident_id=head)
            for member in members:
                home.add_member(member, "子")
            uow.households.add(home)
        for identity in (_identity("i1", "r1"), _identity("i2", "r1", channel="sms"),
                         _identity("i3", "r2"), _identity("i4", "r3", blocked=True)):
            uow.channel_identities.add(identity)
        uow.commit()
    return database


def _told(database: FakeDatabase, tell: object) -> list[str]:
    with FakeUnitOfWork(database) as uow:
        tell(Telling(ContactPolicy(("line", "sms")), SequentialIds("m"), CLOCK), uow)  # type: ignore[operator]
        uow.commit()
    return sorted(m.recipient for m in database.tables["outbox"].values())


def test_a_household_is_told_through_its_head_only(database: FakeDatabase) -> None:
    assert _told(database, lambda t, uow: t.households(uow, [("h1", HELLO)])) == ["line-i1"]


def test_the_first_channel_of_the_ladder_that_reaches_the_person_is_used(
        database: FakeDatabase) -> None:
    with FakeUnitOfWork(database) as uow:
        uow.channel_identities.get("i1").block(CLOCK.now())
        uow.commit()

    assert _told(database, lambda t, uow: t.households(uow, [("h1", HELLO)])) == ["sms-i2"]


def test_nobody_reachable_is_told_nothing_and_left_to_the_post(database: FakeDatabase) -> None:
    assert _told(database, lambda t, uow: t.households(uow, [("h2", HELLO), ("h3", HELLO),
                                                             ("h9", HELLO)])) == []


def test_a_resident_is_told_about_their_own_request(database: FakeDatabase) -> None:
    assert _told(database, lambda t, uow: t.residents(uow, [("r2", HELLO)])) == ["line-i3"]


def test_many_households_are_told_each_once(database: FakeDatabase) -> None:
    told = _told(database, lambda t, uow: t.households(uow, [("h1", HELLO), ("h2", HELLO),
                                                             ("h1", HELLO)]))
    assert told == ["line-i1", "line-i1"]  # two messages for h1, none for h2


def test_the_policy_chooses_by_the_ladder_and_skips_blocked_identities() -> None:
    line, sms = _identity("a", "r"), _identity("b", "r", channel="sms")
    blocked = _identity("c", "r", blocked=True)

    assert ContactPolicy(("sms", "line")).choose([line, sms]) == [sms]
    assert ContactPolicy(("line",)).choose([sms]) == []
    assert ContactPolicy(("line",)).choose([blocked, line]) == [line]


def test_a_resident_verifying_is_told_on_the_identity_they_used(database: FakeDatabase) -> None:
    stranger = ChannelIdentity.first_seen(id="i9", channel="line", address="line-i9",
                                          at=CLOCK.now())
    assert _told(database, lambda t, uow: t.identity(uow, stranger, HELLO)) == ["line-i9"]


def test_a_household_member_is_never_told_a_households_notice(database: FakeDatabase) -> None:
    with FakeUnitOfWork(database) as uow:
        uow.channel_identities.get("i1").block(CLOCK.now())
        uow.channel_identities.get("i2").block(CLOCK.now())
        uow.commit()

    # the member r2 follows on LINE, but the notice is the head's
    assert _told(database, lambda t, uow: t.households(uow, [("h1", HELLO)])) == []


def test_an_answer_goes_to_the_chat_the_resident_wrote_from(database: FakeDatabase) -> None:
    """A case's reply: on the SMS the resident wrote from, though LINE is first on the ladder."""
    def reply(t: Telling, uow: FakeUnitOfWork) -> None:
        assert t.in_reply(uow, uow.channel_identities.get("i2"), HELLO) is not None

    assert _told(database, reply) == ["sms-i2"]


def test_an_answer_to_a_blocked_chat_takes_the_residents_ladder_or_reaches_nobody(
        database: FakeDatabase) -> None:
    with FakeUnitOfWork(database) as uow:
        uow.channel_identities.get("i1").block(CLOCK.now())
        uow.commit()

    def reply(t: Telling, uow: FakeUnitOfWork) -> None:
        t.in_reply(uow, uow.channel_identities.get("i1"), HELLO)  # r1: on SMS too
        assert t.in_reply(uow, uow.channel_identities.get("i4"), HELLO) is None  # r3: nowhere

    assert _told(database, reply) == ["sms-i2"]
