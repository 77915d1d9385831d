"""Verify the audit log's hash chain: every record in sequence, each carrying the hash of the one
before, each hash matching its content, and the newest one matching the recorded head (so a
deleted last record is found too)."""

from __future__ import annotations

from collections.abc import Callable

from attrs import frozen

from application.audit.chain import record_hash
from application.ports.audit import GENESIS_HASH, AuditRecord
from application.ports.unit_of_work import UnitOfWork

__all__ = ["ChainReport", "verify_audit_chain"]

_PAGE = 1000


@frozen
class ChainReport:
    checked: int
    broken_at: int | None = None  # the seq where the chain breaks
    problem: str = ""

    @property
    def intact(self) -> bool:
        return self.broken_at is None


def _expected_hash(record: AuditRecord) -> str:
    return record_hash(seq=record.seq, at=record.at, actor_id=record.actor_id,
                       actor_label=record.actor_label, action=record.action,
                       target_type=record.target_type, target_id=record.target_id,
                       ip=record.ip, detail=record.detail, prev_hash=record.prev_hash)


def verify_audit_chain(*, uow_factory: Callable[[], UnitOfWork]) -> ChainReport:
    checked, last_seq, last_hash = 0, 0, GENESIS_HASH
    while True:
        with uow_factory() as uow:
            page = list(uow.audit.in_order(after_seq=last_seq, limit=_PAGE))
            head = uow.audit.head() if len(page) < _PAGE else None
        for record in page:
            if record.seq != last_seq + 1:
                return ChainReport(checked, last_seq + 1,
                                   f"記録 {last_seq + 1} がありません（削除されています）。")
            if record.prev_hash != last_hash:
                return ChainReport(checked, record.seq,
                                   f"記録 {record.seq} の前の記録のハッシュが一致しません。")
            if _expected_hash(record) != record.hash:
                return ChainReport(checked, record.seq,
                                   f"記録 {record.seq} の内容がハッシュと一致しません（改ざん）。")
            checked, last_seq, last_hash = checked + 1, record.seq, record.hash
        if head is not None:
            if head != (last_seq, last_hash):
                return ChainReport(checked, last_seq + 1,
                                   f"最新の記録は {head[0]} のはずが {last_seq} で終わっています"
                                   "（削除されています）。")
            return ChainReport(checked)
