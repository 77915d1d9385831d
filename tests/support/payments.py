"""A program with approved applications, ready to be paid (for use case and database tests)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from application.access.actor import Actor
from domain.benefits import Application, PayoutMethod
from domain.channels import ChannelIdentity
from domain.households import Household
from domain.staff import Role
from tests import builders as b

AT = dt.datetime(2026, 6, 2, 0, 0, tzinfo=dt.UTC)
WORKER = Actor(id="staff-worker", role=Role.CASE_WORKER)
APPROVER = Actor(id="staff-approver", role=Role.APPROVER)
SECOND_APPROVER = Actor(id="staff-approver-2", role=Role.APPROVER)
VIEWER = Actor(id="staff-viewer", role=Role.VIEWER)


def approved_town(uow: Any, *, households: int = 3,
                  method: PayoutMethod = PayoutMethod.BANK_TRANSFER,
                  linked: bool = True) -> list[Application]:
    """Program p1 with `households` approved applications a1…; each household's head r1… is
    linked to LINE user U1…. Adds to `uow` without committing (on a database, commit
    `residents(uow, households)` first)."""
    program = b.program()
    uow.programs.add(program)
    applications = []
    for n in range(1, households + 1):
        uow.households.add(Household.found(id=f"h{n}", household_number=f"H{n:04d}",
                                           head_resident_id=f"r{n}"))
        if linked:
            identity = ChannelIdentity.first_seen(id=f"i{n}", channel="line", address=f"U{n}",
                                                  at=AT)
            identity.link(f"r{n}")
            uow.channel_identities.add(identity)
        application = b.application(id=f"a{n}", of_program=program, household_id=f"h{n}")
        account = (b.account(number=f"{n:07d}", holder="ヤマダ タロウ")
                   if method is PayoutMethod.BANK_TRANSFER else None)
        application.confirm(program=program, at=AT, payout_method=method,
                            payee_account=account)
        application.approve(by="staff-approver", at=AT)
        uow.applications.add(application)
        applications.append(application)
    return applications


def residents(uow: Any, households: int = 3) -> None:
    for n in range(1, households + 1):
        uow.residents.add(b.resident(id=f"r{n}", resident_number=f"{n:09d}",
                                     household_number=f"H{n:04d}"))
