"""Reading the four basic facts (基本4情報) from OpenID Connect claims.

The claim names of the Digital Authentication App (デジタル認証アプリ) are not confirmed in a
public specification, so the mapping is configurable; the defaults follow OpenID Connect Core
(`name`, `address`, `birthdate`, `gender`) with Japanese additions where a provider offers them.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from attrs import frozen

from adapters.identity.errors import VerificationFailed
from domain.errors import InvalidValue
from domain.residents import PersonalFacts
from domain.values import Address, DateOfBirth, PersonName, Sex

__all__ = ["ClaimMapping"]

_ADDRESS_PARTS = ("region", "locality", "street_address")  # 都道府県, 市区町村, 町名番地


@frozen
class ClaimMapping:
    """Which claims carry which fact. The first claim present wins in each tuple."""

    name: tuple[str, ...] = ("name",)
    family_name: str = "family_name"  # used with `given_name` when no full name is present
    given_name: str = "given_name"
    kana: tuple[str, ...] = ("name_kana", "name#ja-Kana-JP")
    address: tuple[str, ...] = ("address",)  # an object (`formatted`) or a plain string
    address_formatted: str = "formatted"
    postal_code: str = "postal_code"
    birthdate: tuple[str, ...] = ("birthdate",)  # YYYY-MM-DD
    sex: tuple[str, ...] = ("gender",)  # "male"/"female" or "1"/"2"

    def covers(self, claims: Mapping[str, Any]) -> bool:
        """Whether all four facts can be looked for in `claims` (else ask userinfo)."""
        has_name = _first(claims, self.name) is not None or (
            _text(claims.get(self.family_name)) is not None
            and _text(claims.get(self.given_name)) is not None
        )
        return has_name and all(
            _first(claims, names) is not None
            for names in (self.address, self.birthdate, self.sex)
        )

    def facts_from(self, claims: Mapping[str, Any]) -> PersonalFacts:
        """The facts as domain values. Raises `VerificationFailed` without repeating the claim
        values (they are personal data)."""
        if not self.covers(claims):
            raise VerificationFailed("oidc_missing_claims")
        try:
            return PersonalFacts(
                name=self._name(claims),
                address=self._address(claims),
                date_of_birth=DateOfBirth.parse(str(_first(claims, self.birthdate))),
                sex=Sex.parse(str(_first(claims, self.sex))),
            )
        except (InvalidValue, TypeError, ValueError):
            raise VerificationFailed("oidc_invalid_claims") from None

    def _name(self, claims: Mapping[str, Any]) -> PersonName:
        full = _first(claims, self.name)
        if full is None:
            full = f"{_text(claims.get(self.family_name))} {_text(claims.get(self.given_name))}"
        kana = _first(claims, self.kana)
        return PersonName.of(str(full), kana if isinstance(kana, str) else None)

    def _address(self, claims: Mapping[str, Any]) -> Address:
        value = next(claims[key] for key in self.address if claims.get(key))
        if isinstance(value, str):
            return Address.of(value)
        if not isinstance(value, Mapping):
            raise InvalidValue("address")
        text = _text(value.get(self.address_formatted)) or "".join(
            part for key in _ADDRESS_PARTS if (part := _text(value.get(key)))
        )
        return Address.of(text, _text(value.get(self.postal_code)))


def _text(value: Any) -> str | None:
    return value.strip() if isinstance(value, str) and value.strip() else None


def _first(claims: Mapping[str, Any], names: tuple[str, ...]) -> Any:
    for key in names:
        value = claims.get(key)
        if value is not None and value != "" and value != {}:
            return value
    return None
