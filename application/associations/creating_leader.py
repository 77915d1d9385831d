"""Create a 自治会長's account: role association_leader, linked to exactly one association. A
leader signs in to the staff pages but reaches only that association's 回覧板 (ADR 0057).
Audited with it (as any account created: `staff.create`, with the association)."""

from __future__ import annotations

from attrs import frozen

from application.access.actor import Actor
from application.associations.common import association_or_refuse, conflicts_refused
from application.audit.recording import record
from application.ports.clock import Clock, IdGenerator
from application.ports.security import PasswordHasher
from application.ports.unit_of_work import UnitOfWork
from application.staff.creating_staff_member import MIN_PASSWORD_LENGTH
from domain.access import Permission
from domain.errors import InvalidValue
from domain.staff import Role, StaffMember

__all__ = ["CreateLeader", "create_leader"]


@frozen
class CreateLeader:
    association_id: str
    login_id: str
    display_name: str
    password: str
    actor: Actor


def create_leader(command: CreateLeader, *, uow: UnitOfWork, ids: IdGenerator,
                  hasher: PasswordHasher, clock: Clock) -> str:
    command.actor.ensure(Permission.SEND_NOTICES, "自治会長のアカウントを作成")
    if len(command.password) < MIN_PASSWORD_LENGTH:
        raise InvalidValue(f"パスワードは{MIN_PASSWORD_LENGTH}文字以上にしてください。")
    with conflicts_refused(f"ログインID「{command.login_id.strip().lower()}」はすでに使われて"
                           "います。"), uow:
        association = association_or_refuse(uow, command.association_id)
        member = StaffMember(id=ids.new_id(), login_id=command.login_id.strip().lower(),
                             display_name=command.display_name.strip(),
                             role=Role.ASSOCIATION_LEADER,
                             password_hash=hasher.hash(command.password),
                             association_id=association.id)
        if uow.staff.get_by_login_id(member.login_id) is not None:
            raise InvalidValue(f"ログインID「{member.login_id}」はすでに使われています。",
                               code="duplicate_login_id")
        uow.staff.add(member)
        record(uow, command.actor, "staff.create", "staff", member.id, at=clock.now(),
               role=member.role.value, association=association.id)
        uow.commit()
    return member.id
