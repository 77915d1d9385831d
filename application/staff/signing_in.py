"""Sign a staff member in: password first, then a one-time code where they enabled one.

Wrong passwords and codes count towards a lock-out (`domain.staff_sign_in`); a locked account
is refused without looking at the password. Every outcome is in the audit log, and so is
signing out."""

from __future__ import annotations

import datetime as dt
import enum

from attrs import frozen

from application.access.actor import Actor
from application.audit.recording import record
from application.ports.clock import Clock
from application.ports.security import PasswordHasher
from application.ports.staff_security import OneTimeCodes
from application.ports.unit_of_work import UnitOfWork
from domain.staff import Role, StaffMember
from domain.staff_sign_in import StaffSignIn
from domain.values import JST

__all__ = [
    "ConfirmCode",
    "SignIn",
    "SignInOutcome",
    "SignInResult",
    "confirm_code",
    "sign_in",
    "sign_in_state",
    "sign_out",
]

WRONG_PASSWORD = "ログインIDまたはパスワードが違います。"
WRONG_CODE = "確認コードが違います。認証アプリに表示されている6桁の数字を入力してください。"


class SignInOutcome(enum.Enum):
    SIGNED_IN = "signed_in"
    NEEDS_CODE = "needs_code"
    REFUSED = "refused"


@frozen
class SignIn:
    login_id: str
    password: str
    ip: str = ""


@frozen
class ConfirmCode:
    staff_id: str
    code: str
    ip: str = ""


@frozen
class SignInResult:
    outcome: SignInOutcome
    staff_id: str | None = None
    message: str = ""


def _locked_message(state: StaffSignIn) -> str:
    local = state.locked_until.astimezone(JST) if state.locked_until else None
    until = f"{local.hour}:{local.minute:02d}" if local else ""  # 9:15, as every page says times
    return (f"ログインの失敗が続いたため、{until}までログインできません。"
            "急ぎの場合は管理者に連絡してください。")


def _record(uow: UnitOfWork, member: StaffMember | None, action: str, ip: str, *,
            at: dt.datetime, **detail: str | int | bool) -> None:
    """A sign-in's record: the staff member it was for (nobody, for an unknown log-in id)."""
    actor = (Actor.staff(member, ip=ip) if member is not None
             else Actor(id="", role=Role.VIEWER, label="", ip=ip[:64]))
    record(uow, actor, action, "staff", member.id if member else "", at=at, **detail)


_DECOYS: dict[int, str] = {}


def _decoy_hash(hasher: PasswordHasher) -> str:
    """A hash to check unknown log-in ids against, so they take as long as known ones (no
    telling from the answer's time which ids exist)."""
    key = id(hasher)
    if key not in _DECOYS:
        _DECOYS[key] = hasher.hash("madoguchi-decoy-password")
    return _DECOYS[key]


def sign_in_state(uow: UnitOfWork, staff_id: str) -> StaffSignIn:
    """The staff member's sign-in state (failures, lock, second factor), made on first need."""
    state = uow.sign_ins.get(staff_id)
    if state is None:
        state = StaffSignIn(staff_id=staff_id)
        uow.sign_ins.add(state)
    return state


def _claim(uow: UnitOfWork, staff_id: str, now: dt.datetime) -> StaffSignIn | None:
    """Count the attempt before checking it, in its own transaction: parallel attempts each
    get their own count from the database, and once one of them locks the account the others
    are refused unchecked (at most `MAX_FAILED_ATTEMPTS` checks before the lock holds)."""
    with uow:
        uow.sign_ins.ensure(staff_id)
        state = uow.sign_ins.claim_attempt(staff_id, now)
        uow.commit()
    return state


def _refuse_locked(uow: UnitOfWork, member: StaffMember, ip: str,
                   now: dt.datetime) -> SignInResult:
    with uow:
        state = sign_in_state(uow, member.id)
        _record(uow, member, "staff.sign_in_failed", ip, at=now, reason="locked")
        uow.commit()
    return SignInResult(SignInOutcome.REFUSED, message=_locked_message(state))


def _refuse_counted(uow: UnitOfWork, member: StaffMember, counted: StaffSignIn, ip: str,
                    now: dt.datetime, *, reason: str, wrong: str) -> SignInResult:
    """A wrong password or code, already counted: its record, and the lock it made."""
    locked = counted.is_locked(now)
    with uow:
        _record(uow, member, "staff.sign_in_failed", ip, at=now, reason=reason,
                attempts=counted.failed_attempts, locked=locked)
        uow.commit()
    return SignInResult(SignInOutcome.REFUSED,
                        message=_locked_message(counted) if locked else wrong)


def _signed_in(uow: UnitOfWork, member: StaffMember, ip: str, now: dt.datetime, *,
               factor: str) -> SignInResult:
    with uow:
        state = sign_in_state(uow, member.id)
        state.record_success(now)
        _record(uow, member, "staff.sign_in", ip, at=now, factor=factor)
        uow.commit()
    return SignInResult(SignInOutcome.SIGNED_IN, staff_id=member.id)


def sign_in(command: SignIn, *, uow: UnitOfWork, hasher: PasswordHasher,
            clock: Clock) -> SignInResult:
    now = clock.now()
    with uow:
        member = uow.staff.get_by_login_id(command.login_id.strip().lower())
        if member is None or not member.active:
            hasher.verify(_decoy_hash(hasher), command.password)  # as long as a real check
            _record(uow, None, "staff.sign_in_failed", command.ip, at=now,
                    reason="unknown_or_inactive")
            uow.commit()
            return SignInResult(SignInOutcome.REFUSED, message=WRONG_PASSWORD)
    counted = _claim(uow, member.id, now)
    if counted is None:
        return _refuse_locked(uow, member, command.ip, now)
    if not hasher.verify(member.password_hash, command.password):
        return _refuse_counted(uow, member, counted, command.ip, now, reason="password",
                               wrong=WRONG_PASSWORD)
    if counted.uses_totp:
        with uow:  # the password was right: only a wrong code counts from here
            uow.sign_ins.give_back_attempt(member.id)
            uow.commit()
        return SignInResult(SignInOutcome.NEEDS_CODE, staff_id=member.id)
    return _signed_in(uow, member, command.ip, now, factor="password")


def confirm_code(command: ConfirmCode, *, uow: UnitOfWork, codes: OneTimeCodes,
                 clock: Clock) -> SignInResult:
    """The second step, after the password was right. A code is used once: of two requests
    with the same code, one signs in."""
    now = clock.now()
    with uow:
        member = uow.staff.get(command.staff_id)
        state = uow.sign_ins.get(command.staff_id)
        if member is None or not member.active or state is None or state.totp_secret is None:
            return SignInResult(SignInOutcome.REFUSED, message=WRONG_PASSWORD)
        secret = state.totp_secret
    counted = _claim(uow, member.id, now)
    if counted is None:
        return _refuse_locked(uow, member, command.ip, now)
    code = command.code.strip().replace(" ", "")
    step = codes.matching_step(secret, code, at=now) if code.isdigit() else None
    if step is not None:
        with uow:
            accepted = uow.sign_ins.use_code_step(member.id, step)
            uow.commit()
    if step is None or not accepted:
        return _refuse_counted(uow, member, counted, command.ip, now, reason="code",
                               wrong=WRONG_CODE)
    return _signed_in(uow, member, command.ip, now, factor="totp")


def sign_out(actor: Actor, *, uow: UnitOfWork, clock: Clock) -> None:
    """The staff member signs out: every session of theirs ends (a copied cookie included)."""
    with uow:
        member = uow.staff.get(actor.id)
        if member is not None:
            member.end_sessions()
        record(uow, actor, "staff.sign_out", "staff", actor.id, at=clock.now())
        uow.commit()
