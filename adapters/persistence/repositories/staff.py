"""Repositories of staff members, their sign-in state and API keys."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select

from adapters.persistence.repositories.base import SqlRepository
from domain.access import ApiKey
from domain.staff import StaffMember
from domain.staff_sign_in import StaffSignIn

__all__ = ["SqlApiKeyRepository", "SqlStaffRepository", "SqlStaffSignInRepository"]


class SqlStaffRepository(SqlRepository):
    model = StaffMember

    def get_by_login_id(self, login_id: str) -> StaffMember | None:
        return self._one(StaffMember.login_id == login_id)

    def list_all(self) -> Sequence[StaffMember]:
        found = self.session.scalars(select(StaffMember).order_by(StaffMember.login_id)).all()
        self.tracked.update(found)
        return found


class SqlApiKeyRepository(SqlRepository):
    model = ApiKey

    def get_by_hash(self, key_hash: str) -> ApiKey | None:
        return self._one(ApiKey.key_hash == key_hash)


class SqlStaffSignInRepository(SqlRepository):
    model = StaffSignIn
