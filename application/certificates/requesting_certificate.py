"""The certificate request on the resident's channel: only a resident verified with the card
(recently enough) may start it; the finished dialog becomes a `CertificateRequest` (unpaid)
and the resident sees the fee and a pay button. A member of the same household is found by
name and date of birth, and the town's rules say for which certificates that is allowed."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import Any

from attrs import field, frozen

from application.certificates.procedure import ITEM_CHOICES, PROCEDURE_ID, PURPOSES
from application.channels.menu import VERIFY_DATA, VERIFY_LABEL
from application.channels.procedure_handlers import StartProcedure
from application.conversations.state import Conversation
from application.ports.clock import IdGenerator
from application.ports.messaging import Choice, MessageStyle, OutgoingMessage
from application.ports.unit_of_work import UnitOfWork
from application.residents.normalization import normalize_name
from domain.certificate_rules import (
    FeeSchedule,
    HouseholdRule,
    NotEligible,
    check_items,
    check_subject,
)
from domain.certificates import CertificateKind, CertificateRequest
from domain.channels import ChannelIdentity
from domain.errors import DomainError
from domain.residents import Resident

__all__ = ["POSTBACK_PREFIX", "WITHDRAW", "CertificateDesk", "CertificatePolicy"]

POSTBACK_PREFIX = "cert:"
WITHDRAW = "cert:withdraw:"  # + request id: the resident stops before paying

NOT_VERIFIED = ("証明書の請求には、マイナンバーカードでの本人確認が必要です。"
                "下の「本人確認」から進め、終わったらもう一度「証明書の請求」を選んでください。")
NOT_CURRENT = ("前回の本人確認から時間がたっているため、もう一度マイナンバーカードでの本人確認を"
               "お願いします。終わったらもう一度「証明書の請求」を選んでください。")
NO_SUCH_MEMBER = ("同じ世帯に、その氏名と生年月日の方が見つかりませんでした。住民票のとおりの"
                  "氏名で、もう一度「証明書の請求」からお試しください。")
WITHDRAWN = "証明書の請求を取りやめました。また必要なときにお申し込みください。"


@frozen
class CertificatePolicy:
    """The town's settings for requests on its channels."""

    fees: FeeSchedule = field(factory=FeeSchedule)
    household: HouseholdRule = field(factory=HouseholdRule)
    verification_max_age: dt.timedelta = dt.timedelta(days=180)


class CertificateDesk:
    """The certificate procedure's handler (see application.channels.procedure_handlers)."""

    procedure_id = PROCEDURE_ID
    postback_prefix = POSTBACK_PREFIX
    from_menu = True

    def __init__(self, policy: CertificatePolicy, pay_url: Callable[[str], str]) -> None:
        self.policy = policy
        self.pay_url = pay_url  # a request id → the signed link to its payment

    # -- before ------------------------------------------------------------------------------

    def before_start(self, identity: ChannelIdentity, *, uow: UnitOfWork,
                     now: dt.datetime) -> list[OutgoingMessage] | None:
        resident = uow.residents.get(identity.resident_id) if identity.resident_id else None
        if resident is None or resident.verification is None:
            return [_verify_first(NOT_VERIFIED)]
        if not resident.verification_is_current(now=now,
                                                max_age=self.policy.verification_max_age):
            return [_verify_first(NOT_CURRENT)]
        return None

    # -- the answers -------------------------------------------------------------------------

    def on_finish(self, conversation: Conversation, answers: dict[str, Any],
                  identity: ChannelIdentity, *, said: Sequence[OutgoingMessage],
                  uow: UnitOfWork, ids: IdGenerator,
                  now: dt.datetime) -> list[OutgoingMessage]:
        # `said` ("請求の内容を確認しています。") gives way to the request's summary and fee.
        refused = self.before_start(identity, uow=uow, now=now)  # still verified and current?
        if refused is not None:
            return refused
        requester = uow.residents.get(str(identity.resident_id))
        try:
            request = self._request(answers, requester, uow=uow, ids=ids, now=now)
        except DomainError as error:
            return [OutgoingMessage(text=error.message)]
        uow.certificate_requests.add(request)
        return self.summary(request, for_self=request.subject_id == request.requester_id,
                            purpose=_purpose_label(answers))

    def _request(self, answers: dict[str, Any], requester: Any, *, uow: UnitOfWork,
                 ids: IdGenerator, now: dt.datetime) -> CertificateRequest:
        kind = CertificateKind(answers["kind"])
        items = check_items(kind, ITEM_CHOICES.get(answers.get("items") or "self", frozenset()))
        subject = requester
        if answers.get("subject") == "household":
            subject = self._member(requester, str(answers.get("member_name") or ""),
                                   str(answers.get("member_birthdate") or ""), uow=uow)
        household = uow.households.get_by_number(requester.household_number) \
            if requester.household_number else None
        check_subject(kind, requester, subject, household, self.policy.household)
        quote = self.policy.fees.quote(kind, int(answers["copies"]))
        return CertificateRequest(
            id=ids.new_id(), requester_id=requester.id, subject_id=subject.id, kind=kind,
            copies=quote.copies, purpose=_purpose_label(answers), fee_per_copy=quote.fee_per_copy,
            postage=quote.postage, items=items, requested_at=now)

    @staticmethod
    def _member(requester: Resident, name: str, birthdate: str, *,
                uow: UnitOfWork) -> Resident:
        household = uow.households.get_by_number(requester.household_number) \
            if requester.household_number else None
        if household is None:
            raise NotEligible(NO_SUCH_MEMBER)
        wanted = normalize_name(name)
        members = uow.residents.by_ids(household.member_ids)
        found = [m for m in members.values()
                 if m.id != requester.id and m.facts is not None
                 and normalize_name(m.facts.name.name) == wanted
                 and m.facts.date_of_birth.value.isoformat() == birthdate]
        if len(found) != 1:
            raise NotEligible(NO_SUCH_MEMBER)
        return found[0]

    def summary(self, request: CertificateRequest, *, for_self: bool,
                purpose: str) -> list[OutgoingMessage]:
        items = "、".join(sorted(request.items)) if request.items else ""
        lines = [
            "証明書の請求内容を確かめてください。", "",
            f"・証明書: {request.kind.label}" + (f"（{items}）" if items else ""),
            f"・対象の方: {'ご本人' if for_self else '同じ世帯の方'}",
            f"・通数: {request.copies}通",
            f"・使用目的: {purpose}",
            "・お届け: 住民登録の住所へ郵送", "",
            f"手数料: {request.fee_per_copy.format()} × {request.copies}通 = "
            f"{request.fee.format()}",
            f"郵送料: {request.postage.format()}",
            f"合計: {request.total.format()}",
        ]
        pay = OutgoingMessage(
            text=("よろしければ、下の「支払う」から手数料をお支払いください。お支払いの確認後に"
                  "受け付けます。"),
            style=MessageStyle.BUTTONS, alt_text="手数料のお支払い",
            choices=(Choice(label=f"支払う（{request.total.format()}）", data="",
                            url=self.pay_url(request.id)),
                     Choice(label="やめる", data=f"{WITHDRAW}{request.id}")))
        return [OutgoingMessage(text="\n".join(lines)), pay]

    def on_cancel(self, conversation: Conversation, *, uow: UnitOfWork,
                  now: dt.datetime) -> None:
        """Nothing was requested before the dialog finished: nothing to undo."""

    # -- its buttons -------------------------------------------------------------------------

    def on_postback(self, data: str, identity: ChannelIdentity, *, uow: UnitOfWork,
                    ids: IdGenerator, now: dt.datetime,
                    start: StartProcedure | None = None) -> list[OutgoingMessage]:
        if not data.startswith(WITHDRAW):
            return [OutgoingMessage(text="そのボタンの手続きはすでに終わっています。")]
        request = uow.certificate_requests.get(data.removeprefix(WITHDRAW))
        if request is None or identity.resident_id != request.requester_id:
            return [OutgoingMessage(text="その請求は見つかりませんでした。")]
        try:
            request.withdraw()
        except DomainError as error:
            return [OutgoingMessage(text=error.message)]
        return [OutgoingMessage(text=WITHDRAWN)]


def _verify_first(text: str) -> OutgoingMessage:
    return OutgoingMessage(text=text, style=MessageStyle.QUICK_REPLY,
                           choices=(Choice(label=VERIFY_LABEL, data=VERIFY_DATA),))


def _purpose_label(answers: dict[str, Any]) -> str:
    value = answers.get("purpose")
    return next((o.label for o in PURPOSES if o.value == value), str(value or "その他"))
