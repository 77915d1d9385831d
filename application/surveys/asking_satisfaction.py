"""The satisfaction question follows every completed procedure (ADR 0059): handlers of the
message bus on the events the completions already raise, in their transaction, after the
completion message (the outbox keeps their order):

- `CaseOpened` — a finished procedure's case (a fee-paid one once its fee is paid); not a
  consultation (相談: a live exchange starts, nothing is completed yet), not a case passed to
  another department;
- `CertificateRequestPaid` — a certificate requested and paid;
- `ApplicationConfirmed` — a benefit application confirmed by the household (not one staff
  entered from paper).

Not asked when the town turned the question off, nor when this person already answered for
this procedure this month, nor on an address that declined optional messages. The question
joins the message the same transaction queued for the same address (the completion message,
the payment's confirmation), so that it arrives after it: two messages in two requests may be
sent at once and arrive in either order. Its buttons carry a tag of the person asked and the
month (`RespondentKeys.asked`): only that person's tap counts."""

from __future__ import annotations

from collections.abc import Sequence

from application.messaging.telling import Telling
from application.ports.clock import Clock
from application.ports.messaging import OutgoingMessage
from application.ports.unit_of_work import UnitOfWork
from application.surveys.respondents import RespondentKeys
from application.surveys.satisfaction import asks_satisfaction, question
from domain.channels import ChannelIdentity
from domain.events import ApplicationConfirmed, CaseOpened, CertificateRequestPaid
from domain.surveys import SATISFACTION, month_of

__all__ = ["BENEFIT", "CERTIFICATE", "NOT_RATED", "SatisfactionQuestions"]

CERTIFICATE = "certificate"  # the procedure id rated after a certificate request
BENEFIT = "benefit"  # … after a benefit application
NOT_RATED = frozenset({"consultation"})  # a case that starts a live exchange


class SatisfactionQuestions:
    def __init__(self, telling: Telling, keys: RespondentKeys, clock: Clock) -> None:
        self.telling, self.keys, self.clock = telling, keys, clock

    def case_opened(self, events: Sequence[CaseOpened], uow: UnitOfWork) -> None:
        for event in events:
            case = None if event.transferred else uow.cases.get(event.case_id)
            if case is None or case.procedure_id in NOT_RATED or not self._asks(uow):
                continue
            identity = uow.channel_identities.get(case.identity_id)
            person = case.resident_id or case.identity_id
            if identity is None or self._answered(uow, case.procedure_id, person):
                continue
            self._ask(uow, self._reached(uow, identity), case.procedure_id, person)

    def certificate_paid(self, events: Sequence[CertificateRequestPaid],
                         uow: UnitOfWork) -> None:
        if not events or not self._asks(uow):
            return
        requesters = {request.requester_id for event in events
                      if (request := uow.certificate_requests.get(event.request_id))}
        reached = self.telling.residents_recipients(
            uow, [r for r in requesters if not self._answered(uow, CERTIFICATE, r)])
        for resident_id, identities in sorted(reached.items()):
            self._ask(uow, identities, CERTIFICATE, resident_id)

    def application_confirmed(self, events: Sequence[ApplicationConfirmed],
                              uow: UnitOfWork) -> None:
        """The household's head is asked (the one the benefit's notices go to)."""
        if not events or not self._asks(uow):
            return
        confirmed = [application for event in events
                     if (application := uow.applications.get(event.application_id))
                     and application.entered_by is None
                     and application.channel not in ("postal", "counter")]
        heads = uow.households.heads(sorted({a.household_id for a in confirmed}))
        reached = self.telling.residents_recipients(
            uow, [head.head_resident_id for head in heads.values()
                  if not self._answered(uow, BENEFIT, head.head_resident_id)])
        for resident_id, identities in sorted(reached.items()):
            self._ask(uow, identities, BENEFIT, resident_id)

    # -- helpers -----------------------------------------------------------------------------

    def _reached(self, uow: UnitOfWork,
                 identity: ChannelIdentity) -> Sequence[ChannelIdentity]:
        """Where staff's answer to this chat would go: that chat while it follows the town,
        else the resident's own ladder (`Telling.in_reply`)."""
        if identity.reachable:
            return [identity]
        if identity.resident_id is None:
            return []
        return self.telling.residents_recipients(uow, [identity.resident_id]).get(
            identity.resident_id, [])

    def _ask(self, uow: UnitOfWork, identities: Sequence[ChannelIdentity],
             procedure_id: str, person: str) -> None:
        """Not on an address that declined optional messages (the question is one: it is not
        marked optional, or the dispatcher would drop the essential message it joins)."""
        asked = [self._question(procedure_id, person)]
        for identity in identities:
            if identity.takes_optional and not self._joined(uow, identity, asked):
                self.telling.identity(uow, identity, asked)

    @staticmethod
    def _joined(uow: UnitOfWork, identity: ChannelIdentity,
                asked: Sequence[OutgoingMessage]) -> bool:
        """After the message this transaction queued for the same address, in its request."""
        queued = uow.outbox.added_for(identity.channel, identity.address)
        return queued is not None and queued.followed_by(asked)

    def _question(self, procedure_id: str, person: str) -> OutgoingMessage:
        return question(procedure_id, self.keys.asked(
            procedure_id=procedure_id, person=person, period=month_of(self.clock.now())))

    def _asks(self, uow: UnitOfWork) -> bool:
        return asks_satisfaction(uow)

    def _answered(self, uow: UnitOfWork, procedure_id: str, person: str) -> bool:
        key = self.keys.key(survey_id=SATISFACTION, procedure_id=procedure_id, person=person)
        return uow.survey_answers.answered(SATISFACTION, procedure_id, key,
                                           month_of(self.clock.now()))
