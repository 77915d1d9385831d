"""Keyword-only builders for test data, with sensible defaults."""

from __future__ import annotations

import datetime as dt

from application.access.actor import Actor
from domain.benefits import (
    Application,
    ApplicationWindow,
    BenefitProgram,
    PayoutMethod,
    ProgramStatus,
)
from domain.households import Household
from domain.residents import PersonalFacts, RegistryStatus, Resident
from domain.staff import Role
from domain.values import Address, BankAccount, DateOfBirth, Money, PersonName, Sex

OPENS = dt.datetime(2026, 6, 1, tzinfo=dt.UTC)
CLOSES = dt.datetime(2026, 8, 1, tzinfo=dt.UTC)


def facts(*, name: str = "山田 太郎", kana: str | None = "ヤマダ タロウ",
          address: str = "見本県見本町本町1丁目2番3号", born: dt.date = dt.date(1980, 4, 1),
          sex: Sex = Sex.MALE) -> PersonalFacts:
    return PersonalFacts(name=PersonName(name=name, kana=kana), address=Address(text=address),
                         date_of_birth=DateOfBirth(born), sex=sex)


def resident(*, id: str = "r1", resident_number: str = "000000001",
             household_number: str = "H0001", **fact_overrides: object) -> Resident:
    return Resident.from_registry(id=id, resident_number=resident_number,
                                  household_number=household_number,
                                  facts=facts(**fact_overrides),  # type: ignore[arg-type]
                                  status=RegistryStatus.RESIDENT, at=OPENS)


def household(*, id: str = "h1", household_number: str = "H0001",
              head_resident_id: str = "r1") -> Household:
    return Household.found(id=id, household_number=household_number,
                           head_resident_id=head_resident_id)


def program(*, id: str = "p1", name: str = "物価高騰対策給付金", amount: int = 70_000,
            status: ProgramStatus = ProgramStatus.OPEN,
            methods: frozenset[PayoutMethod] = frozenset({PayoutMethod.BANK_TRANSFER,
                                                          PayoutMethod.ATM_CASH}),
            opens_at: dt.datetime = OPENS, closes_at: dt.datetime = CLOSES) -> BenefitProgram:
    return BenefitProgram(id=id, name=name, amount_per_household=Money(amount),
                          eligibility_source="住民税非課税世帯",
                          window=ApplicationWindow(opens_at=opens_at, closes_at=closes_at),
                          payout_methods=methods, status=status)


def account(*, number: str = "1234567", holder: str = "ヤマダ タロウ") -> BankAccount:
    return BankAccount.of(bank_code="0001", branch_code="001", account_type="1",
                          number=number, holder=holder)


def application(*, id: str = "a1", of_program: BenefitProgram | None = None,
                household_id: str = "h1", at: dt.datetime = OPENS) -> Application:
    return Application.notify(id=id, program=of_program or program(), household_id=household_id,
                              at=at)


def actor(*, id: str = "s1", role: Role = Role.APPROVER, label: str = "") -> Actor:
    """A staff member acting (an approver: may do everything but administer)."""
    return Actor(id=id, role=role, label=label or id)
