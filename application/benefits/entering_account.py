"""The 別の口座にする dialog finished: confirm the application with the account the resident
entered and the passbook photo they sent (staff compare the two before approval).

Runs inside the inbound event's unit of work (the caller commits)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from application.ports.messaging import OutgoingMessage
from application.ports.unit_of_work import UnitOfWork
from domain.benefits import ApplicationStatus, PayoutMethod
from domain.errors import DomainError
from domain.values import BankAccount
from domain.yucho import YuchoPassbook

__all__ = ["finish_account_dialog"]


def finish_account_dialog(conversation_id: str, answers: Mapping[str, Any], *,
                          uow: UnitOfWork, now: dt.datetime) -> list[OutgoingMessage]:
    application = uow.applications.get_by_account_conversation(conversation_id)
    if application is None:
        return [OutgoingMessage("この口座の登録は、申請に結びついていないため使えません。"
                                "給付金のお知らせの「別の口座にする」から始めてください。")]
    program = uow.programs.get(application.program_id)
    if program is None:  # pragma: no cover - programs are never deleted
        return [OutgoingMessage("給付金が見つかりませんでした。")]
    try:
        account = _account(answers)
        if application.status is ApplicationStatus.PAYMENT_FAILED:
            application.correct_account(account=account,
                                        passbook_photo=str(answers["passbook"]))
            return [OutgoingMessage(
                f"「{program.name}」の新しい振込先（{account.masked()}）を受け付けました。職員が"
                "通帳の写真を確認してから、あらためてお振り込みします。")]
        application.confirm(program=program, at=now, payout_method=PayoutMethod.BANK_TRANSFER,
                            payee_account=account, passbook_photo=str(answers["passbook"]))
    except DomainError as error:
        application.leave_account_dialog(conversation_id)
        return [OutgoingMessage(f"{error.message}\nお手数ですが、お知らせの「別の口座にする」"
                                "からもう一度入力してください。")]
    return [OutgoingMessage(
        f"「{program.name}」の申請を受け付けました（振込先: {account.masked()}）。職員が"
        "通帳の写真を確認してから審査し、決定通知をお送りします。")]


def _account(answers: Mapping[str, Any]) -> BankAccount:
    """The account in transfer form: from the bank master's answers, or from a ゆうちょ
    passbook's 記号 and 番号 (the path the dialog took decides which are there)."""
    if answers.get("yucho_symbol") is not None:
        passbook = YuchoPassbook.of(str(answers["yucho_symbol"]), str(answers["yucho_number"]))
        return passbook.bank_account(str(answers["holder"]))
    return BankAccount.of(bank_code=str(answers["bank"]), branch_code=str(answers["branch"]),
                          account_type=str(answers["account_type"]),
                          number=str(answers["number"]), holder=str(answers["holder"]))
