"""お知らせの設定: on any channel a resident sees the interests the town offers (防災, 子育て,
…) and subscribes or unsubscribes with a tap, honoured at once. For a resident linked to the
registry a subscription is the person's: it counts whichever of their channels holds it, and
unsubscribing on one channel removes it from all (ADR 0056). A retired interest is listed only
to those still subscribed, with 解除 only. The desk's own buttons only
(`interests:`), no dialog."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from application.access.actor import RESIDENT
from application.audit.recording import record
from application.channels.menu import INTERESTS_DATA, MAX_QUICK_REPLIES, MENU_DATA
from application.channels.procedure_handlers import StartProcedure
from application.conversations.state import Conversation
from application.ports.clock import IdGenerator
from application.ports.messaging import Choice, MessageStyle, OutgoingMessage
from application.ports.unit_of_work import UnitOfWork
from domain.channels import ChannelIdentity

__all__ = ["InterestsDesk"]

_ON, _OFF = "interests:on:", "interests:off:"


def _person(identity: ChannelIdentity, uow: UnitOfWork) -> list[str]:
    """The identities whose subscriptions are this person's."""
    if identity.resident_id is None:
        return [identity.id]
    return [i.id for i in uow.channel_identities.linked_to(identity.resident_id)] or [identity.id]


class InterestsDesk:
    procedure_id = "interests"  # no dialog to start: the list and its buttons are all
    postback_prefix = "interests:"
    from_menu = False

    def listing(self, identity: ChannelIdentity, uow: UnitOfWork,
                text: str = "") -> list[OutgoingMessage]:
        chosen = uow.interests.subscribed(_person(identity, uow))
        # a retired interest is shown only to those still subscribed, to stop it
        offered = [t for t in uow.interests.all() if t.active or t.key in chosen]
        if not offered:
            return [OutgoingMessage(text=f"{text}\n今はお知らせの分野の設定はありません。".strip(),
                                    choices=(Choice(label="メニュー", data=MENU_DATA),),
                                    style=MessageStyle.QUICK_REPLY)]
        lines = [f"・{t.label}: {'受け取る' if t.key in chosen else '受け取らない'}"
                 + ("（終了した分野です）" if not t.active else
                    f"（{t.description}）" if t.description else "") for t in offered]
        choices = [Choice(label=f"{t.label}を解除する"[:20], data=f"{_OFF}{t.key}")
                   if t.key in chosen else
                   Choice(label=f"{t.label}を登録する"[:20], data=f"{_ON}{t.key}")
                   for t in offered][:MAX_QUICK_REPLIES - 1]
        body = "\n".join(["町からのお知らせを、分野ごとに選べます。", *lines])
        return [OutgoingMessage(text=f"{text}\n{body}".strip(),
                                choices=(*choices, Choice(label="メニュー", data=MENU_DATA)),
                                style=MessageStyle.QUICK_REPLY)]

    def before_start(self, identity: ChannelIdentity, *, uow: UnitOfWork,
                     now: dt.datetime) -> list[OutgoingMessage] | None:
        return self.listing(identity, uow)  # nothing to start: the list instead

    def on_finish(self, conversation: Conversation, answers: dict[str, Any],
                  identity: ChannelIdentity, *, said: Sequence[OutgoingMessage],
                  uow: UnitOfWork, ids: IdGenerator,
                  now: dt.datetime) -> list[OutgoingMessage]:
        return list(said)  # no dialog of its own ever finishes

    def on_cancel(self, conversation: Conversation, *, uow: UnitOfWork,
                  now: dt.datetime) -> None:
        return None

    def on_postback(self, data: str, identity: ChannelIdentity, *, uow: UnitOfWork,
                    ids: IdGenerator, now: dt.datetime,
                    start: StartProcedure) -> list[OutgoingMessage] | None:
        if data == INTERESTS_DATA:
            return self.listing(identity, uow)
        wanted = data.startswith(_ON)
        if not (wanted or data.startswith(_OFF)):
            return None
        key = data.removeprefix(_ON if wanted else _OFF)
        topic = uow.interests.get(key)
        if topic is None or (wanted and not topic.active):  # stopping one stays possible
            return self.listing(identity, uow, "この分野のお知らせは終了しました。")
        target = ("resident", identity.resident_id) if identity.resident_id else (
            "channel_identity", identity.id)
        if wanted:
            if uow.interests.subscribe(identity.id, key, at=now):
                record(uow, RESIDENT, "interest.subscribed", *target, at=now, interest=key)
            return self.listing(identity, uow, f"「{topic.label}」のお知らせをお届けします。")
        if uow.interests.unsubscribe(_person(identity, uow), key):
            record(uow, RESIDENT, "interest.unsubscribed", *target, at=now, interest=key)
        return self.listing(identity, uow, f"「{topic.label}」のお知らせを止めました。")
