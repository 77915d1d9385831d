"""The read side: lists, counts and reports for staff pages, the REST API and the command line.

Repositories load and save aggregates; queries read across them for people to look at. They
run in the unit of work's transaction (`uow.queries`), so a look at personal data and the audit
record of that look commit together. Implemented in `adapters/persistence/queries/`; the
functions staff pages and the API call are each feature's `views.py`."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from typing import Any, Protocol

from attrs import field, frozen

from application.messaging.outbox import OutboxMessage, OutboxStatus
from application.ports.case_figure_queries import CaseFigureQueries
from application.ports.case_queries import CaseQueries
from application.ports.kpi_queries import KpiQueries
from application.ports.matching_queries import MatchingQueries
from application.ports.notice_queries import NoticeQueries
from application.ports.segment_queries import SegmentQueries
from application.ports.survey_queries import SurveyQueries
from domain.access import ApiKey
from domain.batches import PaymentAuditEntry, PaymentBatch
from domain.benefits import Application, ApplicationStatus, BenefitProgram, PayoutMethod
from domain.certificates import CertificateRequest, IssueState
from domain.disbursements import DisbursementStatus
from domain.eligibility import Campaign
from domain.residents import Resident
from domain.staff import StaffMember
from domain.staff_sign_in import StaffSignIn
from domain.values import BankAccount, Money
from domain.verifications import IdentityVerification, VerificationStatus

__all__ = [
    "ApplicationFilter",
    "ApplicationLine",
    "BenefitQueries",
    "CertificateQueries",
    "ExportLine",
    "ExportQueries",
    "FigureQueries",
    "MessageLine",
    "MessageQueries",
    "OutboxBacklog",
    "PayeeLine",
    "PaymentQueries",
    "Queries",
    "ResidentQueries",
    "StaffQueries",
    "TownCell",
    "TownDataQueries",
    "TownFigures",
    "TownFile",
]


# -- read models ---------------------------------------------------------------------------------

@frozen
class ApplicationFilter:
    statuses: tuple[ApplicationStatus, ...] = field(default=(), converter=tuple)
    channel: str | None = None
    awaiting_account_check: bool | None = None
    limit: int = 100
    offset: int = 0
    # keyset paging (the API's cursors, ADR 0072): when given, ordered by id alone and only
    # the applications after this id ("" for the first page); the offset is then not used
    after_id: str | None = None
    # a search (all given must hold): 世帯番号, 宛名番号 of a member, or the keyed match keys of
    # a member's name or reading with the date of birth (ADR 0013; names are never compared)
    household_number: str | None = None
    resident_number: str | None = None
    person_keys: tuple[str, ...] = field(default=(), converter=tuple)
    reading_keys: tuple[str, ...] = field(default=(), converter=tuple)

    @property
    def searching(self) -> bool:
        return bool(self.household_number or self.resident_number or self.person_keys
                    or self.reading_keys)


@frozen
class ApplicationLine:
    """One application of a household, as the resident page lists it."""

    application_id: str
    program_name: str
    status: str  # ApplicationStatus value
    channel: str
    amount_yen: int | None
    confirmed_at: dt.datetime | None
    decided_at: dt.datetime | None


@frozen
class PayeeLine:
    """One payment of a batch, as the approval page lists it (the head's name is read from the
    resident, so only the page's lines are decrypted)."""

    disbursement_id: str
    application_id: str
    household_number: str
    head_resident_id: str
    amount: Money
    account: BankAccount | None
    status: DisbursementStatus
    failure_reason: str


@frozen
class ExportLine:
    """One application as the finance export lists it: the household, its head's facts (as the
    registry holds them) and the application's state and account. Personal data."""

    household_number: str
    name: str
    kana: str
    address: str
    postal_code: str
    status: ApplicationStatus
    channel: str
    payout_method: PayoutMethod | None
    amount_yen: int | None
    confirmed_at: dt.datetime | None
    decided_at: dt.datetime | None
    account: BankAccount | None


@frozen
class OutboxBacklog:
    """What the outbox still holds to send (pending or being sent), and since when the oldest
    of the due ones has been due (None: nothing is due; a back-off's wait is not counted)."""

    waiting: int
    oldest_due_at: dt.datetime | None


@frozen
class MessageLine:
    """One message the town sent to a resident's channel, as the resident page lists it."""

    channel: str
    status: str  # OutboxStatus value
    text: str
    created_at: dt.datetime
    sent_at: dt.datetime | None
    delivery_status: str = "sending"  # DeliveryStatus value


@frozen
class TownFigures:
    """The figures a town reports (the staff dashboard): counts and sums, no personal data."""

    line_friends: int  # LINE identities following the town's account
    line_blocked: int
    residents_in_registry: int
    verified_residents: int
    verifications_waiting: int  # held for staff review
    applications_by_status: dict[str, int]  # status value → count
    amount_paid_yen: int  # settled disbursements
    disbursements_settled: int
    certificate_requests_by_state: dict[str, int]  # issue state value → count
    new_friends_by_day: tuple[tuple[dt.date, int], ...]  # oldest first, Japan days
    # the satisfaction survey's average score (1..5) over the last year; none: None, 未計測
    satisfaction_score: float | None = None


# A value of the town's export (ADR 0035), typed as JSON types: text, a whole number, a truth
# value, nothing, or a nested object (a conversation's answers) in a JSON-lines file; or the
# bytes of a file kept (a passbook photo), which the archive writes as a file of its own.
TownCell = str | int | bool | None | dict[str, Any] | list[Any] | bytes


@frozen
class TownFile:
    """One file of the town's export: its name in the archive, what it holds (in Japanese, as
    the audit log names it) and its columns in order (stable, English snake_case, each described
    in docs/export.md)."""

    name: str  # "residents.csv", "conversations.jsonl"
    title: str
    columns: tuple[str, ...]
    # the column whose cells are bytes: each written as a file of the archive, under the file's
    # name without its extension, named by the row's first cell; the column holds that name
    blob_column: str | None = None
    chunk: int | None = None  # rows read at a time, when it must be fewer (large cells)


# -- the queries, by feature ---------------------------------------------------------------------

class BenefitQueries(Protocol):
    def programs(self) -> Sequence[BenefitProgram]:
        """Newest window first."""
        ...

    def applications(self, program_id: str, wanted: ApplicationFilter) -> Sequence[Application]:
        """In the order they were confirmed."""
        ...

    def application_counts(self, program_id: str) -> dict[ApplicationStatus, int]: ...

    def notice_outcomes(self, program_id: str) -> dict[str, int]:
        """How the program's notices fared: outbox status value → count."""
        ...

    def notice_deliveries(self, program_id: str) -> dict[tuple[str, str], int]:
        """The program's notices and their other rungs: (channel, delivery status) → count."""
        ...

    def campaigns(self, program_id: str) -> Sequence[Campaign]:
        """Newest first."""
        ...

    def eligible_count(self, program_id: str) -> int: ...

    def reach_counts(self, program_id: str, channels: Sequence[str]) -> dict[str, int]:
        """The eligible households by how they stand (one each): `notified` (a notice went),
        `applied` (an application without a notice: paper, counter), one of `channels` (no
        application; the first of them on which a verified head follows the town: the rung a
        notice would go on) and `postal` (the rest, and unanswered notices that failed on every
        rung). Every reach figure, the campaign and the postal list read these."""
        ...

    def reach_page(self, program_id: str, channels: Sequence[str], category: str, *,
                   after: str, limit: int) -> Sequence[str]:
        """The eligible household ids of one category (`to_notify`: any of `channels`), by id,
        after `after`."""
        ...

    def unanswered_page(self, program_id: str, *, after: str, limit: int) -> Sequence[str]:
        """Households sent a notice that have not answered (通知済み・未回答), by id."""
        ...

    def unanswered_count(self, program_id: str) -> int: ...

    def withdrawal_blockers(self, program_id: str) -> Sequence[tuple[int, str]]:
        """(number, state value) of the payment batches holding a live payment of the
        program (registered, or exported and waiting for the bank's result)."""
        ...

    def household_applications(self, household_number: str) -> Sequence[ApplicationLine]: ...


class ExportQueries(Protocol):
    def application_lines(self, program_id: str, statuses: Sequence[ApplicationStatus], *,
                          chunk: int = 1000) -> Iterator[ExportLine]:
        """The program's applications in these statuses, by 世帯番号, read `chunk` rows at a
        time (memory stays flat however many there are)."""
        ...


class PaymentQueries(Protocol):
    def batches(self, *, program_id: str | None = None, limit: int = 200,
                before_number: int | None = None) -> Sequence[PaymentBatch]:
        """Newest first (by number), those numbered below `before_number` only."""
        ...

    def trail(self, batch_id: str) -> Sequence[PaymentAuditEntry]:
        """What happened to a batch and its payments, oldest first."""
        ...

    def ledger_rows(self, program_id: str) -> Iterator[tuple[str, DisbursementStatus, Money]]:
        """(application id, status, amount) of every payment of the program."""
        ...

    def payees(self, batch_id: str, *, limit: int, offset: int = 0) -> Sequence[PayeeLine]:
        """A page of the batch's payments in a stable order (by payment id)."""
        ...

    def failed_payees(self, batch_id: str, *, limit: int = 500) -> Sequence[PayeeLine]:
        """The batch's payments that failed (振込不能), by payment id."""
        ...

    def payees_of(self, disbursement_ids: Sequence[str]) -> dict[str, PayeeLine]:
        """Payments by id, wherever they are (a trail names them)."""
        ...

    def repaid_among(self, application_ids: Sequence[str]) -> set[str]:
        """Those applications that have a live payment again (a re-payment)."""
        ...


class ResidentQueries(Protocol):
    def verifications(self, status: VerificationStatus, *, limit: int = 100,
                      after: tuple[dt.datetime, str] | None = None,
                      ) -> Sequence[IdentityVerification]:
        """The oldest first (by verified_at, then id), those after `after` only."""
        ...

    def verification_counts(self) -> dict[VerificationStatus, int]: ...

    def first_residents(self, count: int, *, prefix: str = "") -> Sequence[Resident]:
        """By resident number (the development card page's test people)."""
        ...

    def heads_to_notify(self, program_id: str, count: int, *,
                        prefix: str = "") -> Sequence[tuple[Resident, str]]:
        """Heads not verified yet of households on the program's list that have no
        application for it (neither notified nor applied), with their household's id, by
        resident number (the development card page's people for the benefit story)."""
        ...


class CertificateQueries(Protocol):
    def queue(self, *, states: Sequence[IssueState], limit: int = 200,
              after: tuple[dt.datetime, str] | None = None) -> Sequence[CertificateRequest]:
        """Paid (or refunded) requests in these issue states, the longest-waiting first (by
        paid_at, then id), those after `after` only."""
        ...


class MessageQueries(Protocol):
    def outbox_counts(self) -> dict[OutboxStatus, int]: ...

    def backlog(self, *, now: dt.datetime) -> OutboxBacklog:
        """Messages not sent nor failed, and the due time of the oldest due pending one
        (its next attempt, else its creation)."""
        ...

    def pending(self, limit: int) -> Sequence[OutboxMessage]:
        """Messages not sent yet, oldest first."""
        ...

    def messages_to(self, addresses: Sequence[tuple[str, str]], *,
                    limit: int = 30) -> Sequence[MessageLine]:
        """Newest first; addresses as (channel, address)."""
        ...

    def transcript(self, channel: str, address: str, *,
                   limit: int = 30) -> Sequence[OutboxMessage]:
        """The newest `limit` messages to one address, oldest first, whatever their status
        (the web channel's page: a message shows as soon as its turn commits)."""
        ...


class StaffQueries(Protocol):
    def members(self) -> Sequence[StaffMember]:
        """By log-in id."""
        ...

    def sign_in_states(self, staff_ids: Sequence[str]) -> dict[str, StaffSignIn]: ...

    def api_keys(self) -> Sequence[ApiKey]:
        """Every key, revoked ones too, oldest first."""
        ...


class FigureQueries(Protocol):
    def figures(self, *, today: dt.date, days: int = 14) -> TownFigures: ...


class TownDataQueries(Protocol):
    """Everything the town owns, file by file, decrypted (the town's export, ADR 0035)."""

    def hold_snapshot(self) -> None:
        """From here to the end of the transaction every read sees one state of the database
        (the counts and the rows agree however much is written meanwhile). Call it first."""
        ...

    def files(self) -> Sequence[TownFile]: ...

    def count(self, name: str) -> int:
        """The rows the file `name` will have."""
        ...

    def rows(self, name: str, *, chunk: int = 1000) -> Iterator[tuple[TownCell, ...]]:
        """The file's rows in a stable order, one cell per column, read `chunk` rows at a time
        (memory stays flat however many there are)."""
        ...


class Queries(Protocol):
    benefits: BenefitQueries
    exports: ExportQueries
    payments: PaymentQueries
    residents: ResidentQueries
    matching: MatchingQueries
    certificates: CertificateQueries
    cases: CaseQueries
    case_figures: CaseFigureQueries
    messages: MessageQueries
    staff: StaffQueries
    figures: FigureQueries
    kpi: KpiQueries
    town: TownDataQueries
    notices: NoticeQueries
    segments: SegmentQueries
    surveys: SurveyQueries
