"""The demo town's 自治会 (ADR 0057): 「本町二丁目自治会」, open to joining in the chat, with the
first few registry residents imported from its list (the people the development card page
offers, so a demo resident who verifies as one of them receives its circulars), and its leader's
account `jichikai` (role 自治会長) with the demo staff password.

Idempotent: an association or account already there is left as it is; members already in the
association are kept (the import does not add them twice)."""

from __future__ import annotations

from collections.abc import Callable

from application.access.actor import Actor
from application.associations.creating_association import CreateAssociation, create_association
from application.associations.creating_leader import CreateLeader, create_leader
from application.associations.importing_members import ImportMembers, import_members
from application.ports.clock import Clock, IdGenerator
from application.ports.security import PasswordHasher
from application.ports.unit_of_work import UnitOfWork

__all__ = ["DEMO_ASSOCIATION", "DEMO_LEADER_LOGIN", "seed_demo_associations"]

DEMO_ASSOCIATION = "本町二丁目自治会"
DEMO_LEADER_LOGIN = "jichikai"
DEMO_MEMBERS = 4


def seed_demo_associations(actor: Actor, *, password: str,
                           uow_factory: Callable[[], UnitOfWork], ids: IdGenerator,
                           clock: Clock, hasher: PasswordHasher) -> int:
    """Returns 1 when the association was created now, else 0."""
    with uow_factory() as uow:
        found = uow.associations.get_by_name(DEMO_ASSOCIATION)
        association_id = found.id if found is not None else None
        numbers = [r.resident_number for r in uow.queries.residents.first_residents(DEMO_MEMBERS)]
        has_leader = uow.staff.get_by_login_id(DEMO_LEADER_LOGIN) is not None
    created = association_id is None
    if association_id is None:
        association_id = create_association(
            CreateAssociation(name=DEMO_ASSOCIATION, actor=actor, open_to_join=True),
            uow=uow_factory(), ids=ids, clock=clock)
    rows = [(row, {"resident_number": number})
            for row, number in enumerate(numbers, start=2) if number]
    if rows:
        import_members(ImportMembers(association_id=association_id, rows=rows, actor=actor),
                       uow=uow_factory(), ids=ids, clock=clock)
    if not has_leader:
        create_leader(CreateLeader(association_id=association_id, login_id=DEMO_LEADER_LOGIN,
                                   display_name="本町 会長", password=password, actor=actor),
                      uow=uow_factory(), ids=ids, hasher=hasher, clock=clock)
    return int(created)
