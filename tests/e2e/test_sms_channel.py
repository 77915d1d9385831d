"""The SMS channel end to end: a benefit notice goes out by SMS through Twilio's SDK to the
stand-in, its status callbacks come back signed, a reply 「はい」 applies, STOP blocks at once,
and anything not signed by Twilio is refused (403) and changes nothing."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator

import pytest
from dependency_injector import providers
from flask.testing import FlaskClient
from sqlalchemy import func, select

from adapters.line.simulator.sms import SmsStandIn, running_sms_standin
from adapters.persistence.orm.messaging import inbox
from application.benefits.notices import notice
from application.messaging.outbox import DeliveryStatus, OutboxMessage
from domain.benefits import ApplicationStatus
from domain.channels import ChannelIdentity, IdentityStatus
from domain.eligibility import EligibleHousehold
from domain.residents import Verification
from domain.staff import Role
from entrypoints.containers import Container
from entrypoints.sms_settings import DEV_TWILIO_SID, DEV_TWILIO_TOKEN
from tests import builders as b
from tests.e2e.staff_support import make_staff, sign_in
from tests.e2e.test_staff_benefits import (
    NotDelivered,
    create_program,
    open_program,
    seed_households,
    upload,
)
from tests.support.sms import FakeLinks, into

pytestmark = pytest.mark.e2e

NUMBER = "+819012345678"


@pytest.fixture
def sms(container: Container, client: FlaskClient) -> Iterator[SmsStandIn]:
    public_url = container.config.public_url()
    with running_sms_standin(DEV_TWILIO_SID, DEV_TWILIO_TOKEN, container.config.sms_from(),
                             inbound_url=f"{public_url}/sms/inbound",
                             post=into(client, public_url)) as standin:
        container.config.sms_provider.from_value("twilio")
        container.config.twilio_api_base_url.from_value(standin.base_url)
        container.personal_links.override(FakeLinks("https://town.example/r"))
        yield standin


def _town(container: Container) -> str:
    """A verified head of household on SMS only, notified of an open program; the notice is
    in the outbox. Returns the application's id."""
    now = container.clock().now()
    with container.uow() as uow:
        resident = b.resident(id="r1")
        resident.verify(resident.facts, Verification(subject="s", provider="dev_card",
                                                     assurance="development", verified_at=now))
        uow.residents.add(resident)
        uow.commit()
    with container.uow() as uow:
        uow.households.add(b.household())
        program = b.program(opens_at=now - dt.timedelta(days=1),
                            closes_at=now + dt.timedelta(days=30))
        uow.programs.add(program)
        uow.eligibility.add(EligibleHousehold(id="e1", program_id="p1", household_id="h1",
                                              added_at=now))
        application = b.application(of_program=program, at=now)
        application.offered_account = b.account()
        uow.applications.add(application)
        identity = ChannelIdentity.first_seen(id="i1", channel="sms", address=NUMBER, at=now)
        identity.link("r1")
        uow.channel_identities.add(identity)
        uow.outbox.add(OutboxMessage.of([notice(program, application, banks=None)], id="n1",
                                        channel="sms", recipient=NUMBER, at=now))
        uow.commit()
    return application.id


def _delivery(container: Container, message_id: str) -> DeliveryStatus:
    with container.uow() as uow:
        return uow.outbox.get(message_id).delivery_status


def _status(container: Container, application_id: str) -> ApplicationStatus:
    with container.uow() as uow:
        return uow.applications.get(application_id).status


def test_a_notice_by_sms_then_a_reply_hai_applies_and_the_answer_comes_by_sms(
        container: Container, sms: SmsStandIn) -> None:
    application_id = _town(container)
    container.outbox_notifier().wake()

    [sent] = sms.inbox(NUMBER)
    assert "70,000円" in sent.body and "こちらから申請できます: https://town.example/r/n1" \
        in sent.body
    assert sent.status_callback == "http://127.0.0.1:8000/sms/status?m=n1"  # signed with it

    _, answered = sms.reply(NUMBER, "はい")

    assert answered == 200
    assert _status(container, application_id) is ApplicationStatus.CONFIRMED
    assert "申請を受け付けました" in sms.inbox(NUMBER)[-1].body


def test_status_callbacks_are_recorded_per_outbox_message(container: Container,
                                                          sms: SmsStandIn) -> None:
    _town(container)
    container.outbox_notifier().wake()

    assert sms.pump_callbacks() == 2  # sent, delivered: each signed, each accepted

    assert _delivery(container, "n1") is DeliveryStatus.DELIVERED


def test_stop_blocks_the_identity_at_once(container: Container, sms: SmsStandIn) -> None:
    _town(container)

    _, answered = sms.reply(NUMBER, "STOP")

    assert answered == 200
    with container.uow() as uow:
        assert uow.channel_identities.get("i1").status is IdentityStatus.BLOCKED


@pytest.mark.parametrize("path", ["/sms/inbound", "/sms/status"])
def test_a_forged_callback_is_refused_and_changes_nothing(container: Container,
                                                          client: FlaskClient, sms: SmsStandIn,
                                                          path: str) -> None:
    application_id = _town(container)
    container.outbox_notifier().wake()
    [sent] = sms.inbox(NUMBER)
    form = {"MessageSid": sent.sid, "MessageStatus": "failed", "From": NUMBER, "Body": "はい",
            "AccountSid": DEV_TWILIO_SID}
    signed_elsewhere = sms.sign(f"https://elsewhere.example{path}", form)

    for headers in ({}, {"X-Twilio-Signature": "forged"},
                    {"X-Twilio-Signature": signed_elsewhere}):
        assert client.post(path, data=form, headers=headers).status_code == 403

    assert _status(container, application_id) is ApplicationStatus.NOTIFIED
    assert _delivery(container, "n1") is DeliveryStatus.SENDING
    with container.engine().connect() as connection:
        assert connection.execute(select(func.count()).select_from(inbox)).scalar() == 0


def test_without_sms_configured_the_callbacks_are_not_there(container: Container,
                                                            client: FlaskClient) -> None:
    assert client.post("/sms/inbound", data={"Body": "はい"}).status_code == 404


@pytest.fixture
def admin(client: FlaskClient, container: Container) -> Iterator[FlaskClient]:
    container.outbox_notifier.override(providers.Object(NotDelivered()))
    seed_households(container)
    make_staff(container, "kanri", Role.ADMINISTRATOR)
    sign_in(client, "kanri")
    yield client
    container.outbox_notifier.reset_override()


def test_the_campaign_preview_shows_the_notice_by_sms_with_its_parts_and_cost(
        admin: FlaskClient, container: Container) -> None:
    program_id = create_program(admin, container)
    open_program(admin, program_id)
    upload(admin, program_id, "世帯番号\nH0001\n")
    preview = f"/staff/benefits/programs/{program_id}/campaigns/preview"
    assert 'data-preview="sms-text"' not in admin.get(preview).get_data(as_text=True)

    container.config.sms_provider.from_value("twilio")
    container.config.sms_yen_per_segment.from_value(12.0)
    page = admin.get(preview).get_data(as_text=True)

    assert "こちらから申請できます: http://127.0.0.1:8000/r/" in page
    cost = re.search(r'data-preview="sms-cost">(\d+)通分（UCS-2）・1世帯あたり約(\d+)円', page)
    assert cost is not None and int(cost[1]) >= 2 and int(cost[2]) == int(cost[1]) * 12

    # a vendor's plug-in with its own wording: the preview shows its text, not Twilio's
    container.config.from_dict({
        "sms_provider": "example-http", "example_sms_api_url": "http://127.0.0.1:9",
        "example_sms_token": "t", "example_sms_sender": "+815012345678",
        "example_sms_status_callback_url": "", "example_sms_timeout": 1.0,
        "example_sms_webhook_secret": ""})
    page = admin.get(preview).get_data(as_text=True)
    assert "こちらから回答できます: http://127.0.0.1:8000/r/" in page
    assert "こちらから申請できます" not in page
