"""Which case holds a resident's chat: one at a time. The case staff last wrote from (a reply, a
consultation taken) takes it, and the resident's other cases let go, so what the resident writes
next joins the case they are answering (ADR 0042)."""

from __future__ import annotations

from application.ports.unit_of_work import UnitOfWork
from domain.cases import InboxCase

__all__ = ["take_the_chat"]


def take_the_chat(case: InboxCase, uow: UnitOfWork) -> None:
    for other in uow.cases.all_holding_chat(case.identity_id):
        if other.id != case.id:
            other.let_go_of_chat()
    case.holds_the_chat = True
