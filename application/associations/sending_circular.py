"""A 自治会長 sends a 回覧板 to every member of their association: each member reached through the
one policy for telling a resident (`telling.py`: the town's ladder LINE → SMS → e-mail), with a
「読みました」 button (`circular:read:<id>`; SMS and e-mail link to the web page where one tap
answers). Members nobody reaches are listed for paper (「連絡手段なし（紙で回覧）」). Written in
the outbox with the circular, and audited with it."""

from __future__ import annotations

from attrs import field, frozen

from application.access.actor import Actor
from application.associations.common import leaders_association
from application.associations.reach import recipients
from application.audit.recording import record
from application.messaging.telling import Telling
from application.ports.clock import Clock, IdGenerator
from application.ports.messaging import Choice, MessageStyle, OutgoingMessage
from application.ports.unit_of_work import UnitOfWork
from domain.associations import Circular

__all__ = ["READ_LABEL", "READ_PREFIX", "SendCircular", "SentCircular", "circular_messages",
           "send_circular"]

READ_PREFIX = "circular:read:"  # + the circular's id
READ_LABEL = "読みました"


@frozen
class SendCircular:
    title: str
    body: str
    actor: Actor


@frozen
class SentCircular:
    circular_id: str
    told: int  # members the outbox has a message for
    on_paper: tuple[str, ...] = field(converter=tuple)  # the names of those nobody reaches


def circular_messages(association_name: str, circular: Circular) -> list[OutgoingMessage]:
    return [
        OutgoingMessage(text=f"【回覧板】{association_name}\n{circular.title}\n\n{circular.body}"),
        OutgoingMessage(text=f"回覧板「{circular.title}」を読んだら、下のボタンを押してください。",
                        choices=(Choice(label=READ_LABEL, data=f"{READ_PREFIX}{circular.id}"),),
                        style=MessageStyle.BUTTONS, alt_text=f"回覧板: {circular.title}"),
    ]


def send_circular(command: SendCircular, *, uow: UnitOfWork, ids: IdGenerator, clock: Clock,
                  telling: Telling) -> SentCircular:
    now = clock.now()
    with uow:
        association = leaders_association(uow, command.actor)
        circular = Circular(id=ids.new_id(), association_id=association.id,
                            title=command.title, body=command.body, sent_by=command.actor.id,
                            sent_at=now)
        uow.circulars.add(circular)
        members = uow.associations.members(association.id)
        reached = recipients(uow, telling, members)
        messages = circular_messages(association.name, circular)
        told = 0
        for member in members:
            for identity in reached.get(member.id, []):
                told += telling.identity(uow, identity, messages)
        on_paper = [m.name for m in members if m.id not in reached]
        record(uow, command.actor, "circular.send", "circular", circular.id, at=now,
               members=len(members), told=len(reached), on_paper=len(on_paper))
        uow.commit()
    return SentCircular(circular_id=circular.id, told=len(reached), on_paper=on_paper)
