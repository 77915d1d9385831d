"""Column types: aware UTC datetimes, yen, enums by value, and encrypted value objects."""

from __future__ import annotations

import datetime as dt
import enum
import functools
import json
from collections.abc import Callable
from typing import Any

from sqlalchemy import DateTime, Integer, String, Text
from sqlalchemy.types import TypeDecorator

from adapters.crypto import FieldCipher
from application.ports.registry_store import SealedFacts
from domain.values import Money

__all__ = ["CipherSlot", "EncryptedJSON", "EnumValue", "JSONText", "MoneyYen", "UTCDateTime",
           "cipher_slot", "seal"]


class UTCDateTime(TypeDecorator[dt.datetime]):
    """Stored as naive UTC (SQLite has no zones); read back as aware UTC."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Any) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetimes are not stored; use an aware datetime")
        return value.astimezone(dt.UTC).replace(tzinfo=None)

    def process_result_value(self, value: dt.datetime | None, dialect: Any) -> dt.datetime | None:
        return None if value is None else value.replace(tzinfo=dt.UTC)


class MoneyYen(TypeDecorator[Money]):
    impl = Integer
    cache_ok = True

    def process_bind_param(self, value: Money | None, dialect: Any) -> int | None:
        return None if value is None else value.yen

    def process_result_value(self, value: int | None, dialect: Any) -> Money | None:
        return None if value is None else Money(value)


class EnumValue(TypeDecorator[enum.Enum]):
    """An enum stored as its value in a plain string column (no database enum types, so adding
    a state needs no migration of a type)."""

    impl = String(32)
    cache_ok = True

    def __init__(self, enum_class: type[enum.Enum]) -> None:
        super().__init__()
        self.enum_class = enum_class

    def process_bind_param(self, value: enum.Enum | None, dialect: Any) -> str | None:
        return None if value is None else self.enum_class(value).value

    def process_result_value(self, value: str | None, dialect: Any) -> enum.Enum | None:
        return None if value is None else self.enum_class(value)


class JSONText(TypeDecorator[Any]):
    """JSON in a text column, the same on SQLite and PostgreSQL; optional codec for objects."""

    impl = Text
    cache_ok = True

    def __init__(self, dump: Callable[[Any], Any] = lambda v: v,
                 load: Callable[[Any], Any] = lambda v: v) -> None:
        super().__init__()
        self.dump, self.load = dump, load

    def process_bind_param(self, value: Any, dialect: Any) -> str | None:
        if value is None:
            return None
        return json.dumps(self.dump(value), ensure_ascii=False, sort_keys=True)

    def process_result_value(self, value: str | None, dialect: Any) -> Any:
        return None if value is None else self.load(json.loads(value))


class CipherSlot:
    """Holds the process's data cipher, installed by the composition root at start-up."""

    def __init__(self) -> None:
        self._cipher: FieldCipher | None = None

    def install(self, cipher: FieldCipher) -> None:
        self._cipher = cipher

    @property
    def cipher(self) -> FieldCipher:
        if self._cipher is None:
            raise RuntimeError("no data cipher installed: call start_mappers(cipher) first")
        return self._cipher


cipher_slot = CipherSlot()


def seal(value: Any, *, dump: Callable[[Any], Any], cipher: FieldCipher) -> str:
    """A value object as an `EncryptedJSON` column stores it: its JSON, encrypted."""
    plaintext = json.dumps(dump(value), ensure_ascii=False, sort_keys=True)
    return cipher.encrypt(plaintext.encode())


def _sealed(value: Any, *, dump: Callable[[Any], Any], cipher: FieldCipher) -> SealedFacts:
    return SealedFacts(seal(value, dump=dump, cipher=cipher))


class EncryptedJSON(TypeDecorator[Any]):
    """A value object, serialized to JSON and encrypted with the installed cipher."""

    impl = Text
    cache_ok = True

    def __init__(self, dump: Callable[[Any], Any], load: Callable[[Any], Any]) -> None:
        super().__init__()
        self.dump, self.load = dump, load

    def process_bind_param(self, value: Any, dialect: Any) -> str | None:
        if value is None:
            return None
        if isinstance(value, SealedFacts):  # sealed by `sealer()` already (ADR 0080)
            return value.token
        return seal(value, dump=self.dump, cipher=cipher_slot.cipher)

    def sealer(self) -> Callable[[Any], SealedFacts]:
        """This column's encryption as a function another process can run: it carries the
        cipher (its keys) with it."""
        return functools.partial(_sealed, dump=self.dump, cipher=cipher_slot.cipher)

    def process_result_value(self, value: str | None, dialect: Any) -> Any:
        if value is None:
            return None
        return self.load(self.opened(value))

    def opened(self, value: str) -> Any:
        """A stored value's JSON, decrypted, without its value object: what the registry
        import compares a row with (ADR 0083)."""
        return json.loads(cipher_slot.cipher.decrypt(value))
