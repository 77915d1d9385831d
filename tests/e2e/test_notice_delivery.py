"""お知らせ配信 end to end (ADR 0058), on the real parts: LINE through the LINE simulator, SMS
through Twilio's SDK to the SMS stand-in, e-mail through the SMTP mailer to the mail catcher,
the app served over HTTP, the outbox's dispatcher delivering.

Five verified residents: A and B on LINE, C with a mobile number, D with an e-mail address,
E with nothing (届かない); B declined optional messages. A long notice with a procedure button
goes to everyone verified: A gets one LINE bubble, C one SMS and D one mail, each carrying the
link to the notice's page and none a tracking pixel; B and E get nothing. Running the send
again sends nobody anything. C opens the page (counted once), A taps the button (counted, and
the procedure starts). A notice scheduled a moment ahead goes out when the scheduled work runs
after its time."""

from __future__ import annotations

import datetime as dt
import re
import time
import urllib.parse
from collections.abc import Iterator

import pytest
from flask import Flask

from adapters.line.simulator.mail_catcher import MailCatcher
from adapters.line.simulator.sms import SmsStandIn
from application.access.actor import Actor
from application.jobs.scheduled_work import run_scheduled_work
from application.notices.composing import ComposeNotice, compose_notice, schedule_notice
from application.notices.sending import send_notice, start_notice
from domain.access import Role
from domain.channels import ChannelIdentity, IdentityStatus
from domain.notices import NoticeStatus
from domain.residents import Verification
from entrypoints.containers import Container
from tests import builders
from tests.e2e.conftest import Stack
from tests.e2e.test_benefit_story_every_channel import town  # noqa: F401 (its fixture)

pytestmark = pytest.mark.e2e

PHONE, MAIL = "+819055556666", "jiro@example.jp"
STAFF = Actor(id="s1", role=Role.APPROVER, label="s1")
NOTICE_LINK = re.compile(r"https?://\S+(/n/[A-Za-z0-9_-]+)")
LONG = "町内の防災訓練のお知らせです。" + "当日は避難所の開設と備蓄品の確認を行います。" * 30


def _identity(id: str, channel: str, address: str, resident_id: str, *,
              declined: bool = False) -> ChannelIdentity:
    now = dt.datetime.now(dt.UTC)
    return ChannelIdentity(id=id, channel=channel, address=address,
                           status=IdentityStatus.FOLLOWING, created_at=now,
                           resident_id=resident_id, status_changed_at=now,
                           optional_declined_at=now if declined else None)


def _residents(stack: Stack) -> dict[str, str]:
    """A..E verified; A and B on LINE (B declined optional messages), C by SMS, D by e-mail."""
    users = {"A": stack.resident("山田 一郎"), "B": stack.resident("山田 二郎")}
    for user in users.values():
        stack.sim.follow(user)
    now = dt.datetime.now(dt.UTC)
    with stack.container.uow() as uow:
        for n, who in enumerate("ABCDE", start=1):
            resident = builders.resident(id=f"res-{who}", resident_number=f"90000000{n}",
                                         household_number=f"H900{n}")
            resident.verify(resident.facts, Verification(subject=f"s{n}", provider="dev",
                                                         assurance="card", verified_at=now))
            uow.residents.add(resident)
        uow.commit()
    with stack.container.uow() as uow:
        for identity in (uow.channel_identities.get_by_address("line", users["A"]),
                         uow.channel_identities.get_by_address("line", users["B"])):
            assert identity is not None
        line_a = uow.channel_identities.get_by_address("line", users["A"])
        line_b = uow.channel_identities.get_by_address("line", users["B"])
        assert line_a is not None and line_b is not None
        line_a.resident_id, line_b.resident_id = "res-A", "res-B"
        line_b.optional_declined_at = now
        uow.channel_identities.add(_identity("id-C", "sms", PHONE, "res-C"))
        uow.channel_identities.add(_identity("id-D", "email", MAIL, "res-D"))
        uow.commit()
    return users


def _new(stack: Stack, user: str, seen: dict[str, int]) -> list[dict[str, object]]:
    """What the user received after the greeting of their follow."""
    return stack.messages(user)[seen[user]:]


def _compose(container: Container, text: str, buttons: tuple[dict[str, str], ...]) -> str:
    return compose_notice(ComposeNotice(title="防災訓練のお知らせ", text=text,
                                        condition={"verified": True},
                                        segment_name="本人確認済みの人", buttons=buttons),
                          actor=STAFF, uow=container.uow(), ids=container.ids(),
                          clock=container.clock()).id


@pytest.fixture
def channels(town: tuple[Stack, SmsStandIn, MailCatcher],  # noqa: F811
             ) -> Iterator[tuple[Stack, SmsStandIn, MailCatcher]]:
    yield town


def test_a_notice_to_a_segment_goes_out_once_per_person_on_their_ladder(
        channels: tuple[Stack, SmsStandIn, MailCatcher], app: Flask) -> None:
    stack, sms, mail = channels
    container = stack.container
    users = _residents(stack)
    seen = {user: len(stack.messages(user)) for user in users.values()}
    procedure = container.menu().entries[0]
    notice_id = _compose(container, LONG, ({"label": "申し込む",
                                             "target": f"start:{procedure.procedure_id}"},))

    start_notice(notice_id, actor=STAFF, uow=container.uow(), queue=container.job_queue(),
                 ids=container.ids(), clock=container.clock())
    line_a = _new(stack, users["A"], seen)
    container.outbox_notifier().wake()
    texts, mails = [m.body for m in sms.inbox(PHONE)], mail.inbox(MAIL)

    assert len(line_a) == 1 and line_a[0]["type"] == "flex"
    assert "防災訓練のお知らせ" in str(line_a[0]["altText"])
    assert _new(stack, users["B"], seen) == []  # declined optional messages
    assert len(texts) == 1 and len(mails) == 1
    assert "<img" not in mails[0].part("html")  # no tracking pixel
    link = NOTICE_LINK.search(texts[0])
    assert link is not None, texts[0]

    # the send again (a resumed or repeated job): nobody is sent anything twice
    send_notice(notice_id, uow_factory=container.uow, ids=container.ids(),
                clock=container.clock(), policy=container.contact_policy(),
                public_url=container.config.public_url(), wake=lambda: None)
    with container.uow() as uow:
        stored = uow.notices.get(notice_id)
        assert stored is not None
        stored.status = NoticeStatus.SENDING  # as if the job had stopped before finishing
        uow.commit()
    send_notice(notice_id, uow_factory=container.uow, ids=container.ids(),
                clock=container.clock(), policy=container.contact_policy(),
                public_url=container.config.public_url(), wake=lambda: None)
    assert len(_new(stack, users["A"], seen)) == 1
    assert len(sms.inbox(PHONE)) == 1 and len(mail.inbox(MAIL)) == 1

    # C opens the page (twice: counted once); A taps the procedure's button
    browser = app.test_client()
    page = browser.get(urllib.parse.urlsplit(link.group(0)).path)
    assert page.status_code == 200 and LONG in page.get_data(as_text=True)
    assert browser.get(link.group(1)).status_code == 200
    stack.tap(users["A"], "申し込む")
    with container.uow() as uow:
        results = uow.queries.notices.results(notice_id)
    assert results is not None
    by = {f.channel: f for f in results.by_channel}
    assert (by["line"].people, by["sms"].people, by["email"].people) == (1, 1, 1)
    assert (by["sms"].opened, by["line"].tapped, by["email"].opened) == (1, 1, 0)
    assert (results.unreached, results.declined) == (1, 1)
    assert by["line"].delivered == 1 and by["sms"].sent == 1 and by["email"].sent == 1
    assert len(_new(stack, users["A"], seen)) >= 2  # the procedure answered the tap


def test_a_scheduled_notice_goes_out_when_its_time_comes(
        channels: tuple[Stack, SmsStandIn, MailCatcher]) -> None:
    stack, sms, _ = channels
    container = stack.container
    users = _residents(stack)
    seen = {user: len(stack.messages(user)) for user in users.values()}
    notice_id = _compose(container, "明日は断水します。", ())
    schedule_notice(notice_id, container.clock().now() + dt.timedelta(seconds=1),
                    actor=STAFF, uow=container.uow(), clock=container.clock())
    assert _new(stack, users["A"], seen) == []

    time.sleep(1.2)
    run_scheduled_work(uow_factory=container.uow, queue=container.job_queue(),
                       ids=container.ids(), clock=container.clock())

    assert [m["text"] for m in _new(stack, users["A"], seen)] == [
        "【防災訓練のお知らせ】\n明日は断水します。"]
    container.outbox_notifier().wake()
    assert len(sms.inbox(PHONE)) == 1
    with container.uow() as uow:
        assert uow.notices.get(notice_id).status is NoticeStatus.SENT  # type: ignore[union-attr]
