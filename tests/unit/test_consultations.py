"""Consultations (相談) in the domain: a department's opening hours in Japan time (weekdays,
evenings, weekends, national holidays and 年末年始 closed), when staff answer next, the queue's
order, and the moves of a consultation; the name residents read for a staff member."""

from __future__ import annotations

import datetime as dt

import pytest

from adapters.calendars.office_calendar import JapaneseOfficeCalendar
from domain.consultations import (
    DEFAULT_HOURS,
    Consultation,
    ConsultationStatus,
    DepartmentHours,
    OpeningHours,
    place_in_queue,
)
from domain.errors import IllegalTransition, InvalidValue
from domain.events import ConsultationEnded, ConsultationTaken
from domain.staff import Role, StaffMember
from domain.values import JST

pytestmark = pytest.mark.unit

CLOSED = JapaneseOfficeCalendar().is_closed_day


def _jst(*parts: int) -> dt.datetime:
    return dt.datetime(*parts, tzinfo=JST)


def test_a_weekday_within_the_hours_is_open() -> None:
    assert DEFAULT_HOURS.is_open(_jst(2026, 12, 7, 10, 0), CLOSED)  # a Monday
    assert DEFAULT_HOURS.is_open(_jst(2026, 12, 7, 8, 30), CLOSED)  # opening minute


def test_the_evening_of_a_weekday_is_closed_and_staff_answer_the_next_morning() -> None:
    evening = _jst(2026, 12, 7, 17, 15)
    assert not DEFAULT_HOURS.is_open(evening, CLOSED)
    assert DEFAULT_HOURS.next_opening(evening, CLOSED) == _jst(2026, 12, 8, 8, 30)


def test_early_morning_waits_for_the_same_days_opening() -> None:
    assert DEFAULT_HOURS.next_opening(_jst(2026, 12, 8, 7, 0), CLOSED) == _jst(2026, 12, 8, 8, 30)


def test_a_saturday_is_closed_until_monday() -> None:
    saturday = _jst(2026, 12, 5, 11, 0)
    assert not DEFAULT_HOURS.is_open(saturday, CLOSED)
    assert DEFAULT_HOURS.next_opening(saturday, CLOSED) == _jst(2026, 12, 7, 8, 30)


def test_a_national_holiday_is_closed_even_on_a_weekday() -> None:
    culture_day = _jst(2026, 11, 3, 10, 0)  # 文化の日, a Tuesday
    assert not DEFAULT_HOURS.is_open(culture_day, CLOSED)
    assert DEFAULT_HOURS.next_opening(culture_day, CLOSED) == _jst(2026, 11, 4, 8, 30)


def test_the_year_end_break_runs_to_the_fourth_of_january() -> None:
    assert not DEFAULT_HOURS.is_open(_jst(2026, 12, 29, 10, 0), CLOSED)  # a Tuesday
    assert DEFAULT_HOURS.next_opening(_jst(2026, 12, 28, 18, 0), CLOSED) == _jst(2027, 1, 4, 8, 30)


def test_hours_are_japan_time_whatever_the_moments_zone() -> None:
    monday_nine_in_japan = dt.datetime(2026, 12, 7, 0, 0, tzinfo=dt.UTC)
    sunday_evening_in_utc = dt.datetime(2026, 12, 6, 23, 0, tzinfo=dt.UTC)  # Monday 8:00 JST
    assert DEFAULT_HOURS.is_open(monday_nine_in_japan, CLOSED)
    assert not DEFAULT_HOURS.is_open(sunday_evening_in_utc, CLOSED)
    assert DEFAULT_HOURS.next_opening(sunday_evening_in_utc, CLOSED) == _jst(2026, 12, 7, 8, 30)


def test_a_department_may_open_on_saturday_mornings() -> None:
    hours = OpeningHours.of("土", "9:00", "12:00")
    assert hours.is_open(_jst(2026, 12, 5, 9, 30), CLOSED)
    assert hours.label == "土 9:00〜12:00（祝日・年末年始を除く）"
    kept = DepartmentHours.of("d1", hours)
    assert (kept.weekdays, kept.opens, kept.closes, kept.hours) == ("土", "9:00", "12:00", hours)


@pytest.mark.parametrize(("weekdays", "opens", "closes"), [
    ("", "8:30", "17:15"), ("月", "17:00", "9:00"), ("月", "25:00", "26:00"), ("月", "朝", "夕")])
def test_hours_that_cannot_be_are_refused(weekdays: str, opens: str, closes: str) -> None:
    with pytest.raises(InvalidValue):
        OpeningHours.of(weekdays, opens, closes)


def _waiting(id_: str, minute: int, department: str = "d1") -> Consultation:
    return Consultation(id=id_, department_id=department,
                        requested_at=_jst(2026, 12, 7, 10, minute), in_hours=True)


def test_the_queue_is_oldest_first_within_the_department() -> None:
    first, second, other = _waiting("c1", 0), _waiting("c2", 5), _waiting("c3", 1, "d2")
    newest = _waiting("c4", 9)
    queue = [first, second, other]
    assert [place_in_queue(c, [*queue, newest]) for c in (first, second, other, newest)] == [
        1, 2, 1, 3]
    second.take("s1", _jst(2026, 12, 7, 10, 10))  # taken: no longer ahead of anyone
    assert place_in_queue(newest, queue) == 2


def test_a_consultation_passed_on_waits_in_the_new_departments_queue() -> None:
    taken = _waiting("c1", 0)
    taken.take("s1", _jst(2026, 12, 7, 10, 3))

    taken.passed_to("d2")

    assert (taken.department_id, taken.status, taken.staff_id) == (
        "d2", ConsultationStatus.WAITING, None)
    # it keeps its place by when it was asked: ahead of one asked later there
    assert place_in_queue(taken, [_waiting("c2", 1, "d2"), taken]) == 1


def test_taking_a_waiting_consultation_tells_the_resident_once() -> None:
    consultation = _waiting("c1", 0)
    consultation.take("s1", _jst(2026, 12, 7, 10, 3))
    assert (consultation.status, consultation.staff_id) == (ConsultationStatus.TALKING, "s1")
    assert consultation.pull_events() == [ConsultationTaken(case_id="c1", staff_id="s1")]
    with pytest.raises(IllegalTransition, match="すでにほかの職員"):
        consultation.take("s2", _jst(2026, 12, 7, 10, 4))


def test_ending_a_consultation_once_brings_the_bot_back() -> None:
    consultation = _waiting("c1", 0)
    consultation.take("s1", _jst(2026, 12, 7, 10, 3))
    consultation.end(_jst(2026, 12, 7, 10, 30))
    assert consultation.status is ConsultationStatus.ENDED
    assert consultation.pull_events()[-1] == ConsultationEnded(case_id="c1")
    with pytest.raises(IllegalTransition):
        consultation.end(_jst(2026, 12, 7, 10, 31))
    with pytest.raises(IllegalTransition):
        consultation.take("s2", _jst(2026, 12, 7, 10, 31))


def test_a_waiting_consultation_may_be_ended_without_being_taken() -> None:
    consultation = _waiting("c1", 0)
    consultation.end(_jst(2026, 12, 7, 10, 30))
    assert consultation.status is ConsultationStatus.ENDED and consultation.staff_id is None


def test_residents_read_a_staff_members_chat_name_never_the_full_name() -> None:
    member = StaffMember(id="s1", login_id="akira.tanaka", display_name="田中 明",
                         role=Role.CASE_WORKER, password_hash="x")
    assert member.name_for_residents == "担当 A"
    member.rename_for_residents("  あきら ")
    assert member.name_for_residents == "あきら"
    member.rename_for_residents("")
    assert member.name_for_residents == "担当 A"
    with pytest.raises(InvalidValue):
        member.rename_for_residents("あ" * 21)
