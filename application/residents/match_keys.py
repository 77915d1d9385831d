"""Match keys by HMAC-SHA256: the `MatchKeyer` that the town's registry import and every card
verification use, so that both sides of a match are keyed the same way.

Each key is HMAC-SHA256 under the town's secret over a tag and the normalized parts joined by
U+001F (a character that normalization removes, so no two different tuples of parts give the same
message), shortened to its first 32 hex characters (128 bits):

    person  = H("p", normalize_name(name), date of birth ISO, sex code)
    place   = H("a", normalize_address(address, town), date of birth ISO, sex code)
    reading = H("k", normalize_kana(kana), date of birth ISO, sex code), None without a reading
    name_place = H("n", normalize_name(name), normalize_address(address, town)): no date of
              birth or sex, so a typo in either still finds the person for staff (never links)

`town` is the town's own (prefecture, city): an address in this town is keyed relative to it
(see `normalize_address`), so the registry extract's 中央一丁目1番1号 and the card's
岡山県総社市中央一丁目1番1号 get one place key. Changing the town's setting, like rotating the
secret, means re-keying the registry (import it again) and the open verifications.

Without the secret a key cannot be recomputed from guessed facts; rotating the secret means
re-keying the registry and the open verifications together.
"""

from __future__ import annotations

import hashlib
import hmac

from application.residents.comparing import FactComparison, compare_facts
from application.residents.normalization import normalize_address, normalize_kana, normalize_name
from application.residents.town import Town
from domain.residents import MatchKeys, PersonalFacts

__all__ = ["HmacMatchKeyer"]

_SEPARATOR = "\x1f"
_KEY_HEX_LENGTH = 32
_MIN_SECRET_BYTES = 16


class HmacMatchKeyer:
    """`MatchKeyer` by HMAC-SHA256 (standard library only)."""

    def __init__(self, secret: bytes, town: Town | None = None) -> None:
        if not isinstance(secret, bytes) or len(secret) < _MIN_SECRET_BYTES:
            raise ValueError(f"the match key secret must be at least {_MIN_SECRET_BYTES} bytes")
        known = town is not None and town.known
        self._secret, self._given_town = secret, town
        self._town = (town.prefecture, town.city) if town is not None and known else ("", "")
        self._mac = hmac.new(secret, digestmod=hashlib.sha256)  # keyed once, copied per key

    def __reduce__(self) -> tuple[type[HmacMatchKeyer], tuple[bytes, Town | None]]:
        """Pickled as its secret and town (the HMAC object itself cannot be): the registry
        import's worker processes key rows with it (ADR 0080)."""
        return HmacMatchKeyer, (self._secret, self._given_town)

    def keys_for(self, facts: PersonalFacts) -> MatchKeys:
        born, sex = facts.date_of_birth.value.isoformat(), facts.sex.value
        reading = normalize_kana(facts.name.kana) if facts.name.kana else ""
        name = normalize_name(facts.name.name)
        address = normalize_address(facts.address.text, self._town)
        return MatchKeys(
            person=self._key("p", name, born, sex),
            place=self._key("a", address, born, sex),
            reading=self._key("k", reading, born, sex) if reading else None,
            name_place=self._key("n", name, address),
        )

    def compare(self, card: PersonalFacts, registry: PersonalFacts) -> FactComparison:
        """Fact by fact, in the normal forms of the keys (this town's addresses folded)."""
        return compare_facts(card, registry, town=self._town)

    def _key(self, *parts: str) -> str:
        message = _SEPARATOR.join(parts)
        if message.count(_SEPARATOR) != len(parts) - 1:
            raise ValueError("a match key part contains the separator")
        mac = self._mac.copy()
        mac.update(message.encode("utf-8"))
        return mac.hexdigest()[:_KEY_HEX_LENGTH]
