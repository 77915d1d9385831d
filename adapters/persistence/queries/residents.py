"""Residents' and verifications' lists and counts for people to read."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from domain.residents import Resident
from domain.verifications import IdentityVerification, VerificationStatus

__all__ = ["SqlResidentQueries"]


class SqlResidentQueries:
    def __init__(self, session: Session) -> None:
        self.session = session

    def verifications(self, status: VerificationStatus, *,
                      limit: int = 100) -> Sequence[IdentityVerification]:
        return self.session.scalars(
            select(IdentityVerification).where(IdentityVerification.status == status)
            .order_by(IdentityVerification.verified_at, IdentityVerification.id).limit(limit)
        ).all()

    def verification_counts(self) -> dict[VerificationStatus, int]:
        rows = self.session.execute(
            select(IdentityVerification.status, func.count())
            .group_by(IdentityVerification.status)).all()
        return dict(rows)  # type: ignore[arg-type]

    def first_residents(self, count: int, *, prefix: str = "") -> Sequence[Resident]:
        return self.session.scalars(
            select(Resident).where(Resident.resident_number.like(f"{prefix}%"))
            .order_by(Resident.resident_number).limit(count)).all()
