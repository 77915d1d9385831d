"""Staff enter a paper application (the postal path). A household appears once whichever way it
applied: a household notified on LINE that had not answered has that same application
confirmed; one that already applied is refused with the way it applied."""

from __future__ import annotations

import datetime as dt
import unicodedata

from attrs import frozen

from application.access.actor import Actor
from application.audit.recording import record
from application.ports.clock import Clock, IdGenerator
from application.ports.unit_of_work import ConcurrentUpdate, DuplicateError, UnitOfWork
from domain.access import Permission
from domain.benefits import Application, PayoutMethod
from domain.errors import IllegalTransition, InvalidValue, NotFound
from domain.yucho import account_from_form

__all__ = ["EnterPaperApplication", "enter_paper_application"]


@frozen
class EnterPaperApplication:
    program_id: str
    household_number: str
    payout_method: str
    actor: Actor
    received_at: dt.datetime | None = None  # when the form arrived; None: now
    bank_code: str = ""
    branch_code: str = ""
    account_type: str = "1"
    account_number: str = ""
    holder_kana: str = ""
    yucho_symbol: str = ""  # ゆうちょ銀行: the passbook's 記号 and 番号 instead of branch/number
    yucho_number: str = ""


def _method(value: str) -> PayoutMethod:
    try:
        return PayoutMethod(value)
    except ValueError:
        allowed = "、".join(m.value for m in PayoutMethod)
        raise InvalidValue(f"支給方法は {allowed} から選んでください。") from None


def enter_paper_application(command: EnterPaperApplication, *, uow: UnitOfWork,
                            ids: IdGenerator, clock: Clock) -> Application:
    command.actor.ensure(Permission.HANDLE_APPLICATIONS, "紙の申請を入力")
    method = _method(command.payout_method)
    account = None
    if method is PayoutMethod.BANK_TRANSFER:
        account = account_from_form(bank_code=command.bank_code,
                                    branch_code=command.branch_code,
                                    account_type=command.account_type,
                                    number=command.account_number, holder=command.holder_kana,
                                    yucho_symbol=command.yucho_symbol,
                                    yucho_number=command.yucho_number)
    now = clock.now()
    received = command.received_at or now
    if received > now:
        raise InvalidValue("受付日に未来の日付は入力できません。")
    with uow:
        program = uow.programs.get(command.program_id)
        if program is None:
            raise NotFound("給付金が見つかりません。")
        # as the imports read it (NFKC): "Ｈ０００３" typed with a Japanese input method is H0003
        number = unicodedata.normalize("NFKC", command.household_number).strip()
        household = uow.households.get_by_number(number)
        if household is None:
            raise NotFound("その世帯番号の世帯は住民基本台帳にありません。",
                           code="household_not_found")
        if not uow.eligibility.contains(program.id, household.id):
            raise IllegalTransition("この世帯は給付金の対象世帯リストにありません。",
                                    code="not_eligible")
        application = uow.applications.get_for(program.id, household.id)
        if application is None:
            application = Application.from_paper(
                id=ids.new_id(), program=program, household_id=household.id,
                payout_method=method, payee_account=account, at=received,
                entered_by=command.actor.id)
            uow.applications.add(application)
        else:
            application.confirm_on_paper(program=program, at=received, payout_method=method,
                                         payee_account=account, entered_by=command.actor.id)
        record(uow, command.actor, "application.paper_entry", "application", application.id,
               at=now)
        try:
            uow.commit()
        except (DuplicateError, ConcurrentUpdate):
            raise IllegalTransition("この世帯の申請は、いま別の方法で受け付けられました"
                                    "（1世帯1回）。", code="already_confirmed") from None
    return application
