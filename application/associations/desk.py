"""自治会 in the chat: the associations open to join, joining and leaving with one tap, and the
「読みました」 of a 回覧板 (ADR 0057). Two procedure handlers for the router (`routing.py`):

- `AssociationDesk` (`association:`): the list (the menu's 「自治会」), `association:join:<id>`
  and `association:leave:<id>`. A verified resident joins as themselves (the registry's name);
  someone not verified gives the name the leader will see, in a one-question dialog
  (`ASSOCIATION_JOIN`), and joins with this chat account.
- `CircularDesk` (`circular:`): `circular:read:<id>` records that the member read it, once; a
  second tap answers 「既に確認済みです」 and changes nothing.

Everything happens in the inbound event's transaction; the messages are channel-neutral."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from application.associations.sending_circular import READ_PREFIX
from application.channels.menu import ASSOCIATIONS_DATA
from application.channels.procedure_handlers import StartProcedure
from application.conversations.procedures import AnswerType, Procedure, Step
from application.conversations.state import Conversation
from application.ports.clock import IdGenerator
from application.ports.messaging import Choice, MessageStyle, OutgoingMessage
from application.ports.unit_of_work import UnitOfWork
from domain.associations import (
    MAX_MEMBER_NAME,
    Association,
    AssociationMember,
    CircularRead,
)
from domain.channels import ChannelIdentity
from domain.errors import DomainError

__all__ = ["ALREADY_READ", "ASSOCIATION_JOIN", "AssociationDesk", "CircularDesk"]

_JOIN, _LEAVE = "association:join:", "association:leave:"
_CHOSEN = "association_id"  # kept in the join dialog's answers: which association
ALREADY_READ = "既に確認済みです。"
NOTHING_OPEN = "いま参加を受け付けている自治会・町内会はありません。"

ASSOCIATION_JOIN = Procedure(
    id="association_join", title="自治会・町内会への参加", confirm=False, ttl_minutes=15,
    steps=(Step(key="name", label="お名前", answer=AnswerType.TEXT, max_length=MAX_MEMBER_NAME,
                question="会員名簿に載せるお名前を入力してください。",
                hint="自治会長には、お名前と回覧板を読んだかどうかだけが伝わります。"),),
    completion_message="受け付けました。")


def _verified_resident(identity: ChannelIdentity, uow: UnitOfWork) -> tuple[str, str] | None:
    """The verified resident behind this account and their registry name."""
    if identity.resident_id is None:
        return None
    resident = uow.residents.get(identity.resident_id)
    if resident is None or not resident.is_verified or resident.facts is None:
        return None
    return resident.id, resident.facts.name.name


def _memberships(identity: ChannelIdentity, uow: UnitOfWork) -> list[AssociationMember]:
    """Every membership of the person behind this account: as this account, as the resident it
    is linked to, and as any other account linked to that resident (one person may have joined
    in the chat before being verified and then been imported from the list)."""
    found = {m.id: m for m in uow.associations.memberships(identity_id=identity.id)}
    if identity.resident_id is not None:
        found.update((m.id, m) for m in uow.associations.memberships(
            resident_id=identity.resident_id))
        for linked in uow.channel_identities.linked_to(identity.resident_id):
            found.update((m.id, m) for m in uow.associations.memberships(
                identity_id=linked.id))
    return list(found.values())


class AssociationDesk:
    procedure_id = ASSOCIATION_JOIN.id
    postback_prefix = "association:"
    from_menu = False  # started by a 「参加する」 button of the list

    def listing(self, identity: ChannelIdentity, uow: UnitOfWork,
                text: str = "") -> list[OutgoingMessage]:
        joined = {m.association_id for m in _memberships(identity, uow)}
        shown = [a for a in uow.associations.every() if a.open_to_join or a.id in joined]
        if not shown:
            return [OutgoingMessage(text=f"{text}\n{NOTHING_OPEN}".strip())]
        lines = [f"・{a.name}{'（参加中）' if a.id in joined else ''}" for a in shown]
        choices = [Choice(label=f"{a.name}を退会"[:20], data=f"{_LEAVE}{a.id}",
                          display_text=f"{a.name}を退会する") if a.id in joined
                   else Choice(label=f"{a.name}に参加"[:20], data=f"{_JOIN}{a.id}",
                               display_text=f"{a.name}に参加する")
                   for a in shown[:12]]
        body = "\n".join(["自治会・町内会:", *lines,
                          "参加すると、回覧板をお届けします。"])
        return [OutgoingMessage(text=f"{text}\n{body}".strip(), choices=tuple(choices),
                                style=MessageStyle.QUICK_REPLY)]

    # -- the router's calls ------------------------------------------------------------------

    def before_start(self, identity: ChannelIdentity, *, uow: UnitOfWork,
                     now: dt.datetime) -> list[OutgoingMessage] | None:
        return None

    def on_postback(self, data: str, identity: ChannelIdentity, *, uow: UnitOfWork,
                    ids: IdGenerator, now: dt.datetime,
                    start: StartProcedure) -> list[OutgoingMessage] | None:
        if data == ASSOCIATIONS_DATA:
            return self.listing(identity, uow)
        if data.startswith(_JOIN):
            return self._join(data.removeprefix(_JOIN), identity, uow, ids, now, start)
        if data.startswith(_LEAVE):
            return self._leave(data.removeprefix(_LEAVE), identity, uow)
        return None

    def on_finish(self, conversation: Conversation, answers: dict[str, Any],
                  identity: ChannelIdentity, *, said: Sequence[OutgoingMessage],
                  uow: UnitOfWork, ids: IdGenerator,
                  now: dt.datetime) -> list[OutgoingMessage]:
        association = uow.associations.get(str(conversation.answers.get(_CHOSEN, "")))
        if association is None or not association.open_to_join:
            return self.listing(identity, uow, "その自治会・町内会は、いま参加を受け付けて"
                                               "いません。")
        if any(m.association_id == association.id for m in _memberships(identity, uow)):
            return self.listing(identity, uow, f"すでに{association.name}に参加しています。")
        try:
            member = AssociationMember.identity_joined(
                id=ids.new_id(), association_id=association.id, identity_id=identity.id,
                name=str(answers.get("name") or ""), at=now)
        except DomainError as error:
            return self.listing(identity, uow, error.message)
        uow.associations.add_member(member)
        return [OutgoingMessage(text=_joined(association))]

    def on_cancel(self, conversation: Conversation, *, uow: UnitOfWork,
                  now: dt.datetime) -> None:
        return None  # nothing was written before the name

    # -- joining and leaving -----------------------------------------------------------------

    def _join(self, association_id: str, identity: ChannelIdentity, uow: UnitOfWork,
              ids: IdGenerator, now: dt.datetime,
              start: StartProcedure) -> list[OutgoingMessage]:
        association = uow.associations.get(association_id)
        if association is None or not association.open_to_join:
            return self.listing(identity, uow, "その自治会・町内会は、いま参加を受け付けて"
                                               "いません。")
        if any(m.association_id == association.id for m in _memberships(identity, uow)):
            return self.listing(identity, uow, f"すでに{association.name}に参加しています。")
        verified = _verified_resident(identity, uow)
        if verified is None:  # the name they give, on this chat account
            conversation_id = ids.new_id()
            messages = start(ASSOCIATION_JOIN.id, conversation_id)
            conversation = uow.conversations.current_for(identity.id)
            if conversation is not None and conversation.id == conversation_id:
                conversation.answers = {**conversation.answers, _CHOSEN: association.id}
            return messages
        resident_id, name = verified
        uow.associations.add_member(AssociationMember.resident_joined(
            id=ids.new_id(), association_id=association.id, resident_id=resident_id,
            name=name, at=now))
        return [OutgoingMessage(text=_joined(association))]

    def _leave(self, association_id: str, identity: ChannelIdentity,
               uow: UnitOfWork) -> list[OutgoingMessage]:
        members = [m for m in _memberships(identity, uow) if m.association_id == association_id]
        association = uow.associations.get(association_id)
        if not members or association is None:
            return self.listing(identity, uow, "その自治会・町内会には参加していません。")
        for member in members:  # the person leaves, whichever way each row came in
            uow.circulars.forget_member(member.id)
            uow.associations.remove_member(member)
        return [OutgoingMessage(text=f"{association.name}を退会しました。回覧板はお届けしません。")]


def _joined(association: Association) -> str:
    return (f"{association.name}に参加しました。回覧板をお届けします。"
            "退会は「自治会」からいつでもできます。")


class CircularDesk:
    """「読みました」 on a 回覧板. It has no dialog of its own (nothing starts it from the menu)."""

    procedure_id = "circular"
    postback_prefix = "circular:"
    from_menu = False

    def before_start(self, identity: ChannelIdentity, *, uow: UnitOfWork,
                     now: dt.datetime) -> list[OutgoingMessage] | None:
        return None

    def on_postback(self, data: str, identity: ChannelIdentity, *, uow: UnitOfWork,
                    ids: IdGenerator, now: dt.datetime,
                    start: StartProcedure) -> list[OutgoingMessage] | None:
        if not data.startswith(READ_PREFIX):
            return None
        circular = uow.circulars.get(data.removeprefix(READ_PREFIX))
        members = [] if circular is None else [
            m for m in _memberships(identity, uow) if m.association_id == circular.association_id]
        if circular is None or not members:
            return [OutgoingMessage(text="この回覧板は、いまの会員の方だけが確認できます。")]
        unread = [m for m in members if uow.circulars.read(circular.id, m.id) is None]
        if not unread:
            return [OutgoingMessage(text=ALREADY_READ)]
        for member in unread:  # one person: every row of theirs is read
            uow.circulars.add_read(CircularRead(circular_id=circular.id, member_id=member.id,
                                                read_at=now))
        return [OutgoingMessage(text=f"回覧板「{circular.title}」を確認済みにしました。"
                                     "ありがとうございました。")]

    def on_finish(self, conversation: Conversation, answers: dict[str, Any],
                  identity: ChannelIdentity, *, said: Sequence[OutgoingMessage],
                  uow: UnitOfWork, ids: IdGenerator,
                  now: dt.datetime) -> list[OutgoingMessage]:
        return list(said)  # no dialog is ever started under "circular"

    def on_cancel(self, conversation: Conversation, *, uow: UnitOfWork,
                  now: dt.datetime) -> None:
        return None
