"""Staff compare the passbook photo with the account a resident entered, before approval."""

from __future__ import annotations

from application.access.actor import Actor
from application.audit.recording import record
from application.ports.clock import Clock
from application.ports.unit_of_work import UnitOfWork
from domain.access import Permission
from domain.benefits import Application
from domain.errors import NotFound

__all__ = ["check_account"]


def check_account(application_id: str, *, actor: Actor, uow: UnitOfWork,
                  clock: Clock) -> Application:
    actor.ensure(Permission.HANDLE_APPLICATIONS, "口座を確認")
    now = clock.now()
    with uow:
        application = uow.applications.get(application_id)
        if application is None:
            raise NotFound("申請が見つかりません。")
        application.check_account(by=actor.id, party=actor.party, at=now)
        record(uow, actor, "application.account_check", "application", application.id, at=now)
        uow.commit()
    return application
