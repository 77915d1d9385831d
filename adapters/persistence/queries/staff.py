"""Staff accounts, their sign-in states and the API keys, for administrators to read."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from domain.access import ApiKey
from domain.staff import StaffMember
from domain.staff_sign_in import StaffSignIn

__all__ = ["SqlStaffQueries"]


class SqlStaffQueries:
    def __init__(self, session: Session) -> None:
        self.session = session

    def members(self) -> Sequence[StaffMember]:
        return self.session.scalars(select(StaffMember).order_by(StaffMember.login_id)).all()

    def sign_in_states(self, staff_ids: Sequence[str]) -> dict[str, StaffSignIn]:
        if not staff_ids:
            return {}
        found = self.session.scalars(
            select(StaffSignIn).where(StaffSignIn.staff_id.in_(list(staff_ids)))).all()
        return {state.staff_id: state for state in found}

    def api_keys(self) -> Sequence[ApiKey]:
        return self.session.scalars(select(ApiKey).order_by(ApiKey.created_at, ApiKey.id)).all()
