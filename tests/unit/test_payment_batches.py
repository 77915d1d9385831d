"""Payment batches against in-memory fakes: control totals, the two-person rule, business days,
export once, results, the ledger."""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest

from adapters.banks.bank_calendar import JapaneseBankCalendar
from adapters.banks.zengin_reading import ZenginResultReader, read_transfer_file
from adapters.banks.zengin_transfer import ZenginTransferWriter
from application.benefits.checking_account import check_account
from application.disbursements.approving_batch import ApproveBatch, approve_batch
from application.disbursements.cancelling_batch import CancelBatch, cancel_batch
from application.disbursements.checking_ledger import check_ledger
from application.disbursements.creating_batch import CreateBatch, create_batch
from application.disbursements.exporting_batch import ExportBatch, ExportRefused, export_batch
from application.disbursements.importing_results import (
    ImportResults,
    ResultsRefused,
    import_results,
)
from application.disbursements.repaying_application import RepayApplication, repay_application
from application.messagebus import MessageBus
from application.messaging.telling import ContactPolicy, Telling
from application.ports.payouts import TransferResult
from domain.batches import BatchState
from domain.benefits import ApplicationStatus
from domain.disbursements import DisbursementStatus
from domain.errors import IllegalTransition, InvalidValue, NotAllowed
from domain.values import BankAccount
from tests.fakes import FakeClock, FakeDatabase, FakeUnitOfWork, SequentialIds, message_bus_on
from tests.support.payments import (
    APPROVER,
    SECOND_APPROVER,
    VIEWER,
    WORKER,
    approved_town,
)
from tests.support.zengin import ORIGINATOR, master

pytestmark = pytest.mark.unit

CALENDAR = JapaneseBankCalendar()
WRITER = ZenginTransferWriter(master())


class Town:
    def __init__(self, households: int = 3) -> None:
        self.ids = SequentialIds("x")
        self.clock = FakeClock()
        self.telling = Telling(ContactPolicy(), self.ids, self.clock)
        # The approvals are the town's starting state, not something the tests do: no notices.
        self.database = FakeDatabase(MessageBus({}))
        with self.uow() as uow:
            approved_town(uow, households=households)
            uow.commit()
        self.database.bus = message_bus_on(ids=self.ids, clock=self.clock)

    def uow(self) -> FakeUnitOfWork:
        return FakeUnitOfWork(self.database)

    def create(self, actor=WORKER, **kwargs):  # type: ignore[no-untyped-def]
        command = CreateBatch(program_id="p1", method="bank_transfer", actor=actor, **kwargs)
        return create_batch(command, uow=self.uow(), ids=self.ids, clock=self.clock,
                            calendar=CALENDAR)

    def approve(self, batch_id: str, actor=APPROVER):  # type: ignore[no-untyped-def]
        return approve_batch(ApproveBatch(batch_id=batch_id, actor=actor), uow=self.uow(),
                             ids=self.ids, clock=self.clock)

    def export(self, batch_id: str, ending: str = "crlf") -> tuple[bytes, object]:
        out = io.BytesIO()
        result = export_batch(ExportBatch(batch_id=batch_id, actor=WORKER, line_ending=ending),
                              uow=self.uow(), ids=self.ids, clock=self.clock, writer=WRITER,
                              originator=ORIGINATOR, out=out)
        return out.getvalue(), result

    def results(self, batch_id: str, results: list[TransferResult], *,
                settle_unlisted: bool = False):  # type: ignore[no-untyped-def]
        return import_results(ImportResults(batch_id=batch_id, actor=WORKER,
                                            settle_unlisted=settle_unlisted), results,
                              uow=self.uow(), ids=self.ids, clock=self.clock,
                              telling=self.telling)

    def disbursements(self) -> list:  # type: ignore[type-arg]
        return sorted(self.database.tables["disbursements"].values(), key=lambda d: d.id)

    def batch(self, batch_id: str):  # type: ignore[no-untyped-def]
        return self.database.tables["batches"][batch_id]


def _csv(text: str) -> list[TransferResult]:
    return list(ZenginResultReader().read(io.BytesIO(text.encode()), kind="csv"))


def test_a_batch_gathers_the_approved_applications_with_control_totals() -> None:
    town = Town(households=3)

    batch = town.create()

    assert (batch.count, batch.total.yen, batch.state) == (3, 210_000, BatchState.DRAFT)
    assert batch.number == 1
    assert batch.transfer_date == dt.date(2026, 6, 3)  # two days on, a Wednesday
    assert {d.status for d in town.disbursements()} == {DisbursementStatus.BATCHED}
    assert [e.action for e in town.database.tables["payment_audit"].values()] == ["created"]


def test_the_batch_trail_says_its_total_and_transfer_date_as_pages_do() -> None:
    town = Town(households=3)

    batch = town.create(transfer_date=dt.date(2026, 6, 5))
    town.approve(batch.id)
    town.export(batch.id)

    made, approved, exported = town.database.tables["payment_audit"].values()
    assert made.detail == "3件 210,000円 振込指定日 2026年6月5日"  # not 210000円, 2026-06-05
    assert approved.detail == "3件 210,000円"
    assert exported.detail.startswith("3件 210,000円 ファイルの照合値（SHA-256） ")


def test_nothing_left_to_pay_makes_no_batch() -> None:
    town = Town()
    town.create()
    with pytest.raises(InvalidValue):
        town.create()


def test_whoever_made_the_batch_cannot_approve_it() -> None:
    town = Town()
    batch = town.create(actor=APPROVER)

    with pytest.raises(IllegalTransition) as error:
        town.approve(batch.id, actor=APPROVER)
    assert "作成した職員" in error.value.message
    assert town.batch(batch.id).state is BatchState.DRAFT

    approved = town.approve(batch.id, actor=SECOND_APPROVER)
    assert (approved.state, approved.approved_by) == (BatchState.APPROVED, SECOND_APPROVER.id)


def test_a_case_worker_cannot_approve_and_a_viewer_cannot_create() -> None:
    town = Town()
    batch = town.create()
    with pytest.raises(NotAllowed):
        town.approve(batch.id, actor=WORKER)
    with pytest.raises(NotAllowed):
        town.create(actor=VIEWER)


@pytest.mark.parametrize(("day", "next_day"), [
    (dt.date(2026, 6, 6), dt.date(2026, 6, 8)),  # Saturday
    (dt.date(2026, 7, 20), dt.date(2026, 7, 21)),  # 海の日
    (dt.date(2026, 12, 31), dt.date(2027, 1, 4)),  # the banks' year end
    (dt.date(2027, 1, 3), dt.date(2027, 1, 4)),
    (dt.date(2026, 9, 22), dt.date(2026, 9, 24)),  # 国民の休日 then 秋分の日
])
def test_the_transfer_date_must_be_a_bank_business_day(day: dt.date, next_day: dt.date) -> None:
    town = Town()
    with pytest.raises(InvalidValue) as error:
        town.create(transfer_date=day)
    assert f"{next_day.year}年{next_day.month}月{next_day.day}日" in error.value.message  # house
    assert not re.search(r"月0\d日|年0\d月", error.value.message)  # format, never 01月04日
    assert town.database.tables["batches"] == {}
    assert CALENDAR.next_business_day(day) == next_day


def test_the_transfer_date_is_compared_with_the_day_in_japan() -> None:
    town = Town()
    town.clock.current = dt.datetime(2026, 6, 8, 23, 30, tzinfo=dt.UTC)  # 8:30 on 6/9 in Japan
    with pytest.raises(InvalidValue, match="過去の日付"):
        town.create(transfer_date=dt.date(2026, 6, 8))  # yesterday in Japan, today in UTC
    assert town.create(transfer_date=dt.date(2026, 6, 9)).transfer_date == dt.date(2026, 6, 9)


def test_a_draft_batch_cannot_be_exported() -> None:
    town = Town()
    batch = town.create()
    with pytest.raises(IllegalTransition):
        town.export(batch.id)


def test_exporting_twice_gives_the_same_bytes_and_pays_nobody_twice() -> None:
    town = Town()
    batch = town.approve(town.create().id)

    first, result = town.export(batch.id)
    again, second = town.export(batch.id)
    unbroken, _ = town.export(batch.id, ending="none")

    assert first == again
    assert unbroken == first.replace(b"\r\n", b"")
    assert (result.first, second.first) == (True, False)
    assert town.batch(batch.id).state is BatchState.EXPORTED
    assert {d.status for d in town.disbursements()} == {DisbursementStatus.EXPORTED}
    assert len(town.disbursements()) == 3
    assert [e.action for e in town.database.tables["payment_audit"].values()] == [
        "created", "approved", "exported", "re_exported", "re_exported"]
    assert sum(1 for r in read_transfer_file(io.BytesIO(first))) == 6
    chained = [(r.actor_id, r.action, r.target_id)
               for r in town.database.tables["audit"].values()]
    assert chained[:3] == [(WORKER.id, "payment_batch.created", batch.id),
                           (APPROVER.id, "payment_batch.approved", batch.id),
                           (WORKER.id, "payment_batch.exported", batch.id)]


def test_a_re_export_uses_the_originator_of_the_first_file() -> None:
    from attrs import evolve

    town = Town()
    batch = town.approve(town.create().id)
    first, _ = town.export(batch.id)
    out = io.BytesIO()
    export_batch(ExportBatch(batch_id=batch.id, actor=WORKER), uow=town.uow(), ids=town.ids,
                 clock=town.clock, writer=WRITER, originator=evolve(ORIGINATOR, code="9999999999"),
                 out=out)
    assert out.getvalue() == first


def test_a_payee_the_file_cannot_carry_stops_the_export_and_changes_nothing() -> None:
    town = Town()
    batch = town.approve(town.create().id)
    with town.uow() as uow:
        uow.disbursements.get("x000002").payee_account = BankAccount.of(
            bank_code="0123", branch_code="001", account_type="1", number="1", holder="ｱ")
        uow.commit()

    out = io.BytesIO()
    with pytest.raises(ExportRefused) as error:
        export_batch(ExportBatch(batch_id=batch.id, actor=WORKER), uow=town.uow(),
                     ids=town.ids, clock=town.clock, writer=WRITER, originator=ORIGINATOR,
                     out=out)

    assert [(p.reference, p.payee) for p in error.value.problems] == [("x000002", "ｱ")]
    assert out.getvalue() == b""
    assert town.batch(batch.id).state is BatchState.APPROVED


def test_changed_amounts_no_longer_match_the_approved_totals() -> None:
    from domain.values import Money

    town = Town()
    batch = town.approve(town.create().id)
    with town.uow() as uow:
        uow.disbursements.get("x000001").amount = Money(1)
        uow.commit()
    with pytest.raises(Exception, match="一致しません"):
        town.export(batch.id)
    assert town.batch(batch.id).state is BatchState.APPROVED


def test_a_batch_can_be_cancelled_before_export_and_its_payments_batched_again() -> None:
    town = Town()
    batch = town.approve(town.create().id)

    cancel_batch(CancelBatch(batch_id=batch.id, actor=WORKER, reason="振込日の変更"),
                 uow=town.uow(), ids=town.ids, clock=town.clock)

    assert town.batch(batch.id).state is BatchState.CANCELLED
    assert {d.status for d in town.disbursements()} == {DisbursementStatus.PENDING}
    again = town.create()
    assert (again.count, again.number) == (3, 2)
    assert len(town.disbursements()) == 3


def test_an_exported_batch_cannot_be_cancelled() -> None:
    town = Town()
    batch = town.approve(town.create().id)
    town.export(batch.id)
    with pytest.raises(IllegalTransition):
        cancel_batch(CancelBatch(batch_id=batch.id, actor=WORKER, reason="x"),
                     uow=town.uow(), ids=town.ids, clock=town.clock)


def test_results_settle_and_fail_payments_and_ask_the_resident_for_a_new_account() -> None:
    town = Town()
    batch = town.approve(town.create().id)
    town.export(batch.id)

    report = town.results(batch.id, _csv("record,status,reason\n1,完了,\n2,不能,口座なし\n"
                                         "3,完了,\n"))

    assert (report.settled, report.failed, report.notified) == (2, 1, 1)
    assert town.batch(batch.id).state is BatchState.PARTLY_FAILED
    statuses = [(d.application_id, d.status, d.failure_reason) for d in town.disbursements()]
    assert statuses == [("a1", DisbursementStatus.SETTLED, ""),
                        ("a2", DisbursementStatus.FAILED, "口座なし"),
                        ("a3", DisbursementStatus.SETTLED, "")]
    applications = town.database.tables["applications"]
    assert [applications[f"a{n}"].status for n in (1, 2, 3)] == [
        ApplicationStatus.PAID, ApplicationStatus.PAYMENT_FAILED, ApplicationStatus.PAID]
    [message] = town.database.tables["outbox"].values()
    assert message.recipient == "U2"
    assert "口座なし" in message.payload["messages"][0]["text"]
    assert check_ledger("p1", uow=town.uow()).balanced


def test_a_returned_transfer_list_fails_those_named_and_settles_the_rest() -> None:
    town = Town()
    batch = town.approve(town.create().id)
    town.export(batch.id)
    returned = list(ZenginResultReader().read(
        io.BytesIO("record,reason\nx000003,名義相違\n".encode("cp932")), kind="returned"))

    report = town.results(batch.id, returned, settle_unlisted=True)

    assert (report.settled, report.failed) == (2, 1)
    assert town.batch(batch.id).state is BatchState.PARTLY_FAILED
    assert [d.status for d in town.disbursements()] == [
        DisbursementStatus.SETTLED, DisbursementStatus.SETTLED, DisbursementStatus.FAILED]


def test_all_settled_settles_the_batch_and_importing_again_changes_nothing() -> None:
    town = Town()
    batch = town.approve(town.create().id)
    town.export(batch.id)
    town.results(batch.id, [], settle_unlisted=True)
    assert town.batch(batch.id).state is BatchState.SETTLED

    report = town.results(batch.id, _csv("record,status\n1,完了\n2,完了\n3,完了\n"))
    assert (report.settled, report.failed, report.unchanged) == (0, 0, 3)
    assert town.batch(batch.id).state is BatchState.SETTLED


@pytest.mark.parametrize("rows", [
    "record,status,reason\n1,完了,\n4,不能,口座なし\n",  # no 4th record in this batch
    "record,status,reason\n1,完了,\nzzz,不能,口座なし\n",  # no such disbursement
    "record,status,reason\n1,完了,\n1,不能,口座なし\n",  # the same record twice, two outcomes
])
def test_a_result_naming_unknown_records_is_refused_whole(rows: str) -> None:
    town = Town()
    batch = town.approve(town.create().id)
    town.export(batch.id)

    with pytest.raises(ResultsRefused):
        town.results(batch.id, _csv(rows))

    assert {d.status for d in town.disbursements()} == {DisbursementStatus.EXPORTED}
    assert town.database.tables["outbox"] == {}


def test_a_bank_result_file_of_another_batch_is_refused() -> None:
    town = Town()
    batch = town.approve(town.create().id)
    data, _ = town.export(batch.id)
    other = data.replace(b"00000000010000000001", b"00000000020000000001").replace(
        b"7        \r\n", b"7       0\r\n")
    with pytest.raises(ResultsRefused, match="別のバッチ"):
        town.results(batch.id, list(ZenginResultReader().read(io.BytesIO(other),
                                                               kind="zengin")))


def test_the_bank_result_file_carries_a_code_per_record() -> None:
    town = Town()
    batch = town.approve(town.create().id)
    data, _ = town.export(batch.id)
    records = [bytearray(data[i:i + 122]) for i in range(0, len(data), 122)]
    records[1][119:120] = b"0"
    records[2][119:120] = b"1"
    records[3][119:120] = b"0"

    report = town.results(batch.id, list(ZenginResultReader().read(
        io.BytesIO(b"".join(records)), kind="zengin")))

    assert (report.settled, report.failed) == (2, 1)
    assert report.failures == (("x000002", "該当口座なし"),)


def test_a_failed_payment_is_paid_again_in_a_new_batch_with_the_corrected_account() -> None:
    town = Town()
    batch = town.approve(town.create().id)
    town.export(batch.id)
    town.results(batch.id, _csv("record,status,reason\n2,不能,口座なし\n"),
                 settle_unlisted=True)
    corrected = BankAccount.of(bank_code="0009", branch_code="001", account_type="1",
                               number="1111111", holder="ヤマダ ハナコ")

    kept = repay_application(RepayApplication(application_id="a2", actor=WORKER,
                                              account=corrected),
                             uow=town.uow(), ids=town.ids, clock=town.clock)
    check_account("a2", actor=APPROVER, uow=town.uow(), clock=town.clock)
    repayment = repay_application(RepayApplication(application_id="a2", actor=WORKER,
                                                   account=None),
                                  uow=town.uow(), ids=town.ids, clock=town.clock)
    with pytest.raises(IllegalTransition):
        repay_application(RepayApplication(application_id="a2", actor=WORKER, account=None),
                          uow=town.uow(), ids=town.ids, clock=town.clock)
    assert kept is None and repayment is not None
    assert town.database.tables["disbursements"][repayment.id].payee_account == corrected
    second = town.approve(town.create().id)
    ledger = check_ledger("p1", uow=town.uow())

    assert (second.count, second.total.yen, second.number) == (1, 70_000, 2)
    assert town.database.tables["disbursements"][repayment.id].batch_id == second.id
    assert (ledger.paid.yen, ledger.failed.yen, ledger.pending.yen) == (140_000, 0, 70_000)
    assert ledger.balanced

    town.export(second.id)
    town.results(second.id, [], settle_unlisted=True)
    ledger = check_ledger("p1", uow=town.uow())
    assert (ledger.approved.yen, ledger.paid.yen, ledger.balanced) == (210_000, 210_000, True)
    assert town.database.tables["applications"]["a2"].status is ApplicationStatus.PAID


def _failed_second_payment(town: Town) -> None:
    batch = town.approve(town.create().id)
    town.export(batch.id)
    town.results(batch.id, _csv("record,status,reason\n2,不能,口座なし\n"),
                 settle_unlisted=True)


def test_a_typed_account_is_not_paid_until_another_staff_member_checks_it() -> None:
    town = Town()
    _failed_second_payment(town)
    typo = BankAccount.of(bank_code="0009", branch_code="001", account_type="1",
                          number="1111112", holder="ヤマダ ハナコ")

    kept = repay_application(RepayApplication(application_id="a2", actor=WORKER, account=typo),
                             uow=town.uow(), ids=town.ids, clock=town.clock)
    with pytest.raises(IllegalTransition) as not_checked:
        repay_application(RepayApplication(application_id="a2", actor=WORKER, account=None),
                          uow=town.uow(), ids=town.ids, clock=town.clock)
    with pytest.raises(IllegalTransition) as same_staff:
        check_account("a2", actor=WORKER, uow=town.uow(), clock=town.clock)

    assert kept is None
    assert not_checked.value.code == "account_not_checked"
    assert same_staff.value.code == "same_staff"
    assert [d for d in town.database.tables["disbursements"].values()
            if d.application_id == "a2" and d.status is DisbursementStatus.PENDING] == []
    application = town.database.tables["applications"]["a2"]
    assert application.payee_account == typo and application.awaits_account_check


def test_a_re_sent_account_is_paid_again_in_one_action_once_its_photo_is_checked() -> None:
    town = Town()
    _failed_second_payment(town)
    re_sent = BankAccount.of(bank_code="0005", branch_code="001", account_type="1",
                             number="7654321", holder="ヤマダ ハナコ")
    with town.uow() as uow:  # the resident re-sent the account with a photo in the chat
        uow.applications.get("a2").correct_account(account=re_sent, passbook_photo="photo-1")
        uow.commit()
    with pytest.raises(IllegalTransition):
        repay_application(RepayApplication(application_id="a2", actor=WORKER, account=None),
                          uow=town.uow(), ids=town.ids, clock=town.clock)

    check_account("a2", actor=WORKER, uow=town.uow(), clock=town.clock)
    repayment = repay_application(RepayApplication(application_id="a2", actor=WORKER,
                                                   account=None),
                                  uow=town.uow(), ids=town.ids, clock=town.clock)

    assert repayment is not None and repayment.payee_account == re_sent


def test_approval_is_refused_when_the_batch_is_not_what_the_approver_saw() -> None:
    town = Town()
    batch = town.create()

    with pytest.raises(IllegalTransition) as changed:
        approve_batch(ApproveBatch(batch_id=batch.id, actor=APPROVER, shown_count=batch.count,
                                   shown_total_yen=batch.total.yen - 70_000),
                      uow=town.uow(), ids=town.ids, clock=town.clock)
    approved = approve_batch(ApproveBatch(batch_id=batch.id, actor=APPROVER,
                                          shown_count=batch.count,
                                          shown_total_yen=batch.total.yen),
                             uow=town.uow(), ids=town.ids, clock=town.clock)

    assert changed.value.code == "batch_changed"
    assert "ページを読み込み直し" in changed.value.message
    assert approved.state is BatchState.APPROVED


def test_a_result_csv_whose_header_names_no_expected_column_is_refused_in_japanese() -> None:
    for kind, text in (("returned", "番号,理由\n1,口座なし\n"),
                       ("csv", "番号,理由\n1,口座なし\n"),
                       ("csv", "record,reason\n1,口座なし\n")):
        with pytest.raises(InvalidValue) as refused:
            list(ZenginResultReader().read(io.BytesIO(text.encode()), kind=kind))
        assert "顧客コード2" in refused.value.message and "見出し" in refused.value.message


def test_a_result_csv_with_japanese_headers_is_read() -> None:
    read = list(ZenginResultReader().read(
        io.BytesIO("顧客コード2,結果,理由\n1,完了,\n2,不能,口座なし\n".encode("cp932")),
        kind="csv"))

    assert [(r.sequence, r.settled, r.reason) for r in read] == [(1, True, ""),
                                                                 (2, False, "口座なし")]


def test_the_ledger_adds_up_at_every_step_and_catches_a_payment_out_of_line() -> None:
    town = Town(households=4)
    ledger = check_ledger("p1", uow=town.uow())
    assert (ledger.approved.yen, ledger.pending.yen, ledger.balanced) == (280_000, 280_000, True)

    batch = town.approve(town.create().id)
    town.export(batch.id)
    town.results(batch.id, _csv("record,status,reason\n1,不能,解約\n"), settle_unlisted=True)
    ledger = check_ledger("p1", uow=town.uow())
    assert (ledger.paid.yen, ledger.failed.yen, ledger.pending.yen) == (210_000, 70_000, 0)
    assert ledger.balanced

    with town.uow() as uow:  # a payment marked paid outside the batch
        uow.applications.get("a1").status = ApplicationStatus.PAID
        uow.commit()
    ledger = check_ledger("p1", uow=town.uow())
    assert not ledger.balanced
    assert any("世帯番号 H0001" in problem for problem in ledger.discrepancies)
