"""連絡先 end to end in the LINE simulator (the real SDK, the app over HTTP): a verified resident
adds a mobile number, gets a code by SMS (the fake SMS channel), types it back and has the number
linked; a wrong code and an expired code link nothing (ADR 0041)."""

from __future__ import annotations

import datetime as dt
import re
import urllib.parse
from collections.abc import Iterator

import pytest
from dependency_injector import providers
from flask.testing import FlaskClient
from freezegun import freeze_time

from domain.channels import IdentityStatus
from tests.e2e.conftest import Stack
from tests.e2e.test_certificates import _verified_resident
from tests.fakes import InboxChannel
from tests.support.resident_page import ResidentBrowser

pytestmark = pytest.mark.e2e

PHONE = "+819012345678"


@pytest.fixture
def sms(stack: Stack) -> Iterator[InboxChannel]:
    """The fake SMS and e-mail channels beside LINE, and codes that count up from 123456."""
    fake_sms, fake_email = InboxChannel("sms"), InboxChannel("email")
    container = stack.container
    container.messaging_channels.override(providers.Dict(
        line=container.line_messenger, sms=providers.Object(fake_sms),
        email=providers.Object(fake_email)))
    codes = iter(f"{n:06d}" for n in range(123456, 999999))
    container.contact_code_maker.override(providers.Object(lambda: next(codes)))
    container.contacts_desk.reset()
    yield fake_sms
    container.contact_code_maker.reset_override()
    container.messaging_channels.reset_override()


def _linked_phone(stack: Stack, user: str) -> list[tuple[str, IdentityStatus]]:
    with stack.container.uow() as uow:
        line = uow.channel_identities.get_by_address("line", user)
        return [(i.address, i.status) for i in uow.channel_identities.linked_to(line.resident_id)
                if i.channel == "sms"]


def _code_in(sms: InboxChannel) -> str:
    found = re.search(r"確認コード: (\d{6})", sms.inbox[PHONE][-1])
    assert found is not None, sms.inbox
    return found.group(1)


def test_a_resident_adds_a_phone_number_verified_by_a_code(stack: Stack,
                                                            sms: InboxChannel) -> None:
    user, _person = _verified_resident(stack)
    stack.sim.send_text(user, "連絡先")
    listing = stack.texts(user)[-1]
    assert "登録している連絡先" in listing and "LINE" in listing
    stack.tap(user, "電話番号・メールを追加")
    assert "携帯電話の番号か、メールアドレス" in stack.texts(user)[-1]
    stack.sim.send_text(user, "090-12")  # not a number: explained, asked again
    assert "例: 090-1234-5678" in " ".join(stack.texts(user)[-3:])
    stack.sim.send_text(user, "０９０－１２３４－５６７８")
    assert "090-1234-5678に確認コードを送りました" in " ".join(stack.texts(user)[-3:])
    assert _linked_phone(stack, user) == []  # not before the code
    stack.sim.send_text(user, _code_in(sms))
    assert "090-1234-5678を登録しました" in stack.texts(user)[-1]
    assert _linked_phone(stack, user) == [(PHONE, IdentityStatus.FOLLOWING)]

    stack.sim.send_text(user, "連絡先")
    assert "SMS 090-1234-5678" in stack.texts(user)[-1]
    stack.tap(user, "SMSを削除")
    assert "090-1234-5678を削除しました" in stack.texts(user)[-1]
    assert _linked_phone(stack, user) == []


def test_a_wrong_code_links_nothing_and_says_how_many_tries_are_left(
        stack: Stack, sms: InboxChannel) -> None:
    user, _person = _verified_resident(stack)
    stack.sim.send_text(user, "連絡先")
    stack.tap(user, "電話番号・メールを追加")
    stack.sim.send_text(user, "09012345678")
    right = _code_in(sms)
    wrong = "000000" if right != "000000" else "111111"
    stack.sim.send_text(user, wrong)
    assert "確認コードが違います（あと4回" in " ".join(stack.texts(user)[-3:])
    assert _linked_phone(stack, user) == []
    stack.sim.send_text(user, right)  # asked again: the right one still works
    assert _linked_phone(stack, user) == [(PHONE, IdentityStatus.FOLLOWING)]


def test_an_expired_code_links_nothing_and_a_new_one_can_be_sent(stack: Stack,
                                                                  sms: InboxChannel) -> None:
    user, _person = _verified_resident(stack)
    stack.sim.send_text(user, "連絡先")
    stack.tap(user, "電話番号・メールを追加")
    stack.sim.send_text(user, "09012345678")
    first = _code_in(sms)
    with freeze_time(stack.container.clock().now() + dt.timedelta(minutes=11), tick=True):
        stack.sim.send_text(user, first)
        assert "有効期限が切れました" in stack.texts(user)[-1]
        assert _linked_phone(stack, user) == []
        stack.tap(user, "コードを再送する")
        second = _code_in(sms)
        assert second != first
        stack.sim.send_text(user, second)
        assert "を登録しました" in stack.texts(user)[-1]
    assert _linked_phone(stack, user) == [(PHONE, IdentityStatus.FOLLOWING)]


def test_a_resident_stops_and_resumes_the_reminders(stack: Stack, sms: InboxChannel) -> None:
    user, person = _verified_resident(stack)
    stack.sim.send_text(user, "連絡先")
    assert "締切前の督促のお知らせ: 受け取る" in stack.texts(user)[-1]
    stack.tap(user, "督促のお知らせを止める")
    assert "督促のお知らせを止めました" in stack.texts(user)[-1]
    with stack.container.uow() as uow:
        assert uow.contact_preferences.quiet_among([person.id]) == {person.id}
    stack.tap(user, "督促のお知らせを再開")
    with stack.container.uow() as uow:
        assert uow.contact_preferences.quiet_among([person.id]) == set()


def test_a_resident_may_start_five_contacts_a_day(stack: Stack, sms: InboxChannel) -> None:
    user, _person = _verified_resident(stack)
    for n in range(6):
        if n:
            stack.tap(user, "やめる")  # leaves the code's question open before
        stack.sim.send_text(user, "連絡先")
        stack.tap(user, "電話番号・メールを追加")
        stack.sim.send_text(user, f"0901234{n:04d}")
    assert "今日はこれ以上、確認コードを送れません" in stack.texts(user)[-1]
    assert len(sms.inbox) == 5


def _page_button(stack: Stack, user: str) -> str:
    """The 「ページで開く」 card's link, as a path on the app."""
    for message in reversed(stack.messages(user)):
        for button in message.get("contents", {}).get("footer", {}).get("contents", []):
            if button["action"].get("label") == "ページで開く":
                parts = urllib.parse.urlsplit(button["action"]["uri"])
                return f"{parts.path}?{parts.query}"
    raise AssertionError("no 「ページで開く」 button in the chat")


def test_the_chat_opens_the_web_page_signed_in_as_the_same_resident_once(
        stack: Stack, client: FlaskClient) -> None:
    user, _person = _verified_resident(stack)
    stack.sim.send_text(user, "連絡先")
    link = _page_button(stack, user)
    assert link.startswith("/r/l?t=")
    browser = ResidentBrowser(client)

    assert browser.open(link).status_code == 200
    browser.press("窓口のページを開く")

    with stack.container.uow() as uow:
        line = uow.channel_identities.get_by_address("line", user)
        web = [i for i in uow.channel_identities.linked_to(line.resident_id) if i.channel == "web"]
    assert len(web) == 1  # the page is the same resident's, with their dialogs
    assert "ログアウト" in browser.open("/r/").get_data(as_text=True)
    assert ResidentBrowser(client).open(link).status_code == 410  # once only


def test_with_a_liff_app_the_button_opens_inside_line(stack: Stack) -> None:
    before = stack.container.config.liff_id()
    stack.container.config.liff_id.from_value("1657000000-AbcdEfgh")
    stack.container.personal_links.reset()
    stack.container.line_messenger.reset()
    try:
        user, _person = _verified_resident(stack)
        stack.sim.send_text(user, "連絡先")
        uris = [button["action"]["uri"] for message in stack.messages(user)
                for button in message.get("contents", {}).get("footer", {}).get("contents", [])
                if button["action"].get("uri")]
        assert uris and uris[-1].startswith("https://liff.line.me/1657000000-AbcdEfgh/l?t=")
    finally:
        stack.container.config.liff_id.from_value(before)
        stack.container.personal_links.reset()
        stack.container.line_messenger.reset()
