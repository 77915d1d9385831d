"""Create a staff account (the first administrator from the command line, others in the UI).
Audited with it."""

from __future__ import annotations

from attrs import frozen

from application.access.actor import Actor
from application.audit.recording import record
from application.ports.clock import Clock, IdGenerator
from application.ports.security import PasswordHasher
from application.ports.unit_of_work import UnitOfWork
from domain.access import Permission
from domain.errors import InvalidValue
from domain.staff import Role, StaffMember

__all__ = ["MIN_PASSWORD_LENGTH", "CreateStaffMember", "create_staff_member"]

MIN_PASSWORD_LENGTH = 12


@frozen
class CreateStaffMember:
    login_id: str
    display_name: str
    role: str
    password: str
    actor: Actor


def create_staff_member(command: CreateStaffMember, *, uow: UnitOfWork, ids: IdGenerator,
                        hasher: PasswordHasher, clock: Clock) -> str:
    command.actor.ensure(Permission.ADMINISTER, "職員を追加")
    if len(command.password) < MIN_PASSWORD_LENGTH:
        raise InvalidValue(f"パスワードは{MIN_PASSWORD_LENGTH}文字以上にしてください。")
    member = StaffMember(id=ids.new_id(), login_id=command.login_id.strip().lower(),
                         display_name=command.display_name.strip(),
                         role=Role.parse(command.role), password_hash=hasher.hash(command.password))
    with uow:
        if uow.staff.get_by_login_id(member.login_id) is not None:
            raise InvalidValue(f"ログインID「{member.login_id}」はすでに使われています。",
                               code="duplicate_login_id")
        uow.staff.add(member)
        record(uow, command.actor, "staff.create", "staff", member.id, at=clock.now(),
               role=member.role.value)
        uow.commit()
    return member.id
