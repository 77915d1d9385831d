"""Fees in the demo's history: a resident pays what a procedure asked (a certificate's fee,
粗大ごみ's 400円 an item) on the development pay page, through the payment use cases the pay
page uses (`start_payment`, then `settle_payment` when the payer comes back), and staff issue
and mail a paid certificate (`handle_certificate_request`), each on the past town's clock."""

from __future__ import annotations

import re

from attrs import frozen

from application.access.actor import Actor
from application.certificates.issuing_certificate import (
    HandleCertificateRequest,
    StaffAction,
    handle_certificate_request,
)
from application.payments.paying import Payables, SettleOutcome, settle_payment, start_payment
from demo.past_town import PastTown
from domain.errors import DomainError

__all__ = ["Payable", "handle_certificate", "pay", "payable_in"]

_PAY_LINK = re.compile(r"/payments/(certificates|fees)/([^/?]+)/pay")
_KINDS = {"certificates": Payables.CERTIFICATES, "fees": Payables.FEES}


@frozen
class Payable:
    kind: Payables
    id: str


def payable_in(url: str) -> Payable | None:
    """What the 支払う button the town sent is for."""
    found = _PAY_LINK.search(url)
    return Payable(_KINDS[found.group(1)], found.group(2)) if found else None


def pay(town: PastTown, payable: Payable) -> bool:
    """The resident taps 支払う, pays on the pay page and comes back; True when it is paid."""
    try:
        start_payment(payable.kind, payable.id, uow=town.uow_factory(), gateway=town.gateway,
                      clock=town.clock, links=town.payment_links)
    except DomainError:
        return False
    with town.uow_factory() as uow:
        request = payable.kind.of(uow).get(payable.id)
        provider_id, reference = request.payment_provider_id, request.payment_reference
    town.clock.wait(90)
    if provider_id is None or reference is None or not town.payer_pays(provider_id):
        return False
    settled = settle_payment(reference, uow=town.uow_factory(), gateway=town.gateway,
                             clock=town.clock)
    return settled.outcome in {SettleOutcome.PAID, SettleOutcome.ALREADY_PAID}


def handle_certificate(town: PastTown, request_id: str, actor: Actor, *, mail: bool,
                       tracking_number: str = "") -> bool:
    """Staff issue the certificate (`mail`: and post it, with the tracking number)."""
    command = HandleCertificateRequest(
        request_id=request_id, actor=actor,
        action=StaffAction.MAIL if mail else StaffAction.ISSUE,
        tracking_number=tracking_number or None)
    try:
        handle_certificate_request(command, uow=town.uow_factory(), clock=town.clock,
                                   gateway=town.gateway)
    except DomainError:
        return False
    return True
