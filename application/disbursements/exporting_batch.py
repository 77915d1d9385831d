"""Make the Zengin transfer file of an approved batch.

Everything is checked before a byte is written (forbidden characters, unknown bank codes, the
control totals); the file is streamed record by record. The first export moves the batch and
its payments to 振込データ作成済み and keeps the file's SHA-256 and the originator used; a
later export of the same batch writes the same bytes again (checked against that digest) and
pays nobody a second time: it is only recorded in the audit trail.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator
from typing import BinaryIO

from attrs import frozen

from application.access.actor import Actor
from application.disbursements.common import load_batch, record_payment
from application.ports.clock import Clock, IdGenerator
from application.ports.payouts import (
    ExportProblem,
    Originator,
    TransferFileWriter,
    TransferLine,
)
from application.ports.unit_of_work import UnitOfWork
from domain.access import Permission
from domain.batches import BatchState, ControlTotals, PaymentBatch
from domain.benefits import PayoutMethod
from domain.disbursements import DisbursementStatus
from domain.errors import DomainError, IllegalTransition
from domain.values import Money

__all__ = ["ExportBatch", "ExportRefused", "ExportResult", "export_batch"]


class ExportRefused(DomainError):
    """Some payees cannot go into the file; nothing was written and nothing changed."""

    code = "export_refused"

    def __init__(self, problems: list[ExportProblem]) -> None:
        lines = [f"{p.reference} {p.payee}: {p.reason}" for p in problems]
        super().__init__("振込データを作成できません（" + f"{len(problems)}件）:\n"
                         + "\n".join(lines))
        self.problems = problems


@frozen
class ExportBatch:
    batch_id: str
    actor: Actor
    line_ending: str = "crlf"  # crlf or none, as the town's bank wants


@frozen
class ExportResult:
    batch: PaymentBatch
    count: int
    total: Money
    digest: str
    first: bool  # False: a re-export of the same file


class _Counted:
    def __init__(self, lines: Iterable[TransferLine]) -> None:
        self._lines = lines
        self.count = 0
        self.total = 0

    def __iter__(self) -> Iterator[TransferLine]:
        for line in self._lines:
            self.count += 1
            self.total += line.amount.yen
            yield line


def export_batch(command: ExportBatch, *, uow: UnitOfWork, ids: IdGenerator, clock: Clock,
                 writer: TransferFileWriter, originator: Originator,
                 out: BinaryIO) -> ExportResult:
    command.actor.ensure(Permission.HANDLE_APPLICATIONS, "振込データを作成")
    now = clock.now()
    with uow:
        batch = load_batch(uow, command.batch_id)
        if batch.method is not PayoutMethod.BANK_TRANSFER:
            raise IllegalTransition("ATM現金受取のバッチは振込データではなく受取番号の発行で"
                                    "支払います。")
        first = batch.state is BatchState.APPROVED
        if not first and batch.state not in (BatchState.EXPORTED, BatchState.SETTLED,
                                             BatchState.PARTLY_FAILED):
            raise IllegalTransition(f"バッチの状態が「{batch.state.label}」のため、振込データを"
                                    "作成できません（承認が必要です）。")
        used = originator if first else Originator.from_dict(batch.originator or {})

        counted = _Counted(uow.disbursements.transfer_lines(batch.id))
        problems = list(writer.problems(originator=used, lines=counted))
        if problems:
            raise ExportRefused(problems)
        batch.ensure_totals(ControlTotals(count=counted.count, total=Money(counted.total)))

        digest = hashlib.sha256()
        for record in writer.records(originator=used, transfer_date=batch.transfer_date,
                                     batch_number=batch.number,
                                     lines=uow.disbursements.transfer_lines(batch.id),
                                     line_ending=command.line_ending):
            out.write(record)
            digest.update(record[:120])  # the records, whatever the line endings
        hexdigest = digest.hexdigest()

        if first:
            batch.mark_exported(by=command.actor.id, at=now, digest=hexdigest,
                                originator=used.as_dict())
            moved = uow.disbursements.move_batch(batch.id,
                                                 from_status=DisbursementStatus.BATCHED,
                                                 to_status=DisbursementStatus.EXPORTED)
            if moved != batch.count:
                raise IllegalTransition("バッチの支払の状態が揃っていません。"
                                        "振込データは使わないでください。")
            record_payment(uow, ids, command.actor, "exported", at=now,
                           batch_id=batch.id,
                           detail=f"{batch.count}件 {batch.total.format()} "
                                  f"ファイルの照合値（SHA-256） {hexdigest}")
        else:
            batch.ensure_same_file(hexdigest)
            record_payment(uow, ids, command.actor, "re_exported", at=now,
                           batch_id=batch.id, detail=f"ファイルの照合値（SHA-256） {hexdigest}")
        uow.commit()
    return ExportResult(batch=batch, count=counted.count, total=Money(counted.total),
                        digest=hexdigest, first=first)
