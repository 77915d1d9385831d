"""SQLAlchemy repositories: each adds to and reads from the unit of work's session."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from sqlalchemy import Select, and_, bindparam, func, or_, select, update
from sqlalchemy.orm import Session

from adapters.persistence.orm.benefits import applications, eligible_households
from adapters.persistence.orm.messaging import channel_identities, outbox
from adapters.persistence.orm.residents import households, residents
from application.attachments import StoredAttachment
from application.conversations.state import Conversation, ConversationStatus
from application.jobs import Job
from application.outbox import InboxEvent, OutboxMessage, OutboxStatus
from application.ports.payouts import TransferLine
from domain.access import ApiKey
from domain.batches import BatchState, PaymentAuditEntry, PaymentBatch
from domain.benefits import (
    Application,
    ApplicationStatus,
    BenefitProgram,
    Campaign,
    EligibleHousehold,
    PayoutMethod,
)
from domain.cash_payouts import CashPayout, CashPayoutState
from domain.certificates import CertificateRequest, IssueState, PaymentState
from domain.channels import ChannelIdentity, IdentityStatus
from domain.disbursements import Disbursement, DisbursementStatus
from domain.households import Household, HouseholdHead
from domain.residents import RegistryStatus, Resident, VerificationState
from domain.staff import StaffMember
from domain.staff_sign_in import StaffSignIn
from domain.values import BankAccount, Money
from domain.verifications import IdentityVerification, VerificationStatus

__all__ = [
    "SqlApiKeyRepository",
    "SqlApplicationRepository",
    "SqlAttachmentRepository",
    "SqlBatchRepository",
    "SqlCampaignRepository",
    "SqlCashPayoutRepository",
    "SqlCertificateRequestRepository",
    "SqlChannelIdentityRepository",
    "SqlConversationRepository",
    "SqlDisbursementRepository",
    "SqlEligibilityRepository",
    "SqlHouseholdRepository",
    "SqlInboxRepository",
    "SqlJobRepository",
    "SqlOutboxRepository",
    "SqlPaymentAuditRepository",
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

    def household_numbers(self, resident_numbers: Sequence[str]) -> dict[str, str]:
        if not resident_numbers:
            return {}
        rows = self.session.execute(
            select(residents.c.resident_number, residents.c.household_number)
            .where(residents.c.resident_number.in_(list(resident_numbers)),
                   residents.c.household_number.is_not(None))).all()
        return dict(rows)  # type: ignore[arg-type]

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

    def heads(self, household_ids: Sequence[str]) -> dict[str, HouseholdHead]:
        if not household_ids:
            return {}
        rows = self.session.execute(
            select(households.c.id, households.c.household_number,
                   households.c.head_resident_id)
            .where(households.c.id.in_(list(household_ids)))).all()
        return {row.id: HouseholdHead(row.id, row.household_number, row.head_resident_id)
                for row in rows}

    def ids_by_numbers(self, numbers: Sequence[str]) -> dict[str, str]:
        if not numbers:
            return {}
        rows = self.session.execute(
            select(households.c.household_number, households.c.id)
            .where(households.c.household_number.in_(list(numbers)))).all()
        return dict(rows)  # type: ignore[arg-type]

    def by_ids(self, household_ids: Sequence[str]) -> dict[str, Household]:
        found = self.session.scalars(
            select(Household).where(Household.id.in_(list(household_ids)))).all()
        self.tracked.update(found)
        return {household.id: household for household in found}


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


    def by_ids(self, application_ids: Sequence[str]) -> dict[str, Application]:
        found = self.session.scalars(
            select(Application).where(Application.id.in_(list(application_ids)))).all()
        self.tracked.update(found)
        return {application.id: application for application in found}

    def for_households(self, program_id: str,
                       household_ids: Sequence[str]) -> dict[str, Application]:
        if not household_ids:
            return {}
        found = self.session.scalars(select(Application).where(
            Application.program_id == program_id,
            Application.household_id.in_(list(household_ids)))).all()
        self.tracked.update(found)
        return {application.household_id: application for application in found}

    def of_household(self, household_id: str) -> Sequence[Application]:
        found = self.session.scalars(
            select(Application).where(Application.household_id == household_id)
            .order_by(Application.id.desc())).all()
        self.tracked.update(found)
        return found

    def get_by_account_conversation(self, conversation_id: str) -> Application | None:
        return self._one(Application.account_conversation_id == conversation_id)

    def paid_accounts(self, household_ids: Sequence[str]) -> dict[str, BankAccount]:
        if not household_ids:
            return {}
        rows = self.session.execute(
            select(applications.c.household_id, applications.c.payee_account)
            .where(applications.c.household_id.in_(list(household_ids)),
                   applications.c.status == ApplicationStatus.PAID,
                   applications.c.payout_method == PayoutMethod.BANK_TRANSFER,
                   applications.c.payee_account.is_not(None))
            .order_by(applications.c.confirmed_at)).all()
        return {household_id: account for household_id, account in rows}  # the latest wins

    def search(self, program_id: str, *, statuses: Sequence[ApplicationStatus] = (),
               channel: str | None = None, awaiting_account_check: bool | None = None,
               limit: int = 100, offset: int = 0) -> Sequence[Application]:
        query = select(Application).where(Application.program_id == program_id)
        if statuses:
            query = query.where(Application.status.in_(list(statuses)))
        if channel:
            query = query.where(Application.channel == channel)
        if awaiting_account_check is not None:
            awaiting = and_(applications.c.passbook_photo.is_not(None),
                            applications.c.account_checked_at.is_(None))
            query = query.where(awaiting if awaiting_account_check else ~awaiting)
        found = self.session.scalars(
            query.order_by(Application.confirmed_at, Application.id)
            .limit(limit).offset(offset)).all()
        self.tracked.update(found)
        return found

    def count_by_status(self, program_id: str) -> dict[ApplicationStatus, int]:
        rows = self.session.execute(
            select(applications.c.status, func.count())
            .where(applications.c.program_id == program_id)
            .group_by(applications.c.status)).all()
        return dict(rows)  # type: ignore[arg-type]

    def notice_outcomes(self, program_id: str) -> dict[str, int]:
        rows = self.session.execute(
            select(outbox.c.status, func.count())
            .select_from(applications.join(outbox, outbox.c.id == applications.c.notice_message_id))
            .where(applications.c.program_id == program_id)
            .group_by(outbox.c.status)).all()
        return {status.value: count for status, count in rows}


class SqlEligibilityRepository(_Repository):
    model = EligibleHousehold

    def existing_among(self, program_id: str, household_ids: Sequence[str]) -> set[str]:
        if not household_ids:
            return set()
        return set(self.session.scalars(
            select(eligible_households.c.household_id).where(
                eligible_households.c.program_id == program_id,
                eligible_households.c.household_id.in_(list(household_ids)))))

    def count_for(self, program_id: str) -> int:
        return self.session.scalar(
            select(func.count()).select_from(eligible_households)
            .where(eligible_households.c.program_id == program_id)) or 0

    def contains(self, program_id: str, household_id: str) -> bool:
        return self.session.scalar(
            select(eligible_households.c.id).where(
                eligible_households.c.program_id == program_id,
                eligible_households.c.household_id == household_id)) is not None

    def reach_counts(self, program_id: str, channel: str) -> tuple[int, int]:
        reachable = (
            select(channel_identities.c.id)
            .join(residents, residents.c.id == channel_identities.c.resident_id)
            .where(channel_identities.c.resident_id == households.c.head_resident_id,
                   channel_identities.c.channel == channel,
                   channel_identities.c.status == IdentityStatus.FOLLOWING,
                   residents.c.verification_state == VerificationState.VERIFIED)
            .exists())
        row = self.session.execute(
            select(func.count(), func.count().filter(reachable))
            .select_from(eligible_households.join(
                households, households.c.id == eligible_households.c.household_id))
            .where(eligible_households.c.program_id == program_id)).one()
        return int(row[0]), int(row[1])

    def page(self, program_id: str, *, after: str, limit: int) -> Sequence[str]:
        return self.session.scalars(
            select(eligible_households.c.household_id)
            .where(eligible_households.c.program_id == program_id,
                   eligible_households.c.household_id > after)
            .order_by(eligible_households.c.household_id).limit(limit)).all()


class SqlAttachmentRepository(_Repository):
    model = StoredAttachment

    def get_by_ref(self, ref: str) -> StoredAttachment | None:
        return self._one(StoredAttachment.ref == ref)


class SqlCampaignRepository(_Repository):
    model = Campaign

    def for_program(self, program_id: str) -> Sequence[Campaign]:
        found = self.session.scalars(
            select(Campaign).where(Campaign.program_id == program_id)
            .order_by(Campaign.started_at.desc())).all()
        self.tracked.update(found)
        return found


class SqlDisbursementRepository(_Repository):
    model = Disbursement

    def get_for_application(self, application_id: str) -> Disbursement | None:
        return self._one(
            Disbursement.application_id == application_id,
            Disbursement.status.not_in([DisbursementStatus.FAILED, DisbursementStatus.CANCELLED]),
        )

    # Payment batches (the transfer file is streamed: plain rows, nothing kept in the session)

    def pending_for(self, program_id: str, method: PayoutMethod) -> Sequence[Disbursement]:
        found = self.session.scalars(
            select(Disbursement).join(Application, Application.id == Disbursement.application_id)
            .where(Application.program_id == program_id, Disbursement.method == method,
                   Disbursement.status == DisbursementStatus.PENDING)
            .order_by(Disbursement.id)).all()
        self.tracked.update(found)
        return found

    def live_application_ids(self, program_id: str) -> set[str]:
        return set(self.session.scalars(
            select(Disbursement.application_id)
            .join(Application, Application.id == Disbursement.application_id)
            .where(Application.program_id == program_id,
                   Disbursement.status.not_in([DisbursementStatus.FAILED,
                                               DisbursementStatus.CANCELLED]))))

    def in_batch(self, batch_id: str, *,
                 status: DisbursementStatus | None = None) -> Sequence[Disbursement]:
        criteria = [Disbursement.batch_id == batch_id]
        if status is not None:
            criteria.append(Disbursement.status == status)
        found = self.session.scalars(
            select(Disbursement).where(*criteria).order_by(Disbursement.id)).all()
        self.tracked.update(found)
        return found

    def transfer_lines(self, batch_id: str) -> Iterator[TransferLine]:
        rows = self.session.execute(
            select(Disbursement.id, Disbursement.payee_account, Disbursement.amount)
            .where(Disbursement.batch_id == batch_id).order_by(Disbursement.id)
            .execution_options(yield_per=2000))
        for reference, account, amount in rows:
            yield TransferLine(reference=reference, account=account, amount=amount)

    def ids_in_batch(self, batch_id: str) -> Iterator[tuple[str, Money, DisbursementStatus]]:
        rows = self.session.execute(
            select(Disbursement.id, Disbursement.amount, Disbursement.status)
            .where(Disbursement.batch_id == batch_id).order_by(Disbursement.id)
            .execution_options(yield_per=5000))
        for row in rows:
            yield row[0], row[1], row[2]

    def status_counts_in_batch(self, batch_id: str) -> dict[DisbursementStatus, int]:
        rows = self.session.execute(
            select(Disbursement.status, func.count()).where(Disbursement.batch_id == batch_id)
            .group_by(Disbursement.status)).all()
        return dict(rows)  # type: ignore[arg-type]

    def move_batch(self, batch_id: str, *, from_status: DisbursementStatus,
                   to_status: DisbursementStatus, settled_at: dt.datetime | None = None) -> int:
        """Every payment of the batch in `from_status` moves to `to_status` (one statement:
        a batch of 300,000 is not loaded). Returns how many moved."""
        values: dict[str, Any] = {"status": to_status}
        if settled_at is not None:
            values["settled_at"] = settled_at
        self.session.flush()
        result = self.session.execute(
            update(Disbursement).where(Disbursement.batch_id == batch_id,
                                       Disbursement.status == from_status)
            .values(**values).execution_options(synchronize_session=False))
        self._expire(Disbursement)
        return result.rowcount  # type: ignore[attr-defined, no-any-return]

    def mark_applications_paid(self, batch_id: str) -> int:
        """Applications whose payment in this batch settled become 支払済み."""
        settled = (select(Disbursement.application_id)
                   .where(Disbursement.batch_id == batch_id,
                          Disbursement.status == DisbursementStatus.SETTLED))
        self.session.flush()
        result = self.session.execute(
            update(Application).where(Application.id.in_(settled),
                                      Application.status.in_([ApplicationStatus.APPROVED,
                                                              ApplicationStatus.PAYMENT_FAILED]))
            .values(status=ApplicationStatus.PAID).execution_options(synchronize_session=False))
        self._expire(Application)
        return result.rowcount  # type: ignore[attr-defined, no-any-return]

    def _expire(self, kind: type) -> None:
        """Objects of `kind` already loaded are read again after a bulk update."""
        for obj in list(self.session.identity_map.values()):
            if isinstance(obj, kind):
                self.session.expire(obj)

    def ledger_rows(self, program_id: str) -> Iterator[tuple[str, DisbursementStatus, Money]]:
        """(application id, status, amount) of every payment of the program."""
        rows = self.session.execute(
            select(Disbursement.application_id, Disbursement.status, Disbursement.amount)
            .join(Application, Application.id == Disbursement.application_id)
            .where(Application.program_id == program_id).execution_options(yield_per=5000))
        for row in rows:
            yield row[0], row[1], row[2]


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


    def reachable(self, resident_ids: Sequence[str], channel: str) -> dict[str, ChannelIdentity]:
        if not resident_ids:
            return {}
        found = self.session.scalars(
            select(ChannelIdentity)
            .join(residents, residents.c.id == channel_identities.c.resident_id)
            .where(channel_identities.c.resident_id.in_(list(resident_ids)),
                   channel_identities.c.channel == channel,
                   channel_identities.c.status == IdentityStatus.FOLLOWING,
                   residents.c.verification_state == VerificationState.VERIFIED)
            .order_by(channel_identities.c.status_changed_at)).all()
        self.tracked.update(found)
        return {identity.resident_id: identity for identity in found}  # type: ignore[misc]


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


class SqlBatchRepository(_Repository):
    model = PaymentBatch

    def list(self, *, program_id: str | None = None, limit: int = 200) -> Sequence[PaymentBatch]:
        statement = select(PaymentBatch).order_by(PaymentBatch.number.desc()).limit(limit)
        if program_id is not None:
            statement = statement.where(PaymentBatch.program_id == program_id)
        found = self.session.scalars(statement).all()
        self.tracked.update(found)
        return found

    def get_by_number(self, number: int) -> PaymentBatch | None:
        return self._one(PaymentBatch.number == number)

    def next_number(self) -> int:
        """The next 通し番号 (the unique constraint settles two batches made at once)."""
        return (self.session.scalar(select(func.max(PaymentBatch.number))) or 0) + 1

    def open_for(self, program_id: str) -> Sequence[PaymentBatch]:
        found = self.session.scalars(
            select(PaymentBatch).where(PaymentBatch.program_id == program_id,
                                       PaymentBatch.state.in_([BatchState.DRAFT,
                                                               BatchState.APPROVED,
                                                               BatchState.EXPORTED]))).all()
        self.tracked.update(found)
        return found


class SqlPaymentAuditRepository(_Repository):
    model = PaymentAuditEntry

    def for_batch(self, batch_id: str) -> Sequence[PaymentAuditEntry]:
        return self.session.scalars(
            select(PaymentAuditEntry).where(PaymentAuditEntry.batch_id == batch_id)
            .order_by(PaymentAuditEntry.at, PaymentAuditEntry.id)).all()

    def for_disbursement(self, disbursement_id: str) -> Sequence[PaymentAuditEntry]:
        return self.session.scalars(
            select(PaymentAuditEntry).where(PaymentAuditEntry.disbursement_id == disbursement_id)
            .order_by(PaymentAuditEntry.at, PaymentAuditEntry.id)).all()


class SqlCashPayoutRepository(_Repository):
    model = CashPayout

    def issued(self, *, limit: int = 1000) -> Sequence[CashPayout]:
        found = self.session.scalars(
            select(CashPayout).where(CashPayout.state == CashPayoutState.ISSUED)
            .order_by(CashPayout.expires_at, CashPayout.id).limit(limit)).all()
        self.tracked.update(found)
        return found

    def for_disbursement(self, disbursement_id: str) -> Sequence[CashPayout]:
        found = self.session.scalars(
            select(CashPayout).where(CashPayout.disbursement_id == disbursement_id)
            .order_by(CashPayout.attempt)).all()
        self.tracked.update(found)
        return found

class SqlStaffSignInRepository(_Repository):
    model = StaffSignIn
