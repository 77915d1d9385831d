"""The residents' side of the demo's history: what a resident does in the chat (follows the
town's account, verifies with the card, runs a procedure to its end or leaves it, blocks the
account), as inbound events through the same router a channel's request goes through, on the
past town's clock (`past_town.PastTown`). Each function is one thing a resident did."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from application.channels.inbound import InboundEvent, InboundKind
from application.channels.menu import START_PREFIX, VERIFY_DATA
from application.conversations import postbacks as pb
from application.messaging.codec import messages_from_json
from application.ports.clock import IdGenerator
from application.ports.matching import MatchKeyer
from application.ports.messaging import OutgoingMessage
from application.residents.registering_verification import register_verification
from demo.past_town import PastTown
from demo.synthetic_town import SyntheticPerson

__all__ = ["block", "follow", "run_procedure", "verify"]

_NUMBER = re.compile(r"受付番号 (\S+)")
_BETWEEN_TAPS = 25  # seconds between a resident's taps
_DIALOG_STEPS = 12  # no shipped procedure the history runs has more questions
# What residents wrote, by the procedure's free-text questions.
_DETAILS = ("家の前の道路に穴があいていて、自転車が通りにくいです。",
            "公園の街灯が夜になってもつきません。確認をお願いします。",
            "ごみの収集日が変わったか教えてください。",
            "児童館の開館時間を知りたいです。",
            "転入の手続きに必要なものを教えてください。",
            "空き地に家電が捨てられています。")
# A place in the demo town (総社市役所の近く) for a report's 📍.
_PLACE = ("岡山県総社市中央一丁目1番1号", 34.6727, 133.7468)


def _event(town: PastTown, ids: IdGenerator, channel: str, address: str, kind: InboundKind,
           **what: Any) -> None:
    town.route(InboundEvent(channel=channel, external_id=f"{channel}:demo-history:{ids.new_id()}",
                            address=address, kind=kind, occurred_at=town.clock.now(), **what))
    town.clock.wait(_BETWEEN_TAPS)


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
    _event(town, ids, channel, address, InboundKind.POSTBACK, data=VERIFY_DATA)
    state = next((found.group(1) for message in _newest(town, channel, address)
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


def run_procedure(town: PastTown, ids: IdGenerator, channel: str, address: str,
                  procedure_id: str, *, answers: int, choice: int, name: str) -> str | None:
    """Start a procedure from the menu and answer its questions: all of them and send it
    (`answers` < 0), or only the first `answers` and leave it there (0: opened and left); a
    leaving resident who answered some taps やめる when `choice` is odd. `choice` picks among
    the options offered; `name` is what they type when asked their name. Returns the 受付番号
    of the case a sent procedure opened, or None."""
    _event(town, ids, channel, address, InboundKind.POSTBACK,
           data=f"{START_PREFIX}{procedure_id}")
    for turn in range(_DIALOG_STEPS):
        said = _newest(town, channel, address)
        number = next((found.group(1) for m in said for found in [_NUMBER.search(m.text)]
                       if found), None)
        if number is not None:
            return number
        if turn == answers:
            if answers > 0 and choice % 2:
                _event(town, ids, channel, address, InboundKind.TEXT, text="やめる")
            return None
        _answer(town, ids, channel, address, said, choice + turn, name)
    return None


def _answer(town: PastTown, ids: IdGenerator, channel: str, address: str,
            said: Sequence[OutgoingMessage], choice: int, name: str) -> None:
    """One answer to the question the town asked last: the confirming はい, いいえ to an
    optional photo, an option, the place, スキップ, or a line of text."""
    question = said[-1] if said else OutgoingMessage(text="")
    buttons = [c for c in question.choices if c.data.startswith(pb.PREFIX)]
    by_label = {c.label: c.data for c in buttons}
    values = {pb.parse_postback(c.data).value: c.data for c in buttons
              if pb.parse_postback(c.data) is not None}
    if "写真" in question.text and "いいえ" in by_label and "送りますか" not in question.text:
        data = by_label["いいえ"]
    elif "はい" in by_label:
        data = by_label["はい"]
    elif pb.SKIP in values:
        data = values[pb.SKIP]
    elif "お名前" in question.text and not buttons:
        _event(town, ids, channel, address, InboundKind.TEXT, text=name)
        return
    elif (any(c.label == "位置情報を送る" for c in question.choices)
          or "場所を教えて" in question.text):
        text, latitude, longitude = _PLACE
        _event(town, ids, channel, address, InboundKind.LOCATION, text=text,
               latitude=latitude, longitude=longitude)
        return
    else:
        options = [data for value, data in values.items() if not value.startswith("$")]
        if not options:
            _event(town, ids, channel, address, InboundKind.TEXT,
                   text=_DETAILS[choice % len(_DETAILS)])
            return
        data = options[choice % len(options)]
    _event(town, ids, channel, address, InboundKind.POSTBACK, data=data)


def _newest(town: PastTown, channel: str, address: str) -> list[OutgoingMessage]:
    """What the town said last to this address (its newest outbox row)."""
    with town.uow_factory() as uow:
        rows = uow.queries.messages.transcript(channel, address, limit=1)
        payloads = [dict(row.payload) for row in rows]
    return [message for payload in payloads[-1:]
            for message in messages_from_json(payload.get("messages") or [])]
