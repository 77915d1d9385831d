"""What the association use cases share: finding an association (or refusing), and the leader's
own association (a 自治会長 reaches nothing else)."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from application.access.actor import Actor
from application.ports.unit_of_work import ConcurrentUpdate, DuplicateError, UnitOfWork
from domain.access import Permission
from domain.associations import Association
from domain.errors import DomainError, InvalidValue, NotAllowed, NotFound

__all__ = ["association_or_refuse", "conflicts_refused", "leaders_association"]


def association_or_refuse(uow: UnitOfWork, association_id: str) -> Association:
    association = uow.associations.get(association_id)
    if association is None:
        raise NotFound("その自治会・町内会はありません。", code="association_not_found")
    return association


def leaders_association(uow: UnitOfWork, actor: Actor) -> Association:
    """The one association the acting 自治会長 leads (anyone else: refused)."""
    actor.ensure(Permission.SEND_CIRCULARS, "回覧板を扱うことは")
    member = uow.staff.get(actor.id)
    association_id = member.association_id if member is not None else None
    association = uow.associations.get(association_id) if association_id else None
    if association is None:
        raise NotAllowed("このアカウントは自治会・町内会に結びついていません。")
    return association


@contextlib.contextmanager
def conflicts_refused(message: str, *, error: type[DomainError] = InvalidValue) -> Iterator[None]:
    """Around `with uow:`: a write that met another one at the same moment (a unique key taken,
    a row changed or gone) is refused with `message`; nothing was written."""
    try:
        yield
    except (DuplicateError, ConcurrentUpdate):
        raise error(message, code="concurrent_update") from None
