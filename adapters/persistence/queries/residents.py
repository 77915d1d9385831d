"""Residents' and verifications' lists and counts for people to read."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session

from adapters.persistence.orm.benefits import applications, eligible_households
from adapters.persistence.orm.residents import households
from domain.residents import Resident, VerificationState
from domain.verifications import IdentityVerification, VerificationStatus

__all__ = ["SqlResidentQueries"]


class SqlResidentQueries:
    def __init__(self, session: Session) -> None:
        self.session = session

    def verifications(self, status: VerificationStatus, *, limit: int = 100,
                      after: tuple[dt.datetime, str] | None = None,
                      ) -> Sequence[IdentityVerification]:
        query = select(IdentityVerification).where(IdentityVerification.status == status)
        if after is not None:
            at, last = after
            query = query.where(or_(IdentityVerification.verified_at > at,
                                    and_(IdentityVerification.verified_at == at,
                                         IdentityVerification.id > last)))
        return self.session.scalars(
            query.order_by(IdentityVerification.verified_at, IdentityVerification.id)
            .limit(limit)).all()

    def verification_counts(self) -> dict[VerificationStatus, int]:
        rows = self.session.execute(
            select(IdentityVerification.status, func.count())
            .group_by(IdentityVerification.status)).all()
        return dict(rows)  # type: ignore[arg-type]

    def first_residents(self, count: int, *, prefix: str = "") -> Sequence[Resident]:
        return self.session.scalars(
            select(Resident).where(Resident.resident_number.like(f"{prefix}%"))
            .order_by(Resident.resident_number).limit(count)).all()

    def heads_to_notify(self, program_id: str, count: int, *,
                        prefix: str = "") -> Sequence[tuple[Resident, str]]:
        rows = self.session.execute(
            select(Resident, households.c.id)
            .join(households, households.c.head_resident_id == Resident.id)
            .join(eligible_households, and_(eligible_households.c.household_id == households.c.id,
                                            eligible_households.c.program_id == program_id))
            .outerjoin(applications, and_(applications.c.household_id == households.c.id,
                                          applications.c.program_id == program_id))
            .where(applications.c.id.is_(None),
                   Resident.verification_state == VerificationState.UNVERIFIED,
                   Resident.resident_number.like(f"{prefix}%"))
            .order_by(Resident.resident_number).limit(count)).all()
        return [(resident, household_id) for resident, household_id in rows]
