from __future__ import annotations

from typing import Protocol, Self

from application.ports import repositories as r
from application.ports.associations import AssociationRepository, CircularRepository
from application.ports.audit import AuditTrail
from application.ports.built_procedures import BuiltProcedureRepository
from application.ports.interests import InterestRepository
from application.ports.kpi_queries import KpiMonthRepository
from application.ports.notice_repository import NoticeRepository
from application.ports.queries import Queries
from application.ports.registry_store import RegistryStore
from application.ports.resident_profiles import ResidentProfileRepository
from application.ports.saved_segments import SavedSegmentRepository
from application.ports.service_costs import ServiceCostRepository
from application.ports.staff_security import StaffSignInRepository
from application.ports.survey_answers import SurveyAnswerRepository
from application.ports.webhooks import WebhookDeliveryRepository, WebhookSubscriptionRepository
from domain.events import Event

__all__ = ["ConcurrentUpdate", "DuplicateError", "UnitOfWork"]


class DuplicateError(Exception):
    """The database refused a second copy of something that must be unique.

    Raised by `commit()`; the unit of work is rolled back and nothing was written."""

    def __init__(self, constraint: str) -> None:
        super().__init__(constraint)
        self.constraint = constraint


class ConcurrentUpdate(Exception):
    """Someone else changed the same row since it was read (optimistic locking); nothing of this
    unit of work was written. Read again and decide again."""


class UnitOfWork(Protocol):
    """One transaction. `with uow:` opens it; leaving without `commit()` rolls it back."""

    residents: r.ResidentRepository
    households: r.HouseholdRepository
    programs: r.ProgramRepository
    applications: r.ApplicationRepository
    disbursements: r.DisbursementRepository
    certificate_requests: r.CertificateRequestRepository
    fee_payments: r.FeePaymentRepository
    staff: r.StaffRepository
    api_keys: r.ApiKeyRepository
    jobs: r.JobRepository
    outbox: r.OutboxRepository
    inbox: r.InboxRepository
    channel_identities: r.ChannelIdentityRepository
    conversations: r.ConversationRepository
    verifications: r.VerificationRepository
    eligibility: r.EligibilityRepository
    campaigns: r.CampaignRepository
    reminders: r.ReminderRepository
    notices: NoticeRepository
    attachments: r.AttachmentRepository
    batches: r.BatchRepository
    payment_audit: r.PaymentAuditRepository
    cash_payouts: r.CashPayoutRepository
    town_settings: r.TownSettingRepository
    survey_answers: SurveyAnswerRepository
    rich_menu_layouts: r.RichMenuLayoutRepository
    contact_codes: r.ContactCodeRepository
    contact_preferences: r.ContactPreferenceRepository
    departments: r.DepartmentRepository
    cases: r.CaseRepository
    case_entries: r.CaseEntryRepository
    consultations: r.ConsultationRepository
    department_hours: r.DepartmentHoursRepository
    canned_replies: r.CannedReplyRepository
    built_procedures: BuiltProcedureRepository
    service_costs: ServiceCostRepository
    kpi_months: KpiMonthRepository
    associations: AssociationRepository
    circulars: CircularRepository
    audit: AuditTrail
    sign_ins: StaffSignInRepository
    resident_profiles: ResidentProfileRepository  # segments' attributes (ADR 0056)
    registry: RegistryStore  # the registry import's bulk reads and writes (ADR 0063)
    interests: InterestRepository  # お知らせの分野 and residents' subscriptions
    segments: SavedSegmentRepository  # 配信対象 staff saved
    webhook_subscriptions: WebhookSubscriptionRepository  # 連携（Webhook）, ADR 0071
    webhook_deliveries: WebhookDeliveryRepository
    queries: Queries  # the read side, in this transaction

    def __enter__(self) -> Self: ...
    def __exit__(self, *args: object) -> None: ...
    def commit(self) -> None: ...
    def rollback(self) -> None: ...
    def collect_new_events(self) -> list[Event]: ...
