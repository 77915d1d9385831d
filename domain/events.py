"""Domain events: facts that happened, recorded by aggregates and collected by the unit of work.

When the unit of work commits, the message bus (`application/messagebus.py`) runs what follows
from each event in the same transaction; `application/handlers.py` says which event leads to
what. An event carries ids, never personal data; `by` / `actor` is who caused it (an actor id:
a staff id, `api:<key id>`, `cli:<user>`, `system`), where a record of it is kept.
"""

from __future__ import annotations

from attrs import frozen

__all__ = [
    "ApplicationConfirmed",
    "ApplicationDecided",
    "ApplicationDeclined",
    "ApplicationWithdrawn",
    "BatchStateChanged",
    "CaseAnswered",
    "CaseOpened",
    "CashCodeIssued",
    "CertificatePaymentLapsed",
    "CertificateRequestPaid",
    "CertificateRequestStateChanged",
    "ConsultationEnded",
    "ConsultationTaken",
    "DisbursementStateChanged",
    "Event",
    "FeePaid",
    "FeePaymentLapsed",
    "FeeRefunded",
    "ProgramStatusChanged",
    "ResidentVerified",
    "VerificationDecided",
]


class Event:
    """Marker base class for every domain event."""


@frozen
class ResidentVerified(Event):
    resident_id: str


@frozen
class ProgramStatusChanged(Event):
    program_id: str
    status: str


@frozen
class ApplicationConfirmed(Event):
    application_id: str
    program_id: str
    household_id: str


@frozen
class ApplicationDeclined(Event):
    application_id: str


@frozen
class ApplicationDecided(Event):
    application_id: str
    approved: bool
    reason: str


@frozen
class ApplicationWithdrawn(Event):
    application_id: str


@frozen
class DisbursementStateChanged(Event):
    disbursement_id: str
    application_id: str
    status: str
    by: str = ""  # who reported it (a failure: the staff member who imported the bank's result)


@frozen
class BatchStateChanged(Event):
    batch_id: str
    state: str
    actor: str


@frozen
class CashCodeIssued(Event):
    payout_id: str
    disbursement_id: str


@frozen
class CertificateRequestPaid(Event):
    request_id: str


@frozen
class CertificateRequestStateChanged(Event):
    request_id: str
    state: str


@frozen
class CertificatePaymentLapsed(Event):
    """The resident's fee payment expired or was cancelled: the request is still unpaid."""

    request_id: str
    cancelled: bool  # True: the payer (or the provider) cancelled; False: it expired


@frozen
class FeePaid(Event):
    """A procedure's fee was paid: its case is opened now (ADR 0053)."""

    fee_id: str


@frozen
class FeePaymentLapsed(Event):
    """A procedure's fee payment expired or was cancelled: no case yet, the resident may pay
    again."""

    fee_id: str
    cancelled: bool


@frozen
class FeeRefunded(Event):
    """Staff refunded a case's fee: the resident is told."""

    fee_id: str


@frozen
class VerificationDecided(Event):
    """A card verification was linked to a registry person, held for staff, or rejected."""

    verification_id: str
    identity_id: str
    status: str  # linked, review, unmatched, rejected


@frozen
class CaseAnswered(Event):
    """A staff member answered a case of the town's inbox: the reply is the case entry's."""

    case_id: str
    entry_id: str


@frozen
class ConsultationTaken(Event):
    """A staff member took a waiting consultation (相談): the resident is told who answers."""

    case_id: str
    staff_id: str  # an actor id


@frozen
class ConsultationEnded(Event):
    """Staff ended a consultation: the resident is told, with the menu (the bot is back)."""

    case_id: str


@frozen
class CaseOpened(Event):
    """A resident's finished procedure became a case in a department's inbox (its department is
    alerted: ADR 0047), or was passed to another department (`transferred`: alerted again, but
    nothing the resident did)."""

    case_id: str
    transferred: bool = False
