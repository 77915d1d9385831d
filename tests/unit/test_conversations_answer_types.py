"""Answer types the procedure builder offers beyond text and choices: a phone number, an e-mail
address, an address found from its postal code, a date from a calendar of allowed days; and
what a verified resident sees of the facts the town holds (shown once, only confirmed)."""

from __future__ import annotations

import datetime as dt

import pytest

from application.conversations.addresses import PENDING, full_address
from application.conversations.engine import ConversationEngine
from application.conversations.procedures import AnswerType, Procedure, Step
from application.conversations.state import ConversationStatus
from tests.fakes import JST, FakeClock
from tests.support.postal_codes import FakePostalCodes
from tests.unit.test_conversations import FakeBankMaster, labels, talk, tap, texts

pytestmark = pytest.mark.unit

CONTACT = Procedure(id="reach", title="連絡先の届出", confirm=False, steps=(
    Step(key="phone", label="電話番号", answer=AnswerType.PHONE, question="電話番号は？"),
    Step(key="email", label="メール", answer=AnswerType.EMAIL, question="メールは？",
         required=False),
))
PLACE = Procedure(id="place", title="収集場所", steps=(
    Step(key="address", label="住所", answer=AnswerType.ADDRESS, question="住所は？"),
))
COLLECTION = Procedure(id="bulky", title="粗大ごみ収集の申込", steps=(
    Step(key="day", label="収集日", answer=AnswerType.DATE, question="収集日を選んでください。",
         weekdays=(2,), min_days_ahead=3, offer_dates=4),
))
VERIFIED = Procedure(id="school", title="就学援助の申請", steps=(
    Step(key="name", label="お名前", answer=AnswerType.TEXT, question="お名前は？", known="name"),
    Step(key="address", label="住所", answer=AnswerType.ADDRESS, question="住所は？",
         known="address"),
    Step(key="born", label="生年月日", answer=AnswerType.DATE, question="生年月日は？",
         known="birth_date", not_future=True),
    Step(key="phone", label="電話番号", answer=AnswerType.PHONE, question="電話番号は？"),
))
FACTS = {"name": "山田 太郎", "kana": "ヤマダ タロウ", "address": "岡山県総社市中央1丁目1番1号",
         "birth_date": "1980-04-01"}
MONDAY = dt.datetime(2026, 6, 1, 9, 0, tzinfo=JST)


def engine_at(now: dt.datetime = MONDAY) -> ConversationEngine:
    procedures = {p.id: p for p in (CONTACT, PLACE, COLLECTION, VERIFIED)}
    return ConversationEngine(procedures, FakeClock(now), FakeBankMaster(), FakePostalCodes())


@pytest.fixture
def engine() -> ConversationEngine:
    return engine_at()


# -- phone and e-mail -------------------------------------------------------------------------

@pytest.mark.parametrize(("typed", "kept"), [
    ("090-1234-5678", "09012345678"), ("０８６６－９２－１２３４", "0866921234"),
    ("+81 3 1234 5678", "0312345678"), ("0120-123-456", "0120123456"),
])
def test_a_phone_number_is_kept_as_dialled_in_japan_however_it_was_typed(
        engine: ConversationEngine, typed: str, kept: str) -> None:
    turn = talk(engine, engine.start("c", "i", "reach"), typed, "スキップ")

    assert turn.finished and turn.answers["phone"] == kept


@pytest.mark.parametrize(("typed", "said"), [
    ("12345", "市外局番から"), ("+1 555 123 4567", "日本の電話番号"),
    ("090-1234-567", "市外局番から"),
])
def test_a_phone_number_that_cannot_be_called_is_explained_and_asked_again(
        engine: ConversationEngine, typed: str, said: str) -> None:
    turn = talk(engine, engine.start("c", "i", "reach"), typed)

    assert said in texts(turn)[0] and texts(turn)[-1].startswith("電話番号は？")
    assert turn.conversation.step_key == "phone"


def test_an_email_address_is_kept_in_lower_case_and_a_wrong_one_is_explained(
        engine: ConversationEngine) -> None:
    turn = talk(engine, engine.start("c", "i", "reach"), "09012345678", "taro.example.jp")
    assert "「@」" in texts(turn)[0] and turn.conversation.step_key == "email"

    turn = talk(engine, turn, "Taro@Example.JP")

    assert turn.answers == {"phone": "09012345678", "email": "taro@example.jp"}


# -- addresses --------------------------------------------------------------------------------

def test_a_typed_full_address_is_kept_as_typed(engine: ConversationEngine) -> None:
    turn = talk(engine, engine.start("c", "i", "place"), " 岡山県総社市駅前1-2-3 ", "はい")

    assert turn.answers == {"address": "岡山県総社市駅前1-2-3"}


def test_a_postal_code_is_looked_up_and_only_the_rest_is_asked(
        engine: ConversationEngine) -> None:
    turn = talk(engine, engine.start("c", "i", "place"), "1000001")

    assert texts(turn)[0].startswith(
        "〒100-0001 東京都千代田区千代田 ですね。続きの番地・建物名を入力してください。")
    turn = talk(engine, turn, "1-1 千代田ビル3階", "はい")
    assert turn.answers == {"address": "〒100-0001 東京都千代田区千代田1-1 千代田ビル3階"}
    assert PENDING not in turn.conversation.answers


@pytest.mark.parametrize("typed", ["〒719-1131", "719-1131", "７１９－１１３１", "〒７１９１１３１",
                                   "719ー1131"])
def test_a_postal_code_with_the_mark_a_hyphen_or_full_width_digits_is_recognised(
        engine: ConversationEngine, typed: str) -> None:
    turn = talk(engine, engine.start("c", "i", "place"), typed)

    assert texts(turn)[0].startswith("〒719-1131 岡山県総社市中央 ですね。")


def test_an_unknown_postal_code_gets_a_clear_message_and_nothing_changes(
        engine: ConversationEngine) -> None:
    start = engine.start("c", "i", "place")
    turn = talk(engine, start, "999-9998")

    assert texts(turn)[0] == ("郵便番号 〒999-9998 は見つかりませんでした。番号を確かめるか、"
                              "住所をすべて入力してください。")
    assert turn.conversation.turn == start.conversation.turn
    assert turn.conversation.answers == {}


def test_the_whole_address_typed_after_a_postal_code_is_not_doubled(
        engine: ConversationEngine) -> None:
    turn = talk(engine, engine.start("c", "i", "place"), "7191136", "岡山県総社市駅前2-2-10",
                "はい")

    assert turn.answers == {"address": "〒719-1136 岡山県総社市駅前2-2-10"}


def test_another_postal_code_instead_of_the_rest_is_looked_up_again(
        engine: ConversationEngine) -> None:
    turn = talk(engine, engine.start("c", "i", "place"), "1000001", "719-1131", "1-1", "はい")

    assert turn.answers == {"address": "〒719-1131 岡山県総社市中央1-1"}


def test_a_postal_code_of_two_prefectures_asks_for_the_address_from_the_prefecture(
        engine: ConversationEngine) -> None:
    turn = talk(engine, engine.start("c", "i", "place"), "4980000")
    assert "都道府県からの住所を入力してください" in texts(turn)[0]

    turn = talk(engine, turn, "愛知県弥富市前ケ須町1", "はい")

    assert turn.answers == {"address": "〒498-0000 愛知県弥富市前ケ須町1"}


def test_without_postal_codes_a_code_is_not_found_and_a_full_address_still_works() -> None:
    engine = ConversationEngine({PLACE.id: PLACE}, FakeClock(), FakeBankMaster())
    turn = talk(engine, engine.start("c", "i", "place"), "1000001")
    assert "見つかりませんでした" in texts(turn)[0]

    turn = talk(engine, turn, "東京都千代田区千代田1-1", "はい")

    assert turn.answers == {"address": "東京都千代田区千代田1-1"}


# -- dates from a calendar ----------------------------------------------------------------------

def test_the_next_allowed_dates_are_offered_as_buttons(engine: ConversationEngine) -> None:
    turn = engine.start("c", "i", "bulky")  # Monday 1 June: Wednesdays from Thursday 4 June

    assert labels(turn)[:4] == ["6月10日（水）", "6月17日（水）", "6月24日（水）", "7月1日（水）"]
    assert labels(turn)[4:] == ["やめる"]


def test_offered_dates_skip_the_year_end_holidays() -> None:
    engine = engine_at(dt.datetime(2026, 12, 20, 9, 0, tzinfo=JST))

    turn = engine.start("c", "i", "bulky")

    assert labels(turn)[:4] == ["12月23日（水）", "1月6日（水）", "1月13日（水）", "1月20日（水）"]


def test_a_tapped_offered_date_is_the_answer(engine: ConversationEngine) -> None:
    turn = engine.start("c", "i", "bulky")

    turn = talk(engine, turn, tap(turn, "6月17日（水）"), "はい")

    assert turn.answers == {"day": "2026-06-17"}


def test_a_typed_allowed_date_is_accepted_though_not_offered(engine: ConversationEngine) -> None:
    turn = talk(engine, engine.start("c", "i", "bulky"), "2026-07-15", "はい")

    assert turn.answers == {"day": "2026-07-15"}


@pytest.mark.parametrize(("typed", "said"), [
    ("2026-06-11", "6月11日（木）は選べません。水曜日の日付を選んでください。"),
    ("2026-06-03", "3日後（6月4日（木））以降の日付を選んでください。"),
    ("2026-12-30", "年末年始（12月29日〜1月3日）の日付は選べません。"),
])
def test_a_typed_date_the_calendar_does_not_allow_is_refused_with_the_reason(
        engine: ConversationEngine, typed: str, said: str) -> None:
    turn = talk(engine, engine.start("c", "i", "bulky"), typed)

    assert texts(turn)[0] == said
    assert turn.conversation.step_key == "day" and "day" not in turn.conversation.answers


def test_a_date_offered_yesterday_and_no_longer_allowed_is_refused_when_tapped() -> None:
    clock = FakeClock(MONDAY)
    kept_a_week = Procedure(id="bulky", title="粗大ごみ", steps=COLLECTION.steps,
                            ttl_minutes=7 * 24 * 60)
    engine = ConversationEngine({"bulky": kept_a_week}, clock, FakeBankMaster())
    turn = engine.start("c", "i", "bulky")
    earliest = tap(turn, "6月10日（水）")
    clock.advance(days=6, hours=23)  # Monday 8 June: from Thursday 11 June

    turn = talk(engine, turn, earliest)

    assert "以降の日付を選んでください" in texts(turn)[0]


# -- what the town holds, confirmed -----------------------------------------------------------

def test_a_verified_resident_sees_what_the_town_holds_and_is_asked_only_to_confirm(
        engine: ConversationEngine) -> None:
    turn = engine.start("c", "i", "school", known=FACTS)

    shown = texts(turn)[-1]
    assert "・お名前: 山田 太郎" in shown
    assert "・住所: 岡山県総社市中央1丁目1番1号" in shown
    assert "・生年月日: 1980年4月1日" in shown
    assert "フリガナ" not in shown  # the procedure does not take it
    assert shown.endswith("この内容でよろしいですか？")
    assert labels(turn) == ["はい", "いいえ", "やめる"]


def test_confirming_fills_the_known_questions_and_asks_the_first_other_one(
        engine: ConversationEngine) -> None:
    turn = engine.start("c", "i", "school", known=FACTS)

    turn = talk(engine, turn, tap(turn, "はい"))

    assert turn.conversation.step_key == "phone"
    turn = talk(engine, turn, "0866-92-1234")
    summary = "\n".join(texts(turn))
    assert "・生年月日: 1980年4月1日" in summary and "・電話番号: 0866921234" in summary
    turn = talk(engine, turn, "はい")
    assert turn.answers == {"name": "山田 太郎", "address": "岡山県総社市中央1丁目1番1号",
                            "born": "1980-04-01", "phone": "0866921234"}


def test_declining_ends_the_procedure_with_the_verification_button_and_nothing_submitted(
        engine: ConversationEngine) -> None:
    turn = engine.start("c", "i", "school", known=FACTS)

    turn = talk(engine, turn, tap(turn, "いいえ"))

    assert turn.cancelled and not turn.finished and turn.answers == {}
    assert turn.conversation.status is ConversationStatus.CANCELLED
    [message] = turn.messages
    assert "マイナンバーカード" in message.text and "もう一度本人確認" in message.text
    assert [(c.label, c.data) for c in message.choices] == [("本人確認", "verify:start")]


def test_anything_but_yes_or_no_while_confirming_asks_again(engine: ConversationEngine) -> None:
    turn = engine.start("c", "i", "school", known=FACTS)

    turn = talk(engine, turn, "スキップ")

    assert texts(turn)[0] == "「はい」か「いいえ」で答えてください。"
    assert texts(turn)[-1].endswith("この内容でよろしいですか？")


def test_an_unverified_resident_is_asked_the_questions(engine: ConversationEngine) -> None:
    turn = engine.start("c", "i", "school", known={})

    assert texts(turn)[-1].startswith("お名前は？")


def test_a_procedure_without_known_questions_asks_nothing_to_confirm(
        engine: ConversationEngine) -> None:
    turn = engine.start("c", "i", "reach", known=FACTS)

    assert texts(turn)[-1].startswith("電話番号は？")


@pytest.mark.parametrize(("rest", "kept"), [
    ("中央1-1-1", "〒719-1131 岡山県総社市中央1-1-1"),  # the town typed again before the 番地
    ("総社市中央三丁目2", "〒719-1131 岡山県総社市中央三丁目2"),
    ("中央ビル101", "〒719-1131 岡山県総社市中央中央ビル101"),  # a name, not a repeat: kept
])
def test_the_end_of_the_area_typed_again_before_the_number_is_not_doubled(rest: str,
                                                                        kept: str) -> None:
    assert full_address("7191131", "岡山県総社市中央", rest) == kept
