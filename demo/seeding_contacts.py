"""Residents on each channel in the demo town, seeded the way a resident without LINE gets there:
on the town's web page (`/r/`) they start fresh and verify with the development card, then under
連絡先 type a mobile number or an e-mail address, read the 6-digit code the town sent there, and
type it back. Every step goes through the same router, identity provider and use cases as the
page's own requests (`entrypoints/web/resident/pages.py`, `entrypoints/web/identity.py`).

What is seeded: the heads of the households `seeding_payments.ladder_households` names (paid an
earlier benefit by transfer, so their notice offers the account on file: one tap applies): the
first `DEMO_BY_SMS` have a verified mobile number only (090-0000-0101, …), the others a verified
e-mail address only (<household number>@example.jp, e.g. dh00000015@example.jp). None has LINE,
so the town's ladder (LINE → SMS → e-mail → postal) notifies them by SMS and by e-mail. The
codes they were sent stay in the outbox: `madoguchi serve --line-sim` delivers them to the SMS
stand-in's and the mail catcher's inboxes.

Idempotent: a head already verified is left as they are.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Any

from application.channels.inbound import InboundEvent, InboundKind
from application.channels.menu import MENU_DATA, VERIFY_DATA
from application.channels.web_sign_in import WEB, start_fresh
from application.messaging.codec import messages_from_json
from application.ports.clock import Clock, IdGenerator
from application.ports.identity import IdentityProvider
from application.ports.matching import MatchKeyer
from application.ports.unit_of_work import UnitOfWork
from application.residents.registering_verification import register_verification
from demo.synthetic_town import SyntheticHousehold

__all__ = ["DEMO_BY_SMS", "Route", "demo_contact", "seed_demo_contacts"]

DEMO_BY_SMS = 3  # the first heads seeded: a mobile number; the others: an e-mail address
_ADD_CONTACT = "contacts:add"  # the 連絡先 list's 電話番号・メールを追加 (channels/contacts.py)
_CODE = re.compile(r"確認コード: (\d{6})")
Route = Callable[[InboundEvent], object]


def demo_contact(n: int, household: SyntheticHousehold) -> tuple[str, str, str]:
    """(channel, what the resident types, the address as stored) of the n-th seeded head."""
    if n < DEMO_BY_SMS:
        return "sms", f"090-0000-01{n + 1:02d}", f"+8190000001{n + 1:02d}"
    mail = f"{household.household_number.lower()}@example.jp"
    return "email", mail, mail


def seed_demo_contacts(households: Sequence[SyntheticHousehold], *, route: Route,
                       identity_provider: IdentityProvider,
                       uow_factory: Callable[[], UnitOfWork], ids: IdGenerator, clock: Clock,
                       keyer: MatchKeyer) -> dict[str, int]:
    """Put the heads of `households` on SMS and e-mail; returns how many heads were given a
    mobile number (`sms`) and an e-mail address (`email`) now. Nothing when the identity
    provider is not the development card (no card to type on)."""
    added = {"sms": 0, "email": 0}
    if identity_provider.name != "dev_card":
        return added
    for n, household in enumerate(households):
        head = household.members[0]
        with uow_factory() as uow:
            resident = uow.residents.get_by_resident_number(head.resident_number)
            if resident is None or resident.is_verified:
                continue
            resident_id = resident.id
        channel, typed, address = demo_contact(n, household)
        web = _on_the_page(route, uow_factory=uow_factory, ids=ids, clock=clock)
        state = _verify_link_state(web, uow_factory)
        facts = head.facts
        verified = identity_provider.complete({
            "state": state, "name": facts.name.name, "kana": facts.name.kana or "",
            "address": facts.address.text, "postal_code": facts.address.postal_code or "",
            "date_of_birth": facts.date_of_birth.value.isoformat(), "sex": facts.sex.value})
        register_verification(verified, uow=uow_factory(), ids=ids, keyer=keyer)
        # 連絡先 → 電話番号・メールを追加 → the number or address → the code sent there.
        _event(route, web, InboundKind.POSTBACK, ids, clock, data=_ADD_CONTACT)
        _event(route, web, InboundKind.TEXT, ids, clock, text=typed)
        _event(route, web, InboundKind.TEXT, ids, clock,
               text=_code_sent(channel, address, uow_factory))
        with uow_factory() as uow:
            linked = uow.channel_identities.get_by_address(channel, address)
            if linked is not None and linked.resident_id == resident_id:
                added[channel] += 1
    return added


def _on_the_page(route: Route, *, uow_factory: Callable[[], UnitOfWork], ids: IdGenerator,
                 clock: Clock) -> str:
    """はじめる on the page: a new web identity, greeted; then 本人確認. Its address."""
    address = start_fresh(uow=uow_factory(), ids=ids, clock=clock)
    _event(route, address, InboundKind.POSTBACK, ids, clock, data=MENU_DATA)
    _event(route, address, InboundKind.POSTBACK, ids, clock, data=VERIFY_DATA)
    return address


def _event(route: Route, address: str, kind: InboundKind, ids: IdGenerator, clock: Clock, *,
           data: str = "", text: str = "") -> None:
    route(InboundEvent(channel=WEB, external_id=f"web:demo:{ids.new_id()}", address=address,
                       kind=kind, occurred_at=clock.now(), data=data, text=text))


def _verify_link_state(address: str, uow_factory: Callable[[], UnitOfWork]) -> str:
    """The state of the 本人確認をはじめる link the page shows (the card page's attempt)."""
    for text in _texts(WEB, address, uow_factory, links=True):
        found = re.search(r"[?&]state=([^&]+)", text)
        if found:
            return found.group(1)
    raise LookupError("the page offered no 本人確認 link")


def _code_sent(channel: str, address: str, uow_factory: Callable[[], UnitOfWork]) -> str:
    """The code in the newest message the town sent to the contact (what its owner reads)."""
    for text in reversed(_texts(channel, address, uow_factory)):
        found = _CODE.search(text)
        if found:
            return found.group(1)
    raise LookupError(f"no code was sent by {channel}")


def _texts(channel: str, address: str, uow_factory: Callable[[], UnitOfWork], *,
           links: bool = False) -> list[str]:
    with uow_factory() as uow:
        rows = uow.queries.messages.transcript(channel, address, limit=10)
        payloads: list[Any] = [dict(row.payload) for row in rows]
    texts: list[str] = []
    for payload in payloads:
        for message in messages_from_json(payload.get("messages") or []):
            texts.append(message.text)
            if links:
                texts += [choice.url for choice in message.choices if choice.url]
    return texts
