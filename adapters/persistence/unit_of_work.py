"""The SQLAlchemy unit of work: one session, one transaction, repositories over it. On commit
the message bus first runs what follows from the events the aggregates recorded, in the same
transaction."""

from __future__ import annotations

from typing import Self

from sqlalchemy import Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.orm.exc import StaleDataError

from adapters.persistence.audit import SqlAuditTrail
from adapters.persistence.errors import constraint_name, is_unique_violation
from adapters.persistence.queries import SqlQueries
from adapters.persistence.queries.kpi import SqlKpiMonthRepository
from adapters.persistence.repositories.associations import (
    SqlAssociationRepository,
    SqlCircularRepository,
)
from adapters.persistence.repositories.benefits import (
    SqlApplicationRepository,
    SqlCampaignRepository,
    SqlEligibilityRepository,
    SqlProgramRepository,
    SqlReminderRepository,
)
from adapters.persistence.repositories.cases import (
    SqlCannedReplyRepository,
    SqlCaseEntryRepository,
    SqlCaseRepository,
    SqlDepartmentRepository,
)
from adapters.persistence.repositories.certificates import SqlCertificateRequestRepository
from adapters.persistence.repositories.consultations import (
    SqlConsultationRepository,
    SqlDepartmentHoursRepository,
)
from adapters.persistence.repositories.disbursements import (
    SqlBatchRepository,
    SqlCashPayoutRepository,
    SqlDisbursementRepository,
    SqlPaymentAuditRepository,
)
from adapters.persistence.repositories.fees import SqlFeePaymentRepository
from adapters.persistence.repositories.interests import SqlInterestRepository
from adapters.persistence.repositories.jobs import SqlJobRepository
from adapters.persistence.repositories.messaging import (
    SqlAttachmentRepository,
    SqlChannelIdentityRepository,
    SqlContactCodeRepository,
    SqlContactPreferenceRepository,
    SqlConversationRepository,
    SqlInboxRepository,
    SqlOutboxRepository,
    SqlRichMenuLayoutRepository,
    SqlTownSettingRepository,
)
from adapters.persistence.repositories.notices import SqlNoticeRepository
from adapters.persistence.repositories.procedures import SqlBuiltProcedureRepository
from adapters.persistence.repositories.registry_store import SqlRegistryStore
from adapters.persistence.repositories.resident_profiles import SqlResidentProfileRepository
from adapters.persistence.repositories.residents import (
    SqlHouseholdRepository,
    SqlResidentRepository,
    SqlVerificationRepository,
)
from adapters.persistence.repositories.saved_segments import SqlSavedSegmentRepository
from adapters.persistence.repositories.service_costs import SqlServiceCostRepository
from adapters.persistence.repositories.staff import (
    SqlApiKeyRepository,
    SqlStaffRepository,
    SqlStaffSignInRepository,
)
from adapters.persistence.repositories.surveys import SqlSurveyAnswerRepository
from adapters.persistence.repositories.webhooks import (
    SqlWebhookDeliveryRepository,
    SqlWebhookSubscriptionRepository,
)
from adapters.persistence.sqlite_writers import serialize_writers
from application.messagebus import MessageBus
from application.ports.unit_of_work import ConcurrentUpdate, DuplicateError
from domain.aggregates import Aggregate
from domain.events import Event

__all__ = ["SqlAlchemyUnitOfWork", "session_factory"]


def session_factory(engine: Engine) -> sessionmaker[Session]:
    sessions = sessionmaker(bind=engine, expire_on_commit=False)
    if engine.dialect.name == "sqlite":
        serialize_writers(sessions)
    return sessions


class SqlAlchemyUnitOfWork:
    def __init__(self, sessions: sessionmaker[Session], bus: MessageBus) -> None:
        self._sessions = sessions
        self._bus = bus
        self.session: Session | None = None

    def __enter__(self) -> Self:
        session = self.session = self._sessions()
        self.residents = SqlResidentRepository(session)
        self.households = SqlHouseholdRepository(session)
        self.programs = SqlProgramRepository(session)
        self.applications = SqlApplicationRepository(session)
        self.disbursements = SqlDisbursementRepository(session)
        self.certificate_requests = SqlCertificateRequestRepository(session)
        self.staff = SqlStaffRepository(session)
        self.api_keys = SqlApiKeyRepository(session)
        self.jobs = SqlJobRepository(session)
        self.outbox = SqlOutboxRepository(session)
        self.inbox = SqlInboxRepository(session)
        self.channel_identities = SqlChannelIdentityRepository(session)
        self.conversations = SqlConversationRepository(session)
        self.verifications = SqlVerificationRepository(session)
        self.eligibility = SqlEligibilityRepository(session)
        self.campaigns = SqlCampaignRepository(session)
        self.reminders = SqlReminderRepository(session)
        self.notices = SqlNoticeRepository(session)
        self.attachments = SqlAttachmentRepository(session)
        self.audit = SqlAuditTrail(session)
        self.sign_ins = SqlStaffSignInRepository(session)
        self.resident_profiles = SqlResidentProfileRepository(session)
        self.registry = SqlRegistryStore(session)
        self.interests = SqlInterestRepository(session)
        self.segments = SqlSavedSegmentRepository(session)
        self.queries = SqlQueries(session)
        self._repositories = [
            self.residents, self.households, self.programs, self.applications,
            self.disbursements, self.certificate_requests, self.staff, self.api_keys,
            self.jobs, self.outbox, self.inbox, self.channel_identities, self.conversations,
            self.verifications,
        ]
        self.batches = SqlBatchRepository(session)
        self.payment_audit = SqlPaymentAuditRepository(session)
        self.cash_payouts = SqlCashPayoutRepository(session)
        self.town_settings = SqlTownSettingRepository(session)
        self.rich_menu_layouts = SqlRichMenuLayoutRepository(session)
        self.contact_codes = SqlContactCodeRepository(session)
        self.contact_preferences = SqlContactPreferenceRepository(session)
        self.departments = SqlDepartmentRepository(session)
        self.cases = SqlCaseRepository(session)
        self.case_entries = SqlCaseEntryRepository(session)
        self.consultations = SqlConsultationRepository(session)
        self.department_hours = SqlDepartmentHoursRepository(session)
        self.canned_replies = SqlCannedReplyRepository(session)
        self.built_procedures = SqlBuiltProcedureRepository(session)
        self.fee_payments = SqlFeePaymentRepository(session)
        self.service_costs = SqlServiceCostRepository(session)
        self.kpi_months = SqlKpiMonthRepository(session)
        self.associations = SqlAssociationRepository(session)
        self.circulars = SqlCircularRepository(session)
        self.survey_answers = SqlSurveyAnswerRepository(session)
        self.webhook_subscriptions = SqlWebhookSubscriptionRepository(session)
        self.webhook_deliveries = SqlWebhookDeliveryRepository(session)
        self._repositories += [self.batches, self.payment_audit, self.cash_payouts,
                               self.town_settings, self.rich_menu_layouts, self.contact_codes,
                               self.contact_preferences,
                               self.departments, self.cases, self.case_entries,
                               self.consultations, self.department_hours,
                               self.built_procedures, self.fee_payments, self.notices,
                               self.service_costs, self.associations, self.circulars,
                               self.survey_answers, self.webhook_subscriptions,
                               self.webhook_deliveries]
        self._events: list[Event] = []
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 _traceback: object) -> None:
        assert self.session is not None
        self.session.close()  # rolls back whatever was not committed; objects stay readable
        self.session = None
        # A read inside the block may flush (autoflush) and meet another transaction's write:
        # it means the same as at commit, and is raised as the same port error.
        if isinstance(error, StaleDataError):
            raise ConcurrentUpdate(str(error)) from error
        if isinstance(error, IntegrityError) and is_unique_violation(error):
            raise DuplicateError(constraint_name(error)) from error

    def commit(self) -> None:
        assert self.session is not None, "use the unit of work in a `with` block"
        try:
            self._bus.dispatch(self)  # a handler's read may flush: errors map the same way
            self.session.commit()
        except IntegrityError as error:
            self.session.rollback()
            if is_unique_violation(error):
                raise DuplicateError(constraint_name(error)) from error
            raise
        except StaleDataError as error:
            self.session.rollback()
            raise ConcurrentUpdate(str(error)) from error

    def rollback(self) -> None:
        if self.session is not None:
            self.session.rollback()

    def collect_new_events(self) -> list[Event]:
        self._gather_events()
        events, self._events = self._events, []
        return events

    def _gather_events(self) -> None:
        for repository in self._repositories:
            for obj in repository.tracked:
                if isinstance(obj, Aggregate):
                    self._events.extend(obj.pull_events())
