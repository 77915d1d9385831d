"""SQLAlchemy repositories: each adds to and reads from the unit of work's session."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from application.jobs import Job
from application.outbox import InboxEvent, OutboxMessage, OutboxStatus
from domain.access import ApiKey
from domain.benefits import Application, BenefitProgram
from domain.certificates import CertificateRequest
from domain.disbursements import Disbursement, DisbursementStatus
from domain.households import Household
from domain.residents import Resident
from domain.staff import StaffMember

__all__ = [
    "SqlApiKeyRepository",
    "SqlApplicationRepository",
    "SqlCertificateRequestRepository",
    "SqlDisbursementRepository",
    "SqlHouseholdRepository",
    "SqlInboxRepository",
    "SqlJobRepository",
    "SqlOutboxRepository",
    "SqlProgramRepository",
    "SqlResidentRepository",
    "SqlStaffRepository",
]


class _Repository:
    model: type[Any]

    def __init__(self, session: Session) -> None:
        self.session = session
        self.tracked: set[Any] = set()

    def add(self, obj: Any) -> None:
        self.session.add(obj)
        self.tracked.add(obj)

    def get(self, obj_id: str) -> Any:
        obj = self.session.get(self.model, obj_id)
        if obj is not None:
            self.tracked.add(obj)
        return obj

    def _one(self, *criteria: Any) -> Any:
        obj = self.session.scalars(select(self.model).where(*criteria)).first()
        if obj is not None:
            self.tracked.add(obj)
        return obj

    def count(self) -> int:
        return self.session.scalar(select(func.count()).select_from(self.model)) or 0


class SqlResidentRepository(_Repository):
    model = Resident

    def get_by_resident_number(self, resident_number: str) -> Resident | None:
        return self._one(Resident.resident_number == resident_number)


class SqlHouseholdRepository(_Repository):
    model = Household

    def get_by_number(self, household_number: str) -> Household | None:
        return self._one(Household.household_number == household_number)


class SqlProgramRepository(_Repository):
    model = BenefitProgram

    def get_by_name(self, name: str) -> BenefitProgram | None:
        return self._one(BenefitProgram.name == name)

    def list(self) -> Sequence[BenefitProgram]:
        programs = self.session.scalars(
            select(BenefitProgram).order_by(BenefitProgram.window_opens_at.desc(),
                                            BenefitProgram.name)
        ).all()
        self.tracked.update(programs)
        return programs


class SqlApplicationRepository(_Repository):
    model = Application

    def get_for(self, program_id: str, household_id: str) -> Application | None:
        return self._one(Application.program_id == program_id,
                         Application.household_id == household_id)

    def list_for_program(self, program_id: str) -> Sequence[Application]:
        found = self.session.scalars(
            select(Application).where(Application.program_id == program_id)
            .order_by(Application.id)
        ).all()
        self.tracked.update(found)
        return found


class SqlDisbursementRepository(_Repository):
    model = Disbursement

    def get_for_application(self, application_id: str) -> Disbursement | None:
        return self._one(
            Disbursement.application_id == application_id,
            Disbursement.status.not_in([DisbursementStatus.FAILED, DisbursementStatus.CANCELLED]),
        )


class SqlCertificateRequestRepository(_Repository):
    model = CertificateRequest


class SqlStaffRepository(_Repository):
    model = StaffMember

    def get_by_login_id(self, login_id: str) -> StaffMember | None:
        return self._one(StaffMember.login_id == login_id)


class SqlApiKeyRepository(_Repository):
    model = ApiKey

    def get_by_hash(self, key_hash: str) -> ApiKey | None:
        return self._one(ApiKey.key_hash == key_hash)


class SqlJobRepository(_Repository):
    model = Job


class SqlOutboxRepository(_Repository):
    model = OutboxMessage

    def pending(self, limit: int) -> Sequence[OutboxMessage]:
        return self.session.scalars(
            select(OutboxMessage).where(OutboxMessage.status == OutboxStatus.PENDING)
            .order_by(OutboxMessage.created_at, OutboxMessage.id).limit(limit)
        ).all()


class SqlInboxRepository(_Repository):
    model = InboxEvent

    def seen(self, source: str, external_id: str) -> bool:
        return self.session.scalar(
            select(func.count()).select_from(InboxEvent)
            .where(InboxEvent.source == source, InboxEvent.external_id == external_id)
        ) > 0
