"""Personal links end to end: a benefit notice goes out by SMS (a stand-in phone rendering its
buttons as one personal link, as the SMS channel does), the resident opens the link, one tap
applies, and the decision arrives on their page. A link reused, expired, forged, or opened in
someone else's browser changes nothing and says why."""

from __future__ import annotations

import datetime as dt
import urllib.parse
from collections.abc import Sequence

import pytest
from dependency_injector import providers
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import text

from application.benefits.deciding_applications import DecideApplications, decide_applications
from application.benefits.notices import notice
from application.messaging.outbox import OutboxMessage
from application.ports.messaging import (
    DeliveryOutcome,
    DeliveryResult,
    LinkMaker,
    OutgoingMessage,
)
from domain.benefits import Application, ApplicationStatus, PayoutMethod
from domain.channels import ChannelIdentity
from domain.eligibility import EligibleHousehold
from domain.residents import VerificationState
from entrypoints.containers import Container
from tests import builders as b
from tests.fakes import FakeClock
from tests.support.resident_page import ResidentBrowser

pytestmark = pytest.mark.e2e

PHONE = "+819012345678"


class Phone:
    """The SMS channel's stand-in: a message with buttons becomes its text and one link."""

    name = "sms"

    def __init__(self, links: LinkMaker) -> None:
        self.links, self.received = links, []  # type: ignore[var-annotated]

    def send(self, recipient: str, messages: Sequence[OutgoingMessage], *,
             idempotency_key: str, reply_token: str | None = None,
             retaken: bool = False) -> DeliveryResult:
        body = "\n".join(m.text for m in messages)
        if any(m.choices for m in messages):
            body += "\n" + self.links.link_for("sms", recipient, idempotency_key)
        self.received.append((recipient, body))
        return DeliveryResult(DeliveryOutcome.DELIVERED)

    def send_many(self, recipients: Sequence[str], messages: Sequence[OutgoingMessage], *,
                  idempotency_key: str) -> list[tuple[list[str], DeliveryResult]]:
        raise AssertionError("a notice with a personal link goes to one recipient at a time")

    def link(self) -> str:
        """The newest link received, as a path on the app."""
        url = self.received[-1][1].rsplit("\n", 1)[-1]
        assert url.startswith("http://127.0.0.1:8000/r/l?t="), url
        parts = urllib.parse.urlsplit(url)
        return f"{parts.path}?{parts.query}"


@pytest.fixture
def clock(container: Container) -> FakeClock:
    fake = FakeClock()
    container.clock.override(providers.Object(fake))
    return fake


@pytest.fixture
def phone(container: Container, clock: FakeClock) -> Phone:
    stand_in = Phone(container.personal_links())
    container.messaging_channels.override(providers.Dict(
        line=container.line_messenger, web=container.web_channel, sms=providers.Object(stand_in)))
    return stand_in


def _household_on_sms(container: Container, clock: FakeClock, *, resident: str = "r1",
                      household: str = "h1", phone_number: str = PHONE) -> None:
    number = resident.removeprefix("r")
    with container.uow() as uow:
        head = b.resident(id=resident, resident_number=f"{int(number):09d}",
                          household_number=f"H{int(number):04d}")
        head.verification_state = VerificationState.VERIFIED
        uow.residents.add(head)
        uow.households.add(b.household(id=household, household_number=f"H{int(number):04d}",
                                       head_resident_id=resident))
        uow.commit()
    with container.uow() as uow:
        identity = ChannelIdentity.first_seen(id=f"sms-{resident}", channel="sms",
                                              address=phone_number, at=clock.now())
        identity.link(resident)
        uow.channel_identities.add(identity)
        uow.commit()


def _notified(container: Container, clock: FakeClock, *, household: str = "h1",
              recipient: str = PHONE, application: str = "a1") -> None:
    """The program (cash at the ATM, so はい applies at once) and its notice, sent by SMS."""
    now = clock.now()
    with container.uow() as uow:
        program = uow.programs.get("p1")
        if program is None:
            program = b.program(opens_at=now - dt.timedelta(days=1),
                                closes_at=now + dt.timedelta(days=60),
                                methods=frozenset({PayoutMethod.ATM_CASH}))
            uow.programs.add(program)
        uow.eligibility.add(EligibleHousehold(id=f"e-{household}", program_id="p1",
                                              household_id=household, added_at=now))
        applied = Application.notify(id=application, program=program, household_id=household,
                                     at=now, channel="sms")
        uow.applications.add(applied)
        uow.outbox.add(OutboxMessage.of([notice(program, applied, banks=None)],
                                        id=f"n-{application}", channel="sms",
                                        recipient=recipient, at=now))
        uow.commit()
    container.outbox_notifier().wake()


def _status(container: Container, application: str = "a1") -> ApplicationStatus:
    with container.uow() as uow:
        return uow.applications.get(application).status


def _count(container: Container, table: str) -> int:
    with container.engine().connect() as connection:
        return connection.execute(text(f"SELECT count(*) FROM {table}")).scalar_one()


def test_a_benefit_notice_by_sms_is_applied_for_with_one_tap_and_decided_on_the_page(
    client: FlaskClient, container: Container, phone: Phone, clock: FakeClock,
) -> None:
    _household_on_sms(container, clock)
    _notified(container, clock)
    assert "物価高騰対策給付金" in phone.received[-1][1]
    web = ResidentBrowser(client)

    opened = web.open(phone.link())
    assert opened.status_code == 200 and "支給額は70,000円" in web.html
    assert _status(container) is ApplicationStatus.NOTIFIED  # opening changes nothing
    web.press("申請する")

    assert _status(container) is ApplicationStatus.CONFIRMED
    assert "申請を受け付けました" in web.last()
    assert any("支給額は70,000円" in m for m in web.messages())  # the notice is on the page
    with container.uow() as uow:
        [identity] = [i for i in uow.channel_identities.linked_to("r1") if i.channel == "web"]
    assert PHONE not in web.html

    decide_applications(DecideApplications(program_id="p1", application_ids=("a1",),
                                           approve=True, actor=b.actor()),
                        uow_factory=container.uow, clock=container.clock(),
                        telling=container.telling())

    container.outbox_notifier().wake()
    assert container.outbox_notifier().wait_idle(10)
    # told once, on the first rung that reaches the head (their phone), not again on the page
    assert sum("決定通知" in body for _, body in phone.received) == 1
    with container.uow() as uow:
        rows = uow.queries.messages.transcript("web", identity.address)
    assert not any(m.payload["messages"][0]["text"].startswith("【物価高騰対策給付金 決定通知】")
                   for m in rows)


def test_a_link_s_page_switched_to_english_keeps_its_link_and_the_notice_in_japanese(
    client: FlaskClient, container: Container, phone: Phone, clock: FakeClock,
) -> None:
    _household_on_sms(container, clock)
    _notified(container, clock)
    web = ResidentBrowser(client)
    web.open(phone.link())

    web.switch_language("English")

    assert "This link works only once" in web.html
    assert "申請しない" in web.buttons() and "Open the Madoguchi page" in web.buttons()
    web.switch_language("日本語")
    assert "このリンクは一度だけ使えます" in web.html  # the same link's page, not used up
    web.press("申請しない")
    assert _status(container) is ApplicationStatus.DECLINED


def test_a_link_used_once_is_refused_after_and_changes_nothing(
    app: Flask, client: FlaskClient, container: Container, phone: Phone, clock: FakeClock,
) -> None:
    _household_on_sms(container, clock)
    _notified(container, clock)
    link = phone.link()
    web = ResidentBrowser(client)
    web.open(link)
    web.press("申請しない")
    assert _status(container) is ApplicationStatus.DECLINED
    inbox, identities = _count(container, "inbox"), _count(container, "channel_identities")

    other = app.test_client()
    shown = other.get(link)
    tapped = other.post(link, data={"data": "bnf:a1:yes"})

    for refused in (shown, tapped):
        assert refused.status_code == 410
        assert "すでに使われています" in refused.get_data(as_text=True)
    assert _status(container) is ApplicationStatus.DECLINED
    assert (_count(container, "inbox"), _count(container, "channel_identities")) == (
        inbox, identities)


def test_an_expired_link_is_refused_and_changes_nothing(
    client: FlaskClient, container: Container, phone: Phone, clock: FakeClock,
) -> None:
    _household_on_sms(container, clock)
    _notified(container, clock)
    clock.advance(days=7, seconds=1)

    shown = client.get(phone.link())
    tapped = client.post(phone.link(), data={"data": "bnf:a1:yes"})

    for refused in (shown, tapped):
        assert refused.status_code == 410 and "有効期限" in refused.get_data(as_text=True)
    assert _status(container) is ApplicationStatus.NOTIFIED
    assert _count(container, "inbox") == 0
    assert "madoguchi_resident" not in tapped.headers.get("Set-Cookie", "")


@pytest.mark.parametrize("forge", ["altered", "truncated", "made_up"])
def test_a_forged_link_is_refused_and_changes_nothing(
    client: FlaskClient, container: Container, phone: Phone, clock: FakeClock, forge: str,
) -> None:
    _household_on_sms(container, clock)
    _notified(container, clock)
    link = phone.link()
    last = link[-1]
    forged = {"altered": link[:-1] + ("A" if last != "A" else "B"),
              "truncated": link[:-3], "made_up": "/r/l?t=" + "x" * 44}[forge]

    shown = client.get(forged)
    tapped = client.post(forged, data={"data": "bnf:a1:yes"})

    for refused in (shown, tapped):
        assert refused.status_code == 404 and "正しくありません" in refused.get_data(as_text=True)
    assert _status(container) is ApplicationStatus.NOTIFIED
    assert _count(container, "inbox") == 0


def test_a_link_answers_only_with_its_own_buttons(
    client: FlaskClient, container: Container, phone: Phone, clock: FakeClock,
) -> None:
    _household_on_sms(container, clock)
    _notified(container, clock)

    refused = client.post(phone.link(), data={"data": "start:certificate"})

    assert refused.status_code == 400
    assert _status(container) is ApplicationStatus.NOTIFIED
    assert client.get(phone.link()).status_code == 200  # not used up


def test_a_link_opened_in_someone_elses_browser_changes_nothing(
    client: FlaskClient, container: Container, phone: Phone, clock: FakeClock,
) -> None:
    _household_on_sms(container, clock)
    _household_on_sms(container, clock, resident="r2", household="h2",
                      phone_number="+819087654321")
    _notified(container, clock)
    mine = phone.link()
    _notified(container, clock, household="h2", recipient="+819087654321", application="a2")
    theirs = phone.link()
    web = ResidentBrowser(client)
    web.open(mine)
    web.press("申請する")  # this browser is now r1's

    refused = client.post(theirs, data={"data": "bnf:a2:yes"})

    assert refused.status_code == 403 and "別の方あて" in refused.get_data(as_text=True)
    assert _status(container, "a2") is ApplicationStatus.NOTIFIED
    assert client.get(theirs).status_code == 200  # still theirs to use
