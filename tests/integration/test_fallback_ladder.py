"""The ladder on a real database (SQLite and PostgreSQL): stored and read back, a LINE block
moving a household's notice to SMS once and only once (a repeated record and a redelivered
provider report change nothing more), and the program's figures adding up with the postal list
when a notice fails on every rung (ADR 0041)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import pytest
from sqlalchemy import Engine, func, select

from adapters.persistence.orm.messaging import outbox
from application.benefits.listing_postal import postal_rows
from application.benefits.reach import split
from application.benefits.sending_campaign import preview_campaign, send_campaign
from application.channels.recording_bounces import Bounce, RecordBounces, record_bounces
from application.messaging.delivering_outbox import deliver_outbox
from application.messaging.fallback import carry_on
from application.messaging.ladder import ladder_in
from application.messaging.outbox import DeliveryStatus, OutboxStatus
from application.messaging.recording_delivery_status import (
    DeliveryStatusReport,
    record_delivery_status,
)
from application.messaging.setting_ladder import SetLadder, set_ladder
from application.messaging.telling import load_policy
from application.ports.messaging import DeliveryOutcome, DeliveryResult, OutgoingMessage
from application.ports.unit_of_work import DuplicateError
from domain.access import Role
from domain.channels import ChannelIdentity, IdentityStatus
from tests import builders
from tests.integration.test_benefits import NOW, Town

pytestmark = pytest.mark.integration

PHONE = "+819011112222"


class Channel:
    def __init__(self, name: str, *, fails: dict[str, DeliveryOutcome] | None = None,
                 ref: str = "") -> None:
        self.name, self.fails, self.ref = name, fails or {}, ref
        self.sent: list[str] = []

    def send(self, recipient: str, messages: Sequence[OutgoingMessage], *,
             idempotency_key: str, reply_token: str | None = None,
             retaken: bool = False) -> DeliveryResult:
        self.sent.append(recipient)
        if recipient in self.fails:
            return DeliveryResult(self.fails[recipient], "no")
        return DeliveryResult(DeliveryOutcome.DELIVERED, provider_ref=self.ref)

    def send_many(self, recipients: Sequence[str], messages: Sequence[OutgoingMessage], *,
                  idempotency_key: str) -> list[tuple[list[str], DeliveryResult]]:
        return [([r], self.send(r, messages, idempotency_key=idempotency_key))
                for r in recipients]


@pytest.fixture
def town(engine: Engine) -> Town:
    """Town's h1 (head r1 on LINE) also has a verified phone number; staff set LINE → SMS."""
    town = Town(engine)
    with town.uow() as uow:
        phone = ChannelIdentity.first_seen(id="p1", channel="sms", address=PHONE, at=NOW)
        phone.link("r1")
        uow.channel_identities.add(phone)
        uow.commit()
    set_ladder(SetLadder(("line", "sms")), actor=builders.actor(role=Role.ADMINISTRATOR),
               uow=town.uow(), clock=town.clock)
    return town


def _deliver(town: Town, *channels: Channel) -> None:
    town.clock.advance(seconds=1)
    deliver_outbox(uow_factory=town.uow, channels={c.name: c for c in channels},
                   clock=town.clock)


def _rows(engine: Engine) -> list[tuple[str, str, str, str | None]]:
    with engine.connect() as connection:
        return [(r.channel, r.status.value, r.delivery_status.value, r.fallback_of)
                for r in connection.execute(
                    select(outbox).order_by(outbox.c.created_at, outbox.c.channel))]


def test_the_ladder_is_stored_and_read_back(town: Town) -> None:
    with town.uow() as uow:
        assert ladder_in(uow).channels == ("line", "sms")
    assert load_policy(town.uow).ladder == ("line", "sms")


def test_a_line_block_moves_a_notice_to_sms_once_and_only_once(town: Town,
                                                             engine: Engine) -> None:
    town.send()
    line = Channel("line", fails={f"U{1:032d}": DeliveryOutcome.BLOCKED})
    sms = Channel("sms", ref="SM1")
    for _ in range(3):
        _deliver(town, line, sms)
    rows = _rows(engine)
    notice_of_h1 = [r for r in rows if r[0] == "sms"]
    assert len(notice_of_h1) == 1 and sms.sent == [PHONE]
    assert notice_of_h1[0][1:3] == ("sent", "sending")  # the provider reports back
    assert ("line", "failed", "permanent-failure") in [r[:3] for r in rows]
    with town.uow() as uow:
        assert uow.channel_identities.get("i1").status is IdentityStatus.BLOCKED
    delivered = DeliveryStatusReport(channel="sms", provider_ref="SM1",
                                     status=DeliveryStatus.DELIVERED)
    assert record_delivery_status(delivered, uow=town.uow(), clock=town.clock)
    assert not record_delivery_status(delivered, uow=town.uow(), clock=town.clock)
    with engine.connect() as connection:
        assert connection.scalar(select(func.count()).select_from(outbox)
                                 .where(outbox.c.delivery_status == "delivered",
                                        outbox.c.channel == "sms")) == 1
    reach = split("p1", uow=town.uow(), policy=load_policy(town.uow))
    assert (reach.notified, reach.postal) == (2, 1)  # h1 reached by SMS; h3 never reachable


def test_a_notice_that_fails_on_every_rung_puts_the_household_on_the_postal_list(
        town: Town, engine: Engine) -> None:
    policy = load_policy(town.uow)
    before = split("p1", uow=town.uow(), policy=policy)
    preview = preview_campaign("p1", uow=town.uow(), clock=town.clock, banks=town.banks,
                               policy=policy)
    assert dict(preview.reach.by_channel) == {"line": 2, "sms": 0}
    assert (before.to_notify, before.postal, before.eligible) == (2, 1, 3)
    town.send()
    for _ in range(2):  # LINE refuses; then the SMS goes
        _deliver(town, Channel("line", fails={f"U{1:032d}": DeliveryOutcome.BLOCKED}),
                 Channel("sms", ref="SM1"))
    undelivered = DeliveryStatusReport(channel="sms", provider_ref="SM1", detail="30005",
                                       status=DeliveryStatus.PERMANENT_FAILURE)
    for _ in range(2):  # the provider reports twice
        record_delivery_status(undelivered, uow=town.uow(), clock=town.clock)
    assert [r[:3] for r in _rows(engine) if r[0] == "sms"] == [
        ("sms", OutboxStatus.FAILED.value, "permanent-failure")]
    after = split("p1", uow=town.uow(), policy=policy)
    assert (after.notified, after.postal, after.applied, after.to_notify) == (1, 2, 0, 0)
    assert after.eligible == before.eligible
    postal = list(postal_rows("p1", actor=builders.actor(), uow_factory=town.uow,
                              clock=town.clock, policy=policy))
    assert sorted(row.household_number for row in postal) == ["H0001", "H0003"]
    with town.uow() as uow:
        assert uow.channel_identities.get("p1").status is IdentityStatus.UNREACHABLE


def test_the_database_keeps_one_row_per_rung_of_a_notice(town: Town) -> None:
    town.send()
    _deliver(town, Channel("line", fails={f"U{1:032d}": DeliveryOutcome.BLOCKED}),
             Channel("sms", ref="SM1"))
    with town.uow() as uow:
        [first] = [m for m in uow.outbox.due(now=town.clock.now(), lease=dt.timedelta(0),
                                             limit=10) if m.channel == "sms"]
        notice_id = str(first.fallback_of)
        uow.outbox.add(first.carried_on(id="another", channel="sms", recipient=PHONE,
                                        at=town.clock.now()))
        with pytest.raises(DuplicateError):
            uow.commit()
    with town.uow() as uow:  # the same failure carried on again: nothing more is queued
        line_row = next(m for m in uow.outbox.rungs_of(notice_id)
                        if m.channel == "line")
        identity = uow.channel_identities.get("i1")
        assert carry_on(uow, line_row, identity, town.clock.now()) is None


def test_a_mail_that_bounces_after_the_relay_took_it_moves_its_notice_to_sms_once(
        town: Town, engine: Engine) -> None:
    """A DSN naming the mail (ADR 0043): the row the relay accepted (delivered, SMTP has no
    receipts) becomes a permanent failure and the notice goes on to SMS in the same run; the
    same report again changes nothing."""
    with town.uow() as uow:
        mailbox = ChannelIdentity.first_seen(id="e1", channel="email",
                                             address="gone@example.jp", at=NOW)
        mailbox.link("r1")
        uow.channel_identities.add(mailbox)
        uow.commit()
    set_ladder(SetLadder(("email", "sms")), actor=builders.actor(role=Role.ADMINISTRATOR),
               uow=town.uow(), clock=town.clock)
    send_campaign("p1", uow_factory=town.uow, ids=town.ids, clock=town.clock, banks=town.banks,
                  policy=load_policy(town.uow), wake=lambda: None)
    _deliver(town, Channel("email"), Channel("line"), Channel("sms", ref="SM1"))
    with town.uow() as uow:
        [mail] = uow.outbox.rungs_of(_notice_of(engine, "email"))
        assert mail.delivery_status is DeliveryStatus.DELIVERED
    bounce = Bounce(address="gone@example.jp", status="5.1.1", message_id=mail.id)

    recorded = [record_bounces(RecordBounces([bounce], builders.actor()), uow=town.uow(),
                               clock=town.clock) for _ in range(2)]

    assert [(r.shut, r.failed) for r in recorded] == [(1, 1), (0, 0)]
    assert [r for r in _rows(engine) if r[0] != "line"] == [
        ("email", "failed", "permanent-failure", None), ("sms", "pending", "sending", mail.id)]
    with town.uow() as uow:
        assert uow.channel_identities.get("e1").status is IdentityStatus.UNREACHABLE


def test_a_bounced_notice_with_no_rung_left_puts_the_household_on_the_postal_list(
        town: Town, engine: Engine) -> None:
    with town.uow() as uow:
        mailbox = ChannelIdentity.first_seen(id="e1", channel="email",
                                             address="gone@example.jp", at=NOW)
        mailbox.link("r1")
        uow.channel_identities.add(mailbox)
        uow.commit()
    set_ladder(SetLadder(("email",)), actor=builders.actor(role=Role.ADMINISTRATOR),
               uow=town.uow(), clock=town.clock)
    policy = load_policy(town.uow)
    send_campaign("p1", uow_factory=town.uow, ids=town.ids, clock=town.clock, banks=town.banks,
                  policy=policy, wake=lambda: None)
    _deliver(town, Channel("email"))
    assert split("p1", uow=town.uow(), policy=policy).notified == 1  # h1, by mail

    record_bounces(RecordBounces([Bounce(address="gone@example.jp", status="5.1.1",
                                         message_id=_notice_of(engine, "email"))],
                                 builders.actor()), uow=town.uow(), clock=town.clock)

    after = split("p1", uow=town.uow(), policy=policy)
    assert (after.notified, after.postal) == (0, 3)  # h1 joins h2 and h3 (no mailbox) on paper
    assert [r[0] for r in _rows(engine)] == ["email"]  # nothing carried on: no rung left


def _notice_of(engine: Engine, channel: str) -> str:
    with engine.connect() as connection:
        return str(connection.scalar(select(outbox.c.id).where(outbox.c.channel == channel)))
