"""SMS delivery statuses in the one status model (ADR 0041): a benefit notice sent by SMS
through Twilio's SDK to the stand-in waits in 送信中 until Twilio's status callback says what
became of it; "delivered" shows 配信済み on the program page and the resident's page, and
"undelivered" for an unknown number marks the number unreachable and carries the notice on to
the resident's next rung (e-mail)."""

from __future__ import annotations

import importlib
import re
from collections.abc import Iterator

import pytest
from dependency_injector import providers
from flask.testing import FlaskClient

from adapters.line.simulator.sms import SmsStandIn, running_sms_standin
from application.messaging.delivering_outbox import deliver_outbox
from application.messaging.outbox import DeliveryStatus
from application.ports.unit_of_work import ConcurrentUpdate
from domain.channels import ChannelIdentity, IdentityStatus
from domain.staff import Role
from entrypoints.containers import Container
from entrypoints.sms_settings import DEV_TWILIO_SID, DEV_TWILIO_TOKEN
from tests.e2e.staff_support import make_staff, sign_in, token
from tests.e2e.test_staff_benefits import (
    BASE,
    NotDelivered,
    create_program,
    open_program,
    seed_households,
    upload,
)
from tests.fakes import InboxChannel
from tests.support.sms import FakeLinks, into

pytestmark = pytest.mark.e2e

PHONE, MAIL = "+819011112222", "taro@example.jp"
STATUSES = [s.value for s in DeliveryStatus]


@pytest.fixture
def sms(container: Container, client: FlaskClient) -> Iterator[SmsStandIn]:
    """H0001's head (r1) has a phone and an e-mail address besides LINE; the town's ladder is
    SMS → e-mail → LINE; the stand-in posts its signed callbacks into the app."""
    container.outbox_notifier.override(providers.Object(NotDelivered()))
    seed_households(container)
    now = container.clock().now()
    with container.uow() as uow:
        for id_, channel, address in (("c8", "sms", PHONE), ("c9", "email", MAIL)):
            identity = ChannelIdentity.first_seen(id=id_, channel=channel, address=address,
                                                  at=now)
            identity.link("r1")
            uow.channel_identities.add(identity)
        uow.commit()
    make_staff(container, "kanri", Role.ADMINISTRATOR)
    sign_in(client, "kanri")
    ladder = {"csrf_token": token(client), "rung1": "sms", "rung2": "email", "rung3": "line"}
    assert client.post("/staff/settings/ladder", data=ladder).status_code == 302
    public_url = container.config.public_url()
    with running_sms_standin(DEV_TWILIO_SID, DEV_TWILIO_TOKEN, container.config.sms_from(),
                             post=into(client, public_url)) as standin:
        container.config.sms_provider.from_value("twilio")
        container.config.twilio_api_base_url.from_value(standin.base_url)
        container.personal_links.override(FakeLinks("https://town.example/r"))
        yield standin
    container.personal_links.reset_override()
    container.outbox_notifier.reset_override()


def _notify_h0001(client: FlaskClient, container: Container) -> str:
    program_id = create_program(client, container)
    open_program(client, program_id)
    upload(client, program_id, "世帯番号\nH0001\n")
    client.post(f"{BASE}/programs/{program_id}/campaigns", data={"csrf_token": token(client)})
    return program_id


def _deliver(container: Container, email: InboxChannel) -> None:
    deliver_outbox(uow_factory=container.uow, clock=container.clock(),
                   channels={"sms": container.sms_channel(), "email": email,
                             "line": InboxChannel("line")})


def _cells(client: FlaskClient, program_id: str) -> dict[str, str]:
    page = client.get(f"{BASE}/programs/{program_id}").get_data(as_text=True)
    return dict(re.findall(r'data-delivery="(\w+-\d)">(\d+)<', page))


def test_a_notice_by_sms_is_sending_until_twilio_says_delivered(
        client: FlaskClient, container: Container, sms: SmsStandIn) -> None:
    program_id = _notify_h0001(client, container)
    _deliver(container, InboxChannel("email"))
    [sent] = sms.inbox(PHONE)

    assert _cells(client, program_id)[f"sms-{STATUSES.index('sending')}"] == "1"
    resident = client.get("/staff/residents/r1").get_data(as_text=True)
    assert 'data-delivery-status="sending">送信中<' in resident
    with container.uow() as uow:
        assert uow.outbox.get_by_provider_ref("sms", sent.sid) is not None

    assert sms.pump_callbacks() == 2  # sent, then delivered

    cells = _cells(client, program_id)
    assert cells[f"sms-{STATUSES.index('delivered')}"] == "1"
    assert cells.get(f"sms-{STATUSES.index('sending')}", "0") == "0"
    resident = client.get("/staff/residents/r1").get_data(as_text=True)
    assert 'data-delivery-status="delivered">配信済み<' in resident


def test_undelivered_to_an_unknown_number_carries_the_notice_on_to_e_mail(
        client: FlaskClient, container: Container, sms: SmsStandIn) -> None:
    sms.undeliverable.add(PHONE)  # Twilio reports undelivered, error 30005 (unknown handset)
    program_id = _notify_h0001(client, container)
    email = InboxChannel("email")
    _deliver(container, email)
    assert len(sms.inbox(PHONE)) == 1 and email.inbox == {}

    assert sms.pump_callbacks() == 2
    _deliver(container, email)

    assert list(email.inbox) == [MAIL]  # the same notice, once, on the next rung
    assert "70,000円" in email.inbox[MAIL][0]
    cells = _cells(client, program_id)
    assert cells[f"sms-{STATUSES.index('permanent-failure')}"] == "1"
    assert cells[f"email-{STATUSES.index('delivered')}"] == "1"
    with container.uow() as uow:
        assert uow.channel_identities.get("c8").status is IdentityStatus.UNREACHABLE
    assert sms.pump_callbacks() == 0 and len(sms.inbox(PHONE)) == 1


def test_a_callback_that_meets_the_dispatcher_writing_the_row_is_recorded_on_a_retry(
        client: FlaskClient, container: Container, sms: SmsStandIn,
        monkeypatch: pytest.MonkeyPatch) -> None:
    sms_webhook = importlib.import_module("entrypoints.web.sms_webhook")  # not the blueprint
    recorded = sms_webhook.record_delivery_status
    collisions = [ConcurrentUpdate("outbox row written meanwhile")]

    def colliding_once(report, **kwargs):  # type: ignore[no-untyped-def]
        if collisions and report.status is DeliveryStatus.DELIVERED:
            raise collisions.pop()
        return recorded(report, **kwargs)

    monkeypatch.setattr(sms_webhook, "record_delivery_status", colliding_once)
    program_id = _notify_h0001(client, container)
    _deliver(container, InboxChannel("email"))

    assert sms.pump_callbacks() == 2

    assert collisions == []
    assert _cells(client, program_id)[f"sms-{STATUSES.index('delivered')}"] == "1"
