"""Domain events: facts that happened, recorded by aggregates and collected by the unit of work."""

from __future__ import annotations

from attrs import frozen

__all__ = [
    "ApplicationConfirmed",
    "ApplicationDecided",
    "ApplicationDeclined",
    "ApplicationWithdrawn",
    "CertificateRequestPaid",
    "CertificateRequestStateChanged",
    "DisbursementStateChanged",
    "Event",
    "ProgramStatusChanged",
    "ResidentVerified",
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


@frozen
class CertificateRequestPaid(Event):
    request_id: str


@frozen
class CertificateRequestStateChanged(Event):
    request_id: str
    state: str
