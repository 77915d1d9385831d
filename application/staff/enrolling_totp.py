"""A staff member turns on the second factor: their authenticator app shows a code for the new
secret, and the secret is kept only once that code was right."""

from __future__ import annotations

from attrs import frozen

from application.access.actor import Actor
from application.audit.recording import record
from application.ports.clock import Clock
from application.ports.staff_security import OneTimeCodes
from application.ports.unit_of_work import UnitOfWork
from application.staff.signing_in import sign_in_state
from domain.errors import InvalidValue, NotFound

__all__ = ["EnableTotp", "enable_totp"]


@frozen
class EnableTotp:
    actor: Actor  # the staff member themselves
    secret: str
    code: str


def enable_totp(command: EnableTotp, *, uow: UnitOfWork, codes: OneTimeCodes,
                clock: Clock) -> None:
    now = clock.now()
    code = command.code.strip().replace(" ", "")
    step = codes.matching_step(command.secret, code, at=now) if code.isdigit() else None
    if step is None:
        raise InvalidValue("確認コードが違います。認証アプリに表示されている6桁の数字を"
                           "入力してください。", code="wrong_code")
    with uow:
        member = uow.staff.get(command.actor.id)
        if member is None:
            raise NotFound("職員が見つかりません。")
        state = sign_in_state(uow, member.id)
        state.enable_totp(command.secret, step)
        record(uow, command.actor, "staff.totp_enabled", "staff", member.id, at=now)
        uow.commit()
