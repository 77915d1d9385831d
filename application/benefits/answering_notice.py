"""A resident taps a button of a benefit notice: はい (apply, to the account on file), いいえ
(decline), or 別の口座にする (start the account dialog).

Runs inside the inbound event's unit of work (the caller commits). Every tap that cannot count
gets an answer that says why and changes nothing: a second tap, a tap after the window closed, on
a withdrawn program, from someone who is not the household's head, or on a notice that does not
exist. Two taps racing each other are settled by the application's version: one wins, the other
is read again and answered "already".
"""

from __future__ import annotations

import datetime as dt

from application.benefits.account_dialog import BENEFIT_ACCOUNT
from application.benefits.notices import ANSWER_NO, ANSWER_OTHER, ANSWER_YES, NoticeTap
from application.channels.procedure_handlers import StartProcedure
from application.dates import month_day
from application.ports.clock import IdGenerator
from application.ports.messaging import OutgoingMessage
from application.ports.unit_of_work import UnitOfWork
from domain.benefits import Application, ApplicationStatus, BenefitProgram, PayoutMethod
from domain.channels import ChannelIdentity
from domain.errors import DomainError

__all__ = ["NOT_FOR_YOU", "answer_notice"]

NOT_FOR_YOU = ("このお知らせは、あなたが世帯主として本人確認した世帯あてではないため、"
               "申請できません。")
NOT_FOUND = "このお知らせは見つかりませんでした。役場の担当窓口にお問い合わせください。"


def answer_notice(tap: NoticeTap, identity: ChannelIdentity, *, uow: UnitOfWork,
                  ids: IdGenerator, now: dt.datetime,
                  start: StartProcedure) -> list[OutgoingMessage]:
    application = uow.applications.get(tap.application_id)
    if application is None:
        return [OutgoingMessage(NOT_FOUND)]
    program = uow.programs.get(application.program_id)
    if program is None:
        return [OutgoingMessage(NOT_FOUND)]
    refusal = _who_may_answer(application, identity, uow=uow)
    if refusal is not None:
        return [OutgoingMessage(refusal)]
    if tap.answer in {ANSWER_YES, ANSWER_OTHER}:
        resumed = _resume_account_dialog(application, identity, uow=uow, now=now, start=start)
        if resumed is not None:
            return resumed
    if application.status is ApplicationStatus.PAYMENT_FAILED and tap.answer == ANSWER_OTHER:
        # 振込不能: the corrected account (the application window does not matter any more)
        return _start_account_dialog(application, ids=ids, start=start, correction=True)
    already = _already_answered(application, program)
    if already is not None:
        return [OutgoingMessage(already)]
    try:
        program.ensure_accepting(now)
        if tap.answer == ANSWER_NO:
            application.decline(at=now)
            return [OutgoingMessage(
                f"「{program.name}」を申請しないことを受け付けました。申請期間中は、"
                "お知らせの「申請する」「はい」からいつでも申請できます。")]
        if tap.answer == ANSWER_YES and application.offered_account is not None:
            application.confirm(program=program, at=now,
                                payout_method=PayoutMethod.BANK_TRANSFER,
                                payee_account=application.offered_account)
            return [_received(program)]
        if tap.answer == ANSWER_YES and PayoutMethod.BANK_TRANSFER not in program.payout_methods:
            method = sorted(program.payout_methods, key=lambda m: m.value)[0]
            application.confirm(program=program, at=now, payout_method=method,
                                payee_account=None)
            return [_received(program)]
        if tap.answer in {ANSWER_YES, ANSWER_OTHER}:
            return _start_account_dialog(application, ids=ids, start=start)
    except DomainError as error:
        return [OutgoingMessage(error.message)]
    return [OutgoingMessage(NOT_FOUND)]


def _who_may_answer(application: Application, identity: ChannelIdentity, *,
                    uow: UnitOfWork) -> str | None:
    """Only the verified head of the household the notice was for; only while it is eligible."""
    if identity.resident_id is None:
        return NOT_FOR_YOU
    resident = uow.residents.get(identity.resident_id)
    household = uow.households.heads([application.household_id]).get(application.household_id)
    if resident is None or household is None or not resident.is_verified \
            or household.head_resident_id != resident.id:
        return NOT_FOR_YOU
    if not uow.eligibility.contains(application.program_id, application.household_id):
        return "あなたの世帯はこの給付金の対象ではありません。"
    return None


def _already_answered(application: Application, program: BenefitProgram) -> str | None:
    status = application.status
    if status is ApplicationStatus.CONFIRMED:
        when = (f"（{month_day(application.confirmed_at)}受付）"
                if application.confirmed_at else "")
        return (f"「{program.name}」の申請はすでに受け付けています{when}。"
                "状況は「状況確認」と送るとわかります。")
    if status in {ApplicationStatus.NOTIFIED, ApplicationStatus.DECLINED}:
        return None
    return (f"「{program.name}」の申請は「{status.label}」です。"
            "状況は「状況確認」と送るとわかります。")


def _received(program: BenefitProgram) -> OutgoingMessage:
    return OutgoingMessage(
        f"「{program.name}」の申請を受け付けました。審査のあと、決定通知をお送りします。"
        "状況は「状況確認」と送るといつでもわかります。")


def _resume_account_dialog(application: Application, identity: ChannelIdentity, *,
                           uow: UnitOfWork, now: dt.datetime,
                           start: StartProcedure) -> list[OutgoingMessage] | None:
    """The notice tapped again while its account dialog is still open: the dialog goes on where
    the resident is (it is not restarted, nothing they answered is lost)."""
    conversation_id = application.account_conversation_id
    if conversation_id is None:
        return None
    current = uow.conversations.current_for(identity.id)
    if current is None or current.id != conversation_id or current.is_expired_at(now):
        return None
    return start(BENEFIT_ACCOUNT.id, conversation_id)


def _start_account_dialog(application: Application, *, ids: IdGenerator,
                          start: StartProcedure, correction: bool = False) -> list[OutgoingMessage]:
    """別の口座にする (or a corrected account after a failed transfer): the application is tied
    to the new dialog first (refused with a message if it may not be), then the dialog starts
    (ending whatever was open)."""
    conversation_id = ids.new_id()
    if correction:
        application.start_account_correction(conversation_id)
    else:
        application.start_account_dialog(conversation_id)
    return start(BENEFIT_ACCOUNT.id, conversation_id)
