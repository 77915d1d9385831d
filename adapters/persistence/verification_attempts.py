"""Pending verification attempts in the database, so the provider's callback may reach any
process. `take` deletes and returns in one statement: an attempt is used at most once."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Engine, delete, insert

from adapters.persistence.orm.residents import verification_attempts
from application.ports.identity import VerificationAttempt

__all__ = ["SqlVerificationAttempts"]

_t = verification_attempts
STALE = dt.timedelta(days=1)


class SqlVerificationAttempts:
    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def save(self, attempt: VerificationAttempt) -> None:
        with self._engine.begin() as connection:
            # Attempts nobody finished are of no use after a day: they go as new ones come.
            connection.execute(delete(_t).where(_t.c.created_at < attempt.created_at - STALE))
            connection.execute(insert(_t).values(
                state=attempt.state, nonce=attempt.nonce, code_verifier=attempt.code_verifier,
                identity_id=attempt.identity_id, purpose=attempt.purpose,
                provider=attempt.provider, created_at=attempt.created_at))

    def take(self, state: str) -> VerificationAttempt | None:
        with self._engine.begin() as connection:
            row = connection.execute(
                delete(_t).where(_t.c.state == state).returning(*_t.c)).first()
        if row is None:
            return None
        return VerificationAttempt(state=row.state, nonce=row.nonce,
                                   code_verifier=row.code_verifier, identity_id=row.identity_id,
                                   purpose=row.purpose, provider=row.provider,
                                   created_at=row.created_at)
