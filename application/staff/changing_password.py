"""A staff member changes their own password (the current one first)."""

from __future__ import annotations

from attrs import frozen

from application.access.actor import Actor
from application.audit.recording import record
from application.ports.clock import Clock
from application.ports.security import PasswordHasher
from application.ports.unit_of_work import UnitOfWork
from application.staff.creating_staff_member import MIN_PASSWORD_LENGTH
from domain.errors import InvalidValue, NotFound

__all__ = ["ChangePassword", "change_password"]


@frozen
class ChangePassword:
    actor: Actor  # the staff member themselves
    current: str
    new: str
    confirmation: str


def change_password(command: ChangePassword, *, uow: UnitOfWork, hasher: PasswordHasher,
                    clock: Clock) -> int:
    """Returns the new session generation (the web layer keeps this session open with it)."""
    if command.new != command.confirmation:
        raise InvalidValue("新しいパスワードと確認用の入力が一致しません。")
    if len(command.new) < MIN_PASSWORD_LENGTH:
        raise InvalidValue(f"パスワードは{MIN_PASSWORD_LENGTH}文字以上にしてください。")
    with uow:
        member = uow.staff.get(command.actor.id)
        if member is None:
            raise NotFound("職員が見つかりません。")
        if not hasher.verify(member.password_hash, command.current):
            raise InvalidValue("現在のパスワードが違います。", code="wrong_password")
        if hasher.verify(member.password_hash, command.new):
            raise InvalidValue("今と同じパスワードは使えません。")
        member.password_hash = hasher.hash(command.new)
        member.end_sessions()  # whoever knew the old password is signed out everywhere
        record(uow, command.actor, "staff.password_changed", "staff", member.id, at=clock.now())
        uow.commit()
        return member.session_generation
