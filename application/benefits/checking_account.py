"""Staff compare the passbook photo with the account a resident entered, before approval."""

from __future__ import annotations

from application.ports.clock import Clock
from application.ports.unit_of_work import UnitOfWork
from domain.errors import NotFound

__all__ = ["check_account"]


def check_account(application_id: str, *, staff_id: str, uow: UnitOfWork, clock: Clock) -> None:
    with uow:
        application = uow.applications.get(application_id)
        if application is None:
            raise NotFound("申請が見つかりません。")
        application.check_account(by=staff_id, at=clock.now())
        uow.commit()
