"""What the staff pages read about staff accounts: the signed-in member, their second factor,
and the accounts administrators manage (staff's own data, not residents')."""

from __future__ import annotations

from attrs import frozen

from application.ports.unit_of_work import UnitOfWork
from domain.staff import StaffMember
from domain.staff_sign_in import StaffSignIn

__all__ = ["MemberLine", "active_member", "member_by_login_id", "members", "uses_totp"]


@frozen
class MemberLine:
    member: StaffMember
    sign_in: StaffSignIn | None


def active_member(staff_id: str, *, uow: UnitOfWork) -> StaffMember | None:
    """The staff member a session belongs to, while the account is active."""
    with uow:
        member = uow.staff.get(staff_id)
    return member if member is not None and member.active else None


def member_by_login_id(login_id: str, *, uow: UnitOfWork) -> StaffMember | None:
    """The account with this log-in id (as typed: case and spaces do not matter)."""
    with uow:
        return uow.staff.get_by_login_id(login_id.strip().lower())


def uses_totp(staff_id: str, *, uow: UnitOfWork) -> bool:
    with uow:
        state = uow.sign_ins.get(staff_id)
    return bool(state and state.uses_totp)


def members(*, uow: UnitOfWork) -> list[MemberLine]:
    with uow:
        found = list(uow.queries.staff.members())
        states = uow.queries.staff.sign_in_states([m.id for m in found])
    return [MemberLine(m, states.get(m.id)) for m in found]
