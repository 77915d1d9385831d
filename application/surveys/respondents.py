"""Who answered, as a keyed digest (ADR 0059): HMAC-SHA256 under a key derived from the town's
match-key secret, over the survey, the procedure rated and the person (their resident id when
their account is linked, else the channel identity's id). Without the secret the digest cannot
be recomputed from a guessed id, and one person's digests differ between surveys, so answers to
two surveys cannot be joined by it. The secret is the match key's (stable: the data keys rotate,
and a rotation would let everyone answer again).

The same secret tags the satisfaction question's buttons with whom it was asked (`asked`): a
tap is taken only from the person the question went to, for the month it was asked."""

from __future__ import annotations

import hashlib
import hmac

__all__ = ["TAG_LENGTH", "RespondentKeys"]

_SEPARATOR = "\x1f"
_MIN_SECRET_BYTES = 16
_PURPOSE = b"madoguchi survey respondent v1"
_ASKED_PURPOSE = b"madoguchi satisfaction asked v1"
TAG_LENGTH = 16


class RespondentKeys:
    def __init__(self, secret: bytes) -> None:
        if not isinstance(secret, bytes) or len(secret) < _MIN_SECRET_BYTES:
            raise ValueError(f"the survey key secret must be at least {_MIN_SECRET_BYTES} bytes")
        derived = hmac.new(secret, _PURPOSE, hashlib.sha256).digest()  # not the match keys' own
        self._mac = hmac.new(derived, digestmod=hashlib.sha256)
        asked = hmac.new(secret, _ASKED_PURPOSE, hashlib.sha256).digest()
        self._asked = hmac.new(asked, digestmod=hashlib.sha256)

    def key(self, *, survey_id: str, procedure_id: str, person: str) -> str:
        """64 hex characters; `person`: a resident id, else a channel identity id."""
        if not person:
            raise ValueError("a respondent needs a person")
        parts = (survey_id, procedure_id, person)
        if any(_SEPARATOR in part for part in parts):
            raise ValueError("a respondent key part contains the separator")
        mac = self._mac.copy()
        mac.update(_SEPARATOR.join(parts).encode())
        return mac.hexdigest()

    def asked(self, *, procedure_id: str, person: str, period: str) -> str:
        """The tag of a satisfaction question asked to `person` about a procedure in a month
        (`TAG_LENGTH` hex characters): its buttons carry it, the desk recomputes it."""
        if not person:
            raise ValueError("a question is asked to a person")
        mac = self._asked.copy()
        mac.update(f"asked|{procedure_id}|{person}|{period}".encode())
        return mac.hexdigest()[:TAG_LENGTH]
