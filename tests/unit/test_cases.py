"""The town's inbox, as rules: a case's status moves by named transitions only, its number
reads as the year and a sequence, and routing sends a case to its department by the answers
(a department the town does not have falls to the default, then to any, then to none)."""

from __future__ import annotations

import datetime as dt

import pytest

from application.cases.routing import CaseRoute, route_case
from domain.cases import (
    CaseEntry,
    CaseEntryKind,
    CaseStatus,
    Department,
    InboxCase,
    case_number,
    sequence_of,
)
from domain.errors import IllegalTransition, InvalidValue
from domain.events import CaseAnswered

pytestmark = pytest.mark.unit

AT = dt.datetime(2026, 6, 1, 9, 0, tzinfo=dt.UTC)
LATER = AT + dt.timedelta(hours=1)


def _case(**changes: object) -> InboxCase:
    case = InboxCase.opened(id="c1", number="2026-000001", department_id="d1",
                            procedure_id="contact", title="お問い合わせ", identity_id="i1",
                            answers=[("内容", "街灯が消えています")], photos=[], at=AT)
    case.pull_events()  # CaseOpened: its department's alert (tests/unit/test_inbox_operations.py)
    for name, value in changes.items():
        setattr(case, name, value)
    return case


def test_a_new_case_is_new_and_holds_the_residents_chat() -> None:
    case = _case()
    assert case.status is CaseStatus.NEW and case.holds_the_chat
    assert case.status.label == "新規"


def test_taking_a_new_case_starts_it_and_names_the_assignee() -> None:
    case = _case()
    case.assign("s1", LATER)
    assert case.status is CaseStatus.IN_PROGRESS and case.assignee_id == "s1"
    assert case.updated_at == LATER


def test_an_answer_makes_it_answered_and_the_chat_comes_back_to_it() -> None:
    case = _case(holds_the_chat=False)
    case.answered(LATER, entry_id="e1")
    assert case.status is CaseStatus.ANSWERED and case.holds_the_chat
    assert not case.resident_waiting
    assert case.pull_events() == [CaseAnswered(case_id="c1", entry_id="e1")]  # tell them


def test_the_resident_writing_back_puts_an_answered_case_in_progress_again() -> None:
    case = _case()
    case.answered(LATER, entry_id="e1")
    assert case.resident_wrote(LATER) is True  # told once
    assert case.resident_wrote(LATER) is False  # not again
    assert case.status is CaseStatus.IN_PROGRESS and case.resident_waiting


def test_after_a_reply_the_resident_is_told_once_again() -> None:
    case = _case()
    case.resident_wrote(LATER)
    case.answered(LATER, entry_id="e1")
    assert case.resident_wrote(LATER) is True


def test_a_closed_case_takes_no_reply_no_message_and_cannot_be_closed_twice() -> None:
    case = _case()
    case.close(LATER)
    assert case.status is CaseStatus.CLOSED and case.closed_at == LATER
    with pytest.raises(IllegalTransition, match="完了した案件には返信できません"):
        case.answered(LATER, entry_id="e1")
    with pytest.raises(IllegalTransition):
        case.resident_wrote(LATER)
    with pytest.raises(IllegalTransition, match="すでに完了"):
        case.close(LATER)
    with pytest.raises(IllegalTransition, match="担当者は変えられません"):
        case.assign("s1", LATER)


def test_a_closed_case_reopens_in_progress() -> None:
    case = _case()
    case.close(LATER)
    case.reopen(LATER)
    assert case.status is CaseStatus.IN_PROGRESS and case.closed_at is None


def test_only_a_new_case_can_be_started() -> None:
    case = _case()
    case.start(LATER)
    with pytest.raises(IllegalTransition, match="新規ではない"):
        case.start(LATER)


def test_the_number_is_the_year_and_six_digits() -> None:
    assert case_number(2026, 123) == "2026-000123"
    assert sequence_of("2026-000123") == 123
    with pytest.raises(InvalidValue, match="2026-000123"):
        sequence_of("26-1")


def test_a_note_or_reply_needs_text_within_the_limit() -> None:
    with pytest.raises(InvalidValue, match="内容を入力"):
        CaseEntry(id="e1", case_id="c1", kind=CaseEntryKind.NOTE, text="  ", at=AT)
    with pytest.raises(InvalidValue, match="2000文字"):
        CaseEntry(id="e1", case_id="c1", kind=CaseEntryKind.REPLY, text="あ" * 2001, at=AT)
    photo = CaseEntry(id="e1", case_id="c1", kind=CaseEntryKind.RESIDENT, text="", at=AT,
                      photo_ref="line:1")
    assert photo.text == ""  # a resident's photo needs no words


def test_a_department_needs_a_name_and_a_well_formed_alert_address() -> None:
    assert Department(id="d", name=" 環境課 ", alert_email="").alert_email is None
    with pytest.raises(InvalidValue, match="課の名前"):
        Department(id="d", name="  ")
    with pytest.raises(InvalidValue, match="メールアドレス"):
        Department(id="d", name="環境課", alert_email="not-an-address")


# -- routing ------------------------------------------------------------------------------------

TOWN = [Department(id="d-soumu", name="総務課"), Department(id="d-kankyo", name="環境課"),
        Department(id="d-kensetsu", name="建設課（道路・公園）")]


@pytest.mark.parametrize(("topic", "department"), [
    ("waste", "d-kankyo"),
    ("roads", "d-kensetsu"),
    ("other", "d-soumu"),  # not in the map: the default
    ("tax", "d-soumu"),  # in the map, but the town has no 税務課: the default
])
def test_an_inquiry_goes_to_the_department_of_its_topic(topic: str, department: str) -> None:
    routed = route_case("contact", {"topic": topic}, TOWN)
    assert routed is not None and routed.id == department


@pytest.mark.parametrize(("what", "department"), [
    ("road", "d-kensetsu"), ("street_light", "d-kensetsu"), ("fallen_tree", "d-kensetsu"),
    ("dumping", "d-kankyo"), ("other", "d-soumu"),
])
def test_a_report_goes_to_the_department_of_what_is_reported(what: str,
                                                              department: str) -> None:
    routed = route_case("report", {"what": what}, TOWN)
    assert routed is not None and routed.id == department


def test_without_the_default_department_the_first_by_name_takes_it() -> None:
    town = [Department(id="d-b", name="建設課"), Department(id="d-a", name="環境課")]
    routed = route_case("contact", {"topic": "other"}, town)
    assert routed is not None and routed.name == min("建設課", "環境課")


def test_a_town_without_departments_routes_to_none() -> None:
    assert route_case("contact", {"topic": "roads"}, []) is None


def test_a_procedure_with_its_own_route_follows_it() -> None:
    routes = [CaseRoute(procedure_id="report", default="環境課", answer_key="what",
                        by_value={"road": "建設課（道路・公園）"})]
    assert route_case("report", {"what": "road"}, TOWN, routes).id == "d-kensetsu"  # type: ignore[union-attr]
    assert route_case("report", {"what": "tree"}, TOWN, routes).id == "d-kankyo"  # type: ignore[union-attr]
