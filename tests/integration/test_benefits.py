"""Benefit programs on a real database (SQLite and PostgreSQL): every tap that must not count
changes nothing, the database keeps one application per household, a resumed campaign never
sends a second notice, and the eligibility import reports what it could not use."""

from __future__ import annotations

import datetime as dt
import functools
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select

from adapters.banks.zengin_master import ZenginBankMaster
from adapters.csv_io import CsvFile
from adapters.persistence.orm.messaging import outbox
from adapters.persistence.unit_of_work import SqlAlchemyUnitOfWork, session_factory
from application.benefits.account_dialog import BENEFIT_ACCOUNT
from application.benefits.answering_notice import NOT_FOR_YOU, answer_notice
from application.benefits.checking_account import check_account
from application.benefits.deciding_applications import DecideApplications, decide_applications
from application.benefits.entering_account import finish_account_dialog
from application.benefits.entering_paper_application import (
    EnterPaperApplication,
    enter_paper_application,
)
from application.benefits.importing_eligibility import (
    COLUMNS,
    ImportEligibility,
    import_eligibility,
)
from application.benefits.notices import NoticeTap
from application.benefits.reach import split
from application.benefits.sending_campaign import preview_campaign, send_campaign
from application.conversations.engine import ConversationEngine
from application.messaging.telling import ContactPolicy, Telling
from application.ports.messaging import OutgoingMessage
from application.ports.unit_of_work import ConcurrentUpdate, DuplicateError
from domain.benefits import Application, ApplicationStatus, ProgramStatus
from domain.channels import ChannelIdentity
from domain.eligibility import EligibleHousehold
from domain.errors import DomainError
from domain.residents import Verification
from tests import builders
from tests.fakes import FakeClock, SequentialIds, message_bus_on

pytestmark = pytest.mark.integration

NOW = dt.datetime(2026, 6, 10, 9, 0, tzinfo=dt.UTC)


@pytest.fixture
def town(engine: Engine) -> Town:
    return Town(engine)


class Town:
    """Four households: h1 and h2 have verified heads on LINE, h3's head is not verified, h4 is
    not on the program's list. The program is open."""

    def __init__(self, engine: Engine) -> None:
        self.sessions = session_factory(engine)
        self.clock = FakeClock(NOW)
        self.ids = SequentialIds("x")
        self.banks = ZenginBankMaster()
        self.engine = ConversationEngine({BENEFIT_ACCOUNT.id: BENEFIT_ACCOUNT}, self.clock,
                                         self.banks)
        with self.uow() as uow:
            uow.programs.add(builders.program())
            for n in range(1, 5):
                resident = builders.resident(id=f"r{n}", resident_number=f"00000000{n}",
                                             household_number=f"H000{n}")
                if n in (1, 2, 4):
                    resident.verify(resident.facts, Verification(
                        subject=f"s{n}", provider="dev", assurance="card", verified_at=NOW))
                uow.residents.add(resident)
                uow.households.add(builders.household(id=f"h{n}", household_number=f"H000{n}",
                                                      head_resident_id=f"r{n}"))
            uow.commit()
        with self.uow() as uow:
            for n in range(1, 5):
                identity = ChannelIdentity.first_seen(id=f"i{n}", channel="line",
                                                      address=f"U{n:032d}", at=NOW)
                identity.link(f"r{n}")
                uow.channel_identities.add(identity)
            uow.commit()
        with self.uow() as uow:
            for n in (1, 2, 3):
                uow.eligibility.add(EligibleHousehold(id=f"e{n}", program_id="p1",
                                                      household_id=f"h{n}", added_at=NOW))
            uow.commit()

    def uow(self) -> SqlAlchemyUnitOfWork:
        return SqlAlchemyUnitOfWork(self.sessions, message_bus_on(ids=self.ids, clock=self.clock,
                                                                  banks=self.banks))

    def send(self) -> dict[str, object]:
        return send_campaign("p1", uow_factory=self.uow, ids=self.ids, clock=self.clock,
                             banks=self.banks, policy=ContactPolicy(), wake=lambda: None)

    def tap(self, application_id: str, answer: str, identity_id: str = "i1") -> str:
        with self.uow() as uow:
            identity = uow.channel_identities.get(identity_id)

            def start(procedure_id: str, conversation_id: str) -> list[OutgoingMessage]:
                """As the inbound router starts a dialog: what was open ends."""
                turn = self.engine.start(conversation_id, identity.id, procedure_id)
                current = uow.conversations.current_for(identity.id)
                if current is not None:
                    current.cancel(now=self.clock.now())
                uow.conversations.add(turn.conversation)
                return list(turn.messages)

            messages = answer_notice(NoticeTap(application_id, answer), identity, uow=uow,
                                     ids=self.ids, now=self.clock.now(), start=start)
            uow.commit()
        return "\n".join(m.text for m in messages)

    def application(self, household_id: str = "h1") -> Application:
        with self.uow() as uow:
            found = uow.applications.get_for("p1", household_id)
            assert found is not None
            return found

    def outbox_count(self) -> int:
        with self.uow() as uow:
            return sum(uow.queries.messages.outbox_counts().values())


def test_a_campaign_notifies_each_reachable_household_once_even_when_run_again(
        town: Town) -> None:
    preview = preview_campaign("p1", uow=town.uow(), clock=town.clock, banks=town.banks,
                               policy=ContactPolicy())
    assert (preview.recipients, preview.postal) == (2, 1)
    assert town.send()["sent"] == 2
    again = town.send()
    assert (again["sent"], again["already_notified"], again["postal"]) == (0, 2, 1)
    assert town.outbox_count() == 2


def test_a_campaign_page_that_meets_a_concurrent_change_is_read_and_sent_again(
        town: Town) -> None:
    """A page's commit can meet a row changed meanwhile (a provider's report shutting an
    address the page read): the job reads the page again instead of failing."""
    first = True

    def conflicting() -> SqlAlchemyUnitOfWork:
        uow = town.uow()
        commit = uow.commit

        def once() -> None:
            nonlocal first
            if first and uow.session is not None and uow.session.scalar(
                    select(func.count()).select_from(outbox)):  # a page's commit
                first = False
                raise ConcurrentUpdate("a status callback changed a row this page read")
            commit()
        uow.commit = once  # type: ignore[method-assign]
        return uow

    sent = send_campaign("p1", uow_factory=conflicting, ids=town.ids, clock=town.clock,
                         banks=town.banks, policy=ContactPolicy(), wake=lambda: None)

    assert (sent["sent"], first) == (2, False)
    assert town.outbox_count() == 2


def test_the_town_s_ladder_of_channels_decides_who_a_campaign_reaches(town: Town) -> None:
    # The same ladder telling follows: a channel nobody follows on reaches nobody; one after it
    # on the ladder still reaches those it reaches (each head once, on the first that does).
    for ladder, reached in ((("sms",), 0), (("sms", "line"), 2), (("line", "sms"), 2)):
        policy = ContactPolicy(ladder)
        preview = preview_campaign("p1", uow=town.uow(), clock=town.clock, banks=town.banks,
                                   policy=policy)
        assert (preview.recipients, preview.postal) == (reached, 3 - reached), ladder
        assert split("p1", uow=town.uow(), policy=policy).to_json() == {
            "eligible": 3, "notified": 0, "applied": 0, "to_notify": reached,
            "postal": 3 - reached, "reachable": reached}, ladder
    assert town.outbox_count() == 0


def test_the_database_refuses_a_second_application_for_a_household(town: Town) -> None:
    town.send()
    with town.uow() as uow:
        program = uow.programs.get("p1")
        uow.applications.add(Application.notify(id="dup", program=program, household_id="h1",
                                                at=NOW))
        with pytest.raises(DuplicateError):
            uow.commit()


def test_yes_confirms_once_and_a_second_tap_changes_nothing(town: Town) -> None:
    town.send()
    first = town.application()
    # No account on file: はい opens the account dialog instead of applying blind.
    assert "金融機関" in town.tap(first.id, "yes")
    with town.uow() as uow:
        program = uow.programs.get("p1")
        application = uow.applications.get(first.id)
        application.confirm(program=program, at=NOW, payout_method=builders.PayoutMethod.ATM_CASH,
                            payee_account=None)
        uow.commit()
    assert "すでに受け付けています" in town.tap(first.id, "yes")
    assert "すでに受け付けています" in town.tap(first.id, "no")
    assert town.application().status is ApplicationStatus.CONFIRMED


def test_two_taps_racing_each_other_are_settled_by_the_version_one_wins(town: Town) -> None:
    town.send()
    application_id = town.application().id
    first, second = town.uow(), town.uow()
    with first, second:
        for uow in (first, second):
            uow.applications.get(application_id).decline(at=NOW)
        first.commit()
        with pytest.raises(ConcurrentUpdate):
            second.commit()


def test_the_already_applied_reply_gives_the_day_in_japan_time(town: Town) -> None:
    town.send()
    first = town.application()
    received = dt.datetime(2026, 6, 9, 16, 25, tzinfo=dt.UTC)  # 01:25 JST on 6/10
    with town.uow() as uow:
        application = uow.applications.get(first.id)
        application.confirm(program=uow.programs.get("p1"), at=received,
                            payout_method=builders.PayoutMethod.ATM_CASH, payee_account=None)
        uow.commit()

    reply = town.tap(first.id, "yes")

    assert "すでに受け付けています（6月10日受付）" in reply


@pytest.mark.parametrize(("change", "expected"), [
    (lambda p: p.withdraw(reason="予算不成立"), "取り下げられたため"),
    (lambda p: p.close(), "申請期間は終了しました"),
])
def test_a_tap_on_a_withdrawn_or_closed_program_is_answered_and_changes_nothing(
        town: Town, change: object, expected: str) -> None:
    town.send()
    application_id = town.application().id
    with town.uow() as uow:
        change(uow.programs.get("p1"))  # type: ignore[operator]
        uow.commit()
    assert expected in town.tap(application_id, "no")
    assert town.application().status is ApplicationStatus.NOTIFIED


def test_a_tap_after_the_window_closed_changes_nothing(town: Town) -> None:
    town.send()
    application_id = town.application().id
    town.clock.current = builders.CLOSES + dt.timedelta(minutes=1)
    assert "申請期間は終了しました" in town.tap(application_id, "no")
    assert town.application().status is ApplicationStatus.NOTIFIED


def test_someone_else_tapping_a_households_notice_changes_nothing(town: Town) -> None:
    town.send()
    application_id = town.application("h1").id
    assert town.tap(application_id, "no", identity_id="i2") == NOT_FOR_YOU
    assert town.tap(application_id, "no", identity_id="i3") == NOT_FOR_YOU  # not verified
    assert town.application("h1").status is ApplicationStatus.NOTIFIED


def test_a_household_taken_off_the_list_cannot_apply(town: Town, engine: Engine) -> None:
    town.send()
    application_id = town.application("h1").id
    with engine.begin() as connection:
        connection.exec_driver_sql("DELETE FROM eligible_households WHERE household_id = 'h1'")
    assert "対象ではありません" in town.tap(application_id, "no")


def test_an_unknown_notice_is_answered(town: Town) -> None:
    assert "見つかりませんでした" in town.tap("nothing", "yes")


def test_a_paper_form_is_refused_for_a_household_not_on_the_list_or_applied_already(
        town: Town) -> None:
    enter = functools.partial(enter_paper_application, uow=town.uow(), ids=town.ids,
                              clock=town.clock)

    def command(number: str) -> EnterPaperApplication:
        return EnterPaperApplication(program_id="p1", household_number=number,
                                     payout_method="atm_cash", actor=builders.actor())

    with pytest.raises(DomainError, match="対象世帯リストにありません"):
        enter(command("H0004"))
    with pytest.raises(DomainError, match="住民基本台帳にありません"):
        enter(command("H9999"))
    enter(command("H0003"))
    with pytest.raises(DomainError, match="郵送で申請済み"):
        enter(command("H0003"))
    with pytest.raises(DomainError, match="口座番号"):
        enter_paper_application(EnterPaperApplication(
            program_id="p1", household_number="H0002", payout_method="bank_transfer",
            actor=builders.actor(), bank_code="0001", branch_code="001", account_number="12345678",
            holder_kana="ヤマダ"), uow=town.uow(), ids=town.ids, clock=town.clock)


def test_a_paper_form_reads_a_full_width_household_number_as_the_imports_do(
        town: Town) -> None:
    enter_paper_application(EnterPaperApplication(
        program_id="p1", household_number="Ｈ０００３", payout_method="atm_cash",
        actor=builders.actor()), uow=town.uow(), ids=town.ids, clock=town.clock)

    assert town.application("h3").channel == "postal"


def test_a_rejection_needs_a_reason_and_a_decided_application_is_reported_not_decided_again(
        town: Town) -> None:
    enter_paper_application(EnterPaperApplication(
        program_id="p1", household_number="H0003", payout_method="atm_cash",
        actor=builders.actor()),
        uow=town.uow(), ids=town.ids, clock=town.clock)
    application_id = town.application("h3").id
    decide = functools.partial(decide_applications, uow_factory=town.uow, clock=town.clock,
                               telling=Telling(ContactPolicy(), town.ids, town.clock))
    with pytest.raises(DomainError, match="理由"):
        decide(DecideApplications(program_id="p1", application_ids=(application_id,),
                                  approve=False, actor=builders.actor()))
    first = decide(DecideApplications(program_id="p1", application_ids=(application_id,),
                                      approve=True, actor=builders.actor()))
    # h3's head has not verified, but the LINE account linked to them is told (the one policy
    # for telling a resident: every household message goes to the head's linked channels)
    assert (first.decided, first.notified) == (1, 1)
    again = decide(DecideApplications(program_id="p1", application_ids=(application_id,),
                                      approve=False, actor=builders.actor(), reason="重複"))
    assert again.decided == 0 and "支給決定" in again.refused[0][1]
    assert town.application("h3").status is ApplicationStatus.APPROVED


def test_an_eligibility_file_with_errors_imports_nothing_and_names_the_rows(
        town: Town, tmp_path: Path) -> None:
    path = tmp_path / "list.csv"
    path.write_bytes("世帯番号,宛名番号,備考\r\nH0004,,\r\n,,番号なし\r\nH-0001,,\r\n,000000002,\r\n"
                     .encode("cp932"))
    rows = CsvFile(path, columns=COLUMNS)
    refused = import_eligibility(ImportEligibility(program_id="p1"), rows=rows,
                                 uow_factory=town.uow, ids=town.ids, clock=town.clock,
                                 policy=ContactPolicy())
    assert not refused.written
    assert [(e.row, e.column) for e in refused.errors] == [(3, None), (4, "世帯番号")]
    with town.uow() as uow:
        assert uow.queries.benefits.eligible_count("p1") == 3
    partial = import_eligibility(ImportEligibility(program_id="p1", mode="valid_rows"),
                                 rows=rows, uow_factory=town.uow, ids=town.ids,
                                 clock=town.clock, policy=ContactPolicy())
    assert (partial.added, partial.already, partial.error_count) == (1, 1, 2)
    assert partial.reach is not None and partial.reach.to_json() == {
        "eligible": 4, "notified": 0, "applied": 0, "to_notify": 3, "postal": 1,
        "reachable": 3}


def test_full_width_numbers_in_an_eligibility_file_are_read_as_the_registry_reads_them(
        town: Town, tmp_path: Path) -> None:
    path = tmp_path / "list.csv"
    path.write_bytes("世帯番号,宛名番号\r\nＨ０００４,\r\n,００００００００２\r\n".encode("cp932"))

    report = import_eligibility(ImportEligibility(program_id="p1"),
                                rows=CsvFile(path, columns=COLUMNS), uow_factory=town.uow,
                                ids=town.ids, clock=town.clock, policy=ContactPolicy())

    assert list(report.errors) == [] and list(report.unknown) == []
    assert report.written and (report.added, report.already) == (1, 1)
    with town.uow() as uow:
        assert uow.queries.benefits.eligible_count("p1") == 4


def test_a_refused_file_s_check_also_lists_every_number_the_registry_does_not_know(
        town: Town, tmp_path: Path) -> None:
    path = tmp_path / "list.csv"
    path.write_bytes("世帯番号,宛名番号\r\nH9998,\r\nH-1,\r\nH0004,\r\n,999999999\r\nH9999,\r\n"
                     .encode("cp932"))

    refused = import_eligibility(ImportEligibility(program_id="p1"),
                                 rows=CsvFile(path, columns=COLUMNS), uow_factory=town.uow,
                                 ids=town.ids, clock=town.clock, policy=ContactPolicy())

    assert not refused.written
    assert [(e.row, e.column) for e in refused.errors] == [(3, "世帯番号")]
    assert [(e.row, e.column) for e in refused.unknown] == [
        (2, "世帯番号"), (5, "宛名番号"), (6, "世帯番号")]
    assert refused.unknown_count == 3 and "住民基本台帳にない番号も3件" in refused.summary()
    with town.uow() as uow:
        assert uow.queries.benefits.eligible_count("p1") == 3  # nothing written


def test_a_withdrawn_program_takes_no_list(town: Town, tmp_path: Path) -> None:
    with town.uow() as uow:
        uow.programs.get("p1").withdraw(reason="予算不成立")
        uow.commit()
    path = tmp_path / "list.csv"
    path.write_text("世帯番号\nH0004\n")
    with pytest.raises(DomainError, match="取り下げ"):
        import_eligibility(ImportEligibility(program_id="p1"),
                           rows=CsvFile(path, columns=COLUMNS), uow_factory=town.uow,
                           ids=town.ids, clock=town.clock, policy=ContactPolicy())
    with town.uow() as uow:
        assert uow.programs.get("p1").status is ProgramStatus.WITHDRAWN


def test_after_a_failed_transfer_the_resident_registers_a_corrected_account(town: Town) -> None:
    town.send()
    application_id = town.application().id
    with town.uow() as uow:
        program = uow.programs.get("p1")
        application = uow.applications.get(application_id)
        application.confirm(program=program, at=NOW, payout_method=builders.PayoutMethod
                            .BANK_TRANSFER, payee_account=builders.account())
        application.approve(by="s1", at=NOW)
        application.mark_payment_failed()
        uow.commit()
    town.clock.current = builders.CLOSES + dt.timedelta(days=10)  # long after the window

    assert "振込不能" in town.tap(application_id, "yes")
    assert "金融機関" in town.tap(application_id, "other")
    conversation_id = town.application().account_conversation_id
    assert conversation_id is not None
    with town.uow() as uow:
        messages = finish_account_dialog(conversation_id, {
            "bank": "0001", "branch": "001", "account_type": "1", "number": "7777777",
            "holder": "ヤマダ タロウ", "passbook": "line:42"}, uow=uow, now=town.clock.now())
        uow.commit()
    assert "新しい振込先（＊＊＊＊777）を受け付けました" in messages[0].text
    corrected = town.application()
    assert corrected.status is ApplicationStatus.PAYMENT_FAILED
    assert corrected.payee_account.number == "7777777" and corrected.awaits_account_check
    check_account(application_id, actor=builders.actor(), uow=town.uow(), clock=town.clock)
    assert not town.application().awaits_account_check
