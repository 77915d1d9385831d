"""Payment batches on SQLite and PostgreSQL: what the database itself refuses, and the whole
path from batch to ledger through the real repositories."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from sqlalchemy import Engine, text

from adapters.banks.bank_calendar import JapaneseBankCalendar
from adapters.banks.zengin_reading import DataRecord, ZenginResultReader, read_transfer_file
from adapters.banks.zengin_transfer import ZenginTransferWriter
from adapters.payouts.atm_cash import FakeAtmCashProvider
from adapters.persistence.unit_of_work import SqlAlchemyUnitOfWork, session_factory
from application.disbursements.approving_batch import ApproveBatch, approve_batch
from application.disbursements.cash_codes import (
    IssueCashCodes,
    issue_cash_codes,
    refresh_cash_payouts,
)
from application.disbursements.checking_ledger import check_ledger
from application.disbursements.creating_batch import CreateBatch, create_batch
from application.disbursements.exporting_batch import ExportBatch, export_batch
from application.disbursements.importing_results import ImportResults, import_results
from application.messagebus import MessageBus
from application.messaging.telling import ContactPolicy, Telling
from application.ports.payouts import PayoutStatus
from application.ports.unit_of_work import DuplicateError
from domain.batches import BatchState, PaymentBatch
from domain.benefits import ApplicationStatus, PayoutMethod
from domain.cash_payouts import CashPayout
from domain.disbursements import Disbursement, DisbursementStatus
from domain.errors import InvalidValue
from domain.values import Money
from tests.fakes import FakeClock, SequentialIds, message_bus_on
from tests.support.payments import APPROVER, SECOND_APPROVER, WORKER, approved_town, residents
from tests.support.zengin import ORIGINATOR, master

pytestmark = pytest.mark.integration

NOW = dt.datetime(2026, 6, 2, 3, 0, tzinfo=dt.UTC)


def _uow(engine: Engine, bus: MessageBus | None = None) -> SqlAlchemyUnitOfWork:
    return SqlAlchemyUnitOfWork(session_factory(engine), bus or message_bus_on())


def _town(engine: Engine, households: int = 3,
          method: PayoutMethod = PayoutMethod.BANK_TRANSFER) -> None:
    """The starting state (approved applications), written as it is: no notices follow."""
    sessions = session_factory(engine)
    with SqlAlchemyUnitOfWork(sessions, MessageBus({})) as uow:
        residents(uow, households)
        uow.commit()
    with SqlAlchemyUnitOfWork(sessions, MessageBus({})) as uow:
        approved_town(uow, households=households, method=method)
        uow.commit()


def test_the_database_refuses_a_second_live_disbursement_for_an_application(
    engine: Engine,
) -> None:
    _town(engine, households=1)
    with _uow(engine) as uow:
        uow.disbursements.add(Disbursement.for_application(
            id="d1", application=uow.applications.get("a1"), at=NOW))
        uow.commit()

    with _uow(engine) as uow, pytest.raises(DuplicateError):
        uow.disbursements.add(Disbursement.for_application(
            id="d2", application=uow.applications.get("a1"), at=NOW))
        uow.commit()
    with engine.begin() as connection, pytest.raises(Exception, match=r"(?i)unique"):
        connection.execute(text(
            "INSERT INTO disbursements (id, application_id, amount, method, status, "
            "failure_reason) VALUES ('d3', 'a1', 70000, 'bank_transfer', 'exported', '')"))
    with _uow(engine) as uow:
        assert uow.disbursements.get_for_application("a1").id == "d1"


def test_two_batches_cannot_share_a_number(engine: Engine) -> None:
    _town(engine, households=2)
    with _uow(engine) as uow:
        first, second = (Disbursement.for_application(id=f"d{n}", at=NOW,
                                                      application=uow.applications.get(f"a{n}"))
                         for n in (1, 2))
        uow.disbursements.add(first)
        uow.disbursements.add(second)
        for batch_id, d in (("b1", first), ("b2", second)):
            uow.batches.add(PaymentBatch.gather(
                id=batch_id, number=1, program_id="p1", method=PayoutMethod.BANK_TRANSFER,
                transfer_date=dt.date(2026, 6, 3), disbursements=[d], by="s", party="s",
                at=NOW))
        with pytest.raises(DuplicateError):
            uow.commit()


def test_one_pickup_code_at_a_time_per_payment(engine: Engine) -> None:
    _town(engine, households=1, method=PayoutMethod.ATM_CASH)
    with _uow(engine) as uow:
        uow.disbursements.add(Disbursement.for_application(
            id="d1", application=uow.applications.get("a1"), at=NOW))
        uow.commit()

    def code(n: int) -> CashPayout:
        return CashPayout(id=f"c{n}", disbursement_id="d1", provider="fake_atm",
                          reference=f"d1-{n}", pickup_code="0123456789", issued_at=NOW,
                          expires_at=NOW + dt.timedelta(days=7), attempt=n)

    with _uow(engine) as uow:
        uow.cash_payouts.add(code(1))
        uow.commit()
    with _uow(engine) as uow, pytest.raises(DuplicateError):
        uow.cash_payouts.add(code(2))
        uow.commit()
    with _uow(engine) as uow:  # once the first has expired, the next may be issued
        uow.cash_payouts.get("c1").expire()
        uow.cash_payouts.add(code(2))
        uow.commit()
    with engine.connect() as connection:
        stored = connection.execute(text("SELECT pickup_code FROM cash_payouts")).scalars()
        assert all("0123456789" not in value for value in stored)


def test_a_batch_goes_from_creation_to_a_balanced_ledger_on_the_database(
    engine: Engine,
) -> None:
    _town(engine, households=4)
    ids, clock = SequentialIds("z"), FakeClock()
    bus = message_bus_on(ids=ids, clock=clock)  # one id sequence: the trail's order is time's
    batch = create_batch(CreateBatch(program_id="p1", method="bank_transfer", actor=WORKER),
                         uow=_uow(engine, bus), ids=ids, clock=clock,
                         calendar=JapaneseBankCalendar())
    approve_batch(ApproveBatch(batch_id=str(batch.number), actor=APPROVER), uow=_uow(engine, bus),
                  ids=ids, clock=clock)
    writer = ZenginTransferWriter(master())
    files = []
    for _ in range(2):
        out = io.BytesIO()
        export_batch(ExportBatch(batch_id=batch.id, actor=WORKER), uow=_uow(engine, bus), ids=ids,
                     clock=clock, writer=writer, originator=ORIGINATOR, out=out)
        files.append(out.getvalue())
    assert files[0] == files[1]
    data = [r for r in read_transfer_file(io.BytesIO(files[0])) if isinstance(r, DataRecord)]
    assert [r.account_number for r in data] == ["0000001", "0000002", "0000003", "0000004"]

    returned = ZenginResultReader().read(io.BytesIO(b"record,reason\n4,x\n"), kind="returned")
    report = import_results(ImportResults(batch_id=batch.id, actor=WORKER,
                                          settle_unlisted=True), returned,
                            uow=_uow(engine, bus), ids=ids, clock=clock,
                            telling=Telling(ContactPolicy(), ids, clock))

    assert (report.settled, report.failed, report.notified) == (3, 1, 1)
    with _uow(engine, bus) as uow:
        assert uow.batches.get(batch.id).state is BatchState.PARTLY_FAILED
        assert [uow.applications.get(f"a{n}").status for n in (1, 2, 3, 4)] == [
            ApplicationStatus.PAID] * 3 + [ApplicationStatus.PAYMENT_FAILED]
        assert uow.disbursements.status_counts_in_batch(batch.id) == {
            DisbursementStatus.SETTLED: 3, DisbursementStatus.FAILED: 1}
        assert [e.action for e in uow.queries.payments.trail(batch.id)] == [
            "created", "approved", "exported", "re_exported", "results_imported", "failed",
            "partly_failed"]  # the import, then what followed from it
    ledger = check_ledger("p1", uow=_uow(engine, bus))
    assert (ledger.paid, ledger.failed, ledger.balanced) == (Money(210_000), Money(70_000),
                                                             True)


def test_cash_codes_are_issued_picked_up_and_reissued_on_expiry(engine: Engine) -> None:
    _town(engine, households=2, method=PayoutMethod.ATM_CASH)
    ids, clock = SequentialIds("z"), FakeClock()
    provider = FakeAtmCashProvider(clock, validity=dt.timedelta(days=7))
    batch = _cash_codes_issued(engine, ids, clock, provider)
    with _uow(engine) as uow:
        first, second = uow.cash_payouts.issued()
        texts = [m.payload["messages"][0]["text"] for m in uow.queries.messages.pending(10)]
    assert any(first.pickup_code in t for t in texts)

    provider.pick_up(first.reference, first.pickup_code)
    clock.advance(days=8)
    report = refresh_cash_payouts(uow=_uow(engine), ids=ids, clock=clock, provider=provider)

    assert (report.picked_up, report.reissued, report.failed) == (1, 1, 0)
    with _uow(engine) as uow:
        [renewed] = uow.cash_payouts.issued()
        assert (renewed.disbursement_id, renewed.attempt) == (second.disbursement_id, 2)
        assert renewed.pickup_code != second.pickup_code
        assert uow.batches.get(batch.id).state is BatchState.EXPORTED
        assert len(uow.queries.messages.pending(10)) == 3

    for _ in range(2):  # the 2nd and 3rd codes expire too: back to staff as failed
        clock.advance(days=8)
        refresh_cash_payouts(uow=_uow(engine), ids=ids, clock=clock, provider=provider)
    with _uow(engine) as uow:
        assert uow.disbursements.get(second.disbursement_id).status is DisbursementStatus.FAILED
        assert uow.batches.get(batch.id).state is BatchState.PARTLY_FAILED
    assert check_ledger("p1", uow=_uow(engine)).balanced


def _cash_codes_issued(engine: Engine, ids: SequentialIds, clock: FakeClock,
                       provider: FakeAtmCashProvider) -> PaymentBatch:
    """An ATM-cash batch made, approved and its pickup codes issued through `provider`."""
    batch = create_batch(CreateBatch(program_id="p1", method="atm_cash", actor=WORKER),
                         uow=_uow(engine), ids=ids, clock=clock,
                         calendar=JapaneseBankCalendar())
    approve_batch(ApproveBatch(batch_id=batch.id, actor=SECOND_APPROVER), uow=_uow(engine),
                  ids=ids, clock=clock)
    issue_cash_codes(IssueCashCodes(batch_id=batch.id, actor=WORKER), uow=_uow(engine),
                     ids=ids, clock=clock, provider=provider)
    return batch


class _PickedUpWhileAsked(FakeAtmCashProvider):
    """The resident takes the cash just after the provider answered "issued"."""

    def status(self, reference: str) -> PayoutStatus:
        answer = super().status(reference)
        if answer is PayoutStatus.ISSUED and reference not in self.asked:
            self.asked.add(reference)
            self.pick_up(reference, self.code_of[reference])
        return answer


def test_a_code_picked_up_while_the_refresh_cancels_it_is_paid_once(engine: Engine) -> None:
    _town(engine, households=1, method=PayoutMethod.ATM_CASH)
    ids, clock = SequentialIds("z"), FakeClock()
    provider_clock = FakeClock()  # the provider's own clock, a little behind ours
    provider = _PickedUpWhileAsked(provider_clock, validity=dt.timedelta(days=7))
    provider.asked, provider.code_of = set(), {}
    _cash_codes_issued(engine, ids, clock, provider)
    with _uow(engine) as uow:
        [payout] = uow.cash_payouts.issued()
    provider.code_of[payout.reference] = payout.pickup_code
    clock.advance(days=8)  # our clock says expired; the provider's still says issued
    provider_clock.advance(days=6)

    report = refresh_cash_payouts(uow=_uow(engine), ids=ids, clock=clock, provider=provider)

    assert (report.picked_up, report.reissued, report.failed) == (1, 0, 0)
    with _uow(engine) as uow:
        assert uow.cash_payouts.issued() == []
        assert uow.disbursements.get(payout.disbursement_id).status is DisbursementStatus.SETTLED


class _RefusesToCancelALiveCode(FakeAtmCashProvider):
    """A provider that refuses a cancel while a pickup is under way at an ATM."""

    def cancel(self, reference: str) -> None:
        raise InvalidValue("取引中のため取り消せません。")


def test_a_code_the_provider_will_not_cancel_is_left_live_and_never_issued_twice(
        engine: Engine) -> None:
    _town(engine, households=1, method=PayoutMethod.ATM_CASH)
    ids, clock, provider_clock = SequentialIds("z"), FakeClock(), FakeClock()
    provider = _RefusesToCancelALiveCode(provider_clock, validity=dt.timedelta(days=7))
    _cash_codes_issued(engine, ids, clock, provider)
    clock.advance(days=8)  # our clock says expired; the provider's still says issued

    report = refresh_cash_payouts(uow=_uow(engine), ids=ids, clock=clock, provider=provider)

    assert (report.picked_up, report.reissued, report.failed) == (0, 0, 0)
    with _uow(engine) as uow:
        [still] = uow.cash_payouts.issued()
        assert still.attempt == 1
