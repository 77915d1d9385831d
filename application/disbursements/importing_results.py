"""Import the bank's result for an exported batch: settle the payments that went through, fail
the ones that did not (with the reason). What follows a failure (its record, the household told
why and asked for a corrected account) and a batch that closes is the message bus's
(`handlers.PaymentFailed`, `handlers.BatchClosed`), in the same transaction.

All or nothing: a record that names no payment of this batch, a different amount, or a payment
already settled that the bank now reports as failed, refuses the whole import with a report
(nothing changes). Importing the same result again changes nothing. With `settle_unlisted`,
payments the file does not mention are settled (a returned-transfer list names only failures).
"""

from __future__ import annotations

from collections.abc import Iterable

from attrs import field, frozen

from application.access.actor import Actor
from application.disbursements.common import load_batch, record_payment
from application.messaging.telling import Telling
from application.ports.clock import Clock, IdGenerator
from application.ports.payouts import TransferResult
from application.ports.unit_of_work import UnitOfWork
from domain.access import Permission
from domain.batches import BatchState, PaymentBatch
from domain.benefits import PayoutMethod
from domain.disbursements import DisbursementStatus
from domain.errors import DomainError, IllegalTransition

__all__ = ["ImportReport", "ImportResults", "ResultsRefused", "import_results"]

D = DisbursementStatus


class ResultsRefused(DomainError):
    code = "results_refused"

    def __init__(self, problems: list[str]) -> None:
        super().__init__(f"結果ファイルを取り込めません（{len(problems)}件）。何も変更して"
                         "いません:\n" + "\n".join(problems))
        self.problems = problems


@frozen
class ImportResults:
    batch_id: str
    actor: Actor
    settle_unlisted: bool = False


@frozen
class ImportReport:
    batch: PaymentBatch
    settled: int
    failed: int
    unchanged: int
    notified: int
    failures: tuple[tuple[str, str], ...] = field(default=(), converter=tuple)  # (id, reason)


def import_results(command: ImportResults, results: Iterable[TransferResult], *,
                   uow: UnitOfWork, ids: IdGenerator, clock: Clock,
                   telling: Telling) -> ImportReport:
    command.actor.ensure(Permission.HANDLE_APPLICATIONS, "振込結果を取り込み")
    now = clock.now()
    with uow:
        batch = load_batch(uow, command.batch_id)
        if batch.method is not PayoutMethod.BANK_TRANSFER:
            raise IllegalTransition("ATM現金受取のバッチには振込結果はありません。")
        if batch.state not in (BatchState.EXPORTED, BatchState.SETTLED,
                               BatchState.PARTLY_FAILED):
            raise IllegalTransition(f"バッチの状態が「{batch.state.label}」のため、振込結果を"
                                    "取り込めません。")
        order = list(uow.disbursements.ids_in_batch(batch.id))
        position = {d_id: index for index, (d_id, _, _) in enumerate(order)}
        outcomes: dict[str, TransferResult] = {}
        problems: list[str] = []
        for result in results:
            where = f"{result.row}件目"
            if result.batch_number is not None and result.batch_number != batch.number:
                problems.append(f"{where}: 別のバッチ（番号 {result.batch_number}）の"
                                "レコードです。")
                continue
            if result.sequence is not None:
                index = result.sequence - 1
                if not 0 <= index < len(order):
                    problems.append(f"{where}: レコード番号 {result.sequence} はこのバッチに"
                                    "ありません。")
                    continue
            elif result.reference is not None and result.reference in position:
                index = position[result.reference]
            else:
                problems.append(f"{where}: 「{result.reference or ''}」はこのバッチの支払では"
                                "ありません。")
                continue
            d_id, amount, status = order[index]
            if result.amount is not None and result.amount != amount:
                problems.append(f"{where}: 金額 {result.amount.yen:,}円 がバッチの "
                                f"{amount.yen:,}円 と一致しません。")
                continue
            earlier = outcomes.get(d_id)
            if earlier is not None and earlier.settled != result.settled:
                problems.append(f"{where}: {earlier.row}件目と同じ支払に異なる結果があります。")
                continue
            if status is D.SETTLED and not result.settled:
                problems.append(f"{where}: 支払完了として記録済みの支払（{d_id}）が不能と"
                                "報告されています。個別に確認してください。")
                continue
            if status is D.FAILED and result.settled:
                problems.append(f"{where}: 支払不能として記録済みの支払（{d_id}）が完了と"
                                "報告されています。個別に確認してください。")
                continue
            outcomes[d_id] = result
        if problems:
            raise ResultsRefused(problems)

        settled = failed = unchanged = 0
        failures: list[tuple[str, str]] = []
        failed_households: list[str] = []
        for d_id, result in outcomes.items():
            status = order[position[d_id]][2]
            if status is not D.EXPORTED:
                unchanged += 1
                continue
            disbursement = uow.disbursements.get(d_id)
            if result.settled:
                disbursement.settle(at=now)
                settled += 1
                continue
            disbursement.fail(reason=result.reason, by=command.actor.id)
            application = uow.applications.get(disbursement.application_id)
            application.mark_payment_failed()
            failed += 1
            failures.append((d_id, disbursement.failure_reason))
            failed_households.append(application.household_id)
        # told by handlers.PaymentFailed, by the same policy; the others by post
        reached = telling.households_recipients(uow, failed_households)
        notified = sum(1 for household_id in failed_households if household_id in reached)
        if command.settle_unlisted:
            settled += uow.disbursements.move_batch(batch.id, from_status=D.EXPORTED,
                                                    to_status=D.SETTLED, settled_at=now)
        uow.disbursements.mark_applications_paid(batch.id)
        record_payment(uow, ids, command.actor, "results_imported", at=now, batch_id=batch.id,
                       detail=f"完了 {settled}件 不能 {failed}件 変更なし {unchanged}件")
        batch.close(at=now, statuses=uow.disbursements.status_counts_in_batch(batch.id),
                    by=command.actor.id)
        uow.commit()
    return ImportReport(batch=batch, settled=settled, failed=failed, unchanged=unchanged,
                        notified=notified, failures=failures)
