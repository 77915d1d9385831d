"""A resident's own acts in the audit log (run by the message bus, in the transaction of the
act): a card verification that linked them, an application sent from the chat, a certificate
request paid for. Staff see them among staff actions, named 住民; a paper application entered
by staff is staff's act (recorded as `application.paper_entry`), not the resident's."""

from __future__ import annotations

from collections.abc import Sequence

from application.access.actor import RESIDENT
from application.audit.recording import record
from application.ports.clock import Clock
from application.ports.unit_of_work import UnitOfWork
from domain.events import ApplicationConfirmed, CertificateRequestPaid, ResidentVerified

__all__ = ["ResidentActs"]


class ResidentActs:
    def __init__(self, clock: Clock) -> None:
        self.clock = clock

    def verified(self, events: Sequence[ResidentVerified], uow: UnitOfWork) -> None:
        for event in events:
            record(uow, RESIDENT, "resident.verified", "resident", event.resident_id,
                   at=self.clock.now())

    def applied(self, events: Sequence[ApplicationConfirmed], uow: UnitOfWork) -> None:
        for event in events:
            application = uow.applications.get(event.application_id)
            if application is None or application.entered_by is not None \
                    or application.channel == "postal":
                continue  # entered by staff: their record says so
            record(uow, RESIDENT, "application.applied", "application", application.id,
                   at=self.clock.now(), channel=application.channel)

    def requested_certificate(self, events: Sequence[CertificateRequestPaid],
                              uow: UnitOfWork) -> None:
        for event in events:
            record(uow, RESIDENT, "certificate_request.requested", "certificate_request",
                   event.request_id, at=self.clock.now())
