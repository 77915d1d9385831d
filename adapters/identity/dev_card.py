"""The development card: plays the My Number card and the phone's card reader on a web page.

NOT FOR PRODUCTION: it believes whatever is typed. It exists so the whole path (a resident taps
本人確認 in LINE, verifies, comes back, is matched to the registry) can be tried on a laptop.
The composition root refuses it when MADOGUCHI_ENV=production, and so does the page.
"""

from __future__ import annotations

import datetime as dt
import secrets
from urllib.parse import urlencode

from application.ports.clock import Clock
from application.ports.identity import (
    VerificationAttempt,
    VerificationAttempts,
    VerificationStarted,
    VerifiedIdentity,
)
from domain.errors import DomainError
from domain.residents import PersonalFacts
from domain.values import Address, DateOfBirth, PersonName, Sex

__all__ = ["DevCardProvider"]

ASSURANCE = "development"  # never the assurance a real card gives
MAX_AGE = dt.timedelta(minutes=10)


class DevCardProvider:
    name = "dev_card"

    def __init__(self, *, page_url: str, attempts: VerificationAttempts, clock: Clock) -> None:
        self._page_url = page_url  # the card page, e.g. http://127.0.0.1:8000/identity/dev-card
        self._attempts = attempts
        self._clock = clock

    def start(self, *, identity_id: str, purpose: str, return_to: str) -> VerificationStarted:
        state = secrets.token_urlsafe(24)
        self._attempts.save(VerificationAttempt(
            state=state, nonce="-", code_verifier="-", identity_id=identity_id,
            purpose=purpose, provider=self.name, created_at=self._clock.now()))
        return VerificationStarted(url=f"{self._page_url}?{urlencode({'state': state})}",
                                   state=state)

    def complete(self, callback_params: dict[str, str]) -> VerifiedIdentity:
        """The page posts the four facts with the state; each state works once. Facts that do
        not validate raise their own message and leave the attempt usable."""
        facts = PersonalFacts(
            name=PersonName.of(callback_params.get("name", ""), callback_params.get("kana")),
            address=Address.of(callback_params.get("address", ""),
                               callback_params.get("postal_code")),
            date_of_birth=DateOfBirth.parse(callback_params.get("date_of_birth", ""))
            .ensure_not_after(self._clock.now().date()),
            sex=Sex.parse(callback_params.get("sex", "")),
        )
        attempt = self._attempts.take(callback_params.get("state", ""))
        if attempt is None or attempt.provider != self.name:
            raise DomainError("この本人確認の手続きは無効か、すでに使われています。"
                              "LINEからもう一度始めてください。", code="dev_card_state_unknown")
        if self._clock.now() - attempt.created_at > MAX_AGE:
            raise DomainError("本人確認の有効時間（10分）が過ぎました。LINEからもう一度始めて"
                              "ください。", code="dev_card_expired")
        subject = "dev-" + secrets.token_hex(8)  # opaque, like a provider's pairwise subject
        return VerifiedIdentity(facts=facts, subject=subject, provider=self.name,
                                assurance=ASSURANCE, verified_at=self._clock.now(),
                                identity_id=attempt.identity_id, purpose=attempt.purpose)

    def still_valid(self, subject: str) -> bool:
        return True
