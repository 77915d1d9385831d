"""The README's "The same notice by SMS and e-mail, in the simulator", walked as written in a real
browser on the seeded demo town with SMS and e-mail on (as `make demo` runs them): `admin` sends
the notice; the SMS inbox page and the mail inbox pages hold it with a personal link; opened on a
phone-sized page, one tap on はい applies; `approver` decides them from 申請の一覧 (経路 SMS and
メール) and the decision arrives in the SMS inbox and the mailbox. Then the SMS resident, on the
same page, opens メニュー → 連絡先, sees their number, adds an e-mail address and confirms it with
the code from its mailbox (the 連絡先 procedure on the web page).

Every page is read for raw keys, and any answer of 500 fails it."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest

from demo.seeding_contacts import demo_contact
from demo.seeding_payments import ladder_households
from entrypoints.containers import Container
from tests.browser.test_readme_benefit_story import Desk, Errors
from tests.e2e.conftest import Stack, stack  # noqa: F401  (the fixture: app + LINE simulator)
from tests.support.demo_town import DemoChannels, demo_channels, seed_demo
from tests.support.raw_keys import RawKeyGuard

pytestmark = pytest.mark.e2e

HOUSEHOLDS = 20
WAIT_MS = 15_000
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def container(container: Container) -> Container:
    container.config.town_prefecture.from_value("岡山県")
    container.config.town_city.from_value("総社市")
    container.config.town_full_name.from_value("岡山県総社市")
    container.config.town_name.from_value("総社市")
    return container


@pytest.fixture
def demo(stack: Stack) -> Iterator[tuple[Stack, DemoChannels]]:  # noqa: F811
    with demo_channels(stack.container, stack.sim) as inboxes:
        seed_demo(stack.container, HOUSEHOLDS)
        yield stack, inboxes


def _personal_link(text: str) -> str:
    found = re.findall(r"http://127\.0\.0\.1:\d+/r/l\?t=[\w-]+", text)
    assert found, text
    return found[-1]


def _tap_yes(phone: Any, link: str) -> None:
    phone.goto(link)
    phone.locator("main").filter(has_text="この口座で受け取りますか").wait_for(timeout=WAIT_MS)
    phone.locator("button:text-is('はい')").first.click()
    phone.locator("body").filter(has_text="申請を受け付けました").wait_for(timeout=WAIT_MS)


def test_the_readme_sms_and_email_paths_from_notice_to_decision(
        page: Any, demo: tuple[Stack, DemoChannels]) -> None:
    town, inboxes = demo
    context = page.context
    errors = Errors(context)
    guard = RawKeyGuard()
    context.on("page", guard.watch)
    desk = Desk(page, town.app_url)
    households = ladder_households()
    sms_channel, _typed, number = demo_contact(0, households[0])
    mail_channel, _typed, address = demo_contact(len(households) - 1, households[-1])
    assert (sms_channel, mail_channel) == ("sms", "email")

    desk.sign_in("admin")
    desk.open_program()
    desk.page.click("a:text-is('送信内容を確認する')")
    desk.page.click("button:text-is('この内容で送信する')")
    desk.page.wait_for_selector(".job-progress--done", timeout=WAIT_MS)
    town.container.outbox_notifier().wake()

    # SMS: the inbox page holds the code and the notice, with its personal link.
    sms_page = context.new_page()
    sms_page.goto(f"{inboxes.sms.base_url}/_sim/sms")
    inbox = sms_page.locator(f"section:has-text('{number}'), div:has-text('{number}')").last
    inbox.filter(has_text="支給額は70,000円").wait_for(timeout=WAIT_MS)
    text = inbox.inner_text()
    assert "確認コード" in text and "＊＊＊＊123" in text
    phone = context.browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    errors_phone = Errors(phone)
    phone.on("page", guard.watch)
    on_phone = phone.new_page()
    _tap_yes(on_phone, _personal_link(text))

    # E-mail: the mailbox page lists the notice; its page has the same kind of link.
    mail_page = context.new_page()
    mail_page.goto(f"{town.sim.base_url}/_sim/mail/")
    mail_page.locator("a:has-text('物価高騰対策給付金（デモ）のお知らせ')").last.wait_for(
        timeout=WAIT_MS)
    assert address in mail_page.inner_text("body")
    mail_page.locator(f"section:has-text('{address}') a:has-text('のお知らせ')").first.click()
    mail_page.locator("body").filter(has_text="配信停止").wait_for(timeout=WAIT_MS)
    assert "総社市 <noreply@" in mail_page.inner_text("body")
    by_mail = context.browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    errors_mail = Errors(by_mail)
    _tap_yes(by_mail.new_page(), _personal_link(mail_page.inner_text("body")))

    # approver decides both from 申請の一覧 (経路 SMS and メール).
    desk.sign_in("approver")
    desk.open_program()
    desk.page.click("a:text-is('申請の一覧')")
    rows = desk.page.locator("tbody tr:has-text('申請受付済み')")
    rows.nth(1).wait_for(timeout=WAIT_MS)  # `all()` does not wait for the list to load
    assert sorted(row.locator("td").nth(4).inner_text() for row in rows.all()) == [
        "SMS", "メール"]
    for box in rows.locator("input[type=checkbox]").all():
        box.check()
    desk.page.click("form button:text-is('支給決定')")
    desk.says("2件を支給決定しました（通知2件）")
    town.container.outbox_notifier().wake()
    sms_page.reload()
    sms_page.locator("body").filter(has_text="決定通知").wait_for(timeout=WAIT_MS)
    assert any("決定通知" in m.body and "＊＊＊＊123" in m.body
               for m in inboxes.sms.inbox(number))
    assert any("決定通知" in (m.message["Subject"] or "") for m in inboxes.mail.inbox(address))

    # 連絡先 on the same page: the SMS resident adds an e-mail address, confirmed by its code.
    on_phone.click("a:text-is('メニュー'), button:text-is('メニュー')")
    on_phone.locator("button:text-is('連絡先')").last.click()
    on_phone.locator("body").filter(has_text="SMS 090-0000-0101").wait_for(timeout=WAIT_MS)
    on_phone.locator("button:text-is('電話番号・メールを追加')").last.click()
    on_phone.fill("textarea[name=text], input[name=text]", "hanako@example.jp")
    on_phone.click("button:text-is('送る')")
    on_phone.locator("body").filter(has_text="hanako@example.jpに確認コードを送りました").wait_for(
        timeout=WAIT_MS)
    town.container.outbox_notifier().wake()
    mails = inboxes.mail.inbox("hanako@example.jp")
    code = re.search(r"確認コード: (\d{6})", mails[-1].part("plain"))
    assert code is not None
    on_phone.fill("textarea[name=text], input[name=text]", code.group(1))
    on_phone.click("button:text-is('送る')")
    on_phone.locator("body").filter(has_text="hanako@example.jpを登録しました").wait_for(
        timeout=WAIT_MS)
    assert "町からのお知らせはSMSでお届けします" in on_phone.inner_text("body")  # SMS first
    from tests.browser.conftest import ARTIFACTS

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / "readme-channels-contacts.png").write_bytes(on_phone.screenshot(full_page=True))
    guard.check()
    for seen in (errors, errors_phone, errors_mail):
        seen.none()
    phone.close()
    by_mail.close()
