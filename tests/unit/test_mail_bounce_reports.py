"""Which mail a bounce report (DSN, RFC 3464) is about: the Message-ID the report returns (the
original's headers, or the whole original) names the outbox row, for the address it was made
for only; the use case then fails that mail and carries its notice on, once (ADR 0043)."""

from __future__ import annotations

import pytest

from adapters.email.bounces import hard_bounces
from adapters.email.rendering import MailIdentity, message_id_for, outbox_id_in
from application.channels.recording_bounces import Bounce, RecordBounces, record_bounces
from application.messaging.outbox import DeliveryStatus, OutboxMessage, OutboxStatus
from application.messaging.setting_ladder import SetLadder, set_ladder
from application.messaging.telling import Telling
from application.ports.messaging import OutgoingMessage
from domain.access import Role
from domain.channels import ChannelIdentity, IdentityStatus
from domain.households import Household
from tests import builders
from tests.fakes import FakeClock, FakeDatabase, FakeUnitOfWork, SequentialIds

pytestmark = pytest.mark.unit

SENDER = MailIdentity("総社市", "noreply@city.soja.example.jp")
OUTBOX_ID = "01JEXAMPLE0000000000000000"
GONE = "gone@example.jp"
CLOCK = FakeClock()


def _report(returned: str, *, recipient: str = "Gone@Example.JP", status: str = "5.1.1",
            action: str = "failed") -> bytes:
    return f"""From: MAILER-DAEMON@relay.example.jp
To: noreply@city.soja.example.jp
Subject: Undelivered Mail Returned to Sender
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status; boundary="B"

--B
Content-Type: text/plain

Your message could not be delivered.

--B
Content-Type: message/delivery-status

Reporting-MTA: dns; relay.example.jp

Final-Recipient: rfc822; {recipient}
Action: {action}
Status: {status}
Diagnostic-Code: smtp; 550 5.1.1 <{recipient}>: user unknown
{returned}
--B--
""".encode()


def _headers_part(message_id: str) -> str:
    return f"""
--B
Content-Type: text/rfc822-headers

From: =?utf-8?b?57eP56S+5biC?= <noreply@city.soja.example.jp>
To: {GONE}
Subject: =?utf-8?b?44GK55+l44KJ44Gb?=
Message-ID:
 {message_id}
"""


def _whole_original(message_id: str) -> str:
    return f"""
--B
Content-Type: message/rfc822

From: noreply@city.soja.example.jp
To: {GONE}
Message-ID: {message_id}
Content-Type: text/plain

お知らせ
"""


OURS = message_id_for(OUTBOX_ID, GONE, SENDER)


def test_our_message_id_reads_back_as_the_outbox_id_for_its_own_recipient_only() -> None:
    assert outbox_id_in(OURS, GONE) == OUTBOX_ID
    assert outbox_id_in(OURS, "GONE@example.jp") == OUTBOX_ID
    assert outbox_id_in(OURS, "someone.else@example.jp") is None
    assert outbox_id_in("<CAF=abc@mail.gmail.com>", GONE) is None
    assert outbox_id_in("", GONE) is None


def test_a_report_returning_the_original_headers_names_the_outbox_row() -> None:
    assert hard_bounces(_report(_headers_part(OURS))) == [
        Bounce(address=GONE, status="5.1.1", message_id=OUTBOX_ID)]


def test_a_report_returning_the_whole_original_names_the_outbox_row() -> None:
    assert hard_bounces(_report(_whole_original(OURS))) == [
        Bounce(address=GONE, status="5.1.1", message_id=OUTBOX_ID)]


def test_a_report_without_the_original_or_with_another_mail_still_names_the_address() -> None:
    assert hard_bounces(_report("")) == [Bounce(address=GONE, status="5.1.1")]
    theirs = message_id_for(OUTBOX_ID, "other@example.jp", SENDER)
    assert hard_bounces(_report(_headers_part(theirs))) == [Bounce(address=GONE,
                                                                    status="5.1.1")]


@pytest.mark.parametrize(("action", "status"), [("delayed", "4.4.1"), ("failed", "5.3.4"),
                                                ("failed", "5.7.1")])
def test_a_delay_or_a_refused_message_is_no_hard_bounce(action: str, status: str) -> None:
    assert hard_bounces(_report(_headers_part(OURS), action=action, status=status)) == []


@pytest.fixture
def database() -> FakeDatabase:
    """r1 (head of h1) by e-mail, then SMS; staff set e-mail → SMS; a notice went by mail and
    the relay accepted it (delivered: SMTP has no receipts)."""
    database = FakeDatabase()
    with FakeUnitOfWork(database) as uow:
        uow.households.add(Household.found(id="h1", household_number="H1",
                                           head_resident_id="r1"))
        for id, channel, address in (("i1", "email", GONE), ("i2", "sms", "+819011112222")):
            identity = ChannelIdentity.first_seen(id=id, channel=channel, address=address,
                                                  at=CLOCK.now())
            identity.link("r1")
            uow.channel_identities.add(identity)
        uow.commit()
    set_ladder(SetLadder(("email", "sms")), actor=builders.actor(role=Role.ADMINISTRATOR),
               uow=FakeUnitOfWork(database), clock=CLOCK)
    with FakeUnitOfWork(database) as uow:
        Telling(None, SequentialIds("n"), CLOCK).households(
            uow, [("h1", [OutgoingMessage(text="給付金のお知らせ")])])
        uow.commit()
    [notice] = database.tables["outbox"].values()
    notice.claim(CLOCK.now())
    notice.mark_sent(CLOCK.now())
    return database


def _rows(database: FakeDatabase) -> list[OutboxMessage]:
    return sorted(database.tables["outbox"].values(), key=lambda m: (m.created_at, m.id))


def _bounce(database: FakeDatabase, *bounces: Bounce) -> tuple[int, int]:
    CLOCK.advance(seconds=1)
    recorded = record_bounces(RecordBounces(bounces, builders.actor()),
                              uow=FakeUnitOfWork(database), clock=CLOCK)
    return recorded.shut, recorded.failed


def test_a_bounced_notice_fails_and_goes_on_to_the_next_rung_once(
        database: FakeDatabase) -> None:
    [notice] = _rows(database)
    assert notice.delivery_status is DeliveryStatus.DELIVERED
    bounce = Bounce(address=GONE, status="5.1.1", message_id=notice.id)

    assert _bounce(database, bounce) == (1, 1)
    assert _bounce(database, bounce) == (0, 0)  # the same report again changes nothing

    first, carried = _rows(database)
    assert (first.status, first.delivery_status) == (OutboxStatus.FAILED,
                                                     DeliveryStatus.PERMANENT_FAILURE)
    assert first.last_error == "permanent-failure: 5.1.1 hard bounce (DSN)"
    assert (carried.channel, carried.recipient, carried.fallback_of) == (
        "sms", "+819011112222", first.id)
    assert database.tables["channel_identities"]["i1"].status is IdentityStatus.UNREACHABLE


def test_a_bounce_naming_a_mail_to_another_address_only_shuts_the_address(
        database: FakeDatabase) -> None:
    [notice] = _rows(database)
    assert _bounce(database, Bounce(address="x@example.jp", message_id=notice.id)) == (0, 0)
    assert _bounce(database, Bounce(address=GONE)) == (1, 0)  # no mail named: as before
    [still] = _rows(database)
    assert still.delivery_status is DeliveryStatus.DELIVERED
