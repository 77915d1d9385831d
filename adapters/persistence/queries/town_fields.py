"""How a stored column becomes the cells of the town's export (ADR 0035): one `Field` per
column read, giving one cell or several (the four facts of a person, the parts of an account).

Cells are JSON types: text, whole numbers, truth values, None, or nested objects for the
JSON-lines files. Moments are ISO 8601 in Japan time (2026-12-04T09:30:00+09:00), days
2026-12-04, amounts whole yen, codes their stored value (their Japanese labels are in
docs/export.md)."""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Callable, Mapping
from typing import Any

from attrs import field, frozen
from sqlalchemy import Column

from application.ports.queries import TownCell
from domain.residents import PersonalFacts, Verification
from domain.values import JST, AccountType, BankAccount, Money, Sex

__all__ = ["Field", "account", "code", "facts", "json_value", "moment", "plain",
           "verification", "yen"]

Cells = tuple[TownCell, ...]


@frozen
class Field:
    names: tuple[str, ...]  # the export's columns this field fills, in order
    source: Column[Any]  # the stored column read
    cells: Callable[[Any], Cells]
    codes: Mapping[str, type[enum.Enum]] = field(factory=dict)  # code columns → their codes


def _name(column: Column[Any], name: str | None) -> tuple[str, ...]:
    return (name or column.name,)


def plain(column: Column[Any], name: str | None = None) -> Field:
    """Text, a number or a truth value, as stored."""
    return Field(_name(column, name), column, lambda value: (value,))


def moment(column: Column[Any], name: str | None = None) -> Field:
    """A moment (Japan time, ISO 8601) or a day (ISO 8601)."""
    return Field(_name(column, name), column, lambda value: (_moment(value),))


def _moment(value: dt.date | None) -> str | None:
    if isinstance(value, dt.datetime):
        return value.astimezone(JST).isoformat()
    return value.isoformat() if value is not None else None


def code(column: Column[Any], name: str | None = None) -> Field:
    """An enum column's stored value (`approved`), its labels in the doc."""
    names = _name(column, name)
    return Field(names, column, lambda value: (_code(value),),
                 codes={names[0]: column.type.enum_class})  # type: ignore[attr-defined]


def _code(value: enum.Enum | None) -> str | None:
    return None if value is None else str(value.value)


def yen(column: Column[Any], name: str) -> Field:
    return Field((name,), column, lambda value: (value.yen if isinstance(value, Money)
                                                 else None,))


def json_value(column: Column[Any], name: str | None = None,
               convert: Callable[[Any], TownCell] = lambda value: value, *,
               codes: type[enum.Enum] | None = None) -> Field:
    """A structured value: nested in a JSON-lines file, JSON text in a CSV cell (`codes`: the
    enum whose values a list holds)."""
    names = _name(column, name)
    return Field(names, column, lambda value: (None if value is None else convert(value),),
                 codes={names[0]: codes} if codes else {})


_FACTS = ("name", "kana", "date_of_birth", "sex", "address", "postal_code")


def facts(column: Column[Any], prefix: str = "") -> Field:
    """The four basic facts (基本4情報) as six columns, decrypted."""

    def cells(value: PersonalFacts | None) -> Cells:
        if value is None:
            return (None,) * len(_FACTS)
        return (value.name.name, value.name.kana, value.date_of_birth.value.isoformat(),
                value.sex.value, value.address.text, value.address.postal_code)

    return Field(tuple(prefix + name for name in _FACTS), column, cells,
                 codes={prefix + "sex": Sex})


_ACCOUNT = ("bank_code", "branch_code", "account_type", "account_number", "account_holder")


def account(column: Column[Any], prefix: str) -> Field:
    """A bank account on file as five columns, decrypted and in full (it is the town's)."""

    def cells(value: BankAccount | None) -> Cells:
        if value is None:
            return (None,) * len(_ACCOUNT)
        return (value.bank_code, value.branch_code, value.account_type.value, value.number,
                value.holder.text)

    return Field(tuple(f"{prefix}_{name}" for name in _ACCOUNT), column, cells,
                 codes={f"{prefix}_account_type": AccountType})


_VERIFICATION = ("verification_provider", "verification_subject", "verification_assurance",
                 "verified_at")


def verification(column: Column[Any]) -> Field:
    """How a resident last proved who they are (the identity provider, its subject id for
    them, its assurance and when), decrypted."""

    def cells(value: Verification | None) -> Cells:
        if value is None:
            return (None,) * len(_VERIFICATION)
        return (value.provider, value.subject, value.assurance, _moment(value.verified_at))

    return Field(_VERIFICATION, column, cells)
