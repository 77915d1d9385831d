"""SQLAlchemy repositories: each adds to and reads from the unit of work's session."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import Select, and_, bindparam, func, or_, select
from sqlalchemy.orm import Session

from application.conversations.state import Conversation, ConversationStatus
from application.jobs import Job
from application.outbox import InboxEvent, OutboxMessage, OutboxStatus
from domain.access import ApiKey
from domain.benefits import Application, BenefitProgram
from domain.certificates import CertificateRequest, IssueState, PaymentState
from domain.channels import ChannelIdentity, IdentityStatus
from domain.disbursements import Disbursement, DisbursementStatus
from domain.households import Household
from domain.residents import RegistryStatus, Resident
from domain.staff import StaffMember
from domain.staff_sign_in import StaffSignIn
from domain.verifications import IdentityVerification, VerificationStatus

__all__ = [
    "SqlApiKeyRepository",
    "SqlApplicationRepository",
    "SqlCertificateRequestRepository",
    "SqlChannelIdentityRepository",
    "SqlConversationRepository",
    "SqlDisbursementRepository",
    "SqlHouseholdRepository",
    "SqlInboxRepository",
    "SqlJobRepository",
    "SqlOutboxRepository",
    "SqlProgramRepository",
    "SqlResidentRepository",
    "SqlStaffRepository",
    "SqlVerificationRepository",
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
        return self._one_ordered((), *criteria)

    def _one_ordered(self, order: tuple[Any, ...], *criteria: Any) -> Any:
        obj = self.session.scalars(select(self.model).where(*criteria).order_by(*order)).first()
        if obj is not None:
            self.tracked.add(obj)
        return obj

    def count(self) -> int:
        return self.session.scalar(select(func.count()).select_from(self.model)) or 0


class SqlResidentRepository(_Repository):
    model = Resident

    def get_by_resident_number(self, resident_number: str) -> Resident | None:
        return self._one(Resident.resident_number == resident_number)

    def by_ids(self, resident_ids: Sequence[str]) -> dict[str, Resident]:
        found = self.session.scalars(
            select(Resident).where(Resident.id.in_(list(resident_ids)))).all()
        self.tracked.update(found)
        return {resident.id: resident for resident in found}

    def first(self, count: int, *, prefix: str = "") -> Sequence[Resident]:
        """The first residents by resident number (for a development page's test people)."""
        found = self.session.scalars(
            select(Resident).where(Resident.resident_number.like(f"{prefix}%"))
            .order_by(Resident.resident_number).limit(count)).all()
        self.tracked.update(found)
        return found

    def by_numbers(self, numbers: Sequence[str]) -> dict[str, Resident]:
        found = self.session.scalars(
            select(Resident).where(Resident.resident_number.in_(list(numbers)))).all()
        self.tracked.update(found)
        return {resident.resident_number: resident for resident in found}

    def numbers_in_registry(self) -> Iterable[str]:
        """Resident numbers of everyone the registry still lists (not marked removed)."""
        return self.session.scalars(
            select(Resident.resident_number).where(
                Resident.resident_number.is_not(None),
                Resident.registry_status != RegistryStatus.REMOVED)).all()

    def candidates(self, *, persons: Sequence[str], places: Sequence[str],
                   readings: Sequence[str]) -> Sequence[Resident]:
        """Registry people sharing any of these match keys (indexed columns, one query)."""
        criteria = []
        if persons:
            criteria.append(Resident.match_person.in_(list(persons)))
        if places:
            criteria.append(Resident.match_place.in_(list(places)))
        if readings:
            criteria.append(Resident.match_reading.in_(list(readings)))
        if not criteria:
            return []
        found = self.session.scalars(select(Resident).where(or_(*criteria))).all()
        self.tracked.update(found)
        return found


class SqlHouseholdRepository(_Repository):
    model = Household

    def get_by_number(self, household_number: str) -> Household | None:
        return self._one(Household.household_number == household_number)

    def by_numbers(self, numbers: Sequence[str]) -> dict[str, Household]:
        found = self.session.scalars(
            select(Household).where(Household.household_number.in_(list(numbers)))).all()
        self.tracked.update(found)
        return {household.household_number: household for household in found}


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

    def get_by_payment_reference(self, reference: str) -> CertificateRequest | None:
        return self._one(CertificateRequest.payment_reference == reference)

    def queue(self, *, states: Sequence[IssueState],
              limit: int = 200) -> Sequence[CertificateRequest]:
        """Paid (or refunded) requests in these issue states, the longest-waiting first."""
        found = self.session.scalars(
            select(CertificateRequest).where(
                CertificateRequest.payment_state.in_([PaymentState.PAID,
                                                      PaymentState.REFUNDED]),
                CertificateRequest.issue_state.in_(list(states)))
            .order_by(CertificateRequest.paid_at, CertificateRequest.id).limit(limit)).all()
        self.tracked.update(found)
        return found

    def pending_payments(self, *, started_before: dt.datetime,
                         limit: int = 200) -> Sequence[CertificateRequest]:
        found = self.session.scalars(
            select(CertificateRequest).where(
                CertificateRequest.payment_state == PaymentState.PENDING,
                CertificateRequest.payment_started_at < started_before)
            .order_by(CertificateRequest.payment_started_at).limit(limit)).all()
        self.tracked.update(found)
        return found


class SqlStaffRepository(_Repository):
    model = StaffMember

    def get_by_login_id(self, login_id: str) -> StaffMember | None:
        return self._one(StaffMember.login_id == login_id)

    def list_all(self) -> Sequence[StaffMember]:
        found = self.session.scalars(select(StaffMember).order_by(StaffMember.login_id)).all()
        self.tracked.update(found)
        return found


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

    def due(self, *, now: dt.datetime, lease: dt.timedelta,
            limit: int) -> Sequence[OutboxMessage]:
        found = self.session.scalars(
            select(OutboxMessage).where(or_(
                and_(OutboxMessage.status == OutboxStatus.PENDING,
                     or_(OutboxMessage.next_attempt_at.is_(None),
                         OutboxMessage.next_attempt_at <= now)),
                and_(OutboxMessage.status == OutboxStatus.SENDING,
                     OutboxMessage.claimed_at < now - lease),
            )).order_by(OutboxMessage.created_at, OutboxMessage.id).limit(limit)
        ).all()
        self.tracked.update(found)
        return found

    def in_groups(self, group_keys: Iterable[str]) -> Sequence[OutboxMessage]:
        found = self.session.scalars(
            select(OutboxMessage).where(OutboxMessage.group_key.in_(list(group_keys)))).all()
        self.tracked.update(found)
        return found

    def get_many(self, message_ids: Sequence[str]) -> dict[str, OutboxMessage]:
        found = self.session.scalars(
            select(OutboxMessage).where(OutboxMessage.id.in_(list(message_ids)))).all()
        self.tracked.update(found)
        return {message.id: message for message in found}

    def count_by_status(self) -> dict[OutboxStatus, int]:
        rows = self.session.execute(
            select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status)).all()
        return dict(rows)  # type: ignore[arg-type]


class SqlChannelIdentityRepository(_Repository):
    model = ChannelIdentity

    def linked_to(self, resident_id: str) -> Sequence[ChannelIdentity]:
        found = self.session.scalars(
            select(ChannelIdentity).where(ChannelIdentity.resident_id == resident_id)).all()
        self.tracked.update(found)
        return found

    def get_by_address(self, channel: str, address: str) -> ChannelIdentity | None:
        found = self.session.scalars(_by_address(), {"channel": channel,
                                                     "address": address}).first()
        if found is not None:
            self.tracked.add(found)
        return found

    def blocked_among(self, channel: str, addresses: Sequence[str]) -> set[str]:
        if not addresses:
            return set()
        return set(self.session.scalars(
            select(ChannelIdentity.address).where(
                ChannelIdentity.channel == channel,
                ChannelIdentity.address.in_(set(addresses)),
                ChannelIdentity.status == IdentityStatus.BLOCKED)))


class SqlVerificationRepository(_Repository):
    model = IdentityVerification

    def with_status(self, status: VerificationStatus, *,
                    limit: int = 100) -> Sequence[IdentityVerification]:
        found = self.session.scalars(
            select(IdentityVerification).where(IdentityVerification.status == status)
            .order_by(IdentityVerification.verified_at, IdentityVerification.id).limit(limit)
        ).all()
        self.tracked.update(found)
        return found

    def count_by_status(self) -> dict[VerificationStatus, int]:
        rows = self.session.execute(
            select(IdentityVerification.status, func.count())
            .group_by(IdentityVerification.status)).all()
        return dict(rows)  # type: ignore[arg-type]


class SqlConversationRepository(_Repository):
    model = Conversation

    def current_for(self, identity_id: str) -> Conversation | None:
        """The newest conversation of this identity that is still open, if any."""
        found = self.session.scalars(_current_conversation(), {"identity": identity_id}).first()
        if found is not None:
            self.tracked.add(found)
        return found


# The statements of the webhook's hot path, built once (building a statement costs more than
# running it on a small indexed table).

@functools.cache
def _by_address() -> Select:  # type: ignore[type-arg]
    return select(ChannelIdentity).where(ChannelIdentity.channel == bindparam("channel"),
                                         ChannelIdentity.address == bindparam("address"))


@functools.cache
def _current_conversation() -> Select:  # type: ignore[type-arg]
    return (select(Conversation)
            .where(Conversation.identity_id == bindparam("identity"),
                   Conversation.status.in_([ConversationStatus.ACTIVE,
                                            ConversationStatus.CONFIRMING]))
            .order_by(Conversation.updated_at.desc(), Conversation.id.desc()).limit(1))


class SqlInboxRepository(_Repository):
    """A second copy of the same event is refused when the unit of work commits (the unique
    index decides, also between two concurrent deliveries): nothing of it stays."""

    model = InboxEvent


class SqlStaffSignInRepository(_Repository):
    model = StaffSignIn
