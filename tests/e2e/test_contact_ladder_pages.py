"""The ladder as staff see it (ADR 0041): an administrator sets the order of channels on its
page (audited, refused when it repeats a channel), and the campaign preview splits the
households to notify by the channel their notice goes on under the ladder set now; the program
page and the resident page show each message's delivery status."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from dependency_injector import providers
from flask.testing import FlaskClient

from application.messaging.delivering_outbox import deliver_outbox
from application.messaging.outbox import DeliveryStatus
from application.ports.messaging import DeliveryOutcome
from domain.channels import ChannelIdentity
from domain.staff import Role
from entrypoints.containers import Container
from tests.e2e.staff_support import make_staff, sign_in, token
from tests.e2e.test_staff_benefits import (
    BASE,
    NotDelivered,
    actions,
    create_program,
    open_program,
    seed_households,
    upload,
)
from tests.fakes import InboxChannel

pytestmark = pytest.mark.e2e


@pytest.fixture
def admin(client: FlaskClient, container: Container) -> Iterator[FlaskClient]:
    """H0001 and H0002 on LINE; H0001's head also has a verified phone; H0003 by post."""
    container.outbox_notifier.override(providers.Object(NotDelivered()))
    seed_households(container)
    with container.uow() as uow:
        phone = ChannelIdentity.first_seen(id="c9", channel="sms", address="+819011112222",
                                           at=container.clock().now())
        phone.link("r1")
        uow.channel_identities.add(phone)
        uow.commit()
    make_staff(container, "kanri", Role.ADMINISTRATOR)
    sign_in(client, "kanri")
    yield client
    container.outbox_notifier.reset_override()


def _set(admin: FlaskClient, *rungs: str):  # type: ignore[no-untyped-def]
    form = {"csrf_token": token(admin)} | {f"rung{n}": r for n, r in enumerate(rungs, start=1)}
    return admin.post("/staff/settings/ladder", data=form)


def _split(admin: FlaskClient, program_id: str) -> dict[str, int]:
    html = admin.get(f"{BASE}/programs/{program_id}/campaigns/preview").get_data(as_text=True)
    return {key: int(value) for key, value in re.findall(
        r'data-preview="(channel-\w+|recipients|postal)">(\d+)<', html)}


def test_an_administrator_sets_the_ladder_and_the_preview_follows_it(
        admin: FlaskClient, container: Container) -> None:
    program_id = create_program(admin, container)
    open_program(admin, program_id)
    upload(admin, program_id, "世帯番号\nH0001\nH0002\nH0003\n")
    assert _split(admin, program_id) == {"recipients": 2, "channel-line": 2, "channel-sms": 0,
                                         "channel-email": 0, "postal": 1}

    page = admin.get("/staff/settings/ladder").get_data(as_text=True)
    assert '<option value="line" selected>LINE</option>' in page
    assert _set(admin, "sms", "line", "").status_code == 302
    assert actions(container, action="ladder.set") == ["ladder.set"]
    assert _split(admin, program_id) == {"recipients": 2, "channel-sms": 1, "channel-line": 1,
                                         "postal": 1}

    refused = _set(admin, "sms", "sms", "")
    assert refused.status_code == 422 and "同じ連絡手段が二度" in refused.get_data(as_text=True)
    assert actions(container, action="ladder.set") == ["ladder.set"]  # nothing changed
    assert _split(admin, program_id)["channel-sms"] == 1


def test_only_administrators_see_the_ladder_page(client: FlaskClient,
                                                 container: Container) -> None:
    make_staff(container, "shonin", Role.APPROVER)
    sign_in(client, "shonin")
    assert client.get("/staff/settings/ladder").status_code == 403
    assert client.post("/staff/settings/ladder",
                       data={"csrf_token": token(client), "rung1": "sms"}).status_code == 403


def test_the_program_and_the_resident_pages_show_each_message_s_delivery_status(
        admin: FlaskClient, container: Container) -> None:
    program_id = create_program(admin, container)
    open_program(admin, program_id)
    upload(admin, program_id, "世帯番号\nH0001\nH0002\nH0003\n")
    admin.post(f"{BASE}/programs/{program_id}/campaigns", data={"csrf_token": token(admin)})
    line = InboxChannel("line", refuse={f"U{1:032d}": DeliveryOutcome.BLOCKED})
    sms = InboxChannel("sms")
    for _ in range(2):  # LINE: H0001 blocked the account; then its notice goes by SMS
        deliver_outbox(uow_factory=container.uow, channels={"line": line, "sms": sms},
                       clock=container.clock())
    assert list(sms.inbox) == ["+819011112222"]

    page = admin.get(f"{BASE}/programs/{program_id}").get_data(as_text=True)
    statuses = [s.value for s in DeliveryStatus]
    cells = dict(re.findall(r'data-delivery="(\w+-\d)">(\d+)<', page))
    assert cells[f"line-{statuses.index('delivered')}"] == "1"
    assert cells[f"line-{statuses.index('permanent-failure')}"] == "1"
    assert cells[f"sms-{statuses.index('delivered')}"] == "1"
    assert re.search(r'data-reach="notified">2<', page)

    resident = admin.get("/staff/residents/r1").get_data(as_text=True)
    assert 'data-delivery-status="permanent-failure">届かない宛先<' in resident
    assert 'data-delivery-status="delivered">配信済み<' in resident
