"""The residents' side of the demo's history: what a resident does in the chat (follows the
town's account, verifies with the card, runs a procedure to its end or leaves it, blocks the
account), as inbound events through the same router a channel's request goes through, on the
past town's clock (`past_town.PastTown`). Each function is one thing a resident did."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from attrs import frozen

from application.channels.inbound import InboundEvent, InboundKind
from application.channels.menu import START_PREFIX, VERIFY_DATA
from application.conversations import postbacks as pb
from application.messaging.codec import messages_from_json
from application.ports.clock import IdGenerator
from application.ports.matching import MatchKeyer
from application.ports.messaging import OutgoingMessage
from application.residents.registering_verification import register_verification
from application.surveys.satisfaction import QUESTION as SATISFACTION_QUESTION
from application.surveys.satisfaction import parse_rating
from demo.past_town import PastTown, Said
from demo.synthetic_town import SyntheticPerson

__all__ = ["Sent", "add_email", "block", "case_number_in", "follow", "run_procedure",
           "verify"]

_NUMBER = re.compile(r"受付番号 (\S+)")
_CODE = re.compile(r"確認コード: (\d{6})")
_ADD_CONTACT = "contacts:add"  # the 連絡先 list's 電話番号・メールを追加 (channels/contacts.py)
_BETWEEN_TAPS = 25  # seconds between a resident's taps
_DIALOG_STEPS = 12  # no shipped procedure the history runs has more questions
# What residents wrote, by the procedure's free-text questions.
_DETAILS = ("家の前の道路に穴があいていて、自転車が通りにくいです。",
            "公園の街灯が夜になってもつきません。確認をお願いします。",
            "ごみの収集日が変わったか教えてください。",
            "児童館の開館時間を知りたいです。",
            "転入の手続きに必要なものを教えてください。",
            "空き地に家電が捨てられています。")
# What residents type to the questions of 証明書の請求 and 粗大ごみ that ask for a number or a list.
_TYPED = (("何通", "1"), ("品目", "タンス 1、自転車 1"), ("何点", "2"),
          ("出す場所", "玄関の横に出します。"))
# A place in the demo town (総社市役所の近く) for a report's 📍.
_PLACE = ("岡山県総社市中央一丁目1番1号", 34.6727, 133.7468)


def _event(town: PastTown, ids: IdGenerator, channel: str, address: str, kind: InboundKind,
           **what: Any) -> list[Said]:
    """The event handled; what the town wrote meanwhile (to the sender and anyone else)."""
    issued = town.route(InboundEvent(
        channel=channel, external_id=f"{channel}:demo-history:{ids.new_id()}",
        address=address, kind=kind, occurred_at=town.clock.now(), **what))
    town.clock.wait(_BETWEEN_TAPS)
    with town.uow_factory() as uow:
        rows = uow.outbox.get_many(issued)
        return [Said(row.channel, row.recipient,
                     tuple(messages_from_json(row.payload.get("messages") or [])))
                for row in (rows.get(i) for i in issued) if row is not None]


def _to(said: list[Said], channel: str, address: str) -> list[OutgoingMessage]:
    """The newest messages written to this address (the reply the resident reads)."""
    rows = [row.messages for row in said if (row.channel, row.recipient) == (channel, address)]
    return list(rows[-1]) if rows else []


def follow(town: PastTown, ids: IdGenerator, channel: str, address: str) -> None:
    """友だち追加 on LINE; on SMS and the web page, the first message to the town."""
    kind = InboundKind.FOLLOW if channel == "line" else InboundKind.TEXT
    _event(town, ids, channel, address, kind, text="" if channel == "line" else "メニュー")


def block(town: PastTown, ids: IdGenerator, address: str) -> None:
    _event(town, ids, "line", address, InboundKind.UNFOLLOW)


def verify(town: PastTown, ids: IdGenerator, keyer: MatchKeyer, channel: str, address: str,
           person: SyntheticPerson) -> bool:
    """本人確認 in the chat, then the card page with the person's own four facts (the registry's
    extract writes the address relative to the town, as the card's is matched). True when the
    resident was matched."""
    said = _event(town, ids, channel, address, InboundKind.POSTBACK, data=VERIFY_DATA)
    state = next((found.group(1) for message in _to(said, channel, address)
                  for choice in message.choices if choice.url
                  for found in [re.search(r"[?&]state=([^&]+)", choice.url)] if found), None)
    if state is None:
        return False
    facts = person.facts
    verified = town.identity_provider.complete({
        "state": state, "name": facts.name.name, "kana": facts.name.kana or "",
        "address": facts.address.text, "postal_code": facts.address.postal_code or "",
        "date_of_birth": facts.date_of_birth.value.isoformat(), "sex": facts.sex.value})
    register_verification(verified, uow=town.uow_factory(), ids=ids, keyer=keyer)
    with town.uow_factory() as uow:
        identity = uow.channel_identities.get_by_address(channel, address)
        return identity is not None and identity.resident_id is not None


@frozen
class Sent:
    """A procedure the resident sent: the 受付番号 of the case it opened, or the 支払う link of
    the fee it asks first (a certificate's, 粗大ごみ's)."""

    number: str | None = None
    pay_url: str | None = None


def add_email(town: PastTown, ids: IdGenerator, channel: str, address: str, mail: str) -> bool:
    """連絡先 → 電話番号・メールを追加, the address, then the code the town sent there, typed
    back. True when the address is the resident's."""
    _event(town, ids, channel, address, InboundKind.POSTBACK, data=_ADD_CONTACT)
    said = _event(town, ids, channel, address, InboundKind.TEXT, text=mail)
    code = next((found.group(1) for message in _to(said, "email", mail)
                 if (found := _CODE.search(message.text)) is not None), None)
    if code is None:
        return False
    _event(town, ids, channel, address, InboundKind.TEXT, text=code)
    with town.uow_factory() as uow:
        identity = uow.channel_identities.get_by_address("email", mail)
        return identity is not None and identity.resident_id is not None


def run_procedure(town: PastTown, ids: IdGenerator, channel: str, address: str,
                  procedure_id: str, *, answers: int, choice: int,
                  person: SyntheticPerson) -> Sent | None:
    """Start a procedure from the menu and answer its questions as `person`: all of them and
    send it (`answers` < 0), or only the first `answers` and leave it there (0: opened and
    left); a leaving resident who answered some taps やめる when `choice` is odd. `choice` picks
    among the options offered. None when it was not sent."""
    said = _to(_event(town, ids, channel, address, InboundKind.POSTBACK,
                      data=f"{START_PREFIX}{procedure_id}"), channel, address)
    for turn in range(_DIALOG_STEPS):
        sent = _sent(said)
        if sent is not None:
            return sent
        if turn == answers:
            if answers > 0 and choice % 2:
                _event(town, ids, channel, address, InboundKind.TEXT, text="やめる")
            return None
        said = _to(_answer(town, ids, channel, address, said, choice + turn, person),
                   channel, address) or said
    return None


def rate(town: PastTown, ids: IdGenerator, channel: str, address: str, procedure_id: str,
         score: int) -> bool:
    """Tap `score` on the satisfaction question about the procedure that the town sent last to
    this address (after the completion message, in its row or the payment's; its buttons name
    whom it was asked: the surveys' desk stores the answer anonymously, once a month per
    procedure). False when no such question reached this address."""
    with town.uow_factory() as uow:
        rows = uow.queries.messages.transcript(channel, address, limit=5)
        payloads = [dict(row.payload) for row in rows]
    buttons = [choice.data for payload in payloads
               for message in messages_from_json(payload.get("messages") or [])
               if message.text == SATISFACTION_QUESTION for choice in message.choices
               if (rating := parse_rating(choice.data)) is not None
               and (rating.procedure_id, rating.score) == (procedure_id, score)]
    if not buttons:
        return False
    _event(town, ids, channel, address, InboundKind.POSTBACK, data=buttons[-1])
    return True


def _sent(said: Sequence[OutgoingMessage]) -> Sent | None:
    for message in said:
        number = _NUMBER.search(message.text)
        if number is not None:
            return Sent(number=number.group(1))
        pay_url = next((c.url for c in message.choices if "/payments/" in c.url), None)
        if pay_url is not None:
            return Sent(pay_url=pay_url)
    return None


def _typed(question: str, person: SyntheticPerson, choice: int) -> str | None:
    """What the resident types to a question that asks for a fact of theirs."""
    facts = person.facts
    if "お名前" in question or "氏名" in question:
        return facts.name.name
    if "住所" in question:
        return facts.address.text
    if "電話番号" in question:
        return f"090-{1000 + choice * 37 % 9000:04d}-{2000 + choice * 53 % 8000:04d}"
    return next((text for word, text in _TYPED if word in question), None)


def _answer(town: PastTown, ids: IdGenerator, channel: str, address: str,
            said: Sequence[OutgoingMessage], choice: int, person: SyntheticPerson,
            ) -> list[Said]:
    """One answer to the question the town asked last: the confirming はい, いいえ to an
    optional photo, their own facts, an option, the place, スキップ, or a line of text."""
    question = said[-1] if said else OutgoingMessage(text="")
    buttons = [c for c in question.choices if c.data.startswith(pb.PREFIX)]
    by_label = {c.label: c.data for c in buttons}
    values = {parsed.value: c.data for c in buttons
              if (parsed := pb.parse_postback(c.data)) is not None}
    options = [data for value, data in values.items() if not value.startswith("$")]
    typed = _typed(question.text, person, choice)
    if "写真" in question.text and "いいえ" in by_label and "送りますか" not in question.text:
        data = by_label["いいえ"]
    elif "はい" in by_label:
        data = by_label["はい"]
    elif "どなたの" in question.text and options:
        data = options[0]  # their own certificate
    elif pb.SKIP in values:
        data = values[pb.SKIP]
    elif (any(c.label == "位置情報を送る" for c in question.choices)
          or "場所を教えて" in question.text):
        text, latitude, longitude = _PLACE
        return _event(town, ids, channel, address, InboundKind.LOCATION, text=text,
                      latitude=latitude, longitude=longitude)
    elif options:
        data = options[choice % len(options)]
    else:
        return _event(town, ids, channel, address, InboundKind.TEXT,
                      text=typed if typed is not None else _DETAILS[choice % len(_DETAILS)])
    return _event(town, ids, channel, address, InboundKind.POSTBACK, data=data)


def case_number_in(town: PastTown, channel: str, address: str) -> str | None:
    """The 受付番号 the town sent last to this address (a paid fee's case)."""
    with town.uow_factory() as uow:
        rows = uow.queries.messages.transcript(channel, address, limit=3)
        payloads = [dict(row.payload) for row in rows]
    found = [number.group(1) for payload in payloads
             for message in messages_from_json(payload.get("messages") or [])
             if (number := _NUMBER.search(message.text)) is not None]
    return found[-1] if found else None
