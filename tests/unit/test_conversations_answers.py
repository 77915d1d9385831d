"""Reading answers: dates (western and Japanese era), numbers, yes/no, choices and text."""

from __future__ import annotations

import datetime as dt

import pytest

from application.conversations.answers import parse_answer, parse_date, parse_number
from application.conversations.procedures import AnswerType, Option, Step
from domain.errors import InvalidValue

pytestmark = pytest.mark.unit

TODAY = dt.date(2026, 6, 1)


@pytest.mark.parametrize(("typed", "day"), [
    ("2026-04-01", dt.date(2026, 4, 1)),
    ("2026/4/1", dt.date(2026, 4, 1)),
    ("2026.4.1", dt.date(2026, 4, 1)),
    ("2026年4月1日", dt.date(2026, 4, 1)),
    ("20260401", dt.date(2026, 4, 1)),
    ("２０２６－０４－０１", dt.date(2026, 4, 1)),
    (" 2026 / 4 / 1 ", dt.date(2026, 4, 1)),
    ("令和8年4月1日", dt.date(2026, 4, 1)),
    ("令和８年４月１日", dt.date(2026, 4, 1)),
    ("R8.4.1", dt.date(2026, 4, 1)),
    ("r8/4/1", dt.date(2026, 4, 1)),
    ("㋿8年4月1日", dt.date(2026, 4, 1)),
    ("令和元年5月1日", dt.date(2019, 5, 1)),
    ("平成31年4月30日", dt.date(2019, 4, 30)),
    ("H31.4.30", dt.date(2019, 4, 30)),
    ("平成元年1月8日", dt.date(1989, 1, 8)),
    ("昭和64年1月7日", dt.date(1989, 1, 7)),
    ("S60.4.1", dt.date(1985, 4, 1)),
    ("大正15年12月24日", dt.date(1926, 12, 24)),
    ("明治45年7月29日", dt.date(1912, 7, 29)),
])
def test_dates_are_read_in_western_and_japanese_era_forms(typed: str, day: dt.date) -> None:
    assert parse_date(typed) == day


@pytest.mark.parametrize(("typed", "explanation"), [
    ("4月1日", "日付は 2026-04-01 のように入力してください（令和8年4月1日 も使えます）。"),
    ("きのう", "日付は 2026-04-01 のように入力してください（令和8年4月1日 も使えます）。"),
    ("2026-02-30", "「2026-02-30」という日付はありません。"),
    ("令和元年4月30日", "令和は2019年5月1日からです。日付を確かめてください。"),
    ("平成0年1月1日", "平成は元年（1年）から数えます。"),
    ("X8.4.1", "日付は 2026-04-01 のように入力してください（令和8年4月1日 も使えます）。"),
])
def test_dates_that_cannot_be_read_are_explained(typed: str, explanation: str) -> None:
    with pytest.raises(InvalidValue) as error:
        parse_date(typed)
    assert error.value.message == explanation


def test_a_date_answer_is_kept_in_iso_form_within_its_bounds() -> None:
    step = Step(key="d", question="いつ？", answer=AnswerType.DATE, not_future=True,
                min_date=dt.date(2020, 1, 1))

    assert parse_answer(step, "令和8年6月1日", today=TODAY) == "2026-06-01"
    with pytest.raises(InvalidValue, match="未来の日付"):
        parse_answer(step, "2026-06-02", today=TODAY)
    with pytest.raises(InvalidValue, match="2020年1月1日以降"):
        parse_answer(step, "2019-12-31", today=TODAY)


@pytest.mark.parametrize(("typed", "number"), [
    ("3", 3), ("３", 3), ("1,000", 1000), ("１，０００", 1000), ("-5", -5), ("−5", -5),
    (" 42 ", 42),
])
def test_numbers_are_read_with_full_width_digits_and_commas(typed: str, number: int) -> None:
    assert parse_number(typed) == number


@pytest.mark.parametrize(("typed", "explanation"), [
    ("3.5", "数字は整数で入力してください。"),
    ("三", "数字で入力してください（例: 3）。"),
    ("", "数字で入力してください（例: 3）。"),
])
def test_numbers_that_cannot_be_read_are_explained(typed: str, explanation: str) -> None:
    with pytest.raises(InvalidValue) as error:
        parse_number(typed)
    assert error.value.message == explanation


@pytest.mark.parametrize(("typed", "value"), [
    ("はい", True), ("yes", True), ("Ｙｅｓ", True), ("$yes", True),
    ("いいえ", False), ("no", False), ("N", False),
])
def test_yes_and_no_are_read_typed_or_tapped(typed: str, value: bool) -> None:
    step = Step(key="ok", question="よろしいですか？", answer=AnswerType.YES_NO)

    assert parse_answer(step, typed, today=TODAY) is value


def test_a_choice_is_read_from_its_value_label_or_the_start_of_one_label() -> None:
    step = Step(key="c", question="どれ？", answer=AnswerType.CHOICE,
                choices=(Option("waste", "ごみ・環境"), Option("roads", "道路・公園")))

    assert parse_answer(step, "waste", today=TODAY) == "waste"
    assert parse_answer(step, "道路・公園", today=TODAY) == "roads"
    assert parse_answer(step, "ごみ", today=TODAY) == "waste"
    with pytest.raises(InvalidValue, match="下のボタンから選んでください。"):
        parse_answer(step, "ご", today=TODAY)


def test_text_is_trimmed_and_checked_for_length_and_pattern() -> None:
    step = Step(key="zip", question="郵便番号は？", answer=AnswerType.TEXT, min_length=7,
                max_length=8, pattern=r"[0-9]{3}-?[0-9]{4}",
                pattern_message="郵便番号は 123-4567 のように入力してください。")

    assert parse_answer(step, " １２３-４５６７ ", today=TODAY) == "123-4567"
    with pytest.raises(InvalidValue, match="7文字以上"):
        parse_answer(step, "123", today=TODAY)
    with pytest.raises(InvalidValue, match="8文字以内"):
        parse_answer(step, "123-45678", today=TODAY)
    with pytest.raises(InvalidValue, match="123-4567 のように"):
        parse_answer(step, "abc-defg", today=TODAY)


def test_free_text_keeps_line_breaks_but_not_other_control_characters() -> None:
    step = Step(key="t", question="内容は？", answer=AnswerType.TEXT)

    assert parse_answer(step, "一行目\n二行目", today=TODAY) == "一行目\n二行目"
    with pytest.raises(InvalidValue, match="制御文字"):
        parse_answer(step, "ベル\x07", today=TODAY)
    with pytest.raises(InvalidValue, match="2000文字以内"):
        parse_answer(step, "あ" * 2001, today=TODAY)
