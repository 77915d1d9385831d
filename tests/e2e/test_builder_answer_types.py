"""A procedure with the builder's new answer types, through the LINE simulator: the collection
place found from its postal code (only the rest typed), a phone number, and a collection day
offered from a calendar (a day the calendar does not allow, typed, is explained); the answers
land in the town's inbox as kept. The same on the web page, each answer in the field that fits.
The procedure is registered for these tests only."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from dependency_injector import providers
from flask.testing import FlaskClient

from application.channels.menu import Menu, MenuEntry
from application.conversations.catalogue import ProcedureCatalogue
from application.conversations.procedures import AnswerType, Procedure, Step
from application.dates import in_japan
from entrypoints.containers import Container
from tests.e2e.conftest import Stack
from tests.support.resident_page import ResidentBrowser

pytestmark = pytest.mark.e2e

BULKY = Procedure(id="bulky_test", title="粗大ごみ収集の申込", steps=(
    Step(key="place", label="収集場所", answer=AnswerType.ADDRESS,
         question="収集する場所の住所を教えてください。"),
    Step(key="phone", label="電話番号", answer=AnswerType.PHONE,
         question="当日連絡のつく電話番号を教えてください。"),
    Step(key="day", label="収集日", answer=AnswerType.DATE, question="収集日を選んでください。",
         weekdays=(2,), min_days_ahead=3, offer_dates=4),
))


@pytest.fixture
def with_bulky(container: Container) -> Iterator[None]:
    """The procedure among the container's, and in the menu (before anything is built)."""
    container.procedures.override(providers.Object(ProcedureCatalogue(
        {**container.procedures().builtins, BULKY.id: BULKY})))
    container.menu.override(providers.Object(Menu(town_name="試験町", entries=(
        MenuEntry("contact", "お問い合わせ"), MenuEntry(BULKY.id, "粗大ごみ")))))
    yield
    container.procedures.reset_override()
    container.menu.reset_override()


def test_a_resident_applies_with_a_postal_code_a_phone_number_and_an_offered_date(
        with_bulky: None, stack: Stack) -> None:
    user = stack.resident()
    stack.sim.follow(user)
    stack.tap(user, "粗大ごみ")
    assert stack.texts(user)[-1].startswith("収集する場所の住所を教えてください。")

    stack.sim.send_text(user, "〒７１９－１１３１")
    assert stack.texts(user)[-1].startswith(
        "〒719-1131 岡山県総社市中央 ですね。続きの番地・建物名を入力してください。")
    stack.sim.send_text(user, "1丁目1番1号")
    stack.sim.send_text(user, "0866-92-1234")

    today = in_japan(stack.container.clock().now()).date()
    earliest = today + dt.timedelta(days=3)
    thursday = earliest + dt.timedelta(days=(3 - earliest.weekday()) % 7)
    stack.sim.send_text(user, thursday.isoformat())
    assert "水曜日の日付を選んでください" in " ".join(stack.texts(user)[-2:])
    offered = [item["action"]["label"] for item in stack.last(user)["quickReply"]["items"]]
    assert len(offered) == 6 and offered[4:] == ["戻る", "やめる"]
    assert all(label.endswith("（水）") for label in offered[:4])
    stack.tap(user, offered[0])

    summary = " ".join(stack.texts(user)[-2:])
    assert "・収集場所: 〒719-1131 岡山県総社市中央1丁目1番1号" in summary
    assert "・電話番号: 0866921234" in summary
    stack.tap(user, "はい")

    assert "受付番号" in stack.said(user)
    with stack.container.uow() as uow:
        identity = uow.channel_identities.get_by_address("line", user)
        answers = uow.conversations.latest_for(identity.id).answers_on_path()
        [case] = [c for c in uow.cases.all_holding_chat(identity.id)]
        assert case.procedure_id == BULKY.id
    assert answers["place"] == "〒719-1131 岡山県総社市中央1丁目1番1号"
    assert answers["phone"] == "0866921234"
    day = dt.date.fromisoformat(answers["day"])
    assert day.weekday() == 2 and earliest <= day < earliest + dt.timedelta(days=7 + 7)


def test_on_the_web_page_each_answer_is_typed_in_the_field_that_fits(
        with_bulky: None, client: FlaskClient) -> None:
    web = ResidentBrowser(client)
    web.open()
    web.press("はじめる")
    web.press("粗大ごみ")
    assert 'autocomplete="street-address"' in web.html

    web.answer("719-1131")
    assert "〒719-1131 岡山県総社市中央 ですね。" in web.last()
    web.answer("1丁目1番1号")
    assert 'type="tel"' in web.html and 'autocomplete="tel"' in web.html
    web.answer("0866-92-1234")

    assert 'type="date"' in web.html
    offered = [label for label in web.buttons() if label.endswith("（水）")]
    assert len(offered) == 4
    web.press(offered[0])
    assert "・電話番号: 0866921234" in " ".join(web.messages()[-2:])
