"""In-memory fakes of the ports, for unit tests (no I/O)."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterable, Sequence
from typing import Any, Self

import attrs

from application.conversations.state import Conversation
from application.jobs import Job
from application.outbox import InboxEvent, OutboxMessage, OutboxStatus
from application.ports.unit_of_work import DuplicateError
from domain.access import ApiKey
from domain.aggregates import Aggregate
from domain.benefits import Application, BenefitProgram
from domain.certificates import CertificateRequest, IssueState, PaymentState
from domain.channels import ChannelIdentity, IdentityStatus
from domain.disbursements import Disbursement, DisbursementStatus
from domain.events import Event
from domain.households import Household
from domain.residents import RegistryStatus, Resident
from domain.staff import StaffMember
from domain.verifications import IdentityVerification, VerificationStatus

JST = dt.timezone(dt.timedelta(hours=9))


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

    def first(self, count: int, *, prefix: str = "") -> list[Resident]:
        found = [r for r in self._store.values()
                 if r.resident_number and r.resident_number.startswith(prefix)]
        return sorted(found, key=lambda r: r.resident_number)[:count]

    def numbers_in_registry(self) -> list[str]:
        return [r.resident_number for r in self._store.values()
                if r.resident_number and r.registry_status is not RegistryStatus.REMOVED]

    def candidates(self, *, persons: Sequence[str], places: Sequence[str],
                   readings: Sequence[str]) -> list[Resident]:
        return [r for r in self._store.values() if r.match_keys is not None and (
            r.match_keys.person in persons or r.match_keys.place in places
            or (r.match_keys.reading is not None and r.match_keys.reading in readings))]


class FakeHouseholds(_FakeRepository):
    unique = ("household_number",)

    def get_by_number(self, number: str) -> Household | None:
        return self._first(household_number=number)

    def by_numbers(self, numbers: Sequence[str]) -> dict[str, Household]:
        wanted = set(numbers)
        return {h.household_number: h for h in self._store.values()
                if h.household_number in wanted}


class FakePrograms(_FakeRepository):
    unique = ("name",)

    def get_by_name(self, name: str) -> BenefitProgram | None:
        return self._first(name=name)

    def list(self) -> Sequence[BenefitProgram]:
        return list(self._store.values())


class FakeApplications(_FakeRepository):
    unique = ("program_id", "household_id")

    def get_for(self, program_id: str, household_id: str) -> Application | None:
        return self._first(program_id=program_id, household_id=household_id)

    def list_for_program(self, program_id: str) -> Sequence[Application]:
        return self._where(program_id=program_id)


class FakeDisbursements(_FakeRepository):
    def get_for_application(self, application_id: str) -> Disbursement | None:
        for d in self._where(application_id=application_id):
            if d.status not in {DisbursementStatus.FAILED, DisbursementStatus.CANCELLED}:
                return d
        return None


class FakeCertificateRequests(_FakeRepository):
    def get_by_payment_reference(self, reference: str) -> CertificateRequest | None:
        return self._first(payment_reference=reference)

    def queue(self, *, states: Sequence[IssueState],
              limit: int = 200) -> list[CertificateRequest]:
        found = [r for r in self._store.values()
                 if r.payment_state in {PaymentState.PAID, PaymentState.REFUNDED}
                 and r.issue_state in states]
        return sorted(found, key=lambda r: (r.paid_at, r.id))[:limit]

    def pending_payments(self, *, started_before: dt.datetime,
                         limit: int = 200) -> list[CertificateRequest]:
        found = [r for r in self._store.values()
                 if r.payment_state is PaymentState.PENDING
                 and r.payment_started_at is not None and r.payment_started_at < started_before]
        return sorted(found, key=lambda r: r.payment_started_at)[:limit]


class FakeStaff(_FakeRepository):
    unique = ("login_id",)

    def get_by_login_id(self, login_id: str) -> StaffMember | None:
        return self._first(login_id=login_id)

    def list_all(self) -> list[StaffMember]:
        return sorted(self._store.values(), key=lambda m: m.login_id)


class FakeApiKeys(_FakeRepository):
    unique = ("key_hash",)

    def get_by_hash(self, key_hash: str) -> ApiKey | None:
        return self._first(key_hash=key_hash)


class FakeJobs(_FakeRepository):
    pass


class FakeOutbox(_FakeRepository):
    def pending(self, limit: int) -> Sequence[OutboxMessage]:
        return self._where(status=OutboxStatus.PENDING)[:limit]

    def get_many(self, message_ids: Sequence[str]) -> dict[str, OutboxMessage]:
        return {i: self._store[i] for i in message_ids if i in self._store}

    def in_groups(self, group_keys: Iterable[str]) -> list[OutboxMessage]:
        keys = set(group_keys)
        return [m for m in self._store.values() if m.group_key in keys]

    def due(self, *, now: dt.datetime, lease: dt.timedelta,
            limit: int) -> Sequence[OutboxMessage]:
        found = [m for m in self._store.values() if m.due(now=now, lease=lease)]
        return sorted(found, key=lambda m: (m.created_at, m.id))[:limit]

    def count_by_status(self) -> dict[OutboxStatus, int]:
        counts: dict[OutboxStatus, int] = {}
        for message in self._store.values():
            counts[message.status] = counts.get(message.status, 0) + 1
        return counts


class FakeChannelIdentities(_FakeRepository):
    unique = ("channel", "address")

    def get_by_address(self, channel: str, address: str) -> ChannelIdentity | None:
        return self._first(channel=channel, address=address)

    def linked_to(self, resident_id: str) -> list[ChannelIdentity]:
        return self._where(resident_id=resident_id)

    def blocked_among(self, channel: str, addresses: Sequence[str]) -> set[str]:
        wanted = set(addresses)
        return {i.address for i in self._store.values()
                if i.channel == channel and i.address in wanted
                and i.status is IdentityStatus.BLOCKED}


class FakeConversations(_FakeRepository):
    def current_for(self, identity_id: str) -> Conversation | None:
        open_ones = [c for c in self._store.values()
                     if c.identity_id == identity_id and c.status.is_open]
        return max(open_ones, key=lambda c: (c.updated_at, c.id), default=None)


class FakeVerifications(_FakeRepository):
    def with_status(self, status: VerificationStatus, *,
                    limit: int = 100) -> list[IdentityVerification]:
        found = [v for v in self._store.values() if v.status is status]
        return sorted(found, key=lambda v: (v.verified_at, v.id))[:limit]

    def count_by_status(self) -> dict[VerificationStatus, int]:
        counts: dict[VerificationStatus, int] = {}
        for v in self._store.values():
            counts[v.status] = counts.get(v.status, 0) + 1
        return counts


class FakeInbox(_FakeRepository):
    unique = ("source", "external_id")

    def add(self, event: InboxEvent) -> None:  # the inbox refuses duplicates at once
        if self._first(source=event.source, external_id=event.external_id) is not None:
            raise DuplicateError("uq_inbox_source_external_id")
        super().add(event)


_REPOSITORIES = {
    "residents": FakeResidents, "households": FakeHouseholds, "programs": FakePrograms,
    "applications": FakeApplications, "disbursements": FakeDisbursements,
    "certificate_requests": FakeCertificateRequests, "staff": FakeStaff,
    "api_keys": FakeApiKeys, "jobs": FakeJobs, "outbox": FakeOutbox, "inbox": FakeInbox,
    "channel_identities": FakeChannelIdentities, "conversations": FakeConversations,
    "verifications": FakeVerifications,
}


class FakeDatabase:
    """What the fake units of work share: committed objects, per repository."""

    def __init__(self) -> None:
        self.tables: dict[str, dict[str, Any]] = {name: {} for name in _REPOSITORIES}


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
    """Works on a copy of the committed state; `commit` checks uniqueness, then stores."""

    def __init__(self, database: FakeDatabase | None = None) -> None:
        self.database = database or FakeDatabase()
        self.committed = False
        self._events: list[Event] = []

    def __enter__(self) -> Self:
        # A copy, like rows read from a database: changes not committed are lost.
        self._working = {name: {key: _clone(obj) for key, obj in table.items()}
                         for name, table in self.database.tables.items()}
        for name, repository in _REPOSITORIES.items():
            setattr(self, name, repository(self._working[name]))
        return self

    def __exit__(self, *args: object) -> None:
        self._working = {}

    def commit(self) -> None:
        for name, repository in _REPOSITORIES.items():
            if repository.unique:
                keys = [tuple(getattr(o, k) for k in repository.unique)
                        for o in self._working[name].values()]
                if len(keys) != len(set(keys)):
                    raise DuplicateError(f"uq_{name}_{'_'.join(repository.unique)}")
        for obj in itertools.chain.from_iterable(t.values() for t in self._working.values()):
            if isinstance(obj, Aggregate):
                self._events.extend(obj.pull_events())
        for name, table in self._working.items():
            self.database.tables[name] = dict(table)
        self.committed = True

    def rollback(self) -> None:
        pass

    def collect_new_events(self) -> list[Event]:
        events, self._events = self._events, []
        return events


def fake_uow_factory(database: FakeDatabase) -> Any:
    return lambda: FakeUnitOfWork(database)


__all__ = [
    "JST",
    "FakeClock",
    "FakeDatabase",
    "FakeUnitOfWork",
    "PlainHasher",
    "SequentialIds",
    "fake_uow_factory",
]


def job(name: str = "noop", payload: dict[str, Any] | None = None, *, id: str = "job1",
        created_at: dt.datetime | None = None) -> Job:
    return Job(id=id, name=name, payload=payload or {},
               created_at=created_at or dt.datetime(2026, 6, 1, tzinfo=dt.UTC))


class FakeStaffSignIns(_FakeRepository):
    pass


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
        return found[:query.limit]

    def in_order(self, *, after_seq: int, limit: int) -> list[Any]:
        return [r for r in self.values() if r.seq > after_seq][:limit]

    def head(self) -> tuple[int, str]:
        from application.ports.audit import GENESIS_HASH

        records = self.values()
        return (records[-1].seq, records[-1].hash) if records else (0, GENESIS_HASH)


_REPOSITORIES.update({"sign_ins": FakeStaffSignIns, "audit": FakeAuditTrail})
