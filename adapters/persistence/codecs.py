"""Value objects to and from JSON, for the columns that hold them (encrypted or not)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from domain.residents import PersonalFacts, Verification
from domain.values import (
    AccountType,
    Address,
    BankAccount,
    DateOfBirth,
    PersonName,
    Sex,
    ZenginKana,
)

__all__ = ["account_from_json", "account_to_json", "facts_from_json", "facts_to_json",
           "verification_from_json", "verification_to_json"]


def facts_to_json(facts: PersonalFacts) -> dict[str, Any]:
    return {
        "name": facts.name.name, "kana": facts.name.kana,
        "address": facts.address.text, "postal_code": facts.address.postal_code,
        "date_of_birth": facts.date_of_birth.value.isoformat(), "sex": facts.sex.value,
    }


def facts_from_json(data: dict[str, Any]) -> PersonalFacts:
    return PersonalFacts(
        name=PersonName(name=data["name"], kana=data.get("kana")),
        address=Address(text=data["address"], postal_code=data.get("postal_code")),
        date_of_birth=DateOfBirth(dt.date.fromisoformat(data["date_of_birth"])),
        sex=Sex(data["sex"]),
    )


def account_to_json(account: BankAccount) -> dict[str, Any]:
    return {"bank": account.bank_code, "branch": account.branch_code,
            "type": account.account_type.value, "number": account.number,
            "holder": account.holder.text}


def account_from_json(data: dict[str, Any]) -> BankAccount:
    return BankAccount(bank_code=data["bank"], branch_code=data["branch"],
                       account_type=AccountType(data["type"]), number=data["number"],
                       holder=ZenginKana(data["holder"]))


def verification_to_json(verification: Verification) -> dict[str, Any]:
    return {"subject": verification.subject, "provider": verification.provider,
            "assurance": verification.assurance,
            "verified_at": verification.verified_at.isoformat()}


def verification_from_json(data: dict[str, Any]) -> Verification:
    return Verification(subject=data["subject"], provider=data["provider"],
                        assurance=data["assurance"],
                        verified_at=dt.datetime.fromisoformat(data["verified_at"]))
