"""Administrators manage staff accounts: unlock after a lock-out, reset the second factor (a lost
phone), deactivate and reactivate, sign out of every device (ends every session of the account).
Each change commits with its audit record."""

from __future__ import annotations

from attrs import frozen

from application.access.actor import Actor
from application.audit.recording import record
from application.ports.clock import Clock
from application.ports.unit_of_work import UnitOfWork
from application.staff.signing_in import sign_in_state
from domain.access import Permission
from domain.errors import InvalidValue, NotFound
from domain.staff import StaffMember

__all__ = ["ChangeStaffAccount", "StaffChange", "change_staff_account"]


class StaffChange:
    UNLOCK = "unlock"
    RESET_TOTP = "reset_totp"
    DEACTIVATE = "deactivate"
    REACTIVATE = "reactivate"
    SIGN_OUT_EVERYWHERE = "sign_out_everywhere"  # すべての端末からログアウト
    ALL = (UNLOCK, RESET_TOTP, DEACTIVATE, REACTIVATE, SIGN_OUT_EVERYWHERE)


@frozen
class ChangeStaffAccount:
    staff_id: str
    change: str
    actor: Actor  # who asks (an administrator cannot deactivate themselves)


def change_staff_account(command: ChangeStaffAccount, *, uow: UnitOfWork,
                         clock: Clock) -> StaffMember:
    command.actor.ensure(Permission.ADMINISTER, "職員のアカウントを変更")
    if command.change not in StaffChange.ALL:
        raise InvalidValue("この操作はできません。")
    now = clock.now()
    with uow:
        member = uow.staff.get(command.staff_id)
        if member is None:
            raise NotFound("職員が見つかりません。")
        state = sign_in_state(uow, member.id)
        if command.change == StaffChange.UNLOCK:
            state.failed_attempts, state.locked_until = 0, None
        elif command.change == StaffChange.RESET_TOTP:
            state.disable_totp()
        elif command.change == StaffChange.DEACTIVATE:
            if member.id == command.actor.party:  # their session, or a key acting for them
                raise InvalidValue("自分のアカウントは無効にできません。", code="self_deactivation")
            member.active = False
            member.end_sessions()
        elif command.change == StaffChange.SIGN_OUT_EVERYWHERE:
            member.end_sessions()
        else:
            member.active = True
        record(uow, command.actor, f"staff.{command.change}", "staff", member.id, at=now)
        uow.commit()
    return member
