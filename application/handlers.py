"""Which domain event leads to what: the table the message bus runs, in the transaction of the
change that recorded the event (see `application/messagebus.py` and docs/adr/0022).

Events not listed here have no consequence yet; a feature that needs one adds an entry."""

from __future__ import annotations

from collections.abc import Callable, Mapping

from application.audit.handlers import ResidentActs
from application.benefits.handlers import DecisionNotice, WithdrawalNotice
from application.cases.alerting import DepartmentAlert
from application.cases.case_fees import FeeNotices, OpensCases
from application.cases.consultation_notices import ConsultationNotices
from application.cases.handlers import ReplyNotice
from application.certificates.handlers import RequesterNotices
from application.channels.menu import Menu
from application.channels.verified_menu import VerifiedMenu
from application.disbursements.handlers import BatchClosed, CashCodeNotice, PaymentFailed
from application.messagebus import MessageBus
from application.messaging.telling import Telling
from application.ports.bank_master import BankMaster
from application.ports.clock import Clock, IdGenerator
from application.ports.rich_menus import RichMenus
from application.residents.handlers import VerificationNotice
from application.surveys.asking_satisfaction import SatisfactionQuestions
from application.surveys.respondents import RespondentKeys
from application.webhooks.recording_events import WebhookEvents
from domain.events import (
    ApplicationConfirmed,
    ApplicationDecided,
    ApplicationWithdrawn,
    BatchStateChanged,
    CaseAnswered,
    CaseOpened,
    CashCodeIssued,
    CertificatePaymentLapsed,
    CertificateRequestPaid,
    CertificateRequestStateChanged,
    ConsultationEnded,
    ConsultationTaken,
    DisbursementStateChanged,
    FeePaid,
    FeePaymentLapsed,
    FeeRefunded,
    ResidentVerified,
    VerificationDecided,
)

__all__ = ["message_bus"]


def message_bus(*, telling: Telling, ids: IdGenerator, clock: Clock,
                banks: BankMaster | None, pay_url: Callable[[str], str],
                menu: Menu | None = None, procedure_titles: Mapping[str, str] | None = None,
                case_url: Callable[[str], str] | None = None,
                rich_menus: RichMenus | None = None, cases: OpensCases | None = None,
                fee_pay_url: Callable[[str], str] | None = None,
                respondents: RespondentKeys | None = None) -> MessageBus:
    """`respondents`: the survey digests' key; with it, completed procedures are followed by
    the satisfaction question (ADR 0059)."""
    certificates = RequesterNotices(telling, pay_url)
    fees = FeeNotices(telling, cases, fee_pay_url or pay_url, ids, clock)
    residents = ResidentActs(clock)  # a resident's own acts in the audit log
    consultations = ConsultationNotices(telling, menu)
    asking = SatisfactionQuestions(telling, respondents, clock) if respondents else None
    webhooks = WebhookEvents(ids, clock)  # the town's systems' deliveries (ADR 0071)
    return MessageBus({
        ResidentVerified: [residents.verified],
        ApplicationConfirmed: [residents.applied,
                               *([asking.application_confirmed] if asking else []),
                               webhooks.application_confirmed],
        ApplicationDecided: [DecisionNotice(telling, banks), webhooks.application_decided],
        ApplicationWithdrawn: [WithdrawalNotice(telling)],
        DisbursementStateChanged: [PaymentFailed(telling, ids, clock), webhooks.payment_failed],
        BatchStateChanged: [BatchClosed(ids, clock)],
        CashCodeIssued: [CashCodeNotice(telling)],
        CertificateRequestPaid: [certificates.paid, residents.requested_certificate,
                                 *([asking.certificate_paid] if asking else []),
                                 webhooks.certificate_paid],
        CertificatePaymentLapsed: [certificates.lapsed],
        CertificateRequestStateChanged: [certificates.moved],
        FeePaid: [fees.paid],
        FeePaymentLapsed: [fees.lapsed],
        FeeRefunded: [fees.refunded],
        VerificationDecided: [VerificationNotice(telling, menu),
                              *([VerifiedMenu(rich_menus)] if rich_menus else [])],
        CaseAnswered: [ReplyNotice(telling)],
        ConsultationTaken: [consultations.taken],
        ConsultationEnded: [consultations.ended],
        CaseOpened: [DepartmentAlert(ids, clock, procedure_titles=procedure_titles or {},
                                     case_url=case_url or _case_path),
                     *([asking.case_opened] if asking else []), webhooks.case_created],
    })


def _case_path(case_id: str) -> str:
    return f"/staff/cases/{case_id}"
