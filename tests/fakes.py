"""In-memory fakes of the ports, for unit tests (no I/O)."""

from __future__ import annotations

import datetime as dt
import itertools
import uuid
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from typing import Any, Self

import attrs

from application.channels.inbox import InboxEvent
from application.conversations.state import Conversation
from application.handlers import message_bus
from application.jobs.job import Job, JobStatus
from application.messagebus import MessageBus
from application.messaging.outbox import OutboxMessage
from application.messaging.telling import ContactPolicy, Telling
from application.ports.messaging import DeliveryOutcome, DeliveryResult
from application.ports.payouts import TransferLine
from application.ports.registry_store import (
    RegistryHousehold,
    RegistryPerson,
    RegistryProfile,
    StoredPerson,
    plain_facts,
)
from application.ports.resident_profiles import ResidentProfile
from application.ports.unit_of_work import ConcurrentUpdate, DuplicateError
from domain.access import ApiKey
from domain.aggregates import Aggregate
from domain.associations import Association, AssociationMember, Circular, CircularRead
from domain.batches import PaymentBatch
from domain.benefits import Application, ApplicationStatus, BenefitProgram
from domain.built_procedures import BuiltProcedure, ProcedureVersion
from domain.canned_replies import CannedReply
from domain.cases import CaseEntry, CaseStatus, Department, DepartmentMembership, InboxCase
from domain.cash_payouts import CashPayout, CashPayoutState
from domain.channels import ChannelIdentity, IdentityStatus
from domain.consultations import Consultation, ConsultationStatus
from domain.disbursements import Disbursement, DisbursementStatus
from domain.events import Event
from domain.fees import FeePayment
from domain.households import Household, HouseholdHead, HouseholdMember
from domain.notices import Notice, NoticeRecipient, NoticeStatus
from domain.payments import PaymentState
from domain.reminders import Reminder, ReminderDelivery
from domain.residents import PersonalFacts, RegistryStatus, Resident
from domain.staff import StaffMember
from domain.staff_sign_in import LOCK_DURATION, MAX_FAILED_ATTEMPTS, StaffSignIn
from domain.values import JST
from domain.webhooks import WebhookAttempt, WebhookDelivery, WebhookSubscription
from tests.fake_queries import FakeQueries


class FakeClock:
    def __init__(self, now: dt.datetime | None = None) -> None:
        self.current = now or dt.datetime(2026, 6, 1, 9, 0, tzinfo=JST)

    def now(self) -> dt.datetime:
        return self.current

    def advance(self, **delta: float) -> None:
        self.current += dt.timedelta(**delta)


class SequentialIds:
    def __init__(self, prefix: str = "id") -> None:
        self._counter = itertools.count(1)
        self._prefix = prefix

    def new_id(self) -> str:
        return f"{self._prefix}{next(self._counter):06d}"

    def __reduce__(self) -> Any:
        raise TypeError("SequentialIds cannot go to another process: each copy would count "
                        "from where it was copied and repeat ids (use TimeOrderedIds there)")


class FakeLinkMaker:
    """Personal links to the web channel, numbered; remembers whom each was made for."""

    def __init__(self) -> None:
        self.made: list[tuple[str, str, str]] = []

    def link_for(self, recipient_channel: str, recipient: str, message_id: str) -> str:
        self.made.append((recipient_channel, recipient, message_id))
        return f"https://madoguchi.test/r/{len(self.made)}?m={message_id}"


class FakeChannel:
    """An in-memory `MessagingChannel` keeping the promises of the port: a repeat of an
    accepted idempotency key is delivered once; `send_many` answers per group of at most
    `group_limit`; `unknown` recipients are BLOCKED, `down` answers RETRY_LATER."""

    def __init__(self, name: str = "fake", *, group_limit: int = 500) -> None:
        self.name, self.group_limit = name, group_limit
        self.received: dict[str, list[Sequence[Any]]] = {}
        self.unknown: set[str] = set()
        self.down = False
        self._accepted: set[tuple[str, str]] = set()

    def send(self, recipient: str, messages: Sequence[Any], *, idempotency_key: str,
             reply_token: str | None = None, retaken: bool = False) -> DeliveryResult:
        [(_, result)] = self.send_many([recipient], messages, idempotency_key=idempotency_key)
        return result

    def send_many(self, recipients: Sequence[str], messages: Sequence[Any], *,
                  idempotency_key: str) -> list[tuple[list[str], DeliveryResult]]:
        if self.down:
            return [([r], DeliveryResult(DeliveryOutcome.RETRY_LATER, "down"))
                    for r in recipients]
        groups: list[tuple[list[str], DeliveryResult]] = []
        for start in range(0, len(recipients), self.group_limit):
            chunk = list(recipients[start:start + self.group_limit])
            if not any(r in self.unknown for r in chunk):
                for recipient in chunk:
                    self._take(recipient, messages, idempotency_key)
                groups.append((chunk, DeliveryResult(DeliveryOutcome.DELIVERED)))
                continue
            for recipient in chunk:  # answered one by one, as a channel that knows each
                if recipient in self.unknown:
                    groups.append(([recipient], DeliveryResult(DeliveryOutcome.BLOCKED,
                                                               "unknown recipient")))
                else:
                    self._take(recipient, messages, idempotency_key)
                    groups.append(([recipient], DeliveryResult(DeliveryOutcome.DELIVERED)))
        return groups

    def _take(self, recipient: str, messages: Sequence[Any], key: str) -> None:
        if (key, recipient) not in self._accepted:
            self._accepted.add((key, recipient))
            self.received.setdefault(recipient, []).append(list(messages))


class PlainHasher:
    """Not a hash: unit tests only check that the stored value is what the hasher made."""

    def hash(self, password: str) -> str:
        return f"plain:{password}"

    def verify(self, password_hash: str, password: str) -> bool:
        return password_hash == f"plain:{password}"


class _FakeRepository:
    unique: tuple[str, ...] = ()  # attributes that must be unique, like the database says

    def __init__(self, store: dict[str, Any]) -> None:
        self._store = store

    def add(self, obj: Any) -> None:
        self._store[obj.id] = obj

    def get(self, obj_id: str) -> Any:
        return self._store.get(obj_id)

    def _where(self, **criteria: Any) -> list[Any]:
        return [o for o in self._store.values()
                if all(getattr(o, k) == v for k, v in criteria.items())]

    def _first(self, **criteria: Any) -> Any:
        found = self._where(**criteria)
        return found[0] if found else None

    def count(self) -> int:
        return len(self._store)


class FakeResidents(_FakeRepository):
    unique = ("resident_number",)

    def get_by_resident_number(self, number: str) -> Resident | None:
        return self._first(resident_number=number)

    def by_numbers(self, numbers: Sequence[str]) -> dict[str, Resident]:
        wanted = set(numbers)
        return {r.resident_number: r for r in self._store.values()
                if r.resident_number in wanted}

    def by_ids(self, resident_ids: Sequence[str]) -> dict[str, Resident]:
        return {i: self._store[i] for i in resident_ids if i in self._store}

    def household_numbers(self, resident_numbers: Sequence[str]) -> dict[str, str]:
        return {n: r.household_number for n, r in self.by_numbers(resident_numbers).items()
                if r.household_number}

    def numbers_in_registry(self) -> list[str]:
        return [r.resident_number for r in self._store.values()
                if r.resident_number and r.registry_status is not RegistryStatus.REMOVED]

    def candidates(self, *, persons: Sequence[str], places: Sequence[str],
                   readings: Sequence[str], name_places: Sequence[str] = ()) -> list[Resident]:
        return [r for r in self._store.values() if r.match_keys is not None and (
            r.match_keys.person in persons or r.match_keys.place in places
            or (r.match_keys.reading is not None and r.match_keys.reading in readings)
            or (r.match_keys.name_place is not None and r.match_keys.name_place in name_places))]


class FakeHouseholds(_FakeRepository):
    unique = ("household_number",)

    def get_by_number(self, number: str) -> Household | None:
        return self._first(household_number=number)

    def by_numbers(self, numbers: Sequence[str]) -> dict[str, Household]:
        wanted = set(numbers)
        return {h.household_number: h for h in self._store.values()
                if h.household_number in wanted}

    def by_ids(self, household_ids: Sequence[str]) -> dict[str, Household]:
        return {i: self._store[i] for i in household_ids if i in self._store}

    def heads(self, household_ids: Sequence[str]) -> dict[str, HouseholdHead]:
        return {h.id: HouseholdHead(h.id, h.household_number, h.head_resident_id)
                for h in self.by_ids(household_ids).values()}

    def ids_by_numbers(self, numbers: Sequence[str]) -> dict[str, str]:
        return {n: h.id for n, h in self.by_numbers(numbers).items()}


class FakePrograms(_FakeRepository):
    unique = ("name",)

    def get_by_name(self, name: str) -> BenefitProgram | None:
        return self._first(name=name)


class FakeApplications(_FakeRepository):
    unique = ("program_id", "household_id")

    def add_notified(self, applications: Sequence[Application]) -> None:
        for application in applications:  # the unit of work checks `unique` at commit
            self.add(application)

    def get_for(self, program_id: str, household_id: str) -> Application | None:
        return self._first(program_id=program_id, household_id=household_id)

    def list_for_program(self, program_id: str) -> Sequence[Application]:
        return self._where(program_id=program_id)

    def by_ids(self, application_ids: Sequence[str]) -> dict[str, Application]:
        return {i: self._store[i] for i in application_ids if i in self._store}

    def for_households(self, program_id: str,
                       household_ids: Sequence[str]) -> dict[str, Application]:
        wanted = set(household_ids)
        return {a.household_id: a for a in self._where(program_id=program_id)
                if a.household_id in wanted}

    def of_household(self, household_id: str) -> list[Application]:
        return sorted(self._where(household_id=household_id), key=lambda a: a.id, reverse=True)

    def get_by_account_conversation(self, conversation_id: str) -> Application | None:
        return self._first(account_conversation_id=conversation_id) if conversation_id else None

    def paid_accounts(self, household_ids: Sequence[str]) -> dict[str, Any]:
        wanted = set(household_ids)
        paid = sorted((a for a in self._store.values()
                       if a.household_id in wanted and a.status is ApplicationStatus.PAID
                       and a.payee_account is not None),
                      key=lambda a: a.confirmed_at or dt.datetime.min.replace(tzinfo=dt.UTC))
        return {a.household_id: a.payee_account for a in paid}


class FakeEligibility(_FakeRepository):
    unique = ("program_id", "household_id")
    tables: dict[str, dict[str, Any]]  # the unit of work's tables, for the reach (a join)

    def existing_among(self, program_id: str, household_ids: Sequence[str]) -> set[str]:
        wanted = set(household_ids)
        return {e.household_id for e in self._where(program_id=program_id)
                if e.household_id in wanted}

    def contains(self, program_id: str, household_id: str) -> bool:
        return self._first(program_id=program_id, household_id=household_id) is not None

    def page(self, program_id: str, *, after: str, limit: int) -> list[str]:
        ids = sorted(e.household_id for e in self._where(program_id=program_id))
        return [i for i in ids if i > after][:limit]


class FakeAttachments(_FakeRepository):
    unique = ("ref",)

    def get_by_ref(self, ref: str) -> Any:
        return self._first(ref=ref)

    def remove_refs(self, refs: Sequence[str]) -> int:
        gone = [key for key, kept in self._store.items() if kept.ref in set(refs)]
        for key in gone:
            del self._store[key]
        return len(gone)


class FakeCampaigns(_FakeRepository):
    pass


class FakeReminders(_FakeRepository):
    """Reminders and their deliveries in one store (a delivery is told apart by its type)."""

    def _reminders(self) -> list[Any]:
        return [o for o in self._store.values() if isinstance(o, Reminder)]

    def _deliveries(self, reminder_id: str) -> list[ReminderDelivery]:
        return [o for o in self._store.values()
                if isinstance(o, ReminderDelivery) and o.reminder_id == reminder_id]

    def of_program(self, program_id: str) -> list[Any]:
        return sorted((r for r in self._reminders() if r.program_id == program_id),
                      key=lambda r: r.due_at)

    def due(self, now: dt.datetime) -> list[Any]:
        return sorted((r for r in self._reminders() if r.is_due(now)), key=lambda r: r.due_at)

    def started(self) -> list[Any]:
        return [r for r in self._reminders() if r.job_id is not None]

    def add_delivery(self, delivery: ReminderDelivery) -> None:
        if any(d.household_id == delivery.household_id
               for d in self._deliveries(delivery.reminder_id)):
            raise DuplicateError("uq_reminder_deliveries_reminder_id_household_id")
        self._store[delivery.id] = delivery

    def delivered_among(self, reminder_id: str, household_ids: Sequence[str]) -> set[str]:
        return {d.household_id for d in self._deliveries(reminder_id)} & set(household_ids)

    def delivered_count(self, reminder_id: str) -> int:
        return len(self._deliveries(reminder_id))


class FakeDisbursements(_FakeRepository):
    def get_for_application(self, application_id: str) -> Disbursement | None:
        for d in self._where(application_id=application_id):
            if d.status not in {DisbursementStatus.FAILED, DisbursementStatus.CANCELLED}:
                return d
        return None

    # Payment batches

    def _program_of(self, disbursement: Disbursement) -> str | None:
        application = self.applications.get(disbursement.application_id)
        return None if application is None else application.program_id

    def pending_for(self, program_id: str, method: Any) -> list[Disbursement]:
        return sorted((d for d in self._store.values()
                       if d.status is DisbursementStatus.PENDING and d.method is method
                       and self._program_of(d) == program_id), key=lambda d: d.id)

    def live_application_ids(self, program_id: str) -> set[str]:
        return {d.application_id for d in self._store.values()
                if d.status not in {DisbursementStatus.FAILED, DisbursementStatus.CANCELLED}
                and self._program_of(d) == program_id}

    def in_batch(self, batch_id: str, *, status: Any = None) -> list[Disbursement]:
        return sorted((d for d in self._store.values() if d.batch_id == batch_id
                       and (status is None or d.status is status)), key=lambda d: d.id)

    def transfer_lines(self, batch_id: str) -> Iterator[TransferLine]:
        for d in self.in_batch(batch_id):
            yield TransferLine(reference=d.id, account=d.payee_account, amount=d.amount)

    def ids_in_batch(self, batch_id: str) -> Iterator[tuple[str, Any, DisbursementStatus]]:
        for d in self.in_batch(batch_id):
            yield d.id, d.amount, d.status

    def status_counts_in_batch(self, batch_id: str) -> dict[DisbursementStatus, int]:
        counts: dict[DisbursementStatus, int] = {}
        for d in self.in_batch(batch_id):
            counts[d.status] = counts.get(d.status, 0) + 1
        return counts

    def move_batch(self, batch_id: str, *, from_status: DisbursementStatus,
                   to_status: DisbursementStatus, settled_at: dt.datetime | None = None) -> int:
        moved = 0
        for d in self.in_batch(batch_id, status=from_status):
            d.status = to_status
            if settled_at is not None:
                d.settled_at = settled_at
            moved += 1
        return moved

    def mark_applications_paid(self, batch_id: str) -> int:
        moved = 0
        for d in self.in_batch(batch_id, status=DisbursementStatus.SETTLED):
            application = self.applications.get(d.application_id)
            if application is not None and application.status in {
                    ApplicationStatus.APPROVED, ApplicationStatus.PAYMENT_FAILED}:
                application.status = ApplicationStatus.PAID
                moved += 1
        return moved


class FakeBatches(_FakeRepository):
    unique = ("number",)

    def get_by_number(self, number: int) -> PaymentBatch | None:
        return self._first(number=number)

    def next_number(self) -> int:
        return max((b.number for b in self._store.values()), default=0) + 1


class FakePaymentAudit(_FakeRepository):
    pass


class FakeCashPayouts(_FakeRepository):
    unique = ("reference",)

    def issued(self, *, limit: int = 1000) -> list[CashPayout]:
        found = [p for p in self._store.values() if p.state is CashPayoutState.ISSUED]
        return sorted(found, key=lambda p: (p.expires_at, p.id))[:limit]


class _FakePayables(_FakeRepository):
    def get_by_payment_reference(self, reference: str) -> Any:
        return self._first(payment_reference=reference)

    def pending_payments(self, *, started_before: dt.datetime, limit: int = 200) -> list[Any]:
        found = [r for r in self._store.values()
                 if r.payment_state is PaymentState.PENDING
                 and r.payment_started_at is not None and r.payment_started_at < started_before]
        return sorted(found, key=lambda r: r.payment_started_at)[:limit]


class FakeCertificateRequests(_FakePayables):
    pass


class FakeFeePayments(_FakePayables):
    def of_case(self, case_id: str) -> FeePayment | None:
        return self._first(case_id=case_id)

    def unpaid_before(self, *, created_before: dt.datetime,
                      limit: int = 200) -> list[FeePayment]:
        found = [f for f in self._store.values() if f.payment_state is PaymentState.UNPAID
                 and f.created_at < created_before]
        return sorted(found, key=lambda f: f.created_at)[:limit]

    def remove(self, fee: FeePayment) -> None:
        self._store.pop(fee.id, None)

    def count_waiting(self, procedure_id: str) -> int:
        return len(self._where(procedure_id=procedure_id, case_id=None))


class FakeStaff(_FakeRepository):
    unique = ("login_id",)

    def get_by_login_id(self, login_id: str) -> StaffMember | None:
        return self._first(login_id=login_id)

    def leaders_of(self, association_id: str) -> list[StaffMember]:
        return sorted(self._where(association_id=association_id), key=lambda s: s.login_id)


class FakeApiKeys(_FakeRepository):
    unique = ("key_hash",)

    def get_by_hash(self, key_hash: str) -> ApiKey | None:
        return self._first(key_hash=key_hash)


class FakeJobs(_FakeRepository):
    def left_behind(self, *, now: dt.datetime, lease: dt.timedelta,
                    queued_before: dt.datetime) -> list[Job]:
        return sorted((job for job in self._store.values()
                       if (job.status is JobStatus.QUEUED and job.created_at < queued_before)
                       or (job.status is JobStatus.RUNNING and job.started_at is not None
                           and job.started_at < now - lease)),
                      key=lambda job: job.created_at)


class FakeOutbox(_FakeRepository):
    def add_many(self, messages: Sequence[OutboxMessage]) -> None:
        for message in messages:
            self.add(message)

    def add_copies(self, message: OutboxMessage, copies: Sequence[tuple[str, str]]) -> None:
        for message_id, recipient in copies:
            self.add(attrs.evolve(message, id=message_id, recipient=recipient,
                                  payload=dict(message.payload)))

    def __init__(self, store: dict[str, Any]) -> None:
        super().__init__(store)
        self.added: list[OutboxMessage] = []

    def add(self, obj: Any) -> None:
        super().add(obj)
        self.added.append(obj)

    def added_for(self, channel: str, recipient: str) -> OutboxMessage | None:
        return next((m for m in reversed(self.added)
                     if m.channel == channel and m.recipient == recipient), None)

    def get_many(self, message_ids: Sequence[str]) -> dict[str, OutboxMessage]:
        return {i: self._store[i] for i in message_ids if i in self._store}

    def states_of(self, message_ids: Sequence[str]) -> dict[str, OutboxMessage]:
        return self.get_many(message_ids)

    def in_groups(self, group_keys: Iterable[str]) -> list[OutboxMessage]:
        keys = set(group_keys)
        return [m for m in self._store.values() if m.group_key in keys]

    def due(self, *, now: dt.datetime, lease: dt.timedelta,
            limit: int) -> Sequence[OutboxMessage]:
        found = [m for m in self._store.values() if m.due(now=now, lease=lease)]
        return sorted(found, key=lambda m: (m.created_at, m.id))[:limit]

    def save_many(self, messages: Sequence[OutboxMessage]) -> None:
        """The store holds the objects themselves: nothing more to write."""

    def rungs_of(self, notice_id: str) -> list[OutboxMessage]:
        found = [m for m in self._store.values()
                 if m.id == notice_id or m.fallback_of == notice_id]
        return sorted(found, key=lambda m: (m.created_at, m.id))

    def get_by_provider_ref(self, channel: str, provider_ref: str) -> OutboxMessage | None:
        return self._first(channel=channel, provider_ref=provider_ref)


class FakeTownSettings(_FakeRepository):
    def add(self, obj: Any) -> None:
        self._store[obj.key] = obj


class FakeServiceCosts(_FakeRepository):
    def add(self, obj: Any) -> None:
        self._store[obj.period] = obj

    def all(self) -> list[Any]:
        return sorted(self._store.values(), key=lambda cost: cost.period)


class FakeKpiMonths(_FakeRepository):
    """The months kept counted (ADR 0060): month → its counts."""

    def add(self, month: Any, counts: Any = None, *, at: Any = None) -> None:
        if month in self._store:
            raise DuplicateError("pk_kpi_months")
        self._store[month] = counts

    def clear(self) -> int:
        count = len(self._store)
        self._store.clear()
        return count


class FakeWebhookSubscriptions(_FakeRepository):
    def listed(self, *, deleted: bool = False) -> list[WebhookSubscription]:
        return sorted((s for s in self._store.values() if (s.deleted_at is None) != deleted),
                      key=lambda s: (s.created_at, s.id))


class FakeWebhookDeliveries(_FakeRepository):
    unique = ("subscription_id", "event_id")
    attempt_store: dict[str, Any]

    def get_many(self, ids: Sequence[str]) -> dict[str, WebhookDelivery]:
        return {i: self._store[i] for i in ids if i in self._store}

    def due(self, *, now: dt.datetime, limit: int) -> list[WebhookDelivery]:
        found = sorted((d for d in self._store.values() if d.due(now=now)),
                       key=lambda d: (d.created_at, d.id))
        return found[:limit]

    def recent(self, subscription_id: str, *, limit: int) -> list[WebhookDelivery]:
        return sorted(self._where(subscription_id=subscription_id),
                      key=lambda d: (d.created_at, d.id), reverse=True)[:limit]

    def add_attempt(self, attempt: WebhookAttempt) -> None:
        self.attempt_store[attempt.id] = attempt

    def attempts_of(self, delivery_ids: Sequence[str]) -> list[WebhookAttempt]:
        wanted = set(delivery_ids)
        return sorted((a for a in self.attempt_store.values() if a.delivery_id in wanted),
                      key=lambda a: (a.delivery_id, a.number))


class FakeSurveyAnswers(_FakeRepository):
    unique = ("survey_id", "procedure_id", "respondent_key", "period")

    def answered(self, survey_id: str, procedure_id: str, respondent_key: str,
                 period: str) -> bool:
        return bool(self._where(survey_id=survey_id, procedure_id=procedure_id,
                                respondent_key=respondent_key, period=period))


class FakeRichMenuLayouts(_FakeRepository):
    def add(self, obj: Any) -> None:
        self._store[obj.audience] = obj


class FakeContactCodes(_FakeRepository):
    def latest_for(self, resident_id: str) -> Any:
        mine = [c for c in self._store.values()
                if c.resident_id == resident_id and c.verified_at is None]
        return max(mine, key=lambda c: (c.created_at, c.id), default=None)


class FakeContactPreferences(_FakeRepository):
    def add(self, obj: Any) -> None:
        self._store[obj.resident_id] = obj

    def quiet_among(self, resident_ids: Sequence[str]) -> set[str]:
        return {r for r in resident_ids if r in self._store and not self._store[r].reminders}


class FakeDepartments(_FakeRepository):
    """Departments; who belongs to which in `memberships` (the unit of work's other table)."""

    unique = ("name",)
    memberships: dict[str, Any]

    def all(self) -> list[Department]:
        return sorted(self._store.values(), key=lambda d: d.name)

    def get_by_name(self, name: str) -> Department | None:
        return self._first(name=name)

    def ids_of_staff(self, staff_id: str) -> set[str]:
        return {m.department_id for m in self.memberships.values() if m.staff_id == staff_id}

    def members_by_department(self) -> dict[str, set[str]]:
        found: dict[str, set[str]] = {}
        for m in self.memberships.values():
            found.setdefault(m.department_id, set()).add(m.staff_id)
        return found

    def set_staff_departments(self, staff_id: str, department_ids: Sequence[str]) -> None:
        for key in [k for k, m in self.memberships.items() if m.staff_id == staff_id]:
            del self.memberships[key]
        for department_id in set(department_ids):
            self.memberships[f"{department_id}:{staff_id}"] = DepartmentMembership(
                department_id=department_id, staff_id=staff_id)


class FakeCases(_FakeRepository):
    unique = ("number",)

    def get_by_number(self, number: str) -> InboxCase | None:
        return self._first(number=number)

    def latest_number(self, year_prefix: str) -> str | None:
        return max((c.number for c in self._store.values()
                    if c.number.startswith(year_prefix)), default=None)

    def count_of_procedure(self, procedure_id: str) -> int:
        return len(self._where(procedure_id=procedure_id))

    def all_holding_chat(self, identity_id: str) -> list[InboxCase]:
        return [c for c in self._store.values()
                if c.identity_id == identity_id and c.holds_the_chat]

    def holding_chat(self, identity_id: str) -> InboxCase | None:
        return max(self.all_holding_chat(identity_id), key=lambda c: c.created_at, default=None)

    def past_retention(self, closed_before: dt.datetime, *, limit: int) -> list[InboxCase]:
        found = [c for c in self._store.values() if c.status is CaseStatus.CLOSED
                 and c.closed_at is not None and c.closed_at < closed_before
                 and c.erased_at is None]
        return sorted(found, key=lambda c: (c.closed_at, c.id))[:limit]

    def count_past_retention(self, closed_before: dt.datetime) -> int:
        return len(self.past_retention(closed_before, limit=len(self._store)))


class FakeCaseEntries(_FakeRepository):
    def of_case(self, case_id: str) -> list[CaseEntry]:
        return sorted(self._where(case_id=case_id), key=lambda e: (e.at, e.id))

    def by_request_key(self, request_key: str) -> CaseEntry | None:
        return self._first(request_key=request_key)


class FakeConsultations(_FakeRepository):
    def with_status(self, status: ConsultationStatus,
                    department_ids: Collection[str] | None) -> list[Consultation]:
        return sorted((c for c in self._store.values() if c.status is status and (
            department_ids is None or c.department_id in department_ids)),
            key=lambda c: (c.requested_at, c.id))


class FakeCannedReplies(_FakeRepository):
    def of_department(self, department_id: str) -> list[CannedReply]:
        return sorted(self._where(department_id=department_id), key=lambda r: (r.title, r.id))

    def remove(self, reply: CannedReply) -> None:
        self._store.pop(reply.id, None)


class FakeChannelIdentities(_FakeRepository):
    unique = ("channel", "address")

    def get_by_address(self, channel: str, address: str) -> ChannelIdentity | None:
        return self._first(channel=channel, address=address)

    def get_many(self, identity_ids: Sequence[str]) -> dict[str, ChannelIdentity]:
        return {i: self._store[i] for i in identity_ids if i in self._store}

    def linked_to(self, resident_id: str) -> list[ChannelIdentity]:
        return self._where(resident_id=resident_id)

    def linked_to_any(self, resident_ids: Sequence[str]) -> dict[str, list[ChannelIdentity]]:
        linked: dict[str, list[ChannelIdentity]] = {}
        for identity in sorted(self._store.values(), key=lambda i: (i.created_at, i.id)):
            if identity.resident_id in set(resident_ids):
                linked.setdefault(identity.resident_id, []).append(identity)
        return linked
    def blocked_among(self, channel: str, addresses: Sequence[str]) -> set[str]:
        wanted = set(addresses)
        return {i.address for i in self._store.values()
                if i.channel == channel and i.address in wanted
                and i.status is IdentityStatus.BLOCKED}

    def following(self, channel: str, *, after: str, limit: int) -> Sequence[ChannelIdentity]:
        return sorted((i for i in self._store.values()
                       if i.channel == channel and i.status is IdentityStatus.FOLLOWING
                       and i.id > after), key=lambda i: i.id)[:limit]

    def optional_declined_among(self, channel: str, addresses: Sequence[str]) -> set[str]:
        wanted = set(addresses)
        return {i.address for i in self._store.values()
                if i.channel == channel and i.address in wanted and not i.takes_optional}

    def reachable(self, resident_ids: Sequence[str], channel: str) -> dict[str, ChannelIdentity]:
        return {i.resident_id: i for i in self._store.values()
                if i.resident_id in set(resident_ids) and i.channel == channel
                and i.status is IdentityStatus.FOLLOWING}


class FakeConversations(_FakeRepository):
    def current_for(self, identity_id: str) -> Conversation | None:
        open_ones = [c for c in self._store.values()
                     if c.identity_id == identity_id and c.status.is_open]
        return max(open_ones, key=lambda c: (c.updated_at, c.id), default=None)

    def latest_for(self, identity_id: str) -> Conversation | None:
        mine = [c for c in self._store.values() if c.identity_id == identity_id]
        return max(mine, key=lambda c: (c.updated_at, c.id), default=None)


class FakeVerifications(_FakeRepository):
    pass


class FakeInbox(_FakeRepository):
    unique = ("source", "external_id")

    def add(self, event: InboxEvent) -> None:  # the inbox refuses duplicates at once
        if self._first(source=event.source, external_id=event.external_id) is not None:
            raise DuplicateError("uq_inbox_source_external_id")
        super().add(event)

    def mark_processed(self, inbox_id: str, *, now: dt.datetime) -> bool:
        event = self._store.get(inbox_id)
        if event is None or event.processed_at is not None:
            return False
        event.processed_at = now
        return True


class FakeBuiltProcedures(_FakeRepository):
    def all(self) -> list[BuiltProcedure]:
        return sorted((p for p in self._store.values() if isinstance(p, BuiltProcedure)),
                      key=lambda p: p.id)

    def add_version(self, version: ProcedureVersion) -> None:
        versions = self._store.setdefault("$versions", {})  # type: ignore[arg-type]
        key = (version.procedure_id, version.number)
        if key in versions:
            raise DuplicateError("pk_procedure_versions")
        versions[key] = version

    def versions_of(self, procedure_id: str) -> list[ProcedureVersion]:
        versions = self._store.get("$versions", {})
        return sorted((v for (p, _), v in versions.items() if p == procedure_id),
                      key=lambda v: -v.number)

    def version(self, procedure_id: str, number: int) -> ProcedureVersion | None:
        return self._store.get("$versions", {}).get((procedure_id, number))

    def set_trial(self, procedure_id: str, code: str, expires_at: dt.datetime) -> bool:
        built = self._store.get(procedure_id)
        if built is None:
            return False
        built.trial_code, built.trial_expires_at = code, expires_at
        return True


class FakeNotices(_FakeRepository):
    """Notices; their recipients in their own table (`recipients`, set by the unit of work)."""

    recipients: dict[str, Any]

    def get_by_link_token(self, token: str) -> Notice | None:
        return self._first(link_token=token)

    def due(self, now: dt.datetime) -> list[Notice]:
        return sorted((n for n in self._store.values() if n.is_due(now)),
                      key=lambda n: n.scheduled_at)

    def sending(self) -> list[Notice]:
        return self._where(status=NoticeStatus.SENDING)

    def add_recipient(self, recipient: NoticeRecipient) -> None:
        self.recipients[recipient.id] = recipient

    def add_recipients(self, recipients: Sequence[NoticeRecipient]) -> None:
        for recipient in recipients:
            self.add_recipient(recipient)

    def _of(self, notice_id: str) -> list[NoticeRecipient]:
        return [r for r in self.recipients.values() if r.notice_id == notice_id]

    def recorded_among(self, notice_id: str, keys: Sequence[str]) -> set[str]:
        return {r.member_key for r in self._of(notice_id)} & set(keys)

    def last_key(self, notice_id: str) -> str | None:
        return max((r.member_key for r in self._of(notice_id)), default=None)

    def recipient_by_token(self, token: str) -> NoticeRecipient | None:
        return next((r for r in self.recipients.values() if r.open_token == token), None)

    def recipient_of(self, notice_id: str, member_key: str) -> NoticeRecipient | None:
        return next((r for r in self._of(notice_id) if r.member_key == member_key), None)

    def count_shared(self, notice_id: str, what: str) -> None:
        notice = self._store[notice_id]
        setattr(notice, f"shared_{what}", getattr(notice, f"shared_{what}") + 1)


class FakeNoticeRecipients(_FakeRepository):
    unique = ("notice_id", "member_key")


class FakeResidentProfiles(_FakeRepository):
    """Profiles by resident id; the fake segment queries read households live, so a profile's
    household is the households table's (`refresh_households` records what it was asked)."""

    residents: dict[str, Any]

    def save(self, profiles: Sequence[ResidentProfile]) -> None:
        for profile in profiles:
            self._store[profile.resident_id] = profile

    def refresh_households(self, *, resident_ids: Sequence[str],
                           household_ids: Sequence[str]) -> None:
        self.refreshed = (list(resident_ids), list(household_ids))

    def resident_ids(self, *, after: str, limit: int) -> list[str]:
        return sorted(key for key in self.residents if key > after)[:limit]


def _unsealed(facts: PersonalFacts) -> PersonalFacts:
    return facts


class FakeRegistryStore(_FakeRepository):
    """The registry import's bulk store over the fake tables (`tables`: the unit of work's
    working copy): residents by resident number, households with their members, profiles."""

    tables: dict[str, dict[str, Any]]

    def _residents_by_number(self) -> dict[str, str]:
        return {r.resident_number: key for key, r in self.tables["residents"].items()
                if r.resident_number}

    def sealer(self) -> Callable[[PersonalFacts], PersonalFacts]:
        """The fake tables keep the facts as they are."""
        return _unsealed

    def defer_key_indexes(self) -> bool:
        """As the database does: set aside (a mark in the store's table) while no one is
        stored."""
        if self.tables["residents"]:
            return False
        self._store["key_indexes_deferred"] = True
        return True

    def build_key_index(self) -> bool:
        return self._store.pop("key_indexes_deferred", None) is not None

    def stored(self, resident_numbers: Sequence[str]) -> dict[str, StoredPerson]:
        table, known = self.tables["residents"], self._residents_by_number()
        found: dict[str, StoredPerson] = {}
        for number in resident_numbers:
            if number in known:
                r = table[known[number]]
                keys = r.match_keys
                found[number] = (
                    r.id, r.household_number, r.registry_status,
                    None if r.facts is None else plain_facts(r.facts),
                    (None, None, None, None) if keys is None else
                    (keys.person, keys.place, keys.reading, keys.name_place))
        return found

    def residents(self, resident_numbers: Sequence[str]) -> dict[str, Resident]:
        table, known = self.tables["residents"], self._residents_by_number()
        return {number: _clone(table[known[number]]) for number in resident_numbers
                if number in known}

    def save_persons(self, persons: Sequence[RegistryPerson]) -> None:
        table, known = self.tables["residents"], self._residents_by_number()
        for p in persons:
            old = table[known[p.resident_number]] if p.resident_number in known else None
            key = old.id if old is not None else p.id
            kept = (None if p.verification_changed or old is None
                    else (old.verification_state, old.reverify_reason))
            assert isinstance(p.facts, PersonalFacts), "the fake's sealer leaves facts as they are"
            table[key] = Resident(
                id=key, facts=p.facts, resident_number=p.resident_number,
                household_number=p.household_number, registry_status=p.registry_status,
                verification_state=p.verification_state if kept is None else kept[0],
                verification=old.verification if old is not None else None,
                reverify_reason=p.reverify_reason if kept is None else kept[1],
                created_at=old.created_at if old is not None else p.created_at,
                match_keys=p.match_keys)

    def save_profiles(self, profiles: Sequence[RegistryProfile]) -> None:
        for p in profiles:  # the fake segment queries read households live
            self.tables["resident_profiles"][p.resident_id] = ResidentProfile(
                resident_id=p.resident_id, area=p.area, birth_month=p.birth_month, sex=p.sex)

    def households(self, household_numbers: Sequence[str]) -> dict[str, RegistryHousehold]:
        wanted = set(household_numbers)
        return {h.household_number: RegistryHousehold(
                    id=h.id, household_number=h.household_number,
                    head_resident_id=h.head_resident_id,
                    members=tuple((m.resident_id, m.relationship) for m in h.members))
                for h in self.tables["households"].values() if h.household_number in wanted}

    def memberships(self, resident_ids: Iterable[str]) -> dict[str, str]:
        wanted = set(resident_ids)
        return {m.resident_id: h.id for h in self.tables["households"].values()
                for m in h.members if m.resident_id in wanted}

    def save_households(self, households: Sequence[RegistryHousehold], *,
                        created: Collection[str] = ()) -> None:
        incoming = {resident_id for h in households for resident_id, _ in h.members}
        # what the database skips for them must be true of them
        assert not set(created) & set(self.tables["households"]), \
            "a household said to be new is already there"
        self.leave_households({resident_id: household_id for resident_id, household_id
                               in self.memberships(incoming).items()})
        for h in households:
            self.tables["households"][h.id] = Household(
                id=h.id, household_number=h.household_number, head_resident_id=h.head_resident_id,
                members=[HouseholdMember(resident_id, relationship)
                         for resident_id, relationship in h.members])

    def leave_households(self, memberships: Mapping[str, str]) -> None:
        table = self.tables["households"]
        for resident_id, household_id in memberships.items():
            household = table[household_id]
            household.members = [m for m in household.members if m.resident_id != resident_id]

    def remove_from_registry(self, resident_numbers: Sequence[str]) -> list[str]:
        table, known = self.tables["residents"], self._residents_by_number()
        removed = []
        for number in resident_numbers:
            if number in known and table[known[number]].registry_status \
                    is not RegistryStatus.REMOVED:
                table[known[number]].leave_registry()
                removed.append(known[number])
        return removed


@attrs.frozen
class FakeSubscription:
    identity_id: str
    interest_key: str
    subscribed_at: dt.datetime


class FakeInterests(_FakeRepository):
    """Interests by key; their subscriptions in the table `interest_subscriptions` (which the
    fake segment queries read)."""

    subscriptions: dict[Any, FakeSubscription]

    def all(self) -> list[Any]:
        return sorted(self._store.values(), key=lambda i: (i.position, i.key))

    def add(self, interest: Any) -> None:
        if interest.key in self._store:
            raise DuplicateError("interests_pkey")
        self._store[interest.key] = interest

    def save(self, interest: Any) -> None:
        stored = self._store.get(interest.key)
        if stored is None or stored.version != interest.version:
            raise ConcurrentUpdate(f"interest {interest.key}")
        self._store[interest.key] = attrs.evolve(interest, version=interest.version + 1)

    def subscribed(self, identity_ids: Sequence[str]) -> set[str]:
        return {s.interest_key for s in self.subscriptions.values()
                if s.identity_id in identity_ids}

    def subscribe(self, identity_id: str, key: str, *, at: dt.datetime) -> bool:
        if (identity_id, key) in self.subscriptions:
            return False
        self.subscriptions[(identity_id, key)] = FakeSubscription(identity_id, key, at)
        return True

    def unsubscribe(self, identity_ids: Sequence[str], key: str) -> int:
        gone = [k for k, s in self.subscriptions.items()
                if s.identity_id in identity_ids and s.interest_key == key]
        for k in gone:
            del self.subscriptions[k]
        return len(gone)


class FakeSavedSegments(_FakeRepository):
    unique = ("name",)

    def all(self) -> list[Any]:
        return sorted(self._store.values(), key=lambda s: s.name)

    def get_by_name(self, name: str) -> Any:
        return self._first(name=name)

    def add(self, segment: Any) -> None:
        if self.get_by_name(segment.name) is not None:
            raise DuplicateError("uq_segments_name")
        self._store[segment.id] = segment

    def save(self, segment: Any) -> None:
        stored = self._store.get(segment.id)
        if stored is None or stored.version != segment.version:
            raise ConcurrentUpdate(f"segment {segment.id}")
        segment.version += 1
        self._store[segment.id] = segment

    def delete(self, segment: Any) -> None:
        stored = self._store.get(segment.id)
        if stored is None or stored.version != segment.version:
            raise ConcurrentUpdate(f"segment {segment.id}")
        del self._store[segment.id]


class FakeAssociations(_FakeRepository):
    """Associations; their members in `member_store` (the unit of work's other table)."""

    unique = ("name",)
    member_store: dict[str, Any]

    def get_by_name(self, name: str) -> Association | None:
        return self._first(name=name)

    def every(self) -> list[Association]:
        return sorted(self._store.values(), key=lambda a: a.name)

    def add_member(self, member: AssociationMember) -> None:
        for other in self.member_store.values():  # the database's two unique pairs
            if other.association_id == member.association_id and other.id != member.id and (
                    (member.resident_id and other.resident_id == member.resident_id)
                    or (member.identity_id and other.identity_id == member.identity_id)):
                raise DuplicateError("uq_association_members_association_id_resident_id")
        self.member_store[member.id] = member

    def member(self, member_id: str) -> AssociationMember | None:
        return self.member_store.get(member_id)

    def remove_member(self, member: AssociationMember) -> None:
        self.member_store.pop(member.id, None)

    def members(self, association_id: str) -> list[AssociationMember]:
        return sorted((m for m in self.member_store.values()
                       if m.association_id == association_id),
                      key=lambda m: (m.joined_at, m.id))

    def members_page(self, association_id: str, *, after: str | None,
                     limit: int) -> list[AssociationMember]:
        members = self.members(association_id)
        if after is not None:
            marks = [n for n, m in enumerate(members) if m.id == after]
            members = members[marks[0] + 1:] if marks else []
        return members[:limit]

    def member_counts(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for member in self.member_store.values():
            counts[member.association_id] = counts.get(member.association_id, 0) + 1
        return counts

    def memberships(self, *, resident_id: str | None = None,
                    identity_id: str | None = None) -> list[AssociationMember]:
        if resident_id is not None:
            return [m for m in self.member_store.values() if m.resident_id == resident_id]
        if identity_id is not None:
            return [m for m in self.member_store.values() if m.identity_id == identity_id]
        return []


class FakeCirculars(_FakeRepository):
    """Circulars; who read them in `read_store` (keyed by the pair, like the primary key)."""

    read_store: dict[str, Any]

    def of_association(self, association_id: str) -> list[Circular]:
        return sorted(self._where(association_id=association_id),
                      key=lambda c: (c.sent_at, c.id), reverse=True)

    def add_read(self, read: CircularRead) -> None:
        if read.id in self.read_store:
            raise DuplicateError("pk_circular_reads")
        self.read_store[read.id] = read

    def read(self, circular_id: str, member_id: str) -> CircularRead | None:
        return self.read_store.get(f"{circular_id}:{member_id}")

    def forget_member(self, member_id: str) -> None:
        for key in [k for k, r in self.read_store.items() if r.member_id == member_id]:
            del self.read_store[key]

    def reads(self, circular_ids: Sequence[str]) -> list[CircularRead]:
        wanted = set(circular_ids)
        return [r for r in self.read_store.values() if r.circular_id in wanted]


_REPOSITORIES = {
    "residents": FakeResidents, "households": FakeHouseholds, "programs": FakePrograms,
    "applications": FakeApplications, "disbursements": FakeDisbursements,
    "certificate_requests": FakeCertificateRequests, "fee_payments": FakeFeePayments,
    "staff": FakeStaff,
    "api_keys": FakeApiKeys, "jobs": FakeJobs, "outbox": FakeOutbox, "inbox": FakeInbox,
    "channel_identities": FakeChannelIdentities, "conversations": FakeConversations,
    "verifications": FakeVerifications, "eligibility": FakeEligibility,
    "campaigns": FakeCampaigns, "reminders": FakeReminders, "attachments": FakeAttachments,
    "batches": FakeBatches, "payment_audit": FakePaymentAudit, "cash_payouts": FakeCashPayouts,
    "town_settings": FakeTownSettings, "rich_menu_layouts": FakeRichMenuLayouts,
    "contact_codes": FakeContactCodes,
    "contact_preferences": FakeContactPreferences, "departments": FakeDepartments,
    "department_members": _FakeRepository, "cases": FakeCases, "case_entries": FakeCaseEntries,
    "consultations": FakeConsultations, "department_hours": _FakeRepository,
    "canned_replies": FakeCannedReplies, "built_procedures": FakeBuiltProcedures,
    "notices": FakeNotices, "notice_recipients": FakeNoticeRecipients,
    "service_costs": FakeServiceCosts, "kpi_months": FakeKpiMonths,
    "resident_profiles": FakeResidentProfiles, "interests": FakeInterests,
    "interest_subscriptions": _FakeRepository, "segments": FakeSavedSegments,
    "associations": FakeAssociations, "association_members": _FakeRepository,
    "circulars": FakeCirculars, "circular_reads": _FakeRepository,
    "survey_answers": FakeSurveyAnswers, "registry": FakeRegistryStore,
    "webhook_subscriptions": FakeWebhookSubscriptions,
    "webhook_deliveries": FakeWebhookDeliveries, "webhook_attempts": _FakeRepository,
}


class FakeDatabase:
    """What the fake units of work share: committed objects, per repository, and the message
    bus their commits run (the real handlers, on fake ids and a fake clock unless given)."""

    def __init__(self, bus: MessageBus | None = None) -> None:
        self.tables: dict[str, dict[str, Any]] = {name: {} for name in _REPOSITORIES}
        self.bus = bus or message_bus_on()


def _clone(value: Any) -> Any:
    """A copy of an entity and the entities inside it; frozen values are shared (immutable).
    (Not `copy.deepcopy`: mapped classes carry ORM state that must not be copied.)"""
    if isinstance(value, list):
        return [_clone(item) for item in value]
    if isinstance(value, dict):
        return {key: _clone(item) for key, item in value.items()}
    if attrs.has(type(value)) and hasattr(value, "__dict__"):  # an entity, not a @frozen value
        fields = {f.name: _clone(getattr(value, f.name)) for f in attrs.fields(type(value))}
        return type(value)(**fields)
    return value


class FakeUnitOfWork:
    """Works on a copy of the committed state; `commit` runs the message bus (the handlers of
    the events aggregates recorded), checks uniqueness, then stores."""

    def __init__(self, database: FakeDatabase | None = None) -> None:
        self.database = database or FakeDatabase()
        self.committed = False

    def __enter__(self) -> Self:
        # A copy, like rows read from a database: changes not committed are lost.
        self._working = {name: {key: _clone(obj) for key, obj in table.items()}
                         for name, table in self.database.tables.items()}
        for name, repository in _REPOSITORIES.items():
            setattr(self, name, repository(self._working[name]))
        self.disbursements.applications = self._working["applications"]
        self.departments.memberships = self._working["department_members"]
        self.notices.recipients = self._working["notice_recipients"]
        self.resident_profiles.residents = self._working["residents"]
        self.registry.tables = self._working
        self.interests.subscriptions = self._working["interest_subscriptions"]
        self.associations.member_store = self._working["association_members"]
        self.circulars.read_store = self._working["circular_reads"]
        self.webhook_deliveries.attempt_store = self._working["webhook_attempts"]
        self.queries = FakeQueries(self._working)
        return self

    def __exit__(self, *args: object) -> None:
        self._working = {}

    def commit(self) -> None:
        self.database.bus.dispatch(self)
        for name, repository in _REPOSITORIES.items():
            if repository.unique:
                keys = [tuple(getattr(o, k) for k in repository.unique)
                        for o in self._working[name].values()]
                if len(keys) != len(set(keys)):
                    raise DuplicateError(f"uq_{name}_{'_'.join(repository.unique)}")
        for name, table in self._working.items():
            self.database.tables[name] = dict(table)
        self.committed = True

    def rollback(self) -> None:
        pass

    def collect_new_events(self) -> list[Event]:
        return [event for obj in itertools.chain.from_iterable(
                    t.values() for t in self._working.values())
                if isinstance(obj, Aggregate) for event in obj.pull_events()]


def fake_uow_factory(database: FakeDatabase) -> Any:
    return lambda: FakeUnitOfWork(database)


def message_bus_on(*, ids: Any = None, clock: Any = None, banks: Any = None,
             ladder: tuple[str, ...] = ("line",)) -> MessageBus:
    """The application's message bus with its real handlers, on these ids and this clock
    (fakes by default)."""
    ids = ids or SequentialIds(f"m{uuid.uuid4().hex[:8]}-")  # unique across buses
    clock = clock or FakeClock()
    return message_bus(telling=Telling(ContactPolicy(ladder), ids, clock), ids=ids, clock=clock,
                       banks=banks, pay_url=lambda request_id: f"http://app/pay/{request_id}")


__all__ = [
    "JST",
    "FakeClock",
    "FakeDatabase",
    "FakeUnitOfWork",
    "PlainHasher",
    "SequentialIds",
    "fake_uow_factory",
    "message_bus_on",
]


def job(name: str = "noop", payload: dict[str, Any] | None = None, *, id: str = "job1",
        created_at: dt.datetime | None = None) -> Job:
    return Job(id=id, name=name, payload=payload or {},
               created_at=created_at or dt.datetime(2026, 6, 1, tzinfo=dt.UTC))


class FakeStaffSignIns(_FakeRepository):
    """The database's conditional updates, on the working copy."""

    def ensure(self, staff_id: str) -> None:
        self._store.setdefault(staff_id, StaffSignIn(staff_id=staff_id))

    def claim_attempt(self, staff_id: str, now: dt.datetime) -> StaffSignIn | None:
        state = self._store[staff_id]
        if state.is_locked(now):
            return None
        if state.locked_until is not None:
            state.failed_attempts, state.locked_until = 0, None
        state.failed_attempts += 1
        if state.failed_attempts >= MAX_FAILED_ATTEMPTS:
            state.locked_until = now + LOCK_DURATION
        return state

    def give_back_attempt(self, staff_id: str) -> None:
        state = self._store[staff_id]
        if state.failed_attempts > 0:
            state.failed_attempts -= 1
            if state.failed_attempts < MAX_FAILED_ATTEMPTS:
                state.locked_until = None

    def use_code_step(self, staff_id: str, step: int) -> bool:
        state = self._store[staff_id]
        if state.totp_last_step is not None and step <= state.totp_last_step:
            return False
        state.totp_last_step = step
        return True


class FakeAuditTrail:
    """The audit chain in memory, keyed by seq; hashes made as the database adapter makes them."""

    unique = ()

    def __init__(self, store: dict[Any, Any]) -> None:
        self._store = store

    def values(self) -> list[Any]:
        return [self._store[seq] for seq in sorted(self._store)]

    def append(self, entry: Any, *, at: dt.datetime) -> Any:
        from application.audit.chain import record_hash
        from application.ports.audit import AuditRecord

        seq, prev_hash = self.head()
        fields = {"seq": seq + 1, "at": at, "actor_id": entry.actor_id,
                  "actor_label": entry.actor_label, "action": entry.action,
                  "target_type": entry.target_type, "target_id": entry.target_id,
                  "ip": entry.ip, "detail": dict(entry.detail), "prev_hash": prev_hash}
        record = AuditRecord(**fields, hash=record_hash(**fields))
        self._store[record.seq] = record
        return record

    def search(self, query: Any) -> list[Any]:
        found = [r for r in reversed(self.values())
                 if all(not want or getattr(r, name) == want for name, want in (
                     ("actor_label", query.actor_label), ("action", query.action),
                     ("target_type", query.target_type), ("target_id", query.target_id)))]
        if query.before_seq is not None:
            found = [r for r in found if r.seq < query.before_seq]
        if query.after_seq is not None:
            return [r for r in found if r.seq > query.after_seq][-query.limit:]
        return found[:query.limit]

    def in_order(self, *, after_seq: int, limit: int) -> list[Any]:
        return [r for r in self.values() if r.seq > after_seq][:limit]

    def head(self) -> tuple[int, str]:
        from application.ports.audit import GENESIS_HASH

        records = self.values()
        return (records[-1].seq, records[-1].hash) if records else (0, GENESIS_HASH)


_REPOSITORIES.update({"sign_ins": FakeStaffSignIns, "audit": FakeAuditTrail})


class InboxChannel:
    """An in-memory `MessagingChannel` (an SMS or e-mail provider in tests): what each address
    received, and the addresses it refuses with an outcome (an unknown number: REJECTED)."""

    def __init__(self, name: str, *, refuse: dict[str, Any] | None = None) -> None:
        self.name = name
        self.refuse: dict[str, Any] = dict(refuse or {})
        self.inbox: dict[str, list[str]] = {}
        self._keys: set[str] = set()

    def send(self, recipient: str, messages: Sequence[Any], *, idempotency_key: str,
             reply_token: str | None = None, retaken: bool = False) -> Any:
        from application.ports.messaging import DeliveryOutcome, DeliveryResult

        if recipient in self.refuse:
            return DeliveryResult(self.refuse[recipient], "refused by the fake provider")
        if idempotency_key not in self._keys:  # a repeat with the same key is accepted once
            self._keys.add(idempotency_key)
            self.inbox.setdefault(recipient, []).extend(m.text for m in messages)
        return DeliveryResult(DeliveryOutcome.DELIVERED)

    def send_many(self, recipients: Sequence[str], messages: Sequence[Any], *,
                  idempotency_key: str) -> list[tuple[list[str], Any]]:
        return [([r], self.send(r, messages, idempotency_key=f"{idempotency_key}:{r}"))
                for r in recipients]
