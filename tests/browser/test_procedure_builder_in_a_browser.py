"""Issue 17's story in a real browser: a case worker of 環境課 builds 粗大ごみ収集の申込 from
scratch in the editor (three questions: the number of items, a choice, a date; routed to
環境課), sees the editor's check point at a problem as they type, tries the draft in the LINE
simulator by sending 「試す <code>」 (nothing is created), an administrator gives it a place in
the menu and publishes it, the procedure charges ¥400 per item and an administrator puts it on
a tile of the LINE rich menu; a resident in the simulator taps the tile, answers, pays on the
development pay page, and the case appears in 環境課's inbox with its payment."""

from __future__ import annotations

import datetime as dt
import json
import re
import time
from typing import Any

import pytest

from application.access.actor import Actor
from application.cases.managing_departments import (
    SaveDepartment,
    SetStaffDepartments,
    save_department,
    set_staff_departments,
)
from domain.staff import Role
from entrypoints.web.staff.procedures import fields as editor_fields
from tests.browser.conftest import ARTIFACTS
from tests.e2e.conftest import Stack, stack  # noqa: F401  (the fixture: app + LINE simulator)
from tests.e2e.staff_support import PASSWORD, make_staff
from tests.support.raw_keys import RawKeyGuard

pytestmark = pytest.mark.e2e

ENVIRONMENT = "環境課"
WAIT_MS = 15_000


def _shot(page: Any, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / f"builder-{name}.png").write_bytes(page.screenshot(full_page=True))


def _sign_in(page: Any, url: str, login_id: str) -> None:
    signed_in = page.locator("button:text-is('ログアウト')")
    if page.url.startswith(f"{url}/staff") and signed_in.count():
        signed_in.click()
        page.locator("main").filter(has_text="ログアウトしました").wait_for()
    page.goto(f"{url}/staff/login")
    page.fill("input[name=login_id]", login_id)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.locator("button:text-is('ログアウト')").wait_for()


def _question(page: Any, number: int) -> Any:
    return page.locator("li[data-question]").nth(number - 1)


def _add_question(page: Any, number: int, *, key: str, text: str, label: str,
                  answer: str) -> Any:
    page.click("button:text-is('質問を追加')")
    question = _question(page, number)
    question.locator("[data-s=key]").fill(key)
    question.locator("[data-s=question]").fill(text)
    question.locator("[data-s=label]").fill(label)
    question.locator("[data-s=answer]").select_option(answer)
    return question


def _problems(page: Any) -> str:
    return page.locator("[data-live-problems]").inner_text()


def _collection_days(question: Any) -> bool:
    """Collection on Wednesdays, a week ahead at least, where the engine has a calendar for
    dates (the editor then shows its fields); False where it has not."""
    if "weekdays" not in {rule.name for rule in editor_fields.RULES}:
        return False
    question.locator("[data-s=weekdays] input[value='2']").check()
    question.locator("[data-s=min_days_ahead]").fill("7")
    return True


def _collection_day(today: dt.date, calendar: bool) -> dt.date:
    day = today + dt.timedelta(days=14)
    while calendar and (day.weekday() != 2 or (day.month, day.day) >= (12, 29)
                        or (day.month, day.day) <= (1, 3)):
        day += dt.timedelta(days=1)
    return day


def _fee_per_item(page: Any) -> None:
    """The fee, ¥400 per item (the editor shows 手数料 where the engine has fees)."""
    assert editor_fields.FEES
    page.fill("[data-fee-field=amount]", "400")
    page.select_option("[data-fee-field=per_answer]", "items")
    page.fill("[data-fee-field=label]", "粗大ごみ処理手数料")


def _pay_on_the_development_pay_page(phone: Phone, user: str) -> None:
    """The resident taps 支払う and pays on the fake provider's page; the case opens then."""
    phone.says("粗大ごみ処理手数料")
    buttons = phone.stack.last(user)["contents"]["footer"]["contents"]
    [uri] = [b["action"]["uri"] for b in buttons if b["action"]["label"] == "支払う（800円）"]
    paying = phone.page.context.new_page()
    paying.goto(uri)
    paying.click("button:text-is('支払う')")
    paying.locator("body").filter(has_text="お支払いを確認しました").wait_for(timeout=WAIT_MS)
    paying.close()


def _rich_menu_tile(page: Any) -> None:
    """Its tile in the rich menu: a tile of the unverified residents' menu (the one after
    本人確認) starts it."""
    page.locator("nav a:text-is('LINEのリッチメニュー')").click()
    page.wait_for_selector("h1:has-text('LINEのリッチメニュー')")
    page.select_option("#kind1", "procedure")
    page.select_option("#procedure1", "bulky_waste")
    page.fill("#label1", "粗大ごみ")
    page.click("button:text-is('保存する')")
    page.locator(".notice--success").filter(has_text="配置を保存しました").wait_for()
    page.click("button:text-is('LINEに公開する')")
    page.locator(".notice--success").filter(has_text="LINEに公開しました").wait_for()
    _shot(page, "rich-menu")


class Phone:
    """The simulator's phone page of one resident; what the town sends is delivered by the
    outbox (woken here, as the dispatcher's next round would)."""

    def __init__(self, page: Any, stack: Stack) -> None:  # noqa: F811
        self.page, self.stack = page, stack

    def says(self, text: str) -> None:
        deadline = time.monotonic() + WAIT_MS / 1000
        chat = self.page.locator("#chat").filter(has_text=text)
        while time.monotonic() < deadline:
            self.stack.container.outbox_notifier().wake()
            if chat.count():
                return
            self.page.wait_for_timeout(200)
        raise AssertionError(f"the phone never showed {text!r}: "
                             f"{self.page.locator('#chat').inner_text()[-500:]}")

    def send(self, text: str) -> None:
        self.page.fill("#text-input", text)
        self.page.click("#send-button")

    def tap(self, label: str) -> None:
        button = self.page.locator(f"#quick-replies button:text-is('{label}'), "
                                   f"#chat button:text-is('{label}')").last
        button.wait_for(timeout=WAIT_MS)
        button.click()


def _walk(phone: Phone, day: dt.date) -> None:
    phone.says("出す粗大ごみは何点ですか")
    phone.send("2")
    phone.says("主なものを選んでください")
    phone.tap("家具")
    phone.says("収集を希望する日")
    phone.send(day.isoformat())
    phone.says("収集日")
    phone.tap("はい")


def test_a_case_worker_builds_bulky_waste_it_is_tried_published_and_used(
        stack: Stack, page: Any) -> None:  # noqa: F811
    container, url = stack.container, stack.app_url
    department = save_department(SaveDepartment(name=ENVIRONMENT, actor=Actor.operator("t")),
                                 uow=container.uow(), ids=container.ids(),
                                 clock=container.clock())
    worker = make_staff(container, "kankyo", Role.CASE_WORKER, name="環境 一郎")
    set_staff_departments(SetStaffDepartments(staff_id=worker, department_ids=[department.id],
                                              actor=Actor.operator("t")),
                          uow=container.uow(), clock=container.clock())
    make_staff(container, "admin", Role.ADMINISTRATOR, name="管理 花子")

    # The case worker builds it from scratch.
    _sign_in(page, url, "kankyo")
    page.click("nav a:text-is('手続きを作る')")
    page.click("a:text-is('新しく作る')")
    page.fill("[data-p=id]", "bulky_waste")
    page.fill("[data-p=title]", "粗大ごみ収集の申込")
    items = _add_question(page, 1, key="items", text="出す粗大ごみは何点ですか？",
                          label="点数", answer="number")
    items.locator("[data-s=min_value]").fill("1")
    items.locator("[data-s=max_value]").fill("10")
    kind = _add_question(page, 2, key="kind", text="主なものを選んでください。", label="種類",
                         answer="choice")
    page.locator("[data-live-problems]").filter(has_text="選択肢がありません").wait_for()
    assert "選択肢がありません" in kind.locator("[data-q-problems]").inner_text()  # in place
    for value, label in (("furniture", "家具"), ("appliance", "家電")):
        kind.locator("button:text-is('選択肢を追加')").click()
        choice = kind.locator("[data-choice]").last
        choice.locator("[data-c=label]").fill(label)
        choice.locator("[data-c=value]").fill(value)
    day_question = _add_question(page, 3, key="day", text="収集を希望する日を教えてください。",
                                 label="収集日", answer="date")
    calendar = _collection_days(day_question)
    page.select_option("[data-r=default]", ENVIRONMENT)
    _fee_per_item(page)
    page.locator("[data-live-problems]").filter(has_text="問題は見つかりませんでした").wait_for()
    _shot(page, "editor")
    page.click("button:text-is('保存')")
    page.locator(".notice--success").filter(has_text="手続きを作成しました").wait_for()
    assert "下書き" in page.locator("[data-state]").inner_text()
    assert page.locator("button:text-is('公開')").is_disabled()  # administrators publish

    # 試す: the code, sent in the LINE simulator, walks the draft; nothing is created.
    page.click("button:text-is('試す')")
    code = re.search(r"試す ([A-Z0-9]+)", page.locator("[data-trial-code]").inner_text())
    assert code is not None
    _shot(page, "trial")
    phone = Phone(page.context.new_page(), stack)
    user = stack.resident("粗大 花子")
    phone.page.goto(f"{stack.sim.base_url}/phone/{user}")
    phone.page.click("#follow-button")
    phone.says("本人確認")
    phone.send(f"試す {code.group(1)}")
    day = _collection_day(container.clock().now().date(), calendar)
    _walk(phone, day)
    phone.says("下書きを試しているため")
    assert stack.count("cases") == 0

    # An administrator gives it a place in the menu and publishes it.
    _sign_in(page, url, "admin")
    page.goto(f"{url}/staff/procedures/bulky_waste/edit")
    page.check("#f-in-menu")
    page.fill("#f-menu-label", "粗大ごみ")
    page.fill("#f-menu-order", "1")
    page.click("button:text-is('公開')")  # not saved yet: the draft would lack the menu place
    page.locator("[data-unsaved]").wait_for()
    page.click("button:text-is('保存')")
    page.locator(".notice--success").filter(has_text="保存しました").wait_for()
    page.click("button:text-is('公開')")
    page.locator(".notice--success").filter(has_text="第1版を公開しました").wait_for()
    assert "公開中 第1版" in page.locator("[data-state]").inner_text()
    assert page.locator("button:text-is('公開')").is_disabled()  # nothing new to publish
    _shot(page, "published")
    _rich_menu_tile(page)

    # A resident starts it from the menu and answers; the case is in 環境課's inbox.
    phone.page.reload()  # the resident taps its tile in the rich menu
    phone.page.locator("#rich-menu-tiles button[aria-label='粗大ごみ']").first.click()
    _walk(phone, day)
    _pay_on_the_development_pay_page(phone, user)
    phone.says("受付番号")
    _sign_in(page, url, "kankyo")
    page.goto(f"{url}/staff/cases/")
    row = page.locator("tbody tr").filter(has_text="粗大ごみ収集の申込")
    row.wait_for()
    assert ENVIRONMENT in row.inner_text()
    _shot(page, "inbox")
    row.locator("a").first.click()  # the case holds its payment
    page.locator("main").filter(has_text="800円").wait_for()
    _shot(page, "case-with-fee")
    page.goto(f"{url}/staff/procedures/")
    _shot(page, "list")


def _template(page: Any) -> dict[str, Any]:
    return json.loads(page.locator("#template-json").input_value())


def test_the_editor_keeps_the_json_in_sync_with_branches_moves_and_routing(
        served: str, page: Any, container: Any) -> None:
    for name in (ENVIRONMENT, "市民課"):
        save_department(SaveDepartment(name=name, actor=Actor.operator("t")),
                        uow=container.uow(), ids=container.ids(), clock=container.clock())
    make_staff(container, "kankyo", Role.CASE_WORKER)
    _sign_in(page, served, "kankyo")
    page.goto(f"{served}/staff/procedures/new")
    page.fill("[data-p=id]", "moving")
    page.fill("[data-p=title]", "引っ越しの案内")
    where = _add_question(page, 1, key="where", text="どこへ引っ越しますか？", label="転居先",
                          answer="choice")
    for value, label in (("inside", "町内"), ("outside", "町外")):
        where.locator("button:text-is('選択肢を追加')").click()
        where.locator("[data-choice] [data-c=label]").last.fill(label)
        where.locator("[data-choice] [data-c=value]").last.fill(value)
    _add_question(page, 2, key="when", text="いつですか？", label="転居日", answer="date")
    _add_question(page, 3, key="note", text="ほかに伝えたいことは？", label="備考",
                  answer="text")
    where.locator("button:text-is('分岐を追加')").click()
    branch = where.locator("[data-branch]").last
    branch.locator("[data-b=when-select]").select_option("outside")
    branch.locator("[data-b=goto]").select_option("note")
    page.select_option("[data-r=default]", ENVIRONMENT)
    page.select_option("[data-r=answer_key]", "where")
    page.locator("[data-route-value=outside] select").select_option("市民課")
    where = page.locator("[data-question][data-key=where]")  # wherever it moves
    where.locator("button:text-is('下へ')").click()
    where.locator("button:text-is('下へ')").click()  # last: its branch to note goes back
    page.locator("[data-live-problems]").filter(has_text="繰り返し").wait_for()
    assert "繰り返し" in where.locator("[data-q-problems]").inner_text()
    where.locator("button:text-is('上へ')").click()
    where.locator("button:text-is('上へ')").click()
    page.locator("[data-live-problems]").filter(has_text="問題は見つかりませんでした").wait_for()

    sent = _template(page)
    steps = sent["procedure"]["steps"]
    assert [s["key"] for s in steps] == ["where", "when", "note"]
    assert steps[0]["branches"] == [{"when_value": "outside", "goto": "note"}]
    assert sent["routing"] == {"default": ENVIRONMENT, "answer_key": "where",
                               "by_value": {"outside": "市民課"}}
    _question(page, 3).locator("[data-s=key]").fill("memo")  # what pointed at it follows
    _question(page, 1).locator("[data-s=key]").fill("dest")
    renamed = _template(page)
    assert renamed["procedure"]["steps"][0]["branches"] == [
        {"when_value": "outside", "goto": "memo"}]
    assert renamed["routing"]["answer_key"] == "dest"
    assert renamed["routing"]["by_value"] == {"outside": "市民課"}
    _question(page, 1).locator("[data-c=value]").last.fill("away")  # a choice's value too
    moved = _template(page)
    assert moved["procedure"]["steps"][0]["branches"][0]["when_value"] == "away"
    assert moved["routing"]["by_value"] == {"away": "市民課"}
    _question(page, 2).locator("button:text-is('削除')").click()
    assert [s["key"] for s in _template(page)["procedure"]["steps"]] == ["dest", "memo"]
    page.click("summary:text-is('テンプレートのJSONで編集する')")
    edited = _template(page)
    edited["procedure"]["title"] = "転居の案内"
    page.fill("#template-json", json.dumps(edited, ensure_ascii=False))
    assert page.input_value("[data-p=title]") == "転居の案内"  # the editor follows the JSON
    page.click("button:text-is('保存')")
    page.locator(".notice--success").filter(has_text="手続きを作成しました").wait_for()
    _shot(page, "branches")
    with container.uow() as uow:
        saved = uow.built_procedures.get("moving")
    assert saved.title == "転居の案内"
    assert saved.draft["routing"]["by_value"] == {"away": "市民課"}


def test_without_javascript_staff_edit_the_json_and_see_the_problems(
        served: str, browser: Any, container: Any) -> None:
    save_department(SaveDepartment(name=ENVIRONMENT, actor=Actor.operator("t")),
                    uow=container.uow(), ids=container.ids(), clock=container.clock())
    make_staff(container, "kankyo", Role.CASE_WORKER)
    context = browser.new_context(locale="ja-JP", java_script_enabled=False,
                                  viewport={"width": 1280, "height": 900})
    page = context.new_page()
    guard = RawKeyGuard().watch(page)
    _sign_in(page, served, "kankyo")
    page.goto(f"{served}/staff/procedures/new")
    assert page.locator("#editor").is_hidden() and page.locator("#template-json").is_visible()
    template = {"format": "madoguchi.procedure", "version": 1, "procedure": {
        "id": "plain", "title": "案内", "steps": [
            {"key": "kind", "question": "どれですか？", "answer": "choice", "choices": []}]},
        "routing": {"default": ENVIRONMENT}}
    page.fill("#template-json", json.dumps(template, ensure_ascii=False))
    page.click("button:text-is('保存')")
    page.locator("[data-problems]").filter(has_text="選択肢がありません").wait_for()
    _shot(page, "no-script-refused")
    template["procedure"]["steps"][0]["choices"] = [{"value": "a", "label": "A"}]
    page.fill("#template-json", json.dumps(template, ensure_ascii=False))
    page.click("button:text-is('保存')")
    page.locator(".notice--success").filter(has_text="手続きを作成しました").wait_for()
    guard.check()
    context.close()


def test_importing_a_template_maps_its_departments_in_english_too(
        served: str, page: Any, container: Any, tmp_path: Any) -> None:
    save_department(SaveDepartment(name=ENVIRONMENT, actor=Actor.operator("t")),
                    uow=container.uow(), ids=container.ids(), clock=container.clock())
    make_staff(container, "kankyo", Role.CASE_WORKER)
    _sign_in(page, served, "kankyo")
    page.goto(f"{served}/staff/procedures/")
    page.locator("[data-library-template='report.json'] button").click()
    page.locator("[data-import-mapping]").wait_for()
    _shot(page, "import-mapping")
    page.fill("#f-new-id", "report_2")
    for select in page.locator("[data-import-mapping] select").all():
        select.select_option(ENVIRONMENT)
    page.click("button:text-is('この内容で読み込む')")
    page.locator(".notice--success").filter(has_text="読み込みました").wait_for()
    page.locator("li[data-question]").nth(3).wait_for()  # built by the editor's script
    assert page.locator("li[data-question]").count() == 4
    page.click("a:text-is('English')")
    page.locator("h2:text-is('Questions (asked in order)')").wait_for()
    _shot(page, "editor-english")
