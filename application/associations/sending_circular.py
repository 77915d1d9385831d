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
from domain.associations import AssociationMember, Circular
from domain.channels import ChannelIdentity

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
    told: int  # people the outbox has a message for (a person with two rows counts once)
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
        people: set[str] = set()  # each person told once, even with two rows
        for member in members:
            chosen = reached.get(member.id, [])
            person = _person(member, chosen)
            if not chosen or person in people:
                continue
            people.add(person)
            for identity in chosen:
                telling.identity(uow, identity, messages)
        on_paper = [m.name for m in members if m.id not in reached]
        record(uow, command.actor, "circular.send", "circular", circular.id, at=now,
               members=len(members), told=len(people), on_paper=len(on_paper))
        uow.commit()
    return SentCircular(circular_id=circular.id, told=len(people), on_paper=on_paper)


def _person(member: AssociationMember, identities: list[ChannelIdentity]) -> str:
    """Who a member row is: their resident, or the resident their chat account is linked to."""
    if member.resident_id is not None:
        return f"resident:{member.resident_id}"
    linked = next((i.resident_id for i in identities if i.resident_id is not None), None)
    return f"resident:{linked}" if linked else f"identity:{member.identity_id}"
