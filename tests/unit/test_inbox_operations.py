"""The inbox's operations (ADR 0047), on fakes: working days and 「滞留」, the department's alert
mail written to the outbox, retention of closed cases, and canned replies."""

from __future__ import annotations

import datetime as dt

import pytest

from adapters.calendars.office_calendar import JapaneseOfficeCalendar
from application.access.actor import Actor
from application.attachments import StoredAttachment
from application.cases.alerting import DepartmentAlert
from application.cases.erasing_expired_cases import EraseExpiredCases, erase_expired_cases
from application.cases.keeping_canned_replies import (
    AddCannedReply,
    DeleteCannedReply,
    add_canned_reply,
    canned_replies,
    delete_canned_reply,
)
from application.cases.untouched import is_untouched, untouched_before, working_days_between
from application.conversations.state import Conversation, ConversationStatus
from application.jobs.scheduled_work import run_scheduled_work
from application.messagebus import MessageBus
from application.messaging.codec import messages_from_json
from domain.canned_replies import MAX_CANNED_REPLIES
from domain.cases import ERASED_TEXT, CaseEntry, CaseEntryKind, CaseStatus, Department, InboxCase
from domain.errors import IllegalTransition, InvalidValue, NotAllowed
from domain.events import CaseOpened
from domain.places import Place
from domain.staff import Role
from domain.values import JST
from entrypoints.case_settings import case_settings
from tests.fakes import FakeClock, FakeDatabase, FakeUnitOfWork, SequentialIds

pytestmark = pytest.mark.unit

CALENDAR = JapaneseOfficeCalendar()
FRIDAY = dt.date(2026, 11, 27)
MONDAY, TUESDAY = dt.date(2026, 11, 30), dt.date(2026, 12, 1)
WORKER = Actor(id="s1", role=Role.CASE_WORKER, label="roads")
OTHER = Actor(id="s2", role=Role.CASE_WORKER, label="kankyo")
ADMIN = Actor(id="s9", role=Role.ADMINISTRATOR, label="admin")
IDS = SequentialIds("k")


def _at(day: dt.date, hour: int = 10) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), JST)


def _case(id_: str = "c1", *, at: dt.datetime | None = None, department: str | None = "d1",
          photos: tuple[str, ...] = ()) -> InboxCase:
    case = InboxCase.opened(id=id_, number=f"2026-{int(id_[1:]):06d}", department_id=department,
                            procedure_id="contact", title="お問い合わせ（道路・公園）",
                            identity_id="i1", answers=[("お名前", "山田 花子")],
                            photos=list(photos), at=at or _at(FRIDAY), resident_id="r1",
                            conversation_id=f"v{id_}")
    case.pull_events()
    return case


# -- working days and 「滞留」 ---------------------------------------------------------------------

def test_working_days_skip_the_weekend() -> None:
    assert working_days_between(FRIDAY, TUESDAY, CALENDAR) == 2  # Monday and Tuesday


def test_working_days_skip_national_holidays_and_the_year_end_closure() -> None:
    # 2026-11-03 文化の日 is a Tuesday; 12/29–1/3 the town hall is closed
    assert working_days_between(dt.date(2026, 11, 2), dt.date(2026, 11, 4), CALENDAR) == 1
    assert working_days_between(dt.date(2026, 12, 28), dt.date(2027, 1, 4), CALENDAR) == 1


def test_a_new_case_untouched_since_friday_is_flagged_on_tuesday_not_monday() -> None:
    case = _case(at=_at(FRIDAY, 16))
    assert not is_untouched(case, untouched_before(MONDAY, 2, CALENDAR))
    assert is_untouched(case, untouched_before(TUESDAY, 2, CALENDAR))


def test_a_case_touched_on_monday_is_not_flagged_on_tuesday() -> None:
    case = _case(at=_at(FRIDAY))
    case.assign("s1", _at(MONDAY, 9))
    assert not is_untouched(case, untouched_before(TUESDAY, 2, CALENDAR))


def test_a_holiday_does_not_count_as_a_day_the_case_waited() -> None:
    case = _case(at=_at(dt.date(2026, 11, 2)))  # Monday; Tuesday is 文化の日
    assert not is_untouched(case, untouched_before(dt.date(2026, 11, 4), 2, CALENDAR))
    assert is_untouched(case, untouched_before(dt.date(2026, 11, 5), 2, CALENDAR))


def test_an_answered_or_closed_case_waits_on_the_resident_and_is_never_flagged() -> None:
    answered, closed = _case("c1"), _case("c2")
    answered.answered(_at(FRIDAY, 11), entry_id="e1")
    closed.close(_at(FRIDAY, 11))
    cutoff = untouched_before(dt.date(2026, 12, 10), 2, CALENDAR)
    assert not is_untouched(answered, cutoff) and not is_untouched(closed, cutoff)


# -- the department's alert -----------------------------------------------------------------------

def _alerting() -> tuple[FakeDatabase, FakeClock]:
    clock = FakeClock(_at(FRIDAY))
    alert = DepartmentAlert(SequentialIds("m"), clock, procedure_titles={"contact": "お問い合わせ"},
                            case_url=lambda case_id: f"https://town.example/staff/cases/{case_id}")
    database = FakeDatabase(MessageBus({CaseOpened: [alert]}))
    with FakeUnitOfWork(database) as uow:
        uow.departments.add(Department(id="d1", name="建設課", alert_email="kensetsu@town.example"))
        uow.departments.add(Department(id="d2", name="環境課"))
        uow.commit()
    return database, clock


def _open(database: FakeDatabase, department: str | None) -> None:
    with FakeUnitOfWork(database) as uow:
        uow.cases.add(InboxCase.opened(
            id="c7", number="2026-000007", department_id=department, procedure_id="contact",
            title="お問い合わせ（道路・公園）", identity_id="i1", at=_at(FRIDAY),
            answers=[("お名前", "山田 花子"), ("内容", "本町2丁目の街灯")], photos=[]))
        uow.commit()


def test_opening_a_case_records_the_event_that_alerts_its_department() -> None:
    case = InboxCase.opened(id="c1", number="2026-000001", department_id="d1",
                            procedure_id="contact", title="お問い合わせ", identity_id="i1",
                            answers=[], photos=[], at=_at(FRIDAY))
    assert case.pull_events() == [CaseOpened(case_id="c1")]


def test_a_new_case_mails_its_department_the_number_procedure_and_link_only() -> None:
    database, _ = _alerting()
    _open(database, "d1")

    [mail] = database.tables["outbox"].values()
    assert (mail.channel, mail.recipient) == ("email", "kensetsu@town.example")
    [message] = messages_from_json(mail.payload["messages"])
    assert "2026-000007" in message.text and "お問い合わせ" in message.text
    assert "建設課" in message.text and "https://town.example/staff/cases/c7" in message.text
    assert "山田" not in message.text and "街灯" not in message.text  # nothing the resident wrote
    assert "道路・公園" not in message.text  # the procedure, not the resident's choice


def test_a_department_without_an_alert_address_or_no_department_gets_no_mail() -> None:
    database, _ = _alerting()
    _open(database, "d2")
    _open(database, None)
    assert database.tables["outbox"] == {}


# -- retention ------------------------------------------------------------------------------------

def _town_with_cases() -> tuple[FakeDatabase, FakeClock]:
    """c1 closed 400 days ago (with a photo, a thread and its conversation), c2 closed 10 days
    ago, c3 open for 500 days."""
    clock = FakeClock(_at(dt.date(2027, 12, 1)))
    database = FakeDatabase(MessageBus({}))
    long_ago = clock.now() - dt.timedelta(days=500)
    with FakeUnitOfWork(database) as uow:
        old, recent, open_ = (_case("c1", at=long_ago, photos=("line:p1",)),
                              _case("c2", at=long_ago), _case("c3", at=long_ago))
        old.close(clock.now() - dt.timedelta(days=400))
        recent.close(clock.now() - dt.timedelta(days=10))
        for case in (old, recent, open_):
            uow.cases.add(case)
        uow.case_entries.add(CaseEntry(id="e1", case_id="c1", kind=CaseEntryKind.RESIDENT,
                                       text="まだ暗いです", at=long_ago, photo_ref="line:p2"))
        uow.case_entries.add(CaseEntry(id="e2", case_id="c1", kind=CaseEntryKind.NOTE,
                                       text="山田さんに電話済み", at=long_ago, staff_id="s1"))
        for ref in ("line:p1", "line:p2", "line:other"):
            uow.attachments.add(StoredAttachment(id=ref, ref=ref, content_type="image/jpeg",
                                                 content=b"\xff\xd8", fetched_at=long_ago))
        conversation = Conversation.begin(id="vc1", identity_id="i1", procedure_id="contact",
                                          first_step="name", now=long_ago,
                                          ttl=dt.timedelta(hours=1))
        conversation.answers = {"name": "山田 花子"}
        conversation.status = ConversationStatus.COMPLETED
        uow.conversations.add(conversation)
        uow.commit()
    return database, clock


def test_only_cases_closed_longer_ago_than_the_period_are_erased() -> None:
    database, clock = _town_with_cases()
    erased = erase_expired_cases(EraseExpiredCases(retention_days=365),
                                 uow_factory=lambda: FakeUnitOfWork(database), clock=clock)

    assert (erased.cases, erased.photos) == (1, 2)
    cases = database.tables["cases"]
    old = cases["c1"]
    assert old.answers == [] and old.photos == [] and old.resident_id is None
    assert old.erased_at == clock.now() and old.conversation_id is None
    assert (old.number, old.department_id, old.procedure_id, old.status) == (
        "2026-000001", "d1", "contact", CaseStatus.CLOSED)  # the figures stay
    assert old.created_at is not None and old.closed_at is not None
    assert cases["c2"].answers and cases["c3"].answers  # too recent; still open
    entries = database.tables["case_entries"]
    assert {e.text for e in entries.values()} == {ERASED_TEXT}
    assert entries["e1"].photo_ref is None
    assert {a.ref for a in database.tables["attachments"].values()} == {"line:other"}
    assert database.tables["conversations"]["vc1"].answers == {}
    assert [(r.action, r.target_id) for r in database.tables["audit"].values()] == [
        ("case.erase", "c1")]


def test_a_dry_run_counts_and_changes_nothing_and_a_second_run_erases_nothing_more() -> None:
    database, clock = _town_with_cases()
    run = lambda **how: erase_expired_cases(  # noqa: E731
        EraseExpiredCases(retention_days=365, **how),
        uow_factory=lambda: FakeUnitOfWork(database), clock=clock)

    assert run(dry_run=True).cases == 1
    assert database.tables["cases"]["c1"].answers and database.tables["audit"] == {}
    assert run().cases == 1
    assert run().cases == 0


def test_the_scheduled_work_erases_cases_past_the_towns_retention() -> None:
    database, clock = _town_with_cases()
    run_scheduled_work(uow_factory=lambda: FakeUnitOfWork(database), queue=_NoQueue(),
                       ids=SequentialIds("j"), clock=clock, case_retention_days=365)
    assert database.tables["cases"]["c1"].erased_at == clock.now()
    assert database.tables["cases"]["c2"].erased_at is None


class _NoQueue:
    def enqueue(self, job_id: str) -> None:  # pragma: no cover - no job is due in this town
        raise AssertionError(job_id)


def test_retention_zero_keeps_every_case() -> None:
    database, clock = _town_with_cases()
    assert erase_expired_cases(EraseExpiredCases(retention_days=0),
                               uow_factory=lambda: FakeUnitOfWork(database),
                               clock=clock).cases == 0


def test_an_erased_case_cannot_be_reopened_or_erased_again() -> None:
    case = _case()
    case.close(_at(FRIDAY, 12))
    case.erase_personal_data(_at(TUESDAY))
    with pytest.raises(IllegalTransition):
        case.reopen(_at(TUESDAY))
    with pytest.raises(IllegalTransition):
        case.erase_personal_data(_at(TUESDAY))


def test_erasing_a_case_forgets_its_place_too() -> None:
    case = InboxCase.opened(id="c9", number="2026-000009", department_id="d1",
                            procedure_id="report", title="道路・公園などの通報",
                            identity_id="i1", answers=[("場所", "総社市中央一丁目")], photos=[],
                            at=_at(FRIDAY), place=Place.of(latitude=34.67, longitude=133.75))
    case.close(_at(FRIDAY, 12))
    assert case.has_point

    case.erase_personal_data(_at(TUESDAY))

    assert (case.latitude, case.longitude, case.answers) == (None, None, [])


def test_an_open_case_is_never_erased() -> None:
    with pytest.raises(IllegalTransition):
        _case().erase_personal_data(_at(TUESDAY))


# -- canned replies -------------------------------------------------------------------------------

def _departments() -> FakeDatabase:
    database = FakeDatabase(MessageBus({}))
    with FakeUnitOfWork(database) as uow:
        uow.departments.add(Department(id="d1", name="建設課"))
        uow.departments.add(Department(id="d2", name="環境課"))
        uow.departments.set_staff_departments("s1", ["d1"])
        uow.departments.set_staff_departments("s2", ["d2"])
        uow.commit()
    return database


def _add(database: FakeDatabase, actor: Actor, department: str = "d1", title: str = "修理予定",
         text: str = "ご連絡ありがとうございます。現地を確認して修理します。") -> str:
    return add_canned_reply(AddCannedReply(department_id=department, title=title, text=text,
                                           actor=actor),
                            uow=FakeUnitOfWork(database), ids=IDS, clock=FakeClock()).id


def test_a_member_keeps_their_departments_canned_replies_and_each_change_is_audited() -> None:
    database = _departments()
    reply_id = _add(database, WORKER)

    kept = canned_replies("d1", actor=WORKER, uow=FakeUnitOfWork(database))
    assert [(r.title, r.text) for r in kept.replies] == [
        ("修理予定", "ご連絡ありがとうございます。現地を確認して修理します。")]
    delete_canned_reply(DeleteCannedReply(reply_id=reply_id, actor=WORKER),
                        uow=FakeUnitOfWork(database), clock=FakeClock())
    assert canned_replies("d1", actor=WORKER, uow=FakeUnitOfWork(database)).replies == ()
    assert [r.action for r in database.tables["audit"].values()] == [
        "canned_reply.create", "canned_reply.delete"]


def test_another_departments_canned_replies_are_refused_and_unchanged() -> None:
    database = _departments()
    reply_id = _add(database, WORKER)
    with pytest.raises(NotAllowed, match="建設課"):
        _add(database, OTHER)
    with pytest.raises(NotAllowed):
        delete_canned_reply(DeleteCannedReply(reply_id=reply_id, actor=OTHER),
                            uow=FakeUnitOfWork(database), clock=FakeClock())
    with pytest.raises(NotAllowed):
        canned_replies("d1", actor=OTHER, uow=FakeUnitOfWork(database))
    assert len(database.tables["canned_replies"]) == 1


def test_an_administrator_keeps_any_departments_canned_replies() -> None:
    database = _departments()
    _add(database, ADMIN, department="d2")
    assert len(canned_replies("d2", actor=ADMIN, uow=FakeUnitOfWork(database)).replies) == 1


@pytest.mark.parametrize(("title", "text"), [("", "本文"), ("名前", "  "), ("x" * 41, "本文"),
                                             ("名前", "x" * 2001)])
def test_a_canned_reply_needs_a_short_title_and_a_text(title: str, text: str) -> None:
    database = _departments()
    with pytest.raises(InvalidValue):
        _add(database, WORKER, title=title, text=text)
    assert database.tables["canned_replies"] == {} and database.tables["audit"] == {}


def test_a_department_keeps_a_short_list() -> None:
    database = _departments()
    for number in range(MAX_CANNED_REPLIES):
        _add(database, WORKER, title=f"定型文{number}")
    with pytest.raises(InvalidValue, match="件まで"):
        _add(database, WORKER, title="もう一つ")


# -- settings -------------------------------------------------------------------------------------

def test_the_settings_default_to_two_working_days_and_a_year() -> None:
    assert case_settings({}) == {"case_untouched_days": 2, "case_retention_days": 365}
    assert case_settings({"MADOGUCHI_CASE_RETENTION_DAYS": "0"})["case_retention_days"] == 0


@pytest.mark.parametrize("env", [{"MADOGUCHI_CASE_UNTOUCHED_DAYS": "0"},
                                 {"MADOGUCHI_CASE_UNTOUCHED_DAYS": "two"},
                                 {"MADOGUCHI_CASE_RETENTION_DAYS": "-1"}])
def test_a_setting_that_is_not_a_whole_number_in_range_is_refused(env: dict[str, str]) -> None:
    with pytest.raises(ValueError, match=next(iter(env))):
        case_settings(env)
