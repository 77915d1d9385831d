"""The README's "A benefit, end to end", walked as written, in a real browser: on the seeded
demo town, two residents verify on the LINE simulator's phone page (the development card page
offers them, labelled 口座登録あり), `admin` previews and sends the notice, one resident taps はい
(the account on file, ＊＊＊＊123), the other 別の口座にする with a ゆうちょ 記号番号 and a passbook
photo; `worker` sees who applied and checks the photo, `approver` decides; `worker` makes the
payment batch and `approver` approves it seeing the payees, downloads the Zengin file; a
returned-transfer list with one failure is imported; the failed resident re-sends an account in
the chat, `worker` checks it and re-pays from it in one action, and the next batch pays it.

Every page the browser is served is read for raw keys (the `page` fixture, and the card page and
the chat here), and any answer of 500 (a page, or the town's webhook behind a tap) fails it."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from contextlib import suppress
from typing import Any
from urllib.parse import urlsplit

import pytest

from adapters.banks.zengin_reading import DataRecord, read_transfer_file
from demo.seeding_payments import DEMO_ON_LADDER
from demo.seeding_town import DEMO_PROGRAM_NAME, DEMO_STAFF_PASSWORD
from entrypoints.containers import Container
from tests.e2e.conftest import Stack, stack  # noqa: F401  (the fixture: app + LINE simulator)
from tests.support.demo_town import demo_channels, seed_demo
from tests.support.raw_keys import RawKeyGuard, assert_no_raw_keys

pytestmark = pytest.mark.e2e

HOUSEHOLDS = 20
WAIT_MS = 15_000


@pytest.fixture
def container(container: Container) -> Container:
    """The demo town's settings, as `make demo` sets them."""
    container.config.town_prefecture.from_value("岡山県")
    container.config.town_city.from_value("総社市")
    container.config.town_full_name.from_value("岡山県総社市")
    return container


@pytest.fixture
def demo(stack: Stack) -> Iterator[Stack]:  # noqa: F811
    """`make demo`'s town: the registry, staff, the open program and the earlier paid one, the
    heads on SMS and e-mail; SMS and e-mail on, to the stand-in and a mail catcher."""
    with demo_channels(stack.container):
        seed_demo(stack.container, HOUSEHOLDS)
        yield stack


class Errors:
    """Every answer of 500 the browser met: a page, a download, or the town's webhook behind a
    tap on the phone (the simulator passes the webhook's status on to the phone page)."""

    def __init__(self, context: Any) -> None:
        self.seen: list[str] = []
        context.on("response", self._read)

    def _read(self, response: Any) -> None:
        where = f"{response.request.method} {urlsplit(response.url).path}"
        if response.status >= 500:
            self.seen.append(f"{response.status} {where}")
        elif "/_sim/users/" in response.url and response.request.method == "POST":
            with suppress(Exception):  # a body the browser no longer holds
                body = response.json()
                if body.get("error") or int(body.get("status") or 200) >= 500:
                    self.seen.append(f"webhook {body.get('status')} {body.get('error')} "
                                     f"behind {where}")

    def none(self) -> None:
        assert self.seen == [], "answers of 500:\n" + "\n".join(self.seen)


class Phone:
    """The simulator's phone page: one resident at a time, as a person uses it."""

    def __init__(self, page: Any) -> None:
        self.page = page

    def add(self, name: str) -> None:
        self.page.fill("input[placeholder^='表示名']", name)
        self.page.click('button:text-is("追加")')
        self.page.wait_for_function(
            "name => document.querySelector('#user-select option:checked')"
            "?.textContent.startsWith(name)", arg=name)
        self.page.click("#follow-button")
        self.sees("本人確認」（マイナンバーカード）をお願いします")

    def show(self, name: str) -> None:
        self.page.select_option("#user-select", label=f"{name}(友だち)")
        self.sees("友だち追加しました")

    def sees(self, text: str) -> None:
        self.page.locator("#chat").filter(has_text=text).wait_for(timeout=WAIT_MS)

    def tap(self, label: str) -> None:
        """The newest button with this label in the chat (a card's or a confirm's)."""
        self.page.locator(f"#chat button:text-is('{label}')").last.click()

    def reply(self, label: str) -> None:
        self.page.locator(f"#quick-replies button:text-is('{label}')").click()

    def say(self, text: str) -> None:
        self.page.fill("input[placeholder='メッセージを入力']", text)
        self.page.click("button:text-is('送信')")

    def send_photo(self, png: bytes) -> None:
        self.page.set_input_files("#photo-input", files=[
            {"name": "passbook.png", "mimeType": "image/png", "buffer": png}])

    def chat(self) -> str:
        return self.page.inner_text("#chat")

    def check_no_raw_keys(self, who: str) -> None:
        assert_no_raw_keys(self.page.inner_html("#chat"), where=f"{who}'s chat")


class Desk:
    """The staff pages, signed in as one of the demo logins at a time."""

    def __init__(self, page: Any, url: str) -> None:
        self.page, self.url = page, url

    def sign_in(self, login_id: str) -> None:
        """Signs out whoever is signed in (ログアウト), then in as `login_id`."""
        if self.page.url.startswith(f"{self.url}/staff"):
            self.page.wait_for_load_state("networkidle")  # the page's own requests done
        signed_in = self.page.locator("button:text-is('ログアウト')")
        if signed_in.count():
            signed_in.click()
            self.page.locator("main").filter(has_text="ログアウトしました").wait_for()
        else:
            self.page.goto(f"{self.url}/staff/login")
        self.page.fill("input[name=login_id]", login_id)
        self.page.fill("input[name=password]", DEMO_STAFF_PASSWORD)
        self.page.click("button[type=submit]")
        self.page.wait_for_url(re.compile(r".*/staff/$"))

    def open_program(self) -> None:
        self.page.click("nav.global-nav a:text-is('給付金')")
        self.page.click(f"a:text-is('{DEMO_PROGRAM_NAME}')")

    def open_application(self, household: str) -> None:
        self.open_program()
        self.page.click("a:text-is('申請の一覧')")
        self.page.click(f"a:text-is('{household}')")
        self.page.wait_for_selector("[data-head]")

    def says(self, text: str) -> None:
        self.page.locator("main").filter(has_text=text).wait_for(timeout=WAIT_MS)

    def shot(self, name: str) -> None:
        from tests.browser.conftest import ARTIFACTS

        ARTIFACTS.mkdir(parents=True, exist_ok=True)  # written here: Playwright would write it
        png = self.page.screenshot(full_page=True)   # from a thread that outlives the test
        (ARTIFACTS / f"readme-story-{name}.png").write_bytes(png)


def _verify(phone: Phone, label: str) -> dict[str, str]:
    """本人確認 on the development card page, picking the first person with this label; returns
    the card's facts and the household number the page names."""
    phone.reply("本人確認")
    phone.sees("本人確認をはじめる")
    with phone.page.context.expect_page() as opened:
        phone.tap("本人確認をはじめる")
    card = opened.value
    card.wait_for_load_state()
    person = card.locator(f"button[data-person]:has-text('{label}')").first
    household = re.search(r"世帯番号 (\S+)", person.inner_text()).group(1)  # type: ignore[union-attr]
    person.click()
    facts = {field: card.input_value(f"[name={field}]") for field in ("name", "kana", "address")}
    assert facts["address"].startswith("岡山県総社市")  # the card carries the full address
    card.click("button:text-is('この内容で本人確認する')")
    card.locator("body").filter(has_text="本人確認が完了しました").wait_for()
    card.close()
    phone.sees("本人確認が完了しました")
    return {**facts, "household": household}


def _passbook(context: Any, account: str, holder: str) -> bytes:
    """A photo of a passbook's page (its account and holder), as a resident would take one."""
    sheet = context.new_page()
    sheet.set_viewport_size({"width": 480, "height": 260})
    sheet.set_content("<div style='font: 22px sans-serif; padding: 20px; border: 4px solid #2a6'>"
                      f"<p>総合口座通帳</p><p>{account}</p><p>{holder} 様</p></div>")
    png = sheet.screenshot()
    sheet.close()
    return png


def _photo_shown(page: Any) -> None:
    """The passbook photo on the application page, loaded (not a broken image)."""
    page.wait_for_function(
        "() => { const img = document.querySelector(\"img[alt='住民が送った通帳の写真']\");"
        " return img !== null && img.complete && img.naturalWidth > 0; }", timeout=WAIT_MS)


def test_the_readme_benefit_story_walks_from_verification_to_re_payment(
        page: Any, demo: Stack) -> None:
    context = page.context
    errors = Errors(context)
    guard = RawKeyGuard()  # the pages `page` does not open: the phone's, the card's
    context.on("page", guard.watch)
    phone = Phone(context.new_page())
    phone.page.goto(demo.sim.base_url + "/")
    desk = Desk(page, demo.app_url)

    # 1. Two residents verify, each picking a person labelled 口座登録あり on the card page.
    phone.add("総社 一郎")
    first = _verify(phone, "口座登録あり（＊＊＊＊123）")
    phone.add("総社 二郎")
    second = _verify(phone, "口座登録あり（＊＊＊＊123）")
    assert first["household"] != second["household"]
    errors.none()

    # 2. admin previews the notice (the two on LINE and the demo's heads on SMS and e-mail, the
    # account on file in it) and sends it.
    desk.sign_in("admin")
    desk.open_program()
    desk.page.click("a:text-is('送信内容を確認する')")
    assert desk.page.inner_text("[data-preview=recipients]") == str(2 + DEMO_ON_LADDER) == "8"
    assert [desk.page.inner_text(f"[data-preview=channel-{channel}]")
            for channel in ("line", "sms", "email")] == ["2", "3", "3"]
    notice = desk.page.inner_text("[data-preview=text]")
    assert "振込先（前回の口座）: みずほ銀行 東京営業部 普通 ＊＊＊＊123" in notice
    assert re.search(r"申請期限: \d{4}年\d{1,2}月\d{1,2}日 23:59まで", notice)  # the whole day
    assert desk.page.locator("[data-preview=button]").all_inner_texts() == [
        "はい", "いいえ", "別の口座にする"]
    desk.shot("1-preview")
    desk.page.click("button:text-is('この内容で送信する')")
    desk.says("8世帯への通知の送信を始めました")
    desk.page.wait_for_selector(".job-progress--done", timeout=WAIT_MS)
    errors.none()

    # 3. In the chat: the first taps はい; the second 別の口座にする with a ゆうちょ 記号番号.
    phone.show("総社 一郎")
    phone.sees("＊＊＊＊123 この口座で受け取りますか")
    assert "普通 ＊＊＊＊123\nこの口座で受け取りますか？" in phone.chat()  # its lines, as in LINE
    phone.tap("はい")
    phone.sees("申請を受け付けました")
    phone.show("総社 二郎")
    phone.sees("この口座で受け取りますか")
    phone.tap("別の口座にする")
    phone.sees("金融機関の名前を送ってください")
    phone.say("ゆうちょ")
    phone.sees("通帳の「記号」（5桁の数字）を送ってください")
    phone.say("10180")
    phone.sees("通帳の「番号」（8桁までの数字）を送ってください")
    phone.say("12345671")
    phone.sees("口座名義をカタカナで送ってください")
    phone.say(second["kana"])
    phone.sees("写っているページの写真を送ってください")
    phone.send_photo(_passbook(context, "ゆうちょ銀行 記号 10180 番号 12345671", second["kana"]))
    phone.sees("10180-12345671（振込用: 店番 018（〇一八） 普通 口座番号 1234567）")
    phone.tap("はい")
    phone.sees("職員が通帳の写真を確認してから")
    errors.none()

    # 4. worker sees who applied and checks the photo; approver decides both.
    desk.sign_in("worker")
    desk.open_application(second["household"])
    assert second["name"] in desk.page.inner_text("h1")
    head = desk.page.inner_text("[data-head]")
    assert second["kana"] in head and "〒" in head
    assert second["address"].removeprefix("岡山県総社市") in head  # the registry's own address
    account = desk.page.inner_text("[data-account]")
    assert "ゆうちょ銀行" in account and "〇一八" in account and "1234567" in account
    assert "記号 101□□ 番号 12345671" in account  # as the passbook in the photo prints it
    _photo_shown(desk.page)
    desk.shot("2-application")
    desk.page.click("button:text-is('口座を確認した')")
    desk.says("口座を確認済み")
    desk.sign_in("approver")
    for resident in (second, first):
        desk.open_application(resident["household"])
        desk.page.click("form[data-decide] button:text-is('支給決定')")
        desk.says("1件を支給決定しました（通知1件）")
    phone.sees("支給を決定しました")  # the second resident's chat, shown
    assert "振込先: ゆうちょ銀行 〇一八店 普通 ＊＊＊＊567" in phone.chat()
    errors.none()

    # 5. worker makes the batch; approver approves it seeing the payees, downloads the file.
    desk.sign_in("worker")
    desk.page.click("nav.global-nav a:text-is('支払')")
    desk.page.select_option("#f-program", label=DEMO_PROGRAM_NAME)
    desk.page.click("button:text-is('作成する')")
    desk.says("支払バッチ（2件）を作成しました。別の職員の承認を受けてください。")
    batch_url = desk.page.url
    desk.sign_in("approver")
    desk.page.goto(batch_url)
    payees = desk.page.locator("table[data-payees] tbody tr")
    rows = payees.all_inner_texts()
    assert len(rows) == 2
    by_name = {name: index for index, row in enumerate(rows, start=1)
               for name in (first["name"], second["name"]) if name in row}
    assert set(by_name) == {first["name"], second["name"]}
    assert "みずほ" in rows[by_name[first["name"]] - 1]
    assert "東京営業部" in rows[by_name[first["name"]] - 1]
    assert "ゆうちょ" in rows[by_name[second["name"]] - 1]
    assert desk.page.inner_text("[data-batch-total]") == "140,000円"
    desk.shot("3-approval")
    desk.page.click("button:text-is('この内容で承認する')")
    desk.says("承認しました")
    with desk.page.expect_download() as downloaded:
        desk.page.click("button:text-is('振込データをダウンロード')")
    transfer = downloaded.value
    assert transfer.suggested_filename.endswith(".txt")
    with open(transfer.path(), "rb") as file:
        records = [r for r in read_transfer_file(io.BytesIO(file.read()))
                   if isinstance(r, DataRecord)]
    assert len(records) == 2 and {r.amount for r in records} == {70_000}
    errors.none()

    # 6. The bank's returned list names the first resident's row: one failure.
    desk.sign_in("worker")
    desk.page.goto(batch_url)
    returned = f"顧客コード2,理由\n{by_name[first['name']]},該当口座なし\n"
    desk.page.select_option("#f-kind", value="returned")
    desk.page.set_input_files("#f-file", files=[
        {"name": "returned.csv", "mimeType": "text/csv", "buffer": returned.encode()}])
    tick = desk.page.locator("input[name=settle_rest]")
    assert tick.bounding_box()["width"] < 40  # the box sits before its words, not across them
    tick.check()
    desk.page.click("button:text-is('取り込む')")
    desk.says("完了 1件、不能 1件を記録しました")
    failures = desk.page.inner_text("table[data-failures]")
    assert first["household"] in failures and first["name"] in failures
    assert "該当口座なし" in failures
    errors.none()

    # 7. The failed resident is told and re-sends an account in the chat.
    phone.show("総社 一郎")
    phone.sees("振り込むことができませんでした（理由: 該当口座なし）")
    phone.tap("口座を登録し直す")
    phone.sees("金融機関の名前を送ってください")
    phone.say("三菱UFJ")
    phone.sees("支店の名前か支店番号")
    phone.say("本店")
    phone.sees("預金の種類を選んでください")
    phone.reply("普通")
    phone.sees("口座番号（7桁までの数字）を送ってください")
    phone.say("7654321")
    phone.sees("口座名義をカタカナで送ってください")
    phone.say(first["kana"])
    phone.sees("写っているページの写真を送ってください")
    phone.send_photo(_passbook(context, "三菱ＵＦＪ銀行 本店 普通 7654321", first["kana"]))
    phone.sees("・口座番号: 7654321")
    phone.tap("はい")
    phone.sees("新しい振込先（＊＊＊＊321）を受け付けました")
    errors.none()

    # 8. worker checks the re-sent account against its photo and re-pays from it, no retyping.
    desk.page.goto(batch_url)
    repay = desk.page.locator(f"[data-repay='{first['household']}']")
    assert "登録し直した口座が確認待ちです" in repay.inner_text()
    repay.locator("a:text-is('申請の画面で通帳の写真と照合する')").click()
    account = desk.page.inner_text("[data-account]")
    assert "三菱ＵＦＪ" in account and "本店" in account and "7654321" in account
    _photo_shown(desk.page)
    desk.page.click("button:text-is('口座を確認した')")
    desk.says("口座を確認済み")
    desk.page.goto(batch_url)
    assert "確認済みの口座: 三菱ＵＦＪ" in repay.inner_text()
    assert "＊＊＊＊321" in repay.inner_text()
    desk.shot("4-repay")
    repay.locator("button:text-is('この口座で再振込')").click()
    desk.says("確認済みの口座で再振込を登録しました")
    assert "再振込登録済み" in desk.page.inner_text("table[data-failures]")
    desk.page.click("nav.global-nav a:text-is('支払')")
    desk.page.select_option("#f-program", label=DEMO_PROGRAM_NAME)
    desk.page.click("button:text-is('作成する')")
    desk.says("支払バッチ（1件）を作成しました")
    again = desk.page.inner_text("table[data-payees] tbody")
    assert first["name"] in again and "三菱ＵＦＪ" in again and "本店" in again
    assert "＊＊＊＊321" in again
    errors.none()

    # The decision and failure notices are in the first resident's chat, in that order.
    chat = phone.chat()
    decided = chat.index("支給を決定しました")
    assert chat.index("振り込むことができませんでした") > decided
    assert "振込先: みずほ銀行 東京営業部 普通 ＊＊＊＊123" in chat
    phone.check_no_raw_keys("the first resident")
    phone.show("総社 二郎")
    phone.check_no_raw_keys("the second resident")
    guard.check()
    errors.none()
